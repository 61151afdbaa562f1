"""Issue #3, "Done when", on the five seeds against a real Whoosh index."""

from __future__ import annotations

import pytest

from search.analysis import parse_query
from search.indexing import backend
from tests.search.cases import ALL_SEEDS, DAN_VAN_KHEO, NAMES_AND_PLACES

ALL = ALL_SEEDS


def found(seeds, q: str, **kwargs) -> set[str]:
    by_pk = {a.pk: prefix for prefix, a in seeds.items()}
    outcome = backend().article_search(parse_query(q), per_page=50, **kwargs)
    assert outcome.total == len(outcome.hits)
    return {by_pk[h.pk] for h in outcome.hits}


@pytest.mark.django_db
@pytest.mark.parametrize("q", DAN_VAN_KHEO)
def test_dan_van_kheo_finds_all_five(seeds, q):
    assert found(seeds, q) == ALL


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "expected"), NAMES_AND_PLACES)
def test_names_and_places(seeds, q, expected):
    assert found(seeds, q) == expected


@pytest.mark.django_db
def test_province_facet_reads_whole_names(seeds):
    outcome = backend().article_search(parse_query("dan van"))
    assert outcome.facets["province"] == [("Long An", 2), ("Hòa Bình", 1), ("Lạng Sơn", 1)]


@pytest.mark.django_db
def test_year_facet(seeds):
    outcome = backend().article_search(parse_query("dan van"))
    assert sorted(outcome.facets["year"]) == [("2018", 1), ("2019", 1), ("2020", 1), ("2024", 2)]
