"""How every Django form on the site is drawn: two columns on a wide screen and one on a phone,
required fields marked, help text under the field, errors beside it and summarised at the top,
and a select's empty choice reading 请选择 instead of Django's "---------"."""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

FORM_TEMPLATES = Path(__file__).resolve().parent / "form_templates"


class SiteFormRenderer(DjangoTemplates):
    form_template_name = "site/form.html"
    field_template_name = "site/field.html"

    @cached_property
    def engine(self):
        # Our templates come before Django's own, so the few we replace (the <p> layout pages still
        # ask for, a select's option) are ours and every other widget stays Django's.
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [FORM_TEMPLATES, Path(django.forms.__file__).parent / "templates"],
                "NAME": "anju-forms",
                "OPTIONS": {},
            }
        )
