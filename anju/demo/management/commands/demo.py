import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from anju.demo.seeding import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    seed_calendar,
    seed_county,
    seed_disputes,
    seed_events,
    seed_supervision,
    seed_tips,
)
from anju.reports import rollup

DEMO_CASES = 3000
SECOND_STEP = (
    "\nAdministrators, centre operators and auditors sign in with a second factor: after the password,\n"
    "a code from an authenticator app holding the demo key {secret} (time-based, 6 digits),\n"
    "or the code `anju demo-code` prints. Other roles may set one up under 'Two-factor sign-in'.\n"
)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the demo: migrate, load the fictional demo county, serve the site with the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address and port to serve on")
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)  # role names print in the interface's language
        self.stdout.write("migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        report = seed_county(progress=lambda m: self.stdout.write(f"  {m}"))
        # The 2026 holidays first: the seeded cases' dates and time limits are counted on them.
        if added := seed_calendar():
            self.stdout.write(f"  {added} days of 2026 holidays and make-up working days in the calendar")
        if report.logins:
            # Three years of a county's disputes, so lists, work queues and statistics have content.
            made = seed_disputes(cases=DEMO_CASES)
            self.stdout.write(f"  {made:,} synthetic disputes over the last three years")
            # Bulk-written: the figures' rollup counts them, and keeps in step from then on.
            rollup.rebuild()
            self.stdout.write(f"  {seed_tips()} tips in a transferred batch, in every stage")
            tasks = seed_supervision()
            self.stdout.write(f"  {tasks} supervised tasks from the county's meetings")
            self.stdout.write(f"  {seed_events():,} synthetic grid events over the last 90 days")
            self.stdout.write(
                self.style.SUCCESS(f"demo county ready: {report.regions} regions, {report.users} accounts")
            )
            self.stdout.write(f"\nEvery demo account's password: {DEMO_PASSWORD}\n")
            width = max(len(login[1]) for login in report.logins)
            for role, username, region in report.logins:
                self.stdout.write(f"  {username.ljust(width)}  {role} · {region}")
            self.stdout.write(SECOND_STEP.format(secret=DEMO_TOTP_SECRET))
            self.stdout.write(
                "\nOther accounts follow the same pattern: officer-/centre-/leader-<township>, "
                "mediator-<township+village>, grid-<township+village+grid>\n"
                "(the region's code without the county's 6 digits).\n"
            )
        else:
            self.stdout.write(
                f"the demo county is already loaded; every demo account's password: {DEMO_PASSWORD}"
            )
            self.stdout.write(SECOND_STEP.format(secret=DEMO_TOTP_SECRET))
        if options["no_serve"]:
            return
        workers = [
            subprocess.Popen([sys.executable, "-m", "anju.cli", "db_worker"]),
            # The deadline sweep: yellow and red cards, overdue escalation, confirmation reminders.
            subprocess.Popen([sys.executable, "-m", "anju.cli", "sweep_deadlines", "--loop", "300"]),
        ]
        self.stdout.write(
            f"background worker and deadline sweep started (pids {', '.join(str(w.pid) for w in workers)})"
        )
        self.stdout.write(
            self.style.SUCCESS(f"open http://{options['addr']}/ — Ctrl-C stops the site and the worker")
        )
        # A service manager or `kill` stops the demo with SIGTERM, which would end this process on
        # the spot and leave the worker and the sweep running: make it unwind like Ctrl-C.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            call_command("runserver", options["addr"], use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            for worker in workers:
                worker.terminate()
            for worker in workers:
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
