"""The signed-in person's own pages (beside sign-in and sign-out under /accounts/)."""

from django.urls import path

from . import views

app_name = "account"
urlpatterns = [
    path("devices/", views.my_devices, name="devices"),
    path("devices/<int:token_id>/revoke/", views.my_device_revoke, name="device_revoke"),
]
