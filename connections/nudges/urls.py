from django.urls import path

from connections.nudges import views

app_name = "nudges"
urlpatterns = [
    path("settings/reminders/", views.reminder_settings, name="settings"),
    path("settings/reminders/calendar/", views.calendar_address, name="calendar_address"),
    path("reminders/calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("n/<str:token>/reached-out/", views.reached_out, name="reached-out"),
    path("n/<str:token>/snooze/", views.snooze, name="snooze"),
    path("n/<str:token>/pause/", views.pause, name="pause"),
    path("n/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
