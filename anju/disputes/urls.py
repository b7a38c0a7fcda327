from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_create, name="create"),
    path("work/", views.my_work, name="work"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/read/<str:topic>/", views.alerts_read, name="alerts_read"),
    path("<int:dispute_id>/", views.dispute_detail, name="detail"),
    path("<int:dispute_id>/act/<str:action>/", views.dispute_act, name="act"),
    path("<int:dispute_id>/parties/<int:party_id>/reveal/", views.party_reveal, name="reveal"),
    path("<int:dispute_id>/print/<str:document>/", views.dispute_print, name="print"),
    path("<int:dispute_id>/casefile/", views.casefile_page, name="casefile"),
    path("<int:dispute_id>/casefile/docx/", views.casefile_docx, name="casefile_docx"),
    path("<int:dispute_id>/casefile/full/", views.casefile_full, name="casefile_full"),
    path("<int:dispute_id>/extensions/", views.extension_request, name="extension_request"),
    path("<int:dispute_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:dispute_id>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("extensions/<int:extension_id>/decide/", views.extension_decide, name="extension_decide"),
]
