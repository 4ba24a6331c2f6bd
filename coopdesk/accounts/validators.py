"""What a phone number may look like, for a person's and a team's: one rule, on the model
fields and on the public sign-up form."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Written as people write them ("04 72 00 00 01", "+32 (0)2 123.45.67"), kept as typed.
PHONE_CHARACTERS = re.compile(r"\+?[0-9 ().-]+")
PHONE_DIGITS = (6, 20)


def validate_phone(value: str) -> None:
    digits = sum(character.isdigit() for character in value)
    if not PHONE_CHARACTERS.fullmatch(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(
            _("Enter a phone number of 6 to 20 digits. It may start with a +, and use spaces, "
              "dots, dashes or brackets between the digits."),
            code="invalid_phone",
        )
