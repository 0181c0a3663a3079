"""Public pages of the audit app. The lead includes these in hotline/urls.py's i18n_patterns:
path("ita/", include("audit.public_urls")),
"""

from django.urls import path

from audit import public_views

app_name = "ita"

urlpatterns = [
    path("<str:code>/", public_views.ita_view, name="organisation"),
]
