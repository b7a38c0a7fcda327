from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "anju.reports"
    label = "reports"
    verbose_name = _("Statistics and reports")

    def ready(self):
        from anju.workflow import engine

        from .rollup import WATCHER

        # The figures' rollup moves with every transition of a dispute, in its transaction.
        engine.watch("dispute", WATCHER)
