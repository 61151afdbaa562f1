"""`{% load search_tags %}`: highlight a search's terms in an article (issue #3: terms carry over)."""

from django import template
from django.utils.safestring import mark_safe

from search.highlight import highlight_text

register = template.Library()


@register.filter(is_safe=True)
def highlight_terms(text: str, query: str | None) -> str:
    """The text escaped, with the query's matches in <mark>; `|linebreaks` may follow."""
    return mark_safe(highlight_text(text or "", query or ""))
