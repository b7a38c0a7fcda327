from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.dates import check_day_order

from .choices import (
    AgreementKind,
    Category,
    Channel,
    HandlingLevel,
    PartyKind,
    PartyRole,
    Performance,
    Remedy,
    Risk,
    Status,
    TransferBody,
)

DATE = forms.DateInput(attrs={"type": "date"})


class DisputeForm(forms.Form):
    region = forms.ChoiceField(label=_("where it arose"))
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    subtype = forms.ModelChoiceField(label=_("subtype"), queryset=None, required=False)
    title = forms.CharField(label=_("summary"), max_length=100)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 4}))
    location = forms.CharField(label=_("location"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("amount in dispute (yuan)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    people_involved = forms.IntegerField(label=_("people involved"), min_value=1, initial=2)
    risk = forms.ChoiceField(label=_("risk"), choices=Risk.choices, initial=Risk.GENERAL)
    may_turn_criminal = forms.BooleanField(
        label=_("may turn into a public-order or criminal case"), required=False
    )
    confirm_new = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name} {r.code}") for r in regions]
        from .models import Subtype

        self.fields["subtype"].queryset = Subtype.objects.filter(active=True)


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("role in the dispute"), choices=PartyRole.choices)
    kind = forms.ChoiceField(label=_("kind"), choices=PartyKind.choices, initial=PartyKind.PERSON)
    name = forms.CharField(label=_("name"), max_length=100)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("identity number"), max_length=20, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)


PartyFormSet = forms.formset_factory(PartyForm, extra=2, min_num=1, validate_min=True, max_num=20)


WORK_LIST_LABELS = {"to_accept": _("To accept"), "to_mediate": _("To mediate"), "to_visit": _("To visit")}


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[("", "—"), *Status.choices], required=False)
    category = forms.ChoiceField(label=_("category"), choices=[("", "—"), *Category.choices], required=False)
    handling_level = forms.ChoiceField(
        label=_("handling level"), choices=[("", "—"), *HandlingLevel.choices], required=False
    )
    risk = forms.ChoiceField(label=_("risk"), choices=[("", "—"), *Risk.choices], required=False)
    channel = forms.ChoiceField(label=_("channel"), choices=[("", "—"), *Channel.choices], required=False)
    region = forms.CharField(label=_("region code"), max_length=17, required=False)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    date_from = forms.DateField(label=_("registered from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("registered to"), required=False, widget=DATE)
    q = forms.CharField(label=_("number or summary"), max_length=50, required=False)
    # A list of "my work" in full: its "see all" link lands here.
    queue = forms.ChoiceField(
        label=_("My work"), choices=[("", "—"), *WORK_LIST_LABELS.items()], required=False
    )

    def clean(self):
        data = super().clean()
        try:
            check_day_order(data.get("date_from"), data.get("date_to"))
        except ValueError as error:
            self.add_error("date_to", str(error))
        return data


class Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AcceptForm(Versioned):
    mediators = forms.MultipleChoiceField(label=_("mediators"), widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("note"), required=False, max_length=500)

    def __init__(self, *args, mediators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].choices = [(str(u.pk), u.display_name) for u in mediators]


class SessionForm(Versioned):
    held_on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    place = forms.CharField(label=_("place"), max_length=200)
    participants = forms.CharField(label=_("participants"), max_length=500)
    record_text = forms.CharField(label=_("what was said"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.CharField(label=_("outcome"), max_length=500, required=False)


class AgreementForm(Versioned):
    kind = forms.ChoiceField(label=_("kind"), choices=AgreementKind.choices)
    facts = forms.CharField(label=_("facts and responsibilities"), widget=forms.Textarea(attrs={"rows": 3}))
    terms = forms.CharField(label=_("what was agreed"), widget=forms.Textarea(attrs={"rows": 3}))
    performance = forms.CharField(label=_("how it is performed"), widget=forms.Textarea(attrs={"rows": 2}))
    perform_by = forms.DateField(label=_("performed by"), widget=DATE, required=False)
    signed_on = forms.DateField(
        label=_("in effect from (all signed)"), widget=DATE, initial=timezone.localdate
    )


class FailureForm(Versioned):
    reason = forms.CharField(label=_("why it failed"), widget=forms.Textarea(attrs={"rows": 3}))
    remedies = forms.MultipleChoiceField(
        label=_("remedies"), choices=Remedy.choices, widget=forms.CheckboxSelectMultiple
    )
    notified_on = forms.DateField(label=_("parties told on"), widget=DATE, initial=timezone.localdate)


class ReasonForm(Versioned):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class VisitForm(Versioned):
    visited_on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    performance = forms.ChoiceField(label=_("performance of the agreement"), choices=Performance.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NoteForm(Versioned):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AssignDownForm(Versioned):
    level = forms.ChoiceField(label=_("handling level"), choices=HandlingLevel.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TransferForm(Versioned):
    body = forms.ChoiceField(label=_("transferred to"), choices=TransferBody.choices)
    body_name = forms.CharField(label=_("name of the receiving body"), max_length=100)
    receipt_number = forms.CharField(label=_("receipt number"), max_length=50)
    received_on = forms.DateField(label=_("received on"), widget=DATE, initial=timezone.localdate)


class MergeForm(Versioned):
    into = forms.CharField(label=_("case number of the case that goes on"), max_length=20)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("file"))
    description = forms.CharField(label=_("description"), max_length=200, required=False)


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(label=_("extra working days"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("phone", "phone"), ("id_number", "id_number")])
    purpose = forms.CharField(label=_("why you need it"), min_length=2, max_length=200)
