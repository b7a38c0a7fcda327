"""System checks that keep the scoping rule true as the code grows: every model that belongs to a
region must use the scoped manager, so no view can list it without `visible_to`."""

from __future__ import annotations

from django.apps import apps
from django.core import checks

from .scoping import ScopedQuerySet


def belongs_to_region(model) -> bool:
    if model._meta.label == "regions.Region":
        return True
    for field in model._meta.get_fields():
        related = getattr(field, "related_model", None)
        if (
            field.many_to_one
            and field.concrete
            and related is not None
            and related._meta.label == "regions.Region"
        ):
            return True
        if getattr(field, "name", "") == "region_code":
            return True
    return False


def scoping_errors(models) -> list[checks.Error]:
    errors = []
    for model in models:
        if model._meta.abstract or not belongs_to_region(model):
            continue
        queryset = model._default_manager.get_queryset()
        if not isinstance(queryset, ScopedQuerySet) or not getattr(model, "scope_path", None):
            errors.append(
                checks.Error(
                    f"{model._meta.label} belongs to a region but its default manager is not a ScopedManager "
                    "with scope_perm and scope_path.",
                    hint="Use anju.core.scoping.ScopedManager; declare scope_perm and scope_path.",
                    obj=model,
                    id="anju.E001",
                )
            )
    return errors


@checks.register()
def check_scoped_managers(app_configs=None, **kwargs):
    configs = app_configs or apps.get_app_configs()
    return scoping_errors(
        m for config in configs if config.name.startswith("anju.") for m in config.get_models()
    )
