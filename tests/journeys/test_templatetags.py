"""|day writes a date as |date:"DATE_FORMAT" does, in the reader's language and time zone."""

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.utils import timezone, translation

DAY = Template('{% load journeys_tags %}{{ value|day }}')
DATE = Template('{{ value|date:"DATE_FORMAT" }}')


def render(template: Template, value) -> str:
    return template.render(Context({"value": value}))


def test_day_is_the_date_filter_in_every_language():
    for language in ("en", "fr"):
        with translation.override(language):
            for value in (date(2026, 11, 23), date(2027, 2, 1)):
                assert render(DAY, value) == render(DATE, value)
    with translation.override("fr"):
        assert render(DAY, date(2026, 11, 23)) == "23 novembre 2026"


def test_day_of_an_instant_is_the_local_day():
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # already the 24th in Paris
    with timezone.override("Europe/Paris"):
        assert render(DAY, late) == render(DATE, late)
        assert "24" in render(DAY, late)


def test_day_of_nothing_is_empty():
    assert render(DAY, None) == ""
