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
    assert be.article_search(query, sort="oldest").hits[0].pk == seeds["001"].pk

    indexing.remove_articles([seeds["003"].pk])
    after = be.article_search(query, per_page=20)
    assert after.total == 4
    assert seeds["003"].pk not in [h.pk for h in after.hits]
