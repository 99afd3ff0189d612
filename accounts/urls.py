from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("delete/", views.delete_account, name="delete_account"),
    path("export/", views.export_download, name="export_download"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:job_id>/", views.import_progress, name="import_progress"),
    path("import/<int:job_id>/status/", views.import_status, name="import_status"),
]
