"""How long does the county's annual work report take as a file? Times, for the seeded county and
this year, the whole path the command line and the worker take (figures counted, then the file
written) for DOCX and XLSX, beside a floor measured in the same run: the figures alone
(anju.reports.catalogue.values, which the report cannot do without). The difference is what the
writers cost. One PDF conversion is timed at the end where LibreOffice is installed.

Usage (after `anju seed --cases N`, see bench/README.md):
    export ANJU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anju_bench
    python bench/report_document.py [--runs 5]

Target (issue 13): the annual DOCX under 3 s with 1,000,000 disputes in PostgreSQL."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
os.environ.setdefault("ANJU_SECRET_KEY", "bench-only-secret-key-0000000000000000")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django

django.setup()

from django.utils import timezone, translation  # noqa: E402
from timing import seeded_runs, summary, timed  # noqa: E402

from anju.core.scoping import SYSTEM  # noqa: E402
from anju.regions.models import Region  # noqa: E402
from anju.reports import catalogue, officialdoc, periods, reportjobs  # noqa: E402


def main() -> int:
    runs = seeded_runs(default_runs=5)
    if runs is None:
        return 1
    translation.activate("zh-hans")
    county = Region.objects.filter(parent__isnull=True).order_by("code").first()
    period = periods.parse(str(timezone.localdate().year))
    print(f"county {county.code} {county.name}, period {period.text}, {runs} runs after one warm-up")
    floor = timed(lambda: catalogue.values(SYSTEM, period, region=county.code), runs)
    print(f"floor: the figures alone           {summary(floor)}")
    for fmt in ("docx", "xlsx"):
        samples = timed(lambda fmt=fmt: reportjobs.make(SYSTEM, period, county, fmt), runs)
        print(f"report as {fmt}: figures and file   {summary(samples)}")
    document, _data = reportjobs.make(SYSTEM, period, county, "docx")
    writer = timed(lambda: officialdoc.render_docx(document), runs)
    print(f"the Word writer alone              {summary(writer)}")
    if officialdoc.soffice():
        started = time.perf_counter()
        pdf = officialdoc.render_pdf(document)
        took = (time.perf_counter() - started) * 1000
        print(f"PDF through LibreOffice, once      {took:7.0f} ms ({len(pdf):,} bytes)")
    else:
        print("PDF: LibreOffice is not installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
