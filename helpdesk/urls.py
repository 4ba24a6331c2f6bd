from django.urls import path

from helpdesk import exports, health_views, views
from helpdesk.inbound.webhook import inbound_webhook

app_name = "helpdesk"

urlpatterns = [
    path("demandes/", views.ticket_list, name="ticket-list"),
    path("demandes/export.csv", exports.my_requests_export, name="ticket-export"),
    path("demandes/nouvelle/", views.ticket_create, name="ticket-create"),
    path("demandes/brouillons/", views.draft_save, name="draft-save"),
    path("demandes/brouillons/<id:pk>/supprimer/", views.draft_delete, name="draft-delete"),
    path("demandes/<id:pk>/", views.ticket_detail, name="ticket-detail"),
    path("notifications/demandes/<id:pk>/suivi/", views.subscription_set,
         name="subscription-set"),
    path("demandes/<id:pk>/direct/", views.ticket_timeline, name="ticket-live"),
    path("demandes/<id:pk>/repondre/", views.ticket_reply, name="ticket-reply"),
    path("demandes/<id:pk>/note/", views.ticket_note, name="ticket-note"),
    path("demandes/<id:pk>/attribuer/", views.ticket_assign, name="ticket-assign"),
    path("demandes/<id:pk>/priorite/", views.ticket_priority, name="ticket-priority"),
    path("demandes/<id:pk>/transferer/", views.ticket_transfer, name="ticket-transfer"),
    path("demandes/<id:pk>/etape/<slug:step>/", views.ticket_step, name="ticket-step"),
    path("demandes/<id:pk>/avis/", views.ticket_satisfaction, name="ticket-satisfaction"),
    path("demandes/<id:pk>/avis/<str:token>/", views.satisfaction_answer,
         name="satisfaction-answer"),
    path("demandes/avis/reglages/", views.satisfaction_settings, name="satisfaction-settings"),
    path("pieces-jointes/<id:pk>/", views.attachment_download, name="attachment-download"),
    path("equipes/", views.queue_list, name="queue-list"),
    path("equipes/<slug:slug>/", views.queue, name="queue-detail"),
    path("equipes/<slug:slug>/sante/", health_views.team_health, name="team-health"),
    path("sante-des-equipes/", health_views.coop_health, name="coop-health"),
    path("equipes/<slug:slug>/export.csv", exports.queue_export, name="queue-export"),
    path("equipes/<slug:slug>/lot/", views.queue_bulk, name="queue-bulk"),
    path("factures-impayees/", views.collection_list, name="collection-list"),
    path("factures-impayees/export.csv", exports.collection_export, name="collection-export"),
    path("factures-impayees/nouveau/", views.collection_create, name="collection-create"),
    path("factures-impayees/reglages/", views.collection_settings, name="collection-settings"),
    path("factures-impayees/<id:pk>/", views.collection_detail, name="collection-detail"),
    path("factures-impayees/<id:pk>/choix/", views.collection_consent, name="collection-consent"),
    path("factures-impayees/<id:pk>/etape/<slug:step>/", views.collection_step,
         name="collection-step"),
    # An e-mail service provider's inbound webhook (anymail checks its signature).
    path("email/entrant/", inbound_webhook, name="email-inbound"),
    path("conseiller/demandes/", views.advisor_requests, name="advisor-requests"),
    path("conseiller/demandes/export.csv", exports.advisor_requests_export,
         name="advisor-requests-export"),
]
