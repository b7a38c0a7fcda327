"""The template of the activities' import, from the shared spreadsheet engine."""

from __future__ import annotations

from anju.core.views import role_required

from . import sheets
from .choices import DISPATCH


@role_required(DISPATCH)
def activity_template(request):
    """Headed as the import reads, with an example row placed in a unit the person keeps records of."""
    return sheets.ACTIVITIES.template_response(
        "activities-template.xlsx", sheets.template_examples(request.user)
    )
