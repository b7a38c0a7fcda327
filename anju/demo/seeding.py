"""Deterministic synthetic data: the fictional demo county and, at scale, data for benchmarks.

The same seed always gives the same tree, names and accounts, so a benchmark run can be repeated.
All names are invented; the county code 629901 lies in a prefecture (62-99) that does not exist."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import OuterRef, Subquery

from anju.accounts.choices import SECOND_FACTOR_ROLES, Role
from anju.accounts.models import RoleAssignment, SecondFactor, User
from anju.audit.actions import record
from anju.core.scoping import SYSTEM
from anju.regions.choices import GridType, Level
from anju.regions.models import Region, RegionBorder

DEMO_COUNTY_CODE = "629901"
DEMO_COUNTY_NAME = "安居县"
DEMO_PASSWORD = "Anju-demo-2026"  # noqa: S105 (printed to the person who runs the demo)
# The demo's administrators, centre operators and auditors come with an authenticator already set
# up on this key, printed with the password: whoever tries the demo adds it to an app (or asks
# `anju demo-code`) and sees the real second step, instead of being stopped at enrolment with no
# phone at hand. A real county's accounts are never seeded, so they enrol themselves.
DEMO_TOTP_SECRET = "ANJUDEMOANJUDEMOANJUDEMOANJUDEMO"  # noqa: S105

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "建国华明丽芳军平英秀兰强伟勇杰涛超刚辉敏静燕红玲霞峰磊亮斌波宁海鹏飞云霞林桂凤玉珍梅琴娟萍"
PLACE_HEADS = "东西南北前后上下新老大小长清河山沟湾坪川塬滩岭坡泉"
PLACE_TAILS = "沟湾坪川庄寨堡屯营台滩梁峪岔口湖桥源洼"
TOWN_NAMES = ["城关", "河湾", "青石", "柳树", "红山", "草滩", "石岭", "杏花", "白杨", "金川", "龙泉", "松林"]
DEDICATED = ["中学", "中心小学", "卫生院", "工业园", "农贸市场", "客运站"]


@dataclass
class SeedReport:
    regions: int = 0
    users: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, region name)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _place(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS)
        if name not in used:
            used.add(name)
            return name


def build_tree(rng: random.Random, *, county_code: str, county_name: str, townships: int) -> list[Region]:
    regions = [Region(code=county_code, name=county_name, level=Level.COUNTY)]
    used: set[str] = set()
    # One subdistrict (the county seat), then towns, then townships, as a county's list usually runs.
    segments = ["001"] + [str(100 + i) for i in range(max(0, townships - 1) // 2 + (townships - 1) % 2)]
    segments += [str(200 + i) for i in range(townships - len(segments))]
    for index, segment in enumerate(segments[:townships]):
        code = county_code + segment
        base = TOWN_NAMES[index % len(TOWN_NAMES)] + ("" if index < len(TOWN_NAMES) else str(index))
        suffix = "街道" if segment < "100" else "镇" if segment < "200" else "乡"
        regions.append(Region(code=code, name=base + suffix, level=Level.TOWNSHIP, parent_id=county_code))
        villages = rng.randint(6, 9)
        communities = villages if segment < "100" else (2 if segment < "200" else 0)
        for v in range(villages):
            v_segment = f"{v + 1:03d}" if v < communities else f"{200 + v - communities:03d}"
            v_code = code + v_segment
            v_name = _place(rng, used) + ("社区" if v < communities else "村")
            regions.append(Region(code=v_code, name=v_name, level=Level.VILLAGE, parent_id=code))
            for g in range(rng.randint(3, 7)):
                g_code = f"{v_code}{g + 1:03d}"
                dedicated = rng.random() < 0.05
                households = rng.randint(40, 120) if dedicated else rng.randint(200, 480)
                g_name = (v_name + rng.choice(DEDICATED)) if dedicated else f"{v_name}第{g + 1}网格"
                regions.append(
                    Region(
                        code=g_code,
                        name=g_name,
                        level=Level.GRID,
                        parent_id=v_code,
                        grid_type=GridType.DEDICATED if dedicated else GridType.GENERAL,
                        households=households,
                    )
                )
                # A joint group is about ten households.
                for j in range(min(99, max(1, households // 10))):
                    regions.append(
                        Region(
                            code=f"{g_code}{j + 1:02d}",
                            name=f"{g_name}{j + 1}组",
                            level=Level.GROUP,
                            parent_id=g_code,
                            households=10,
                        )
                    )
    return regions


def _borders(rng: random.Random, regions: list[Region], county_code: str) -> list[RegionBorder]:
    """Neighbouring villages across township lines, and a few on the county's edge."""
    villages = [r for r in regions if r.level == Level.VILLAGE]
    borders = []
    for a, b in itertools.pairwise(villages):
        if a.parent_id != b.parent_id:
            borders.append(RegionBorder(region=a, neighbour_code=b.code, neighbour_name=b.name))
            borders.append(RegionBorder(region=b, neighbour_code=a.code, neighbour_name=a.name))
    neighbour_county = str(int(county_code) + 1)
    for i, village in enumerate(rng.sample(villages, k=min(3, len(villages)))):
        borders.append(
            RegionBorder(
                region=village,
                neighbour_code=f"{neighbour_county}200{201 + i}",
                neighbour_name=f"邻县{_place(rng, set())}村",
                other_county="宁和县",
            )
        )
    return borders


def _staff_plan(regions: list[Region], prefix: str) -> list[tuple[str, str, Region]]:
    """(username, role, region) for every account: the pattern is printed to the demo's user."""
    plan = []
    county = regions[0]
    for role, name in [
        (Role.LEADER, "leader"),
        (Role.CENTRE_OPERATOR, "centre"),
        (Role.ADMINISTRATOR, "admin"),
        (Role.AUDITOR, "auditor"),
        (Role.MEDIATOR, "mediator"),
    ]:
        plan.append((f"{prefix}county-{name}", role, county))
    for region in regions[1:]:
        segment = region.code[6:]
        if region.level == Level.TOWNSHIP:
            plan.append((f"{prefix}officer-{segment}", Role.TOWNSHIP_OFFICER, region))
            plan.append((f"{prefix}centre-{segment}", Role.CENTRE_OPERATOR, region))
            plan.append((f"{prefix}leader-{segment}", Role.LEADER, region))
        elif region.level == Level.VILLAGE:
            plan.append((f"{prefix}mediator-{segment}", Role.MEDIATOR, region))
        elif region.level == Level.GRID:
            plan.append((f"{prefix}grid-{segment}", Role.GRID_WORKER, region))
    return plan


def seed_county(
    *,
    seed: int = 2026,
    county_code: str = DEMO_COUNTY_CODE,
    county_name: str = DEMO_COUNTY_NAME,
    townships: int = 8,
    password: str = DEMO_PASSWORD,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Create the county's tree and staff if they are not there yet. Deterministic in `seed`."""
    say = progress or (lambda _message: None)
    report = SeedReport()
    rng = random.Random(seed)
    if Region.objects.filter(code=county_code).exists():
        say(f"county {county_code} is already there: nothing to create")
        _enrol_demo_second_factors(county_code)
        return report
    regions = build_tree(rng, county_code=county_code, county_name=county_name, townships=townships)
    # The demo county's accounts have short names; other seeded counties' carry their code.
    plan = _staff_plan(regions, "" if county_code == DEMO_COUNTY_CODE else f"{county_code}-")
    encoded = make_password(password)  # one hash for every demo account: hashing hundreds takes minutes
    with transaction.atomic():
        say(f"creating {len(regions)} regions")
        Region.objects.bulk_create(regions, batch_size=2000)
        RegionBorder.objects.bulk_create(_borders(rng, regions, county_code), batch_size=2000)
        say(f"creating {len(plan)} accounts")
        users = User.objects.bulk_create(
            [
                User(username=username, full_name=_person(rng), password=encoded)
                for username, _role, _region in plan
            ],
            batch_size=1000,
        )
        if not all(u.pk for u in users):  # backends without RETURNING on bulk insert
            by_name = dict(
                User.objects.filter(username__in=[p[0] for p in plan]).values_list("username", "pk")
            )
            for u in users:
                u.pk = by_name[u.username]
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=u, role=role, region=region)
                for u, (_n, role, region) in zip(users, plan, strict=True)
            ],
            batch_size=2000,
        )
        _enrol_demo_second_factors(county_code)
        record(
            SYSTEM,
            "seed.county",
            region_code=county_code,
            after={"seed": seed, "regions": len(regions), "users": len(users)},
        )
    report.regions = len(regions)
    report.users = len(users)
    shown: set[tuple[str, str]] = set()
    for user, (_name, role, region) in zip(users, plan, strict=True):
        if (role, region.level) not in shown:
            shown.add((role, region.level))
            report.logins.append((str(Role(role).label), user.username, region.name))
    return report


def _enrol_demo_second_factors(county_code: str) -> None:
    """The demo key for every account of the county whose role needs a second factor and that has
    none yet (a demo database made before second factors existed gets them too)."""
    users = (
        User.objects.filter(
            role_assignments__role__in=SECOND_FACTOR_ROLES,
            role_assignments__region__code__startswith=county_code,
            second_factor__isnull=True,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    SecondFactor.objects.bulk_create(
        [SecondFactor(user_id=pk, secret=DEMO_TOTP_SECRET) for pk in users], batch_size=2000
    )


# Share of generated cases by final status: most disputes a county finds are resolved.
STATUS_WEIGHTS = {
    "resolved": 70,
    "mediating": 8,
    "accepted": 5,
    "registered": 5,
    "agreed": 3,
    "failed": 5,
    "transferred": 2,
    "refused": 1,
    "ended": 1,
}
CATEGORY_WEIGHTS = {
    "marriage_family": 18,
    "neighbour": 22,
    "housing_homestead": 12,
    "contract": 6,
    "business": 4,
    "damages": 8,
    "forest_land": 9,
    "land_requisition": 3,
    "pollution": 2,
    "labour": 6,
    "consumer": 2,
    "medical": 1,
    "traffic": 4,
    "property_management": 1,
    "other": 2,
}
TITLES = {
    "marriage_family": ["赡养老人纠纷", "离婚财产分割矛盾"],
    "neighbour": ["邻里噪音纠纷", "排水沟堵塞争吵"],
    "housing_homestead": ["宅基地边界争执", "房屋漏水纠纷"],
    "contract": ["买卖合同纠纷"],
    "business": ["合伙经营分红争议"],
    "damages": ["牲畜毁坏庄稼赔偿"],
    "forest_land": ["草场边界争议", "山林权属争议"],
    "land_requisition": ["征地补偿争议"],
    "pollution": ["养殖场异味扰民"],
    "labour": ["拖欠工资"],
    "consumer": ["农资质量纠纷"],
    "medical": ["诊所医疗纠纷"],
    "traffic": ["交通事故赔偿"],
    "property_management": ["物业费纠纷"],
    "other": ["其他纠纷"],
}


def seed_disputes(
    *,
    cases: int,
    seed: int = 2026,
    county_code: str = DEMO_COUNTY_CODE,
    years: int = 3,
    batch: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Generate `cases` synthetic disputes in the seeded county, deterministically, in bulk.

    Not a substitute for the workflow (no per-case actions): it fills a database to measure lists,
    filters and statistics at a county's real volume."""
    from django.utils import timezone

    from anju.disputes.actions import case_number
    from anju.disputes.choices import HANDLING_CODE_LENGTH, LEVEL_RANK, REGION_LEVEL_TO_HANDLING
    from anju.disputes.models import CaseCounter, Dispute, Party, TimelineEntry

    rng = random.Random(seed * 7919 + cases)
    grids = list(
        Region.objects.filter(code__startswith=county_code, level=Level.GRID).values_list("code", flat=True)
    )
    if not grids:
        raise ValueError(f"county {county_code} has no grids: seed the county first")
    handlers = dict(
        RoleAssignment.objects.filter(region__code__startswith=county_code, role=Role.MEDIATOR).values_list(
            "region_id", "user_id"
        )
    )
    fallback_user = next(iter(handlers.values()))
    statuses, status_w = zip(*STATUS_WEIGHTS.items(), strict=True)
    categories, category_w = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    now = timezone.now()
    span = dt.timedelta(days=365 * years)
    counters = {c.year: c.last for c in CaseCounter.objects.filter(county_code=county_code)}
    done = 0
    while done < cases:
        size = min(batch, cases - done)
        disputes = []
        for _ in range(size):
            grid = rng.choice(grids)
            registered = now - span * rng.random()
            year = timezone.localtime(registered).year
            counters[year] = counters.get(year, 0) + 1
            status = rng.choices(statuses, status_w)[0]
            origin = REGION_LEVEL_TO_HANDLING["grid"]
            level = rng.choices(["village", "township", "county"], [80, 17, 3])[0]
            resolved = status == "resolved"
            resolved_at = registered + dt.timedelta(days=rng.uniform(0.5, 40)) if resolved else None
            if resolved_at and resolved_at > now:
                resolved_at = now
            accepted = status not in {"registered"}
            due = registered + dt.timedelta(days=rng.choice([7, 15, 30]) * 1.4) if accepted else None
            disputes.append(
                Dispute(
                    number=case_number(county_code, year, counters[year]),
                    region_id=grid,
                    origin_level=origin,
                    handling_level=level,
                    handling_unit_id=grid[: HANDLING_CODE_LENGTH[level]],
                    status=status,
                    channel=rng.choice(["grid_visit", "walk_in", "hotline", "letter", "police", "court"]),
                    category=(category := rng.choices(categories, category_w)[0]),
                    title=rng.choice(TITLES[category]),
                    description="合成数据，用于性能测试。",
                    people_involved=rng.randint(2, 12),
                    risk=rng.choices(["general", "serious", "major"], [90, 8, 2])[0],
                    registered_by_id=handlers.get(grid[:12], fallback_user),
                    registered_at=registered,
                    accepted_at=registered + dt.timedelta(hours=rng.randint(1, 48)) if accepted else None,
                    due_at=due,
                    resolved_at=resolved_at,
                    resolved_level=level if resolved else "",
                    closed_at=resolved_at if resolved else None,
                )
            )
        assert all(LEVEL_RANK[d.handling_level] >= LEVEL_RANK[d.origin_level] for d in disputes)
        with transaction.atomic():
            created = Dispute.objects.bulk_create(disputes, batch_size=batch)
            if not all(d.pk for d in created):
                ids = dict(
                    Dispute.objects.filter(number__in=[d.number for d in created]).values_list("number", "pk")
                )
                for d in created:
                    d.pk = ids[d.number]
            Party.objects.bulk_create(
                [
                    Party(
                        dispute_id=d.pk,
                        role=role,
                        name=_person(rng),
                        phone=f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}",
                    )
                    for d in created
                    for role in ("applicant", "respondent")
                ],
                batch_size=batch * 2,
            )
            TimelineEntry.objects.bulk_create(
                [
                    TimelineEntry(
                        dispute_id=d.pk,
                        transition="register",
                        to_status="registered",
                        handling_unit_id=d.handling_unit_id,
                    )
                    for d in created
                ],
                batch_size=batch,
            )
            # `at` is stamped with the time of writing; a synthetic case's history starts when it
            # was registered, years ago for most, or the demo's timelines all read "today".
            registered_at = Dispute.objects.filter(pk=OuterRef("dispute_id")).values("registered_at")[:1]
            TimelineEntry.objects.filter(dispute_id__in=[d.pk for d in created]).update(
                at=Subquery(registered_at)
            )
        done += size
        if progress:
            progress(done, cases)
    with transaction.atomic():
        for year, last in counters.items():
            CaseCounter.objects.update_or_create(county_code=county_code, year=year, defaults={"last": last})
    return done
