from django.urls import path

from indicators import views

app_name = "audit"

urlpatterns = [
    path("", views.indicators_view, name="indicators"),
    path("export/<slug:name>.<str:fmt>", views.indicators_export_view, name="export"),
    path("log/", views.log_view, name="log"),
    path("log/verify/", views.log_verify_view, name="log_verify"),
    path("log/export.jsonl", views.log_export_view, name="log_export"),
]
