"""Pages of the working calendar: a year's holidays and make-up working days for everyone who sees
regions; setting, clearing and importing days for administrators."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anju.core import tabular
from anju.core.forms import ImportForm
from anju.core.views import post_only, role_required, show_errors

from . import actions, queries
from .calendar import WorkingCalendar, working_hours
from .forms import YEAR_MAX, YEAR_MIN, DayForm
from .importing import CALENDAR

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bad_request(request, message: str):
    return render(request, "worktime/bad_request.html", {"message": message}, status=400)


def _year_url(year: int) -> str:
    return f"{reverse('worktime:calendar')}?year={year}"


def _render_year(request, year: int, *, day_form=None, import_form=None, status: int = 200):
    days = list(queries.days_of_year(year))
    # The year's own overrides are all a count inside the year needs: no second query.
    calendar = WorkingCalendar({d.day: d.kind for d in days})
    can_change = actions.may_change_calendar(request.user)
    return render(
        request,
        "worktime/calendar.html",
        {
            "year": year,
            "previous_year": year - 1 if year > YEAR_MIN else None,
            "next_year": year + 1 if year < YEAR_MAX else None,
            "days": days,
            "working_days": calendar.working_days_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31)),
            "holidays": sum(1 for d in days if not d.is_workday),
            "makeup_days": sum(1 for d in days if d.is_workday),
            "periods": working_hours(),
            "can_change": can_change,
            "day_form": day_form or (DayForm(initial={"day": _default_day(year)}) if can_change else None),
            "import_form": import_form or (ImportForm() if can_change else None),
        },
        status=status,
    )


def _default_day(year: int) -> dt.date:
    today = timezone.localdate()
    return today if today.year == year else dt.date(year, 1, 1)


@require_GET
@role_required("region.view")
def calendar_year(request):
    text = request.GET.get("year", "").strip()
    if not text:
        return _render_year(request, timezone.localdate().year)
    if not (text.isascii() and text.isdigit()) or not YEAR_MIN <= int(text) <= YEAR_MAX:
        message = _("%(value)s is not a year between %(min)d and %(max)d.")
        return _bad_request(request, message % {"value": text[:20], "min": YEAR_MIN, "max": YEAR_MAX})
    return _render_year(request, int(text))


@post_only
@role_required("region.change")
def calendar_day_set(request):
    form = DayForm(request.POST)
    year = timezone.localdate().year
    if form.is_valid():
        data = form.cleaned_data
        year = data["day"].year
        try:
            entry = actions.set_day(request.user, data["day"], data["kind"], data["name"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            message = _("Saved: %(day)s, %(kind)s.")
            messages.success(
                request, message % {"day": entry.day.isoformat(), "kind": entry.get_kind_display()}
            )
            return redirect(_year_url(entry.day.year))
    return _render_year(request, year, day_form=form, status=400)


@post_only
@role_required("region.change")
def calendar_day_delete(request, day: str):
    try:
        if not ISO_DAY.match(day):
            raise ValueError
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        return _bad_request(request, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": day[:20]})
    if actions.clear_day(request.user, parsed):
        messages.success(request, _("%(day)s follows the usual week again.") % {"day": parsed.isoformat()})
    else:
        messages.info(
            request, _("%(day)s had no holiday or make-up working day.") % {"day": parsed.isoformat()}
        )
    year = parsed.year if YEAR_MIN <= parsed.year <= YEAR_MAX else timezone.localdate().year
    return redirect(_year_url(year))


@role_required("region.change")
def calendar_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = tabular.read_table(upload.read(), upload.name, CALENDAR)
        except tabular.TableError as error:
            form.add_error("file", str(error))
        else:
            report = actions.import_days(request.user, table, filename=upload.name)
            if report.ok:
                messages.success(
                    request,
                    _(
                        "Imported %(first)s to %(last)s: %(created)d new, %(updated)d changed, "
                        "%(unchanged)d unchanged."
                    )
                    % {
                        "first": report.first.isoformat(),
                        "last": report.last.isoformat(),
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                    },
                )
                year = report.first.year if YEAR_MIN <= report.first.year <= YEAR_MAX else None
                return redirect(_year_url(year) if year else reverse("worktime:calendar"))
    status = 400 if request.method == "POST" else 200  # a successful import has redirected
    context = {
        "form": form,
        "report": report,
        "sheet": CALENDAR,
        "template_url": reverse("worktime:import_template"),
    }
    return render(request, "worktime/import.html", context, status=status)


@role_required("region.change")
def calendar_import_template(request):
    """The calendar's template: date, kind and name, with a public holiday as its example."""
    return CALENDAR.template_response("calendar-template.xlsx")
