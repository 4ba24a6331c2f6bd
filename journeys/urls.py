from django.urls import path

from journeys import views

app_name = "journeys"

urlpatterns = [
    # The member
    path("", views.journey_mine, name="journey-mine"),
    path("adapter/", views.journey_adapt, name="journey-adapt"),
    path("taches/<id:pk>/faite/", views.task_complete, name="task-complete"),
    path("taches/<id:pk>/a-refaire/", views.task_reopen, name="task-reopen"),
    path("taches/<id:pk>/document/", views.task_document, name="task-document"),
    path("diagnostic/", views.slot_list, name="slot-list"),
    path("diagnostic/<id:pk>/reserver/", views.slot_book, name="slot-book"),
    path("diagnostic/<id:pk>/annuler/", views.slot_cancel, name="slot-cancel"),
    path("parrainage/", views.mentor_volunteer, name="mentor-volunteer"),
    # Information meetings (the list and the sign-up form are public)
    path("reunions/", views.meeting_list, name="meeting-list"),
    path("reunions/nouvelle/", views.meeting_create, name="meeting-create"),
    path("reunions/<id:pk>/", views.meeting_detail, name="meeting-detail"),
    path("reunions/<id:pk>/inscription/", views.meeting_signup, name="meeting-signup"),
    path("reunions/<id:pk>/sinscrire/", views.meeting_register, name="meeting-register"),
    path("reunions/<id:pk>/desinscrire/", views.meeting_unregister, name="meeting-unregister"),
    path("reunions/<id:pk>/presences/", views.meeting_attendance, name="meeting-attendance"),
    path("inscription/merci/", views.signup_done, name="signup-done"),
    # Advisors
    path("conseiller/", views.advisor_dashboard, name="advisor-dashboard"),
    path("conseiller/etape/<slug:stage>/", views.advisor_stage, name="advisor-stage"),
    path("conseiller/<slug:kind>/", views.advisor_list, name="advisor-list"),
    path("suivi/<id:pk>/", views.journey_detail, name="journey-detail"),
    path("suivi/<id:pk>/etape/<slug:step>/", views.journey_step, name="journey-step"),
    path("suivi/<id:pk>/brouillon/", views.journey_draft_save, name="journey-draft"),
    path("suivi/<id:pk>/nouveau-cycle/", views.journey_reenter, name="journey-reenter"),
    path("suivi/<id:pk>/parrain/", views.journey_mentor, name="journey-mentor"),
    path("creneaux/", views.slot_manage, name="slot-manage"),
    path("creneaux/<id:pk>/supprimer/", views.slot_remove, name="slot-remove"),
    path("creneaux/<id:pk>/tenu/", views.slot_hold, name="slot-hold"),
    # Team leads, support teams
    path("cooperative/", views.coop_overview, name="coop-overview"),
    path("cooperative/parcours.csv", views.coop_export, name="coop-export"),
    path("equipes/taches/", views.team_tasks, name="team-tasks"),
]
