"""Forms of the grid event pages. The report form is built for its minor class: its extra fields
become fields of the form, of their kind."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.forms import DateInput, DayRange, MultipleFileField, MultipleFileInput, TelInput
from anju.disputes.choices import Category as DisputeCategory
from anju.disputes.forms import AttachmentForm, NoteForm, ReasonForm, Versioned
from anju.disputes.forms import ExtensionForm as DaysExtensionForm
from anju.workflow import limits
from anju.workflow.extensions import MAX_WORKING_HOURS

from .choices import DESCRIPTION_MAX, REASON_MAX, SATISFACTION, Channel, FieldKind, Status
from .models import EventClass, EventType

__all__ = ["AttachmentForm", "ExtensionForm", "NoteForm", "ReasonForm"]


FIGURE_LABELS = {
    "reported": _("reported in the period"),
    "filed": _("filed in the period"),
    "closed": _("closed in the period"),
    "handled_on_time": _("handled within the limit"),
    "evaluated": _("evaluated in the period"),
}


class FilterForm(DayRange, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[("", "—"), *Status.choices], required=False)
    event_class = forms.ChoiceField(label=_("major class"), required=False)
    event_type = forms.ChoiceField(label=_("minor class"), required=False)
    urgent = forms.BooleanField(label=_("urgent only"), required=False)
    open = forms.BooleanField(label=_("open cases only"), required=False)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    region = forms.CharField(label=_("region code"), max_length=17, required=False)
    date_from = forms.DateField(label=_("reported from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("reported to"), required=False, widget=DateInput)
    q = forms.CharField(label=_("number or summary"), max_length=50, required=False)
    # A figure of the statistics opens here as its events: the reported days are its period.
    figure = forms.ChoiceField(
        label=_("counted as"), choices=[("", "—"), *FIGURE_LABELS.items()], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_class"].choices = [("", "—"), *EventClass.objects.values_list("code", "name")]
        self.fields["event_type"].choices = [("", "—"), *EventType.objects.values_list("code", "name")]


def extra_form_field(field) -> forms.Field:
    common = {"label": field.label, "required": field.required}
    if field.kind == FieldKind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=4, **common)
    if field.kind == FieldKind.DATE:
        return forms.DateField(widget=DateInput, **common)
    if field.kind == FieldKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in field.options)], **common)
    if field.kind == FieldKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(o, o) for o in field.options], widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=500, **common)


class ReportForm(forms.Form):
    """A report from the field, for one minor class (`event_type`)."""

    region = forms.ChoiceField(label=_("grid or place"))
    title = forms.CharField(label=_("summary"), max_length=100)
    description = forms.CharField(
        label=pgettext_lazy("event", "description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    location = forms.CharField(label=_("location"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    longitude = forms.DecimalField(
        label=_("longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices, initial=Channel.GRID_WORKER)
    reporter_name = forms.CharField(label=_("reporter"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("reporter's phone"), max_length=20, required=False, widget=TelInput
    )
    photos = MultipleFileField(
        label=_("photos"), required=False, widget=MultipleFileInput(attrs={"accept": "image/*"})
    )
    # Set once the possible duplicates have been shown: report anyway.
    confirm_new = forms.BooleanField(label=_("report it as a new event"), required=False)

    def __init__(self, *args, event_type: EventType, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.event_type = event_type
        self.fields["region"].choices = [(r.code, f"{r.name} ({r.code})") for r in regions]
        if event_type.photo_required:
            self.fields["photos"].help_text = _("At least one photo.")
        self.extra_keys = []
        for field in event_type.extra_fields.all():
            name = f"extra_{field.key}"
            self.fields[name] = extra_form_field(field)
            self.extra_keys.append((name, field.key))

    def extra_values(self) -> dict:
        values = {}
        for name, key in self.extra_keys:
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            values[key] = value.isoformat() if hasattr(value, "isoformat") else value
            if not isinstance(values[key], list):
                values[key] = str(values[key])
        return values


class DispatchForm(Versioned):
    unit = forms.CharField(
        label=_("unit code"),
        max_length=17,
        required=False,
        help_text=_("Leave empty for the unit the routing rules name."),
    )
    note = forms.CharField(label=_("note"), max_length=REASON_MAX, required=False)


class HandleForm(Versioned):
    report = forms.CharField(
        label=_("what was done"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("photos"), required=False, widget=MultipleFileInput(attrs={"accept": "image/*"})
    )


class EvaluateForm(Versioned):
    satisfaction = forms.TypedChoiceField(
        label=_("reporter's satisfaction"), choices=SATISFACTION, coerce=int
    )
    centre_score = forms.IntegerField(label=_("centre's score"), min_value=1, max_value=100)
    note = forms.CharField(label=_("note"), max_length=REASON_MAX, required=False)


class ConvertForm(Versioned):
    category = forms.ChoiceField(label=_("dispute category"), choices=DisputeCategory.choices)
    party_name = forms.CharField(
        label=_("party"), max_length=100, required=False, help_text=_("Empty: the reporter.")
    )
    party_phone = forms.CharField(label=_("party's phone"), max_length=20, required=False, widget=TelInput)


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("reporter_name", "reporter_name"), ("reporter_phone", "reporter_phone")]
    )
    purpose = forms.CharField(label=_("why you need it"), min_length=2, max_length=200)


class JoinForm(forms.Form):
    description = forms.CharField(
        label=_("what you saw"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(DaysExtensionForm):
    """More time, asked in the unit the event's minor class counts its limits in."""

    working_hours = forms.IntegerField(
        label=_("extra working hours"), min_value=1, max_value=MAX_WORKING_HOURS
    )
    field_order = ["working_days", "working_hours", "reason"]

    def __init__(self, *args, unit: str = limits.DAYS, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["working_days" if unit == limits.HOURS else "working_hours"]
