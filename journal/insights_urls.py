from django.urls import path

from journal import insights_views

app_name = "insights"
urlpatterns = [
    path("", insights_views.insights_page, name="page"),
    path("late-night/dismiss/", insights_views.dismiss_late_night, name="dismiss_late_night"),
]
