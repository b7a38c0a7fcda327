"""The audit log cannot be emptied, and a row changed or removed by hand shows: each row is sealed
into a hash chain after it commits, and `anju audit-verify` names the first place it breaks."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from anju.audit import chain
from anju.audit.actions import record, record_access
from anju.audit.models import AccessRecord, AuditEvent
from anju.core.scoping import SYSTEM
from anju.demo import testing

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no TRUNCATE and no database roles"
)


def run(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out)
    return out.getvalue()


def verify_fails(*args) -> str:
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("audit_verify", *args, stdout=out)
    assert str(failure.value) == "The audit log was changed after it was sealed (see above)."
    return out.getvalue()


@pytest.fixture
def sealed_log(cast, client_for):
    """A page's change, a read of personal data and a few system rows, all sealed."""
    client_for("admin").post(
        f"/regions/{testing.GRID_A1}/edit/", {"name": "新名", "grid_type": "general", "households": 1}
    )
    record_access(cast.leader, cast.mediator_a1, "phone", region_code=testing.VILLAGE_A1, purpose="联系")
    for n in range(5):
        record(SYSTEM, "test.step", region_code=testing.COUNTY, after={"n": n, "值": [1.5, None, "甲"]})
    run("audit_seal")
    return list(AuditEvent.objects.order_by("seq"))


def as_owner_bypassing_the_triggers(sql: str, params: list) -> None:
    """What only the schema's owner can do: switch the append-only trigger off around a statement.
    The test's transaction rolls back, trigger and all."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own inserts leave foreign-key checks pending, which ALTER TABLE will not wait for.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
        else:
            # SQLite cannot switch a trigger off; its owner (whoever can write the file) drops it.
            cursor.execute("DROP TRIGGER audit_auditevent_append_only")
            cursor.execute(sql, params)


def test_rows_are_written_unsealed_and_sealed_in_order(sealed_log):
    record(SYSTEM, "test.later", region_code=testing.COUNTY)
    assert AuditEvent.objects.get(action="test.later").seq is None
    assert [e.seq for e in sealed_log] == list(range(1, len(sealed_log) + 1))
    assert [e.pk for e in sealed_log] == sorted(e.pk for e in sealed_log)
    assert AccessRecord.objects.get().seq == 1
    out = run("audit_seal")
    assert "audit events: 1 rows sealed." in out and "personal data accesses: 0 rows sealed." in out
    assert AuditEvent.objects.get(action="test.later").seq == len(sealed_log) + 1


def test_an_intact_log_verifies_and_prints_its_heads(sealed_log):
    record(SYSTEM, "test.unsealed", region_code=testing.COUNTY)
    out = run("audit_verify")
    head = sealed_log[-1]
    assert (
        f"audit events: {len(sealed_log)} sealed rows, the chain holds. Head: #{head.seq} (row {head.pk}, "
        in out
    )
    assert out.splitlines()[0].endswith(head.chain_hash)
    assert "personal data accesses: 1 sealed rows, the chain holds." in out
    assert "audit events: 1 rows are not sealed yet" in out
    # A head noted in the county's records earlier is checked against the chain.
    assert f"The noted head #{head.seq} {head.chain_hash} is in the chain." in run(
        "audit_verify", "--noted", f"{head.seq}:{head.chain_hash}"
    )
    with translation.override("zh-hans"):
        out = io.StringIO()
        call_command("audit_verify", stdout=out)
        assert f"审计事件：已封存 {len(sealed_log)} 条，链条完整。" in out.getvalue()


def test_a_row_changed_by_hand_is_named(sealed_log):
    tampered = sealed_log[3]
    as_owner_bypassing_the_triggers(
        "UPDATE audit_auditevent SET detail = %s WHERE id = %s", ["改过的说明", tampered.pk]
    )
    out = verify_fails()
    assert f"audit events: the chain breaks at #{tampered.seq} (row {tampered.pk}, " in out
    assert "the row was changed after it was sealed" in out
    assert f"the chain holds {tampered.chain_hash}." in out
    assert "personal data accesses: 1 sealed rows, the chain holds." in out


def test_a_row_removed_by_hand_leaves_a_gap_that_is_named(sealed_log):
    before, removed, after = sealed_log[2:5]
    as_owner_bypassing_the_triggers("DELETE FROM audit_auditevent WHERE id = %s", [removed.pk])
    out = verify_fails()
    assert (
        f"audit events: the chain breaks after #{before.seq} (row {before.pk}, " in out
        and f"the next row is #{after.seq} (row {after.pk}, " in out
        and f"so #{removed.seq} to #{removed.seq} were removed after they were sealed." in out
    )


def test_a_chain_rewritten_from_a_row_on_misses_the_noted_head(sealed_log):
    """Someone who can bypass the triggers can also reseal every row after the one they change: the
    chain holds again, but a head noted earlier is no longer in it."""
    head = sealed_log[-1]
    as_owner_bypassing_the_triggers(
        "UPDATE audit_auditevent SET detail = 'x', seq = NULL, chain_hash = NULL", []
    )
    run("audit_seal")
    assert "the chain holds" in run("audit_verify")
    out = verify_fails("--noted", f"{head.seq}:{head.chain_hash}")
    assert f"The noted head #{head.seq} {head.chain_hash} is not in the chain" in out


def test_the_database_lets_a_row_be_sealed_once_and_nothing_else(sealed_log):
    sealed = sealed_log[0]
    record(SYSTEM, "test.fresh", region_code=testing.COUNTY)
    fresh = AuditEvent.objects.get(action="test.fresh")
    refused = [
        ("UPDATE audit_auditevent SET seq = 999, chain_hash = 'x' WHERE id = %s", sealed.pk),  # resealed
        ("UPDATE audit_auditevent SET seq = NULL, chain_hash = NULL WHERE id = %s", sealed.pk),  # unsealed
        ("UPDATE audit_auditevent SET detail = 'x', seq = 999, chain_hash = 'x' WHERE id = %s", fresh.pk),
        ("UPDATE audit_auditevent SET detail = 'x' WHERE id = %s", fresh.pk),
    ]
    for sql, pk in refused:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seq = 999, chain_hash = 'x' WHERE id = %s", [fresh.pk])
    assert AuditEvent.objects.get(pk=fresh.pk).seq == 999


def test_a_row_committed_late_is_sealed_in_a_later_batch(sealed_log, monkeypatch):
    """A long import commits its rows after others were sealed: a row with a lower id than the
    chain's head is taken by the next seal, and the chain holds. Small batches cross several."""
    monkeypatch.setattr(chain, "BATCH", 2)
    last = sealed_log[-1].pk
    early = AuditEvent.objects.create(id=last + 100, action="test.early", region_code=testing.COUNTY)
    for n in range(5):
        record(SYSTEM, "test.more", after={"n": n})
    run("audit_seal")
    late = AuditEvent.objects.create(id=last + 50, action="test.late", region_code=testing.COUNTY)
    assert "audit events: 1 rows sealed." in run("audit_seal")
    early.refresh_from_db()
    late.refresh_from_db()
    assert late.pk < early.pk and late.seq == AuditEvent.objects.count() > early.seq
    assert f"audit events: {len(sealed_log) + 7} sealed rows, the chain holds." in run("audit_verify")


def test_each_sweep_seals_the_new_rows(cast):
    record(SYSTEM, "test.step", region_code=testing.COUNTY)
    unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    out = io.StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert f"audit.auditevent: sealed {unsealed}" in out.getvalue().splitlines()
    assert AuditEvent.objects.get(action="test.step").seq == unsealed


@postgres_only
def test_truncate_is_refused(sealed_log):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts leave checks pending
    for table in ("audit_auditevent", "audit_accessrecord"):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == len(sealed_log)


def test_grants_are_not_for_sqlite(db):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite refusal")
    with translation.override("en"), pytest.raises(CommandError, match="SQLite has none"):
        call_command("db_grants", "--role", "anju_site", stdout=io.StringIO())


@postgres_only
def test_the_site_runs_as_a_role_with_only_the_printed_grants(cast, client_for):
    """Create a role, give it what `anju db-grants` prints, and run the site as it (SET ROLE: the
    session has that role's privileges and no others): a phone registers a case and the worker seals
    it; emptying, deleting or editing the audit log and changing the schema are refused."""
    from anju.accounts.tokens import create_token

    role = f"anju_site_{uuid.uuid4().hex[:12]}"
    token = create_token(SYSTEM, cast.grid_a1, "phone")
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    out = run("db_grants", "--role", role, "--apply")
    statements = [line for line in out.splitlines() if not line.startswith("--")]
    assert f'GRANT SELECT, INSERT ON "audit_auditevent" TO "{role}";' in statements
    assert f'GRANT UPDATE ("seq", "chain_hash") ON "audit_auditevent" TO "{role}";' in statements
    assert f'GRANT SELECT, INSERT, UPDATE, DELETE ON "disputes_dispute" TO "{role}";' in statements
    assert not any("TRUNCATE" in s or "ALL" in s for s in statements)
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        answer = client_for("grid_a1").post(
            "/api/disputes",
            {
                "region": testing.GRID_A1,
                "channel": "grid_visit",
                "category": "neighbour",
                "title": "排水沟堵塞",
                "description": "雨水流入邻家院内。",
                "parties": [{"role": "applicant", "name": "李某", "phone": "13912345678"}],
                "check_duplicates": False,
            },
            content_type="application/json",
            headers={"authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 201, answer.content
        assert "the chain holds" in run("sweep_deadlines") + run("audit_verify")
        refused = [
            "TRUNCATE audit_auditevent CASCADE",
            "DELETE FROM audit_auditevent",
            "UPDATE audit_auditevent SET detail = 'x'",
            "TRUNCATE disputes_dispute CASCADE",
            "ALTER TABLE disputes_dispute ADD COLUMN x int",
            "CREATE TABLE anju_probe (x int)",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
        ]
        for sql in refused:
            refusal = pytest.raises(DatabaseError, match=r"permission denied|must be owner")
            with refusal, transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@postgres_only
def test_a_connection_as_the_site_role_inserts_but_cannot_empty_the_log(db):
    """The same grants, committed, and a real sign-in as the role (the test's own transaction is
    invisible to other connections, so the role is made and dropped on a connection of its own)."""
    import psycopg

    settings = connection.settings_dict
    where = {"host": settings["HOST"], "port": settings["PORT"] or 5432, "dbname": settings["NAME"]}
    role = f"anju_site_{uuid.uuid4().hex[:12]}"
    statements = [line for line in run("db_grants", "--role", role).splitlines() if not line.startswith("--")]
    with psycopg.connect(**where, user=settings["USER"], autocommit=True) as owner:
        owner.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{role}'")
        try:
            for statement in statements:
                owner.execute(statement)
            with psycopg.connect(**where, user=role, password=role) as site:
                site.execute(
                    "INSERT INTO audit_auditevent (at, actor_username, action, object_type, object_id, "
                    "object_repr, region_code, result, detail, request_id) "
                    "VALUES (now(), 'probe', 'probe', '', '', '', '', 'ok', '', '') RETURNING id"
                )
                for sql in (
                    "TRUNCATE audit_auditevent",
                    "DELETE FROM audit_auditevent",
                    "TRUNCATE accounts_user",
                ):
                    site.execute("SAVEPOINT probe")
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        site.execute(sql)
                    site.execute("ROLLBACK TO SAVEPOINT probe")
                site.rollback()  # the probe's row goes too
        finally:
            owner.execute(f'DROP OWNED BY "{role}"')
            owner.execute(f'DROP ROLE "{role}"')
