from django.urls import path

from connections import views

urlpatterns = [
    path("help/", views.help_page, name="help"),
]
