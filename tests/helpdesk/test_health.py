"""Team health: every figure against a week worked by hand.

The team opens Monday to Friday, 9:00-12:30 and 14:00-17:00 in Paris (390 business minutes
a day) and promises a first response within 8 business hours (480 minutes; resolution
within 5 x 480). Everything happens in the week of Monday 30 November 2026 (no public
holiday); "now" is Monday 7 December, 11:00.

- A: opened Mon 30 9:00, answered Mon 11:00 (120 min, in time: due Tue 10:30), a question
  Tue 9:00, her answer Wed 9:00 (paused 390), resolved Wed 10:00, reopened Thu 9:00
  (the resolved span Wed 10:00-Thu 9:00 paused: 330), resolved again Thu 11:00.
  Resolution: 1290 business minutes - 390 - 330 = 570 (9.5 h).
- B: opened Tue 1 10:00 with the other team, transferred to ours Tue 14:00, answered
  Fri 9:00: 960 minutes from its arrival, late (due Wed 15:30). Still open.
- C: opened Thu 3 15:00, never answered: late since Fri 16:30; 630 minutes old (1-3 days).
- D: opened Mon 7 9:30: 90 minutes old (under a day), due Tue 11:00.
- E: opened Fri 4 10:00: due Mon 11:30, at risk since Mon 9:30; 450 minutes old (1-3).
- F: opened Mon 23 Nov 9:00, never answered: late, over 7 working days old.
- A member found her answer in an article for our category on Wed 2 (and one for the
  other team's).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from coopdesk.accounts.models import Role
from helpdesk import actions, health
from helpdesk.models import OpeningRange, TeamDay, Ticket
from helpdesk.views.health import bar_chart
from kb.models import Article, Deflection
from tests.factories import UserFactory

PARIS = ZoneInfo("Europe/Paris")
NOW = (2026, 12, 7, 11)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def at(*args: int):
    return time_machine.travel(paris(*args), tick=False)


def office_hours(team) -> None:
    for weekday in range(5):
        OpeningRange.objects.create(team=team, weekday=weekday, starts=time(9),
                                    ends=time(12, 30))
        OpeningRange.objects.create(team=team, weekday=weekday, starts=time(14), ends=time(17))
    team.first_response_hours = 8
    team.save()


def open_request(member, category, subject: str, *when: int) -> Ticket:
    with at(*when):
        return actions.create_ticket(requester=member, category=category, subject=subject,
                                     body="Bonjour")


@pytest.fixture
def week(member, category, other_category, team, other_team, agent, outside_agent):
    office_hours(team)
    office_hours(other_team)
    a = open_request(member, category, "A", 2026, 11, 30, 9)
    with at(2026, 11, 30, 11):
        actions.add_reply(a, by=agent, body="Nous regardons.")
    with at(2026, 12, 1, 9):
        actions.wait_for_member(Ticket.objects.get(pk=a.pk), by=agent, note="La facture ?")
    with at(2026, 12, 2, 9):
        actions.add_reply(Ticket.objects.get(pk=a.pk), by=member, body="La voici.")
    with at(2026, 12, 2, 10):
        actions.resolve_ticket(Ticket.objects.get(pk=a.pk), by=agent)
    with at(2026, 12, 3, 9):
        actions.reopen_ticket(Ticket.objects.get(pk=a.pk), by=member, note="Pas encore payé")
    with at(2026, 12, 3, 11):
        actions.resolve_ticket(Ticket.objects.get(pk=a.pk), by=agent)

    b = open_request(member, other_category, "B", 2026, 12, 1, 10)
    with at(2026, 12, 1, 14):
        actions.transfer_ticket(b, by=outside_agent, to_team=team, reason="Recouvrement")
    with at(2026, 12, 4, 9):
        actions.add_reply(Ticket.objects.get(pk=b.pk), by=agent, body="Nous relançons.")

    open_request(member, category, "C", 2026, 12, 3, 15)
    open_request(member, category, "D", 2026, 12, 7, 9, 30)
    open_request(member, category, "E", 2026, 12, 4, 10)
    open_request(member, category, "F", 2026, 11, 23, 9)

    article = Article.objects.create(title="Relancer", slug="relancer", summary="s", body="b",
                                     author=agent)
    for category_, day in ((category, 2), (other_category, 2)):
        Deflection.objects.create(user=member, article=article, category=category_,
                                  created_at=paris(2026, 12, day, 15))
    with at(*NOW):
        health.rebuild(date(2026, 11, 1), date(2026, 12, 7))


def test_the_days_hold_what_happened(week, team, other_team):
    days = {row.day: row for row in TeamDay.objects.filter(team=team)}
    assert days[date(2026, 11, 30)].answered == 1
    assert days[date(2026, 11, 30)].response_minutes == [120.0]
    assert days[date(2026, 12, 4)].response_minutes == [960.0]
    assert days[date(2026, 12, 4)].answered_in_time == 0
    assert days[date(2026, 12, 3)].resolution_minutes == [570.0]
    assert days[date(2026, 12, 3)].reopened == 1
    assert days[date(2026, 12, 1)].transfers_in == 1
    assert days[date(2026, 12, 2)].avoided == 1
    assert TeamDay.objects.get(team=other_team, day=date(2026, 12, 1)).transfers_out == 1
    assert sum(row.incoming for row in days.values()) == 6


def test_every_figure_of_the_team(week, team):
    with at(*NOW):
        figures = health.health([Team_with_calendar(team)], 4)
    assert [w.first for w in figures.weeks] == [
        date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)
    ]
    assert [w.incoming for w in figures.weeks] == [0, 1, 4, 1]
    assert [w.compliance for w in figures.weeks] == [None, None, 50, None]
    assert figures.compliance == 50
    assert figures.response_median == 9.0  # (120 + 960) / 2 minutes
    assert figures.response_p90 == 16.0  # 960 minutes
    assert (figures.resolution_median, figures.resolution_p90) == (9.5, 9.5)
    assert (figures.resolved, figures.reopened, figures.reopen_rate) == (1, 1, 100)
    assert (figures.transfers_in, figures.transfers_out) == (1, 0)
    assert figures.avoided == 1
    assert figures.backlog == [1, 2, 1, 1]  # D; C, E; B; F
    assert (figures.at_risk, figures.late) == (1, 2)  # E; C, F


def test_the_cooperative_counts_every_team(week, team, other_team):
    teams = [Team_with_calendar(team), Team_with_calendar(other_team)]
    with at(*NOW):
        figures = health.health(teams, 4)
        rows = health.by_team(teams, 4)
    assert figures.incoming == 6
    assert (figures.transfers_in, figures.transfers_out) == (1, 1)
    assert figures.avoided == 2
    assert [(row["team"].pk, row["incoming"], row["compliance"]) for row in rows] == [
        (team.pk, 6, 50), (other_team.pk, 0, None)
    ]


def test_the_cooperative_backlog_ages_each_request_on_its_own_teams_calendar(
    week, team, other_team, member, other_category
):
    """Teams with the same calendar share one age test; a team open on Saturdays too has
    its own: the cooperative's backlog is the sum of each team's."""
    teams = [Team_with_calendar(team), Team_with_calendar(other_team)]
    with at(*NOW):
        # One test a limit, of the creation alone.
        assert all("team_id" not in str(test) for test in health._younger_than(teams, paris(*NOW)))
    OpeningRange.objects.create(team=other_team, weekday=5, starts=time(9), ends=time(17))
    open_request(member, other_category, "G", 2026, 12, 4, 16)
    teams = [Team_with_calendar(team), Team_with_calendar(other_team)]
    with at(*NOW):
        # A test per calendar.
        assert all(len(test.children) == 2 for test in health._younger_than(teams, paris(*NOW)))
        both = health.health(teams, 4)
        alone = [health.health([one], 4) for one in teams]
    # Fri 16:00 to Mon 11:00: 3 working hours on the first calendar, 11 with Saturday.
    assert alone[1].backlog == [0, 1, 0, 0]
    assert both.backlog == [a + b for a, b in zip(alone[0].backlog, alone[1].backlog,
                                                  strict=True)]
    assert (both.at_risk, both.late) == (alone[0].at_risk + alone[1].at_risk,
                                         alone[0].late + alone[1].late)


def test_the_catalogue_median_over_90_days(week, team):
    with at(*NOW):
        assert health.median_first_response() == {team.pk: 9.0}


def test_the_job_keeps_today_and_yesterday(week, team, member, category, agent):
    ticket = open_request(member, category, "G", *NOW)
    with at(2026, 12, 7, 12):
        actions.add_reply(ticket, by=agent, body="Vu")
        health.refresh()
    today = TeamDay.objects.get(team=team, day=date(2026, 12, 7))
    assert (today.incoming, today.answered, today.response_minutes) == (2, 1, [60.0])
    # Earlier days keep what was true then.
    assert TeamDay.objects.get(team=team, day=date(2026, 11, 30)).answered == 1


def test_percentiles_by_hand():
    assert health.percentile([], 0.9) is None
    assert health.percentile([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 0.9) == 9
    assert health.percentile([1], 0.9) == 1


def Team_with_calendar(team):  # noqa: N802 - reads as a noun
    from helpdesk.models import Team

    return Team.objects.prefetch_related("opening_ranges", "closures").get(pk=team.pk)


# --- the pages ---------------------------------------------------------------------------


def test_an_agent_sees_the_team_page_without_the_workload(week, client, agent, team):
    client.force_login(agent)
    with at(*NOW):
        response = client.get(reverse("helpdesk:team-health", args=[team.slug]) + "?weeks=4")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No answers in this period." in page
    assert response.context["workload"] is None
    assert f'{reverse("helpdesk:queue-detail", args=[team.slug])}?clock=late' in page
    assert "<svg" in page and "style=" not in page


def test_the_lead_sees_each_agents_open_requests(week, client, lead, team, agent):
    Ticket.objects.filter(subject="C").update(assignee=agent)
    client.force_login(lead)
    with at(*NOW):
        response = client.get(reverse("helpdesk:team-health", args=[team.slug]))
    rows = {row["agent"].pk: row["open"] for row in response.context["workload"]}
    assert rows == {agent.pk: 2, lead.pk: 0}  # C, and B, which she took by answering it
    assert '<td data-label="Open requests assigned">2</td>' in response.content.decode()


def test_the_periods_are_worded_in_the_readers_language(week, client, agent, team):
    client.force_login(agent)
    url = reverse("helpdesk:team-health", args=[team.slug])
    for language, words in (("en", "last 4 weeks"), ("fr", "les 4 dernières semaines")):
        response = client.get(url, headers={"accept-language": language})
        assert words in response.content.decode()


def test_percentages_are_written_as_the_readers_language_writes_them(week, client, agent,
                                                                    team):
    client.force_login(agent)
    url = reverse("helpdesk:team-health", args=[team.slug]) + "?weeks=4"
    for language, rate, bar in (("en", "50% (", "30/11: 50%"),
                                ("fr", "50\u00a0% (", "30/11\u00a0: 50\u00a0%")):
        with at(*NOW):
            page = client.get(url, headers={"accept-language": language}).content.decode()
        assert rate in page and f"<title>{bar}</title>" in page


def test_a_junk_period_falls_back_to_twelve_weeks(week, client, agent, team):
    client.force_login(agent)
    url = reverse("helpdesk:team-health", args=[team.slug])
    for junk in ("999", "-1", "abc", "4" * 40):
        response = client.get(f"{url}?weeks={junk}")
        assert response.status_code == 200
        assert response.context["weeks"] == 12


def test_who_may_see_which_page(week, client, member, outside_agent, agent, team):
    team_url = reverse("helpdesk:team-health", args=[team.slug])
    coop_url = reverse("helpdesk:coop-health")
    for person, team_status, coop_status in (
        (member, 404, 404), (outside_agent, 404, 404), (agent, 200, 404),
        (UserFactory(role=Role.LEAD), 404, 200), (UserFactory(role=Role.ADMIN), 200, 200),
    ):
        client.force_login(person)
        assert client.get(team_url).status_code == team_status, person.role
        assert client.get(coop_url).status_code == coop_status, person.role


def test_the_lead_reads_members_scores_and_comments(week, client, lead, member, team):
    ticket = Ticket.objects.get(subject="A")
    with at(2026, 12, 4, 9):
        actions.confirm_resolution(ticket, by=member)
        actions.rate_ticket(Ticket.objects.get(pk=ticket.pk), by=member, score=2,
                            comment="Réponse lente <b>mais</b> juste")
    client.force_login(lead)
    with at(*NOW):
        response = client.get(reverse("helpdesk:team-health", args=[team.slug]))
    (result,) = response.context["satisfaction_results"]
    assert (result.team, result.answers, result.average) == (team.name, 1, 2.0)
    page = response.content.decode()
    assert "Réponse lente &lt;b&gt;mais&lt;/b&gt; juste" in page
    assert reverse("helpdesk:ticket-detail", args=[ticket.pk]) in page
    # The cooperative's page: the results of every team, the words only to their team.
    other_lead = UserFactory(role=Role.LEAD)
    client.force_login(other_lead)
    with at(*NOW):
        response = client.get(reverse("helpdesk:coop-health"))
    assert len(response.context["satisfaction_results"]) == 1
    assert "Réponse lente" not in response.content.decode()
    # A lead who leads the team without being one of its agents reads them too.
    team.agents.remove(lead)
    client.force_login(lead)
    with at(*NOW):
        response = client.get(reverse("helpdesk:team-health", args=[team.slug]))
    assert "Réponse lente" in response.content.decode()


def test_the_pages_query_counts(week, client, lead, team, django_assert_max_num_queries):
    client.force_login(lead)
    with at(*NOW):
        with django_assert_max_num_queries(10):
            client.get(reverse("helpdesk:team-health", args=[team.slug]))
        with django_assert_max_num_queries(11):
            client.get(reverse("helpdesk:coop-health"))


def test_the_catalogue_shows_the_real_median_beside_the_promise(week, client, member, team,
                                                                other_team):
    client.force_login(member)
    with at(*NOW):
        page = client.get("/aide/services/").content.decode()
    assert "half of the first responses within 9.0 business hours" in page.replace(
        "9,0", "9.0")
    assert "not enough answers yet to say" in page  # the other team answered nobody


def test_the_demo_has_twelve_weeks_of_history(db, client, django_assert_max_num_queries):
    import io

    from django.core.management import call_command

    from coopdesk.accounts.models import User
    from helpdesk.models import Team

    call_command("load_demo", stdout=io.StringIO())
    team = Team.objects.get(slug="recouvrement")
    figures = health.health([Team_with_calendar(team)], 12)
    assert sum(1 for week in figures.weeks if week.incoming) >= 10
    assert figures.response_median is not None and figures.compliance is not None
    # The history's members never log in and are in no other part of the demo.
    history = User.objects.filter(email__endswith="@exemple.fr", requests__isnull=False)
    assert not any(person.has_usable_password() for person in history.distinct())
    client.force_login(team.lead)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("helpdesk:team-health", args=[team.slug])).status_code == 200


def test_the_cooperative_page_keeps_its_live_counts_a_minute(week, client, lead, member,
                                                             category):
    client.force_login(lead)
    url = reverse("helpdesk:coop-health")
    with at(*NOW):
        first = client.get(url)
    assert first.context["health"].backlog == [1, 2, 1, 1]
    assert "counted at 11:00" in first.content.decode()
    open_request(member, category, "G", 2026, 12, 7, 11, 0, 20)
    with time_machine.travel(paris(*NOW) + timedelta(seconds=50), tick=False):
        kept = client.get(url).context["health"]
        assert kept.backlog == [1, 2, 1, 1]  # as counted 50 seconds ago, and says so
        # A team's own page counts now.
        team_page = client.get(reverse("helpdesk:team-health", args=[category.team.slug]))
        assert team_page.context["health"].backlog == [2, 2, 1, 1]
        assert team_page.context["health"].counted_at is None
    with time_machine.travel(paris(*NOW) + timedelta(seconds=61), tick=False):
        assert client.get(url).context["health"].backlog == [2, 2, 1, 1]


def test_the_period_list_selects_the_period_shown(week, client, agent, team):
    """With no period asked, or junk, the list names the default the figures are for."""
    client.force_login(agent)
    url = reverse("helpdesk:team-health", args=[team.slug])
    for query, weeks in (("", health.DEFAULT_WEEKS), ("?weeks=abc", health.DEFAULT_WEEKS),
                         ("?weeks=4", 4)):
        page = client.get(url + query).content.decode()
        assert f'<option value="{weeks}" selected>' in page, query
        for other in set(health.PERIODS) - {weeks}:
            assert f'<option value="{other}">' in page, query


def test_the_charts_week_labels_stay_inside_and_apart():
    labels = [f"{day:02d}/09" for day in range(1, 13)]
    marks = bar_chart(list(range(12)), labels)["marks"]
    ticks = re.findall(r'<text class="tick( first| last)?" x="[\d.]+" y="\d+">(\d\d)/09<', marks)
    # Every other week, and the latest always; the one just before it would overlap it.
    assert ticks == [(" first", "01"), ("", "03"), ("", "05"), ("", "07"), ("", "09"),
                     (" last", "12")]
