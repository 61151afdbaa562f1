"""Keeping the index in step with the database (docs/index-integrity.md).

Every change to an article queues its id in the database, in the change's own transaction
(archive.signals, archive.services). `drain()` empties that queue: holding the index's write lock,
it reads the queued ids, re-reads those rows, writes their documents, commits the index, and only
then deletes the queue rows it read. A killed process leaves its rows queued; the next drain
(the index worker, ingest, `ensure_index`) picks them up. `verify()` compares every document's
stored digest with the database, so `ensure_index` finds stale documents, not only missing ones.

A save never waits for the index (issue #16, finding 4): it commits its queue row and answers; the
index worker (`manage.py index_worker`, `work()` below) drains the queue continuously. Only with
the setting INDEX_DRAIN_ON_COMMIT (the test settings) does the saving process drain its own ids
when its transaction commits.

The ingest command suspends the per-save drain and drains once at the end:

    with search.indexing.suspended():
        ... articles_ingest_batch(...) ...     # queues what it stored, batch by batch
    search.indexing.drain(progress=callback)
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection
from haystack import connections

from archive.models import Article, IndexPending
from search.engines import engine

BATCH = 500  # articles read from the database at a time
# A bulk run commits every SEGMENT_DOCS × procs articles, each worker writing one segment of
# SEGMENT_DOCS: it releases the write lock that often, so admin saves get in (about a minute at
# 250 articles/s). Bigger segments repeat fewer terms: at 100,000 articles, segments of 10,000 hold
# 11.6 million term entries where segments of 5,000 held 15.0 million (bench/README.md).
SEGMENT_DOCS = 10_000


def _commit_size(procs: int) -> int:
    """Articles a bulk run writes per commit: one segment of SEGMENT_DOCS per worker."""
    return SEGMENT_DOCS * max(1, procs)


log = logging.getLogger(__name__)

_state = threading.local()
_suspended_depth = 0  # process-wide: the ingest command may use worker threads
_depth_lock = threading.Lock()


@contextmanager
def suspended() -> Iterator[None]:
    """Inside this block, saves do not drain the queue at once (bulk ingest drains at the end).

    The articles are still queued: nothing changed inside the block can be forgotten.
    """
    global _suspended_depth
    with _depth_lock:
        _suspended_depth += 1
    try:
        yield
    finally:
        with _depth_lock:
            _suspended_depth -= 1


def is_suspended() -> bool:
    return _suspended_depth > 0


def backend(using: str = "default"):
    """The Whoosh engine's Haystack backend (its own tests and benchmarks read it); everything
    else talks to `search.engines.engine()`."""
    return connections[using].get_backend()


def article_index(using: str = "default"):
    return connections[using].get_unified_index().get_index(Article)


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for pk in ids:
        chunk.append(int(pk))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _read_documents(be, index, ids: list[int], using: str) -> tuple[list[dict], list[int]]:
    """The prepared documents of these articles as the database holds them now, and the ids of
    those no longer in the database."""
    docs: list[dict] = []
    deletes: list[int] = []
    for chunk in _chunks(ids, BATCH):
        articles = {a.pk: a for a in index.index_queryset(using=using).filter(pk__in=chunk)}
        for pk in chunk:
            article = articles.get(pk)
            if article is None:
                deletes.append(pk)
            else:
                docs.extend(be.prepare(index, [article]))
    return docs, deletes


def _write(ids: list[int], *, using: str, procs: int) -> int:
    """Read these rows while holding the index's write lock, and write them in one commit."""
    be = engine(using)
    index = article_index(using)
    return be.write_under_lock(
        lambda: _read_documents(be, index, ids, using), procs=procs if len(ids) > 1000 else 1
    )


def _setup(using: str):
    be = engine(using)
    be.setup()
    return be


def index_articles(
    ids: Iterable[int],
    *,
    progress: Callable[[int], object] | None = None,
    using: str = "default",
    procs: int | None = None,
) -> int:
    """Bring these articles' index documents in line with the database; returns how many were indexed.

    Ids no longer in the database are removed from the index, so a caller never has to know which
    happened. `progress(n)` is called with the number of ids handled since its previous call.
    """
    be = _setup(using)
    procs = procs or be.procs
    indexed = 0
    for chunk in _chunks(ids, _commit_size(procs)):
        indexed += _write(sorted(set(chunk)), using=using, procs=procs)
        if progress:
            progress(len(chunk))
    return indexed


def pending_count() -> int:
    """How many distinct articles are queued for the index."""
    return IndexPending.objects.values("article_id").distinct().count()


def drain(
    ids: Iterable[int] | None = None,
    *,
    progress: Callable[[int], object] | None = None,
    using: str = "default",
    procs: int | None = None,
    limit: int | None = None,
    quick_merge: bool = False,
) -> int:
    """Index every queued article (or only the queued ones among `ids`), then forget the queue
    rows that were read; returns how many distinct articles were written or removed.
    `quick_merge`: commits merge only a few small segments (the index worker: seconds per round).

    Each round holds the index's write lock while it reads the queue and the rows, so a concurrent
    drain can never commit an older snapshot over a newer one; a row queued while a round runs
    keeps its queue entry (its id was not read) and is taken by the next round.
    """
    be = _setup(using)
    procs = procs or be.procs
    limit = limit or _commit_size(procs)
    index = article_index(using)
    handled = 0
    wanted = None if ids is None else sorted({int(pk) for pk in ids})
    while True:
        queued = IndexPending.objects.order_by("pk")
        these = None
        if wanted is not None:
            if not wanted:
                return handled
            these, wanted = wanted[:limit], wanted[limit:]
        if not queued.exists():
            return handled
        taken: dict[str, list] = {}

        def produce(taken=taken, these=these, queued=queued):
            if these is None:
                rows = list(queued.values_list("pk", "article_id")[:limit])
            else:
                rows = []
                for chunk in _chunks(these, BATCH):
                    rows += queued.filter(article_id__in=chunk).values_list("pk", "article_id")
            taken["rows"] = [pk for pk, _ in rows]
            taken["ids"] = found = sorted({article_id for _, article_id in rows})
            if not found:
                return [], []
            return _read_documents(be, index, found, using)

        be.write_under_lock(produce, procs=procs if limit > 1000 else 1, quick_merge=quick_merge)
        rows = taken.get("rows", [])
        forget_queued(rows)  # only the rows read: later ones stay queued
        handled += len(taken.get("ids", []))
        if progress and rows:
            progress(len(taken["ids"]))
        if wanted is None and len(rows) < limit:
            return handled


def drain_shown(*, show_progress: bool) -> None:
    """`drain` with a progress bar on stderr: the last step of `ingest`, `reextract` and `harvest`."""
    from tqdm import tqdm

    with tqdm(
        total=pending_count(), desc="index", unit=" bài", disable=not show_progress, file=sys.stderr
    ) as bar:
        drain(progress=bar.update)


def forget_queued(rows: Iterable[int]) -> None:
    """Delete these queue rows (by row id): their articles were read after they were queued."""
    for chunk in _chunks(rows, BATCH):
        IndexPending.objects.filter(pk__in=chunk).delete()


def remove_articles(ids: Iterable[int], *, using: str = "default") -> None:
    """Delete these articles' documents from the index (whether or not they are in the database)."""
    for chunk in _chunks(ids, SEGMENT_DOCS):
        engine(using).write([], delete=chunk)


# --- verification: the index's documents against the database's rows -----------------------------


@dataclass
class Difference:
    missing: list[int] = field(default_factory=list)  # in the database, not in the index
    stale: list[int] = field(default_factory=list)  # in both, the index's document is older
    extra: list[int] = field(default_factory=list)  # in the index, gone from the database
    checked: int = 0

    @property
    def in_step(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    def __str__(self) -> str:
        return f"{len(self.missing)} missing, {len(self.stale)} stale, {len(self.extra)} extra"


def indexed_digests(using: str = "default") -> dict[int, str]:
    """{article id: stored digest} of every live document in the index."""
    return _setup(using).digests()


def database_digests(using: str = "default") -> Iterator[tuple[int, str]]:
    """(article id, digest of the document it should have), for every article."""
    index = article_index(using)
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(ids, BATCH):
        for article in index.index_queryset(using=using).filter(pk__in=chunk):
            yield article.pk, index.full_prepare(article)["digest"]


def verify(using: str = "default") -> Difference:
    """Compare every document in the index with the row it came from (ids and content digests)."""
    indexed = indexed_digests(using)
    diff = Difference()
    for pk, digest in database_digests(using):
        diff.checked += 1
        held = indexed.pop(pk, None)
        if held is None:
            diff.missing.append(pk)
        elif held != digest:
            diff.stale.append(pk)
    diff.extra = sorted(indexed)
    return diff


# --- the index worker: drains the queue continuously (issue #16, finding 4) -------------------------

WORKER_STATUS_KEY = "search:index_worker"  # in the default cache, shared with the web processes
BACKOFF_MAX = 30.0  # seconds between attempts while drains keep failing (disk full, read-only)


def worker_status() -> dict | None:
    """What the index worker last reported: {"pid", "beat" (epoch seconds), "drained", "error"}."""
    try:
        return cache.get(WORKER_STATUS_KEY)
    except Exception:  # noqa: BLE001 — a status read never breaks a page or healthz
        return None


def _report(status: dict) -> None:
    try:
        cache.set(WORKER_STATUS_KEY, {**status, "beat": time.time()}, timeout=None)
    except Exception:  # noqa: BLE001 — the queue, not this status, is what must not be lost
        log.warning("index worker: could not record its status in the cache", exc_info=True)


def work(
    *,
    poll: float | None = None,
    once: bool = False,
    stop: threading.Event | None = None,
    on_drain: Callable[[int, float], object] | None = None,
) -> int:
    """Drain the queue until `stop` is set (or one round with `once`); returns articles written.

    Sleeps `poll` seconds (INDEX_WORKER_POLL) while the queue is empty. A failed drain (index
    locked too long, disk full, read-only folder, database gone) leaves its rows queued: it is
    logged, reported in the status /healthz shows, and retried with a growing pause.
    """
    poll = settings.INDEX_WORKER_POLL if poll is None else poll
    stop = stop or threading.Event()
    status = {"pid": os.getpid(), "drained": 0, "error": None}
    pause, beat = 0.0, 0.0
    while not stop.is_set():
        if not connection.in_atomic_block:  # (a test's transaction: keep its connection)
            close_old_connections()  # a long-lived process: drop a connection past CONN_MAX_AGE or broken
        started = time.monotonic()
        try:
            written = drain(quick_merge=True)
        except Exception as err:  # noqa: BLE001 — the worker outlives any one failure
            log.exception("index worker: drain failed; the articles stay queued")
            status["error"] = f"{type(err).__name__}: {err}"[:300]
            _report(status)
            if once:
                raise
            pause = min(BACKOFF_MAX, max(1.0, pause * 2))
            stop.wait(pause)
            continue
        pause = 0.0
        status["drained"] += written
        if written or status["error"] or time.monotonic() - beat > 5:
            status["error"] = None
            _report(status)
            beat = time.monotonic()
        if written and on_drain:
            on_drain(written, time.monotonic() - started)
        if once:
            return status["drained"]
        if not written:
            stop.wait(poll)
    return status["drained"]


# --- after a transaction (INDEX_DRAIN_ON_COMMIT only): one drain per save, with its inlines ---------


def _queued_here() -> set[int]:
    if not hasattr(_state, "queued"):
        _state.queued = set()
    return _state.queued


def schedule(ids: Iterable[int]) -> None:
    """Drain these (queued) articles when the current transaction commits (at once outside one)."""
    from django.db import transaction

    if is_suspended() or not settings.INDEX_DRAIN_ON_COMMIT:
        return  # the index worker takes it from the queue
    _queued_here().update(int(pk) for pk in ids)
    transaction.on_commit(flush)


def flush() -> None:
    queued = _queued_here()
    if not queued:
        return  # an earlier callback of the same transaction already drained them
    ids = sorted(queued)
    queued.clear()
    try:
        drain(ids, procs=1)
    except Exception:
        # The change is committed and still queued: the worker or `ensure_index` indexes it.
        log.exception("search index not updated now; the change stays queued for the next drain")
