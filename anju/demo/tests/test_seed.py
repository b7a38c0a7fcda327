"""The demo county and the seed command: deterministic, complete, with an account for every role."""

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from anju.accounts.choices import Role
from anju.accounts.models import RoleAssignment
from anju.demo.seeding import DEMO_PASSWORD, build_tree, set_grid_boundaries
from anju.regions import codes, geo
from anju.regions.choices import Level
from anju.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_same_seed_gives_the_same_tree():
    one = [
        (r.code, r.name)
        for r in build_tree(random.Random(7), county_code="629901", county_name="安居县", townships=8)
    ]
    two = [
        (r.code, r.name)
        for r in build_tree(random.Random(7), county_code="629901", county_name="安居县", townships=8)
    ]
    other = [
        (r.code, r.name)
        for r in build_tree(random.Random(8), county_code="629901", county_name="安居县", townships=8)
    ]
    assert one == two and one != other


def test_demo_county_has_the_promised_shape_and_valid_codes():
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    levels = {
        level: Region.objects.filter(code__startswith="629901", level=level).count() for level in Level.values
    }
    # Eight townships, and three county departments kept at the township level of the tree.
    departments = Region.objects.filter(codes.department_q(), code__startswith="629901").count()
    assert levels["county"] == 1 and levels["township"] == 8 + departments and departments == 3
    assert 50 <= levels["village"] <= 75 and 200 <= levels["grid"] <= 400 and levels["group"] > levels["grid"]
    for region in Region.objects.filter(code__startswith="629901"):
        codes.validate_code(region.code, region.level, region.parent_id)
    roles = set(
        RoleAssignment.objects.filter(region__code__startswith="629901").values_list("role", flat=True)
    )
    assert roles == set(Role.values)
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    from anju.disputes.models import Dispute

    assert Dispute.objects.filter(region__code__startswith="629901").count() == 3000
    for login in ("county-leader", "county-centre", "county-admin", "county-auditor", "officer-001"):
        assert login in printed


def test_every_printed_demo_login_works():
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    logins = [
        line.split()[0] for line in out.getvalue().splitlines() if line.startswith("  ") and "·" in line
    ]
    assert len(logins) >= 8
    second_step = []
    for username in logins:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        if response["Location"] == "/accounts/login/code/":
            # the printed way to a code for the roles that need a second factor
            second_step.append(username)
            code = io.StringIO()
            call_command("demo_code", stdout=code)
            response = client.post(response["Location"], {"code": code.getvalue().strip()})
            assert response.status_code == 302, username
        assert client.get("/").status_code == 200
    assert {"county-admin", "county-centre", "county-auditor"} <= set(second_step)
    assert "demo-code" in out.getvalue() and "ANJUDEMO" in out.getvalue()


def test_demo_twice_changes_nothing():
    call_command("demo", "--no-serve", stdout=io.StringIO())
    count = Region.objects.count()
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert Region.objects.count() == count


def test_stopping_the_demo_with_sigterm_stops_its_worker_and_sweep(monkeypatch):
    import os
    import signal
    import subprocess

    from anju.demo.management.commands import demo

    started = []

    class Child:
        def __init__(self, args):
            self.pid, self.args, self.stopped = 4242 + len(started), args, False
            started.append(self)

        def terminate(self):
            self.stopped = True

        def wait(self, timeout=None):
            return 0

    def serve(name, *args, **kwargs):
        if name != "runserver":
            return real_call_command(name, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill <pid>` or a service manager would
        raise AssertionError("SIGTERM did not stop the server")

    real_call_command = demo.call_command
    monkeypatch.setattr(subprocess, "Popen", Child)
    monkeypatch.setattr(demo, "call_command", serve)

    def unhandled(signum, frame):
        # Stands in for the default action (ending the test run) if the demo installs no handler.
        raise AssertionError("the demo left SIGTERM to its default action")

    before = signal.signal(signal.SIGTERM, unhandled)
    try:
        call_command("demo", "--addr", "127.0.0.1:8999", stdout=io.StringIO())
        assert [c.args[-1] for c in started] == ["db_worker", "300"]
        assert all(c.stopped for c in started)
        assert signal.getsignal(signal.SIGTERM) is unhandled
    finally:
        signal.signal(signal.SIGTERM, before)


def test_seed_builds_a_county_of_the_asked_size():
    call_command("seed", "--county", "629903", "--townships", "3", "--seed", "1", stdout=io.StringIO())
    assert Region.objects.filter(code__startswith="629903", level="township").count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--townships", "0"], "--townships"),
        (["--county", "629900"], "--county"),
        (["--cases", "-1"], "negative"),
    ],
)
def test_seed_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed", *args, stdout=io.StringIO())


def test_seed_leaves_the_planner_knowing_how_many_cases_there_are():
    from anju.demo.testing import planner_rows
    from anju.disputes.models import Dispute

    call_command("seed", "--county", "629903", "--townships", "1", "--cases", "120", stdout=io.StringIO())
    assert planner_rows(Dispute) == Dispute.objects.count() > 120


def test_a_synthetic_cases_history_starts_when_it_was_registered_by_who_registered_it():
    from django.db.models import F

    from anju.disputes.models import Dispute, TimelineEntry

    call_command(
        "seed", "--county", "629903", "--townships", "1", "--cases", "50", "--history", stdout=io.StringIO()
    )
    first = TimelineEntry.objects.filter(dispute__number__startswith="629903", transition="register")
    assert first.count() == 50
    assert not first.exclude(at=F("dispute__registered_at")).exists()
    assert not first.exclude(actor=F("dispute__registered_by")).exists()
    # Every later step comes after the registration, none in the future.
    for dispute in Dispute.objects.filter(number__startswith="629903"):
        times = [e.at for e in dispute.timeline.all()]
        assert times == sorted(times) and times[0] == dispute.registered_at


def test_seed_cases_makes_a_deterministic_valid_load():
    call_command(
        "seed",
        "--county",
        "629903",
        "--townships",
        "2",
        "--seed",
        "5",
        "--cases",
        "300",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    from anju.disputes.models import Dispute

    disputes = Dispute.objects.filter(region__code__startswith="629903")
    assert disputes.count() == 300
    assert disputes.filter(status="resolved").count() > 150
    numbers = list(disputes.values_list("number", flat=True))
    assert len(set(numbers)) == 300 and all(n.startswith("629903-") for n in numbers)
    first = sorted(disputes.values_list("region_id", "category", "status"))
    # Merged cases point at the case they went into, which a merge protects from deletion.
    Dispute.objects.filter(region__code__startswith="629903").update(merged_into=None)
    Dispute.objects.filter(region__code__startswith="629903").delete()
    from anju.disputes.models import CaseCounter

    CaseCounter.objects.filter(county_code="629903").delete()
    from anju.demo.seeding import seed_disputes

    seed_disputes(cases=300, seed=5, county_code="629903")
    assert sorted(disputes.values_list("region_id", "category", "status")) == first


def test_the_demo_grids_have_boundaries_that_tile_without_overlap():
    regions = build_tree(random.Random(7), county_code="629901", county_name="安居县", townships=8)
    set_grid_boundaries(regions, "629901")
    grids = [r for r in regions if r.level == Level.GRID]
    assert all(g.boundary for g in grids)
    boundaries = [geo.Boundary(g.code, *geo.bbox(geo.check_geometry(g.boundary)), g.boundary) for g in grids]
    for grid in grids:
        ring = grid.boundary["coordinates"][0]
        lon = sum(p[0] for p in ring[:4]) / 4
        lat = sum(p[1] for p in ring[:4]) / 4
        # The grid's own middle lies in it and in no other grid.
        assert [b.code for b in boundaries if b.holds(lat, lon)] == [grid.code]


def test_the_demo_reads_like_a_county_at_work():
    """The demo county's cases: in the real 2026 calendar, registered in office hours, each with the
    file its status implies, every open one with a time limit and only a few past it, so the first
    sweep escalates a handful of cases, not hundreds."""
    import datetime as dt

    from django.db.models import Count

    from anju.disputes import deadlines
    from anju.disputes.choices import OPEN_STATUSES
    from anju.disputes.models import Dispute, TimelineEntry
    from anju.worktime.calendar import WorkingCalendar, to_local
    from anju.worktime.models import CalendarDay

    call_command("demo", "--no-serve", stdout=io.StringIO())
    calendar = WorkingCalendar.from_database()
    # The State Council's 2026 arrangement: 33 days off, 6 weekend days worked in exchange.
    assert CalendarDay.objects.filter(day__year=2026, kind="holiday").count() == 33
    assert sorted(
        CalendarDay.objects.filter(day__year=2026, kind="workday").values_list("day", flat=True)
    ) == [
        dt.date(2026, 1, 4),
        dt.date(2026, 2, 14),
        dt.date(2026, 2, 28),
        dt.date(2026, 5, 9),
        dt.date(2026, 9, 20),
        dt.date(2026, 10, 10),
    ]
    assert not calendar.is_workday(dt.date(2026, 2, 23)) and calendar.is_workday(dt.date(2026, 2, 14))
    admin = Client()
    admin.force_login(RoleAssignment.objects.get(user__username="county-admin").user)
    page = admin.get("/calendar/?year=2026").content.decode()
    assert "春节" in page and "国庆节调休上班" in page

    cases = Dispute.objects.filter(region__code__startswith="629901")
    open_cases = cases.filter(status__in=OPEN_STATUSES)
    assert not open_cases.filter(due_at__isnull=True).exists()  # no case open without a time limit
    overdue = open_cases.filter(deadlines.overdue()).count()
    assert 0 < overdue <= 0.03 * cases.count()
    for registered in cases.values_list("registered_at", flat=True):
        local = to_local(registered)
        assert calendar.is_workday(local.date()) and "08:30" <= f"{local:%H:%M}" <= "17:30", local
    # Descriptions tell each case's own story; the file holds what its status says happened.
    assert cases.values("description").distinct().count() > 0.9 * cases.count()
    for status in ("agreed", "resolved"):
        lacking = cases.filter(status=status).annotate(n=Count("sessions")).filter(n=0)
        assert not lacking.exists() and not cases.filter(status=status, agreements__isnull=True).exists()
    assert not cases.filter(status="resolved", visits__isnull=True).exists()
    # The case page names as registrar the person its timeline does.
    leader = Client()
    leader.force_login(RoleAssignment.objects.get(user__username="county-leader").user)
    resolved = cases.filter(status="resolved").select_related("registered_by").first()
    detail = leader.get(f"/disputes/{resolved.pk}/").content.decode()
    entry = TimelineEntry.objects.get(dispute=resolved, transition="register")
    assert entry.actor == resolved.registered_by and resolved.registered_by.display_name in detail
    assert detail.count(resolved.registered_by.display_name) >= 2  # the facts and the timeline
    # The first sweep, as `anju demo` starts it: a handful of escalations at most.
    before = TimelineEntry.objects.filter(transition="escalate", actor__isnull=True).count()
    call_command("sweep_deadlines", stdout=io.StringIO())
    escalated = TimelineEntry.objects.filter(transition="escalate", actor__isnull=True).count() - before
    assert escalated <= overdue <= 0.03 * cases.count()


def test_the_readme_states_the_time_limits_the_code_applies(capsys):
    """The README's table of limits is the code's defaults, and the demo's options it names exist."""
    import re
    from pathlib import Path

    from anju.disputes import deadlines

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| ([a-z ,]+) \| (\d+ \| \d+ \| \d+) \|", readme, re.MULTILINE))
    levels = ("village", "township", "county")
    assert rows["waiting to be accepted"] == " | ".join(str(deadlines.DEFAULT_ACCEPTANCE[x]) for x in levels)
    for risk in ("general", "serious", "major"):
        shown = rows[f"mediation, {risk} risk"]
        assert shown == " | ".join(str(deadlines.DEFAULT_LIMITS[x][risk]) for x in levels)
    assert deadlines.WARN_WORKING_DAYS == 2 and deadlines.OUTER_LIMIT.days == 30
    with pytest.raises(SystemExit):
        call_command("demo", "--help")
    assert "--addr" in capsys.readouterr().out and "./scripts/demo --addr" in readme
