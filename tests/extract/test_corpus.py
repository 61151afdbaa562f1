"""Sanity on the real corpus (read from ../shared/corpus, never copied into the repository)."""

from __future__ import annotations

import itertools
import time

import pytest
from _extract_support import CORPUS

from archive.extract import iter_path, reasons
from archive.extract.reasons import reason_code
from archive.extract.types import ExtractedArticle

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.exists(), reason="corpus not available"),
]


def test_first_2000_records_extract():
    items = list(itertools.islice(iter_path(CORPUS), 2000))
    assert len(items) == 2000
    bad = [i for i in items if not isinstance(i, ExtractedArticle)]
    assert bad == []
    assert all(a.title.strip() and a.text.strip() for a in items)
    assert all(a.source_name.startswith("news-100k.jsonl.gz#") for a in items)
    # Mostly national news: only a small share may be pinned to one province.
    with_province = sum(1 for a in items if a.province)
    assert with_province <= 0.05 * len(items), with_province
    # Review reasons other than doubt about the date stay rare on national news.
    date_doubts = {reasons.NO_DATE, reasons.YEAR_INFERRED, reasons.DATE_FAR}
    flagged = sum(1 for a in items if {reason_code(r) for r in a.review_reasons} - date_doubts)
    assert flagged <= 0.02 * len(items), flagged
    # Issue 10: a date whose year was inferred is flagged, and no article is dated before online news
    # (a 2017 story was dated 1952 from an anniversary span).
    inferred = [a for a in items if a.date_precision == "year_inferred"]
    assert inferred and all(
        any(r.startswith(reasons.YEAR_INFERRED) for r in a.review_reasons) for a in inferred
    )
    assert all(a.published_on.year >= 1995 for a in items if a.published_on)


def test_10000_records_extract(capsys):
    """The first 10,000 corpus records all read (the speed is bench/ingest_speed.py's: no timed test)."""
    start = time.perf_counter()
    n = sum(1 for _ in itertools.islice(iter_path(CORPUS), 10_000))
    rate = n / (time.perf_counter() - start)
    with capsys.disabled():
        print(f"\nextraction: {rate:.0f} records/s ({n} records; a figure, not a check)")
    assert n == 10_000
