"""Every text a person types has a length limit: said in the page (maxlength), checked by the
form, and a text over it comes back with the form and a clear error, never lost."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from coopdesk.forms import StepForm
from coopdesk.rendering import ARTICLE_MAX_CHARS, MESSAGE_MAX_CHARS, NOTE_MAX_CHARS
from helpdesk import forms as helpdesk_forms
from helpdesk.models import Message, Ticket
from journeys import forms as journeys_forms
from kb import forms as kb_forms
from kb.models import Article
from tests.our_forms import form_classes

FIELDS = [
    (helpdesk_forms.TicketForm, "body", MESSAGE_MAX_CHARS),
    (helpdesk_forms.ReplyForm, "body", MESSAGE_MAX_CHARS),
    (helpdesk_forms.NoteForm, "body", MESSAGE_MAX_CHARS),
    (helpdesk_forms.TransferForm, "reason", NOTE_MAX_CHARS),
    (helpdesk_forms.SavedReplyForm, "title", 150),
    (helpdesk_forms.SavedReplyForm, "body", MESSAGE_MAX_CHARS),
    (helpdesk_forms.SavedReplyForm, "articles", 2000),
    (kb_forms.ArticleForm, "body", ARTICLE_MAX_CHARS),
    (kb_forms.ArticleForm, "summary", 300),
    (kb_forms.CommentForm, "body", NOTE_MAX_CHARS),
    (kb_forms.FeedbackForm, "comment", 2000),
    (StepForm, "note", NOTE_MAX_CHARS),
    (journeys_forms.AdvanceForm, "note", NOTE_MAX_CHARS),
    (journeys_forms.ExitForm, "note", NOTE_MAX_CHARS),
    (journeys_forms.SwitchPathForm, "note", NOTE_MAX_CHARS),
    (journeys_forms.HoldDiagnosisForm, "summary", NOTE_MAX_CHARS),
    (journeys_forms.AdaptationForm, "message", 2000),
    (journeys_forms.MentorOfferForm, "note", NOTE_MAX_CHARS),
    (journeys_forms.MeetingForm, "description", NOTE_MAX_CHARS),
]


def declared_field(form_class: type[forms.BaseForm], name: str) -> forms.Field:
    # The field as declared: some forms need a ticket or a user to be built, not to be read.
    return form_class.base_fields[name]


@pytest.mark.parametrize(("form_class", "name", "limit"), FIELDS)
def test_text_field_states_and_checks_its_limit(form_class, name, limit):
    field = declared_field(form_class, name)
    if isinstance(field.widget, forms.Textarea) and field.max_length is None:
        # A model's TextField gets its limit when the form is built.
        field = form_class().fields[name]
    assert field.max_length == limit
    assert field.widget_attrs(field.widget).get("maxlength") == str(limit)
    with pytest.raises(forms.ValidationError) as error:
        field.clean("x" * (limit + 1))
    assert [e.code for e in error.value.error_list] == ["max_length"]
    assert field.clean("x" * limit) == "x" * limit


def test_too_long_request_comes_back_with_the_text_and_the_error(member_client, category):
    text = "Mon long texte. " * (MESSAGE_MAX_CHARS // 16 + 1)
    response = member_client.post(
        reverse("helpdesk:ticket-create"),
        {"category": category.pk, "subject": "Impayé", "body": text},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"au plus {MESSAGE_MAX_CHARS} caractères" in page  # French by default
    assert text.strip() in page and f'maxlength="{MESSAGE_MAX_CHARS}"' in page
    assert not Ticket.objects.exists()


def test_too_long_reply_comes_back_with_the_text(member_client, ticket):
    text = "x" * (MESSAGE_MAX_CHARS + 1)
    response = member_client.post(reverse("helpdesk:ticket-reply", args=[ticket.pk]),
                                  {"body": text})
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not Message.objects.exists()


def test_too_long_article_comes_back_with_the_text(client, member):
    client.force_login(member)
    text = "y" * (ARTICLE_MAX_CHARS + 1)
    response = client.post(reverse("kb:article-create"),
                           {"title": "Long", "summary": "Court.", "body": text,
                            "language": "fr", "audience": "members"})
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert text in page and f"au plus {ARTICLE_MAX_CHARS} caractères" in page
    assert not Article.objects.filter(title="Long").exists()


def test_a_long_draft_is_kept_whole(member_client, member):
    text = "z" * (MESSAGE_MAX_CHARS + 500)  # over the request's limit: shortened before sending
    response = member_client.post(reverse("helpdesk:draft-save"), {"key": "k1", "body": text})
    assert response.status_code in (200, 204)
    assert member.ticket_drafts.get().body == text


# Built with the form (a model's TextField), or no text kept: a password is hashed to a fixed
# size, the sign-up's hidden field only catches robots.
LIMITED_WHEN_BUILT = {("MeetingForm", "description"), ("MentorOfferForm", "note")}
NOT_KEPT = {("LoginForm", "password"), ("SignupForm", "password"), ("SignupForm", "website"),
            ("ReauthenticateForm", "password")} | {
    (form, field) for form in ("ChangePasswordForm", "ResetPasswordKeyForm")
    for field in ("oldpassword", "password1", "password2")
}


def test_no_text_field_of_ours_is_without_a_limit():
    """The list above names each limit; this finds a form added since without one."""
    unlimited = [
        (name, field_name)
        for name, cls in form_classes() for field_name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
        and (name, field_name) not in LIMITED_WHEN_BUILT | NOT_KEPT
    ]
    assert unlimited == []
