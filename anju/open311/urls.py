"""The Open311 door's one URL: every path under /open311/v2/ reaches `views.door`, which answers
the specification's endpoints and gives the specification's 404 for the rest. Unnamed on purpose:
the URL walker checks staff pages against the cast's jurisdictions, and this door is public by the
specification (it lists only requests that came through it; its own tests cover it)."""

from django.urls import re_path

from . import views

urlpatterns = [re_path(r"^(?P<rest>.*)$", views.door)]
