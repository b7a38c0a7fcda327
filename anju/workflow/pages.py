"""The pages every kind of case has beside its own: a transition's button, asking for more time and
deciding it, adding a file, serving one, marking an alert seen. A kind names its pieces once in a
CasePages and takes these views from here; what differs between kinds (its forms, its actions, who
may open a file) it passes in, so the flow of each page is written once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.audit.actions import record_access
from anju.core.scoping import get_scoped_or_404
from anju.core.views import acted, post_only, role_required, show_errors

from . import alerts, attachments, engine, extensions
from .engine import StaleVersion
from .kinds import Kind

# What the page says when a transition's form is refused: most kinds point to the form below,
# which on a phone is screens away from the message at the top.
REFUSED_BELOW = gettext_lazy("Not done: %(action)s. The reasons are in its form below.")
REFUSED = gettext_lazy("Not done: %(action)s.")


@dataclass(frozen=True)
class CasePages:
    """A kind's case page, as the shared views need it."""

    kind: Kind
    # The URL namespace and the keyword that names a case in its addresses ("disputes", "dispute_id").
    app: str
    id_kwarg: str
    # The kind's case page: detail(request, case, *, status=..., bound=..., <form>=...).
    detail: Callable[..., Any]
    # The kind's actions module: request_extension, decide_extension, the transitions by name.
    actions: ModuleType

    def case(self, request, kwargs: Mapping[str, Any], action: str = "view"):
        return get_scoped_or_404(self.kind.model, request.user, action, pk=kwargs[self.id_kwarg])

    def back(self, case_pk: int):
        """POST, redirect, GET: the case's own page."""
        return redirect(f"{self.app}:detail", **{self.id_kwarg: case_pk})

    def action_forms(self, request, case, bound: dict | None, make_form: Callable[[str], Any]) -> list:
        """(name, button, form) for each transition this person may apply now: the form sent back
        with its errors where there is one (`bound`), otherwise `make_form(name)`."""
        bound = bound or {}
        return [
            (name, self.kind.transitions[name].label, bound.get(name) or make_form(name))
            for name in engine.allowed(self.kind, case, request.user)
        ]

    def context(self, request, case, *, attachment_form, extension_form) -> dict:
        """What every kind's case page shows alike: adding a file, asking for more time and the
        requests made (each with whether this person decides it), and the address a page that
        answers a POST takes, so reloading it reads the case again instead of sending the form twice."""
        user = request.user
        return {
            "attachment_form": attachment_form,
            "can_attach": attachments.may_attach(self.kind, user, case),
            "can_ask_extension": extensions.may_ask(self.kind, user, case),
            "extension_form": extension_form,
            "extensions": [(e, extensions.may_decide(self.kind, user, e)) for e in case.extensions.all()],
            "replace_url": reverse(f"{self.app}:detail", args=[case.pk]) if request.method == "POST" else "",
        }


def _errors_said(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def refused_answer(pages: CasePages, request, case, form, form_kwarg: str | None, *, status: int = 400):
    """The case page again with a refused form: in its place on the page when the kind's detail
    takes it back (`form_kwarg`), otherwise its errors in a message above a fresh one."""
    if form_kwarg is None:
        messages.error(request, _errors_said(form))
        return pages.detail(request, case, status=status)
    return pages.detail(request, case, status=status, **{form_kwarg: form})


def act_view(
    pages: CasePages,
    *,
    perm: str,
    forms: Mapping[str, Any],
    make_form: Callable[[Any, Any, str], Any],
    perform: Callable[[Any, Any, str, dict], Any] | None = None,
    refused=REFUSED_BELOW,
    default_field: str | None = None,
):
    """The page a transition's button posts to: the kind's form for it (`make_form(request, case,
    action)`), then `perform(request, case, action, data)` (default: the action of that name).
    A refused form comes back on the case page, 409 when the case changed meanwhile."""

    def run(request, case, action, data):
        getattr(pages.actions, action)(request.user, case, **data)

    perform = perform or run

    @post_only
    @role_required(perm)
    def view(request, action: str, **kwargs):
        case = pages.case(request, kwargs)
        if action not in forms:
            raise Http404
        form = make_form(request, case, action)
        label = pages.kind.transitions[action].label
        if not form.is_valid():
            messages.error(request, refused % {"action": label})
            return pages.detail(request, case, bound={action: form}, status=400)
        try:
            perform(request, case, action, dict(form.cleaned_data))
        except ValidationError as error:
            show_errors(form, error, default_field=default_field)
            messages.error(request, refused % {"action": label})
            status = 409 if isinstance(error, StaleVersion) else 400
            return pages.detail(request, case, bound={action: form}, status=status)
        messages.success(request, _("Done: %(action)s.") % {"action": label})
        return pages.back(case.pk)

    return view


def extension_request_view(
    pages: CasePages, *, perm: str, make_form: Callable[[Any], Any], form_kwarg: str | None = "extension_form"
):
    """Ask for more time: the kind's request_extension, then word of the unit that decides.
    `make_form(data, case)`: the case says the unit the time is asked in (days, or hours where the
    stage counts working hours)."""

    @post_only
    @role_required(perm)
    def view(request, **kwargs):
        case = pages.case(request, kwargs)
        form = make_form(request.POST, case)
        if form.is_valid():
            try:
                ask = pages.actions.request_extension(request.user, case, **form.cleaned_data)
            except ValidationError as error:
                show_errors(form, error)
        if form.errors:
            return refused_answer(pages, request, case, form, form_kwarg)
        # The unit that decides (the level above the handlers, or the one the kind names).
        messages.success(
            request, _("The request for more time has gone to %(unit)s.") % {"unit": ask.approver_unit}
        )
        return pages.back(case.pk)

    return view


def extension_decide_view(pages: CasePages, *, perm: str, id_kwarg: str):
    """Approve or reject a request for more time; the decision's rules are workflow.extensions'."""

    @post_only
    @role_required(perm)
    def view(request, **kwargs):
        ask = get_scoped_or_404(pages.kind.extension_model, request.user, "view", pk=kwargs[id_kwarg])
        approve = request.POST.get("approve") == "1"
        try:
            pages.actions.decide_extension(
                request.user, ask, approve=approve, note=request.POST.get("note", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return pages.detail(request, getattr(ask, pages.kind.case_field), status=400)
        messages.success(request, _("Approved.") if approve else _("Rejected."))
        return pages.back(getattr(ask, f"{pages.kind.case_field}_id"))

    return view


def attachment_add_view(pages: CasePages, *, perm: str, form_class, add: Callable[..., Any]):
    """Add a file to the case file with `add(actor, case, file, description=...)`."""

    @post_only
    @role_required(perm)
    def view(request, **kwargs):
        case = pages.case(request, kwargs)
        form = form_class(request.POST, request.FILES)

        def add_file(data):
            add(request.user, case, data["file"], description=data["description"])

        if not acted(form, add_file):
            return refused_answer(pages, request, case, form, None)
        messages.success(request, _("File added."))
        return pages.back(case.pk)

    return view


def serve_file(request, stored, *, region_code: str, which: str | None = None):
    """A stored file, inside the jurisdiction the caller already checked, with an access record:
    a photo's copy for the page (`which`: display or thumbnail) is a view, the original a download."""
    with transaction.atomic():
        record_access(
            request.user, stored, "file", region_code=region_code, purpose="view" if which else "download"
        )
    if which:
        return attachments.serve_photo_copy(stored, which)
    return attachments.download(stored, stored.original_name)


def alert_acknowledge_view(kind: Kind, *, perm: str, id_kwarg: str, said: Callable[[Any], str], to: str):
    """Mark one alert of the person's queue as seen; `said(alert)` is the message, `to` the page after."""

    @post_only
    @role_required(perm)
    def view(request, **kwargs):
        alert, _seen = alerts.acknowledge(kind, request.user, kwargs[id_kwarg])
        messages.success(request, said(alert))
        return redirect(to)

    return view
