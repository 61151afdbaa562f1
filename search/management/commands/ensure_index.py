"""Make sure the search index shows exactly what the database holds (docs/index-integrity.md).

`make run` calls this after ingest. It indexes what is queued (a killed ingest, a save whose index
write failed), then compares every document's stored digest with the database: missing, stale and
extra documents are rewritten or removed. An empty or unreadable index is rebuilt in bulk.
"""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from archive.models import Article, IndexPending
from search import indexing
from search.engines import engine


def rebuild(*, stdout, verbosity: int) -> int:
    """Clear the index and write every article through the bulk path; then drain the queue."""
    # Queue rows committed before the rebuild reads anything are covered by it: forget them after.
    covered = list(IndexPending.objects.values_list("pk", flat=True))
    engine().clear()
    stored = Article.objects.count()
    ids = Article.objects.order_by("pk").values_list("pk", flat=True).iterator()
    with (
        engine().bulk_load(),
        tqdm(total=stored, desc="index", unit=" bài", file=sys.stderr, disable=verbosity < 1) as bar,
    ):
        indexing.index_articles(ids, progress=bar.update)
    indexing.forget_queued(covered)
    indexing.drain()  # what was queued while the rebuild ran
    return stored


class Command(BaseCommand):
    help = "Index what is queued, then check every document against the database and repair it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-verify", action="store_true", help="only index what is queued (skip the full comparison)"
        )

    def handle(self, *args, verbosity, no_verify=False, **options):
        be = engine()
        be.setup()  # creates an empty index where there is none
        stored = Article.objects.count()
        indexed = be.doc_count()
        if stored and not indexed:
            self.stdout.write(f"Index holds 0 of {stored} articles: rebuilding.")
            rebuild(stdout=self.stdout, verbosity=verbosity)
            self.stdout.write(f"Indexed {stored} articles.")
            return
        queued = indexing.pending_count()
        if queued:
            self.stdout.write(f"{queued} articles queued for the index: indexing them.")
            indexing.drain()
        if no_verify:
            return
        diff = indexing.verify()
        if diff.in_step:
            if verbosity > 1:
                self.stdout.write(f"Index in step: {diff.checked} articles, contents verified.")
            return
        self.stdout.write(f"Index out of step with the database ({diff}): repairing.")
        if len(diff.missing) + len(diff.stale) > stored // 2:
            rebuild(stdout=self.stdout, verbosity=verbosity)
        else:
            indexing.index_articles([*diff.missing, *diff.stale, *diff.extra])
        after = indexing.verify()
        if not after.in_step:
            raise RuntimeError(f"index still out of step after repair: {after}")
        self.stdout.write(f"Repaired: index in step with {after.checked} articles.")
