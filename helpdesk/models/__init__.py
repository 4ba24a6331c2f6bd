"""Teams, categories, requests (tickets), their messages, timeline and drafts.

A ticket's state changes only through the transitions of its model, and the transitions are
called only from helpdesk/actions/, which saves, writes the timeline and notifies. A package
because one module passed 1,400 lines: teams (and their calendar), tickets (with events,
messages, attachments), collections (unpaid invoices), toolkit (drafts, saved replies),
figures (satisfaction, team health), inbound (e-mails that came in).
"""

from helpdesk.models.collections import (
    LADDER,
    NEXT_STEP,
    OPEN_STEPS,
    CollectionCase,
    CollectionCaseQuerySet,
    CollectionEvent,
    CollectionEventKind,
    CollectionSettings,
    Consent,
    Step,
    is_collections_agent,
)
from helpdesk.models.figures import (
    LOW_SCORES,
    Satisfaction,
    SatisfactionOptOut,
    Score,
    TeamDay,
)
from helpdesk.models.inbound import (
    InboundEmail,
    InboundOutcome,
)
from helpdesk.models.teams import (
    RESOLUTION_FACTOR,
    Assignment,
    Category,
    Closure,
    HolidayRegion,
    OpeningRange,
    Priority,
    ServiceTarget,
    Targets,
    Team,
)
from helpdesk.models.tickets import (
    ACTIVE_STATES,
    LIST_FIELDS,
    PEOPLE_LISTED,
    REFERENCE_RE,
    RISK_SHARE,
    SEARCH_WORDS,
    WAITING_FOR_MEMBER,
    Attachment,
    Channel,
    Escalation,
    EventKind,
    Message,
    MessageQuerySet,
    State,
    Ticket,
    TicketEvent,
    TicketEventQuerySet,
    TicketQuerySet,
    attachment_path,
    is_requester,
    is_team_agent,
    people_matching,
    without_plural,
    works_for_team,
)
from helpdesk.models.toolkit import (
    REPLY_VARIABLE_RE,
    REPLY_VARIABLES,
    Draft,
    DraftKind,
    SavedReply,
    SavedReplyQuerySet,
)
