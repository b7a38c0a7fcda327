import time

from django.core.management.base import BaseCommand

from anju.disputes.tasks import sweep


class Command(BaseCommand):
    help = "Warn, flag and escalate disputes by their time limits; remind of judicial confirmation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, metavar="SECONDS", help="repeat every SECONDS (0: once)"
        )

    def handle(self, *args, **options):
        while True:
            report = sweep()
            self.stdout.write(
                f"warned {report.warned}, overdue {report.overdue}, escalated {report.escalated}, "
                f"reminded {report.reminded}"
            )
            if not options["loop"]:
                return
            time.sleep(options["loop"])
