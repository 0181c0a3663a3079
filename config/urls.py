from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from hotline.views import faq, intake, portal, public

# The language lives in the URL (no prefix: Thai, /en/: English), so switching needs
# neither a cookie nor JavaScript.
urlpatterns = i18n_patterns(
    path("", public.home, name="home"),
    path("find/", public.find, name="find"),
    path("o/<str:code>/", public.organisation, name="organisation"),
    path("o/<str:code>/poster/", public.poster, name="poster"),
    path("o/<str:code>/question/", intake.question, name="question"),
    path("o/<str:code>/report/", intake.report, name="report"),
    path("receipt/", intake.receipt_show, name="receipt_show"),
    path("receipt/confirm/", intake.receipt_confirm, name="receipt_confirm"),
    path("sent/", intake.sent, name="sent"),
    path("return/", portal.receipt_enter, name="receipt_enter"),
    path("case/", portal.case, name="case"),
    path("case/reply/", portal.case_reply, name="case_reply"),
    path("case/identity/", portal.case_identity, name="case_identity"),
    path("case/retaliation/", portal.case_retaliation, name="case_retaliation"),
    path("case/rate/", portal.case_rate, name="case_rate"),
    path("case/leave/", portal.case_leave, name="case_leave"),
    path("ita/", include("indicators.public_urls")),
    path("faq/", faq.faq_list, name="faq"),
    path("staff/", include("counselors.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
