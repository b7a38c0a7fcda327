from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "anju.tips"
    label = "tips"
    verbose_name = _("Tips")

    def ready(self) -> None:
        from anju.workflow.kinds import register

        from .kind import TIP

        register(TIP)
