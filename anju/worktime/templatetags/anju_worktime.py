"""{{ case.due_at|deadline }}: a deadline shown the same way on every page and list."""

from django import template

from anju.worktime.calendar import deadline_text

register = template.Library()


@register.filter
def deadline(value) -> str:
    return deadline_text(value)
