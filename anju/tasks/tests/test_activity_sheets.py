"""Issue 14, item 7: activities through the one spreadsheet engine: the import's template, filled in
as shown, imports; the export writes what the import reads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.core.models import ImportJob
from anju.demo import testing
from anju.tasks.models import Activity
from anju.tasks.sheets import IMPORT_KIND

pytestmark = pytest.mark.django_db


def test_the_template_imports_as_it_stands_and_the_export_imports_again(client_for, cast):
    officer = client_for("officer_a")
    page = officer.get("/tasks/activities/import/").content.decode()
    assert "/tasks/activities/import/template/" in page and "日期、类型、名称、组织单位、区划代码" in page
    template = officer.get("/tasks/activities/import/template/")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    sent = officer.post(
        "/tasks/activities/import/",
        {"file": SimpleUploadedFile("activities-template.xlsx", template.content)},
    )
    assert sent.status_code == 302
    imported = Activity.objects.get(title="调解员业务培训")
    assert (imported.kind, imported.organiser, imported.region_id) == (
        "training",
        "县司法局",
        testing.TOWNSHIP_A,
    )
    assert ImportJob.objects.get(kind=IMPORT_KIND).state == ImportJob.State.DONE
    exported = b"".join(officer.get("/tasks/activities/export/xlsx/?kind=training").streaming_content)
    Activity.objects.filter(title="调解员业务培训").delete()
    again = officer.post(
        "/tasks/activities/import/",
        {"file": SimpleUploadedFile("activities.xlsx", exported)},
    )
    assert again.status_code == 302 and Activity.objects.filter(title="调解员业务培训").count() == 1
    # Those who keep no records get no template; a township's template is not for another's units.
    assert client_for("leader").get("/tasks/activities/import/template/").status_code == 403
    bad = officer.post(
        "/tasks/activities/import/",
        {
            "file": SimpleUploadedFile(
                "a.csv",
                "日期,类型,名称,组织单位,区划代码\n2026-01-01,培训,x,y,%s\n".encode()
                % testing.VILLAGE_B1.encode(),
            )
        },
    )
    assert bad.status_code == 400 and ImportJob.objects.filter(kind=IMPORT_KIND, state="rejected").exists()
