"""The worker's side of notifications: `fan_out` turns one alert into a message per person and
channel (and one per group robot), `send` delivers one, and tries again later when it fails, each
wait twice the one before, up to MAX_ATTEMPTS."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from anju.accounts.choices import ROLE_PERMS
from anju.accounts.models import RoleAssignment

from . import channels
from .models import PERSONAL, Channel, Delivery, Mute

MAX_ATTEMPTS = 5
FIRST_WAIT = dt.timedelta(minutes=1)
# A retry this late was not picked up by the worker's deferred task (a backend without deferral,
# or the worker was down): the deadline sweep sends it instead.
STALE = dt.timedelta(minutes=15)

log = logging.getLogger(__name__)

# Who must act on an alert to a unit: those who handle cases there (not leaders, who read).
ACTING_ROLES = sorted(role for role, perms in ROLE_PERMS.items() if "case.handle" in perms)


def message(*, topic_label: str, case_number: str, kind_label: str, path: str) -> str:
    """The whole text any channel sends: the platform, the kind and number of the case, what
    happened and a link. Nothing else: the alert's own words may name a party."""
    link = f"{settings.ANJU_SITE_URL}{path}" if path else ""
    text = _("[anju] %(kind)s %(number)s: %(topic)s. Please see to it.") % {
        "kind": kind_label,
        "number": case_number,
        "topic": topic_label,
    }
    return f"{text} {link}".strip()


def recipients(unit_code: str):
    """Active people who handle cases at the unit itself."""
    from anju.accounts.models import User

    users = RoleAssignment.objects.filter(region_id=unit_code, role__in=ACTING_ROLES, user__is_active=True)
    return User.objects.filter(pk__in=users.values("user_id")).order_by("pk")


@task()
def fan_out(
    *, unit_code: str, topic: str, topic_label: str, case_number: str, kind_label: str, path: str
) -> int:
    """One alert's messages: each person at the unit on each personal channel they have not muted
    and have an address for, and each group robot once. Returns how many were queued."""
    on = channels.enabled()
    with translation.override(settings.LANGUAGE_CODE):
        text = message(topic_label=topic_label, case_number=case_number, kind_label=kind_label, path=path)
    rows = []
    personal = [c for c in on if c in PERSONAL]
    if personal:
        muted = set(Mute.objects.filter(channel__in=personal).values_list("user_id", "channel"))
        for user in recipients(unit_code):
            for channel in personal:
                has_address = user.email if channel == Channel.EMAIL else user.phone
                if has_address and (user.pk, channel) not in muted:
                    rows.append(Delivery(channel=channel, recipient=user))
    rows += [Delivery(channel=c) for c in on if c not in PERSONAL]
    for row in rows:
        row.unit_code, row.case_number, row.topic, row.text = unit_code, case_number, topic, text
    with transaction.atomic():
        created = Delivery.objects.bulk_create(rows)
        ids = [row.pk for row in created]
        transaction.on_commit(lambda: [send.enqueue(pk) for pk in ids])
    return len(rows)


def attempt(delivery: Delivery) -> None:
    """Send one message on its channel; SendFailed when it was not taken."""
    if delivery.channel == Channel.EMAIL:
        subject = _("[anju] %(number)s") % {"number": delivery.case_number}
        channels.send_email(delivery.recipient.email, subject, delivery.text)
    elif delivery.channel == Channel.SMS:
        channels.send_sms(delivery.recipient.phone, delivery.text)
    elif delivery.channel == Channel.WECOM:
        channels.send_wecom(delivery.text)
    elif delivery.channel == Channel.DINGTALK:
        channels.send_dingtalk(delivery.text)
    else:
        raise channels.SendFailed(f"unknown channel {delivery.channel}")


@task()
def send(delivery_id: int) -> str:
    """Deliver one message, once: a row already sent (a task run twice) is left alone. A failure
    is recorded and the next try queued after the wait, until MAX_ATTEMPTS."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return "skipped"
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            attempt(delivery)
        except channels.SendFailed as error:
            delivery.last_error = str(error)[:500]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + FIRST_WAIT * 2 ** (delivery.attempts - 1)
            delivery.save()
            log.warning("notification %s on %s failed: %s", delivery.pk, delivery.channel, error)
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = now
            delivery.next_attempt_at = None
            delivery.last_error = ""
            delivery.save()
    if delivery.status == Delivery.Status.PENDING:
        _retry_later(delivery)
    return delivery.status


def _retry_later(delivery: Delivery) -> None:
    # A backend that cannot defer (the immediate one) would retry at once in a loop: the row keeps
    # its next attempt time and `retry_due` picks it up.
    if send.get_backend().supports_defer:
        send.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)


def retry_due(now: dt.datetime | None = None) -> int:
    """Send again every waiting message whose next try is STALE overdue (for a worker without
    deferred tasks, or after the worker was down). Returns how many it tried."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now - STALE).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        send.call(pk)
    return len(due)
