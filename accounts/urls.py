from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("delete/", views.delete_account, name="delete_account"),
]
