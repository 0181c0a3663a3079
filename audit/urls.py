from django.urls import path  # noqa: F401 -- the auditor's pages are added here

app_name = "audit"

urlpatterns: list = []
