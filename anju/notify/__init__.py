"""Notifications: the people who must act on a case hear of it through the channels the county set
up (e-mail, an SMS gateway, a WeCom or DingTalk group robot), besides the alert in the site.

The workflow calls `announce` where it raises an alert; the worker sends, with retries, once the
transaction that raised it has committed. A message carries the case number, the kind of case,
what happened (the alert's topic) and a link: never the alert's own text, which may name a party."""

from __future__ import annotations


def announce(*, unit_code: str, topic: str, topic_label, case_number: str, kind_label, path: str) -> None:
    """Tell the people who work at `unit_code` what happened on a case (`topic`, worded by the
    caller as `topic_label` in the county's language), once the current transaction commits.
    Nothing is done when no channel is set up."""
    from . import channels

    if not channels.configured():
        return
    from django.db import transaction

    from .tasks import fan_out

    values = {
        "unit_code": unit_code,
        "topic": str(topic),
        "topic_label": str(topic_label),
        "case_number": case_number,
        "kind_label": str(kind_label),
        "path": path,
    }
    transaction.on_commit(lambda: fan_out.enqueue(**values))
