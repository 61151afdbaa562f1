"""An archive of real volume for page tests: the five seeds, 2,000 corpus articles and the 21
corpus-like ones (officials, meetings, undated) through the real ingest and index.

Built once for the module that asks for it, inside a transaction rolled back at the end (the index
is cleared then too), as tests/search/test_search_recall.py does."""

from __future__ import annotations

import gzip
import itertools
import json
import time
from pathlib import Path

from django.db import transaction

from tests.archive.browse_fixtures import corpus_like_lines
from tests.conftest import CORPUS, SEEDS, run_ingest

VOLUME = 2000  # corpus articles (issue #19: pages at real volume, ≥ 2,000)


def build_volume(folder: Path, n: int = VOLUME):
    """Yield while the archive is stored; roll it back after. Prints what the build cost."""
    from archive import services
    from search import indexing

    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = list(itertools.islice(lines, n))
    path = folder / "volume.jsonl"
    path.write_text("".join(records) + "\n".join(corpus_like_lines(21)) + "\n", encoding="utf-8")
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        started = time.monotonic()
        indexing.backend().clear()
        services.provinces_load()
        run_ingest(str(SEEDS), str(path))
        print(f"\nreal-volume archive: {n} corpus + 26 articles built in {time.monotonic() - started:.1f} s")
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
        indexing.backend().clear()


def json_records(n: int) -> list[dict]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in itertools.islice(lines, n)]
