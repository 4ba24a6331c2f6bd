"""Every change to a request goes through one of these functions.

Each one reads as the same steps of coopdesk.lifecycle: lock the row (refusing a form that
showed an older version), run the model transition (403 or a plain 409), save the changed
columns, record the timeline event, and hand the event to coopdesk.notify. Views, admin
actions and commands call these; nothing else writes a ticket's state. A package because one
module passed 1,300 lines: base (what they share), tickets (a request's life), absences
(automatic assignment), satisfaction, drafts, collections (unpaid invoices), toolkit
(merges, links, saved replies, watchers), jobs (the worker's periodic jobs).
"""

from helpdesk.actions.absences import (
    auto_assign,
    away_refusal,
    hand_over,
    hand_over_absent,
    may_set_absence,
    may_set_team_rules,
    set_absence,
    set_team_assignment,
)
from helpdesk.actions.base import (
    may_reply,
    shown_name,
    validate_upload,
)
from helpdesk.actions.collections import (
    ANNOUNCE_DAYS,
    mark_case_paid,
    open_collection_case,
    propose_next_step,
    set_collection_consent,
    stop_case,
    take_announced_steps,
)
from helpdesk.actions.drafts import (
    DRAFT_KEEP_DAYS,
    TICKET_DRAFTS,
    forget_draft,
    forget_old_drafts,
    forget_text,
    keep_text,
    may_draft_on,
    save_draft,
    save_text_draft,
    text_draft_key,
)
from helpdesk.actions.jobs import (
    PACE_ANSWERS,
    PACE_AT_LEAST,
    answer_pace,
    auto_close_resolved,
    close_unanswered,
    escalate,
    measure_answer_pace,
    remind_waiting,
)
from helpdesk.actions.satisfaction import (
    rate_ticket,
    set_satisfaction_question,
)
from helpdesk.actions.tickets import (
    acknowledge_ticket,
    add_note,
    add_reply,
    assign_ticket,
    bulk_apply,
    change_category,
    change_priority,
    claim_ticket,
    close_ticket,
    confirm_resolution,
    create_ticket,
    open_by_email,
    reopen_ticket,
    resolve_ticket,
    transfer_ticket,
    wait_for_member,
    withdraw_ticket,
)
from helpdesk.actions.toolkit import (
    add_watcher,
    delete_saved_reply,
    link_tickets,
    may_keep_team_replies,
    may_manage_saved_reply,
    may_remove_watcher,
    merge_tickets,
    remove_watcher,
    save_saved_reply,
    set_watching_team,
    use_saved_reply,
    watcher_side,
)
