import time

from django.core.management.base import BaseCommand

from anju.audit import chain
from anju.notify import tasks as notify_tasks
from anju.workflow import sweep


class Command(BaseCommand):
    help = (
        "Give yellow and red cards by every kind of case's time limits, run each kind's own reminders, "
        "retry notifications the worker did not, and seal the new audit rows into the log's hash chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, metavar="SECONDS", help="repeat every SECONDS (0: once)"
        )

    def handle(self, *args, **options):
        while True:
            for name, report in sweep.run().items():
                said = ", ".join(f"{key} {value}" for key, value in vars(report).items())
                self.stdout.write(f"{name}: {said}")
            retried = notify_tasks.retry_due()
            if retried:
                self.stdout.write(f"notifications: retried {retried}")
            # The worker's loop is where the audit rows written since the last pass get sealed.
            for label, sealed in chain.seal().items():
                self.stdout.write(f"{label}: sealed {sealed}")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
