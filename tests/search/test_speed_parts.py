"""Issue #8, speed and size: the compact term entries, the whole-set evaluation and the page cache.

Each part is checked against what it replaces: term entries read back as Whoosh wrote them,
`docsets` gives Whoosh's documents and order (the scores themselves are checked against Whoosh on
every index layout in test_exclusion.py), and a cached page is the page.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.fields import DATETIME, ID, Schema

from search import indexing
from search.engines.whoosh import docsets
from search.engines.whoosh.backend import FastSegmentWriter
from search.engines.whoosh.codec import CompactTermInfo, packed


def _terminfo(ids, weights, values, lengths=(10, 40)):
    ti = CompactTermInfo()
    ti._weight = float(sum(weights))
    ti._df = len(ids)
    ti._minlength, ti._maxlength = lengths
    ti._maxweight = max(weights)
    ti._minid, ti._maxid = ids[0], ids[-1]
    ti.set_inlined(ids, weights, values)
    return ti


@pytest.mark.parametrize(
    ("ids", "weights", "values"),
    [
        ((7,), (1.0,), (packed(1),)),  # a bigram seen once: most of the index
        ((3, 4, 900, 70_000), (2.0, 1.0, 3.0, 300.0), tuple(packed(n) for n in (2, 1, 3, 300))),
        ((0, 5, 6), (1.0, 1.0, 1.0), ()),  # existence postings (ID and KEYWORD fields)
    ],
)
def test_compact_entries_read_back_as_written(ids, weights, values):
    ti = _terminfo(ids, weights, values)
    data = ti.to_bytes()
    back = CompactTermInfo.from_bytes(data)
    assert back.inlined_postings() == (ids, weights, values)
    assert (back.doc_frequency(), back.weight(), back.max_weight()) == (len(ids), sum(weights), max(weights))
    assert (back.min_id(), back.max_id()) == (ids[0], ids[-1])
    assert (back.min_length(), back.max_length()) == (10, 40)
    # W3 pickles these postings after a 23-byte header: 75 bytes for one posting.
    assert len(data) <= 4 + 5 * len(ids)
    assert len(W3TermInfo.to_bytes(ti)) > 3 * len(data)


def test_entries_that_are_not_plain_frequencies_keep_the_w3_layout():
    odd = _terminfo((1, 2), (1.5, 2.0), (b"x", b"y"))  # weights that are not frequencies
    data = odd.to_bytes()
    assert data == W3TermInfo.to_bytes(odd)
    assert CompactTermInfo.from_bytes(data).inlined_postings() == ((1, 2), (1.5, 2.0), (b"x", b"y"))


def test_a_term_reader_on_compact_entries_gives_whooshs_statistics(seeds):
    be = indexing.backend()
    reader = be.searcher().reader()
    leaf = reader.leaf_readers()[0][0] if not reader.is_atomic() else reader
    assert type(leaf._terms).__name__ == "CompactTermsReader"
    checked = 0
    for (fieldname, btext), ti in leaf._terms.items():
        if fieldname not in ("text", "text_f"):
            continue
        assert leaf._terms.doc_frequency(fieldname, btext) == ti.doc_frequency()
        assert leaf._terms.frequency(fieldname, btext) == ti.weight()
        if ti.is_inlined():
            ids = ti.inlined_postings()[0]
            assert len(ids) == ti.doc_frequency() and list(ids) == sorted(ids)
        checked += 1
    assert checked > 1000


def test_or_minmatch_keeps_documents_with_enough_of_its_parts(seeds):
    """Whoosh ignores Or(minmatch); a pasted passage relies on it (a share of its rarest pairs)."""
    be = indexing.backend()
    searcher = be.searcher()
    arrays = docsets.SearchArrays(searcher)
    terms = ["dân vận", "long an", "hòa bình", "lạng sơn"]
    per_term = {t: set(docsets.evaluate(wq.Term("text", t), arrays, scored=False)[0].tolist()) for t in terms}
    every = set().union(*per_term.values())
    for need in (1, 2, 3):
        want = {d for d in every if sum(d in docs for docs in per_term.values()) >= need}
        q = wq.Or([wq.Term("text", t) for t in terms], minmatch=need)
        assert set(docsets.evaluate(q, arrays)[0].tolist()) == want
    assert len(per_term["dân vận"]) == 5


def _dated_index(tmp_path):
    schema = Schema(id=ID(stored=True, unique=True), published=DATETIME(stored=True, sortable=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    writer = FastSegmentWriter(ix)
    days = [3, None, 1, 3, 2, None, 3, 1]  # ties and undated documents
    for n, day in enumerate(days):
        doc = {"id": str(n)}
        if day:
            doc["published"] = datetime(2024, 5, day)
        writer.add_document(**doc)
    writer.commit()
    return ix, days


def test_date_order_is_whooshs_with_undated_last(tmp_path):
    ix, days = _dated_index(tmp_path)
    with ix.searcher() as searcher:
        arrays = docsets.SearchArrays(searcher)
        every = docsets.evaluate(wq.Every(), arrays)[0]
        dated = [d for d in range(len(days)) if days[d]]
        newest = searcher.search(
            wq.Every(), limit=None, filter=set(dated), sortedby="published", reverse=True
        )
        oldest = searcher.search(wq.Every(), limit=None, sortedby="published")
        undated = [d for d in range(len(days)) if not days[d]]
        assert (
            docsets.by_date(every, arrays, 20, newest=True).tolist() == [d for _, d in newest.top_n] + undated
        )
        assert docsets.by_date(every, arrays, 20, newest=False).tolist() == [d for _, d in oldest.top_n]
        assert docsets.by_date(every, arrays, 3, newest=True).tolist() == [0, 3, 6][::-1]


def test_ranking_ties_go_to_the_lower_document_number():
    ids = docsets.np.array([2, 5, 9, 11, 14])
    scores = docsets.np.array([1.0, 3.0, 3.0, 0.5, 3.0])
    top, top_scores = docsets.ranked(ids, scores, 2)
    assert top.tolist() == [5, 9] and top_scores.tolist() == [3.0, 3.0]


# --- the page cache ------------------------------------------------------------------------------

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_repeated_search_page_comes_whole_from_the_shared_cache(seeds, client, monkeypatch):
    url = "/tim-kiem/?q=d%C3%A2n+v%E1%BA%ADn+kh%C3%A9o"
    first = client.get(url)
    assert first.status_code == 200 and "dân vận khéo" in first.content.decode()

    def no_search(*args, **kwargs):
        raise AssertionError("the page was built again instead of served from the cache")

    monkeypatch.setattr(docsets, "evaluate", no_search)
    indexing.backend()._results.clear()
    other = client.__class__()  # another visitor: its own CSRF token in the language form
    again = other.get(url)
    assert again.status_code == 200
    body, before = again.content.decode(), first.content.decode()
    assert _TOKEN.sub("", body) == _TOKEN.sub("", before)
    assert _TOKEN.search(body).group(1) != _TOKEN.search(before).group(1)
    assert "csrftoken" in again.cookies
    monkeypatch.undo()

    # Any change to the index is a new version: the page is built again, with the change.
    indexing.remove_articles([seeds["003"].pk])
    after = other.get(url).content.decode()
    assert seeds["003"].get_absolute_url() not in after and seeds["003"].get_absolute_url() in before


def test_staff_pages_are_never_served_from_the_shared_cache(seeds, client):
    url = "/tim-kiem/?q=d%C3%A2n+v%E1%BA%ADn"
    anonymous = client.get(url).content.decode()
    assert "/admin/" not in anonymous
    staff = get_user_model().objects.create_user("bientap", password="x", is_staff=True)
    client.force_login(staff)
    assert "/admin/" in client.get(url).content.decode()


def test_a_gunicorn_worker_opens_the_index_and_builds_a_page_before_taking_requests(seeds, monkeypatch):
    import runpy

    from django.core.cache import caches

    from archive import page_cache
    from search import shared_cache

    conf = runpy.run_path(str(__import__("pathlib").Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    logged = []

    class Log:
        def info(self, message, *args):
            logged.append(message % args)

        def exception(self, message, *args):
            raise AssertionError(message % args)

    class Worker:
        log = Log()

    be = indexing.backend()
    be.setup()  # as a fresh worker: nothing open yet
    stored = []
    monkeypatch.setattr(page_cache, "page_put", lambda *args: stored.append(args))
    conf["post_worker_init"](Worker())
    assert logged and logged[0].startswith("search index opened, one page built in")
    assert be._searcher is not None and be._search_arrays is not None
    assert set(be._search_arrays._facets) == set(be.facet_fields)  # facet codes read before requests
    assert not stored  # the warm-up page is nobody's page: never cached
    caches[shared_cache.ALIAS].clear()


@pytest.mark.parametrize("seed", range(20))
def test_the_direct_entry_writer_gives_the_term_infos_bytes(seed):
    import random

    from search.engines.whoosh.backend import _FREQ_BITS, _compact_entry, _TermPool
    from search.engines.whoosh.codec import inline_terminfo

    rng = random.Random(seed)
    ids = sorted(rng.sample(range(70_000), rng.randint(1, 127)))
    existence = seed % 4 == 0
    postings = [d << _FREQ_BITS | (0 if existence else rng.choice([1, 1, 2, 3, 200, 17_000])) for d in ids]
    lengths = [rng.randint(1, 5000) for _ in range(70_000)] if not existence else None
    fast = _compact_entry(postings, lengths)
    assert fast == inline_terminfo(postings, lengths, _TermPool.decode)
    assert CompactTermInfo.from_bytes(fast).inlined_postings()[0] == tuple(ids)


def test_facet_counts_order_most_first_then_by_value_as_python_sorts(seeds):
    """Issue #21: the facet values are ordered in numpy (count, then the value's rank in string
    order); the order is the one a Python sort of (-count, value) gives, ties included."""
    import numpy as np

    be = indexing.backend()
    arrays = be._arrays(be.searcher())
    everyone = np.flatnonzero(arrays.live)
    rng = np.random.default_rng(21)
    for name, multi in be.facet_fields.items():
        values, first, second = arrays.facet_codes(name, multi)
        for docs in (everyone, np.sort(rng.choice(everyone, size=max(1, len(everyone) // 2), replace=False))):
            if second is None:
                codes = first[docs]
                expected_counts = Counter(values[c] for c in codes if c >= 0)
            else:
                chosen = set(docs.tolist())
                expected_counts = Counter(
                    values[c] for d, c in zip(first.tolist(), second.tolist(), strict=True) if d in chosen
                )
            expected = sorted(expected_counts.items(), key=lambda kv: (-kv[1], kv[0]))
            assert arrays.facet_counts(name, multi, docs) == expected, name


def test_the_threads_of_a_worker_share_one_memo_of_results(seeds, monkeypatch):
    """Issue #21: each thread has its own backend (Haystack's connections are per thread), but a
    search one thread answered is answered from memory in another, not evaluated again nor kept
    twice; a commit is a new index version, never answered from the older memo."""
    import threading

    from search.analysis import parse_query

    here = indexing.backend()
    here._results.clear()
    first = here.article_search(parse_query("dân vận"), per_page=20)
    assert first.total

    def no_search(*args, **kwargs):
        raise AssertionError("evaluated again in another thread")

    found = {}

    def other_thread():
        there = indexing.backend()
        found["same backend"] = there is here
        found["outcome"] = there.article_search(parse_query("dân vận"), per_page=20)

    from search import shared_cache

    monkeypatch.setattr(docsets, "evaluate", no_search)
    monkeypatch.setattr(shared_cache, "get", lambda *args: None)  # not from the workers' shared cache
    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert found["same backend"] is False
    assert [h.pk for h in found["outcome"].hits] == [h.pk for h in first.hits]
    monkeypatch.undo()

    indexing.remove_articles([seeds["003"].pk])  # a commit: a new version
    after = here.article_search(parse_query("dân vận"), per_page=20)
    assert seeds["003"].pk not in [h.pk for h in after.hits] and seeds["003"].pk in [h.pk for h in first.hits]


def test_the_threads_of_a_worker_share_the_arrays_of_one_index_version(seeds):
    """Issue #21: facet codes, field lengths and dates of one index version are read once per
    process, whichever thread's searcher reads them; a commit is a new version with its own."""
    import threading

    here = indexing.backend()
    mine = here._arrays(here.searcher())
    mine.facet_codes("province", here.facet_fields["province"])
    found = {}

    def other_thread():
        there = indexing.backend()
        arrays = there._arrays(there.searcher())
        found["searcher"] = arrays.searcher
        found["facets"] = arrays._facets
        found["codes"] = arrays.facet_codes("province", there.facet_fields["province"])

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert found["searcher"] is not mine.searcher  # each thread reads through its own searcher
    assert found["facets"] is mine._facets and found["codes"] is mine._facets["province"]

    indexing.remove_articles([seeds["003"].pk])
    after = here._arrays(here.searcher())
    assert after._facets is not mine._facets and after.size == mine.size  # deleted, not yet merged
    assert after.live.sum() == mine.live.sum() - 1
