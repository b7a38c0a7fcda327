from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.core.dates import check_day_order
from anju.core.forms import DateInput
from anju.core.scoping import ALL, prefixes_for

from . import words
from .models import Result

ANY = [("", "—")]


def users_in_scope(auditor) -> list[tuple[str, str]]:
    """The accounts an auditor may pick: those holding a role inside the auditor's jurisdiction
    (every account for a county-wide grant), by name."""
    users = get_user_model().objects.all()
    prefixes = prefixes_for(auditor, "audit.view")
    if prefixes is not ALL:
        inside = Q(pk__in=[])
        for prefix in prefixes:
            inside |= Q(role_assignments__region__code__startswith=prefix)
        users = users.filter(inside).distinct()
    choices = []
    for username, full_name in users.order_by("username").values_list("username", "full_name"):
        choices.append((username, f"{full_name}（{username}）" if full_name else username))
    return choices


class AuditSearchForm(forms.Form):
    """The audit log's search: each filter a choice in words; the codes stay behind the choices."""

    user = forms.ChoiceField(label=_("account"), required=False)
    action = forms.ChoiceField(label=_("action"), required=False)
    object_type = forms.ChoiceField(label=_("object type"), required=False)
    object_id = forms.CharField(label=_("object id"), required=False, max_length=64)
    result = forms.ChoiceField(label=_("result"), required=False, choices=[*ANY, *Result.choices])
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput)

    def __init__(self, *args, auditor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [*ANY, *users_in_scope(auditor)]
        self.fields["action"].choices = [*ANY, *words.action_choices()]
        self.fields["object_type"].choices = [*ANY, *words.object_choices()]

    def clean(self):
        data = super().clean()
        try:
            check_day_order(data.get("date_from"), data.get("date_to"))
        except ValueError as error:
            self.add_error("date_to", str(error))
        return data
