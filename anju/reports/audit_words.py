"""The words of the audit rows the work reports write (read by anju.audit.words)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "report.template.save": pgettext_lazy("audit action", "Report template saved"),
    "report.issue": pgettext_lazy("audit action", "Work report issued"),
}
