"""The signed-in person's notification settings, mounted at accounts/notifications/."""

from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.mine, name="mine"),
]
