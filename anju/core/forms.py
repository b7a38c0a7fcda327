"""Forms every app's pages share."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """<input type="date">, for every date field of every page. The browser takes and sends ISO
    dates only, whatever the page's language: in the localised format (2026/11/28 in Chinese) it
    shows the field empty and its default is lost."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DayRange:
    """For a filter form with `date_from` and `date_to` fields (both days included): an end before
    the start is refused in words on the end's field, rather than showing an empty list."""

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class TelInput(forms.TextInput):
    """A phone number: phones open the number keypad."""

    input_type = "tel"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type="file" multiple>, cleaned one by one as a FileField
    cleans its file; the value is the list, empty when none was chosen."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(super().clean(upload, initial))
            except forms.ValidationError as error:
                # Say which of the chosen files it is.
                errors.extend(
                    _("%(file)s: %(message)s") % {"file": getattr(upload, "name", ""), "message": m}
                    for m in error.messages
                )
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class ImportForm(forms.Form):
    """The upload step of every import (regions, the working calendar, ledgers)."""

    file = forms.FileField(label=_("file (.csv or .xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ANJU_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than the import limit."))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        return upload
