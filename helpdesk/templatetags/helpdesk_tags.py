"""Small pieces of helpdesk markup repeated on every row of a list or timeline.

Each renders in a few microseconds of Python where the template equivalent (an {% include %},
get_FOO_display(), two |date filters) cost about 0.3 ms a row on the 25-row pages.
"""

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from helpdesk.models import Priority, State

register = template.Library()

STATE_LABELS = dict(State.choices)
PRIORITY_LABELS = dict(Priority.choices)


@register.simple_tag
def state_badge(ticket) -> str:
    """The coloured status of a request (CSS: .badge.state-<state>)."""
    state = ticket.state
    return format_html(
        '<span class="badge state-{}">{}</span>', state, STATE_LABELS.get(state, state)
    )


@register.simple_tag
def priority_badge(ticket) -> str:
    priority = ticket.priority
    return format_html(
        '<span class="badge priority-{}">{}</span>', priority,
        PRIORITY_LABELS.get(priority, priority),
    )


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
        formats.date_format(local, "SHORT_DATETIME_FORMAT"),
    )
