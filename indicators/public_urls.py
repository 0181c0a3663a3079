"""The public ITA page, included by config/urls.py:
path("ita/", include("indicators.public_urls")),
"""

from django.urls import path

from indicators import public_views

app_name = "ita"

urlpatterns = [
    path("<str:code>/", public_views.ita_view, name="organisation"),
]
