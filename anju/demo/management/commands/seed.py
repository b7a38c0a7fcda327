import time

from django.core.management.base import BaseCommand, CommandError

from anju.core.rows import analyze
from anju.demo.seeding import DEMO_COUNTY_CODE, seed_county, seed_disputes, seed_events
from anju.disputes.models import Alert, Dispute, Party, TimelineEntry
from anju.events.models import Event
from anju.events.models import TimelineEntry as EventTimelineEntry
from anju.regions import codes


class Command(BaseCommand):
    help = "Generate deterministic synthetic data at scale: a county's regions and staff, then cases."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed; the same seed gives the same data"
        )
        parser.add_argument("--county", default=DEMO_COUNTY_CODE, help="6-digit county code")
        parser.add_argument("--name", default="安居县", help="the county's name")
        parser.add_argument("--townships", type=int, default=8, help="number of townships (1-599)")
        parser.add_argument("--cases", type=int, default=0, help="number of synthetic disputes to add")
        parser.add_argument("--events", type=int, default=0, help="number of synthetic grid events to add")
        parser.add_argument(
            "--history",
            action="store_true",
            help="give each case its sessions, agreement, visit and full timeline, as the demo's have "
            "(five times the rows; without it a case has its parties and its registration)",
        )

    def handle(self, *args, **options):
        if not 1 <= options["townships"] <= 599:
            raise CommandError("--townships must be between 1 and 599")
        if options["cases"] < 0 or options["events"] < 0:
            raise CommandError("--cases and --events cannot be negative")
        try:
            codes.validate_code(options["county"], "county")
        except Exception as error:
            raise CommandError(f"--county: {'; '.join(getattr(error, 'messages', [str(error)]))}") from None
        report = seed_county(
            seed=options["seed"],
            county_code=options["county"],
            county_name=options["name"],
            townships=options["townships"],
            progress=lambda m: self.stdout.write(m),
        )
        self.stdout.write(self.style.SUCCESS(f"regions: {report.regions}, accounts: {report.users}"))
        if options["cases"]:
            started = time.monotonic()

            def progress(done, total):
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stderr.write(
                    f"\r  cases {done:,}/{total:,} ({100 * done // total}%) {rate:,.0f}/s", ending=""
                )

            made = seed_disputes(
                cases=options["cases"],
                seed=options["seed"],
                county_code=options["county"],
                progress=progress,
                history=options["history"],
            )
            self.stderr.write("")
            analyze(Dispute, Party, TimelineEntry, Alert, vacuum=True)
            self.stdout.write(self.style.SUCCESS(f"cases: {made:,} in {time.monotonic() - started:.0f} s"))
        if options["events"]:
            started = time.monotonic()

            def progress(done, total):
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stderr.write(
                    f"\r  grid events {done:,}/{total:,} ({100 * done // total}%) {rate:,.0f}/s", ending=""
                )

            made = seed_events(
                events=options["events"],
                seed=options["seed"],
                county_code=options["county"],
                progress=progress,
            )
            self.stderr.write("")
            analyze(Event, EventTimelineEntry, vacuum=True)
            self.stdout.write(
                self.style.SUCCESS(f"grid events: {made:,} in {time.monotonic() - started:.0f} s")
            )
