"""The forms of the dispute pages. Their limits are the API schemas' (choices.py), so a page and a
device refuse the same input."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from anju.core.dates import check_day_order
from anju.core.forms import DateInput, MultipleFileField, MultipleFileInput, TelInput

from .choices import (
    DESCRIPTION_MAX,
    EXTENSION_REASON_MAX,
    PEOPLE_INVOLVED_MAX,
    REASON_MAX,
    RECORD_MAX,
    REGISTRATION_FILES_MAX,
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


class SubtypeSelect(forms.Select):
    """Each subtype says the category it counts under (data-category), so the page's script can
    offer only the chosen category's subtypes. Without the script all are offered, and a subtype
    of another category is still refused on submit."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        subtype = getattr(value, "instance", None)
        if subtype is not None:
            option["attrs"]["data-category"] = subtype.category
        return option


class DisputeForm(forms.Form):
    region = forms.ChoiceField(label=_("where it arose"))
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    subtype = forms.ModelChoiceField(
        label=_("subtype"),
        queryset=None,
        required=False,
        widget=SubtypeSelect(attrs={"data-filter-by": "id_category"}),
    )
    title = forms.CharField(label=_("summary"), max_length=100)
    description = forms.CharField(
        label=_("description"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    location = forms.CharField(label=_("location"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("amount in dispute (yuan)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    people_involved = forms.IntegerField(
        label=_("people involved"),
        min_value=1,
        max_value=PEOPLE_INVOLVED_MAX,
        initial=2,
        error_messages={"max_value": _("A dispute involves at most %(limit_value)s people.")},
    )
    risk = forms.ChoiceField(label=_("risk"), choices=Risk.choices, initial=Risk.GENERAL)
    may_turn_criminal = forms.BooleanField(
        label=_("may turn into a public-order or criminal case"), required=False
    )
    # The types add_attachment takes. No `capture`: on a phone it would open the camera only, while
    # "image/*" offers the camera, the gallery and the files, and allows several photos at once.
    attachments = MultipleFileField(
        label=_("photos and scans"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    confirm_new = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name} {r.code}") for r in regions]
        from .models import Subtype

        self.fields["subtype"].queryset = Subtype.objects.filter(active=True)
        self.fields["attachments"].help_text = _(
            "Optional: up to %(limit)d photos, or scans as PDF, each up to %(mb)d MB."
        ) % {"limit": REGISTRATION_FILES_MAX, "mb": settings.ANJU_ATTACHMENT_MAX_BYTES // 2**20}

    def clean_attachments(self):
        """The files are checked with the rest of the form, before the case is registered, by the
        rules the case file applies to every file."""
        from . import actions

        uploads = self.cleaned_data["attachments"]
        try:
            actions.check_registration_files(uploads)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["attachments"]) from None
        return uploads


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("role in the dispute"), choices=PartyRole.choices)
    kind = forms.ChoiceField(label=_("kind"), choices=PartyKind.choices, initial=PartyKind.PERSON)
    name = forms.CharField(
        label=_("name of the person or body"),
        max_length=100,
        error_messages={"required": _("Give the party's name.")},
    )
    phone = forms.CharField(label=_("phone"), max_length=20, required=False, widget=TelInput)
    id_number = forms.CharField(label=_("identity number"), max_length=20, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)

    # What a person types. The selects always send a value (the role has no empty choice), so
    # they alone do not make a block a party.
    TYPED = ("name", "phone", "id_number", "address")

    def has_changed(self) -> bool:
        return any((self[name].value() or "").strip() for name in self.TYPED)


class BasePartyFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # A dispute has two sides: the second block starts as the respondent, the others as
        # applicants (the role alone never makes a block a party, see PartyForm.has_changed).
        if i == 1:
            form.fields["role"].initial = PartyRole.RESPONDENT
        return form

    def clean(self):
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("A dispute needs at least one party."))


# Any block may be left empty, the first too: an empty block is no party, and is not checked. The
# page starts with the two sides; "add a party" gives another block.
PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=2, max_num=20)


FIGURE_LABELS = {
    "found": _("found in the period"),
    "resolved": _("resolved in the period"),
    "not_passed_upward": _("resolved where it arose"),
    "escalated": _("escalated in the period"),
    "resolved_with_limit": _("resolved, with a time limit"),
    "resolved_on_time": _("resolved within the time limit"),
    "went_overdue": _("past its time limit in the period"),
    "reopened": _("reopened in the period"),
}
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
    open = forms.BooleanField(label=_("open cases only"), required=False)
    red_card = forms.BooleanField(label=_("red card only"), required=False)
    date_from = forms.DateField(label=_("registered from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("registered to"), required=False, widget=DateInput)
    q = forms.CharField(label=_("number or summary"), max_length=50, required=False)
    # A list of "my work" in full: its "see all" link lands here.
    queue = forms.ChoiceField(
        label=_("My work"), choices=[("", "—"), *WORK_LIST_LABELS.items()], required=False
    )
    # A figure of the statistics opens here as its cases: the registered days are its period.
    figure = forms.ChoiceField(
        label=_("counted as"), choices=[("", "—"), *FIGURE_LABELS.items()], required=False
    )
    resolved_level = forms.ChoiceField(
        label=_("level of resolution"), choices=[("", "—"), *HandlingLevel.choices], required=False
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

    def __init__(self, *args, mediators=(), actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].choices = [
            (str(u.pk), _mediator_label(u)) for u in sorted(mediators, key=lambda u: _offered_first(u, actor))
        ]


def _offered_first(user, actor) -> tuple:
    """The person accepting first, then the handling unit's own people (their role sits on the
    longest code), then those of the units above, each by name."""
    closest = max((len(a.region_id) for a in getattr(user, "mediating_roles", ())), default=0)
    return (getattr(actor, "pk", None) != user.pk, -closest, user.display_name)


def _mediator_label(user) -> str:
    roles = getattr(user, "mediating_roles", ())
    if not roles:
        return user.display_name
    held = pgettext("list separator", ", ").join(f"{a.get_role_display()} · {a.region.name}" for a in roles)
    return _("%(name)s (%(roles)s)") % {"name": user.display_name, "roles": held}


class SessionForm(Versioned):
    held_on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)
    place = forms.CharField(label=_("place"), max_length=200)
    participants = forms.CharField(label=_("participants"), max_length=500)
    record_text = forms.CharField(
        label=_("what was said"), max_length=RECORD_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.CharField(label=_("outcome"), max_length=500, required=False)


class AgreementForm(Versioned):
    kind = forms.ChoiceField(label=_("kind"), choices=AgreementKind.choices)
    facts = forms.CharField(
        label=_("facts and responsibilities"),
        max_length=RECORD_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    terms = forms.CharField(
        label=_("what was agreed"), max_length=RECORD_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    performance = forms.CharField(
        label=_("how it is performed"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    perform_by = forms.DateField(label=_("performed by"), widget=DateInput, required=False)
    signed_on = forms.DateField(
        label=_("in effect from (all signed)"), widget=DateInput, initial=timezone.localdate
    )


class FailureForm(Versioned):
    reason = forms.CharField(
        label=_("why it failed"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    remedies = forms.MultipleChoiceField(
        label=_("remedies"), choices=Remedy.choices, widget=forms.CheckboxSelectMultiple
    )
    notified_on = forms.DateField(label=_("parties told on"), widget=DateInput, initial=timezone.localdate)


class ReasonForm(Versioned):
    reason = forms.CharField(
        label=_("reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class VisitForm(Versioned):
    visited_on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)
    performance = forms.ChoiceField(label=_("performance of the agreement"), choices=Performance.choices)
    note = forms.CharField(
        label=_("note"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NoteForm(Versioned):
    note = forms.CharField(
        label=_("note"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AssignDownForm(Versioned):
    level = forms.ChoiceField(label=_("handling level"), choices=HandlingLevel.choices)
    note = forms.CharField(
        label=_("note"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TransferForm(Versioned):
    body = forms.ChoiceField(label=_("transferred to"), choices=TransferBody.choices)
    body_name = forms.CharField(label=_("name of the receiving body"), max_length=100)
    receipt_number = forms.CharField(label=_("receipt number"), max_length=50)
    received_on = forms.DateField(label=_("received on"), widget=DateInput, initial=timezone.localdate)


class MergeForm(Versioned):
    into = forms.CharField(label=_("case number of the case that goes on"), max_length=20)


class AttachmentForm(forms.Form):
    # The types add_attachment takes; on a phone, "image/*" offers the camera as well as the files.
    file = forms.FileField(
        label=_("file"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"})
    )
    # Not the dispute's "description" (纠纷情况): a line on what the file shows.
    description = forms.CharField(label=pgettext_lazy("attachment", "note"), max_length=200, required=False)


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(label=_("extra working days"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("reason"), max_length=EXTENSION_REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("phone", "phone"), ("id_number", "id_number")])
    purpose = forms.CharField(label=_("why you need it"), min_length=2, max_length=200)


class CaseFileRevealForm(forms.Form):
    """Printing the case file with full ID and phone numbers (for a court): why, and as what."""

    purpose = forms.CharField(label=_("why you need the full numbers"), min_length=2, max_length=180)
    format = forms.ChoiceField(
        label=_("format"), choices=[("html", _("Page to print")), ("docx", _("Word document"))]
    )
