"""`insert` stores and `load` reads exactly what Model.save stores and a queryset reads."""

from decimal import Decimal

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from anju.audit.models import AuditEvent
from anju.core.rows import by_key, insert
from anju.demo import testing
from anju.disputes.models import Dispute, Party
from anju.regions.models import Level, Region


def a_case(number: str, by=None) -> Dispute:
    return Dispute(
        registered_by=by,
        number=number,
        region_id=testing.GRID_A1,
        origin_level="village",
        handling_level="village",
        handling_unit_id=testing.VILLAGE_A1,
        channel="hotline",
        category="neighbour",
        title="排水沟",
        description="雨水流入邻居院内。",
        amount=Decimal("1234.50"),
        people_involved=3,
        registered_at=timezone.now(),
    )


def stored(obj) -> dict:
    row = type(obj).objects.get(pk=obj.pk)
    return {k: v for k, v in model_to_dict(row).items() if k not in {"id", "number", "mediators"}}


def test_a_case_inserted_reads_back_as_a_saved_one(cast):
    saved, inserted = a_case("T-1", cast.grid_a1), a_case("T-2", cast.grid_a1)
    inserted.registered_at = saved.registered_at
    saved.save()
    insert(inserted)
    assert inserted.pk is not None and inserted.pk != saved.pk and not inserted._state.adding
    assert stored(inserted) == stored(saved)
    assert Dispute.objects.get(pk=inserted.pk).amount == Decimal("1234.50")


def test_defaults_timestamps_and_json_are_filled_as_save_fills_them(cast):
    before = timezone.now()
    event = AuditEvent(actor_username="t", action="test.insert", after={"标题": "排水沟", "n": 2})
    insert(event)
    row = AuditEvent.objects.get(pk=event.pk)
    assert row.after == {"标题": "排水沟", "n": 2} and row.before is None
    assert before <= row.at <= timezone.now() and row.at == event.at
    assert row.result == "ok"


def test_many_rows_in_one_statement_get_their_own_keys_in_order(cast):
    case = Dispute.objects.get(title=testing.DISPUTE_TITLE)
    people = [Party(dispute=case, role="applicant", name=f"当事人{i}") for i in range(3)]
    insert(*people)
    assert [Party.objects.get(pk=p.pk).name for p in people] == ["当事人0", "当事人1", "当事人2"]
    assert all(Party.objects.get(pk=p.pk).kind == "person" for p in people)


def test_a_model_keyed_by_its_own_value(cast):
    insert(Region(code="629902102", name="丙镇", level=Level.TOWNSHIP, parent_id=testing.COUNTY))
    assert Region.objects.get(code="629902102").name == "丙镇"


def test_only_new_objects_of_one_model(cast):
    case = Dispute.objects.get(title=testing.DISPUTE_TITLE)
    with pytest.raises(ValueError, match="new objects"):
        insert(case)
    with pytest.raises(ValueError, match="one model"):
        insert(Party(dispute=case, role="applicant", name="甲"), a_case("T-3"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite before 3.35 lacks RETURNING")
def test_without_returning_the_keys_are_read_one_row_at_a_time(cast, monkeypatch):
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    case = Dispute.objects.get(title=testing.DISPUTE_TITLE)
    people = [Party(dispute=case, role="respondent", name=f"对方{i}") for i in range(2)]
    insert(*people)
    assert [Party.objects.get(pk=p.pk).name for p in people] == ["对方0", "对方1"]


def test_a_row_read_by_key_equals_the_querysets_object(cast):
    case = a_case("T-4", cast.grid_a1)
    case.may_turn_criminal = True
    case.save()
    loaded, fetched = by_key(Dispute, case.pk), Dispute.objects.get(pk=case.pk)
    for field in Dispute._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(fetched, field.attname), field.name
    assert loaded.may_turn_criminal is True and loaded.amount == Decimal("1234.50")
    assert timezone.is_aware(loaded.registered_at) and not loaded._state.adding
    event = AuditEvent.objects.create(actor_username="t", action="test.load", after={"k": ["v"]})
    assert by_key(AuditEvent, event.pk).after == {"k": ["v"]}
    assert by_key(Dispute, case.pk + 10_000) is None


def test_update_writes_only_the_named_fields_as_save_would(cast):
    from anju.accounts.models import IdempotencyRecord
    from anju.core.rows import update

    claim = IdempotencyRecord.objects.create(user=cast.grid_a1, key="k", request_hash="h", status=0, body={})
    claim.status, claim.body, claim.key = 201, {"标题": "排水沟", "n": [1, 2]}, "not written"
    update(claim, "status", "body")
    row = IdempotencyRecord.objects.get(pk=claim.pk)
    assert (row.status, row.body, row.key) == (201, {"标题": "排水沟", "n": [1, 2]}, "k")


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")


def prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0].split(" (")[0] for row in cursor.fetchall()}


@postgres_only
def test_registrations_through_the_api_run_on_prepared_statements(client_for):
    from anju.disputes.tests.factories import new_case, post

    client = client_for("grid_a1")
    for n in range(3):
        key = {"Idempotency-Key": f"k{n}"}
        assert post(client, "/api/disputes", new_case(check_duplicates=False), **key).status_code == 201
    statements = prepared_statements()
    for table in ("disputes_dispute", "disputes_party", "disputes_timelineentry", "audit_auditevent"):
        assert f'INSERT INTO "{table}"' in statements
    assert 'INSERT INTO "accounts_idempotencyrecord"' in statements
    assert any(s.startswith('UPDATE "disputes_casecounter"') for s in statements)


@postgres_only
def test_with_prepared_off_nothing_is_prepared(cast, monkeypatch):
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", None)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    for n in range(3):
        insert(a_case(f"P-{n}", cast.grid_a1))
        by_key(Region, testing.GRID_A1)
    assert prepared_statements() == set()


@postgres_only
def test_more_parameters_than_a_prepared_statement_may_carry_still_insert(cast):
    case = a_case("T-many", cast.grid_a1)
    insert(case)
    parties = [Party(dispute=case, role="applicant", name=f"甲{n}") for n in range(10_000)]
    insert(*parties)  # 7 columns each: 70,000 parameters
    assert Party.objects.filter(dispute=case).count() == 10_000
    assert [p.pk for p in parties] == sorted(p.pk for p in parties)


def test_rows_sent_together_are_stored_with_their_keys_in_order(cast):
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from anju.core.rows import together

    case = Dispute.objects.get(title=testing.DISPUTE_TITLE)
    people = [Party(dispute=case, role="applicant", name=f"同{i}") for i in range(2)]
    later = Party(dispute=case, role="respondent", name="后")
    audit = AuditEvent(actor_username="t", action="test.together", after={"n": 1})
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, together():
        insert(*people)
        insert(audit)
        insert(later)  # a model held already: what is held goes first, so the keys keep the order
    assert [Party.objects.get(pk=p.pk).name for p in [*people, later]] == ["同0", "同1", "后"]
    assert people[1].pk < later.pk and not later._state.adding
    assert AuditEvent.objects.get(pk=audit.pk).after == {"n": 1}
    # PostgreSQL: the parties and the audit row in one statement, then the last party.
    assert len(queries) == (2 if connection.vendor == "postgresql" else 3)


def test_nothing_held_together_is_written_when_the_block_fails(cast):
    from django.db import transaction

    from anju.core.rows import together

    case = Dispute.objects.get(title=testing.DISPUTE_TITLE)
    with pytest.raises(RuntimeError), transaction.atomic(), together():
        insert(Party(dispute=case, role="applicant", name="不留"))
        raise RuntimeError
    assert not Party.objects.filter(name="不留").exists()


def test_rows_given_their_keys_go_at_once_with_the_rows_that_name_them(cast):
    """Inside a transaction (as every test is) `at_once` holds the rows as `together` does; a row
    given its key beforehand keeps it, and the rows after it may name it."""
    from django.test.utils import CaptureQueriesContext

    from anju.core.rows import at_once

    case = a_case("T-keyed", cast.grid_a1)
    case.pk = Dispute.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    party = Party(dispute=case, role="applicant", name="甲")
    with CaptureQueriesContext(connection) as queries, at_once():
        insert(case)
        insert(party)
    assert Party.objects.get(pk=party.pk).dispute_id == case.pk == Dispute.objects.get(number="T-keyed").pk
    # PostgreSQL: a savepoint, both rows in one statement, its release.
    assert len(queries) == (3 if connection.vendor == "postgresql" else 4)
    with pytest.raises(ValueError, match="keys or none"):
        insert(
            Party(dispute=case, role="applicant", name="乙", pk=10**9), Party(dispute=case, role="applicant")
        )


def _in_autocommit(work):
    """`work()` on a connection of its own (another thread's), outside any transaction, as a
    request runs; what it raises is raised here. Rows it commits stay: it removes them itself."""
    import threading

    from django.db import connections

    failure = []

    def run():
        try:
            work()
        except BaseException as error:  # handed to the test's thread
            failure.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@postgres_only
def test_rows_at_once_outside_a_transaction_are_one_statement_all_or_none(db):
    """A request's report runs in autocommit: `at_once` sends its rows as one statement, with no
    BEGIN and COMMIT of its own, and a statement that fails stores none of them. The rows name the
    catalogue, which the migrations committed; the test's own rows are not visible to the other
    connection, and what it commits it removes."""
    from django.db import IntegrityError
    from django.test.utils import CaptureQueriesContext

    from anju.core.rows import at_once
    from anju.events.models import EventClass, EventType

    def next_key(model) -> int:
        with connection.cursor() as c:
            c.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
            return c.fetchone()[0]

    def work():
        major = EventClass(code="t-at-once", name="一次写入", pk=next_key(EventClass))
        minor = EventType(event_class=major, code="t-at-once-minor", name="小类")
        try:
            with CaptureQueriesContext(connection) as queries, at_once():
                insert(major)
                insert(minor)
            assert [q["sql"] for q in queries.captured_queries if q["sql"] in ("BEGIN", "COMMIT")] == []
            assert len(queries) == 1 and not connection.in_atomic_block
            assert EventType.objects.get(pk=minor.pk).event_class_id == major.pk
        finally:
            EventType.objects.filter(code="t-at-once-minor").delete()
            EventClass.objects.filter(code="t-at-once").delete()
        # The second row names a major class that does not exist: the statement fails whole.
        kept = EventClass(code="t-at-once-lost", name="不留", pk=next_key(EventClass))
        with pytest.raises(IntegrityError), at_once():
            insert(kept)
            insert(EventType(event_class_id=10**12, code="t-at-once-orphan", name="孤儿"))
        assert not EventClass.objects.filter(code="t-at-once-lost").exists()
        with pytest.raises(ValueError, match="once"), at_once():
            insert(EventClass(code="t-a", name="甲"))
            insert(EventClass(code="t-b", name="乙"))
        assert not EventClass.objects.filter(code__in=["t-a", "t-b"]).exists()

    _in_autocommit(work)
