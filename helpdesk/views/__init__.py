"""Pages of the helpdesk: members' requests, team queues, the advisor's view.

Views read, check permission through `Ticket.objects.visible_to`, validate a form and
call one function of helpdesk/actions/. They never set a state themselves. A package because
one module passed 1,000 lines: base (what pages share), member, tickets (one request's page and
its steps), queues (and the advisor's view), collections, toolkit (subscriptions, saved
replies), satisfaction, teams (absences, team settings, watchers), health, exports (CSV).
"""

from helpdesk.views.base import (
    PAGE_SIZE,
    PERSON_FIELDS,
    get_team_side_ticket,
    get_visible_ticket,
    staff_teams,
)
from helpdesk.views.collections import (
    COLLECTION_STEPS,
    collection_cases,
    collection_consent,
    collection_create,
    collection_detail,
    collection_list,
    collection_settings,
    collection_step,
    get_visible_case,
)
from helpdesk.views.member import (
    draft_delete,
    draft_save,
    my_requests,
    ticket_create,
    ticket_list,
    ticket_record,
)
from helpdesk.views.queues import (
    advisor_requests,
    advisor_tickets,
    get_staff_team,
    queue,
    queue_bulk,
    queue_filter,
    queue_list,
)
from helpdesk.views.satisfaction import (
    satisfaction_answer,
    satisfaction_refused,
    satisfaction_settings,
    ticket_satisfaction,
)
from helpdesk.views.tickets import (
    EVENT_FIELDS,
    MEMBER_STEPS,
    STEPS,
    TEAM_STEPS,
    attachment_download,
    available_steps,
    label_writers,
    reason_drafts,
    refused_on_page,
    related_requests,
    satisfaction_context,
    ticket_assign,
    ticket_category,
    ticket_context,
    ticket_detail,
    ticket_draft_save,
    ticket_link,
    ticket_merge,
    ticket_note,
    ticket_priority,
    ticket_reply,
    ticket_step,
    ticket_timeline,
    ticket_transfer,
    timeline,
)
from helpdesk.views.toolkit import (
    PICKER_LIMIT,
    PREVIEW_CHARS,
    SUBSCRIPTION_DONE,
    get_managed_reply,
    get_team_ticket,
    replies_team_choices,
    saved_reply_create,
    saved_reply_delete,
    saved_reply_edit,
    saved_reply_insert,
    saved_reply_list,
    saved_reply_picker,
    subscription_set,
)

__all__ = [
    "COLLECTION_STEPS", "EVENT_FIELDS", "MEMBER_STEPS", "PAGE_SIZE", "PERSON_FIELDS",
    "PICKER_LIMIT", "PREVIEW_CHARS", "STEPS", "SUBSCRIPTION_DONE", "TEAM_STEPS",
    "advisor_requests", "advisor_tickets", "attachment_download", "available_steps",
    "collection_cases", "collection_consent", "collection_create", "collection_detail",
    "collection_list", "collection_settings", "collection_step", "draft_delete", "draft_save",
    "get_managed_reply", "get_staff_team", "get_team_side_ticket", "get_team_ticket",
    "get_visible_case", "get_visible_ticket", "label_writers", "my_requests", "queue",
    "queue_bulk", "queue_filter", "queue_list", "reason_drafts", "refused_on_page",
    "related_requests", "replies_team_choices", "satisfaction_answer", "satisfaction_context",
    "satisfaction_refused", "satisfaction_settings", "saved_reply_create", "saved_reply_delete",
    "saved_reply_edit", "saved_reply_insert", "saved_reply_list", "saved_reply_picker",
    "staff_teams", "subscription_set", "ticket_assign", "ticket_category", "ticket_context",
    "ticket_create", "ticket_detail", "ticket_draft_save", "ticket_link", "ticket_list",
    "ticket_merge", "ticket_note", "ticket_priority", "ticket_record", "ticket_reply",
    "ticket_satisfaction", "ticket_step", "ticket_timeline", "ticket_transfer", "timeline",
]
