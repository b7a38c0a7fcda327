"""The demo county and the seed command: deterministic, complete, with an account for every role."""

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from anju.accounts.choices import Role
from anju.accounts.models import RoleAssignment
from anju.demo.seeding import DEMO_PASSWORD, build_tree
from anju.regions import codes
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
    assert levels["county"] == 1 and levels["township"] == 8
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


def test_a_synthetic_cases_history_starts_when_it_was_registered():
    from django.db.models import F

    from anju.disputes.models import TimelineEntry

    call_command("seed", "--county", "629903", "--townships", "1", "--cases", "50", stdout=io.StringIO())
    seeded = TimelineEntry.objects.filter(dispute__number__startswith="629903")
    assert seeded.count() == 50
    assert not seeded.exclude(at=F("dispute__registered_at")).exists()


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
    Dispute.objects.filter(region__code__startswith="629903").delete()
    from anju.disputes.models import CaseCounter

    CaseCounter.objects.filter(county_code="629903").delete()
    from anju.demo.seeding import seed_disputes

    seed_disputes(cases=300, seed=5, county_code="629903")
    assert sorted(disputes.values_list("region_id", "category", "status")) == first
