"""Issue #8 on real news: the first 600 corpus articles through the real ingest (corpus-marked)."""

from __future__ import annotations

import gzip
import itertools
import json

import pytest

from archive.models import Article
from search.analysis import parse_query
from search.indexing import backend
from tests.conftest import CORPUS, run_ingest

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.django_db,
    pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is missing"),
]
N = 600


@pytest.fixture
def news(db, empty_index, provinces, tmp_path) -> list[dict]:
    """The first N corpus records, written to a temp file and ingested by the command."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in itertools.islice(lines, N)]
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    run_ingest(str(path))
    return records


def pks(q: str) -> set[int]:
    """The word-level matches (the syllables apart, listed after them since issue #15, left out)."""
    outcome = backend().article_search(parse_query(q), per_page=10_000, facets=())
    assert outcome.total + outcome.apart == len(outcome.hits)
    return {h.pk for h in outcome.hits if not h.apart}


LINES = [
    ("giáo dục Hà Nội", ["giáo dục", "Hà Nội"]),
    ("giao duc ha noi", ["giao duc", "ha noi"]),
    ("kinh tế Việt Nam", ["kinh tế", "Việt Nam"]),
    ("học sinh Hà Nội", ["học sinh", "Hà Nội"]),
]


def test_lines_of_words_and_pasted_passages(news):
    """One ingest for both checks (it is the slow part)."""
    # A line of words finds exactly the articles holding every word.
    for line, words in LINES:
        expected = set.intersection(*(pks(w) for w in words))
        assert expected, line  # the line is worth asking on this slice of the corpus
        assert pks(line) == expected, line
    # A passage pasted from an article finds that article first.
    by_url = dict(Article.objects.values_list("url", "pk"))
    checked = 0
    for record in news[::50]:
        words = record["text"].split(" ")
        if len(words) < 260 or record["url"] not in by_url:
            continue
        pasted = " ".join(words[30:230])
        outcome = backend().article_search(parse_query(pasted), per_page=5, facets=())
        assert outcome.hits and outcome.hits[0].pk == by_url[record["url"]], record["id"]
        checked += 1
    assert checked >= 3
