from django.urls import path

from . import conversation_views, lifecycle_views, moderation_views, views

app_name = "peers"

urlpatterns = [
    path("", views.index, name="index"),
    path("request/", views.request_start, name="request-start"),
    path("request/new/", views.request_new, name="request-new"),
    path("request/<int:pk>/", views.request_detail, name="request-detail"),
    path("request/<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("introductions/<int:pk>/accept/", views.introduction_answer, {"accept": True}, name="introduction-accept"),
    path("introductions/<int:pk>/decline/", views.introduction_answer, {"accept": False}, name="introduction-decline"),
    path("introductions/<int:pk>/end/", views.introduction_end, name="introduction-end"),
    path("conversations/<int:pk>/", conversation_views.conversation, name="conversation"),
    path("conversations/<int:pk>/messages/", conversation_views.conversation_poll, name="conversation-poll"),
    path("conversations/<int:pk>/send/", conversation_views.conversation_send, name="conversation-send"),
    path("conversations/<int:pk>/nurse/", conversation_views.conversation_ask_nurse, name="conversation-nurse"),
    path(
        "conversations/<int:pk>/messages/<int:message_pk>/report/",
        conversation_views.message_report,
        name="message-report",
    ),
    path("conversations/<int:pk>/ending/", lifecycle_views.ending, name="ending"),
    path("volunteer/", views.volunteer_home, name="volunteer-home"),
    path("volunteer/apply/", views.volunteer_apply, name="volunteer-apply"),
    path("volunteer/pause/", views.volunteer_pause, name="volunteer-pause"),
    path("volunteer/resume/", views.volunteer_resume, name="volunteer-resume"),
    path("my-data/", views.my_data, name="my-data"),
    path("my-data/download/", views.my_data_download, name="my-data-download"),
    path("my-data/delete/", views.my_data_erase, name="my-data-erase"),
    path("respond/<str:token>/", views.respond, name="respond"),
    path("check-in/<str:token>/", views.check_in, name="check-in"),
    path("nurse/", views.nurse_queue, name="nurse-queue"),
    path("nurse/requests/<int:pk>/", views.nurse_request, name="nurse-request"),
    path("nurse/requests/<int:pk>/contact/", views.nurse_request_contact, name="nurse-request-contact"),
    path("nurse/requests/<int:pk>/propose/", views.nurse_propose, name="nurse-propose"),
    path("nurse/introductions/<int:pk>/close/", views.nurse_introduction_close, name="nurse-introduction-close"),
    path(
        "nurse/introductions/<int:pk>/length/",
        lifecycle_views.nurse_introduction_length,
        name="nurse-introduction-length",
    ),
    path("nurse/conversations/", moderation_views.nurse_moderation, name="nurse-moderation"),
    path("nurse/messages/<int:pk>/hide/", moderation_views.nurse_message_hide, name="nurse-message-hide"),
    path("nurse/messages/<int:pk>/reviewed/", moderation_views.nurse_message_reviewed, name="nurse-message-reviewed"),
    path(
        "nurse/introductions/<int:pk>/pause/",
        moderation_views.nurse_conversation_pause,
        name="nurse-conversation-pause",
    ),
    path(
        "nurse/introductions/<int:pk>/resume/",
        moderation_views.nurse_conversation_resume,
        name="nurse-conversation-resume",
    ),
    path("nurse/tasks/<int:pk>/done/", views.nurse_task_done, name="nurse-task-done"),
    path("nurse/volunteers/", views.nurse_volunteers, name="nurse-volunteers"),
    path("nurse/volunteers/<int:pk>/", views.nurse_volunteer, name="nurse-volunteer"),
    path("nurse/volunteers/<int:pk>/contact/", views.nurse_volunteer_contact, name="nurse-volunteer-contact"),
    path("nurse/volunteers/<int:pk>/briefing/", views.nurse_volunteer_briefing, name="nurse-volunteer-briefing"),
    path("nurse/volunteers/<int:pk>/decline/", views.nurse_volunteer_decline, name="nurse-volunteer-decline"),
]
