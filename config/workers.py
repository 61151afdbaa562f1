"""gunicorn's threaded worker, telling each request when it reached the server (issue #21).

gunicorn's gthread worker hands every readable connection to a pool of `threads` threads. When they
are all busy, a request waits in the pool's queue, where the load-shedding middleware cannot see it:
its DJANGO_QUEUE_TIMEOUT clock started only once a thread took the request, and a shed request was
answered 1.8 s (median) after it was sent, with a timeout of 0.4 s. This worker stamps each request
when its connection is handed to the pool (accepted, or readable again on a kept-alive connection);
`LoadShedMiddleware` counts the wait from there, so a request that has already waited its queue
timeout is answered 503 at once.

A 503 also closes its connection. With keep-alive, each client stays on the worker that accepted it:
a worker that happened to take more of the clients queues longer and sheds more while the other
has room. Closed after a 503, the client's next request is a new connection, accepted by whichever
worker gets to it first: the less busy one (issue #21).
"""

from __future__ import annotations

import threading
import time

from gunicorn.workers.gthread import ThreadWorker

_serving = threading.local()


def arrived_at() -> float | None:
    """When the request this thread serves reached the server (`time.monotonic()`), or None when
    not served by this worker (tests, runserver)."""
    return getattr(_serving, "arrived", None)


class StampedThreadWorker(ThreadWorker):
    def enqueue_req(self, conn):
        conn.danvan_arrived = time.monotonic()
        super().enqueue_req(conn)

    def load_wsgi(self):
        super().load_wsgi()
        app = self.wsgi

        def closing_when_shed(environ, start_response):
            def start(status, headers, exc_info=None):
                if status.startswith("503"):
                    response = getattr(start_response, "__self__", None)  # gunicorn's Response
                    if response is not None and hasattr(response, "force_close"):
                        response.force_close()
                return start_response(status, headers, exc_info)

            return app(environ, start)

        self.wsgi = closing_when_shed

    def handle_request(self, req, conn):
        _serving.arrived = getattr(conn, "danvan_arrived", None)
        try:
            return super().handle_request(req, conn)
        finally:
            _serving.arrived = None
