"""The words of the audit row the demo writes (read by anju.audit.words)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {"seed.county": pgettext_lazy("audit action", "Demo county created")}
