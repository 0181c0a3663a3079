from django.urls import include, path

from counselors.views import assignment, auth, case, faq, identity, inbox, intake, retention

app_name = "counselors"

urlpatterns = [
    path("", auth.home_view, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/verify/", auth.verify_view, name="verify"),
    path("login/setup/", auth.setup_view, name="setup"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/", auth.password_view, name="password"),
    path("backup-codes/", auth.backup_codes_view, name="backup_codes"),
    path("cases/", inbox.inbox_view, name="inbox"),
    path("cases/new/", intake.intake_view, name="intake"),
    path("cases/<int:case_id>/", case.case_view, name="case"),
    path("cases/<int:case_id>/declare/", case.case_declare, name="case_declare"),
    path("cases/<int:case_id>/reply/", case.case_reply, name="case_reply"),
    path("cases/<int:case_id>/transition/", case.case_transition_view, name="case_transition"),
    path("cases/<int:case_id>/assign/", assignment.case_assign_view, name="case_assign"),
    path("cases/<int:case_id>/decline/", assignment.case_decline_view, name="case_decline"),
    path(
        "cases/<int:case_id>/files/<uuid:attachment_uid>/",
        case.attachment_download,
        name="attachment",
    ),
    path("cases/<int:case_id>/hold/", retention.legal_hold_view, name="legal_hold"),
    path("cases/<int:case_id>/identity/", case.identity_view, name="identity"),
    path(
        "cases/<int:case_id>/identity/request/",
        identity.identity_request_view,
        name="identity_request",
    ),
    path("cases/<int:case_id>/faq/", faq.faq_draft_view, name="faq_draft"),
    path("identity-requests/", identity.identity_requests_view, name="identity_requests"),
    path(
        "identity-requests/<int:request_id>/decide/",
        identity.identity_request_decide_view,
        name="identity_request_decide",
    ),
    path("faq/", faq.faq_drafts_view, name="faq_drafts"),
    path("faq/<int:entry_id>/publish/", faq.faq_publish_view, name="faq_publish"),
    path("faq/<int:entry_id>/withdraw/", faq.faq_withdraw_view, name="faq_withdraw"),
    path("audit/", include("indicators.urls")),
]
