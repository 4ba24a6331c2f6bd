"""Pages of the journeys app, by audience.

Views read, check permission through `Journey.objects.visible_to` (or the role a page is
for), validate a form and call one function of journeys/actions. They never set a state.
"""

from journeys.views.dashboards import (
    advisor_dashboard,
    advisor_list,
    advisor_stage,
    coop_export,
    coop_overview,
)
from journeys.views.meetings import (
    meeting_attendance,
    meeting_create,
    meeting_detail,
    meeting_list,
    meeting_register,
    meeting_signup,
    meeting_unregister,
    signup_done,
)
from journeys.views.member import (
    journey_adapt,
    journey_mine,
    mentor_volunteer,
    slot_book,
    slot_cancel,
    slot_list,
    task_complete,
    task_document,
    task_reopen,
)
from journeys.views.staff import (
    journey_detail,
    journey_draft_save,
    journey_mentor,
    journey_reenter,
    journey_step,
    slot_hold,
    slot_manage,
    slot_remove,
    team_tasks,
)
