"""Sharing's routes, included at the site root: the practitioner's /practice/, the writer's /shares/ and the
"Share with ..." start from a professional in /people/."""

from django.urls import path

from connections.sharing import views

app_name = "sharing"
urlpatterns = [
    # The practitioner's side: read-only.
    path("practice/", views.practice_home, name="practice_home"),
    path("practice/<int:share_id>/", views.practice_feed, name="practice_feed"),
    path("practice/<int:share_id>/moods/", views.practice_moods, name="practice_moods"),
    path("practice/<int:share_id>/entries/<int:entry_id>/", views.practice_entry, name="practice_entry"),
    path("practice/<int:share_id>/entries/<int:entry_id>/read/", views.practice_mark_read, name="practice_mark_read"),
    # Starting a share from a professional in the writer's circle.
    path("people/<int:person_id>/share/", views.share_new, name="share_new"),
    # The invitation link from the email, and the one-click "stop read notices" link.
    path("shares/invitation/<str:token>/", views.invitation, name="invitation"),
    path("shares/read-notices-off/<str:token>/", views.read_notices_off, name="read_notices_off"),
    # The writer's side.
    path("shares/", views.share_list, name="share_list"),
    path("shares/<int:share_id>/", views.share_detail, name="share_detail"),
    path("shares/<int:share_id>/agenda/", views.share_agenda, name="share_agenda"),
    path("shares/<int:share_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("shares/<int:share_id>/resend/", views.share_resend, name="share_resend"),
    path("shares/<int:share_id>/entries/<int:entry_id>/", views.share_entry_switch, name="share_entry_switch"),
    path("shares/<int:share_id>/preview/", views.share_preview, name="share_preview"),
    path("shares/<int:share_id>/preview/moods/", views.share_preview_moods, name="share_preview_moods"),
    path(
        "shares/<int:share_id>/preview/entries/<int:entry_id>/",
        views.share_preview_entry,
        name="share_preview_entry",
    ),
]
