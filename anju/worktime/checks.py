"""A misconfigured ANJU_WORKING_HOURS is caught at start-up, not at the first deadline."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .calendar import working_hours


@checks.register()
def check_working_hours(app_configs=None, **kwargs):
    try:
        working_hours()
    except ImproperlyConfigured as error:
        return [
            checks.Error(
                str(error),
                hint='Write the office hours as "08:30-12:00,14:00-17:30".',
                id="worktime.E001",
            )
        ]
    return []
