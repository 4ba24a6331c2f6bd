"""Settings of the daphne process the browser tests drive: the project's, and one addition.

Each test's flush re-creates the content types, under new ids, while this process lives on
and caches them (notifications point at them through foreign keys): it forgets them before
every request, so that the order in which browser tests run does not matter."""

from coopdesk.settings import *  # noqa: F403
from coopdesk.settings import MIDDLEWARE

MIDDLEWARE = ["tests.browser.server_middleware.forget_content_types", *MIDDLEWARE]
