"""Issue #3, "Done when", on the five seeds against a real Whoosh index."""

from __future__ import annotations

import unicodedata

import pytest

from search.analysis import parse_query
from search.indexing import backend

ALL = {"000", "001", "002", "003", "004"}


def found(seeds, q: str, **kwargs) -> set[str]:
    by_pk = {a.pk: prefix for prefix, a in seeds.items()}
    outcome = backend().article_search(parse_query(q), per_page=50, **kwargs)
    assert outcome.total == len(outcome.hits)
    return {by_pk[h.pk] for h in outcome.hits}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "dan van kheo",
        "Dân vận khéo",
        unicodedata.normalize("NFD", "Dân vận khéo"),
        "DÂN VẬN KHÉO",
        "dân vân khéo",  # a typo in the tone: widened to the folded form
        '"dân vận khéo"',
        '"dan van kheo"',
    ],
)
def test_dan_van_kheo_finds_all_five(seeds, q):
    assert found(seeds, q) == ALL


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"Kim Bôi"', {"003"}),
        ("kim boi", {"003"}),
        ("Thanh Thuỷ", {"002", "004"}),
        ("Thanh Thủy", {"002", "004"}),
        ('"ngoc hanh"', {"004"}),
    ],
)
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
