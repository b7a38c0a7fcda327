from django.urls import path

from . import views

app_name = "worktime"
urlpatterns = [
    path("", views.calendar_year, name="calendar"),
    path("days/", views.calendar_day_set, name="calendar_day_set"),
    path("days/<str:day>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
    path("import/", views.calendar_import, name="calendar_import"),
    path("import/template/", views.calendar_import_template, name="import_template"),
]
