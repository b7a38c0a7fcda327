import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from anju.audit import chain


class Command(BaseCommand):
    help = (
        "Seal the audit rows written since the last seal into the log's hash chain (each sweep does it too)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, metavar="SECONDS", help="repeat every SECONDS (0: once)"
        )

    def handle(self, *args, **options):
        while True:
            for model in chain.CHAINED:
                sealed = chain.seal([model])[model._meta.label_lower]
                self.stdout.write(
                    _("%(log)s: %(count)d rows sealed.")
                    % {"log": model._meta.verbose_name_plural, "count": sealed}
                )
            if not options["loop"]:
                return
            time.sleep(options["loop"])
