"""Small pieces of helpdesk markup repeated on every row of a list or timeline: a tag each,
so that the status reads from the reader's side and every date is written alike.

local_time writes numeric dates through strftime rather than Django's date formatting: the
list pages write one or two dates a row (README, "Performance decisions").
"""

from functools import lru_cache

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from helpdesk.models import WAITING_FOR_MEMBER, Priority, State
from helpdesk.notices import case_label, next_step

register = template.Library()

STATE_LABELS = dict(State.choices)
PRIORITY_LABELS = dict(Priority.choices)


def _state_label(context, ticket) -> str:
    """The request's status in the words of whoever reads it: "waiting for you" is for its
    member only; the team and the advisor read "waiting for the member"."""
    state = ticket.state
    if state == State.WAITING:
        request = context.get("request")
        if request is None or request.user.pk != ticket.requester_id:
            return WAITING_FOR_MEMBER
    return STATE_LABELS.get(state, state)


@register.simple_tag(takes_context=True)
def state_badge(context, ticket) -> str:
    """The coloured status of a request (CSS: .badge.state-<state>)."""
    return format_html(
        '<span class="badge state-{}">{}</span>', ticket.state, _state_label(context, ticket)
    )


@register.simple_tag(takes_context=True)
def state_label(context, ticket) -> str:
    """As ticket.get_state_display (which rebuilds a dict of the field's choices each call),
    from the reader's side."""
    return _state_label(context, ticket)


@register.simple_tag
def priority_badge(ticket) -> str:
    priority = ticket.priority
    return format_html(
        '<span class="badge priority-{}">{}</span>', priority,
        PRIORITY_LABELS.get(priority, priority),
    )


# Django date format letters that strftime writes the same way, in any locale.
STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


@lru_cache(maxsize=16)
def strftime_pattern(django_format: str) -> str | None:
    """The strftime equivalent of a numeric Django date format ("d/m/Y H:i"), else None."""
    pattern = []
    for char in django_format:
        if char in STRFTIME:
            pattern.append(STRFTIME[char])
        elif char.isalpha() or char in "\\%":
            return None  # names of days or months, escapes: let Django format it
        else:
            pattern.append(char)
    return "".join(pattern)


def short_datetime(local) -> str:
    """As |date:"SHORT_DATETIME_FORMAT"; through strftime when the format is numeric (fr:
    d/m/Y H:i), where no month or day name needs translating."""
    django_format = formats.get_format("SHORT_DATETIME_FORMAT")
    pattern = strftime_pattern(django_format)
    return local.strftime(pattern) if pattern else formats.date_format(local, django_format)


@register.simple_tag
def local_time(value, css_class: str = "") -> str:
    """<time> with the instant for machines and the short local date and time for people."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return format_html(
        '<time{} datetime="{}">{}</time>',
        format_html(' class="{}"', css_class) if css_class else "",
        local.isoformat(),
        short_datetime(local),
    )


@register.simple_tag(takes_context=True)
def case_event_words(context, event, case) -> str:
    """An unpaid invoice's timeline event in the words notifications and e-mails use, to
    its member in the second person."""
    consent = event.note if event.kind == "consent" else ""
    data = {"kind": event.kind, "step": event.step, "consent": consent,
            "member": case.member_id}
    return case_label(data, "", context["request"].user.pk)


def _duration_words(minutes: float, day_minutes: float) -> str:
    """Business time in words: minutes, hours, then working days, each said to be working
    time (on a Saturday, "due in 2 h" would read as Saturday evening, not Monday morning)."""
    if minutes < 60:
        n = max(1, round(minutes))
        return ngettext("%(n)d working minute", "%(n)d working minutes", n) % {"n": n}
    if minutes < day_minutes:
        n = max(1, round(minutes / 60))
        return ngettext("%(n)d working hour", "%(n)d working hours", n) % {"n": n}
    n = max(1, round(minutes / day_minutes))
    return ngettext("%(n)d working day", "%(n)d working days", n) % {"n": n}


@register.simple_tag
def clock_words(ticket, calendar=None) -> str:
    """A request's clock in words, in its team's business time: "due in 2 h", "late by 1
    working day", "paused". Text, not colour alone (CSS: .clock.late / .at-risk)."""
    if ticket.state == State.WAITING:
        return format_html('<span class="clock paused">{}</span>', gettext("paused"))
    due = ticket.due_at
    if due is None:
        return ""
    calendar = calendar or ticket.team.calendar
    now = timezone.now()
    day = calendar.minutes_per_day()
    if due <= now:
        words = gettext("late by %(time)s") % {
            "time": _duration_words(calendar.minutes_between(due, now), day)
        }
        css = "late"
    else:
        words = gettext("due in %(time)s") % {
            "time": _duration_words(calendar.minutes_between(now, due), day)
        }
        css = "at-risk" if ticket.risk_at and ticket.risk_at <= now else "on-time"
    return format_html(
        '<span class="clock {}" title="{}">{}</span>', css, short_datetime(timezone.localtime(due)),
        words,
    )


register.simple_tag(next_step, name="next_step")
