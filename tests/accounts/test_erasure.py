"""Erasure: the member asks, staff confirm, nothing of the person remains readable."""

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format

from coopdesk.accounts.erasure import ask_erasure, erase_account
from coopdesk.conflicts import Conflict
from coopdesk.models import ErasureRequest
from helpdesk.models import Attachment, CollectionCase, Message, Ticket
from journeys.models import Journey
from kb.models import Article
from tests.accounts.conftest import EMAIL, LAST_NAME, PHONE

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def readable_copies(*needles: str) -> list[str]:
    """Every text, char, JSON or file column of every model, searched through the ORM."""
    found = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *fields):
            text = json.dumps(row, ensure_ascii=False, default=str).lower()
            found += [f"{model._meta.label} #{row[0]}: {needle}"
                      for needle in needles if needle.lower() in text]
    return found


def test_the_search_finds_what_is_there(world):
    assert readable_copies(LAST_NAME, EMAIL, PHONE)


def test_nothing_of_the_person_remains_readable(
    world, camille, admin_user, django_capture_on_commit_callbacks
):
    files = [a.file.name for a in Attachment.objects.filter(uploaded_by=camille)]
    files.append(world["task"].__class__.objects.get(pk=world["task"].pk).document.name)
    assert all(default_storage.exists(name) for name in files)
    ask_erasure(camille)

    with pytest.raises(Conflict):  # staff confirm; nobody else can start it
        erase_account(world["lucas_ticket"].requester, by=admin_user)
    with django_capture_on_commit_callbacks(execute=True):  # files go once it commits
        erase_account(camille, by=admin_user)

    assert readable_copies(LAST_NAME, EMAIL, PHONE, "camille") == []
    assert not any(default_storage.exists(name) for name in files)


def test_the_records_keep_their_shape(world, camille, admin_user, agent):
    ask_erasure(camille)
    erase_account(camille, by=admin_user)
    camille.refresh_from_db()
    assert camille.first_name == f"Ancien·ne membre #{camille.pk}"
    assert camille.email.endswith(".invalid") and not camille.phone
    assert not camille.is_active and not camille.has_usable_password()
    ticket = Ticket.objects.get(pk=world["ticket"].pk)
    assert ticket.requester == camille and ticket.subject == "[effacé]"
    assert ticket.state == world["ticket"].state and ticket.events.count() >= 2
    assert set(Message.objects.filter(ticket=ticket).values_list("body", flat=True)) == {
        "[effacé]"
    }
    # The team's file on the note stays: the cooperative's record, not one she sent.
    assert list(ticket.attachments.values_list("uploaded_by", flat=True)) == [agent.pk]
    case = CollectionCase.objects.get(pk=world["case"].pk)
    assert (case.member, case.invoice_number, str(case.amount)) == (camille, "F-31", "1850.00")
    assert Journey.objects.filter(member=camille).count() == 1
    assert not Article.objects.filter(pk=world["article"].pk).exists()  # a draft never published
    published = Article.objects.get(pk=world["published"].pk)  # the cooperative's knowledge
    assert published.author == camille and published.body == "Étape 1…"
    assert not camille.notifications.exists() and not camille.ticket_drafts.exists()
    assert not camille.notification_preferences.exists()
    # Lucas' request is untouched.
    lucas = Ticket.objects.get(pk=world["lucas_ticket"].pk)
    assert lucas.subject == "La demande de Lucas" and lucas.attachments.count() == 1
    request = ErasureRequest.objects.get(user=camille)
    assert request.erased_by == admin_user and request.erased_at
    assert LogEntry.objects.filter(user=admin_user, object_id=str(camille.pk)).exists()
    with pytest.raises(Conflict):
        erase_account(camille, by=admin_user)


def test_an_erased_person_is_logged_out(world, camille, admin_user, client):
    client.force_login(camille)
    ask_erasure(camille)
    erase_account(camille, by=admin_user)
    response = client.get(reverse("accounts:profile-edit"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_member_asks_with_a_confirmation(camille, client):
    client.force_login(camille)
    page = client.get(reverse("accounts:erasure-ask"))
    assert page.status_code == 200
    assert set(page["Cache-Control"].split(", ")) == {"private", "no-store"}
    refused = client.post(reverse("accounts:erasure-ask"), {})
    assert refused.status_code == 400 and not ErasureRequest.objects.exists()
    done = client.post(reverse("accounts:erasure-ask"), {"confirm": "on"})
    assert done.status_code == 302
    assert ErasureRequest.objects.get(user=camille).erased_at is None
    camille.refresh_from_db()
    assert camille.is_active  # nothing happens before staff confirm
    client.post(reverse("accounts:erasure-ask"), {"confirm": "on"})
    assert ErasureRequest.objects.count() == 1


def test_admin_confirms_in_the_admin(world, camille, admin_user, client):
    ask_erasure(camille)
    client.force_login(admin_user)
    asked = ErasureRequest.objects.get(user=camille)
    response = client.post(reverse("admin:coopdesk_erasurerequest_changelist"), {
        "action": "erase", "_selected_action": [asked.pk],
    })
    assert response.status_code == 302
    camille.refresh_from_db()
    assert not camille.is_active and camille.email.endswith(".invalid")


def test_a_member_cannot_open_the_erasure_admin(camille, client):
    client.force_login(camille)
    response = client.get(reverse("admin:coopdesk_erasurerequest_changelist"))
    assert response.status_code == 302


def test_no_e_mail_waiting_for_her_address_survives(world, camille, admin_user):
    """Nor one queued for her address without naming her account (asked by its address)."""
    from coopdesk.models import OutboxEmail, OutboxKind

    OutboxEmail.objects.create(kind=OutboxKind.ACCOUNT, to_email=camille.email.upper(),
                               written={"subject": "Coopdesk", "text": "…", "html": ""})
    ask_erasure(camille)
    erase_account(camille, by=admin_user)
    assert not OutboxEmail.objects.filter(to_email__iexact=EMAIL).exists()


def test_the_admin_page_of_an_erasure_writes_its_deadline_as_a_date(camille, admin_user, client):
    ask_erasure(camille)
    asked = ErasureRequest.objects.get(user=camille)
    client.force_login(admin_user)
    page = client.get(reverse("admin:coopdesk_erasurerequest_change", args=[asked.pk]))
    assert page.status_code == 200
    assert date_format(asked.answer_by) in page.content.decode()
    assert asked.answer_by.isoformat() not in page.content.decode()


def test_an_erasure_request_cannot_be_deleted_in_the_admin(camille, admin_user, client):
    """"Delete selected" sat beside "Erase these accounts": it dropped the request unheard."""
    ask_erasure(camille)
    asked = ErasureRequest.objects.get(user=camille)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:coopdesk_erasurerequest_changelist")).content.decode()
    assert 'value="erase"' in listing and 'value="delete_selected"' not in listing
    response = client.post(reverse("admin:coopdesk_erasurerequest_delete", args=[asked.pk]),
                           {"post": "yes"})
    assert response.status_code == 403 and ErasureRequest.objects.filter(pk=asked.pk).exists()


def test_the_admin_is_headed_coopdesk_not_django(admin_user, client):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Administration de Coopdesk" in page and "Administration de Django" not in page
