"""gunicorn settings for the archive (`make serve` and `make serve-prod` use this file).

Every value can be overridden from the environment (GUNICORN_*), e.g. GUNICORN_WORKERS=8.
Searching is CPU-bound Python: one process per core runs searches side by side, and a few threads
per process keep slow clients and database waits from holding a core. Requests beyond
DJANGO_MAX_ACTIVE_REQUESTS per process wait at most DJANGO_QUEUE_TIMEOUT seconds, then get 503
(config.health.LoadShedMiddleware) instead of queueing for seconds.
"""

import multiprocessing
import os

cores = multiprocessing.cpu_count()

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * cores))
worker_class = "gthread"
# more threads than DJANGO_MAX_ACTIVE_REQUESTS: the rest wait their turn, or get 503
threads = int(os.environ.get("GUNICORN_THREADS", 8))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # a worker stuck this long is restarted
graceful_timeout = 30
keepalive = 5
backlog = int(os.environ.get("GUNICORN_BACKLOG", 256))
max_requests = 5000  # recycle workers now and then: bounded memory over weeks
max_requests_jitter = 500
preload_app = True  # a broken configuration (e.g. no static manifest) stops the start, once, loudly
limit_request_line = 8190
limit_request_fields = 100

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# %(M)s: request time in milliseconds
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'


def post_worker_init(worker):
    """Each worker opens the search index and builds one search page before it takes requests:
    the first search after a start, or after a recycle (max_requests), is not the one that waits
    for it (about 1 s at 100,000 articles). A failure here is logged; the worker still serves, and
    opens the index on demand."""
    try:
        import gc
        import time

        from search.engines import engine
        from search.views import warm_up_page

        started = time.perf_counter()
        engine().warm_up()
        warm_up_page()
        # What the warm-up read (facet values and ids of every article: millions of objects) lives
        # as long as the index: out of the collector's sight, a full collection no longer walks it
        # in the middle of a request (pauses of about a second at 100,000 articles).
        gc.freeze()
        worker.log.info("search index opened, one page built in %.2f s", time.perf_counter() - started)
    except Exception:  # noqa: BLE001 — a missing index must not stop the site from serving pages
        worker.log.exception("search index warm-up failed")
