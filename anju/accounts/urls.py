from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("devices/", views.token_list, name="token_list"),
    path("devices/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("<int:user_id>/", views.user_detail, name="user_detail"),
    path("<int:user_id>/active/", views.user_set_active, name="user_set_active"),
    path("<int:user_id>/second-factor/reset/", views.second_factor_reset, name="second_factor_reset"),
    path(
        "<int:user_id>/roles/<int:assignment_id>/revoke/", views.assignment_revoke, name="assignment_revoke"
    ),
]
