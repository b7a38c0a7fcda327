import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anju.core.api import STALE_AFTER


class Command(BaseCommand):
    help = "Serve the site in production with gunicorn (static files are the reverse proxy's job)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="worker processes")
        parser.add_argument(
            "--timeout", type=int, default=60, help="seconds before a stuck worker is restarted"
        )

    def handle(self, *args, **options):
        if settings.DEBUG:
            self.stderr.write("warning: ANJU_DEBUG is on; do not serve the public like this")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        limit = int(STALE_AFTER.total_seconds())
        if not 1 <= options["timeout"] < limit:
            # A request still running then would look killed, and a retry would take its
            # Idempotency-Key over and do the work a second time.
            raise CommandError(f"--timeout must be between 1 and {limit - 1} seconds")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "anju.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--timeout",
            str(options["timeout"]),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 (replaces this process with the server)
