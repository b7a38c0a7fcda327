"""The fixed cast every page and endpoint is run against (STYLE.md, habit 5).

Township A holds the objects under test; township B's officer and administrator hold the same roles
one township over and must see nothing of A; the no-role user must see nothing at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from anju.accounts.choices import Role
from anju.accounts.models import RoleAssignment, User
from anju.regions.choices import GridType, Level
from anju.regions.models import Region, RegionBorder

COUNTY = "629902"
TOWNSHIP_A = "629902100"
VILLAGE_A1 = "629902100201"
VILLAGE_A2 = "629902100202"
GRID_A1 = "629902100201001"
GROUP_A1 = "62990210020100101"
TOWNSHIP_B = "629902101"
VILLAGE_B1 = "629902101201"
PASSWORD = "Cast-pass-2026"

# Township A's tip: who gave it and whom it names must reach nobody outside its handling chain.
TIP_INFORMANT = "甲举报人"
TIP_INFORMANT_PHONE = "13900000009"
TIP_SUBJECT = "甲被反映人"
TIP_CONTENT = "甲一村有人强揽工程、欺压村民。"
TIP_BATCH = "甲督办〔2026〕1号"

# Strings that appear only in township A's objects: an outsider's page must contain none of them.
A_MARKERS = [
    "甲镇",
    "甲一村",
    "甲二村",
    "甲一网格",
    "甲调解员",
    "甲网格员",
    "甲镇政法委员",
    "宅基地边界之争",
    "甲当事人",
    TIP_INFORMANT_PHONE,
    TIP_SUBJECT,
    TIP_BATCH,
    "甲一村灌渠堵塞",
    "甲报告人",
]
DISPUTE_TITLE = "宅基地边界之争"


# The test county's time zone (the settings' default), for instants written as local times.
COUNTY_TZ = ZoneInfo("Asia/Shanghai")


def local(*args) -> dt.datetime:
    """local(2024, 3, 5, 9) is 09:00 on 5 March 2024 in the county."""
    return dt.datetime(*args, tzinfo=COUNTY_TZ)


def a_markers_in(content: bytes | str) -> list[str]:
    """Township A's names found in a page or an API answer: an outsider must see none of them."""
    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
    return [m for m in A_MARKERS if m in text]


def planner_rows(model) -> int | None:
    """How many rows the database's query planner believes `model`'s table holds, from the
    statistics ANALYZE keeps; None when it has never been analysed."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            believed = cursor.fetchone()[0]
            return None if believed < 0 else int(believed)
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        # One row per index, each starting with the rows it covers; partial indexes cover fewer.
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        counts = [int(stat.split()[0]) for (stat,) in cursor.fetchall()]
        return max(counts) if counts else None


def bearer(token: str) -> dict[str, str]:
    """The header a phone signs in with: `client.get(url, headers=bearer(token))`."""
    return {"Authorization": f"Bearer {token}"}


# The smallest valid PNG: one transparent pixel.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001"
    "e221bc330000000049454e44ae426082"
)
PARTY_PHONE = "13800000001"

REGIONS = [
    (COUNTY, "测试县", Level.COUNTY, None),
    (TOWNSHIP_A, "甲镇", Level.TOWNSHIP, COUNTY),
    (VILLAGE_A1, "甲一村", Level.VILLAGE, TOWNSHIP_A),
    (VILLAGE_A2, "甲二村", Level.VILLAGE, TOWNSHIP_A),
    (GRID_A1, "甲一网格", Level.GRID, VILLAGE_A1),
    (GROUP_A1, "甲一网格一组", Level.GROUP, GRID_A1),
    (TOWNSHIP_B, "乙镇", Level.TOWNSHIP, COUNTY),
    (VILLAGE_B1, "乙一村", Level.VILLAGE, TOWNSHIP_B),
]

MEMBERS = {
    # name: (full name, role, region) ; role None = no role at all
    "leader": ("县领导", Role.LEADER, COUNTY),
    "officer_a": ("甲镇政法委员", Role.TOWNSHIP_OFFICER, TOWNSHIP_A),
    "mediator_a1": ("甲调解员", Role.MEDIATOR, VILLAGE_A1),
    "grid_a1": ("甲网格员", Role.GRID_WORKER, GRID_A1),
    "officer_b": ("乙镇政法委员", Role.TOWNSHIP_OFFICER, TOWNSHIP_B),
    "admin_b": ("乙镇管理员", Role.ADMINISTRATOR, TOWNSHIP_B),
    "auditor": ("审计员", Role.AUDITOR, COUNTY),
    "admin": ("县管理员", Role.ADMINISTRATOR, COUNTY),
    "norole": ("无角色用户", None, None),
}


def build_cast() -> None:
    """Create the cast's regions and accounts (once per test database)."""
    for code, name, level, parent in REGIONS:
        Region.objects.create(
            code=code,
            name=name,
            level=level,
            parent_id=parent,
            grid_type=GridType.GENERAL if level == Level.GRID else "",
            households=300 if level == Level.GRID else None,
        )
    RegionBorder.objects.create(region_id=VILLAGE_A1, neighbour_code=VILLAGE_A2, neighbour_name="甲二村")
    RegionBorder.objects.create(region_id=VILLAGE_A2, neighbour_code=VILLAGE_A1, neighbour_name="甲一村")
    RegionBorder.objects.create(
        region_id=VILLAGE_A1, neighbour_code="629903200201", neighbour_name="邻县丙村", other_county="邻县"
    )
    encoded = make_password(PASSWORD)
    for username, (full_name, role, region) in MEMBERS.items():
        user = User.objects.create(username=username, full_name=full_name, password=encoded)
        if role:
            RoleAssignment.objects.create(user=user, role=role, region_id=region)
    register_cast_dispute()
    register_cast_tip()
    register_cast_supervision()
    register_cast_event()


def add_staff(username: str, full_name: str, role: str, region: str, *, active: bool = True) -> User:
    """A member of staff the cast lacks (a grid worker on a village, a departed mediator), for the
    test that needs them; the test's transaction takes them away again."""
    user = User.objects.create(username=username, full_name=full_name, is_active=active)
    RoleAssignment.objects.create(user=user, role=role, region_id=region)
    return user


def register_cast_dispute():
    """Township A's dispute, registered by the village mediator: the object every case page and
    endpoint is opened with."""
    from anju.disputes.actions import register_dispute
    from anju.disputes.models import Alert

    dispute = register_dispute(
        User.objects.get(username="mediator_a1"),
        region=Region.objects.get(code=VILLAGE_A1),
        channel="walk_in",
        category="housing_homestead",
        title=DISPUTE_TITLE,
        description="两户因宅基地边界的院墙位置发生争执。",
        parties=[
            {
                "role": "applicant",
                "name": "甲当事人一",
                "phone": PARTY_PHONE,
                "id_number": "11010519491231002X",
            },
            {"role": "respondent", "name": "甲当事人二", "phone": "13800000002"},
        ],
    )
    Alert.objects.create(dispute=dispute, unit_id=VILLAGE_A1, reason="甲一村提示")
    # An extension request waiting for township A; created directly, as the cast case has no limit yet.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anju.disputes.actions import add_attachment
    from anju.disputes.models import ExtensionRequest

    add_attachment(
        User.objects.get(username="mediator_a1"),
        dispute,
        SimpleUploadedFile("现场照片.png", TINY_PNG),
        description="甲一村现场",
    )
    ExtensionRequest.objects.create(
        dispute=dispute,
        working_days=3,
        reason="当事人外出务工",
        requested_by=dispute.registered_by,
        approver_unit_id=TOWNSHIP_A,
    )
    return dispute


def register_cast_tip():
    """Township A's tip, in a batch transferred to township A, assigned to its officer and under
    verification, with a file, an alert and a request for more time: the object every tip page and
    endpoint is opened with."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from anju.tips import actions
    from anju.tips.models import ExtensionRequest

    officer = User.objects.get(username="officer_a")
    township = Region.objects.get(code=TOWNSHIP_A)
    today = dt.date.today()
    batch = actions.create_batch(
        officer,
        source_kind="higher_authority",
        reference=TIP_BATCH,
        received_on=today,
        deadline=today + dt.timedelta(days=30),
        region=township,
    )
    tip = actions.register_tip(
        officer,
        region=Region.objects.get(code=VILLAGE_A1),
        source_kind="higher_authority",
        batch=batch,
        received_on=today,
        content=TIP_CONTENT,
        subject_name=TIP_SUBJECT,
        informant_name=TIP_INFORMANT,
        informant_contact=TIP_INFORMANT_PHONE,
    )
    tip = actions.assign(officer, tip, unit=TOWNSHIP_A, handler=officer)
    tip = actions.start_verification(officer, tip)
    actions.add_attachment(officer, tip, SimpleUploadedFile("核查照片.png", TINY_PNG))
    ExtensionRequest.objects.create(
        tip=tip, working_days=5, reason="核查需要时间", requested_by=officer, approver_unit_id=COUNTY
    )
    return tip


MEETING_TITLE = "甲一村专题会议"


def register_cast_supervision():
    """Township A's supervision: a special meeting held at village A1, its decision made a task
    that township A assigned to the village, with minutes, a progress file, a pending request for
    more time and an alert: the objects every supervision page and endpoint is opened with."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from anju.tasks import actions

    officer = User.objects.get(username="officer_a")
    mediator = User.objects.get(username="mediator_a1")
    village = Region.objects.get(code=VILLAGE_A1)
    meeting = actions.record_meeting(
        officer,
        region=village,
        kind="special",
        held_on=timezone.localdate(),
        title=MEETING_TITLE,
        topics="甲一村宅基地纠纷排查",
        attendees="甲镇政法办、甲一村委会",
    )
    actions.add_minutes(officer, meeting, SimpleUploadedFile("会议纪要.png", TINY_PNG))
    decision = actions.add_decision(officer, meeting, text="甲一村一周内完成宅基地纠纷排查")
    task = actions.assign_task(
        officer,
        assigner_unit=Region.objects.get(code=TOWNSHIP_A),
        unit=village,
        title="甲一村宅基地纠纷排查",
        description=decision.text,
        deadline=timezone.localdate() + dt.timedelta(days=30),
        origin="decision",
        decision=decision,
    )
    task = actions.start(mediator, task)
    actions.add_attachment(mediator, task, SimpleUploadedFile("排查照片.png", TINY_PNG))
    actions.request_extension(mediator, task, working_days=3, reason="甲一村农忙")
    report = actions.submit_report(
        mediator,
        region=village,
        title="甲一村重大事项",
        content="甲一村宅基地纠纷可能激化。",
        urgency="urgent",
    )
    actions.add_report_file(mediator, report, SimpleUploadedFile("报告.png", TINY_PNG))
    actions.log_review(
        officer,
        region=village,
        document="甲一村排查情况报告",
        reference="甲镇〔2026〕1号",
        reviewer="镇党委书记",
        instruction="请抓紧化解。",
        reviewed_at=timezone.now(),
    )
    activity = actions.record_activity(
        officer,
        region=village,
        kind="training",
        held_on=timezone.localdate(),
        title="甲一村调解员培训",
        organiser="甲镇司法所",
        participants=20,
    )
    actions.add_activity_file(officer, activity, SimpleUploadedFile("签到表.png", TINY_PNG))
    actions.list_village(officer, region=village, listed_on=timezone.localdate(), reason="甲一村矛盾纠纷多发")
    return task


EVENT_TITLE = "甲一村灌渠堵塞"


def register_cast_event():
    """Township A's grid event, reported in village A1 by its mediator with a photo and dispatched to
    the village, with a request for more time: the object every event page and endpoint is opened
    with."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anju.events import actions
    from anju.events.models import EventType, ExtensionRequest

    event = actions.report_event(
        User.objects.get(username="mediator_a1"),
        region=Region.objects.get(code=VILLAGE_A1),
        event_type=EventType.objects.get(code="irrigation-blocked"),
        title=EVENT_TITLE,
        description="甲一村东侧灌渠被杂物堵塞。",
        latitude="36.600000",
        longitude="101.700000",
        reporter_name="甲报告人",
        reporter_phone="13900000009",
        extra={"length": "30"},
        photos=[SimpleUploadedFile("甲一村灌渠.png", TINY_PNG)],
    )
    officer = User.objects.get(username="officer_a")
    event = actions.file(officer, event)
    event = actions.dispatch(officer, event)
    ExtensionRequest.objects.create(
        event=event,
        working_days=0,
        working_hours=4,  # its category counts working hours
        reason="甲一村等待机械",
        requested_by=User.objects.get(username="mediator_a1"),
        approver_unit_id=TOWNSHIP_A,
    )
    return event


@dataclass
class Cast:
    """Fresh objects per test, so no per-request caches leak between tests."""

    def user(self, name: str) -> User:
        return User.objects.get(username=name)

    def __getattr__(self, name: str) -> User:
        if name in MEMBERS:
            return self.user(name)
        raise AttributeError(name)

    def region(self, code: str) -> Region:
        return Region.objects.get(code=code)

    def task(self):
        from anju.tasks.models import Task

        return Task.objects.get(title="甲一村宅基地纠纷排查")

    def report(self):
        from anju.tasks.models import MatterReport

        return MatterReport.objects.get(title="甲一村重大事项")

    def review(self):
        from anju.tasks.models import DocumentReview

        return DocumentReview.objects.get(document="甲一村排查情况报告")

    def activity(self):
        from anju.tasks.models import Activity

        return Activity.objects.get(title="甲一村调解员培训")

    def rectification(self):
        from anju.tasks.models import Rectification

        return Rectification.objects.get(region_id=VILLAGE_A1)

    def meeting(self):
        from anju.tasks.models import Meeting

        return Meeting.objects.get(title=MEETING_TITLE)

    def dispute(self):
        from anju.disputes.models import Dispute

        return Dispute.objects.get(title=DISPUTE_TITLE)

    def event(self):
        from anju.events.models import Event

        return Event.objects.get(title=EVENT_TITLE)

    def tip(self):
        from anju.tips.models import Batch

        return Batch.objects.get(reference=TIP_BATCH).tips.get()


# Signing in past the second factor: the suite's conftest makes `client.force_login(user)` mark the
# session as having given it (`pass_second_factor`), so tests of other pages sign in as before. The
# sign-in page itself is never bypassed: its tests give a person an authenticator with
# `enrol_second_factor` and type the codes `totp_code` makes from its secret.
def pass_second_factor(client) -> None:
    """Mark a test client's signed-in session as having given the second factor."""
    from anju.accounts.middleware import SECOND_FACTOR_GIVEN

    session = client.session
    session[SECOND_FACTOR_GIVEN] = True
    session.save()


def enrol_second_factor(user: User, secret: str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") -> str:
    from anju.accounts.models import SecondFactor

    SecondFactor.objects.update_or_create(user=user, defaults={"secret": secret, "last_step": 0})
    return secret


def totp_code(secret: str, steps_from_now: int = 0, *, at: float | None = None) -> str:
    """The code an authenticator app holding `secret` shows now (or at the instant `at`), or that
    many 30-second steps before or after."""
    import time

    import pyotp

    return pyotp.TOTP(secret).generate_otp(int((time.time() if at is None else at) // 30) + steps_from_now)
