import time

from django.core.management.base import BaseCommand, CommandError

from anju.core.rows import analyze
from anju.demo.seeding import DEMO_COUNTY_CODE, county_codes, seed_county, seed_disputes, seed_events
from anju.disputes.models import Alert, Dispute, Party, TimelineEntry
from anju.events.models import Event
from anju.events.models import TimelineEntry as EventTimelineEntry
from anju.regions import codes
from anju.reports import rollup


class Command(BaseCommand):
    help = "Generate deterministic synthetic data at scale: a county's regions and staff, then cases."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed; the same seed gives the same data"
        )
        parser.add_argument("--county", default=DEMO_COUNTY_CODE, help="6-digit county code")
        parser.add_argument("--name", default="安居县", help="the county's name")
        parser.add_argument("--townships", type=int, default=8, help="number of townships (1-599)")
        parser.add_argument(
            "--counties",
            type=int,
            default=1,
            help="number of fictional counties in the one database, each its own tree and staff, the "
            "cases spread evenly across them (a prefecture's or province's instance); the first is "
            "--county, the others the codes after it",
        )
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
        if not 1 <= options["counties"] <= 500:
            raise CommandError("--counties must be between 1 and 500")
        counties = county_codes(options["county"], options["counties"])
        started = time.monotonic()
        made = 0
        for index, county in enumerate(counties):
            name = options["name"] if index == 0 else f"{options['name'].removesuffix('县')}{index + 1}县"
            made += self._county(
                options,
                county,
                name,
                index,
                options["cases"] // len(counties) + (index < options["cases"] % len(counties)),
            )
        if options["cases"]:
            analyze(Dispute, Party, TimelineEntry, Alert, vacuum=True)
            self.stdout.write(self.style.SUCCESS(f"cases: {made:,} in {time.monotonic() - started:.0f} s"))
            rebuilt = rollup.rebuild(progress=lambda m: self.stdout.write(m))
            self.stdout.write(self.style.SUCCESS(f"figures' rollup: {rebuilt:,} rows"))

    def _county(self, options, county: str, name: str, index: int, cases: int) -> int:
        report = seed_county(
            seed=options["seed"] + index,
            county_code=county,
            county_name=name,
            townships=options["townships"],
            progress=lambda m: self.stdout.write(m),
        )
        self.stdout.write(self.style.SUCCESS(f"{county} regions: {report.regions}, accounts: {report.users}"))
        made = 0
        if cases:
            started = time.monotonic()

            def progress(done, total):
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stderr.write(
                    f"\r  {county} cases {done:,}/{total:,} ({100 * done // total}%) {rate:,.0f}/s", ending=""
                )

            made = seed_disputes(
                cases=cases,
                seed=options["seed"] + index,
                county_code=county,
                progress=progress,
                history=options["history"],
            )
            self.stderr.write("")
        if options["events"]:
            started = time.monotonic()

            def progress(done, total):
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stderr.write(
                    f"\r  {county} grid events {done:,}/{total:,} ({100 * done // total}%) {rate:,.0f}/s",
                    ending="",
                )

            events = seed_events(
                events=options["events"],
                seed=options["seed"] + index,
                county_code=county,
                progress=progress,
            )
            self.stderr.write("")
            analyze(Event, EventTimelineEntry, vacuum=True)
            self.stdout.write(
                self.style.SUCCESS(f"{county} grid events: {events:,} in {time.monotonic() - started:.0f} s")
            )
        return made
