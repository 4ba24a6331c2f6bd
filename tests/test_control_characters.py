"""Control characters (C0 but tab and line ends, DEL, C1) never reach a page, a CSV export or
an e-mail from a form: every text a person types goes through CleanCharField
(coopdesk.text, the rule the e-mails received follow too). Text boxes keep tabs and line
breaks; a one-line field turns them into spaces. Pasted junk is dropped, not refused."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from coopdesk.forms import CleanCharField
from coopdesk.text import clean_line, clean_text, typed_line, typed_text
from helpdesk.forms import ReferenceField
from helpdesk.models import CollectionCase, Message, Ticket
from tests.our_forms import form_classes

JUNK = "a\x00\x01\x02\x1b[31m\x7f\x08\x85\x9fb"  # NUL, C0, an ANSI escape, DEL, C1
WITHOUT_JUNK = "a[31mb"

# Not a text that is kept or shown: passwords reach the hasher as typed, e-mail addresses
# and links have validators of their own, a reference is parsed into a number.
NOT_TEXT = (forms.EmailField, forms.URLField, ReferenceField)


def typed_text_fields() -> list[tuple[str, str, forms.Field]]:
    return [
        (name, field_name, field)
        for name, cls in form_classes() for field_name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field, NOT_TEXT)
        and not isinstance(field.widget, forms.PasswordInput)
    ]


FIELDS = typed_text_fields()


def test_the_forms_people_type_in_are_all_found():
    names = {(form, field) for form, field, _ in FIELDS}
    assert {("TicketForm", "subject"), ("ReplyForm", "body"), ("NoteForm", "body"),
            ("RecordForm", "body"), ("CollectionCaseForm", "client_name"),
            ("CollectionCaseForm", "invoice_number"), ("SavedReplyForm", "title"),
            ("AdaptationForm", "message"), ("MeetingForm", "title"),
            ("MeetingForm", "description"), ("SignupForm", "first_name"),
            ("ArticleForm", "tags"), ("FeedbackForm", "comment"), ("CommentForm", "body"),
            ("ProfileForm", "last_name"), ("StepForm", "note")} <= names


@pytest.mark.parametrize(("form", "name", "field"), FIELDS,
                         ids=[f"{form}.{name}" for form, name, _ in FIELDS])
def test_every_text_field_drops_control_characters(form, name, field):
    assert isinstance(field, CleanCharField), f"{form}.{name} keeps control characters"
    assert field.to_python(JUNK) == WITHOUT_JUNK
    if isinstance(field.widget, forms.Textarea):
        assert field.to_python("un\tdeux\r\ntrois\n") == "un\tdeux\r\ntrois"
    else:
        assert field.to_python("un\tdeux\r\ntrois") == "un deux trois"


def test_the_rules():
    assert typed_text("\x1b[2Jtexte\r\n\tsuite\x85") == "[2Jtexte\r\n\tsuite"
    assert typed_line("Facture\t12\nF-3\x0c") == "Facture 12 F-3"
    assert clean_text("un\r\ndeux\rtrois\x07") == "un\ndeux\ntrois"
    assert clean_line("a\tb\nc\x00") == "abc"
    assert typed_text("é — « ça » \u00a0\u202f😀") == "é — « ça » \u00a0\u202f😀"  # not C1


def test_a_collection_case_client_name_is_saved_without_them(agent, member, team, client):
    client.force_login(agent)
    response = client.post(reverse("helpdesk:collection-create"), {
        "member": member.email, "team": team.pk, "client_name": JUNK,
        "invoice_number": "F-\x1b1", "amount": "2400", "due_date": "2026-10-20",
    })
    assert response.status_code == 302
    case = CollectionCase.objects.get()
    assert (case.client_name, case.invoice_number) == (WITHOUT_JUNK, "F-1")


def test_a_request_and_a_reply_are_saved_without_them(member_client, category):
    member_client.post(reverse("helpdesk:ticket-create"), {
        "category": category.pk, "subject": f"Sujet {JUNK}", "body": f"ligne\r\n{JUNK}",
    })
    ticket = Ticket.objects.get()
    assert ticket.subject == f"Sujet {WITHOUT_JUNK}"
    assert ticket.body == f"ligne\r\n{WITHOUT_JUNK}"
    member_client.post(reverse("helpdesk:ticket-reply", args=[ticket.pk]), {"body": JUNK})
    assert Message.objects.get().body == WITHOUT_JUNK


def test_my_profile_names_are_saved_without_them(member_client, member):
    data = {"first_name": "Ca\x1bmille", "last_name": "Du\tpont\x7f", "language": "fr"}
    assert member_client.post(reverse("accounts:profile-edit"), data).status_code == 302
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == ("Camille", "Du pont")
