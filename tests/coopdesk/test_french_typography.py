"""French typography in our catalogue: a non-breaking space before « : » and inside « »,
a narrow one before ; ? !, so that a phone never wraps the sign alone onto the next line."""

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
BREAKABLE = re.compile(r" [:;?!»]|« ")


def test_french_punctuation_is_held_to_its_word():
    with CATALOGUE.open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog
    loose = sorted(text for text in catalogue.values() if text and BREAKABLE.search(text))
    assert loose == []
