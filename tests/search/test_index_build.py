"""The fast index build (search/engines/whoosh/backend.py) writes what stock Whoosh writes, in every path."""

from __future__ import annotations

import datetime
import random

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.query import Term
from whoosh.writing import SegmentWriter

from search.analysis import analyse, index_terms, syllables
from search.engines.whoosh import backend as be
from search.engines.whoosh.analyzer import VietnameseAnalyzer
from search.engines.whoosh.backend import FastSegmentWriter, VietnameseText

SYLS = "dân vận khéo tỉnh ủy hòa bình long an kim bôi thanh thuỷ ngọc hạnh công tác năm covid y tế".split()


def _schema(text_field):
    return Schema(
        id=ID(stored=True, unique=True),
        text=text_field(analyzer=VietnameseAnalyzer(), phrase=False),
        text_f=text_field(analyzer=VietnameseAnalyzer(folded=True), phrase=False),
        kind=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False, sortable=True),
        province=ID(stored=True, sortable=True),
        year=NUMERIC(numtype=int, sortable=True),
        published=DATETIME(sortable=True),
    )


def _docs(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        words = [rnd.choice(SYLS) for _ in range(rnd.randint(0, 60))]
        # Punctuation and line breaks between some words; one rare word per document.
        text = " ".join(w + rnd.choice(["", "", "", ",", ".\n"]) for w in words) + f" hiếm{i}"
        text = text * rnd.choice([1, 1, 2])
        doc = {
            "id": f"a.{i}",
            "text": text,
            "text_f": text,
            "province": rnd.choice(["Long An", "Hòa Bình"]),
            "year": 2018 + i % 5,
            "published": datetime.datetime(2018 + i % 5, 1 + i % 12, 1),
        }
        if i % 3:
            doc["kind"] = ",".join(sorted(rnd.sample(["giao_ban", "tong_ket", "so_ket"], 2)))
        docs.append(doc)
    return docs


def _dump(ix) -> dict:
    """Every term of every field with its statistics and postings (ids, weights, values, lengths)."""
    out = {}
    with ix.reader() as r:
        for fieldname, tbytes in r.all_terms():
            ti = r.term_info(fieldname, tbytes)
            m = r.postings(fieldname, tbytes)
            postings = []
            while m.is_active():
                # An inlined list reads a missing value as '' where a block reads None.
                postings.append((m.id(), m.weight(), m.value() or None))
                m.next()
            out[(fieldname, tbytes)] = (
                ti.doc_frequency(),
                ti.weight(),
                ti.min_length(),
                ti.max_length(),
                ti.max_weight(),
                ti.min_id(),
                ti.max_id(),
                tuple(postings),
            )
        out["lengths"] = [r.doc_field_length(d, "text") for d in range(r.doc_count_all())]
        out["stored"] = [r.stored_fields(d) for d in range(r.doc_count_all())]
    return out


def test_analysis_one_pass_equals_the_syllable_walk():
    text = "Dân vận khéo, _x_ a_b  Hoà\u00a0Bình\tthuỷ\nLong An. 3,5 tỉ đồng “Kim Bôi”"
    exact, folded = analyse(text)
    syls = syllables(text.replace("Hoà", "Hòa").replace("thuỷ", "thủy"))
    assert [t for t in exact if " " not in t] == [s.text for s in syls]
    assert exact == list(index_terms(text, folded=False))
    assert folded == list(index_terms(text, folded=True))
    assert "a b" not in exact and "khéo hòa" not in exact and "hòa bình" in exact
    assert "dan van" in folded and "thuy long" not in folded


@pytest.mark.parametrize(("blocklimit", "inline"), [(128, 1), (128, 8), (4, 3)])
def test_fast_writer_writes_the_same_postings_as_whoosh(tmp_path, blocklimit, inline):
    docs = _docs(120)
    (tmp_path / "stock").mkdir()
    stock = whoosh_index.create_in(str(tmp_path / "stock"), _schema(TEXT))
    w = SegmentWriter(stock, codec=W3Codec(blocklimit=blocklimit))
    for d in docs:
        w.add_document(**d)
    w.commit()
    (tmp_path / "fast").mkdir()
    fast = whoosh_index.create_in(str(tmp_path / "fast"), _schema(VietnameseText))
    w = FastSegmentWriter(fast, codec=be.DanvanCodec(blocklimit=blocklimit, inlinelimit=inline))
    for d in docs:
        w.add_document(**d)
    w.commit()
    assert _dump(fast) == _dump(stock)


def test_parallel_build_and_bounded_merges_keep_every_document(tmp_path, monkeypatch):
    docs = _docs(300, seed=3)
    stock = whoosh_index.create_in(str(tmp_path), _schema(TEXT), indexname="STOCK")
    w = SegmentWriter(stock)
    for d in docs:
        w.add_document(**d)
    w.commit()
    ix = whoosh_index.create_in(str(tmp_path), _schema(VietnameseText), indexname="FAST")

    class Backend(be.VietnameseWhooshBackend):
        def __init__(self):  # just the writing side, on this index
            self.index = ix
            self.setup_complete = True

    backend = Backend()
    monkeypatch.setattr(be, "PARALLEL_MIN", 50)
    monkeypatch.setattr(be, "ID", "id")
    backend.write_documents(docs[:200], procs=2)  # two worker segments
    assert len(ix.refresh().reader().leaf_readers()) == 2
    for i in range(200, 300, 10):  # small commits, then merged
        backend.write_documents(docs[i : i + 10])
    backend.write_documents(docs[:5], procs=1)  # replaced, not duplicated
    backend.write_documents(docs[150:250], procs=2)  # replaced by workers too
    ix = ix.refresh()
    assert len(ix.reader().leaf_readers()) < 12
    assert ix.doc_count() == 300
    with ix.searcher() as s, stock.searcher() as t:
        for term in ("dân vận", "kim bôi", "hiếm7", "hiếm250", "y tế"):
            got = sorted(s.stored_fields(d)["id"] for d in s.docs_for_query(Term("text", term)))
            want = sorted(t.stored_fields(d)["id"] for d in t.docs_for_query(Term("text", term)))
            assert got == want, term
