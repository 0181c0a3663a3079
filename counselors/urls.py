from django.urls import include, path

from counselors import views

app_name = "counselors"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("login/setup/", views.setup_view, name="setup"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_view, name="password"),
    path("backup-codes/", views.backup_codes_view, name="backup_codes"),
    path("audit/", include("audit.urls")),
]
