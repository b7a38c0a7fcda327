from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("mine/", views.my_tasks, name="mine"),
    path("new/", views.task_create, name="create"),
    path("units/<str:code>/", views.unit_tasks, name="unit"),
    path("alerts/<int:task_alert_id>/acknowledge/", views.task_alert_acknowledge, name="alert_acknowledge"),
    path("extensions/<int:task_extension_id>/decide/", views.task_extension_decide, name="extension_decide"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/decisions/", views.meeting_decision_add, name="decision_add"),
    path("meetings/<int:meeting_id>/files/", views.meeting_file_add, name="meeting_file_add"),
    path("meetings/<int:meeting_id>/files/<int:meeting_file_id>/", views.meeting_file, name="meeting_file"),
    path("<int:task_id>/", views.task_detail, name="detail"),
    path("<int:task_id>/act/<str:action>/", views.task_act, name="act"),
    path("<int:task_id>/extensions/", views.task_extension_request, name="extension_request"),
    path("<int:task_id>/attachments/", views.task_attachment_add, name="attachment_add"),
    path("<int:task_id>/attachments/<int:task_file_id>/", views.task_attachment, name="attachment"),
]
