"""The public sign-up through allauth: verified addresses, the same answer and time for known
and new addresses (hole 5), the first tasks due before the meeting."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from journeys.models import JourneyTask, Stage
from tests.accounts.test_accounts import log_in, logged_in
from tests.journeys.conftest import to_cape


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def signup(client, meeting, headers=None, **overrides):
    data = {"first_name": "Emma", "last_name": "Laurent", "email": "emma@exemple.fr",
            "phone": "", "sector": "consulting", "password": "un-Mot-de-passe-42",
            "consent": "on", "website": ""} | overrides
    return client.post(reverse("journeys:meeting-signup", args=[meeting.pk]), data,
                       headers=headers)


def test_a_prospect_logs_in_only_after_verifying_her_address(client, meeting, sent_mail):
    signup(client, meeting)
    [mail] = sent_mail()
    assert mail.to == ["emma@exemple.fr"]
    response = log_in(client, "emma@exemple.fr", "un-Mot-de-passe-42")
    assert response.status_code == 302 and not logged_in(client)
    assert response["Location"] == reverse("account_email_verification_sent")

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.body).group(1)
    assert client.get(link).status_code == 200  # a page with a button: GET confirms nothing
    response = client.post(link)
    assert EmailAddress.objects.get(email="emma@exemple.fr").verified
    assert response["Location"] == reverse("journeys:journey-mine")
    assert not logged_in(client)  # the link itself logs nobody in
    response = client.post(f"{reverse('accounts:login')}?next={response['Location']}",
                           {"login": "emma@exemple.fr", "password": "un-Mot-de-passe-42"})
    assert logged_in(client) and response["Location"] == reverse("journeys:journey-mine")


def test_a_known_address_gets_the_same_answer_and_an_already_have_an_account_email(
    client, meeting, member, sent_mail
):
    new = signup(client, meeting)
    known = signup(client, meeting, email=member.email)
    assert (new.status_code, new["Location"]) == (known.status_code, known["Location"])
    mails = sent_mail()
    assert [mail.to for mail in mails] == [["emma@exemple.fr"], [member.email]]
    assert reverse("account_reset_password") in mails[1].body


def test_the_sign_up_does_the_same_slow_work_for_known_and_new_addresses(
    client, meeting, member, monkeypatch, sent_mail
):
    """Hole 5: 5 ms for a known address, 182 ms for a new one: only a new account hashed its
    password, which is most of the time either answer takes. Counted rather than timed (a
    shared machine's timings tell little): one hash and one e-mail each way."""
    from django.contrib.auth.hashers import MD5PasswordHasher

    hashed = []
    encode = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode",
                        lambda self, *args, **kwargs: hashed.append(1) or encode(self, *args,
                                                                                  **kwargs))

    def work(email):
        hashed.clear()
        sent = len(sent_mail())
        signup(client, meeting, email=email)
        return len(hashed), len(sent_mail()) - sent

    assert work("nouvelle@exemple.fr") == work(member.email) == (1, 1)


def test_the_first_tasks_fall_due_before_the_meeting(client, meeting):
    signup(client, meeting)
    tasks = JourneyTask.objects.filter(journey__member__email="emma@exemple.fr",
                                       stage=Stage.INFO_MEETING)
    day_before = timezone.localdate(meeting.starts_at) - timedelta(days=1)
    assert tasks and all(task.due_date <= day_before for task in tasks)


def test_the_sign_up_limit_counts_the_client_behind_a_trusted_proxy(client, meeting, settings):
    from journeys.views.meetings import SIGNUPS_PER_HOUR

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(SIGNUPS_PER_HOUR):  # one client, forging a different address each time
        forged = {"X-Forwarded-For": f"10.0.0.{n}, 6.6.6.6"}
        assert signup(client, meeting, forged, email=f"p{n}@exemple.fr").status_code == 302
    again = signup(client, meeting, {"X-Forwarded-For": "6.6.6.6"}, email="x@exemple.fr")
    assert again.status_code == 429
    other = signup(client, meeting, {"X-Forwarded-For": "7.7.7.7"}, email="y@exemple.fr")
    assert other.status_code == 302  # another client behind the same proxy is not held back


def test_a_prospect_who_logs_in_lands_on_her_path(client, prospect_factory):
    journey = prospect_factory("Inès")
    client.force_login(journey.member)
    assert client.get(reverse("home"))["Location"] == reverse("journeys:journey-mine")


def test_a_member_past_her_contract_lands_on_her_requests(client, journey, advisor):
    to_cape(journey, advisor)
    client.force_login(journey.member)
    assert client.get(reverse("home"))["Location"] == reverse("helpdesk:ticket-list")


def test_the_address_confirmation_is_signed_coopdesk_not_the_host(client, meeting, sent_mail):
    signup(client, meeting)
    [mail] = sent_mail()
    assert "Coopdesk" in mail.body.splitlines()[0]
    assert "c'est testserver" not in mail.body
