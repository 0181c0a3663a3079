"""A counselor files a question or report for someone who called, came in or wrote."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cases.policy import may_file_intake
from core.lib.gate import page_for
from counselors.case_services import WorkspaceRefused, case_file_for_caller
from counselors.views.common import staff_of
from counselors.workspace_forms import IntakeForm


@page_for(may_file_intake)
@require_http_methods(["GET", "POST"])
def intake_view(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    form = IntakeForm(request.POST or None, organisation=user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            new = case_file_for_caller(
                user=user,
                kind=form.cleaned_data["kind"],
                category=form.cleaned_data["category"],
                channel=form.cleaned_data["channel"],
                title=form.title(),
                body=form.body(),
                identity=form.identity(),
                executive_involved=form.cleaned_data["executive_involved"],
                excluded=form.excluded(),
            )
        except WorkspaceRefused as refused:
            form.add_error(None, str(refused))
        else:
            # Shown in this response only: never in a URL, never stored to be shown again.
            return render(
                request,
                "counselors/intake_receipt.html",
                {
                    "case": new.case,
                    "receipt": new.receipt.display,
                    "routed_to": new.case.organisation
                    if new.case.organisation_id != user.organisation_id
                    else None,
                },
            )
    return render(request, "counselors/intake.html", {"form": form})
