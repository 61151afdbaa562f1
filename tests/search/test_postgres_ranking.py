"""The PostgreSQL engine ranks a bounded set of candidates (issue #18): the rank vectors of a few
hundred rows are read, not those of every match. Runs where the database is PostgreSQL."""

import pytest
from django.db import connection

from search.engines import engine
from search.engines import postgres as pg
from search.query import build_plan


@pytest.fixture
def seeded(postgres_seeds):
    return postgres_seeds


@pytest.mark.parametrize("q", ["dân vận", "dan van", "dân"])
def test_fewer_candidates_than_matches_keep_the_order_and_the_totals(seeded, monkeypatch, q):
    full = engine().search(build_plan(q, per_page=50, facets=("province", "year")))
    assert len(full.hits) >= 3
    monkeypatch.setattr(pg, "RANK_CANDIDATES", 1)
    # A page of 1 ranks 2 candidates a tier: the best of the full ranking is among them (a title
    # holding the words), and nothing else changes (totals, facets).
    first = engine().search(build_plan(q, per_page=1, facets=("province", "year")))
    assert [h.pk for h in first.hits] == [h.pk for h in full.hits[:1]]
    assert (first.total, first.apart, first.facets) == (full.total, full.apart, full.facets)
    # Candidates at least twice the page's end: as many as match, the order is the full one.
    every = engine().search(build_plan(q, per_page=len(full.hits)))
    assert [h.pk for h in every.hits] == [h.pk for h in full.hits]


def test_the_title_part_of_the_rank_vector_is_kept_in_the_row(seeded):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE title_rank <> ''::tsvector) FROM search_document"
        )
        rows, with_title = cursor.fetchone()
    assert rows >= 5 and with_title == rows


@pytest.mark.parametrize(
    "q",
    [
        "Ban Dân vận tỉnh tổ chức hội nghị",  # pairs, the line as typed and the exact form
        "ban dan van tinh to chuc hoi nghi",
        "dân vận khéo -Hà Nội",
        "Kim Bôi dân vận",
    ],
)
def test_the_ranking_features_read_from_the_rows_or_looked_up_agree(seeded, monkeypatch, q):
    """With few matches the features are checked in each row's vector; with many, each is looked
    up in the GIN index (FEATURES_READ_ROWS), a pair alone or with the line's match
    (FEATURE_ALONE). All give the same scores, order and counts."""
    plan = build_plan(q, per_page=50, facets=("province", "year", "kind", "official"), trend_by="month")
    read = engine().search(plan)
    monkeypatch.setattr(pg, "FEATURES_READ_ROWS", -1)
    assert read.hits, q
    # Looked up, each pair alone (held by few documents) or with the line's match (a common one).
    for alone in (-1, 10**9):
        monkeypatch.setattr(pg, "FEATURE_ALONE", alone)
        looked_up = engine().search(plan)
        assert [(h.pk, round(h.score, 6), h.apart) for h in looked_up.hits] == [
            (h.pk, round(h.score, 6), h.apart) for h in read.hits
        ]
        assert (looked_up.total, looked_up.apart, looked_up.facets, looked_up.trend) == (
            read.total,
            read.apart,
            read.facets,
            read.trend,
        )
    # The line has ranking features for both paths to compute (pairs, the line as typed, or the exact form).
    compiled = pg.Compiled(engine().segment(plan.query), widened=read.widened)
    assert compiled.pairs or compiled.line or compiled.exact, q


@pytest.mark.parametrize("q", ["dan van kheo tinh", "Ban Dân vận tỉnh tổ chức hội nghị"])
def test_a_line_with_pairs_reads_their_counts_once(seeded, q):
    """The pairs' counts `segment` reads also decide how each ranking pair is looked up: no second
    read of them, and no version look-up of its own (before: one more round trip a search)."""
    from django.test.utils import CaptureQueriesContext

    engine()._counts.clear()
    plan = build_plan(q, facets=("province",))
    assert pg.Compiled(engine().segment(plan.query), widened=False).pairs
    engine()._counts.clear()
    with CaptureQueriesContext(connection) as ctx:
        engine().search(plan)
    statements = [x["sql"] for x in ctx.captured_queries]
    assert all(sql.startswith("SELECT k, v, x, n FROM search_read(") for sql in statements), statements
    assert sum("COALESCE(CASE WHEN (SELECT lexicon" in sql for sql in statements) == 1
