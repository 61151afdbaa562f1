"""An archive of real volume for page tests (issue #19): the five seeds, 2,000 corpus articles and the
21 corpus-like ones (officials, meetings) through the real ingest and index."""

from __future__ import annotations

import gzip
import itertools
import time
from pathlib import Path

from tests.archive.browse_fixtures import corpus_like_lines
from tests.conftest import CORPUS, SEEDS, run_ingest

VOLUME = 2000  # corpus articles (issue #19: pages at real volume, ≥ 2,000)


def ingest_volume(folder: Path, n: int = VOLUME) -> float:
    """Store and index the archive; return the seconds it took."""
    from archive import services
    from search import indexing

    started = time.monotonic()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = list(itertools.islice(lines, n))
    path = folder / "volume.jsonl"
    path.write_text("".join(records) + "\n".join(corpus_like_lines(21)) + "\n", encoding="utf-8")
    indexing.backend().clear()
    services.provinces_load_if_empty()
    run_ingest(str(SEEDS), str(path))
    return time.monotonic() - started
