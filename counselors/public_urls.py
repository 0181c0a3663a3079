"""Included by hotline/urls.py at "faq/" (namespace "faq")."""

from django.urls import path

from counselors import public_views

app_name = "faq"

urlpatterns = [
    path("", public_views.faq_list, name="list"),
]
