"""python manage.py reextract — run today's extraction again on every stored article's raw input.

After a change to the rules (issue #20: canonical positions, dates, meeting kinds), the articles
already stored are brought up to date the way a re-ingest of unchanged files would: fields an editor
changed in the admin (`Article.edited_fields`) are never overwritten. Each batch is one transaction;
an article whose stored input no longer extracts is reported by name and left as it was.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries
from tqdm import tqdm

from archive import services
from archive.extract.inputs import show
from archive.models import Article


class Command(BaseCommand):
    help = "Re-run extraction on the stored raw input of every article (fields edited in the admin are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--province", help="only articles of this province (slug), e.g. long-an")
        parser.add_argument("--no-index", action="store_true", help="do not update the search index")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, batch_size, province, no_index, no_progress, verbosity, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        articles = Article.objects.order_by("pk")
        if province:
            articles = articles.filter(province__slug=province)
            if not articles.exists():
                raise CommandError(f"no article of province {province!r}")
        ids = list(articles.values_list("pk", flat=True))
        show_progress = not no_progress and verbosity > 0
        started = time.monotonic()
        totals = services.ReextractResult()
        fields: Counter[str] = Counter()
        with (
            _suspended_indexing(),
            tqdm(
                total=len(ids), desc="reextract", unit=" bài", disable=not show_progress, file=sys.stderr
            ) as bar,
        ):
            for start in range(0, len(ids), batch_size):
                chunk = ids[start : start + batch_size]
                result = services.articles_reextract(articles=Article.objects.filter(pk__in=chunk))
                totals.updated += result.updated
                totals.unchanged += result.unchanged
                fields.update(result.fields)
                for failure in result.failed:
                    totals.failed.append(failure)
                    self.stderr.write(f"FAILED {show(failure)}")
                bar.update(len(chunk))
                reset_queries()
        if not no_index:
            self._index(show_progress=show_progress)
        elapsed = time.monotonic() - started
        changed = ", ".join(f"{name} {n}" for name, n in fields.most_common()) or "none"
        self.stdout.write(
            f"{totals.updated} updated, {totals.unchanged} unchanged, {len(totals.failed)} failed "
            f"({len(ids)} articles in {elapsed:.1f} s); fields changed: {changed}"
        )
        if totals.failed:
            raise CommandError(f"{len(totals.failed)} article(s) failed; see the messages above")

    def _index(self, *, show_progress):
        from search.indexing import drain_shown

        drain_shown(show_progress=show_progress)


def _suspended_indexing():
    from search.indexing import suspended

    return suspended()
