"""Drain the index queue continuously: every save becomes searchable within seconds (issue #16).

Saves only queue their articles (docs/index-integrity.md); this process writes them to the index.
`make run` starts it beside gunicorn; in production run it as a service of its own (README). Stops
cleanly on SIGTERM or Ctrl+C after the round it is in; a killed worker loses nothing (the queue
rows are deleted only after the index commit). Two workers at once are safe, only useless.
"""

import os
import signal
import threading

from django.core.management.base import BaseCommand

from search import indexing


class Command(BaseCommand):
    help = "Index queued articles continuously (saves never write the index themselves)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="drain what is queued now, then exit")
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            help="seconds between looks at an empty queue (INDEX_WORKER_POLL)",
        )

    def handle(self, *args, once=False, poll=None, verbosity=1, **options):
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)

        def drained(count: int, seconds: float) -> None:
            if verbosity > 1:
                self.stdout.write(f"indexed {count} queued articles in {seconds:.2f} s")

        if verbosity > 0 and not once:
            self.stdout.write(f"index worker: draining the index queue (pid {os.getpid()})")
            self.stdout.flush()
        total = indexing.work(poll=poll, once=once, stop=stop, on_drain=drained)
        if verbosity > 0:
            self.stdout.write(f"index worker: {total} articles indexed, stopping.")
