"""What the import commands share: reading the file a county hands over, acting as someone, a
progress bar, and the report of bad rows in the county's language."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from . import tabular
from .scoping import SYSTEM

SHOWN_ERRORS = 200


def read_import_file(
    name: str, kind: tabular.SheetKind | None = None, header_row: int | None = None
) -> tuple[Path, tabular.Table]:
    """The table in a .csv or .xlsx file, or a CommandError that says what is wrong with it."""
    path = Path(name)
    if not path.is_file():
        raise CommandError(_("%(path)s: no such file.") % {"path": path})
    if path.stat().st_size > settings.ANJU_IMPORT_MAX_BYTES:
        raise CommandError(_("%(path)s: larger than ANJU_IMPORT_MAX_MB.") % {"path": path})
    try:
        return path, tabular.read_table(path.read_bytes(), path.name, kind, header_row)
    except tabular.TableError as error:
        raise CommandError(f"{path}: {error}") from None


def acting_user(username: str | None, *, system_allowed: bool = True):
    """The active account named by --as, or the system itself when none is named and that is allowed."""
    if not username:
        if system_allowed:
            return SYSTEM
        raise CommandError(_("Name the account to act as with --as USERNAME."))
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active account is named %(name)s.") % {"name": username})
    return user


class ProgressBar:
    """A one-line text bar on stderr, redrawn in place with \\r: [#####.....]  52.0%  1,234 rows/s."""

    def __init__(self, out, width: int = 30):
        self.out = out
        self.width = width
        self.started = time.monotonic()
        self.drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.drawn < 0.1:
            return
        self.drawn = now
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        rate = done / max(now - self.started, 1e-6)
        bar = "#" * filled + "." * (self.width - filled)
        self.out.write(f"\r[{bar}] {fraction:6.1%}  {done:,}/{total:,}  {rate:,.0f} rows/s", ending="")
        self.out.flush()

    def finish(self) -> None:
        if self.drawn:
            self.out.write("")


def report_problems(command, report: tabular.ImportReport) -> None:
    """Every bad row on stderr (row, column as the sheet names it, reason) and a CommandError
    saying nothing was imported; nothing when the report is clean."""
    if report.ok:
        return
    for error in report.errors[:SHOWN_ERRORS]:
        command.stderr.write(
            _("row %(row)d [%(column)s]: %(message)s")
            % {"row": error.row, "column": error.column, "message": error.message}
        )
    if len(report.errors) > SHOWN_ERRORS:
        command.stderr.write(
            _("… and %(count)s more problems") % {"count": f"{len(report.errors) - SHOWN_ERRORS:,}"}
        )
    raise CommandError(
        _("%(rows)s bad rows (%(problems)s problems): nothing was imported.")
        % {"rows": f"{report.bad_rows:,}", "problems": f"{len(report.errors):,}"}
    )
