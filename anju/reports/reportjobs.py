"""The work report written in the background: the page queues a job, the worker counts the figures
and writes the file, and the page shows how far it has got, then offers the file.

A job is an ImportJob (anju.core.importjobs) of kind "report": the same table keeps an upload's
progress for the imports, so web and worker share no disk and old jobs go after two days. The
request (period, region, format; the template and version of a draft, or the issued report) is in
`mapping`, the finished file in `data`, and what went
wrong, in words, in `report["error"]`."""

from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django_tasks import task

from anju.core import importjobs
from anju.core.models import ImportJob
from anju.core.scoping import covers, get_scoped_or_404
from anju.regions.models import Region

from . import officialdoc, periods
from .document import Document, build_document
from .models import IssuedReport, TemplateVersion
from .queries import issued_reports, templates_for

KIND = "report"
# Making a report is two steps (count the figures, write the file); a job stores the file as a third.
MAKE_STEPS = 2
STEPS = MAKE_STEPS + 1


def file_name(region: str, period: periods.Period, fmt: str, issued=None) -> str:
    if issued is not None:  # the number's year and serial: two issued reports never share a name
        return f"report-{region}-{period.text}-{issued.year}-{issued.serial}.{fmt}"
    return f"report-{region}-{period.text}.{fmt}"


def make(
    user, period: periods.Period, region: Region, fmt: str, *, progress=None, **options
) -> tuple[Document, bytes]:
    """The report of `region` for `period` as `fmt`, as `user` sees it: the one path the command line
    and the worker take. progress(done, MAKE_STEPS) is called after each step."""
    document = build_document(user, period, region_name=region.name, region=region.code, **options)
    if progress:
        progress(1, MAKE_STEPS)
    data = officialdoc.render(document, fmt)
    if progress:
        progress(2, MAKE_STEPS)
    return document, data


def issued_file(user, issued_id: int, fmt: str, *, progress=None) -> tuple[Document, bytes]:
    """An issued report as `fmt`, from what was stored when it was issued: nothing is counted again,
    so the file says what the issued report says, document number included."""
    report = get_scoped_or_404(issued_reports(user), user, "case.view", pk=issued_id)
    document = report.document()
    if progress:
        progress(1, MAKE_STEPS)
    data = officialdoc.render(document, fmt)
    if progress:
        progress(2, MAKE_STEPS)
    return document, data


def _version_for(user, version_id: int) -> TemplateVersion:
    """A version of a template the user may write from (read again when the job runs)."""
    try:
        return TemplateVersion.objects.get(pk=version_id, template__in=templates_for(user))
    except TemplateVersion.DoesNotExist:
        raise PermissionDenied from None


def start(
    user,
    period: periods.Period,
    region: Region,
    fmt: str,
    language: str,
    *,
    version: TemplateVersion | None = None,
    issued: IssuedReport | None = None,
) -> ImportJob:
    """Queue the report: a draft from `version` (None: the shipped annual template), or `issued` as
    it was stored (its own region and period)."""
    importjobs.forget_old()
    mapping = {"period": period.text, "region": region.code, "format": fmt}
    if issued is not None:
        mapping.update(issued=issued.pk, number=issued.number)
    elif version is not None:
        mapping["version"] = version.pk
    job = ImportJob.objects.create(
        owner=user,
        kind=KIND,
        filename=file_name(region.code, period, fmt, issued),
        mapping=mapping,
        state=ImportJob.State.QUEUED,
        total=STEPS,
        language=language,
    )
    write_report.enqueue(job.token)
    return job


@task()
def write_report(token: str) -> dict:
    """A queued report, written as the person who asked for it, in their language."""
    job = importjobs.job_of(token, kind=KIND)
    if job is None:
        return {"state": "missing"}
    started = time.monotonic()
    with translation.override(job.language or None):
        progress = importjobs.Progress(job, ImportJob.State.CHECKING)
        try:
            actor, request = job.owner, job.mapping
            # The jurisdiction is read again: a role taken away after the job was queued counts.
            if not actor.is_active or not covers(actor, "case.view", request["region"]):
                raise PermissionDenied
            region = Region.objects.get(code=request["region"])
            period = periods.parse(request["period"])
            importjobs.set_state(job, ImportJob.State.CHECKING, done=0)

            def step(done: int, _total: int) -> None:
                progress.state = ImportJob.State.IMPORTING
                progress(done, STEPS)

            if request.get("issued"):
                document, data = issued_file(actor, request["issued"], request["format"], progress=step)
            else:
                version = None
                if request.get("version"):
                    version = _version_for(actor, request["version"])
                document, data = make(
                    actor, period, region, request["format"], progress=step, template=version
                )
        except officialdoc.PdfUnavailable as error:
            importjobs.set_state(job, ImportJob.State.FAILED, report={"error": str(error)})
            return {"state": ImportJob.State.FAILED}
        except (PermissionDenied, Http404):
            importjobs.set_state(job, ImportJob.State.FAILED, report={"error": ""})
            return {"state": ImportJob.State.FAILED}
        except Exception:
            importjobs.set_state(job, ImportJob.State.FAILED, report={"error": ""})
            raise
        finally:
            progress.close()
        summary = {
            "title": document.title,
            "figures": len(document.figures),
            "bytes": len(data),
            "seconds": round(time.monotonic() - started, 2),
        }
        importjobs.set_state(job, ImportJob.State.DONE, data=data, done=STEPS, report=summary)
    return {"state": ImportJob.State.DONE, **summary}
