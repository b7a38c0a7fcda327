"""The audit trail in words: what an auditor reads for a row's action, object kind and fields, in
the language of the page, and the choices the search offers.

Nothing here lists another app's codes. Object kinds and fields are the models' verbose names
(`object_type` is a model's label, `before`/`after` hold its field names), and values with choices
read as their labels. Actions are declared by the apps that write them: an app may ship an
`audit_words.py` whose `actions()` (or `ACTIONS`) maps each code to its words; the workflow derives
every kind of case's words from its transition table, so a kind added later reads in words without
a line here. A code nobody declared shows as itself: a row is never hidden, never breaks the page."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from functools import cache
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext

# The audit trail's own models are never the object of a row.
_SELF = "audit"


@cache
def _modules() -> tuple[ModuleType, ...]:
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.audit_words"
        if config.name.startswith("anju.") and importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return tuple(found)


def actions() -> dict[str, Any]:
    """Every declared action code -> its words (lazy). Read afresh: kinds register at start, and a
    test may declare one of its own."""
    words: dict[str, Any] = {}
    for module in _modules():
        declared = module.actions() if callable(getattr(module, "actions", None)) else module.ACTIONS
        words.update(declared)
    return words


def fields() -> dict[str, Any]:
    """Words for the keys of before/after pictures that are not a model's fields (a file's name, an
    import's counts), declared by the apps that write them as `FIELDS` in their audit_words."""
    words: dict[str, Any] = {}
    for module in _modules():
        words.update(getattr(module, "FIELDS", {}))
    return words


def action_label(code: str, known: dict[str, Any] | None = None) -> str:
    words = actions() if known is None else known
    return str(words[code]) if code in words else code


def action_choices() -> list[tuple[str, str]]:
    """The search's list of actions, by their words (a kind's actions sit together: their words
    start with the kind)."""
    return sorted(((code, str(label)) for code, label in actions().items()), key=lambda c: c[1])


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def object_choices() -> list[tuple[str, str]]:
    """The kinds of object a row may be about: every model of the platform's apps."""
    choices = [
        (model._meta.label_lower, str(model._meta.verbose_name))
        for model in apps.get_models()
        if model.__module__.startswith("anju.") and model._meta.app_label != _SELF
    ]
    return sorted(choices, key=lambda c: c[1])


def _field(object_type: str, name: str):
    model = _model(object_type)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(object_type: str, name: str, known: dict[str, Any] | None = None) -> str:
    field = _field(object_type, name)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    declared = fields() if known is None else known
    return str(declared[name]) if name in declared else name


def value_text(object_type: str, name: str, value: Any) -> str:
    """A before/after value as read: a choice by its label, yes/no in words, empty as a dash."""
    if value is None or value == "":
        return "—"
    field = _field(object_type, name)
    choices = dict(getattr(field, "flatchoices", None) or ()) if field is not None else {}
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return formats.date_format(
            timezone.localtime(moment) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT"
        )
    return str(value)


def changes(object_type: str, before: dict | None, after: dict | None) -> list[dict[str, str]]:
    """A row's before and after as lines: the field's words, the old value, the new one; the
    fields that did not change are left out when both pictures are there."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    known = fields()
    lines = []
    for name in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(name), after.get(name)
        if before and after and old == new:
            continue
        lines.append(
            {
                "field": field_label(object_type, name, known),
                "before": value_text(object_type, name, old) if name in before else "",
                "after": value_text(object_type, name, new) if name in after else "",
            }
        )
    return lines
