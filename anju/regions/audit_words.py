"""The words of the audit rows regions write (read by anju.audit.words)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "region.create": pgettext_lazy("audit action", "Region added"),
    "region.update": pgettext_lazy("audit action", "Region changed"),
    "region.retire": pgettext_lazy("audit action", "Region retired"),
    "region.border.add": pgettext_lazy("audit action", "Neighbouring region added"),
    "region.border.remove": pgettext_lazy("audit action", "Neighbouring region removed"),
    "region.import": pgettext_lazy("audit action", "Region list imported"),
}
