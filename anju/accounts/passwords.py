"""Password policy beyond Django's validators: 等保 level 3 practice asks for a mix of characters."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password: str, user=None) -> None:
        found = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if found < self.classes:
            raise ValidationError(
                _("The password must mix at least %(n)d of: lower-case letters, capitals, digits, symbols.")
                % {"n": self.classes},
                code="password_too_plain",
            )

    def get_help_text(self) -> str:
        return _("Mix at least %(n)d of: lower-case letters, capitals, digits, symbols.") % {
            "n": self.classes
        }
