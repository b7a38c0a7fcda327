from django.urls import path

from . import report_views, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("disputes/", views.dispute_figures, name="disputes"),
    path("report/", report_views.report, name="report"),
]
