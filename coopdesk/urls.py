from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from coopdesk import views

# The admin site's own login form would skip rate limits and two-factor: send it to ours.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("coopdesk.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("notifications/", include("coopdesk.notification_urls")),
    path("", include("helpdesk.urls")),
    path("parcours/", include("journeys.urls")),
    path("aide/", include("kb.urls")),
    path("admin/", admin.site.urls),
]
