from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.middleware import current

from .backends import locked_until
from .choices import Role


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-ins: this account is locked until %(until)s. Try again later."),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        try:
            return super().clean()
        except forms.ValidationError:
            until = locked_until(username, current.get().ip) if username else None
            if until:
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"until": timezone.localtime(until).strftime("%H:%M")},
                ) from None
            raise


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("account"), max_length=150)
    full_name = forms.CharField(label=_("full name"), max_length=50)
    phone = forms.CharField(label=_("work phone"), max_length=20, required=False)
    password = forms.CharField(label=_("initial password"), widget=forms.PasswordInput)
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    region = forms.CharField(label=_("region code"), max_length=17)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions

    def clean_region(self):
        code = self.cleaned_data["region"].strip()
        region = self.regions.filter(code=code).first() if self.regions is not None else None
        if region is None:
            raise forms.ValidationError(_("No region %(code)s in your jurisdiction.") % {"code": code})
        return region


class AssignRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    region = forms.CharField(label=_("region code"), max_length=17)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions

    clean_region = UserCreateForm.clean_region


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("verification code"),
        max_length=40,
        help_text=_("The six digits the authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )


class ResetSecondFactorForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)
