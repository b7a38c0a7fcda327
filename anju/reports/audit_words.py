"""The words of the audit rows the reports write (read by anju.audit.words)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "report.template.save": pgettext_lazy("audit action", "Report template saved"),
    "report.issue": pgettext_lazy("audit action", "Work report issued"),
    "report.download": pgettext_lazy("audit action", "Work report downloaded"),
    "report.export": pgettext_lazy("audit action", "Work report written from the command line"),
}

FIELDS = {
    "period": pgettext_lazy("audit field", "period"),
    "file": pgettext_lazy("audit field", "file"),
    "bytes": pgettext_lazy("audit field", "size in bytes"),
}
