"""python manage.py harvest — gather outlets' articles from the web, politely (docs/harvesting.md)."""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive import services
from archive.harvest.run import Harvest, HarvestError, crawl
from archive.harvest.urls import canonical
from archive.models import Source


class Command(BaseCommand):
    help = "Harvest articles from the sources' feeds, sitemaps and listing pages (or from --url)."

    def add_arguments(self, parser):
        parser.add_argument("--source", action="append", default=[], help="a source's slug (repeatable)")
        parser.add_argument(
            "--url", action="append", default=[], help="a feed, sitemap, listing or article URL"
        )
        parser.add_argument("--max-pages", type=int, help="fetch at most this many pages this run")
        parser.add_argument(
            "--since", type=date.fromisoformat, help="skip articles published before YYYY-MM-DD"
        )
        parser.add_argument(
            "--delay", type=float, help="seconds between requests to a host (loopback only below 1)"
        )
        parser.add_argument("--loop", action="store_true", help="run again every HARVEST_LOOP_SECONDS")
        parser.add_argument("--no-index", action="store_true", help="do not update the search index")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--examples", action="store_true", help="add the shipped example sources (paused)"
        )

    def handle(
        self, *args, source, url, max_pages, since, delay, loop, no_index, no_progress, verbosity, **options
    ):
        from django.conf import settings

        services.provinces_load_if_empty()
        if options["examples"]:
            from archive.harvest.examples import load_examples

            added = load_examples()
            self.stdout.write(
                f"{added} example source(s) added, paused: review them in the admin, then activate"
            )
            return
        bad = [u for u in url if not canonical(u)]
        if bad:
            raise CommandError(f"not an http(s) address: {', '.join(bad)}")
        if max_pages is not None and max_pages < 1:
            raise CommandError("--max-pages must be at least 1")
        if source:
            found = {s.slug: s for s in Source.objects.filter(slug__in=source)}
            missing = [s for s in source if s not in found]
            if missing:
                raise CommandError(f"no such source: {', '.join(missing)} (see the admin, Nguồn thu thập)")
            sources = [found[s] for s in source]
        elif url:
            sources = []
        else:
            sources = list(Source.objects.filter(active=True).select_related("outlet"))
            if not sources:
                raise CommandError("no active source: add one in the admin, or give --url")
        show_progress = not no_progress and verbosity > 0
        state = {"failed": 0}

        def make() -> Harvest:
            bar = tqdm(
                desc="harvest", unit=" trang", disable=not show_progress, file=sys.stderr, mininterval=1
            )
            harvest = Harvest(
                sources=sources if (source or not url) else [],
                urls=url,
                max_pages=max_pages,
                since=since,
                delay=delay,
                progress=bar.update,
            )
            harvest.bar = bar
            return harvest

        def round_end(harvest: Harvest, finished: bool) -> None:
            harvest.bar.close()
            if not no_index:
                self._index(show_progress)
            summary = harvest.finish(ok=finished)
            self.stdout.write(summary)
            state["failed"] += harvest.counts["failed"]

        from search.indexing import suspended

        try:
            # Stored pages queue their articles (same transaction); each round indexes them at its end.
            with suspended():
                crawl(
                    make,
                    on_round_end=round_end,
                    verbosity=verbosity,
                    loop_seconds=settings.HARVEST["LOOP_SECONDS"] if loop else None,
                )
        except HarvestError as err:
            raise CommandError(str(err)) from None
        if state["failed"] and verbosity > 0:
            self.stderr.write(
                f"{state['failed']} page(s) failed: see Hàng đợi thu thập in the admin for each reason"
            )

    def _index(self, show_progress):
        from search.indexing import drain_shown

        drain_shown(show_progress=show_progress)
