"""`?page=` on every list: one reading of the number, and a 404 for numbers no link makes."""

from __future__ import annotations

import re

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest

# Far past any list here (25 million rows at 25 a page), far from the database's 64-bit
# offsets (a page of 9223372036854775807 made PostgreSQL refuse the OFFSET: a 500).
MAX_PAGE = 1_000_000


def page_number(request: HttpRequest) -> int:
    """The page asked for, 1 when none is. Not a whole number, below 1 or past MAX_PAGE: 404,
    as Django's ListView answers. A page that existed and is gone (the list got shorter)
    is another matter: `paginate` shows the last one."""
    raw = request.GET.get("page", "")
    if raw == "":
        return 1
    if not re.fullmatch(r"[0-9]{1,7}", raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise Http404("no such page number")  # the 404 page says it plainly
    return int(raw)


def paginate(
    request: HttpRequest, objects, per_page: int, paginator_class: type[Paginator] = Paginator
) -> Page:
    return paginator_class(objects, per_page).get_page(page_number(request))
