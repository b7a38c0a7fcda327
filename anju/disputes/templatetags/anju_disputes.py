from django import template

register = template.Library()


@register.simple_tag
def revealed_value(revealed: dict, party_id: int, field: str) -> str:
    """The full value shown after an audited reveal, or an empty string."""
    return (revealed or {}).get((party_id, field), "")


@register.filter
def get(mapping: dict, key: str):
    """{{ current|get:name }}: a value from a dict by a key held in a variable."""
    return (mapping or {}).get(key, "")


@register.filter
def text_lines(text: str):
    """The lines of a multi-line text with their indentation, for a printed document (casefile.lines)."""
    from anju.disputes.casefile import lines

    return lines(text)
