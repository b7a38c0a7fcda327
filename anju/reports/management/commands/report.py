"""`anju report`: the work report of a region for a period, as Word, PDF or Excel.

The command runs on the server, so it acts as the system by default: any region in the tree may be
named, and the report covers that region's whole subtree. With --as USERNAME it acts as that account
and refuses a region outside the account's jurisdiction, as the page would."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from anju.audit.actions import record
from anju.core.commands import acting_user
from anju.core.scoping import SYSTEM, covers
from anju.regions import codes
from anju.regions.models import Region
from anju.reports import officialdoc, periods, reportjobs


class Command(BaseCommand):
    help = "Write the work report of a region for a period as an official document (docx, pdf or xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code; the report covers its subtree")
        parser.add_argument(
            "--period", default="", help="2026, 2026-H1, 2026-Q3, 2026-03 or 2026-01-01..2026-03-31"
        )
        parser.add_argument(
            "--format", choices=officialdoc.FORMATS, help="default: from the output's suffix, else docx"
        )
        parser.add_argument("-o", "--output", help="the file to write (default: report-REGION-PERIOD.FORMAT)")
        parser.add_argument("--as", dest="as_user", help="act as this account (its jurisdiction applies)")
        parser.add_argument(
            "--issuer", default="", help="the issuing body as it signs (default: the region's name)"
        )
        parser.add_argument("--number", default="", help="the document number, e.g. 〔2026〕12号")
        parser.add_argument(
            "--date", default="", help="the date of issue, YYYY-MM-DD (default: the period's last day)"
        )

    def handle(self, *args, **options):
        actor = acting_user(options["as_user"])
        code = options["region"].strip()
        try:
            codes.level_of(code)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(_("Region %(code)s is not in the region tree.") % {"code": code})
        if actor is not SYSTEM and not covers(actor, "case.view", code):
            raise CommandError(
                _("Region %(code)s is outside the jurisdiction of %(name)s.") % {"code": code, "name": actor}
            )
        try:
            period = periods.parse(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        output = options["output"]
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        fmt = options["format"] or suffix or "docx"
        if fmt not in officialdoc.FORMATS or (suffix in officialdoc.FORMATS and suffix != fmt):
            raise CommandError(_("Choose the format with --format: docx, pdf or xlsx."))
        if fmt == "pdf" and officialdoc.soffice() is None:
            raise CommandError(officialdoc.pdf_missing_message())
        path = Path(output or reportjobs.file_name(code, period, fmt))
        extra = {"issuer": options["issuer"], "number": options["number"]}
        if options["date"]:
            try:
                extra["date"] = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    _("%(value)s is not a date (YYYY-MM-DD).") % {"value": options["date"]}
                ) from None

        started = time.monotonic()
        steps = {1: _("figures counted"), 2: _("file written")}

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"[{done}/{total}] {steps[done]} ({time.monotonic() - started:.1f} s)")

        self.stderr.write(
            _("Writing the report of %(region)s for %(period)s…")
            % {"region": region.name, "period": period.label}
        )
        try:
            document, data = reportjobs.make(actor, period, region, fmt, progress=progress, **extra)
        except officialdoc.PdfUnavailable as error:
            raise CommandError(str(error)) from None
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        record(
            actor,
            "report.export",
            region_code=code,
            after={"format": fmt, "period": period.text, "file": path.name, "bytes": len(data)},
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(path)s (%(size)s KB): %(title)s, %(figures)d figures, in %(seconds).1f s.")
                % {
                    "path": path,
                    "size": f"{len(data) / 1024:,.0f}",
                    "title": document.title,
                    "figures": len(document.figures),
                    "seconds": time.monotonic() - started,
                }
            )
        )
