"""A repeated search is answered from memory until the index changes (issue #3, "Speed")."""

from __future__ import annotations

from search import indexing
from search.analysis import parse_query


def test_repeated_search_is_remembered_until_a_write(seeds):
    be = indexing.backend()
    query = parse_query("dan van kheo")
    first = be.article_search(query, per_page=20)
    again = be.article_search(query, per_page=20)
    assert again is not first
    assert (again.total, [h.pk for h in again.hits], again.facets) == (
        first.total,
        [h.pk for h in first.hits],
        first.facets,
    )
    assert first.total == 5
    again.hits.clear()  # a caller's changes do not reach the remembered result
    assert len(be.article_search(query, per_page=20).hits) == 5
    # Other filters, pages and sorts are other searches.
    assert be.article_search(query, filters={"year": ["2024"]}).total == 2
    # Issue #20: the oldest date a page prints (seed 004, 27/06/2019); 001's 2018 was inferred.
    assert be.article_search(query, sort="oldest").hits[0].pk == seeds["004"].pk

    indexing.remove_articles([seeds["003"].pk])
    after = be.article_search(query, per_page=20)
    assert after.total == 4
    assert seeds["003"].pk not in [h.pk for h in after.hits]


def test_another_worker_answers_a_repeat_from_the_shared_cache(seeds):
    """Issue #8: a repeat is fast whichever worker answers. A second backend on the same index
    (as a second gunicorn worker has) finds the first one's result in the "search" cache."""
    from django.conf import settings
    from haystack.utils.loading import load_backend

    first = indexing.backend()
    query = parse_query("dan van kheo")
    found = first.article_search(query, per_page=20)
    engine = load_backend("search.engines.whoosh.backend.VietnameseWhooshEngine")
    other = engine.backend("default", **settings.HAYSTACK_CONNECTIONS["default"])

    def no_search(*args, **kwargs):
        raise AssertionError("the second worker searched the index instead of the shared cache")

    other.text_query = no_search
    again = other.article_search(query, per_page=20)
    assert [h.pk for h in again.hits] == [h.pk for h in found.hits] and again.total == 5
    # A write makes a new index generation: the shared result is not used any more.
    indexing.remove_articles([seeds["003"].pk])
    del other.text_query
    assert other.article_search(query, per_page=20).total == 4
