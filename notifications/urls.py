from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notification, name="notification_open"),
    path("read-all/", views.mark_all_read, name="notifications_read_all"),
    path("settings/", views.email_settings, name="notification_settings"),
]
