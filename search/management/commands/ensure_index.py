"""Make sure the search index holds every article: build it when missing or out of step.

`make run` calls this after ingest, so a deleted or never-built index (a fresh checkout with an
existing database, a moved WHOOSH_PATH) is rebuilt, while an index in step costs one count.
"""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from archive.models import Article
from search import indexing


class Command(BaseCommand):
    help = "Index every article if the index is missing or its document count differs from the database."

    def handle(self, *args, verbosity, **options):
        backend = indexing.backend()
        stored = Article.objects.count()
        if not backend.setup_complete:
            backend.setup()  # creates an empty index where there is none
        indexed = backend.index.refresh().doc_count()
        if indexed == stored:
            if verbosity > 1:
                self.stdout.write(f"Index in step: {indexed} articles.")
            return
        self.stdout.write(f"Index holds {indexed} of {stored} articles: rebuilding.")
        backend.clear()
        ids = Article.objects.order_by("pk").values_list("pk", flat=True).iterator()
        with tqdm(total=stored, desc="index", unit=" bài", file=sys.stderr, disable=verbosity < 1) as bar:
            indexing.index_articles(ids, progress=bar.update)
        self.stdout.write(f"Indexed {stored} articles.")
