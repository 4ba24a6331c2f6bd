"""Settings of the daphne process the browser tests drive: the project's, and two additions.

Each test's flush re-creates the content types, under new ids, while this process lives on
and caches them (notifications point at them through foreign keys): it forgets them before
every request, so that the order in which browser tests run does not matter.

COOPDESK_FROZEN_AT (an ISO date and time, for a test's own server): the process starts at
that moment and its clock runs on from there (time-machine, `tick=True`), so that a test
can open a request on a Friday evening whatever day it runs."""

import os

from coopdesk.settings import *  # noqa: F403
from coopdesk.settings import MIDDLEWARE

MIDDLEWARE = ["tests.browser.server_middleware.forget_content_types", *MIDDLEWARE]

if os.environ.get("COOPDESK_FROZEN_AT"):
    import time_machine

    time_machine.travel(os.environ["COOPDESK_FROZEN_AT"], tick=True).start()
