"""Small pieces of journeys markup repeated on every row of an advisor's lists."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()


@register.filter(expects_localtime=True)
def day(value: date | datetime | None) -> str:
    """As |date:"DATE_FORMAT" ("23 novembre 2026"), formatted once per day and language.

    The dashboard shows some 75 dates; Django formats each in ~25 µs (the month's name goes
    through the translation machinery every time), this answers from a small cache."""
    if not value:
        return ""
    if isinstance(value, datetime):  # already in the current time zone (expects_localtime)
        value = value.date()
    return _formatted_day(value, get_language())


@lru_cache(maxsize=1024)
def _formatted_day(value: date, language: str) -> str:
    return formats.date_format(value, "DATE_FORMAT")
