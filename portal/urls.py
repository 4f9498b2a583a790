from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import language_views, views
from .outbox import views as outbox_views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Portal administration"

portal_patterns = (
    [
        path("privacy/", views.privacy, name="privacy"),
        path("language/", language_views.language_choose, name="language"),
        path("account/", views.account, name="account"),
        path("account/data/", views.data_export_html, name="data-export"),
        path("account/data.json", views.data_export_json, name="data-export-json"),
        path("account/delete/", views.account_delete, name="account-delete"),
        path("email/<int:pk>/cancel/", outbox_views.email_cancel_view, name="email-cancel"),
        path("email/unsubscribe/<str:token>/", outbox_views.email_unsubscribe, name="email-unsubscribe"),
    ],
    "portal",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include(portal_patterns)),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("helpline/", include("helpline.urls")),
    path("peers/", include("peers.urls")),
    path("", include("leaflet.urls")),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
