"""What the header needs to know of a member's path, and a task's "done" form."""

from django import template

from journeys.forms import TaskDoneForm
from journeys.models import PROSPECT_STAGES
from journeys.views.member import PROSPECT_SESSION_KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_kind(context, user) -> str:
    """The menu's role, with a prospect apart: before her contract she has no invoices, so the
    member's menu (and its cache entry) would offer her a page with nothing in it.

    Read from her session (set at login), no query: the menu is on every page. "My path" has
    her current journey at hand and updates the session when her stage has changed since."""
    if not user.is_member:
        return user.role
    session = context["request"].session
    journey = context.get("journey")
    if getattr(journey, "member_id", None) == user.pk and journey.is_latest:
        prospect = journey.state in PROSPECT_STAGES
        if session.get(PROSPECT_SESSION_KEY) != prospect:
            session[PROSPECT_SESSION_KEY] = prospect
    return "prospect" if session.get(PROSPECT_SESSION_KEY) else user.role


@register.simple_tag
def task_done_form(task) -> TaskDoneForm:
    """A task's "done" form as the form declares it: the document it asks for, the types
    accepted and the size limit said beside the field, ids of its own on a list of tasks."""
    return TaskDoneForm(task=task, auto_id=f"task-{task.pk}-%s")
