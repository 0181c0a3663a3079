"""The public ethics FAQ: published entries, searched with a plain GET form."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases.staff_selectors import faq_search
from hotline.forms import FaqSearchForm

FAQ_PAGE_SIZE = 20


@require_safe
def faq_list(request: HttpRequest) -> HttpResponse:
    form = FaqSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(faq_search(query), FAQ_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hotline/faq.html", {"form": form, "page": page, "query": query})
