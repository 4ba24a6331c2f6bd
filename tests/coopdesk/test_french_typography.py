"""French typography in our catalogue: a non-breaking space before « : », « % » and inside « »,
a narrow one before ; ? !, so that a phone never wraps the sign alone onto the next line."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
BREAKABLE = re.compile(r" [:;?!»]| %(?!\(|%s)|« ")  # not before a placeholder


def test_french_punctuation_is_held_to_its_word():
    with CATALOGUE.open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog
    loose = sorted(text for text in catalogue.values() if text and BREAKABLE.search(text))
    assert loose == []


def test_a_template_phrase_with_a_percent_sign_is_translated():
    """{% translate %} looks "under 1%" up as "under 1%%": the team health page said
    "under 1%" in French."""
    with translation.override("fr"):
        said = Template('{% load i18n %}{% translate "under 1%" %}').render(Context())
    assert said == "moins de 1\u00a0%"


def test_newcomers_are_written_inclusively_in_the_plural_as_in_the_singular():
    """"1 nouvel·le arrivant·e" but "2 nouveaux arrivants" on the advisor's dashboard."""
    with translation.override("fr"):
        two = translation.ngettext("%(n)s newcomer without a mentor",
                                   "%(n)s newcomers without a mentor", 2) % {"n": 2}
    assert two == "2 nouveaux·elles arrivant·es sans parrain ni marraine"
