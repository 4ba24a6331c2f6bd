"""Naming the people behind an article as its author chose (Article.shown_name)."""

from django import template

from coopdesk.accounts.models import User
from kb.models import Article

register = template.Library()


@register.simple_tag
def shown_name(article: Article, person: User | None) -> str:
    return article.shown_name(person)
