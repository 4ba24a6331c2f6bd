"""Numbers written the way each language writes them, beyond what Django localises."""

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value: float | int) -> str:
    """76% in English, 76 % in French (the space is the translation's)."""
    return _("%(n)s%%") % {"n": formats.localize(value)}
