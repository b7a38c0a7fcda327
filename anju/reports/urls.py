from django.urls import path

from . import report_views, views, work_views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("disputes/", views.dispute_figures, name="disputes"),
    path("templates/", work_views.template_list, name="template_list"),
    path("templates/new/", work_views.template_new, name="template_new"),
    path("templates/preview/", work_views.template_preview, name="template_preview"),
    path("templates/<int:template_id>/", work_views.template_edit, name="template_edit"),
    path("work/", work_views.report_make, name="report_make"),
    path("work/issue/", work_views.report_issue, name="report_issue"),
    path("issued/", work_views.issued_list, name="issued_list"),
    path("issued/<int:issued_id>/", work_views.issued_detail, name="issued_detail"),
    path("report/", report_views.report, name="report"),
    path("assessment/", views.assessment, name="assessment"),
]
