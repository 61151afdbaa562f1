"""gunicorn's threaded worker, telling each request when it reached the server (issue #21).

gunicorn's gthread worker hands every readable connection to a pool of `threads` threads. When they
are all busy, a request waits in the pool's queue, where the load-shedding middleware cannot see it:
its DJANGO_QUEUE_TIMEOUT clock started only once a thread took the request, and a shed request was
answered 1.8 s (median) after it was sent, with a timeout of 0.4 s. This worker stamps each request
when its connection is handed to the pool (accepted, or readable again on a kept-alive connection);
`LoadShedMiddleware` counts the wait from there, so a request that has already waited its queue
timeout is answered 503 at once.

Shedding at the door. A fixed queue timeout sheds whatever waited longer than it, after the wait:
with 50 clients at ~150 requests/s, the average wait is already ~0.33 s (Little's law), so a 0.4 s
timeout shed the tail (10% of requests), each after 0.4 s. Instead, when a request reaches the worker,
its wait is predicted from what is ahead of it: the requests this worker already holds beyond its
MAX_ACTIVE_REQUESTS slots, times the time a request holds a slot (a moving average kept by the
middleware), divided by the slots. A request predicted to wait more than DJANGO_QUEUE_TIMEOUT is
answered 503 at once, by a thread of its own that does nothing else (it never queues behind the
work it was refused for); the others are let in, and wait at most DJANGO_QUEUE_LIMIT (a bound for a
wrong prediction, e.g. a request that suddenly holds its slot for seconds).

A 503 also closes its connection. With keep-alive, each client stays on the worker that accepted it:
a worker that happened to take more of the clients queues longer and sheds more while the other
has room. Closed after a 503, the client's next request is a new connection, accepted by whichever
worker gets to it first: the less busy one (issue #21).
"""

from __future__ import annotations

import threading
import time
from concurrent import futures

from gunicorn.workers.gthread import ThreadWorker

_serving = threading.local()


class ServiceTime:
    """A moving average of the seconds a request holds its slot, in this process."""

    WEIGHT = 0.02  # about the last 50 requests: the mix of 2 ms and 200 ms requests averaged out

    def __init__(self) -> None:
        self.seconds = 0.0
        self.lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self.lock:
            self.seconds += self.WEIGHT * (seconds - self.seconds)


service_time = ServiceTime()


def predicted_wait(ahead: int, slots: int) -> float:
    """Seconds a request arriving behind `ahead` others (running or waiting) will wait for one of
    `slots` slots."""
    return max(0, ahead - slots + 1) * service_time.seconds / max(1, slots)


def shed_at_door() -> bool:
    """Whether this thread serves a request the worker refused on arrival (answer 503 at once)."""
    return getattr(_serving, "shed", False)


def arrived_at() -> float | None:
    """When the request this thread serves reached the server (`time.monotonic()`), or None when
    not served by this worker (tests, runserver)."""
    return getattr(_serving, "arrived", None)


class StampedThreadWorker(ThreadWorker):
    def init_process(self):
        self.danvan_held = 0  # requests handed to the pool and not finished (main thread only)
        self.danvan_door = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="door")
        super().init_process()

    def load_wsgi(self):
        super().load_wsgi()
        from django.conf import settings

        self.danvan_slots = max(1, settings.MAX_ACTIVE_REQUESTS)
        self.danvan_budget = settings.QUEUE_TIMEOUT
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

    def enqueue_req(self, conn):
        conn.danvan_arrived = time.monotonic()
        conn.danvan_counted = False
        conn.danvan_shed = predicted_wait(self.danvan_held, self.danvan_slots) > self.danvan_budget
        if conn.danvan_shed:
            fs = self.danvan_door.submit(self.handle, conn)
            fs.add_done_callback(lambda fut: self.method_queue.defer(self.finish_request, conn, fut))
            return
        self.danvan_held += 1
        conn.danvan_counted = True
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        if getattr(conn, "danvan_counted", False):
            conn.danvan_counted = False
            self.danvan_held -= 1
        super().finish_request(conn, fs)

    def handle_request(self, req, conn):
        _serving.arrived = getattr(conn, "danvan_arrived", None)
        _serving.shed = getattr(conn, "danvan_shed", False)
        try:
            return super().handle_request(req, conn)
        finally:
            _serving.arrived = None
            _serving.shed = False
