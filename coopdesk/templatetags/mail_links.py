"""E-mails write the domain after each external link of a message (see rendering)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from coopdesk.rendering import with_link_domains

register = template.Library()


@register.filter
def link_domains(cleaned_html: str) -> SafeString:
    # The input is the sanitised HTML stored on save; only escaped domains are added to it.
    return mark_safe(with_link_domains(cleaned_html))  # noqa: S308
