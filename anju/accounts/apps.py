from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "anju.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # core stands below accounts and imports nothing from it: accounts hands core what it
        # needs (roles for scoping, device tokens for the API) once the models are loaded.
        from anju.core import api, scoping

        from .roles import AssignedRoles
        from .tokens import user_for_token

        scoping.provide_roles(AssignedRoles())
        api.provide_token_users(user_for_token)
