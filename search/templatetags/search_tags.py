"""`{% load search_tags %}`: highlight a search's terms in an article (issue #3: terms carry over)."""

import logging

from django import template
from django.utils.safestring import mark_safe

from search.analysis import parse_query
from search.engines import engine
from search.highlight import highlight_text

register = template.Library()
log = logging.getLogger(__name__)


@register.filter(is_safe=True)
def highlight_terms(text: str, query: str | None) -> str:
    """The text escaped, with the query's matches in <mark>; `|linebreaks` may follow."""
    # The words of the query as the search read them (boundaries come from the index).
    parsed = parse_query(query or "")
    try:
        words = engine().segment(parsed)
    except engine().unavailable_errors:
        # The index cannot be read (issue #16, finding 5): the article still shows, unhighlighted.
        log.warning("search index unreadable: article shown without highlighting", exc_info=True)
        words = parse_query("")
    return mark_safe(highlight_text(text or "", words))
