"""The signed-in person's own pages (beside sign-in and sign-out under /accounts/)."""

from django.urls import path

from . import views

app_name = "account"
urlpatterns = [
    path("devices/", views.my_devices, name="devices"),
    path("devices/<int:token_id>/revoke/", views.my_device_revoke, name="device_revoke"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("two-factor/off/", views.two_factor_off, name="two_factor_off"),
]
