"""The site's template tags: icons from the vendored set, and the bits of the shell pages share."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An icon from anju/static/anju/icons.svg. Decorative unless given a label, which a screen
    reader then reads in its place."""
    href = f"{static('anju/icons.svg')}#{name}"
    if label:
        return format_html(
            '<svg class="icon" role="img" aria-label="{}"><use href="{}"></use></svg>', label, href
        )
    return format_html(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', href
    )
