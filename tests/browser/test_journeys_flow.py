"""A prospect signs up for an information meeting, the advisor takes the roll, the prospect
books a diagnosis, the advisor holds it and records the CAPE: the new tasks are on "My path"."""

import re
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from journeys import actions
from journeys.models import Journey, Stage
from tests.browser.conftest import login
from tests.journeys.conftest import came, future, legal_team, path  # noqa: F401 (fixtures)


def test_prospect_to_cape(new_page, advisor, path):  # noqa: F811
    meeting = actions.create_meeting(
        by=advisor, starts_at=timezone.now() + timedelta(minutes=10), place="Bureau de Lyon",
        capacity=10)
    slot = actions.add_slot(advisor=advisor, by=advisor, starts_at=future(2, 14),
                            duration_minutes=60, place="Bureau de Lyon")

    prospect = new_page()
    prospect.goto("/parcours/reunions/")
    prospect.locator(f"#meeting-{meeting.pk} a[href$='/inscription/']").click()
    prospect.fill("#id_first_name", "Emma")
    prospect.fill("#id_last_name", "Laurent")
    prospect.fill("#id_email", "emma.laurent@exemple.fr")
    prospect.select_option("#id_sector", "consulting")
    prospect.fill("#id_password", "un-Mot-de-passe-42")
    prospect.check("#id_consent")
    prospect.locator("#signup-form button[type=submit]").click()
    expect(prospect).to_have_url(re.compile(r"/parcours/inscription/merci/$"))
    # She confirms her address from the e-mail (the link is followed in
    # tests/journeys/test_signup_accounts.py): until then she cannot log in.
    EmailAddress.objects.filter(email="emma.laurent@exemple.fr").update(verified=True)
    login(prospect, "emma.laurent@exemple.fr", "un-Mot-de-passe-42")
    prospect.goto("/parcours/")
    expect(prospect.locator(".path-step.step-current")).to_have_count(1)
    expect(prospect.locator(".next-step")).to_contain_text("Bureau de Lyon")

    staff = new_page()
    login(staff, advisor.email)
    staff.goto(f"/parcours/reunions/{meeting.pk}/")
    expect(staff.locator("table.list")).to_contain_text("Emma Laurent")
    staff.locator("input[name=present]").check()
    staff.locator(f"form[action$='/reunions/{meeting.pk}/presences/'] button").click()
    expect(staff.locator(".badge.reg-attended")).to_have_count(1)

    prospect.goto("/parcours/diagnostic/")
    prospect.locator(f"form[action$='/diagnostic/{slot.pk}/reserver/'] button").click()
    expect(prospect.locator(".next-step")).to_contain_text(advisor.get_full_name())

    journey = Journey.objects.get(member__email="emma.laurent@exemple.fr")
    came(slot)  # two days later, the interview takes place: the advisor records it
    staff.goto("/parcours/conseiller/")
    staff.locator(f"a[href='/parcours/suivi/{journey.pk}/']").first.click()
    staff.fill("#id_summary", "Projet de conseil clair. Démarrage du CAPE tout de suite.")
    staff.locator(f"form[action$='/creneaux/{slot.pk}/tenu/'] button").click()
    expect(staff.locator("#form-sign-cape")).to_be_visible()
    staff.locator("#form-sign-cape button[type=submit]").click()
    expect(staff.locator(".status-line .badge")).to_have_class(re.compile("stage-cape"))

    prospect.goto("/parcours/")
    tasks = prospect.locator(".task-list")
    expect(tasks).to_contain_text("Participer aux deux journées d'accueil")
    expect(tasks).to_contain_text("Hébergement juridique")
    expect(tasks).to_contain_text("Assurance RC Pro")
    expect(prospect.locator(".path-step.step-done")).to_have_count(2)
    journey.refresh_from_db()
    assert journey.state == Stage.CAPE
