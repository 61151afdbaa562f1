"""Keeping the index in step with the database: per-save updates and bulk updates for ingest.

The ingest command suspends per-save indexing and indexes the whole run at the end:

    with search.indexing.suspended():
        ... articles_ingest_batch(...) ...
    search.indexing.index_articles(ids, progress=callback)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from haystack import connections

from archive.models import Article

BATCH = 500  # articles read from the database at a time
COMMIT_EVERY = 10_000  # a long bulk run releases the write lock this often, so admin saves get in

_state = threading.local()
_suspended_depth = 0  # process-wide: the ingest command may use worker threads
_depth_lock = threading.Lock()


@contextmanager
def suspended() -> Iterator[None]:
    """Inside this block, saving or deleting articles does not touch the index (bulk ingest)."""
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


def index_articles(
    ids: Iterable[int],
    *,
    progress: Callable[[int], object] | None = None,
    using: str = "default",
    procs: int | None = None,
) -> int:
    """Bring these articles' index documents in line with the database; returns how many were indexed.

    Ids no longer in the database are removed from the index, so a caller never has to know which
    happened. `progress(n)` is called with the number of ids handled so far.
    """
    be = backend(using)
    index = article_index(using)
    if not be.setup_complete:
        be.setup()
    procs = procs or be.procs
    done = indexed = 0
    docs: list[dict] = []
    deletes: list[str] = []
    for chunk in _chunks(ids, BATCH):
        articles = {a.pk: a for a in index.index_queryset(using=using).filter(pk__in=chunk)}
        for pk in chunk:
            article = articles.get(pk)
            if article is None:
                deletes.append(f"archive.article.{pk}")
            else:
                docs.extend(be._prepared(index, [article]))
        done += len(chunk)
        if len(docs) >= COMMIT_EVERY:
            be.write_documents(docs, delete_ids=deletes, procs=procs if len(docs) > 1000 else 1)
            indexed += len(docs)
            docs, deletes = [], []
        if progress:
            progress(done)
    if docs or deletes:
        be.write_documents(docs, delete_ids=deletes, procs=procs if len(docs) > 1000 else 1)
        indexed += len(docs)
    return indexed


def remove_articles(ids: Iterable[int], *, using: str = "default") -> None:
    """Delete these articles' documents from the index (whether or not they are in the database)."""
    for chunk in _chunks(ids, COMMIT_EVERY):
        backend(using).write_documents([], delete_ids=[f"archive.article.{pk}" for pk in chunk])


# --- after a transaction: one index write per admin save, however many inlines it carried -------


def _pending() -> set[int]:
    if not hasattr(_state, "pending"):
        _state.pending = set()
    return _state.pending


def schedule(ids: Iterable[int]) -> None:
    """Re-index these articles when the current transaction commits (at once outside one)."""
    from django.db import transaction

    if is_suspended():
        return
    pending = _pending()
    pending.update(int(pk) for pk in ids if pk is not None)
    transaction.on_commit(flush)


def flush() -> None:
    pending = _pending()
    if not pending:
        return  # an earlier callback of the same transaction already wrote everything
    ids = sorted(pending)
    pending.clear()
    index_articles(ids, procs=1)
