"""Ledger (台账) import and export, mounted at disputes/ledger/."""

from django.urls import path

from . import ledger_views

app_name = "ledger"
urlpatterns = [
    path("import/", ledger_views.ledger_upload, name="import"),
    path("import/template/", ledger_views.ledger_template, name="template"),
    path("import/run/", ledger_views.ledger_run, name="run"),
    path("import/jobs/", ledger_views.ledger_job, name="job"),
    path("export/", ledger_views.ledger_export, name="export"),
]
