from django.urls import path

from connections import views

urlpatterns = [
    path("people/", views.people_list, name="people"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/pause/", views.person_pause, name="person_pause"),
    path("people/<int:person_id>/delete/", views.person_delete, name="person_delete"),
    path("people/<int:person_id>/log/", views.contact_log_add, name="contact_log_add"),
    path("people/<int:person_id>/reached-out/", views.reached_out, name="reached_out"),
    path("people/<int:person_id>/snooze/", views.snooze, name="snooze"),
    path("people/<int:person_id>/contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("reach-out/", views.reach_out, name="reach_out"),
    path("help/", views.help_page, name="help"),
    path("help/plan/", views.safety_plan_edit, name="safety_plan_edit"),
]
