"""python manage.py ingest PATH... — load .txt, .html, .jsonl(.gz) and .warc(.gz)/.wacz articles."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from tqdm import tqdm

from archive import services
from archive.extract import Limits, iter_path
from archive.extract.inputs import show
from archive.extract.types import ExtractedArticle, ExtractFailure

# Characters of input (raw and text) a batch may hold before it is stored: 500 corpus articles hold a
# few million; 500 hostile ones of up to a megabyte each held 1 GB (issue #16, bench/hostile_ingest.py).
BATCH_CHARS = 10_000_000


def _batched(iterable, size, max_chars=BATCH_CHARS):
    """Lists of at most `size` items, cut earlier once they hold `max_chars` characters."""
    batch, chars = [], 0
    for item in iterable:
        batch.append(item)
        chars += len(getattr(item, "raw", "")) + len(getattr(item, "text", ""))
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


class _DryRunRollback(Exception):
    pass


class Command(BaseCommand):
    help = "Ingest articles from files or folders (.txt, .html, .jsonl, .jsonl.gz, .warc, .warc.gz, .wacz)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--overwrite", action="store_true", help="replace fields edited in the admin too")
        parser.add_argument("--dry-run", action="store_true", help="show what would change; store nothing")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--no-index", action="store_true", help="do not update the search index")
        parser.add_argument("--no-progress", action="store_true")

    def handle(
        self, *args, paths, overwrite, dry_run, batch_size, no_index, no_progress, verbosity, **options
    ):
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        services.provinces_load_if_empty()

        counts: Counter[str] = Counter()
        started = time.monotonic()
        show_progress = not no_progress and verbosity > 0
        progress = tqdm(desc="ingest", unit=" bài", disable=not show_progress, file=sys.stderr, mininterval=1)
        lookups = services.IngestLookups()
        # Stored batches queue their articles (same transaction); the index is written once, below.
        indexing = self._suspend_indexing()
        limits = Limits.from_mapping(getattr(settings, "INGEST_LIMITS", None))
        try:
            with indexing, progress:
                for path in paths:
                    for batch in _batched(iter_path(path, limits), batch_size):
                        items = [item for item in batch if isinstance(item, ExtractedArticle)]
                        for failure in (item for item in batch if isinstance(item, ExtractFailure)):
                            self._fail(counts, failure.path or failure.source_name, failure.reason)
                        where = {item.source_name: getattr(item, "path", item.source_name) for item in items}
                        outcomes = self._store(items, overwrite=overwrite, dry_run=dry_run, lookups=lookups)
                        for outcome in outcomes:
                            if outcome.status == services.FAILED:
                                self._fail(
                                    counts,
                                    outcome.path or where.get(outcome.source_name, outcome.source_name),
                                    outcome.reason,
                                )
                                continue
                            counts[outcome.status] += 1
                            if outcome.article.needs_review and outcome.status in (
                                services.NEW,
                                services.UPDATED,
                            ):
                                counts["flagged"] += 1
                            self._report(outcome, dry_run=dry_run, verbosity=verbosity)
                        progress.update(len(batch))
                        reset_queries()  # with DEBUG on, Django keeps every query: bound the memory
                        if connection.vendor == "sqlite" and not connection.in_atomic_block:
                            # Python's sqlite3 keeps each cached statement's bound values until it
                            # runs again: every bulk insert of another size kept its batch's texts
                            # (issue #16: 650 MB after 335 large articles). A new connection frees them.
                            connection.close()
                    if not dry_run:
                        self._keep_warcs(path)
        finally:
            # Whatever stopped the run (even Ctrl-C), what was stored gets indexed and the summary prints.
            # Everything queued: this run's articles and any a killed earlier run left behind.
            if not dry_run and not no_index:
                self._index(show_progress=show_progress)
            self._summary(counts, started, dry_run)
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) or line(s) failed; see the messages above")

    def _keep_warcs(self, path) -> None:
        """WARC files kept with a capture per response, for "bản lưu gốc" (issue #17)."""
        from archive.extract import WARC_SUFFIXES
        from archive.harvest.kept import warc_keep

        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if file.is_symlink() or not file.name.lower().endswith(WARC_SUFFIXES):
                continue
            try:
                warc_keep(path=file)
            except Exception as err:  # noqa: BLE001 — the articles are stored; only the copy failed
                self.stderr.write(f"{file}: not kept for 'bản lưu gốc': {type(err).__name__}: {err}")

    def _summary(self, counts, started, dry_run):
        elapsed = time.monotonic() - started
        processed = sum(counts[k] for k in ("new", "updated", "unchanged", "duplicate", "failed"))
        prefix = "DRY RUN, nothing stored: would be " if dry_run else ""
        self.stdout.write(
            f"{prefix}{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['duplicate']} duplicate, {counts['failed']} failed, {counts['flagged']} flagged for review "
            f"({processed} items in {elapsed:.1f} s, {processed / elapsed if elapsed else 0:.0f} items/s)"
        )

    def _fail(self, counts, where: str, reason: str) -> None:
        counts["failed"] += 1
        self.stderr.write(f"FAILED {show(where)}: {show(reason)}")

    def _store(self, items, *, overwrite, dry_run, lookups):
        if not items:
            return []
        if not dry_run:
            try:
                return services.articles_ingest_batch(items=items, overwrite=overwrite, lookups=lookups)
            except Exception:  # noqa: BLE001 — find the item at fault, store the rest
                lookups.forget_unsaved()
                return self._store_one_by_one(items, overwrite=overwrite, lookups=lookups)
        outcomes = []
        try:
            with transaction.atomic():
                outcomes = services.articles_ingest_batch(items=items, overwrite=overwrite, lookups=lookups)
                raise _DryRunRollback
        except _DryRunRollback:
            lookups.forget_unsaved()
        return outcomes

    def _store_one_by_one(self, items, *, overwrite, lookups):
        outcomes = []
        for item in items:
            try:
                with transaction.atomic():
                    outcomes += services.articles_ingest_batch(
                        items=[item], overwrite=overwrite, lookups=lookups
                    )
            except Exception as err:  # noqa: BLE001
                lookups.forget_unsaved()
                reason = f"could not be stored: {type(err).__name__}: {err}"
                outcomes.append(
                    services.IngestOutcome(
                        services.FAILED,
                        None,
                        item.source_name,
                        reason=reason[:500],
                        path=getattr(item, "path", ""),
                    )
                )
        return outcomes

    def _report(self, outcome, *, dry_run, verbosity):
        if outcome.status == services.NEW and verbosity > 1:
            self.stdout.write(f"new       {show(outcome.article.source_file)}")
        elif outcome.status == services.UPDATED and (verbosity > 1 or dry_run):
            self.stdout.write(f"updated   {show(outcome.article.source_file)}: {', '.join(outcome.changed)}")
        elif outcome.status == services.DUPLICATE and verbosity > 0:
            self.stdout.write(
                f"duplicate {show(outcome.source_name)}: same text as {show(outcome.duplicate_of)}"
            )
        if dry_run and outcome.status == services.NEW and verbosity == 1:
            self.stdout.write(f"would add {show(outcome.article.source_file)}")

    def _suspend_indexing(self):
        from search.indexing import suspended

        return suspended()

    def _index(self, *, show_progress):
        from search.indexing import drain_shown

        drain_shown(show_progress=show_progress)
