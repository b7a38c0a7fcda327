"""Every write of the work reports: saving a template (a new version each time) and issuing a report
(its number, text and figures fixed), each audited in its own transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from anju.audit.actions import record
from anju.core.scoping import OutOfScope, covers, holds_top_level
from anju.regions.models import Region

from . import generator
from .document import appendix, document_number
from .models import IssuedReport, ReportTemplate, TemplateVersion
from .periods import Period
from .queries import TEMPLATE_CODE_LENGTHS

KEEP = "report.template"
ISSUE = "report.issue"
# Two people issuing at the same moment may pick the same serial: the unique constraint refuses
# the second, which tries again with the next one.
NUMBER_ATTEMPTS = 5


def save_template(
    actor, *, name: str, body: str, template: ReportTemplate | None = None, region: Region | None = None
) -> TemplateVersion:
    """A new template (in `region`, or county-wide without one), or a new version of `template`.
    The caller has fetched `template` within the actor's jurisdiction. ValidationError, naming
    each faulty line, when the text is not a usable template."""
    generator.check(body)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the template a name.")]})
    with transaction.atomic():
        if template is None:
            if region is None and not holds_top_level(actor, KEEP):
                raise OutOfScope(f"{actor} keeps no county-wide templates")
            if region is not None and not covers(actor, KEEP, region.code):
                raise OutOfScope(f"{actor} keeps no templates of {region.code}")
            if region is not None and len(region.code) not in TEMPLATE_CODE_LENGTHS:
                raise ValidationError({"region": [_("Templates are kept by a county or a township.")]})
            template = ReportTemplate.objects.create(name=name, region=region)
            number, before = 1, None
        else:
            template = ReportTemplate.objects.select_for_update().get(pk=template.pk)
            current = template.current
            if current is not None and current.body == body and template.name == name:
                return current
            before = {"name": template.name, "version": current.number if current else 0}
            number = (current.number if current else 0) + 1
            if template.name != name:
                template.name = name
                template.save(update_fields=["name"])
        version = TemplateVersion.objects.create(template=template, number=number, body=body, saved_by=actor)
        record(
            actor,
            "report.template.save",
            template,
            region_code=template.region_id or "",
            before=before,
            after={"name": name, "version": number},
        )
    return version


def issue_report(
    actor,
    *,
    version: TemplateVersion,
    period: Period,
    region: Region,
    issuer: str,
    issued_on: dt.date,
    written: dict[str, str],
    now: dt.datetime | None = None,
) -> IssuedReport:
    """Render the report, fix its figures and text, and give it the next document number of the
    issuer's year. ValidationError while a paragraph people write is still empty."""
    if not covers(actor, ISSUE, region.code):
        raise PermissionDenied
    issuer = issuer.strip()
    if not issuer:
        raise ValidationError({"issuer": [_("Name the issuing body.")]})
    draft = generator.render(
        actor, period, version.body, region=region.code, region_name=region.name, now=now, written=written
    )
    if draft.unwritten:
        raise ValidationError(
            [
                _("Write this paragraph before issuing: %(prompt)s") % {"prompt": w["prompt"]}
                for w in draft.unwritten
            ]
        )
    fixed = appendix(actor, period, region.code, draft.figures, now=draft.computed_at, sheet=draft.sheet)
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return _store(actor, draft, fixed, version, period, region, issuer, issued_on)
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _store(actor, draft, fixed, version, period, region, issuer, issued_on) -> IssuedReport:
    year = issued_on.year
    taken = IssuedReport.objects.filter(issuer=issuer, year=year).aggregate(n=Max("serial"))["n"] or 0
    serial = taken + 1
    report = IssuedReport.objects.create(
        region=region,
        period=period.text,
        template_version=version,
        title=draft.title[:200],
        issuer=issuer,
        issued_on=issued_on,
        year=year,
        serial=serial,
        number=document_number(year, serial),
        issued_by=actor if getattr(actor, "pk", None) is not None else None,
        computed_at=draft.computed_at,
        figures=draft.figures,
        blocks=draft.blocks,
        appendix=fixed,
    )
    record(
        actor,
        "report.issue",
        report,
        region_code=region.code,
        after={
            "number": report.number,
            "title": report.title,
            "period": period.text,
            "template": str(version),
            "figures": len(draft.figures),
        },
    )
    return report
