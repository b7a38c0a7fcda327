"""The project's URLs plus the calendar's, until anju/urls.py wires them (then this adds nothing)."""

from django.urls import include, path

from anju.urls import urlpatterns as base

wired = any(getattr(pattern, "app_name", None) == "worktime" for pattern in base)
urlpatterns = base if wired else [*base, path("calendar/", include("anju.worktime.urls"))]
