from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "anju.tasks"
    label = "tasks"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from anju.workflow.kinds import register

        from .kind import TASK
        from .report_kind import REPORT

        register(TASK)
        register(REPORT)
