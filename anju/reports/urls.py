from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("disputes/", views.dispute_figures, name="disputes"),
    path("assessment/", views.assessment, name="assessment"),
]
