"""Disputes with known dates, levels and statuses for the statistics tests.

The first quarter of 2024 is the period under test: long before the cast's own dispute, which is
registered when the test database is built. Times are local (Asia/Shanghai); the ones at midnight
are exactly the period's edges, which UTC boundaries would get wrong."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from anju.accounts.models import User
from anju.demo import testing
from anju.demo.testing import local
from anju.disputes.choices import HANDLING_CODE_LENGTH
from anju.disputes.models import Dispute, TimelineEntry

START = dt.date(2024, 1, 1)
END = dt.date(2024, 4, 1)  # exclusive: the period is January to March 2024
_numbers = itertools.count(1)


def make_dispute(
    region: str,
    *,
    category: str,
    origin: str,
    status: str,
    registered: dt.datetime,
    handling: str | None = None,
    resolved: dt.datetime | None = None,
    resolved_level: str = "",
    due: dt.datetime | None = None,
    escalated_at: tuple[dt.datetime, ...] = (),
) -> Dispute:
    handling = handling or origin
    dispute = Dispute.objects.create(
        number=f"629902-2024-9{next(_numbers):05d}",
        region_id=region,
        origin_level=origin,
        handling_unit_id=region[: HANDLING_CODE_LENGTH[handling]],
        handling_level=handling,
        status=status,
        channel="walk_in",
        category=category,
        title="统计用纠纷",
        description="统计测试。",
        registered_by=User.objects.get(username="mediator_a1"),
        registered_at=timezone.now(),
        resolved_level=resolved_level,
    )
    # The times are set afterwards, as a ledger import or a late correction would set them.
    Dispute.objects.filter(pk=dispute.pk).update(registered_at=registered, resolved_at=resolved, due_at=due)
    for at in escalated_at:
        entry = TimelineEntry.objects.create(
            dispute=dispute,
            transition="escalate",
            from_status="registered",
            to_status="registered",
            handling_unit_id=dispute.handling_unit_id,
        )
        TimelineEntry.objects.filter(pk=entry.pk).update(at=at)
    dispute.refresh_from_db()
    return dispute


def build_quarter() -> dict[str, Dispute]:
    """Fourteen disputes; the comment on each says how it counts in January-March 2024."""
    now = timezone.now()
    overdue = now - dt.timedelta(days=1)
    A1, A2, GRID = testing.VILLAGE_A1, testing.VILLAGE_A2, testing.GRID_A1
    TA, B1 = testing.TOWNSHIP_A, testing.VILLAGE_B1
    return {
        # found at the very first instant; resolved in the village after 10 days
        "d1": make_dispute(
            A1,
            category="neighbour",
            origin="village",
            status="resolved",
            registered=local(2024, 1, 1),
            resolved=local(2024, 1, 11),
            resolved_level="village",
        ),
        # arose in a grid of A1 (village level), escalated, resolved by the township after 5.5 days
        "d2": make_dispute(
            GRID,
            category="neighbour",
            origin="village",
            handling="township",
            status="resolved",
            registered=local(2024, 1, 15, 8),
            resolved=local(2024, 1, 20, 20),
            resolved_level="township",
            escalated_at=(local(2024, 1, 16),),
        ),
        # 1 February 07:00 in Shanghai is still 31 January in UTC: counts in February; 3 days
        "d3": make_dispute(
            A2,
            category="marriage_family",
            origin="village",
            status="resolved",
            registered=local(2024, 2, 1, 7),
            resolved=local(2024, 2, 4, 7),
            resolved_level="village",
        ),
        # registered at the township itself and resolved there after 4 days
        "d4": make_dispute(
            TA,
            category="contract",
            origin="township",
            status="resolved",
            registered=local(2024, 3, 1, 9),
            resolved=local(2024, 3, 5, 9),
            resolved_level="township",
        ),
        # still being mediated and past its time limit: found, overdue now
        "d5": make_dispute(
            A1,
            category="neighbour",
            origin="village",
            status="mediating",
            registered=local(2024, 3, 10),
            due=overdue,
        ),
        # resolved exactly at the end instant: found, not resolved within the period
        "d6": make_dispute(
            A1,
            category="housing_homestead",
            origin="village",
            status="resolved",
            registered=local(2024, 3, 20),
            resolved=local(2024, 4, 1),
            resolved_level="village",
        ),
        # registered exactly at the end instant: not found; escalated the same night
        "d7": make_dispute(
            A1,
            category="neighbour",
            origin="village",
            status="registered",
            registered=local(2024, 4, 1),
            due=now + dt.timedelta(days=5),
            escalated_at=(local(2024, 4, 1, 5),),
        ),
        # merged into another case: never found
        "d8": make_dispute(
            A1, category="neighbour", origin="village", status="merged", registered=local(2024, 2, 1)
        ),
        # township B: escalated twice (counts once), resolved by the county after 20 days
        "d9": make_dispute(
            B1,
            category="labour",
            origin="village",
            handling="county",
            status="resolved",
            registered=local(2024, 1, 5, 12),
            resolved=local(2024, 1, 25, 12),
            resolved_level="county",
            escalated_at=(local(2024, 1, 10), local(2024, 1, 15)),
        ),
        # township B: open and overdue
        "d10": make_dispute(
            B1,
            category="labour",
            origin="village",
            status="registered",
            registered=local(2024, 2, 20),
            due=now - dt.timedelta(hours=2),
        ),
        # one second before the start: not found, so its resolution does not count either
        "d11": make_dispute(
            A1,
            category="neighbour",
            origin="village",
            status="resolved",
            registered=local(2023, 12, 31, 23, 59, 59),
            resolved=local(2024, 1, 5),
            resolved_level="village",
        ),
        # found; escalated only after the period: not escalated in it
        "d12": make_dispute(
            A2,
            category="neighbour",
            origin="village",
            handling="township",
            status="accepted",
            registered=local(2024, 3, 20),
            escalated_at=(local(2024, 4, 2, 10),),
        ),
        # township B: mediation failed (closed); its passed time limit is not "overdue"
        "d13": make_dispute(
            B1,
            category="consumer",
            origin="village",
            status="failed",
            registered=local(2024, 3, 15),
            due=overdue,
        ),
        # registered in 2022 and still open past its limit: overdue now, in no period's counts
        "d14": make_dispute(
            A2,
            category="neighbour",
            origin="village",
            status="accepted",
            registered=local(2022, 6, 1),
            due=overdue,
        ),
    }


def template_in(region: str, name: str = "甲一村季度报告模板"):
    """A report template kept by `region`, with one version."""
    from anju.reports.models import ReportTemplate, TemplateVersion

    template = ReportTemplate.objects.create(name=name, region_id=region)
    TemplateVersion.objects.create(
        template=template,
        number=1,
        body="= {{ region }}{{ period }}报告\n# 纠纷\n摸排{{ disputes.found }}件。\n",
    )
    return template


def issued_in(region: str, *, period: str = "2024-Q1"):
    """A work report issued for `region` by the system (the issue's own checks pass for it)."""
    from anju.core.scoping import SYSTEM
    from anju.regions.models import Region
    from anju.reports import actions, periods

    template = template_in(region)
    return actions.issue_report(
        SYSTEM,
        version=template.current,
        period=periods.parse(period),
        region=Region.objects.get(code=region),
        issuer=f"{Region.objects.get(code=region).name}办公室",
        issued_on=dt.date(2024, 4, 10),
        written={},
    )
