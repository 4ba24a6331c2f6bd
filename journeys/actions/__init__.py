"""Every change to a journey, its tasks, meeting registrations and diagnosis slots goes
through one of these functions.

Each one locks the row, checks the caller may do it and that nobody changed the journey since
the caller's form was shown (`expected_version`), runs the model transition, saves, writes the
timeline event and hands it to coopdesk.notify. Views, admin actions and the worker call
these; nothing else writes a journey's stage or a task's state. A package because one module
passed 900 lines: base (what they share), stages, tasks, mentors, meetings, slots, reminders.
"""

from journeys.actions.meetings import (
    cancel_registration,
    create_meeting,
    fill_freed_places,
    mark_attendance,
    register_for_meeting,
    sign_up_prospect,
)
from journeys.actions.mentors import assign_mentor, mentor_candidates, volunteer_as_mentor
from journeys.actions.reminders import (
    send_cape_reminders,
    send_meeting_reminders,
    send_task_reminders,
)
from journeys.actions.slots import (
    add_slot,
    book_slot,
    bookable_slots,
    cancel_booking,
    hold_diagnosis,
    remove_slot,
)
from journeys.actions.stages import (
    advance_journey,
    exit_journey,
    grant_membership,
    reenter_journey,
    renew_cape,
    request_adaptation,
    sign_cape,
    sign_salaried_contract,
    start_journey,
    switch_path,
)
from journeys.actions.tasks import AlreadyDone, complete_task, reopen_task
