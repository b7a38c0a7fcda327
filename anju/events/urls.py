from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("board/", views.dispatch_board, name="board"),
    path("map.json", views.map_points, name="map_points"),
    path("queue/", views.handler_queue, name="queue"),
    path("alerts/<int:event_alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("catalogue/", views.catalogue_page, name="catalogue"),
    path("catalogue/export/<str:fmt>/", views.catalogue_export, name="catalogue_export"),
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("<int:event_id>/act/<str:action>/", views.event_act, name="act"),
    path("<int:event_id>/join/", views.event_join, name="join"),
    path("<int:event_id>/reveal/", views.reporter_reveal, name="reveal"),
    path("<int:event_id>/photos/", views.photo_add, name="photo_add"),
    path("<int:event_id>/photos/<int:photo_id>/", views.photo_download, name="photo"),
    path("<int:event_id>/extensions/", views.extension_request, name="extension_request"),
    path("extensions/<int:event_extension_id>/decide/", views.extension_decide, name="extension_decide"),
]
