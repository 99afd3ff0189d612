from django.urls import path

from journal import views

app_name = "journal"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_new, name="new"),
    path("calendar/", views.month_calendar, name="calendar"),
    path("trash/", views.trash, name="trash"),
    path("drafts/", views.draft_list, name="drafts"),
    path("drafts/autosave/", views.draft_autosave, name="autosave"),
    path("drafts/<int:draft_id>/discard/", views.draft_discard, name="draft_discard"),
    path("prompts/", views.prompt_list, name="prompts"),
    path("prompts/<int:prompt_id>/remove/", views.prompt_remove, name="prompt_remove"),
    path("<int:entry_id>/", views.entry_detail, name="detail"),
    path("<int:entry_id>/edit/", views.entry_edit, name="edit"),
    path("<int:entry_id>/delete/", views.entry_delete, name="delete"),
    path("<int:entry_id>/restore/", views.entry_restore, name="restore"),
    path("<int:entry_id>/delete-forever/", views.entry_delete_forever, name="delete_forever"),
]
