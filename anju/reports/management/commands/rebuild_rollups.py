import time

from django.core.management.base import BaseCommand

from anju.reports import rollup


class Command(BaseCommand):
    help = (
        "Count every dispute into the figures' rollup again, from scratch: after a restore, a change "
        "of TIME_ZONE, or a write that bypassed the workflow. Writes to disputes wait meanwhile."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        cells = rollup.rebuild(progress=lambda message: self.stdout.write(message))
        self.stdout.write(
            self.style.SUCCESS(f"rollup rebuilt: {cells:,} cells in {time.monotonic() - started:.1f} s")
        )
