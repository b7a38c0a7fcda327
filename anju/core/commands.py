"""What the import commands share: reading the file a county hands over, and acting as someone."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from . import tabular
from .scoping import SYSTEM


def read_import_file(name: str) -> tuple[Path, tabular.Table]:
    """The table in a .csv or .xlsx file, or a CommandError that says what is wrong with it."""
    path = Path(name)
    if not path.is_file():
        raise CommandError(_("%(path)s: no such file.") % {"path": path})
    if path.stat().st_size > settings.ANJU_IMPORT_MAX_BYTES:
        raise CommandError(_("%(path)s: larger than ANJU_IMPORT_MAX_MB.") % {"path": path})
    try:
        return path, tabular.read_table(path.read_bytes(), path.name)
    except tabular.TableError as error:
        raise CommandError(f"{path}: {error}") from None


def acting_user(username: str | None, *, system_allowed: bool = True):
    """The active account named by --as, or the system itself when none is named and that is allowed."""
    User = get_user_model()
    if not username:
        if system_allowed:
            return SYSTEM
        raise CommandError(_("Name the account to act as with --as USERNAME."))
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active account is named %(name)s.") % {"name": username})
    return user
