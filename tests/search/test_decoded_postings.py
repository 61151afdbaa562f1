"""Long posting lists decoded once and shared through files beside the index (issue #21): a
common syllable costs about what a rare word costs, in every process. The same results as
decoding every time, on 600 corpus articles through the real ingest and index."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from search.analysis import parse_query
from search.engines.whoosh import decoded, docsets
from search.forms import FACETS
from search.indexing import backend
from tests.conftest import CORPUS, run_ingest

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.django_db,
    pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is missing"),
]
N = 600
QUERIES = ["của", "và", "người", "dân", "tỉnh", "nguoi", "dan", "bị", "Hà Nội", "ha noi", "kinh tế -giáo"]


@pytest.fixture
def news(db, empty_index, provinces, tmp_path, monkeypatch):
    # Every block-encoded list gets a file here (8 KB and up in production: at 600 articles few would).
    monkeypatch.setattr(decoded, "MIN_BYTES", 1)
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = list(itertools.islice(lines, N))
    path = tmp_path / "news.jsonl"
    path.write_text("".join(records), encoding="utf-8")
    run_ingest(str(path))


def folder() -> Path:
    return Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"]) / decoded.DIRNAME


def outcomes() -> list:
    be = backend()
    found = []
    for q in QUERIES:
        be._results.clear()
        o = be.article_search(parse_query(q), per_page=50, facets=FACETS)
        found.append((q, o.total, o.apart, [(h.pk, round(h.score, 9)) for h in o.hits], o.facets))
    return found


def test_searches_read_shared_lists_and_find_the_same(news, monkeypatch):
    """Another process answers from the files what decoding answered, and every file holds its
    segment's list (one test: the 600 articles are ingested once per pass)."""
    docsets.forget_postings()
    assert not folder().exists() or not any(folder().rglob("*.npy"))
    first = outcomes()  # decodes, and writes the long lists
    files = list(folder().rglob("*.npy"))
    assert len(files) >= 10  # lists of 128 postings or more (shorter ones are inline in the term index)

    # Another process: nothing decoded in its memory, and decoding is not allowed.
    docsets.forget_postings()

    def no_decoding(m):
        raise AssertionError("decoded a list that another process had written")

    monkeypatch.setattr(docsets, "_read_blocks", no_decoding)
    with monkeypatch.context() as m:
        m.setattr(decoded, "_missing", set())
        assert outcomes() == first
    monkeypatch.undo()

    # Every file holds exactly what its segment's list decodes to.
    searcher = backend().searcher()
    checked = 0
    for leaf, _ in searcher.reader().leaf_readers():
        for fieldname, btext in leaf.all_terms():
            shared = decoded.load(leaf, fieldname, btext)
            if shared is None:
                continue
            m = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
            ids, weights = docsets._read_blocks(m)
            assert np.array_equal(shared[0], ids) and np.array_equal(shared[1], weights), (fieldname, btext)
            checked += 1
    assert checked >= 10


def test_files_of_removed_segments_are_deleted(news):
    outcomes()
    before = {p.name for p in folder().iterdir()}
    assert before
    from archive.models import Article
    from search import indexing

    be = backend()
    be.clear()
    indexing.index_articles(list(Article.objects.values_list("pk", flat=True)))
    be._results.clear()
    be.article_search(parse_query("người"), per_page=20, facets=FACETS)  # a searcher on the new segments
    after = {p.name for p in folder().iterdir()}
    assert after and not (after & before)
