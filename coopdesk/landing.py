"""Where a member lands when she logs in or opens the site's root (`coopdesk.views.home`).

The ground floor imports no app, so an app that knows better than "My requests" for some
members says so at start-up (`register` in its AppConfig.ready()). The first landing that
answers wins; none answering means "My requests".
"""

from __future__ import annotations

from collections.abc import Callable

Landing = Callable[[object], "str | None"]  # a member -> the URL of her page, or None

_landings: list[Landing] = []


def register(landing: Landing) -> None:
    if landing not in _landings:
        _landings.append(landing)


def for_member(user) -> str | None:
    for landing in _landings:
        url = landing(user)
        if url:
            return url
    return None
