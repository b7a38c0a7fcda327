"""The informant is the most sensitive field in the system: these tests look for them (name and
phone) and for the reported subject everywhere someone outside the handling chain could read, and
in the database itself."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from anju.accounts.choices import Role
from anju.audit.models import AccessRecord, AuditEvent
from anju.core import fieldcrypt
from anju.demo import testing
from anju.tips.models import Alert, Tip

SECRETS = [testing.TIP_INFORMANT, testing.TIP_INFORMANT_PHONE]
NAMED = [testing.TIP_SUBJECT, testing.TIP_CONTENT]

pytestmark = pytest.mark.django_db


def body(response) -> str:
    """A page or an answer as text; JSON with its \\u escapes undone, so a search finds Chinese."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = data.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "".join(book.read(name).decode("utf-8") for name in book.namelist())


def test_the_database_alone_holds_no_informant_in_clear_text(cast):
    tip = cast.tip()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tips_tip WHERE id = %s", [tip.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    for secret in [*SECRETS, testing.TIP_SUBJECT]:
        assert secret not in row
    # Read through the model, it is there for those the pages let see it.
    assert Tip.objects.get(pk=tip.pk).informant_name == testing.TIP_INFORMANT


def test_the_handler_sees_the_subject_and_reveals_the_informant_on_the_record(client_for, cast):
    tip = cast.tip()
    officer = client_for("officer_a")
    page = body(officer.get(f"/tips/{tip.pk}/"))
    assert testing.TIP_SUBJECT in page and testing.TIP_CONTENT in page
    assert not any(s in page for s in SECRETS)
    before = AccessRecord.objects.filter(field="informant").count()
    response = officer.post(f"/tips/{tip.pk}/informant/", {"purpose": "核实举报内容"})
    assert response.status_code == 302
    assert AccessRecord.objects.filter(field="informant", object_id=str(tip.pk)).count() == before + 1
    page = body(officer.get(f"/tips/{tip.pk}/"))
    assert testing.TIP_INFORMANT in page and testing.TIP_INFORMANT_PHONE in page


def test_a_reveal_without_a_reason_is_refused(client_for, cast):
    tip = cast.tip()
    response = client_for("officer_a").post(f"/tips/{tip.pk}/informant/", {"purpose": ""})
    assert response.status_code == 400
    assert not AccessRecord.objects.filter(field="informant", object_id=str(tip.pk)).exists()


def test_a_county_leader_sees_the_progress_but_not_who_or_whom(client_for, cast):
    tip = cast.tip()
    leader = client_for("leader")
    page = body(leader.get(f"/tips/{tip.pk}/"))
    assert tip.number in page
    for secret in [*SECRETS, *NAMED]:
        assert secret not in page
    assert leader.post(f"/tips/{tip.pk}/informant/", {"purpose": "好奇"}).status_code == 403
    answer = body(leader.get(f"/api/tips/{tip.pk}"))
    assert json.loads(answer)["content"] is None
    for secret in [*SECRETS, *NAMED]:
        assert secret not in answer


def test_a_county_operator_outside_the_chain_is_refused_the_reveal(client_for, cast):
    # A centre operator at township B: holds every tip permission, one township over.
    testing.add_staff("centre_b", "乙镇综治", Role.CENTRE_OPERATOR, testing.TOWNSHIP_B)
    tip = cast.tip()
    other = client_for("centre_b")
    assert other.get(f"/tips/{tip.pk}/").status_code == 404
    assert other.post(f"/tips/{tip.pk}/informant/", {"purpose": "x" * 5}).status_code == 404
    assert other.get(f"/api/tips/{tip.pk}").status_code == 404


@pytest.mark.parametrize(
    "member", ["admin", "auditor", "officer_b", "admin_b", "mediator_a1", "grid_a1", "norole"]
)
def test_nobody_outside_the_chain_sees_it_on_any_tip_page_or_answer(client_for, cast, member):
    tip = cast.tip()
    client = client_for(member)
    lists = ["/tips/", "/tips/batches/", "/api/tips", "/api/tips/batches"]
    objects = [
        f"/tips/{tip.pk}/",
        f"/tips/batches/{tip.batch_id}/",
        f"/tips/batches/{tip.batch_id}/report.xlsx",
        f"/api/tips/{tip.pk}",
        f"/api/tips/batches/{tip.batch_id}",
    ]
    for url in lists + objects:
        response = client.get(url)
        # A list may answer those holding tip permissions elsewhere (township B), with none of A's.
        allowed = {403, 404} if url in objects else {200, 403}
        assert response.status_code in allowed, (member, url, response.status_code)
        text = body(response)
        assert tip.number not in text
        for secret in [*SECRETS, *NAMED]:
            assert secret not in text


def test_the_audit_log_pictures_a_marker_never_the_informant(client_for, cast):
    tip = cast.tip()
    client_for("officer_a").post(f"/tips/{tip.pk}/informant/", {"purpose": "核实"})
    rows = AuditEvent.objects.filter(object_type="tips.tip")
    assert rows.filter(action="tip.register", after__informant="[protected]").exists()
    dumped = json.dumps(
        [[e.before, e.after, e.object_repr, e.detail] for e in AuditEvent.objects.all()], ensure_ascii=False
    )
    for secret in [*SECRETS, testing.TIP_SUBJECT]:
        assert secret not in dumped
    auditor = client_for("auditor")
    for url in ["/audit/", "/audit/access/", "/api/audit/events"]:
        response = auditor.get(url)
        assert response.status_code == 200, url
        for secret in [*SECRETS, testing.TIP_SUBJECT]:
            assert secret not in body(response)


def test_alerts_and_the_report_to_the_source_never_hold_it(client_for, cast):
    tip = cast.tip()
    reasons = " ".join(Alert.objects.values_list("reason", flat=True))
    for secret in [*SECRETS, testing.TIP_SUBJECT]:
        assert secret not in reasons
    # Even the handler's own download of the report leaves the informant and the subject out.
    response = client_for("officer_a").get(f"/tips/batches/{tip.batch_id}/report.xlsx")
    assert response.status_code == 200
    text = xlsx_text(b"".join(response.streaming_content))
    assert tip.number in text
    for secret in [*SECRETS, *NAMED]:
        assert secret not in text


def test_the_device_api_never_returns_the_informant(client_for, cast):
    tip = cast.tip()
    officer = client_for("officer_a")
    answer = body(officer.get(f"/api/tips/{tip.pk}"))
    assert testing.TIP_SUBJECT in answer  # the handler works with whom it names
    for secret in SECRETS:
        assert secret not in answer
    listed = body(officer.get("/api/tips"))
    for secret in [*SECRETS, *NAMED]:
        assert secret not in listed


NEW_KEY = fieldcrypt.new_key()


def test_key_rotation_keeps_every_value_readable(cast, settings):
    tip = cast.tip()
    old = list(settings.ANJU_FIELD_KEYS)
    with override_settings(ANJU_FIELD_KEYS=[NEW_KEY, *old]):
        out = io.StringIO()
        call_command("rotate_field_key", stdout=out, stderr=io.StringIO())
        assert "re-encrypted" in out.getvalue()
        again = io.StringIO()
        call_command("rotate_field_key", stdout=again, stderr=io.StringIO())
        assert "tips.Tip: 0 rows re-encrypted" in again.getvalue()
    # The new key alone reads every row: the old one can go.
    with override_settings(ANJU_FIELD_KEYS=[NEW_KEY]):
        fresh = Tip.objects.get(pk=tip.pk)
        assert fresh.informant_name == testing.TIP_INFORMANT
        assert fresh.subject_name == testing.TIP_SUBJECT
    with override_settings(ANJU_FIELD_KEYS=old), pytest.raises(Exception, match="cannot be decrypted"):
        Tip.objects.get(pk=tip.pk)


@override_settings(ANJU_FIELD_KEYS=[], ANJU_FIELD_KEY_FILE="", DEBUG=False)
def test_no_key_in_production_is_a_clear_check_error():
    errors = fieldcrypt.check_field_keys()
    assert [e.id for e in errors] == ["anju.E020"]
    assert "ANJU_FIELD_KEYS" in errors[0].msg


def test_a_key_file_works_in_place_of_the_setting(tmp_path, cast):
    path = tmp_path / "keys"
    key = fieldcrypt.new_key()
    path.write_text(f"# the county's field keys\n{key}\n")
    with override_settings(ANJU_FIELD_KEYS=[], ANJU_FIELD_KEY_FILE=str(path)):
        assert fieldcrypt.keys() == (key,)
        assert fieldcrypt.check_field_keys() == []
