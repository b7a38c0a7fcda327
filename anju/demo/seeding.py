"""Deterministic synthetic data: the fictional demo county and, at scale, data for benchmarks.

The same seed always gives the same tree, names and accounts, so a benchmark run can be repeated.
All names are invented; the county code 629901 lies in a prefecture (62-99) that does not exist."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from anju.accounts.choices import SECOND_FACTOR_ROLES, Role
from anju.accounts.models import RoleAssignment, SecondFactor, User
from anju.audit.actions import record
from anju.core.scoping import SYSTEM
from anju.regions import geo
from anju.regions.choices import GridType, Level
from anju.regions.codes import department_q
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


def county_codes(first: str, count: int) -> list[str]:
    """`count` county codes from `first` on (629901, 629902, ... 629999, 629801, ...): fictional
    counties of one province for an instance that serves many. Each is a valid county code."""
    province, prefecture, county = first[:2], int(first[2:4]), int(first[4:6])
    found = []
    while len(found) < count:
        if prefecture < 1:
            raise ValueError(f"no room for {count} county codes after {first}")
        found.append(f"{province}{prefecture:02d}{county:02d}")
        county += 1
        if county > 99:
            prefecture, county = prefecture - 1, 1
    return found


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


# Where the demo county's map sits: a plausible spot on the Loess Plateau, nowhere in particular.
DEMO_ORIGIN = (103.60, 35.40)  # (longitude, latitude) of the county's south-west corner
TOWNSHIP_SIZE = (0.16, 0.12)  # degrees of longitude and latitude: about 14 km by 13 km


def set_grid_boundaries(regions: list[Region], county_code: str) -> None:
    """Give every grid a boundary so the map shows something: townships laid out in blocks, villages
    in cells of their township, and each village cut into its grids (in one row or two) by dividers
    whose two ends are moved a little apart, so neighbours share their edges exactly and never overlap.
    A generator of its own keeps the tree's names what they were for the same seed."""
    rng = random.Random(county_code)
    children: dict[str | None, list[Region]] = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
    townships = children.get(county_code, [])
    columns = max(1, math.ceil(math.sqrt(len(townships))))
    for t, township in enumerate(townships):
        t_west = DEMO_ORIGIN[0] + (t % columns) * TOWNSHIP_SIZE[0]
        t_south = DEMO_ORIGIN[1] + (t // columns) * TOWNSHIP_SIZE[1]
        villages = children.get(township.code, [])
        v_columns = max(1, math.ceil(math.sqrt(len(villages))))
        v_rows = max(1, math.ceil(len(villages) / v_columns))
        v_width, v_height = TOWNSHIP_SIZE[0] / v_columns, TOWNSHIP_SIZE[1] / v_rows
        for v, village in enumerate(villages):
            west = t_west + (v % v_columns) * v_width
            south = t_south + (v // v_columns) * v_height
            grids = children.get(village.code, [])
            # Up to three grids side by side; more are cut in two rows, each row into strips.
            rows = 1 if len(grids) <= 3 else 2
            per_row = math.ceil(len(grids) / rows) if grids else 1
            row_height = v_height / rows
            for row in range(rows):
                in_row = grids[row * per_row : (row + 1) * per_row]
                bottom, top = south + row * row_height, south + (row + 1) * row_height
                step = v_width / max(1, len(in_row))
                dividers = [(west, west)]
                for g in range(1, len(in_row)):
                    x = west + g * step
                    dividers.append(
                        (x + rng.uniform(-0.25, 0.25) * step, x + rng.uniform(-0.25, 0.25) * step)
                    )
                dividers.append((west + v_width, west + v_width))
                for grid, (left, right) in zip(in_row, itertools.pairwise(dividers), strict=False):
                    ring = [
                        [left[0], bottom],
                        [right[0], bottom],
                        [right[1], top],
                        [left[1], top],
                        [left[0], bottom],
                    ]
                    ring = [[round(x, 6), round(y, 6)] for x, y in ring]
                    grid.boundary = {"type": "Polygon", "coordinates": [ring]}
                    grid.bbox_west, grid.bbox_south, grid.bbox_east, grid.bbox_north = geo.bbox(grid.boundary)
                    grid.boundary_updated_at = timezone.now()


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
    set_grid_boundaries(regions, county_code)
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


# The 2026 public holidays and make-up working days, as the General Office of the State Council
# announced them on 4 November 2025 (国务院办公厅关于2026年部分节假日安排的通知): (name, first and last
# day off, the weekend days worked in exchange).
HOLIDAYS_2026 = (
    ("元旦", (dt.date(2026, 1, 1), dt.date(2026, 1, 3)), (dt.date(2026, 1, 4),)),
    ("春节", (dt.date(2026, 2, 15), dt.date(2026, 2, 23)), (dt.date(2026, 2, 14), dt.date(2026, 2, 28))),
    ("清明节", (dt.date(2026, 4, 4), dt.date(2026, 4, 6)), ()),
    ("劳动节", (dt.date(2026, 5, 1), dt.date(2026, 5, 5)), (dt.date(2026, 5, 9),)),
    ("端午节", (dt.date(2026, 6, 19), dt.date(2026, 6, 21)), ()),
    ("中秋节", (dt.date(2026, 9, 25), dt.date(2026, 9, 27)), ()),
    ("国庆节", (dt.date(2026, 10, 1), dt.date(2026, 10, 7)), (dt.date(2026, 9, 20), dt.date(2026, 10, 10))),
)


def calendar_2026() -> list[tuple[dt.date, str, str]]:
    """(day, kind, name) of every 2026 holiday and make-up working day."""
    from anju.worktime.choices import DayKind

    days = []
    for name, (first, last), worked in HOLIDAYS_2026:
        day = first
        while day <= last:
            days.append((day, DayKind.HOLIDAY, name))
            day += dt.timedelta(days=1)
        days += [(day, DayKind.WORKDAY, f"{name}调休上班") for day in worked]
    return sorted(days)


def seed_calendar() -> int:
    """Put the 2026 holidays and make-up days in the working calendar, leaving days the county has
    set alone. The number of days added."""
    from anju.worktime.models import CalendarDay

    known = set(CalendarDay.objects.values_list("day", flat=True))
    added = [
        CalendarDay(day=day, kind=kind, name=name) for day, kind, name in calendar_2026() if day not in known
    ]
    with transaction.atomic():
        CalendarDay.objects.bulk_create(added)
        if added:
            record(SYSTEM, "seed.calendar", after={"year": 2026, "days": len(added)})
    return len(added)


# Share of generated cases by final status, as counties report them: over three years of cases
# nearly all are closed, most of them resolved; the open ones are about a month's intake.
STATUS_WEIGHTS = {
    "resolved": 80.3,
    "mediating": 1.5,
    "accepted": 0.8,
    "registered": 0.8,
    "agreed": 0.6,
    "failed": 6,
    "transferred": 4,
    "refused": 1.5,
    "ended": 1.5,
    "merged": 2,
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
# Of the open cases, the share already past their limit when the seed is written: with the open
# cases at 3.7% of all, about 2% of all cases are overdue, as counties report; the first sweep
# escalates a few dozen of the demo's 3,000. The share grows as the seeded database ages, up to
# the open share (bench/README.md).
OVERDUE_SHARE = 0.5
# Where a case arises and the level that handles it at the end (小事不出村、大事不出乡): most arise in
# a village and stay there; the rest were escalated once or twice. A few arise at the township.
VILLAGE_LEVELS = {"village": 80, "township": 16, "county": 4}
TOWNSHIP_ORIGIN_SHARE = 0.05
TOWNSHIP_LEVELS = {"township": 85, "county": 15}
# Of the resolved cases, those reopened because the agreement was not performed, then resolved again.
REOPENED_SHARE = 0.03
# Timeline rows a case keeps without `history`: its registration and the rows the figures count or
# the case page needs to explain its status (escalations, reopening, merging).
FIGURE_ROWS = frozenset({"register", "escalate", "reopen", "merge", "merged_in"})


@dataclass(frozen=True)
class Story:
    """A kind of dispute as a mediator writes it up. {a} and {b} are the parties, {place} where it
    happened, {amount} a sum in yuan, {n} a small number; terms are numbered clauses, one a line."""

    title: str
    description: str
    facts: str
    terms: str
    performance: str
    said_a: str
    said_b: str


STORIES: dict[str, tuple[Story, ...]] = {
    "marriage_family": (
        Story(
            "赡养老人费用分担纠纷",
            "{a}反映，其母年逾八旬、患病卧床，{b}等兄弟姐妹对赡养费和轮流照料分担有分歧，已争吵多次。",
            "老人现随{a}居住，{b}认为自己外出务工不便照料，双方就赡养费数额和照料方式发生争执。",
            "一、自{month}起，{b}每月向{a}支付老人赡养费{small}元，于每月10日前转账。\n"
            "二、老人住院期间的医疗费用，扣除医保报销后由双方各承担一半。\n"
            "三、节假日由{b}接老人回家居住，{a}予以配合。",
            "按月转账支付，医疗费凭票据结算。",
            "老人一直由我照顾，花费大，对方从不过问。",
            "我常年在外打工，愿意出钱，但数额要合理。",
        ),
        Story(
            "离婚后子女抚养费纠纷",
            "{a}与{b}已协议离婚，孩子随{a}生活，{b}近{n}个月未按约定支付抚养费，{a}多次索要未果。",
            "双方离婚协议约定{b}每月支付抚养费，{b}因收入减少停止支付，累计欠付{amount}元。",
            "一、{b}于{due}前一次性补付拖欠的抚养费{amount}元。\n"
            "二、此后{b}每月支付抚养费{small}元，于每月15日前转入{a}账户。\n"
            "三、{b}每月可探望孩子两次，{a}予以配合。",
            "银行转账。",
            "孩子上学花钱多，对方一直拖着不给。",
            "这半年活少收入低，不是不给，是一时拿不出来。",
        ),
    ),
    "neighbour": (
        Story(
            "邻里排水沟堵塞纠纷",
            "{place}{a}与{b}两家房屋相邻，{b}翻修院落时填埋了共用排水沟，雨天积水倒灌进{a}家院内。",
            "{b}翻修院落时将两户共用的排水沟填埋约{n}米，致{a}家院内雨后积水，墙根受潮。",
            "一、{b}于{due}前自费疏通并恢复原排水沟，沟宽不少于30厘米。\n"
            "　　排水沟恢复后由两户共同维护，每年汛期前共同清理一次。\n"
            "二、{b}一次性补偿{a}墙体受潮损失{small}元。\n"
            "三、双方今后不再因此事发生争执。",
            "自行施工恢复，补偿款当场付清。",
            "一下雨水就往我家院子里灌，墙根都泡软了。",
            "我不知道那是共用的沟，可以重新挖开。",
        ),
        Story(
            "邻里噪音扰民纠纷",
            "{a}反映楼上{b}家开办手工作坊，每晚机器噪音持续到深夜，家中老人孩子无法休息。",
            "{b}在住宅内加工手工制品，夜间作业产生噪音，影响{a}一家休息，双方多次发生口角。",
            "一、{b}每日晚上9时至次日早上7时不再进行机器作业。\n"
            "二、{b}于{due}前在机器下加装减震垫。\n"
            "三、{a}发现噪音问题先与{b}沟通，双方互谅互让。",
            "自行整改，调解员回访核实。",
            "天天晚上吵到十一二点，老人血压都高了。",
            "家里就靠这点手艺挣钱，可以调整时间。",
        ),
        Story(
            "院墙越界邻里纠纷",
            "{a}称邻居{b}新砌院墙越过两家地界约{n}十厘米，占用了自家通道，双方争执中发生推搡。",
            "{b}砌筑院墙时未与{a}核对地界，院墙越过原界桩，双方均有过激言行。",
            "一、{b}于{due}前拆除越界部分院墙，按原界桩位置重新砌筑。\n"
            "　　拆除和重砌费用由{b}承担。\n"
            "二、双方就推搡一事相互道歉，互不追究。",
            "自行拆除重砌，村委会派人现场确认界址。",
            "墙砌到我家地里来了，车都开不进去。",
            "我是照老墙基砌的，没想到偏了。",
        ),
    ),
    "housing_homestead": (
        Story(
            "宅基地边界争议",
            "{a}与{b}两户宅基地相邻，{b}翻建房屋时地基向{a}一侧延伸，{a}认为占用了自家宅基地。",
            "经村委会调取宅基地使用证并现场测量，{b}新建房屋地基越界约{n}十厘米。",
            "一、{b}越界部分不再拆除，由{b}一次性补偿{a}{amount}元。\n"
            "二、双方以现房屋外墙为界，今后各自建房不得越过此界。\n"
            "三、双方共同在界址处埋设界桩。",
            "补偿款当场付清，村委会见证埋设界桩。",
            "我家宅基地证上写得清清楚楚，他占了我的地。",
            "地基已经打好了，拆了损失太大，愿意补偿。",
        ),
        Story(
            "房屋漏水损害纠纷",
            "{a}家房顶与{b}家屋檐相接，{b}家屋面瓦片破损多年未修，雨水渗入{a}家，致墙面脱落、家具受损。",
            "{b}家屋面破损致雨水渗漏到{a}家，造成墙面和部分家具受损，损失约{amount}元。",
            "一、{b}于{due}前修缮屋面，更换破损瓦片并做防水处理。\n"
            "二、{b}赔偿{a}墙面修补和家具损失共计{amount}元。",
            "自行修缮，赔偿款分两次付清。",
            "每次下雨墙上都是水，柜子都泡坏了。",
            "房子是老人留下的，没注意漏到邻居家。",
        ),
    ),
    "contract": (
        Story(
            "农资买卖货款纠纷",
            "{a}经营农资店，{b}去年春耕赊购化肥、种子，货款{amount}元至今未付，{b}称种子出芽率低。",
            "{b}赊购农资未付货款；{b}主张部分种子出芽率不足，{a}承认有一批种子存在质量问题。",
            "一、{a}对存在质量问题的种子减免货款{small}元。\n"
            "二、{b}于{due}前支付剩余货款。\n"
            "三、双方今后交易以书面单据为准。",
            "现金或转账支付。",
            "赊了一年了，一分钱没给。",
            "有一批种子根本出不了苗，这损失谁来担。",
        ),
    ),
    "business": (
        Story(
            "合伙养殖分红纠纷",
            "{a}与{b}合伙经营养殖场，去年出栏后{b}未按约定结算分红，双方对成本核算各执一词。",
            "双方口头约定按出资比例分红，因饲料款和人工费是否计入成本发生分歧，涉及{amount}元。",
            "一、双方共同核对账目，饲料款计入成本，人工费按实际出工天数计算。\n"
            "二、{b}于{due}前向{a}支付分红{amount}元。\n"
            "三、合伙继续经营的，双方另行签订书面合伙协议。",
            "银行转账。",
            "钱都在他手里，账也不让我看。",
            "饲料钱都是我垫的，当然要先扣。",
        ),
    ),
    "damages": (
        Story(
            "牲畜毁坏庄稼赔偿纠纷",
            "{b}家散养的牛羊闯入{a}家玉米地，毁坏青苗约{n}亩，双方对赔偿数额协商不成。",
            "{b}家牲畜未圈养，进入{a}家承包地啃食践踏玉米青苗，经村干部现场查看，受损约{n}亩。",
            "一、{b}赔偿{a}青苗损失{amount}元。\n二、{b}今后将牲畜圈养或专人放牧，不再进入他人耕地。",
            "赔偿款当场付清。",
            "一大片玉米全被啃了，今年白种了。",
            "牛是自己跑出去的，赔可以，但要得太多了。",
        ),
    ),
    "forest_land": (
        Story(
            "草场边界争议",
            "{a}与{b}两户承包草场相邻，{b}拉设围栏时将界线向{a}一侧移动，{a}的牛羊无法进入原放牧区。",
            "经乡草原站工作人员依承包合同附图现场勘界，{b}所拉围栏越界约{n}十米。",
            "一、{b}于{due}前按勘定的界线重新拉设围栏。\n"
            "　　重拉围栏所需材料和人工由{b}承担。\n"
            "二、界线两侧各留出两米防火通道，由双方共同维护。",
            "自行整改，草原站复核界线。",
            "围栏拉到我家草场里了，牛羊都没地方吃草。",
            "原来的界桩早没了，我是估着拉的。",
        ),
        Story(
            "山林权属争议",
            "{a}与{b}对村后一片约{n}亩的林地权属有争议，{b}近期砍伐林木，{a}出面阻拦发生争执。",
            "经查林权证和村组记录，争议林地属{a}承包经营，{b}砍伐林木{n}十余棵。",
            "一、{b}停止砍伐，已砍伐林木归{a}所有。\n"
            "二、{b}于{due}前在原地补栽同类树苗并负责成活。\n"
            "三、双方以林权证四至为界，互不侵犯。",
            "自行补栽，林业站验收。",
            "林权证上写的是我家的，他凭什么砍。",
            "老辈人说这片林子是我家的，我以为能砍。",
        ),
    ),
    "land_requisition": (
        Story(
            "征地补偿款分配纠纷",
            "村组土地被征收后，{a}认为其外嫁女儿户口仍在本组，应参与补偿款分配，组长{b}未予分配。",
            "{a}之女户口在本组、未在婚入地取得承包地，组内分配方案未将其列入，涉及补偿款{amount}元。",
            "一、组内按户籍在册人员重新核定分配名单，{a}之女列入分配。\n"
            "二、组长{b}于{due}前将应分补偿款{amount}元支付到位。",
            "经村民小组会议通过后支付。",
            "户口在这里，凭什么不给分。",
            "组里多数人的意见是嫁出去的不分，我只是照办。",
        ),
    ),
    "pollution": (
        Story(
            "养殖场异味扰民纠纷",
            "{a}等多户村民反映，{b}的养猪场紧邻居民区，粪污直排沟渠，夏季异味很大。",
            "{b}养殖场粪污处理设施不全，部分粪污排入村边沟渠，致周边异味和蚊蝇增多。",
            "一、{b}于{due}前建设粪污储存池，粪污经发酵后还田，不再直排沟渠。\n"
            "二、{b}每周对养殖场消毒一次。\n"
            "三、整改期间由村委会会同乡畜牧站监督。",
            "自行整改，乡畜牧站验收。",
            "窗户都不敢开，孩子老生病。",
            "正在攒钱建池子，给我一点时间。",
        ),
    ),
    "labour": (
        Story(
            "工地拖欠工资纠纷",
            "{a}等{n}名工人在{b}承包的工地务工，工程完工后工资{amount}元未结清，多次讨要无果。",
            "{b}承包工程后因上游工程款未到位，拖欠{a}等工人工资，考勤表双方认可。",
            "一、{b}于{due}前支付拖欠工资{amount}元的一半。\n"
            "二、剩余工资于工程款到位后十日内付清，最迟不超过下月底。\n"
            "三、{b}以工程设备作为履行担保。",
            "分两期支付，工资直接发到工人本人账户。",
            "活干完了钱不给，家里等着用钱。",
            "上面的钱没到，我也垫不起了。",
        ),
    ),
    "consumer": (
        Story(
            "农机维修质量纠纷",
            "{a}将拖拉机送{b}的维修店修理，修后不到一周再次故障，{b}要求另付维修费。",
            "{b}维修时未更换已磨损的配件，致拖拉机短期内再次故障。",
            "一、{b}免费再次维修并更换磨损配件。\n二、{b}退还{a}首次维修费{small}元的一半。",
            "当场维修，退款当场付清。",
            "刚修好就坏，耽误了农活。",
            "配件是他自己不让换的。",
        ),
    ),
    "medical": (
        Story(
            "村卫生室诊疗纠纷",
            "{a}在村卫生室输液后出现过敏反应，转院治疗花费{amount}元，要求卫生室负责人{b}赔偿。",
            "经乡卫生院专家了解，卫生室输液前未详细询问过敏史，存在一定过错。",
            "一、{b}补偿{a}医疗费及误工费{amount}元。\n二、卫生室今后严格执行输液前问诊登记制度。",
            "补偿款分两次付清。",
            "输完液就喘不上气，差点出大事。",
            "及时转院了，但问诊确实不够细。",
        ),
    ),
    "traffic": (
        Story(
            "三轮车剐蹭赔偿纠纷",
            "{b}驾驶三轮车在村道上剐倒骑电动车的{a}，{a}腿部擦伤，双方对医药费和车辆维修费有争议。",
            "经交警部门认定{b}负主要责任，{a}医药费和车辆维修费共计{amount}元。",
            "一、{b}承担{a}医药费、车辆维修费共计{amount}元的百分之七十。\n"
            "二、{a}其余损失自行承担，双方不再追究。",
            "赔偿款当场付清。",
            "他开得太快，把我撞倒了。",
            "路窄她也没靠边，不能全算我的。",
        ),
    ),
    "property_management": (
        Story(
            "物业费拖欠纠纷",
            "{b}物业公司反映业主{a}两年未交物业费，{a}称小区电梯长期故障、垃圾清运不及时。",
            "{a}欠缴物业费{amount}元；物业公司确有服务不到位之处。",
            "一、物业公司于{due}前修复电梯，并每日清运垃圾。\n"
            "二、{a}于电梯修复后十日内补交物业费，物业公司减免其中{small}元。",
            "转账缴纳。",
            "电梯坏了半年，凭什么交钱。",
            "电梯在等配件，其他服务一直在做。",
        ),
    ),
    "other": (
        Story(
            "红白事借用物品纠纷",
            "{a}办酒席时借用{b}家桌椅餐具，归还时部分损坏、遗失，双方对赔偿有争议。",
            "{a}借用的桌椅餐具有部分损坏、遗失，折价约{amount}元。",
            "一、{a}赔偿{b}损坏、遗失物品折价款{amount}元。\n二、双方和好如初。",
            "当场付清。",
            "东西是帮忙的人弄坏的，不全怪我。",
            "借的时候都是好的。",
        ),
    ),
}
ESCALATION_REASONS = (
    "案情复杂，涉及金额较大，村级调解未果，报请乡镇调处。",
    "当事人情绪激烈，存在矛盾激化风险，报请上级调处。",
    "涉及多个村组，需上级协调相关部门共同调处。",
)
PLACES = ("村委会调解室", "乡镇综治中心调解室", "当事人家中", "田间地头", "村文化活动室")


def _id_number(rng: random.Random, county_code: str) -> str:
    """A made-up but well-formed ID number (GB 11643 check digit) on the fictional county's code."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 50))
    body = f"{county_code}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


@dataclass
class _Case:
    """One generated case and what its file holds, before it is written."""

    dispute: object
    parties: list = field(default_factory=list)
    sessions: list = field(default_factory=list)
    agreement: object = None
    visit: object = None
    failure: object = None
    transfer: object = None
    mediator: object = None
    timeline: list = field(default_factory=list)  # (at, actor, transition, from, to, unit, note)
    # More rows of the file: the visit that found a reopened case's agreement not performed.
    extra: list = field(default_factory=list)
    # Merged into the case generated just before it that is not merged itself (a duplicate of it).
    merged: bool = False


class _Clock:
    """Working days and office hours of the county's calendar, for dates that read as real work."""

    def __init__(self, rng: random.Random, now: dt.datetime, years: int):
        from anju.worktime.calendar import WorkingCalendar, to_local, working_hours

        self.rng = rng
        self.now = now
        self.years = years
        self.today = to_local(now).date()
        start = self.today - dt.timedelta(days=365 * years + 60)
        self.calendar = WorkingCalendar.from_database(start, self.today + dt.timedelta(days=120))
        self.periods = working_hours()
        self.tz = to_local(now).tzinfo

    def workday(self, day: dt.date) -> dt.date:
        return day if self.calendar.is_workday(day) else self.calendar.next_workday(day)

    def back(self, day: dt.date, working_days: int) -> dt.date:
        """The working day `working_days` working days before `day` (0: `day`, or the one before)."""
        while not self.calendar.is_workday(day):
            day -= dt.timedelta(days=1)
        for _ in range(working_days):
            day -= dt.timedelta(days=1)
            while not self.calendar.is_workday(day):
                day -= dt.timedelta(days=1)
        return day

    def at(self, day: dt.date, *, after: dt.datetime | None = None) -> dt.datetime:
        """A moment in office hours on the working day `day` (or the next), after `after` and
        never in the future."""
        for _ in range(30):
            day = self.workday(day)
            start, end = self.rng.choice(self.periods)
            opens = dt.datetime.combine(day, start, tzinfo=self.tz)
            closes = dt.datetime.combine(day, end, tzinfo=self.tz)
            low = max(opens, after + dt.timedelta(minutes=10)) if after else opens
            if low < closes:
                moment = low + (closes - low) * self.rng.random()
                return min(moment.replace(second=0, microsecond=0), self.now)
            day += dt.timedelta(days=1)
        return min(after or self.now, self.now)

    def later(self, moment: dt.datetime, working_days: int) -> dt.datetime:
        """A moment in office hours `working_days` working days after `moment`."""
        day = moment.astimezone(self.tz).date()
        for _ in range(working_days):
            day = self.calendar.next_workday(day)
        return self.at(day, after=moment)


def _fill(text: str, values: dict) -> str:
    return text.format(**values)


def seed_disputes(
    *,
    cases: int,
    seed: int = 2026,
    county_code: str = DEMO_COUNTY_CODE,
    years: int = 3,
    batch: int = 5000,
    progress: Callable[[int, int], None] | None = None,
    history: bool = True,
) -> int:
    """Generate `cases` synthetic disputes in the seeded county, deterministically, in bulk.

    Not a substitute for the workflow (no per-case actions), but each case reads like a real one:
    registered in office hours on a working day, by the grid worker or the village mediator; its
    sessions, agreement, visit, escalations and closing on its timeline, each by the person the
    case page names; and every open case within its time limit but for a few (OVERDUE_SHARE).
    Without `history` a case has only its parties and, on the timeline, its registration and the
    rows the figures count (FIGURE_ROWS): a fifth of the rows, for filling a database with a
    million cases to measure lists, filters and figures."""
    from django.utils import timezone

    from anju.disputes.choices import LEVEL_RANK, OPEN_STATUSES

    rng = random.Random(seed * 7919 + cases)
    grids = list(
        Region.objects.filter(code__startswith=county_code, level=Level.GRID).values_list("code", flat=True)
    )
    if not grids:
        raise ValueError(f"county {county_code} has no grids: seed the county first")
    staff = _staff_by_place(county_code)
    names = dict(Region.objects.filter(code__startswith=county_code).values_list("code", "name"))
    statuses, status_w = zip(*STATUS_WEIGHTS.items(), strict=True)
    categories, category_w = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    village_levels, village_w = zip(*VILLAGE_LEVELS.items(), strict=True)
    township_levels, township_w = zip(*TOWNSHIP_LEVELS.items(), strict=True)
    now = timezone.now()
    clock = _Clock(rng, now, years)
    done = 0
    from anju.disputes.models import CaseCounter

    counters = {c.year: c.last for c in CaseCounter.objects.filter(county_code=county_code)}
    while done < cases:
        size = min(batch, cases - done)
        made = []
        for _ in range(size):
            grid = rng.choice(grids)
            status = rng.choices(statuses, status_w)[0]
            category = rng.choices(categories, category_w)[0]
            if rng.random() < TOWNSHIP_ORIGIN_SHARE:
                origin, level = "township", rng.choices(township_levels, township_w)[0]
            else:
                origin, level = "village", rng.choices(village_levels, village_w)[0]
            made.append(
                _one_case(
                    rng,
                    clock,
                    staff,
                    names,
                    counters,
                    county_code,
                    grid,
                    status,
                    category,
                    level,
                    origin=origin,
                    open_case=status in OPEN_STATUSES,
                )
            )
        assert all(LEVEL_RANK[c.dispute.handling_level] >= LEVEL_RANK[c.dispute.origin_level] for c in made)
        _write(made, batch, history=history)
        done += size
        if progress:
            progress(done, cases)
    with transaction.atomic():
        for year, last in counters.items():
            CaseCounter.objects.update_or_create(county_code=county_code, year=year, defaults={"last": last})
    return done


# Tips of the demo: what they say is invented and names no one; the informants are made up too.
DEMO_TIPS = [
    # (content, subject kind, subject, anonymous, how far it goes)
    ("反映某村有人以修路为名强收村民费用。", "person", "某甲", False, "closed_police"),
    (
        "反映某砂石场老板纠集人员强占河道、威胁举报群众。",
        "organisation",
        "某砂石公司",
        False,
        "closed_discipline",
    ),
    ("反映某村干部为涉黑人员充当“保护伞”。", "person", "某乙", True, "verified"),
    ("反映某集贸市场有人强买强卖、收取“保护费”。", "person", "某丙", False, "verifying"),
    ("反映某工地有人阻工索要好处。", "person", "某丁", True, "assigned"),
    ("反映某娱乐场所存在聚众赌博。", "organisation", "某娱乐会所", False, "registered"),
]


def seed_tips(*, county_code: str = DEMO_COUNTY_CODE, seed: int = 2026) -> int:
    """A batch transferred by a higher authority with a handful of tips in every stage, taken
    through the tips' own actions (so their timelines, cards and audit rows are real). Once only:
    nothing is added when the batch is on file already."""
    from django.utils import timezone

    from anju.tips import actions
    from anju.tips.models import Batch

    reference = "扫黑督〔2026〕1号"
    if Batch.objects.filter(reference=reference).exists():
        return 0
    county = Region.objects.get(code=county_code)
    centre = User.objects.filter(
        role_assignments__role=Role.CENTRE_OPERATOR, role_assignments__region=county
    ).first()
    township = (
        Region.objects.filter(code__startswith=county_code, level=Level.TOWNSHIP).order_by("code").first()
    )
    officer = User.objects.filter(
        role_assignments__role=Role.TOWNSHIP_OFFICER, role_assignments__region=township
    ).first()
    if centre is None or officer is None:
        return 0
    villages = list(Region.objects.filter(parent=township, level=Level.VILLAGE).order_by("code"))
    rng = random.Random(seed)
    today = timezone.localdate()
    batch = actions.create_batch(
        centre,
        source_kind="higher_authority",
        reference=reference,
        received_on=today - dt.timedelta(days=12),
        deadline=today + dt.timedelta(days=18),
        region=county,
    )
    # Every tip of the batch first, as a transferred batch arrives; then each goes as far as it has.
    tips = []
    for index, (content, kind, subject, anonymous, _stage) in enumerate(DEMO_TIPS, start=1):
        tip = actions.register_tip(
            centre,
            region=villages[index % len(villages)] if villages else township,
            source_kind="higher_authority",
            batch=batch,
            received_on=batch.received_on,
            content=content,
            subject_kind=kind,
            subject_name=subject,
            anonymous=anonymous,
            informant_name="" if anonymous else _person(rng) + "（虚构）",
            informant_contact="" if anonymous else f"1390000{rng.randrange(10000):04d}",
        )
        tip.source_ref = str(index)
        tip.save(update_fields=["source_ref"])
        tips.append(tip)
    for tip, (*_fields, stage) in zip(tips, DEMO_TIPS, strict=True):
        if stage == "registered":
            continue
        tip = actions.assign(centre, tip, unit=township.code, handler=officer)
        if stage == "assigned":
            continue
        tip = actions.start_verification(officer, tip)
        tip = actions.add_note(officer, tip, note="已走访知情群众，调取相关合同。")
        if stage == "verifying":
            continue
        outcome = {"closed_police": "police", "closed_discipline": "discipline"}.get(stage, "closed")
        tip = actions.verify(
            officer,
            tip,
            result={"police": "substantiated", "discipline": "partly"}.get(outcome, "unsubstantiated"),
            outcome=outcome,
            police_case_number="公(刑)立字〔2026〕101号" if outcome == "police" else "",
            criminal_cases=1 if outcome == "police" else 0,
            persons_dealt_with=3 if outcome == "police" else (1 if outcome == "discipline" else 0),
            admonishment_talks=1 if outcome == "discipline" else 0,
            warnings=1 if outcome == "discipline" else 0,
        )
        if stage.startswith("closed"):
            actions.close(centre, tip)
    return len(DEMO_TIPS)


DEMO_DEPARTMENTS = ("县公安局", "县司法局", "县信访局")


def _seed_departments_and_reports(centre, county: Region, townships: list[Region]) -> int:
    """The county's departments, the police given a task; and the townships' major-matter reports in
    each state the committee's list shows: waiting, acknowledged, instructed and made a task.
    Returns the tasks made."""
    from django.utils import timezone

    from anju.tasks import actions
    from anju.tasks.departments import add_department

    police = None
    for name in DEMO_DEPARTMENTS:
        department = add_department(SYSTEM, county=county, name=name)
        police = police or department.unit
    made = 1
    actions.assign_task(
        centre,
        assigner_unit=county,
        unit=police,
        title="重点时段社会面巡逻防控",
        description="县公安局牵头，节假日期间加强社会面巡逻防控，每周报送情况。",
        deadline=timezone.localdate() + dt.timedelta(days=20),
        origin="instruction",
    )
    matters = [
        ("ordinary", "关于辖区征地补偿矛盾的情况报告", "征地补偿款发放进度滞后，群众意见较大。"),
        ("urgent", "关于边界草场纠纷的请示", "两村边界草场纠纷有激化苗头，请求县里协调。"),
        ("very_urgent", "关于群体性上访苗头的紧急报告", "部分群众拟集体上访，已稳控，请求指示。"),
    ]
    for (urgency, title, content), township in zip(matters, townships, strict=False):
        officer = User.objects.filter(
            role_assignments__role=Role.TOWNSHIP_OFFICER, role_assignments__region=township
        ).first()
        if officer is None:
            continue
        report = actions.submit_report(
            officer, region=township, title=title, content=content, urgency=urgency
        )
        if urgency == "urgent":
            actions.acknowledge_report(centre, report)
        elif urgency == "very_urgent":
            report = actions.instruct_report(centre, report, instruction="请县信访局会同乡镇做好稳控化解。")
            actions.assign_task(
                centre,
                assigner_unit=county,
                unit=township,
                title="群体性上访苗头稳控化解",
                description=report.instruction,
                deadline=timezone.localdate() + dt.timedelta(days=7),
                origin="major_report",
                report=report,
            )
            made += 1
    return made


def seed_supervision(*, county_code: str = DEMO_COUNTY_CODE) -> int:
    """A few county meetings with decisions made supervised tasks in every stage (assigned, in
    progress, reported done, accepted, one sent back, one past its deadline), through the actions
    the pages use, so the supervision pages, cards and figures have content. Returns the tasks made."""
    from django.utils import timezone

    from anju.tasks import actions
    from anju.tasks.models import Meeting, Task

    centre = User.objects.filter(
        role_assignments__role=Role.CENTRE_OPERATOR, role_assignments__region_id=county_code
    ).first()
    if centre is None or Meeting.objects.filter(region_id=county_code).exists():
        return 0
    county = Region.objects.get(code=county_code)
    townships = list(
        Region.objects.filter(parent=county, level=Level.TOWNSHIP)
        .exclude(department_q())
        .order_by("code")[:4]
    )
    today = timezone.localdate()
    plan = [
        (
            "standing_committee",
            "县委常委会第12次会议",
            "平安建设重点工作",
            ["开展矛盾纠纷大排查大化解专项行动"],
        ),
        (
            "plc_plenary",
            "县委政法委全体（扩大）会议",
            "政法工作年度部署",
            ["各乡镇建立矛盾纠纷台账并每周更新"],
        ),
        ("joint", "与邻县边界地区联席会议", "边界草场纠纷联防联调", ["边界村组建联合调解小组"]),
    ]
    made = 0
    for index, (kind, title, topics, decisions) in enumerate(plan):
        meeting = actions.record_meeting(
            centre,
            region=county,
            kind=kind,
            held_on=today - dt.timedelta(days=30 - index * 7),
            title=title,
            topics=topics,
            attendees="县委政法委、县公安局、县司法局、各乡镇",
        )
        for text in decisions:
            decision = actions.add_decision(centre, meeting, text=text)
            for n, township in enumerate(townships):
                task = actions.assign_task(
                    centre,
                    assigner_unit=county,
                    unit=township,
                    title=text[:100],
                    description=f"{text}。{township.name}负责落实，按期报送进展。",
                    deadline=today + dt.timedelta(days=10 + 5 * n),
                    origin="joint_meeting" if kind == "joint" else "decision",
                    decision=decision,
                )
                made += 1
                stage = (index + n) % 5
                if stage >= 1:
                    task = actions.start(centre, task)
                    task = actions.report_progress(centre, task, progress="已召开部署会，正在推进。")
                if stage >= 3:
                    task = actions.report_done(centre, task, progress="已全部完成。")
                if stage == 3 and index == 2:
                    actions.send_back(centre, task, reason="请补充台账材料。")
                if stage == 4:
                    actions.accept(centre, task, note="验收通过。")
                if stage == 1 and n == 0:
                    # One task of the demo is already past its deadline, so its red card shows.
                    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    made += _seed_departments_and_reports(centre, county, townships)
    activities = [
        ("training", "全县人民调解员业务培训", "县司法局", 120),
        ("competition", "平安建设知识竞赛", "县委政法委", 60),
        ("award", "全市平安建设先进集体", "市委政法委", 0),
        ("publicity", "法治宣传进乡村", "县委政法委", 800),
        ("inspection", "平安建设季度督导", "县委政法委", 12),
    ]
    for days, (kind, title, organiser, participants) in enumerate(activities):
        actions.record_activity(
            centre,
            region=county,
            kind=kind,
            held_on=today - dt.timedelta(days=40 - days * 6),
            title=title,
            organiser=organiser,
            participants=participants,
        )
    village = (
        Region.objects.filter(code__startswith=townships[0].code, level=Level.VILLAGE)
        .order_by("code")
        .first()
    )
    if village is not None:
        rectification = actions.list_village(
            centre,
            region=village,
            listed_on=today - dt.timedelta(days=20),
            reason="矛盾纠纷多发，治安问题突出",
        )
        actions.set_plan(
            centre,
            rectification,
            plan="一、全面排查矛盾纠纷；二、建强村“两委”班子；三、完善网格管理。",
            cadre_name="李建国",
            cadre_unit="县委政法委",
        )
        for measure, days in (("全面排查矛盾纠纷", 10), ("完善网格管理", 30)):
            actions.assign_task(
                centre,
                assigner_unit=Region.objects.get(code=village.code[:9]),
                unit=village,
                title=measure,
                description=measure,
                deadline=today + dt.timedelta(days=days),
                origin="rectification",
                rectification=rectification,
            )
            made += 1
    return made


DEMO_EVENTS = 300
# Where the demo's grid events stand: most are done, some wait at each stage.
EVENT_STATUS_WEIGHTS = {
    "reported": 4,
    "filed": 3,
    "dispatched": 10,
    "handled": 4,
    "closed": 25,
    "evaluated": 45,
    "voided": 6,
    "converted": 3,
}
# The seeded stages' limits in hours (file, dispatch, handle, verify), how many stages each status has
# passed, and the share of stages done late (or, for the stage an open event is in, overdue now).
EVENT_STAGE_HOURS = {"file": 1, "dispatch": 1, "handle": 16, "verify": 2}
EVENT_STAGES_PASSED = {"reported": 0, "filed": 1, "dispatched": 2, "handled": 3, "closed": 4, "evaluated": 4}
EVENT_LATE_SHARE = 0.04


def _stage_hours(rng: random.Random, limit: float) -> float:
    """How long a stage took: within its limit, or for a few, up to twice over it."""
    if rng.random() < EVENT_LATE_SHARE:
        return limit * rng.uniform(1.05, 2)
    return limit * rng.uniform(0.05, 0.95)


EVENT_TITLES = {
    "road-damage": ["村道路面塌陷", "乡道坑洼积水"],
    "illegal-dumping": ["河边倾倒垃圾", "路旁堆放建筑垃圾"],
    "grazing-ban": ["禁牧区发现羊群", "休牧期草场放牧"],
    "irrigation-blocked": ["灌渠被杂物堵塞", "支渠淤积断流"],
    "grassland-fire": ["草场附近野外用火", "草场电线打火"],
    "unsafe-building": ["老旧土房墙体开裂", "危房仍有人居住"],
    "drinking-water": ["自来水管冻裂", "水窖缺水"],
}


def seed_events(
    *,
    events: int = DEMO_EVENTS,
    seed: int = 2026,
    county_code: str = DEMO_COUNTY_CODE,
    batch: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Generate `events` synthetic grid events over the last 90 days in the seeded county, across
    every stage, with each passed stage's time and limit filled so the figures have content. Bulk,
    like seed_disputes: it fills the pages and the figures, it does not replay the workflow. Written
    `batch` at a time, each batch in its own transaction, so a million events need no more memory
    than one batch; the routing rules are read once, not once per event."""
    from django.utils import timezone

    from anju.events.catalogue import dispatcher_for, route, routing_rules
    from anju.events.models import Event, EventCounter, EventType
    from anju.events.models import TimelineEntry as EventTimelineEntry

    rng = random.Random(seed * 104729 + events)
    grids = list(Region.objects.filter(code__startswith=county_code, level=Level.GRID))
    if not grids:
        raise ValueError(f"county {county_code} has no grids: seed the county first")
    reporters = dict(
        RoleAssignment.objects.filter(
            region__code__startswith=county_code, role=Role.GRID_WORKER
        ).values_list("region_id", "user_id")
    )
    fallback = (
        next(iter(reporters.values()), None) or RoleAssignment.objects.values_list("user_id", flat=True)[0]
    )
    types = [t for t in EventType.objects.filter(code__in=EVENT_TITLES)]
    rules = routing_rules()
    statuses, weights = zip(*EVENT_STATUS_WEIGHTS.items(), strict=True)
    hour = dt.timedelta(hours=1)
    now = timezone.now()
    counter, _made = EventCounter.objects.get_or_create(
        county_code=county_code, year=timezone.localdate().year
    )
    done = 0
    while done < events:
        rows = []
        for _ in range(min(batch, events - done)):
            grid = rng.choice(grids)
            event_type = rng.choice(types)
            status = rng.choices(statuses, weights)[0]
            # How long each stage took (or has taken so far): in time for most events, late for a
            # few, the same share for the stage an open event is in now, which therefore falls
            # due in the coming hours for most and is overdue for a few (EVENT_LATE_SHARE).
            took = {stage: hour * _stage_hours(rng, limit) for stage, limit in EVENT_STAGE_HOURS.items()}
            passed = EVENT_STAGES_PASSED.get(status, 0)
            spent = sum((took[stage] for stage in list(EVENT_STAGE_HOURS)[: passed + 1]), dt.timedelta())
            if status in EVENT_STAGES_PASSED and passed < len(EVENT_STAGE_HOURS):
                reported = now - spent  # still open: reported as long ago as its stages have taken
            else:
                reported = now - spent - dt.timedelta(days=90 * rng.random())
            counter.last += 1
            event = Event(
                number=f"SJ{county_code}-{counter.year}-{counter.last:06d}",
                event_type=event_type,
                region=grid,
                dispatcher_unit_id=dispatcher_for(grid),
                handling_unit_id=dispatcher_for(grid),
                status=status,
                urgent=event_type.urgent,
                title=rng.choice(EVENT_TITLES[event_type.code]),
                description="合成数据，用于演示。",
                latitude=round(36 + rng.random(), 6),
                longitude=round(101 + rng.random(), 6),
                reported_by_id=reporters.get(grid.code, fallback),
                reported_at=reported,
                file_due_at=reported + hour * EVENT_STAGE_HOURS["file"],
            )
            at = reported
            if passed >= 1:
                at += took["file"]
                event.filed_at = at
                event.dispatch_due_at = at + hour * EVENT_STAGE_HOURS["dispatch"]
            if passed >= 2:
                at += took["dispatch"]
                event.dispatched_at = at
                event.handling_unit_id = route(event_type, grid, rules=rules)
                event.handle_due_at = at + hour * EVENT_STAGE_HOURS["handle"]
            if passed >= 3:
                at += took["handle"]
                event.handled_at = at
                event.handling_report = "已处置。"
                event.verify_due_at = at + hour * EVENT_STAGE_HOURS["verify"]
                event.returned = rng.choices([0, 1], [9, 1])[0]
            if passed >= 4:
                at += took["verify"]
                event.verified_at = event.closed_at = at
            if status == "evaluated":
                event.evaluated_at = at + hour
                event.satisfaction = rng.choices([5, 4, 3, 2], [50, 35, 10, 5])[0]
                event.centre_score = rng.randint(70, 100)
            if status == "voided":
                event.void_reason = "不属于网格事件"
            if status in ("reported", "filed", "dispatched", "handled"):
                event.due_at = [
                    event.file_due_at,
                    event.dispatch_due_at,
                    event.handle_due_at,
                    event.verify_due_at,
                ][passed]
            rows.append(event)
        with transaction.atomic():
            Event.objects.bulk_create(rows, batch_size=batch)
            EventCounter.objects.filter(pk=counter.pk).update(last=counter.last)
            EventTimelineEntry.objects.bulk_create(
                [
                    EventTimelineEntry(
                        event=e,
                        transition="report",
                        from_status="",
                        to_status="reported",
                        handling_unit_id=e.dispatcher_unit_id,
                    )
                    for e in rows
                ],
                batch_size=batch,
            )
        done += len(rows)
        if progress:
            progress(done, events)
    return done


def _staff_by_place(county_code: str) -> dict[tuple[str, str], int]:
    """{(role, region code): user id}: who works where, to name the person behind each step."""
    staff: dict[tuple[str, str], int] = {}
    rows = RoleAssignment.objects.filter(region__code__startswith=county_code).values_list(
        "role", "region_id", "user_id"
    )
    for role, region, user in rows.order_by("id"):
        staff.setdefault((role, region), user)
    return staff


def _one_case(
    rng, clock, staff, names, counters, county_code, grid, status, category, level, *, origin, open_case
):
    from anju.disputes.actions import case_number
    from anju.disputes.choices import HANDLING_CODE_LENGTH, LEVEL_RANK, Status
    from anju.disputes.deadlines import POLICY, acceptance_limits
    from anju.disputes.models import (
        Agreement,
        Dispute,
        FailureNotice,
        FollowUpVisit,
        MediationSession,
        Party,
        Transfer,
    )

    village = grid[:12]
    unit = grid[: HANDLING_CODE_LENGTH[level]]
    # A case arising at the township is registered there, by its officer.
    region = grid if origin == "village" else grid[:9]
    fallback = staff.get((Role.MEDIATOR, county_code)) or next(iter(staff.values()))
    village_mediator = staff.get((Role.MEDIATOR, village), fallback)
    handler = {
        "village": village_mediator,
        "township": staff.get((Role.TOWNSHIP_OFFICER, grid[:9]), fallback),
        "county": staff.get((Role.MEDIATOR, county_code), fallback),
    }[level]
    channel = rng.choices(
        ["grid_visit", "walk_in", "hotline", "letter", "police", "court"], [40, 30, 12, 6, 8, 4]
    )[0]
    registrar = (
        staff.get((Role.GRID_WORKER, grid), village_mediator) if channel == "grid_visit" else village_mediator
    )
    if origin == "township":
        registrar = staff.get((Role.TOWNSHIP_OFFICER, grid[:9]), fallback)
    story = rng.choice(STORIES[category])
    a, b = _person(rng), _person(rng)
    amount = rng.choice([800, 1200, 2000, 3500, 5000, 8000, 12000, 26000, 48000])
    values = {
        "a": a,
        "b": b,
        "place": names.get(village, ""),
        "amount": amount,
        "small": max(100, amount // rng.choice([4, 5, 10])) // 100 * 100,
        "n": rng.randint(2, 9),
        "month": "",
        "due": "",
    }
    risk = rng.choices(["general", "serious", "major"], [90, 8, 2])[0]
    escalations = LEVEL_RANK[level] - LEVEL_RANK[origin]

    # When each step happened. An open case is recent: the stage it is in started within its
    # limit, except for a few past it. A closed case happened any time in the last years.
    probe = Dispute(handling_level=level, risk=risk, status=Status.REGISTERED)
    if open_case:
        stage_limit = (
            acceptance_limits()[level]
            if status == Status.REGISTERED
            else POLICY.mediation.limit_days(probe, clock.now, calendar=clock.calendar)
        )
        late = rng.random() < OVERDUE_SHARE
        age = stage_limit + rng.randint(1, 5) if late else rng.randint(0, max(0, stage_limit - 1))
        stage_start = clock.at(clock.back(clock.today, age))
        if stage_start >= clock.now:  # office hours of today have not come yet
            stage_start = clock.at(clock.back(clock.today - dt.timedelta(days=1), age))
        if status == Status.REGISTERED:
            arrived = stage_start  # the last escalation, or the registration itself
            registered = (
                clock.at(clock.back(arrived.astimezone(clock.tz).date(), rng.randint(0, 2)))
                if escalations
                else arrived
            )
            if escalations and registered > arrived - dt.timedelta(minutes=30):
                registered = clock.at(clock.back(arrived.astimezone(clock.tz).date(), 1))
            accepted = None
        else:
            accepted = stage_start
            registered = clock.at(clock.back(accepted.astimezone(clock.tz).date(), rng.randint(0, 2)))
            if registered > accepted - dt.timedelta(minutes=30):  # registered the working day before
                registered = clock.at(clock.back(accepted.astimezone(clock.tz).date(), 1))
    else:
        # Registered any day of the years but the last few: the recent weeks hold closed cases
        # too, at the same daily rate as the open ones.
        day = clock.today - dt.timedelta(days=rng.randint(5, 365 * clock.years))
        registered = clock.at(day)
        accepted = clock.later(registered, rng.randint(0, 2)) if status != Status.TRANSFERRED else None

    year = registered.year
    counters[year] = counters.get(year, 0) + 1
    dispute = Dispute(
        number=case_number(county_code, year, counters[year]),
        region_id=region,
        origin_level=origin,
        handling_level=level,
        handling_unit_id=unit,
        status=status,
        channel=channel,
        category=category,
        title=story.title,
        description=_fill(story.description, values),
        amount=amount if "{amount}" in story.description + story.facts else None,
        people_involved=rng.randint(2, 6),
        risk=risk,
        registered_by_id=registrar,
        registered_at=registered,
    )
    case = _Case(dispute=dispute)
    case.parties = [
        Party(
            role="applicant",
            name=a,
            phone=f"1{rng.choice('3578')}{rng.randint(0, 10**9 - 1):09d}",
            id_number=_id_number(rng, county_code) if rng.random() < 0.6 else "",
            address=f"{names.get(village, '')}{rng.randint(1, 9)}组",
        ),
        Party(
            role="respondent",
            name=b,
            phone=f"1{rng.choice('3578')}{rng.randint(0, 10**9 - 1):09d}",
            address=f"{names.get(village, '')}{rng.randint(1, 9)}组",
        ),
    ]
    line = case.timeline.append
    line((registered, registrar, "register", "", "registered", region[: HANDLING_CODE_LENGTH[origin]], ""))
    # Escalated before anyone accepted it: the village, then the township, sent it up.
    moment = registered
    for step in range(escalations):
        if open_case and status == Status.REGISTERED:
            # The last escalation started the acceptance limit now running; any before it between.
            moment = registered + (arrived - registered) * (step + 1) / escalations
        else:
            moment = clock.later(moment, rng.randint(0, 1))
            if accepted and moment >= accepted:  # sent up the same day it was accepted above
                moment = registered + (accepted - registered) * (step + 1) / (escalations + 1)
        rank = LEVEL_RANK[origin] + step
        sender = village_mediator if rank == 1 else staff.get((Role.TOWNSHIP_OFFICER, grid[:9]), fallback)
        to_unit = grid[:9] if rank == 1 else county_code
        line(
            (moment, sender, "escalate", "registered", "registered", to_unit, rng.choice(ESCALATION_REASONS))
        )
    if status == Status.REGISTERED:
        probe.status = Status.REGISTERED
        dispute.due_at = POLICY.due_for(probe, moment, calendar=clock.calendar)
        return case
    if status == Status.TRANSFERRED:
        closed = clock.later(moment, rng.randint(0, 2))
        body = rng.choice(["court", "police", "labour_arbitration", "administrative"])
        case.transfer = Transfer(
            body=body,
            body_name={
                "court": "县人民法院",
                "police": "县公安局派出所",
                "labour_arbitration": "县劳动人事争议仲裁委员会",
                "administrative": "县自然资源局",
            }[body],
            receipt_number=f"{closed:%Y%m%d}-{rng.randint(1, 99):02d}",
            received_on=closed.astimezone(clock.tz).date(),
            created_at=closed,
        )
        line(
            (
                closed,
                handler,
                "transfer_out",
                "registered",
                "transferred",
                unit,
                "不属于人民调解受理范围，依法移交。",
            )
        )
        dispute.closed_at = closed
        probe.status = Status.REGISTERED
        dispute.due_at = POLICY.due_for(probe, moment, calendar=clock.calendar)
        return case

    if status == Status.MERGED:
        # A duplicate of a case already on file, merged while it waited to be accepted; `_write`
        # names the case it went into.
        closed = clock.later(moment, rng.randint(0, 2))
        case.merged = True
        line((closed, handler, "merge", "registered", "merged", unit, ""))
        dispute.closed_at = closed
        probe.status = Status.REGISTERED
        dispute.due_at = POLICY.due_for(probe, moment, calendar=clock.calendar)
        return case

    dispute.accepted_at = accepted
    case.mediator = handler
    line((accepted, handler, "accept", "registered", "accepted", unit, ""))
    probe.status = Status.ACCEPTED
    due = POLICY.due_for(probe, accepted, calendar=clock.calendar)
    dispute.due_at = due
    if status == Status.ACCEPTED:
        return case
    if status == Status.REFUSED:
        closed = clock.later(accepted, rng.randint(0, 2))
        line((closed, handler, "record_refusal", "accepted", "refused", unit, f"{b}明确表示不同意调解。"))
        dispute.closed_at = closed
        return case

    # Sessions, spread over the time mediation takes (or has taken until today).
    if open_case:
        span_end = clock.now
    else:
        span = (due - accepted) * rng.uniform(0.25, 1.08 if rng.random() < 0.08 else 0.95)
        span_end = min(accepted + max(span, dt.timedelta(hours=2)), clock.now)
    held = accepted
    wanted = 1 if status in {Status.ENDED} else rng.randint(1, 3)
    gap = max((span_end - accepted) / (wanted + 1), dt.timedelta(minutes=20))
    previous = "accepted"
    for i in range(wanted):
        held = min(clock.at((accepted + gap * (i + 1)).astimezone(clock.tz).date(), after=held), span_end)
        # The last session ends as the case did: agreed, failed or ended, or still under way.
        last = {
            Status.AGREED: "双方达成一致意见",
            Status.RESOLVED: "双方达成一致意见",
            Status.FAILED: "分歧仍大，调解未果",
            Status.ENDED: "当事人申请终止调解",
        }.get(status, rng.choice(["双方意见接近", "约定下次继续调解"]))
        outcome = "双方同意继续协商" if i < wanted - 1 else last
        case.sessions.append(
            MediationSession(
                held_on=held.astimezone(clock.tz).date(),
                place=rng.choice(PLACES),
                participants=f"{a}、{b}、调解员",
                record=(
                    f"调解员分别听取双方陈述。\n{a}称：{story.said_a}\n{b}称：{story.said_b}\n"
                    "调解员结合有关法律法规释法明理，引导双方换位思考、互谅互让。"
                ),
                outcome=outcome,
                recorded_by_id=handler,
                created_at=held,
            )
        )
        line((held, handler, "record_session", previous, "mediating", unit, ""))
        previous = "mediating"
    if status == Status.MEDIATING:
        return case
    if status == Status.ENDED:
        closed = clock.later(held, rng.randint(0, 3))
        line(
            (
                closed,
                handler,
                "end_at_request",
                "mediating",
                "ended",
                unit,
                f"{a}申请终止调解，拟向法院起诉。",
            )
        )
        dispute.closed_at = min(closed, clock.now)
        return case
    if status == Status.FAILED:
        closed = min(clock.later(held, rng.randint(0, 2)), clock.now)
        case.failure = FailureNotice(
            remedies=["court"] if rng.random() < 0.7 else ["arbitration", "court"],
            reason="双方对赔偿数额分歧过大，经多次调解未能达成协议。",
            notified_on=closed.astimezone(clock.tz).date(),
        )
        line((closed, handler, "record_failure", "mediating", "failed", unit, "已告知当事人其他救济途径。"))
        dispute.closed_at = closed
        return case

    # Agreed (open) or resolved: the agreement at the last session, then a visit and the close.
    signed = held
    perform_by = signed.astimezone(clock.tz).date() + dt.timedelta(days=rng.choice([7, 10, 15, 30]))
    values["due"] = f"{perform_by.year}年{perform_by.month}月{perform_by.day}日"
    next_month = (signed.astimezone(clock.tz).date().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    values["month"] = f"{next_month.year}年{next_month.month}月"
    case.agreement = Agreement(
        kind="written" if rng.random() < 0.9 else "oral",
        facts=_fill(story.facts, values),
        terms=_fill(story.terms, values),
        performance=story.performance,
        perform_by=perform_by,
        signed_on=signed.astimezone(clock.tz).date(),
        mediator_id=handler,
        created_at=signed,
    )
    dispute.agreement_reached = True
    line(
        (
            min(signed + dt.timedelta(minutes=5), clock.now),
            handler,
            "record_agreement",
            "mediating",
            "agreed",
            unit,
            "",
        )
    )
    if status == Status.AGREED:
        return case
    visited = min(clock.later(signed, rng.randint(3, 15)), clock.now)
    case.visit = FollowUpVisit(
        visited_on=visited.astimezone(clock.tz).date(),
        performance="performed",
        note=rng.choice(
            ["协议已履行完毕，双方表示满意。", "已按协议履行，双方关系缓和。", "履行到位，无新的矛盾。"]
        ),
        visitor_id=handler,
        created_at=visited,
    )
    line((visited, handler, "record_visit", "agreed", "agreed", unit, ""))
    resolved = min(visited + dt.timedelta(minutes=15), clock.now)
    line((resolved, handler, "resolve", "agreed", "resolved", unit, ""))
    if rng.random() < REOPENED_SHARE and resolved + dt.timedelta(days=75) < clock.now:
        resolved = _reopened(case, rng, clock, handler, unit, resolved, values, story)
    dispute.resolved_at = dispute.closed_at = resolved
    dispute.resolved_level = level
    return case


def _reopened(case, rng, clock, handler, unit, resolved, values, story) -> dt.datetime:
    """A resolved case whose agreement was not performed: a visit finds it so, the case is
    reopened within the 90 days the rule allows, mediated again to a new agreement, visited and
    resolved a second time. Returns the second resolution."""
    from anju.disputes.models import Agreement, FollowUpVisit, MediationSession

    line = case.timeline.append
    found = clock.later(resolved, rng.randint(5, 25))
    case.extra.append(
        FollowUpVisit(
            visited_on=found.astimezone(clock.tz).date(),
            performance="not_performed",
            note="对方未按协议约定期限履行。",
            visitor_id=handler,
            created_at=found,
        )
    )
    line((found, handler, "reopen", "resolved", "mediating", unit, "对方未按协议约定期限履行。"))
    held = clock.later(found, rng.randint(1, 5))
    case.extra.append(
        MediationSession(
            held_on=held.astimezone(clock.tz).date(),
            place=rng.choice(PLACES),
            participants=f"{values['a']}、{values['b']}、调解员",
            record="调解员督促履行，双方就履行期限重新协商。",
            outcome="双方达成一致意见",
            recorded_by_id=handler,
            created_at=held,
        )
    )
    line((held, handler, "record_session", "mediating", "mediating", unit, ""))
    case.extra.append(
        Agreement(
            kind="written",
            facts=_fill(story.facts, values),
            terms="一、原协议继续有效，履行期限顺延十五日。\n二、逾期未履行的，由调解组织引导申请司法确认。",
            performance=story.performance,
            perform_by=held.astimezone(clock.tz).date() + dt.timedelta(days=15),
            signed_on=held.astimezone(clock.tz).date(),
            mediator_id=handler,
            created_at=held,
        )
    )
    line((held + dt.timedelta(minutes=5), handler, "record_agreement", "mediating", "agreed", unit, ""))
    visited = clock.later(held, rng.randint(3, 15))
    case.extra.append(
        FollowUpVisit(
            visited_on=visited.astimezone(clock.tz).date(),
            performance="performed",
            note="协议已履行完毕。",
            visitor_id=handler,
            created_at=visited,
        )
    )
    line((visited, handler, "record_visit", "agreed", "agreed", unit, ""))
    again = visited + dt.timedelta(minutes=15)
    line((again, handler, "resolve", "agreed", "resolved", unit, ""))
    return again


@contextmanager
def _stamped_as_given(*models):
    """Write the times the generator chose into auto_now_add fields (a timeline row's `at`, a
    record's `created_at`): a synthetic case's history happened when it says, not at seeding time."""
    fields = [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def _write(made: list[_Case], batch: int, *, history: bool) -> None:
    from anju.disputes.models import (
        Agreement,
        Dispute,
        FailureNotice,
        FollowUpVisit,
        MediationSession,
        Party,
        TimelineEntry,
        Transfer,
    )

    with (
        transaction.atomic(),
        _stamped_as_given(TimelineEntry, MediationSession, Agreement, FollowUpVisit, Transfer),
    ):
        created = Dispute.objects.bulk_create([c.dispute for c in made], batch_size=batch)
        if not all(d.pk for d in created):
            ids = dict(
                Dispute.objects.filter(number__in=[d.number for d in created]).values_list("number", "pk")
            )
            for d in created:
                d.pk = ids[d.number]
        # Each merged case goes into the case of the batch registered last before it was merged
        # (a duplicate of a case already on file); none, if the batch has none that early.
        kept = sorted((c.dispute.registered_at, i) for i, c in enumerate(made) if not c.merged)
        into = {}
        for c in made:
            if not c.merged:
                continue
            row = next(t for t in c.timeline if t[2] == "merge")
            earlier = bisect.bisect_right(kept, (row[0], len(made))) - 1
            if earlier < 0:
                continue
            target = made[kept[earlier][1]]
            into[id(c)] = target
            c.dispute.merged_into_id = target.dispute.pk
            c.timeline[c.timeline.index(row)] = (*row[:6], target.dispute.number)
            status, unit = target.dispute.status, target.dispute.handling_unit_id
            target.timeline.append((row[0], row[1], "merged_in", status, status, unit, c.dispute.number))
        merged = [c.dispute for c in made if id(c) in into]
        Dispute.objects.bulk_update(merged, ["merged_into"], batch_size=batch)
        children = {
            Party: [],
            MediationSession: [],
            Agreement: [],
            FollowUpVisit: [],
            FailureNotice: [],
            Transfer: [],
        }
        timeline, mediators = [], []
        for c in made:
            pk = c.dispute.pk
            if not history:
                c.sessions, c.agreement, c.visit, c.failure, c.transfer, c.mediator = (
                    [],
                    None,
                    None,
                    None,
                    None,
                    None,
                )
                c.extra = []
                c.timeline = [t for t in c.timeline if t[2] in FIGURE_ROWS]
            for obj in [*c.parties, *c.sessions, c.agreement, c.visit, c.failure, c.transfer, *c.extra]:
                if obj is not None:
                    obj.dispute_id = pk
                    children[type(obj)].append(obj)
            if c.mediator:
                mediators.append(Dispute.mediators.through(dispute_id=pk, user_id=c.mediator))
            for at, actor, transition, before, after, unit, note in sorted(c.timeline, key=lambda t: t[0]):
                timeline.append(
                    TimelineEntry(
                        dispute_id=pk,
                        at=at,
                        actor_id=actor,
                        transition=transition,
                        from_status=before,
                        to_status=after,
                        handling_unit_id=unit,
                        note=note,
                    )
                )
        for model, rows in children.items():
            model.objects.bulk_create(rows, batch_size=batch)
        Dispute.mediators.through.objects.bulk_create(mediators, batch_size=batch)
        TimelineEntry.objects.bulk_create(timeline, batch_size=batch)
