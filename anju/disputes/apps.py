from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "anju.disputes"
    label = "disputes"
    verbose_name = _("Disputes")

    def ready(self) -> None:
        from anju.workflow.kinds import register

        from .kind import DISPUTE

        register(DISPUTE)
