from django.urls import path

from . import callback_views, views

app_name = "helpline"

urlpatterns = [
    path("ask/", views.ask, name="ask"),
    path("ask/thank-you/", views.ask_thanks, name="ask-thanks"),
    path("ask/thank-you/callback/", callback_views.ask_callback, name="ask-callback"),
    path("call/<str:token>/", callback_views.callback_manage, name="callback-manage"),
    path("calls/", callback_views.calls_day, name="calls"),
    path("calls/publish/", callback_views.slots_publish, name="slots-publish"),
    path("", views.queue, name="queue"),
    path("enquiries/new/", views.enquiry_new, name="enquiry-new"),
    path("enquiries/<int:pk>/", views.enquiry_detail, name="enquiry-detail"),
    path("enquiries/<int:pk>/edit/", views.enquiry_edit, name="enquiry-edit"),
    path(
        "enquiries/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("enquiries/<int:pk>/claim/", views.enquiry_claim, name="enquiry-claim"),
    path("enquiries/<int:pk>/assign/", views.enquiry_assign, name="enquiry-assign"),
    path("enquiries/<int:pk>/status/", views.enquiry_transition, name="enquiry-transition"),
    path("enquiries/<int:pk>/urgency/", views.enquiry_urgency, name="enquiry-urgency"),
    path("enquiries/<int:pk>/notes/", views.enquiry_note, name="enquiry-note"),
    path("enquiries/<int:pk>/callbacks/", views.callback_schedule, name="callback-schedule"),
    path("enquiries/<int:pk>/callbacks/<int:callback_pk>/done/", views.callback_done, name="callback-done"),
    path("enquiries/<int:pk>/reply/", views.reply, name="reply"),
    path("enquiries/<int:pk>/reply/preview/", views.reply_preview, name="reply-preview"),
    path("enquiries/<int:pk>/reply/preview/email.html", views.reply_preview_html, name="reply-preview-html"),
    path("enquiries/<int:pk>/reply/send/", views.reply_send_draft, name="reply-send-draft"),
    path("my-enquiries/", views.my_enquiries, name="my-enquiries"),
    path("my-enquiries/<int:pk>/", views.my_enquiry, name="my-enquiry"),
    path("my-enquiries/<int:pk>/callback/", callback_views.my_enquiry_callback, name="my-enquiry-callback"),
    path("enquiries/<int:pk>/refer/", views.refer, name="refer"),
    path("rota/", views.rota, name="rota"),
    path("rota/<int:pk>/remove/", views.rota_remove, name="rota-remove"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/new/", views.template_edit, name="template-new"),
    path("templates/<int:pk>/", views.template_edit, name="template-edit"),
    path("reports/", views.reports, name="reports"),
    path("reports/figures.csv", views.reports_csv, name="reports-csv"),
    path("reports/gaps/", views.gaps, name="gaps"),
]
