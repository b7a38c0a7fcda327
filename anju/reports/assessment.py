"""The township assessment page's table: the scores of anju.reports.metrics.township_assessment
as rows of cells, each count linking to its cases, and the same rows for the XLSX. Nothing here
counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import drill, metrics
from .periods import Period

LABELS = {
    "resolution": gettext_lazy("Resolution rate"),
    "where_arose": gettext_lazy("Share resolved where they arose"),
    "on_time": gettext_lazy("On-time rate"),
    "overdue": gettext_lazy("Share past the time limit"),
    "repeat": gettext_lazy("Share reopened"),
}


@dataclass(frozen=True)
class Cell:
    text: str
    url: str | None = None


def columns(assessment: metrics.Assessment) -> list[tuple[str, object, int]]:
    """(key, label, weight) of each indicator, in the table's order."""
    return [(key, LABELS[key], assessment.weights[key]) for key, *_rest in metrics.ASSESSMENT_INDICATORS]


def rows(assessment: metrics.Assessment, period: Period) -> list[tuple[metrics.TownshipScore, Cell, list]]:
    """Each township with its found cell and, per indicator, (indicator, label, count cell, base cell)."""

    def cell(code: str, value: int, figure: str) -> Cell:
        return Cell(str(value), drill.dispute_list_url(period.start, period.end, code, figure=figure))

    return [
        (
            row,
            cell(row.code, row.found, "found"),
            [
                (
                    i,
                    LABELS[i.key],
                    cell(row.code, i.count, i.count_figure),
                    cell(row.code, i.base, i.base_figure),
                )
                for i in row.indicators
            ],
        )
        for row in assessment.rows
    ]


def sheet(assessment: metrics.Assessment) -> tuple[list[str], list[list]]:
    """Headers and rows of the XLSX: every number the page shows, one column each."""
    headers = [_("rank"), _("township"), _("region code"), _("disputes found")]
    for key, *_rest in metrics.ASSESSMENT_INDICATORS:
        label = str(LABELS[key])
        headers += [
            f"{label}: {_('counted')}",
            f"{label}: {_('of')}",
            label,
            f"{label}: {_('credit')}",
            f"{label}: {_('weight')}",
        ]
    headers.append(_("score"))
    out = []
    for row in assessment.rows:
        line = [row.rank if row.rank else _("not ranked"), row.name, row.code, row.found]
        for i in row.indicators:
            line += [i.count, i.base, i.rate_display, i.credit_display, i.weight]
        line.append(row.score_display)
        out.append(line)
    return headers, out
