from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from hotline import views

# The language lives in the URL (no prefix: Thai, /en/: English), so switching needs
# neither a cookie nor JavaScript.
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("staff/", include("counselors.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
