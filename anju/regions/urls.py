from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_index, name="index"),
    path("import/", views.region_import, name="import"),
    path("import/template/", views.region_import_template, name="import_template"),
    path("export.<str:fmt>", views.region_export, name="export"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/boundaries.geojson", views.region_boundaries, name="boundaries"),
    path("<str:code>/boundaries/import/", views.boundary_import, name="boundary_import"),
    path("<str:code>/edit/", views.region_edit, name="edit"),
    path("<str:code>/new/", views.region_create, name="create"),
    path("<str:code>/retire/", views.region_retire, name="retire"),
    path("<str:code>/borders/", views.border_add, name="border_add"),
    path("<str:code>/borders/<str:neighbour>/remove/", views.border_remove, name="border_remove"),
]
