"""The catalogue of named figures: one registry that the dashboard, the API and (later) the work
report read. Each figure has a stable name (`disputes.found`), a label, a unit and a definition
sentence; its value is read from the figure functions of anju.reports.metrics, which alone count.

A figure of a kind not built yet (joint cases) is listed with `source=None`: it reads "not counted
yet" (尚未统计), never 0, so a report never states a count nobody made.

`values()` computes every figure for a period, the previous period and the same period last year,
each source's figures of all three read together. A figure about "now" (overdue cases) has no
earlier value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from anju.tasks.choices import ActivityKind
from anju.tips import choices as tip_choices

from . import metrics
from .periods import Period

COUNT, RATE, DAYS, SCORE = "count", "rate", "days", "score"
NOT_COUNTED = gettext_lazy("not counted yet")

# The figure functions, by source name: each is called once with every period, [(start, end), ...],
# and gives its figures in their order.
SOURCES: dict[str, Callable] = {
    "disputes": metrics.dispute_figures_for,
    "events": metrics.event_figures_for,
    "tips": metrics.tip_figures_for,
    "supervision": metrics.supervision_figures_for,
}


@dataclass(frozen=True)
class Figure:
    name: str
    label: Promise
    unit: Promise
    definition: Promise
    source: str | None  # a key of SOURCES; None: its kind is not built yet
    read: Callable | None = None  # the value from the source's figures
    kind: str = COUNT
    # Depends on the moment it is asked, not on the period: no previous or last year's value.
    moment: bool = False
    # The dispute list's filters that show the cases counted (anju.disputes.queries.FIGURES).
    drill: dict = field(default_factory=dict)
    # The list (a URL name) that shows the cases counted, when not the dispute list: the events,
    # tips, tasks or meetings list, read with `drill` as its filters (each list's FIGURES).
    drill_list: str | None = None


def _level(level: str) -> Callable:
    return lambda f: next(row.resolved for row in f.resolved_by_level if row.level == level)


def _stage(stage: str) -> Callable:
    return lambda f: next(row.rate for row in f.on_time_by_stage if row.stage == stage)


def _activities_of(kind: str) -> Callable:
    return lambda f: next(row.count for row in f.activities_by_kind if row.key == kind)


def _tip_results() -> tuple[Figure, ...]:
    """Tips verified in the period by result, then by outcome: each lists as the verified tips
    with that result or outcome."""
    by_result = tuple(
        Figure(
            f"tips.result_{result.value}",
            format_lazy(gettext_lazy("Tips verified: {result}"), result=result.label),
            PIECES,
            gettext_lazy("Of the tips verified in the period, those with this result."),
            "tips",
            lambda f, key=result.value: f.by_result[key],
            drill_list="tips:list",
            drill={"figure": "verified", "result": result.value},
        )
        for result in tip_choices.Result
    )
    by_outcome = tuple(
        Figure(
            f"tips.outcome_{outcome.value}",
            format_lazy(gettext_lazy("Tips verified: {outcome}"), outcome=outcome.label),
            PIECES,
            gettext_lazy("Of the tips verified in the period, those with this outcome."),
            "tips",
            lambda f, key=outcome.value: f.by_outcome[key],
            drill_list="tips:list",
            drill={"figure": "verified", "outcome": outcome.value},
        )
        for outcome in tip_choices.Outcome
    )
    return by_result + by_outcome


def _tip_measures() -> tuple[Figure, ...]:
    """The outcome counts summed over the tips verified in the period: their link lists those tips
    (a sum, not a count of rows)."""
    return tuple(
        Figure(
            f"tips.measure_{name}",
            label,
            PIECES if name == "criminal_cases" else PERSONS,
            gettext_lazy("Summed over the tips verified in the period, as their handlers recorded it."),
            "tips",
            lambda f, key=name: f.measures[key],
            drill_list="tips:list",
            drill={"figure": "verified"},
        )
        for name, label in tip_choices.MEASURES.items()
    )


def _activity_kinds() -> tuple[Figure, ...]:
    return tuple(
        Figure(
            f"activities.{kind.value}",
            format_lazy(gettext_lazy("Activities: {kind}"), kind=kind.label),
            TIMES,
            gettext_lazy("Activities of this kind held in the period."),
            "supervision",
            _activities_of(kind.value),
            drill_list="tasks:activities",
            drill={"kind": kind.value},
        )
        for kind in ActivityKind
    )


_ = gettext_lazy
PIECES, PERCENT, DAY_UNIT, POINTS, TIMES = _("cases"), _("per cent"), _("days"), _("points"), _("times")
PERSONS = _("persons")
FIGURES: tuple[Figure, ...] = (
    Figure(
        "disputes.found",
        _("Disputes found"),
        PIECES,
        _("Disputes registered in the period (摸排), cases merged into another left out."),
        "disputes",
        lambda f: f.found,
        drill={"figure": "found"},
    ),
    Figure(
        "disputes.resolved",
        _("Disputes resolved"),
        PIECES,
        _("Of the disputes found in the period, those closed as resolved before it ends (化解)."),
        "disputes",
        lambda f: f.resolved,
        drill={"figure": "resolved"},
    ),
    Figure(
        "disputes.resolution_rate",
        _("Resolution rate"),
        PERCENT,
        _("Disputes resolved divided by disputes found in the period (化解率)."),
        "disputes",
        lambda f: f.resolution_rate,
        kind=RATE,
        drill={"figure": "resolved"},
    ),
    Figure(
        "disputes.resolved_village",
        _("Resolved in the village"),
        PIECES,
        _("Of the disputes resolved, those the village (or its grid) resolved."),
        "disputes",
        _level("village"),
        drill={"figure": "resolved", "resolved_level": "village"},
    ),
    Figure(
        "disputes.resolved_township",
        _("Resolved in the township"),
        PIECES,
        _("Of the disputes resolved, those the township resolved."),
        "disputes",
        _level("township"),
        drill={"figure": "resolved", "resolved_level": "township"},
    ),
    Figure(
        "disputes.resolved_county",
        _("Resolved in the county"),
        PIECES,
        _("Of the disputes resolved, those the county resolved."),
        "disputes",
        _level("county"),
        drill={"figure": "resolved", "resolved_level": "county"},
    ),
    Figure(
        "disputes.not_passed_upward",
        _("Resolved where they arose"),
        PIECES,
        _("Of the disputes resolved, those resolved at the level where they arose (矛盾不上交)."),
        "disputes",
        lambda f: f.not_passed_upward,
        drill={"figure": "not_passed_upward"},
    ),
    Figure(
        "disputes.not_passed_upward_share",
        _("Share resolved where they arose"),
        PERCENT,
        _("Disputes resolved where they arose divided by disputes resolved."),
        "disputes",
        lambda f: f.not_passed_upward_share,
        kind=RATE,
        drill={"figure": "not_passed_upward"},
    ),
    Figure(
        "disputes.escalated",
        _("Disputes escalated"),
        PIECES,
        _("Of the disputes found in the period, those passed up a level before it ends."),
        "disputes",
        lambda f: f.escalated,
        drill={"figure": "escalated"},
    ),
    Figure(
        "disputes.urged",
        _("Reminders sent"),
        TIMES,
        _("Reminders (催办) a unit above sent to the handlers in the period, on any case of the region."),
        "disputes",
        lambda f: f.urged,
    ),
    Figure(
        "disputes.overdue",
        _("Disputes overdue now"),
        PIECES,
        _("Open disputes past their time limit at this moment, whenever registered."),
        "disputes",
        lambda f: f.overdue_now,
        moment=True,
        drill={"overdue": "on"},
    ),
    Figure(
        "disputes.average_days_to_resolve",
        _("Average days to resolve"),
        DAY_UNIT,
        _("Mean time from registration to resolution of the disputes resolved, in days."),
        "disputes",
        lambda f: f.average_days_to_resolve,
        kind=DAYS,
        drill={"figure": "resolved"},
    ),
    Figure(
        "events.reported",
        _("Grid events reported"),
        PIECES,
        _("Grid events reported in the period, those later made disputes included."),
        "events",
        lambda f: f.reported,
        drill_list="events:list",
        drill={"figure": "reported"},
    ),
    Figure(
        "events.filed",
        _("Grid events filed"),
        PIECES,
        _("Of the grid events reported in the period, those filed as cases (立案) before it ends."),
        "events",
        lambda f: f.filed,
        drill_list="events:list",
        drill={"figure": "filed"},
    ),
    Figure(
        "events.closed",
        _("Grid events closed"),
        PIECES,
        _("Of the grid events reported in the period, those verified on site and closed before it ends."),
        "events",
        lambda f: f.closed,
        drill_list="events:list",
        drill={"figure": "closed"},
    ),
    Figure(
        "events.handled_on_time_rate",
        _("Grid events handled on time"),
        PERCENT,
        _("Of the grid events whose handling ended in the period, the share handled within the limit."),
        "events",
        _stage("handle"),
        kind=RATE,
        drill_list="events:list",
        drill={"figure": "handled_on_time"},
    ),
    Figure(
        "events.average_satisfaction",
        _("Average satisfaction"),
        POINTS,
        _("Mean of the reporters' evaluations (1 to 5) of the grid events reported in the period."),
        "events",
        lambda f: f.average_satisfaction,
        kind=SCORE,
        drill_list="events:list",
        drill={"figure": "evaluated"},
    ),
    Figure(
        "tips.received",
        _("Tips received"),
        PIECES,
        _("Tips (线索) registered in the period."),
        "tips",
        lambda f: f.received,
        drill_list="tips:list",
        drill={"figure": "received"},
    ),
    Figure(
        "tips.verified",
        _("Tips verified"),
        PIECES,
        _("Tips whose verification ended in the period, whenever received."),
        "tips",
        lambda f: f.verified,
        drill_list="tips:list",
        drill={"figure": "verified"},
    ),
    Figure(
        "tips.verified_on_time",
        _("Tips verified on time"),
        PIECES,
        _("Of the tips verified in the period, those verified by their deadline."),
        "tips",
        lambda f: f.verified_on_time,
        drill_list="tips:list",
        drill={"figure": "verified_on_time"},
    ),
    Figure(
        "tips.overdue",
        _("Tips overdue now"),
        PIECES,
        _("Tips still being verified whose deadline has passed at this moment."),
        "tips",
        lambda f: f.overdue_now,
        moment=True,
        drill_list="tips:list",
        drill={"overdue": "on"},
    ),
    *_tip_results(),
    *_tip_measures(),
    Figure(
        "tips.batches_cleared",
        _("Tip batches cleared"),
        PIECES,
        _("Transferred batches of tips cleared (清零, every tip closed) in the period."),
        "tips",
        lambda f: f.batches_cleared,
        drill_list="tips:batches",
        drill={"figure": "cleared"},
    ),
    Figure(
        "tips.batches_cleared_on_time",
        _("Tip batches cleared on time"),
        PIECES,
        _("Of the batches cleared in the period, those cleared by the batch's deadline."),
        "tips",
        lambda f: f.batches_cleared_on_time,
        drill_list="tips:batches",
        drill={"figure": "cleared_on_time"},
    ),
    Figure(
        "meetings.held",
        _("Meetings held"),
        PIECES,
        _("Meetings held in the period, of every kind."),
        "supervision",
        lambda f: f.meetings,
        drill_list="tasks:meetings",
    ),
    Figure(
        "meetings.decisions",
        _("Meeting decisions"),
        PIECES,
        _("Decisions taken at the meetings held in the period."),
        "supervision",
        lambda f: f.decisions,
        # The meetings that took them: each meeting's page lists its decisions.
        drill_list="tasks:meetings",
    ),
    Figure(
        "tasks.assigned",
        _("Supervised tasks assigned"),
        PIECES,
        _("Supervised tasks (督办) assigned in the period to units in the region."),
        "supervision",
        lambda f: f.tasks_assigned,
        drill_list="tasks:list",
        drill={"figure": "assigned"},
    ),
    Figure(
        "tasks.accepted",
        _("Supervised tasks completed"),
        PIECES,
        _("Supervised tasks accepted as done in the period, whenever assigned."),
        "supervision",
        lambda f: f.tasks_accepted,
        drill_list="tasks:list",
        drill={"figure": "accepted"},
    ),
    Figure(
        "tasks.on_time_rate",
        _("Supervised tasks done on time"),
        PERCENT,
        _("Of the tasks accepted as done in the period, the share reported done within the limit."),
        "supervision",
        lambda f: f.on_time_rate,
        kind=RATE,
        drill_list="tasks:list",
        drill={"figure": "accepted_on_time"},
    ),
    Figure(
        "tasks.overdue",
        _("Supervised tasks overdue now"),
        PIECES,
        _("Unfinished supervised tasks past their time limit at this moment."),
        "supervision",
        lambda f: f.overdue_now,
        moment=True,
        drill_list="tasks:list",
        drill={"supervision": "red"},
    ),
    Figure(
        "reports.submitted",
        _("Major-matter reports made"),
        PIECES,
        _("Major-matter reports (请示报告) made to the county committee in the period."),
        "supervision",
        lambda f: f.reports,
        drill_list="tasks:reports",
        drill={"figure": "submitted"},
    ),
    Figure(
        "reports.acknowledged",
        _("Major-matter reports acknowledged"),
        PIECES,
        _("Of the reports made in the period, those the committee acknowledged before it ends."),
        "supervision",
        lambda f: f.reports_acknowledged,
        drill_list="tasks:reports",
        drill={"figure": "acknowledged"},
    ),
    Figure(
        "activities.held",
        _("Activities held"),
        TIMES,
        _("Trainings, competitions, awards won, publicity events and inspections in the period."),
        "supervision",
        lambda f: f.activities,
        drill_list="tasks:activities",
    ),
    *_activity_kinds(),
    Figure(
        "joint.cases",
        _("Joint cases with neighbouring counties"),
        PIECES,
        _("Cases handled jointly with a neighbouring county (联调联处); counted once joint cases are built."),
        None,
    ),
)
del _
BY_NAME = {figure.name: figure for figure in FIGURES}


@dataclass(frozen=True)
class FigureValue:
    figure: Figure
    value: float | int | None
    previous: float | int | None
    last_year: float | int | None
    counted: bool  # False: the kind is not built yet

    @property
    def display(self) -> str:
        return show(self.figure, self.value, counted=self.counted)

    @property
    def previous_display(self) -> str:
        return show(self.figure, self.previous, counted=self.counted and not self.figure.moment)

    @property
    def last_year_display(self) -> str:
        return show(self.figure, self.last_year, counted=self.counted and not self.figure.moment)

    @property
    def change(self) -> float | int | None:
        """Value minus previous: cases for counts, percentage points for rates."""
        return _difference(self.figure, self.value, self.previous)

    @property
    def change_display(self) -> str:
        return _signed(self.figure, self.change)

    @property
    def change_on_last_year(self) -> float | int | None:
        return _difference(self.figure, self.value, self.last_year)

    @property
    def change_on_last_year_display(self) -> str:
        return _signed(self.figure, self.change_on_last_year)

    def as_dict(self) -> dict:
        f = self.figure
        return {
            "name": f.name,
            "label": str(f.label),
            "unit": str(f.unit),
            "definition": str(f.definition),
            "counted": self.counted,
            "moment": f.moment,
            "value": self.value,
            "previous": self.previous,
            "last_year": self.last_year,
            "change": self.change,
            "value_display": self.display,
            "previous_display": self.previous_display,
            "last_year_display": self.last_year_display,
            "change_display": self.change_display,
        }


@dataclass(frozen=True)
class Sheet:
    """Every figure for one region and period, with the periods compared."""

    period: Period
    previous: Period
    last_year: Period
    region: str | None
    values: tuple[FigureValue, ...]
    disputes: metrics.DisputeFigures  # the period's dispute figures, for the dashboard's breakdowns
    # The period's supervision figures, for the work report's table of meetings by kind.
    supervision: metrics.SupervisionFigures | None = None

    def value(self, name: str) -> FigureValue:
        """The value of the figure named `name` (KeyError for a name not in the catalogue)."""
        for value in self.values:
            if value.figure.name == name:
                return value
        raise KeyError(name)


def values(user, period: Period, *, region: str | None = None, now: dt.datetime | None = None) -> Sheet:
    """Every figure of the catalogue for `period`, its previous period and the same period last
    year, in the user's jurisdiction narrowed to `region` (the caller checks the region is theirs)."""
    previous, last_year = period.previous(), period.last_year()
    computed = _compute(user, list(dict.fromkeys((period, previous, last_year))), region, now)
    rows = []
    for figure in FIGURES:
        if figure.source is None:
            rows.append(FigureValue(figure, None, None, None, counted=False))
            continue

        def read(p: Period, figure: Figure = figure):
            return figure.read(computed[p][figure.source])

        earlier = (None, None) if figure.moment else (read(previous), read(last_year))
        rows.append(FigureValue(figure, read(period), *earlier, counted=True))
    return Sheet(
        period,
        previous,
        last_year,
        region,
        tuple(rows),
        computed[period]["disputes"],
        computed[period]["supervision"],
    )


def _compute(user, periods: list[Period], region: str | None, now: dt.datetime | None) -> dict:
    """Each source's figures for each period: {period: {source: figures}}. Each source reads all
    the periods together (what they share is read once, each table in one pass)."""
    out: dict = {p: {} for p in periods}
    bounds = [(p.start, p.end) for p in periods]
    for name, function in SOURCES.items():
        # Grid events have no figure about the moment they are asked.
        kwargs = {"region": region} if name == "events" else {"region": region, "now": now}
        for p, figures in zip(periods, function(user, bounds, **kwargs), strict=True):
            out[p][name] = figures
    return out


def show(figure: Figure, value, *, counted: bool = True) -> str:
    """A value as people read it: 12, 96.5%, 8.5; "—" for none; 尚未统计 for a kind not built yet."""
    if not counted:
        return str(NOT_COUNTED) if figure.source is None else metrics.NO_RATE
    if value is None:
        return metrics.NO_RATE
    if figure.kind == RATE:
        return f"{_one_decimal(value * 100)}%"
    if figure.kind in (DAYS, SCORE):
        return str(_one_decimal(value))
    return str(value)


def _difference(figure: Figure, value, earlier):
    if value is None or earlier is None:
        return None
    if figure.kind == RATE:
        return float(_one_decimal((value - earlier) * 100))
    if figure.kind in (DAYS, SCORE):
        return float(_one_decimal(value - earlier))
    return value - earlier


def _signed(figure: Figure, change) -> str:
    if change is None:
        return metrics.NO_RATE
    sign = "+" if change > 0 else ""
    if figure.kind == RATE:
        return gettext("%(change)s points") % {"change": f"{sign}{change}"}
    return f"{sign}{change}"


def _one_decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(metrics.ONE_DECIMAL, rounding=ROUND_HALF_UP)
