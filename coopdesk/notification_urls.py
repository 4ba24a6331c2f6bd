from django.urls import path

from coopdesk import views

app_name = "coopdesk"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("<id:pk>/", views.notification_open, name="notification-open"),
    path("<id:pk>/lue/", views.notification_read, name="notification-read"),
    path("tout-lu/", views.notification_read_all, name="notification-read-all"),
    path("preferences/", views.preference_edit, name="preference-edit"),
]
