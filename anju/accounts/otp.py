"""The second factor: TOTP codes (RFC 6238, 30-second steps, six digits) from an authenticator app,
and ten one-time recovery codes. Who must use it is SECOND_FACTOR_ROLES; every check of a code goes
through `verify`, so a code is refused everywhere alike when reused or outside its window."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit.actions import record, refusals_recorded
from anju.core.scoping import SYSTEM, OutOfScope, roles_of

from .choices import SECOND_FACTOR_ROLES
from .models import RecoveryCode, SecondFactor, User

MANAGE = "user.manage"
STEP_SECONDS = 30
# One step either side of now: a phone's clock a little off still works, a code read out a minute
# later does not.
WINDOW = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def is_required(user: User) -> bool:
    """Whether this person may not sign in without a second factor."""
    return user.is_superuser or not SECOND_FACTOR_ROLES.isdisjoint(roles_of(user))


def factor_of(user: User) -> SecondFactor | None:
    return SecondFactor.objects.filter(user=user).first()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    issuer = f"{settings.ANJU_COUNTY_NAME} 安居"
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (no image library, nothing written to disk)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", title="QR")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def matching_step(secret: str, code: str, *, after: int = 0) -> int | None:
    """The time step within the window whose code this is, if later than `after`; else None."""
    code = _clean(code)
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = _step()
    for step in range(now - WINDOW, now + WINDOW + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _recovery_hash(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{_clean(code)}".encode()).hexdigest()


def verify(user: User, code: str) -> bool:
    """Accept a current authenticator code (once: the step is remembered) or an unused recovery
    code (spent on use). Both are claimed with a conditional update, so two requests racing with
    the same code cannot both win."""
    factor = factor_of(user)
    if factor is None or not code:
        return False
    step = matching_step(factor.secret, code, after=factor.last_step)
    if step is not None:
        return bool(SecondFactor.objects.filter(pk=factor.pk, last_step__lt=step).update(last_step=step))
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_recovery_hash(user.pk, code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if spent:
        record(user, "otp.recovery_code_used", user, after={"left": recovery_codes_left(user)})
    return bool(spent)


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _make_recovery_codes(user: User) -> list[str]:
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _c in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_recovery_hash(user.pk, c)) for c in codes
    )
    return codes


def enrol(user: User, secret: str, code: str) -> list[str]:
    """Take the authenticator into use once the person has typed a code it shows; returns the new
    recovery codes, to be shown once. Replaces an earlier authenticator."""
    step = matching_step(secret, code)
    if step is None:
        raise ValidationError(
            {"code": _("That code does not match. Check the phone's time and type the code it shows now.")}
        )
    with transaction.atomic():
        SecondFactor.objects.update_or_create(user=user, defaults={"secret": secret, "last_step": step})
        codes = _make_recovery_codes(user)
        # Neither the secret nor the codes: the audit row says only that it happened.
        record(user, "otp.enrol", user, after={"recovery_codes": RECOVERY_CODES})
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes; every earlier one stops working."""
    if factor_of(user) is None:
        raise ValidationError(_("Set up an authenticator app first."))
    with transaction.atomic():
        codes = _make_recovery_codes(user)
        record(user, "otp.recovery_codes_renewed", user, after={"recovery_codes": RECOVERY_CODES})
    return codes


def turn_off(user: User) -> None:
    """A person whose role does not require it stops using a second factor."""
    with refusals_recorded(user, "otp.turn_off", user):
        if is_required(user):
            raise PermissionDenied(_("Your role requires a second factor; it cannot be turned off."))
        _remove(user)
        record(user, "otp.turn_off", user)


def _remove(user: User) -> None:
    with transaction.atomic():
        SecondFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


def reset(actor, user: User, reason: str) -> None:
    """An administrator takes away a person's authenticator (a lost phone and no recovery codes):
    they set up a new one at their next sign-in. Audited with the reason."""
    with refusals_recorded(actor, "otp.reset", user):
        if actor is not SYSTEM and not User.objects.visible_to(actor, MANAGE).filter(pk=user.pk).exists():
            raise OutOfScope(_("You may not change this user."))
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": _("Say why the second factor is reset.")})
        with transaction.atomic():
            had = SecondFactor.objects.filter(user=user).exists()
            _remove(user)
            record(actor, "otp.reset", user, before={"enrolled": had}, after={"reason": reason[:200]})
