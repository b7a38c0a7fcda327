"""Masked personal fields (a party's phone and ID number, a reporter's contact): who may see a full
value, the access record every view of one leaves, and how long a page keeps showing it to the
person who asked, without a second request or a second record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit.actions import record_access
from anju.core.scoping import covers

from .kinds import Kind


class TooManySearches(PermissionDenied):
    """A person searched by personal data (a phone or ID number, for duplicates) more often in the
    last hour than the county allows: each search can confirm whose a number is, so searches are
    counted and limited, and the refusal is on record. The API answers 429."""


# How long a full value stays shown to the person who revealed it, across reloads of the page.
REVEAL_SECONDS = 300
SESSION_KEY = "anju.revealed"


def may_reveal(kind: Kind, user, case) -> bool:
    """Those who handle cases where the case arose: the people who must reach its parties."""
    return covers(user, kind.handle_perm, kind.region_code(case))


def reveal(kind: Kind, actor, case, holder, field: str, *, purpose: str) -> str:
    """One full value of a masked field of `holder` (a party of `case`), for a stated purpose; the
    view is an access record."""
    if field not in kind.personal_fields:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say why you need the full number.")})
    if not may_reveal(kind, actor, case):
        raise PermissionDenied(_("You may not see this case's personal data."))
    with transaction.atomic():
        record_access(actor, holder, field, region_code=kind.region_code(case), purpose=purpose)
    return getattr(holder, field)


def remember(session, kind: Kind, case, holder, field: str) -> None:
    """Note in the person's session which value they revealed, until when: the page shows it after
    the redirect and on reloads for a while. The session holds ids only; the value itself is read
    from the case when shown."""
    now = timezone.now().timestamp()
    kept = {key: until for key, until in session.get(SESSION_KEY, {}).items() if until > now}
    kept[f"{kind.name}:{case.pk}:{holder.pk}:{field}"] = now + REVEAL_SECONDS
    session[SESSION_KEY] = kept


def remembered(session, kind: Kind, case) -> set[tuple[int, str]]:
    """(holder id, field) of the values this person revealed on the case and still sees."""
    now = timezone.now().timestamp()
    shown = set()
    for key, until in session.get(SESSION_KEY, {}).items():
        parts = key.split(":")
        if len(parts) != 4 or until <= now:
            continue  # a key from before kinds were named in it, or one that has run out
        name, case_id, holder_id, field = parts
        if name == kind.name and case_id == str(case.pk):
            shown.add((int(holder_id), field))
    return shown
