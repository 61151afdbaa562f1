"""`{% load search_tags %}`: highlight a search's terms in an article (issue #3: terms carry over)."""

from django import template
from django.utils.safestring import mark_safe

from search.analysis import parse_query
from search.highlight import highlight_text
from search.indexing import backend

register = template.Library()


@register.filter(is_safe=True)
def highlight_terms(text: str, query: str | None) -> str:
    """The text escaped, with the query's matches in <mark>; `|linebreaks` may follow."""
    # The words of the query as the search read them (boundaries come from the index).
    return mark_safe(highlight_text(text or "", backend().segment_query(parse_query(query or ""))))
