from django.urls import path

from . import layout_views, queue, views

app_name = "tips"
urlpatterns = [
    path("", views.tip_list, name="list"),
    path("new/", views.tip_create, name="create"),
    path("mine/", queue.tip_queue, name="queue"),
    path("sources/", views.source_list, name="sources"),
    path("sources/layouts/", layout_views.source_layouts, name="source_layouts"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/import/", views.batch_import, name="batch_import"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/report.xlsx", views.batch_report, name="batch_report"),
    path("alerts/<int:tip_alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("extensions/<int:tip_extension_id>/decide/", views.extension_decide, name="extension_decide"),
    path("<int:tip_id>/", views.tip_detail, name="detail"),
    path("<int:tip_id>/act/<str:action>/", views.tip_act, name="act"),
    path("<int:tip_id>/informant/", views.informant_reveal, name="reveal"),
    path("<int:tip_id>/extensions/", views.extension_request, name="extension_request"),
    path("<int:tip_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:tip_id>/attachments/<int:tip_attachment_id>/", views.attachment_download, name="attachment"),
]
