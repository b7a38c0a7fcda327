"""The forms of the supervision pages; their limits are the API schemas' (choices.py)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.forms import DateInput, DayRange

from .choices import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    ActivityKind,
    MeetingKind,
    Origin,
    Supervision,
    TaskStatus,
    Urgency,
)


class MeetingForm(forms.Form):
    region = forms.ChoiceField(label=_("held by"))
    kind = forms.ChoiceField(label=_("kind of meeting"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX)
    topics = forms.CharField(label=_("topics"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    attendees = forms.CharField(
        label=_("attendees"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Units and offices, as the minutes list them."),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(u.code, f"{u.name} {u.code}") for u in units]


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("decision"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("file"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"})
    )
    description = forms.CharField(label=pgettext_lazy("attachment", "note"), max_length=200, required=False)


class TaskForm(forms.Form):
    assigner_unit = forms.ChoiceField(label=_("assigned by"))
    unit = forms.CharField(
        label=_("assigned to"), max_length=17, help_text=_("The code of the unit: yours or one below it.")
    )
    title = forms.CharField(label=_("task"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("what is to be done"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=pgettext_lazy("task", "deadline"), widget=DateInput)
    origin = forms.ChoiceField(label=_("origin"), choices=Origin.choices)
    source_note = forms.CharField(label=_("source"), max_length=200, required=False)
    decision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    report = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rectification = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigner_unit"].choices = [(u.code, f"{u.name} {u.code}") for u in units]


class Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(Versioned):
    note = forms.CharField(
        label=_("note"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(Versioned):
    reason = forms.CharField(
        label=_("reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProgressForm(Versioned):
    progress = forms.CharField(
        label=_("what has been done"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label=_("file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(label=_("extra working days"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


def _blank(choices) -> list:
    return [("", "—"), *choices]


class TaskFilterForm(DayRange, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=_blank(TaskStatus.choices), required=False)
    origin = forms.ChoiceField(label=_("origin"), choices=_blank(Origin.choices), required=False)
    supervision = forms.ChoiceField(
        label=_("supervision"), choices=_blank(Supervision.choices), required=False
    )
    open = forms.BooleanField(label=_("open cases only"), required=False)
    region = forms.RegexField(label=_("region code"), regex=r"^\d{6,17}$", required=False, max_length=17)
    q = forms.CharField(label=_("task"), max_length=50, required=False)
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to (inclusive)"), required=False, widget=DateInput)
    # A figure of the statistics opens here as its tasks: the days are when they were assigned, or
    # accepted as done for the figures of completed tasks.
    figure = forms.ChoiceField(
        label=_("counted as"),
        choices=[
            ("", "—"),
            ("assigned", _("assigned in the period")),
            ("accepted", _("accepted as done in the period")),
            ("accepted_on_time", _("accepted as done in the period, done on time")),
        ],
        required=False,
    )


class MeetingFilterForm(DayRange, forms.Form):
    kind = forms.ChoiceField(label=_("kind of meeting"), choices=_blank(MeetingKind.choices), required=False)
    region = forms.RegexField(label=_("region code"), regex=r"^\d{6,17}$", required=False, max_length=17)
    date_from = forms.DateField(label=_("held from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("held to"), required=False, widget=DateInput)


class UnitChoiceForm(forms.Form):
    """A form whose first field is a unit chosen from those the person may act for."""

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(u.code, f"{u.name} {u.code}") for u in units]


class ReportForm(UnitChoiceForm):
    region = forms.ChoiceField(label=_("reporting unit"))
    title = forms.CharField(label=_("matter"), max_length=TITLE_MAX)
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices)
    content = forms.CharField(
        label=_("report"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )


class AnswerForm(forms.Form):
    instruction = forms.CharField(
        label=_("instructions"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to acknowledge the report only."),
    )


class ReviewForm(UnitChoiceForm):
    region = forms.ChoiceField(label=_("unit"))
    document = forms.CharField(label=_("document"), max_length=200)
    reference = forms.CharField(label=_("document number"), max_length=50, required=False)
    reviewer = forms.CharField(label=_("reviewed by"), max_length=100)
    reviewed_at = forms.DateTimeField(
        label=_("reviewed at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    instruction = forms.CharField(
        label=_("instructions"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActivityForm(UnitChoiceForm):
    region = forms.ChoiceField(label=_("region"))
    kind = forms.ChoiceField(label=_("kind of activity"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX)
    organiser = forms.CharField(label=_("organiser"), max_length=100)
    participants = forms.IntegerField(label=_("participants"), min_value=0, max_value=1_000_000, initial=0)
    note = forms.CharField(
        label=_("note"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActivityFilterForm(DayRange, forms.Form):
    kind = forms.ChoiceField(
        label=_("kind of activity"), choices=_blank(ActivityKind.choices), required=False
    )
    region = forms.RegexField(label=_("region code"), regex=r"^\d{6,17}$", required=False, max_length=17)
    date_from = forms.DateField(label=_("held from"), widget=DateInput, required=False)
    date_to = forms.DateField(label=_("held to"), widget=DateInput, required=False)


class ReportFilterForm(DayRange, forms.Form):
    """The major-matter report list's filters; a figure of the statistics opens here as its reports."""

    region = forms.RegexField(label=_("region code"), regex=r"^\d{6,17}$", required=False, max_length=17)
    date_from = forms.DateField(label=_("reported from"), widget=DateInput, required=False)
    date_to = forms.DateField(label=_("reported to"), widget=DateInput, required=False)
    figure = forms.ChoiceField(
        label=_("counted as"),
        choices=[
            ("", "—"),
            ("submitted", _("reported in the period")),
            ("acknowledged", _("acknowledged by the end of the period")),
        ],
        required=False,
    )
    waiting = forms.BooleanField(label=_("waiting for acknowledgement"), required=False)


class SheetForm(forms.Form):
    file = forms.FileField(label=_("file"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


class RectificationForm(forms.Form):
    region = forms.CharField(label=_("village"), max_length=17, help_text=_("The village's code."))
    listed_on = forms.DateField(label=_("listed on"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(
        label=_("why it is listed"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanForm(forms.Form):
    plan = forms.CharField(label=_("plan"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))
    cadre_name = forms.CharField(label=_("cadre sent to the village"), max_length=50, required=False)
    cadre_unit = forms.CharField(label=_("cadre's unit"), max_length=100, required=False)


class AcceptanceForm(forms.Form):
    note = forms.CharField(
        label=_("acceptance"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
