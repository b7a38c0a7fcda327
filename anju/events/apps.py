from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "anju.events"
    label = "events"
    verbose_name = _("Grid events")

    def ready(self) -> None:
        from anju.workflow.kinds import register

        from .kind import EVENT

        register(EVENT)
