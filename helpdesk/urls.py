from django.urls import path

from helpdesk import views

app_name = "helpdesk"

urlpatterns = [
    path("demandes/", views.ticket_list, name="ticket-list"),
    path("demandes/nouvelle/", views.ticket_create, name="ticket-create"),
    path("demandes/pour-un-membre/", views.ticket_record, name="ticket-record"),
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
    path("demandes/<id:pk>/reponses-types/", views.saved_reply_picker,
         name="saved-reply-picker"),
    path("demandes/<id:pk>/reponses-types/<id:reply>/", views.saved_reply_insert,
         name="saved-reply-insert"),
    path("reponses-types/", views.saved_reply_list, name="saved-reply-list"),
    path("reponses-types/nouvelle/", views.saved_reply_create, name="saved-reply-create"),
    path("reponses-types/<id:pk>/", views.saved_reply_edit, name="saved-reply-edit"),
    path("reponses-types/<id:pk>/supprimer/", views.saved_reply_delete,
         name="saved-reply-delete"),
    path("pieces-jointes/<id:pk>/", views.attachment_download, name="attachment-download"),
    path("equipes/", views.queue_list, name="queue-list"),
    path("equipes/<slug:slug>/", views.queue, name="queue-detail"),
    path("equipes/<slug:slug>/lot/", views.queue_bulk, name="queue-bulk"),
    path("factures-impayees/", views.collection_list, name="collection-list"),
    path("factures-impayees/nouveau/", views.collection_create, name="collection-create"),
    path("factures-impayees/reglages/", views.collection_settings, name="collection-settings"),
    path("factures-impayees/<id:pk>/", views.collection_detail, name="collection-detail"),
    path("factures-impayees/<id:pk>/choix/", views.collection_consent, name="collection-consent"),
    path("factures-impayees/<id:pk>/etape/<slug:step>/", views.collection_step,
         name="collection-step"),
    path("conseiller/demandes/", views.advisor_requests, name="advisor-requests"),
]
