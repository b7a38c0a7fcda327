"""The words of the audit rows only disputes write (read by anju.audit.words); the rows of the
case's life cycle get theirs from the kind's declaration (anju.workflow.audit_words)."""

from django.utils.translation import pgettext_lazy

from .actions import DUPLICATE_SEARCH

ACTIONS = {
    "dispute.import": pgettext_lazy("audit action", "Dispute ledger imported"),
    "dispute.export": pgettext_lazy("audit action", "Dispute ledger exported"),
    "dispute.sweep": pgettext_lazy("audit action", "Time limits checked"),
    DUPLICATE_SEARCH: pgettext_lazy("audit action", "Searched for duplicate disputes"),
    "subtype.create": pgettext_lazy("audit action", "Dispute subtype added"),
    "subtype.update": pgettext_lazy("audit action", "Dispute subtype changed"),
    "category_name.create": pgettext_lazy("audit action", "Local category name added"),
    "category_name.update": pgettext_lazy("audit action", "Local category name changed"),
    "category_name.delete": pgettext_lazy("audit action", "Local category name removed"),
}

# The keys of the ledger's and the duplicate search's pictures (imports elsewhere share them).
FIELDS = {
    "rows": pgettext_lazy("audit field", "rows"),
    "created": pgettext_lazy("audit field", "added"),
    "updated": pgettext_lazy("audit field", "changed"),
    "unchanged": pgettext_lazy("audit field", "unchanged"),
    "format": pgettext_lazy("audit field", "format"),
    "filters": pgettext_lazy("audit field", "filters"),
    "found": pgettext_lazy("audit field", "cases found"),
    "personal_matches": pgettext_lazy("audit field", "matches on personal data"),
}
