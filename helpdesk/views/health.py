"""Team health pages: a team's (for its lead and agents) and the cooperative's (for admins
and team leads). The figures come from helpdesk/health.py; the charts are plain SVG drawn
by the template from the geometry computed here, styled by classes in static CSS (nothing
inline: the pages keep the strict Content-Security-Policy)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import Role
from coopdesk.templatetags.numbers import percent
from helpdesk import health, satisfaction
from helpdesk.models import Team

# The drawing's own units: the SVG scales to the page's width (static/css/app.css).
CHART_WIDTH, CHART_HEIGHT, CHART_BOTTOM = 600, 200, 24


class PeriodForm(forms.Form):
    weeks = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Worded per request, in the reader's language (not once, when the module loads).
        self.fields["weeks"].choices = [
            (weeks, _("last %(n)d weeks") % {"n": weeks}) for weeks in health.PERIODS
        ]

    @classmethod
    def chosen(cls, query) -> tuple[PeriodForm, int]:
        """The period asked for, the default for anything else (none or junk), and a form
        that selects the period shown: a bound form would select its first choice when the
        address names none, under figures for another period."""
        asked = cls(query)
        weeks = asked.is_valid() and asked.cleaned_data["weeks"] or health.DEFAULT_WEEKS
        return cls(initial={"weeks": weeks}), weeks


def bar_chart(values: list[int | None], labels: list[str], *, ceiling: int | None = None,
              as_percent: bool = False) -> dict:
    """Bars for an SVG of CHART_WIDTH x CHART_HEIGHT: a value of None draws no bar.

    The bars' marks and the table's rows are written here, an f-string each, rather than
    by template loops: three charts of 4 to 26 bars were half of the page's template work
    (15,000 of its 27,000 function calls), for markup that never changes shape. The figure,
    its caption and the table's frame stay in the template (helpdesk/partials/bar_chart.html).
    """
    top = ceiling or max([value or 0 for value in values] + [1])
    step = CHART_WIDTH / max(len(values), 1)
    plot = CHART_HEIGHT - CHART_BOTTOM
    label_y = CHART_HEIGHT - 6
    # On a phone, a label every few weeks stays readable.
    label_every = 1 if len(values) <= 6 else 2 if len(values) <= 13 else 4
    marks, rows = [], []
    last = len(values) - 1
    label_and_value = str(_("%(label)s: %(n)s"))
    for n, (value, label) in enumerate(zip(values, labels, strict=True)):
        # Only the label is outside text; the positions are Python's own numbers (never
        # localised in SVG attributes): nothing else to escape.
        label = escape(label)
        shown = "—" if value is None else percent(value) if as_percent else formats.localize(value)
        height = round(plot * (value or 0) / top, 1)
        if value is not None:
            marks.append(
                f'<rect class="bar" x="{round(n * step + step * 0.15, 1)}" '
                f'y="{round(plot - height, 1)}" width="{round(step * 0.7, 1)}" '
                f'height="{height}"><title>{label_and_value % {"label": label, "n": shown}}'
                f'</title></rect>'
            )
        if n == last or (n % label_every == 0 and last - n >= label_every):
            # The first label starts at its bar and the last (the latest week, always named)
            # ends at its bar: centred, the drawing's edges cut them. A regular label too
            # close to the last one is left out rather than written over it.
            if n == last:
                x, kind = (n + 0.85) * step, " last"
            elif n == 0:
                x, kind = 0.15 * step, " first"
            else:
                x, kind = (n + 0.5) * step, ""
            marks.append(f'<text class="tick{kind}" x="{round(x, 1)}" y="{label_y}">{label}</text>')
        rows.append(f'<tr><th scope="row">{label}</th><td>{shown}</td></tr>')
    return {"marks": mark_safe("\n".join(marks)), "rows": mark_safe("".join(rows)),  # noqa: S308
            "width": CHART_WIDTH, "height": CHART_HEIGHT, "base": plot, "top": top}


def health_context(request: HttpRequest, teams: list[Team], *, keep_now_for: int = 0) -> dict:
    form, weeks = PeriodForm.chosen(request.GET)
    figures = health.health(teams, weeks, keep_now_for=keep_now_for)
    team_ids = [team.pk for team in teams]
    labels = [week.first.strftime("%d/%m") for week in figures.weeks]
    return {
        "form": form,
        "weeks": weeks,
        "health": figures,
        "incoming_chart": bar_chart([week.incoming for week in figures.weeks], labels),
        "compliance_chart": bar_chart(
            [week.compliance for week in figures.weeks], labels, ceiling=100, as_percent=True
        ),
        "backlog_chart": bar_chart(
            figures.backlog,
            [str(_("under 1 day")), "1–3", "3–7", str(_("over 7"))],
        ),
        "backlog_labels": [_("under 1 working day"), _("1 to 3 working days"),
                           _("3 to 7 working days"), _("over 7 working days")],
        "satisfaction_results": satisfaction.results_by_month(
            team_ids, figures.first, figures.last + timedelta(days=1)
        ),
        "satisfaction_comments": satisfaction.recent_comments(
            team_ids, figures.first, reader=request.user
        ),
    }


@login_required
def team_health(request: HttpRequest, slug: str) -> HttpResponse:
    """A team's health, for its agents and lead (and admins)."""
    user = request.user
    if not user.is_support_staff:
        raise Http404
    teams = Team.objects.filter(Q(pk__in=user.team_ids()) | Q(lead=user)).annotate(
        # Read with the team rather than asked apart (user.works_for_team): one query less.
        served=Exists(Team.agents.through.objects.filter(team=OuterRef("pk"), user=user))
    )
    team = get_object_or_404(teams.prefetch_related("opening_ranges", "closures"), slug=slug)
    context = health_context(request, [team])
    context["team"] = team
    # A lead outside the team's agents has no queue; an admin works for every team.
    if team.served or user.role == Role.ADMIN:
        context["queue_url"] = team.get_absolute_url()
    # Work by person is for the lead, to balance it: not a ranking shown to the team.
    context["workload"] = health.workload(team) if team.lead_id == user.pk else None
    return render(request, "helpdesk/team_health.html", context)


@login_required
def coop_health(request: HttpRequest) -> HttpResponse:
    """The whole cooperative's health, team by team, for admins and team leads."""
    if request.user.role not in (Role.ADMIN, Role.LEAD) or not request.user.is_active:
        raise Http404
    teams = list(Team.objects.prefetch_related("opening_ranges", "closures"))
    context = health_context(request, teams, keep_now_for=health.COOP_NOW_SECONDS)
    context["team_rows"] = health.by_team(teams, context["weeks"])
    # A link only to the teams' pages this person may open (a lead: the teams they work in).
    mine = set(Team.objects.filter(Q(pk__in=request.user.team_ids()) | Q(lead=request.user))
               .values_list("pk", flat=True))
    for row in context["team_rows"]:
        row["may_open"] = row["team"].pk in mine
    return render(request, "helpdesk/coop_health.html", context)
