"""The forms of the tip pages; the API's schemas take the same limits (choices.py)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.forms import DateInput, DayRange

from .choices import (
    CONTENT_MAX,
    MEASURE_MAX,
    MEASURES,
    NOTE_MAX,
    Outcome,
    Result,
    SourceKind,
    Status,
    SubjectKind,
)


class Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteForm(Versioned):
    note = forms.CharField(
        label=_("note"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RequiredNoteForm(Versioned):
    note = forms.CharField(label=_("note"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(Versioned):
    unit = forms.ChoiceField(label=_("handling unit"))
    handler = forms.ChoiceField(label=_("handler"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, units=(), handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, f"{u.name} {u.code}") for u in units]
        self.fields["handler"].choices = [(str(h.pk), h.display_name) for h in handlers]


class VerifyForm(Versioned):
    result = forms.ChoiceField(label=_("result"), choices=Result.choices)
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices)
    police_case_number = forms.CharField(label=_("police case number"), max_length=50, required=False)
    note = forms.CharField(
        label=_("note"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in MEASURES.items():
            self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=MEASURE_MAX, initial=0)


class TipForm(forms.Form):
    region = forms.ChoiceField(label=_("region"))
    source_kind = forms.ChoiceField(label=_("source"), choices=SourceKind.choices)
    received_on = forms.DateField(label=_("received on"), widget=DateInput, initial=timezone.localdate)
    content = forms.CharField(
        label=_("content"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    subject_kind = forms.ChoiceField(label=_("reported subject is"), choices=SubjectKind.choices)
    subject_name = forms.CharField(label=_("reported subject"), max_length=200)
    subject_details = forms.CharField(label=_("about the subject"), max_length=1000, required=False)
    anonymous = forms.BooleanField(label=_("anonymous"), required=False)
    informant_name = forms.CharField(label=_("informant's name"), max_length=100, required=False)
    informant_contact = forms.CharField(label=_("informant's contact"), max_length=100, required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name} {r.code}") for r in regions]


class BatchForm(forms.Form):
    source_kind = forms.ChoiceField(
        label=_("source"),
        choices=[
            (k, label)
            for k, label in SourceKind.choices
            if k in {SourceKind.HIGHER_AUTHORITY, SourceKind.INSPECTION_TEAM, SourceKind.NATIONAL_PLATFORM}
        ],
    )
    reference = forms.CharField(label=_("the source's reference"), max_length=64)
    received_on = forms.DateField(label=_("received on"), widget=DateInput, initial=timezone.localdate)
    deadline = forms.DateField(label=pgettext_lazy("tip batch", "deadline"), widget=DateInput)
    region = forms.ChoiceField(label=_("received by"))
    file = forms.FileField(
        label=_("the batch's spreadsheet"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name} {r.code}") for r in regions]


class FilterForm(DayRange, forms.Form):
    status = forms.ChoiceField(
        label=_("status"), choices=[("", pgettext_lazy("filter", "All")), *Status.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("source"), choices=[("", pgettext_lazy("filter", "All")), *SourceKind.choices], required=False
    )
    open = forms.BooleanField(label=_("open cases only"), required=False)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    date_from = forms.DateField(label=_("registered from"), widget=DateInput, required=False)
    date_to = forms.DateField(label=_("registered to"), widget=DateInput, required=False)
    q = forms.CharField(label=_("tip number"), max_length=24, required=False)
    region = forms.RegexField(label=_("region code"), regex=r"^\d{6,17}$", required=False, max_length=17)
    # A figure of the statistics opens here as its tips.
    figure = forms.ChoiceField(
        label=_("counted as"),
        choices=[
            ("", "—"),
            ("received", _("registered in the period")),
            ("verified", _("verified in the period")),
            ("verified_on_time", _("verified in the period by the deadline")),
        ],
        required=False,
    )

    result = forms.ChoiceField(
        label=_("result"), choices=[("", pgettext_lazy("filter", "All")), *Result.choices], required=False
    )
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=[("", pgettext_lazy("filter", "All")), *Outcome.choices], required=False
    )


class RevealForm(forms.Form):
    purpose = forms.CharField(label=_("why you need it"), min_length=2, max_length=200)


class SourceDaysForm(forms.Form):
    verification_days = forms.IntegerField(label=_("days to verify"), min_value=1, max_value=365)


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(label=_("extra working days"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("file"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"})
    )
    description = forms.CharField(label=pgettext_lazy("attachment", "note"), max_length=200, required=False)


class BatchFilterForm(DayRange, forms.Form):
    """The batch list's filters: a figure of the statistics opens here as its batches."""

    figure = forms.ChoiceField(
        label=_("counted as"),
        choices=[
            ("", "—"),
            ("cleared", _("cleared in the period")),
            ("cleared_on_time", _("cleared on time")),
        ],
        required=False,
    )
    date_from = forms.DateField(label=_("cleared from"), widget=DateInput, required=False)
    date_to = forms.DateField(label=_("cleared to"), widget=DateInput, required=False)
    region = forms.RegexField(label=_("region code"), regex=r"^\d{6,17}$", required=False, max_length=17)
