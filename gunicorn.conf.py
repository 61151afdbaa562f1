"""gunicorn settings for the archive (`make serve` and `make serve-prod` use this file).

Every value can be overridden from the environment (GUNICORN_*), e.g. GUNICORN_WORKERS=8.
Searching is CPU-bound Python: one process per core runs searches side by side, and a few threads
per process keep slow clients and database waits from holding a core. Requests beyond
DJANGO_MAX_ACTIVE_REQUESTS per process wait their turn; one predicted on arrival to wait more than
DJANGO_QUEUE_TIMEOUT seconds gets 503 at once (config.workers, config.health.LoadShedMiddleware)
instead of queueing for seconds.
"""

import multiprocessing
import os

cores = multiprocessing.cpu_count()

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# One process per core (issue #21): searching is CPU-bound Python, and results are shared by every
# process through the results cache, so a second process per core added ~260 MiB and no throughput
# at 100,000 articles (bench/README.md, "Issue #21").
workers = int(os.environ.get("GUNICORN_WORKERS", cores))
worker_class = "config.workers.StampedThreadWorker"  # gthread, each request stamped on arrival
# More threads than DJANGO_MAX_ACTIVE_REQUESTS: the rest wait their turn, or get 503. Each thread
# holds its own search backend (Haystack's connections are per thread) and database connections:
# at 100,000 articles a worker took 259-283 MiB private memory after the load with 8 threads,
# 190-195 MiB with 4 (issue #21). Requests waiting for a thread are shed on time too (config.workers).
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # a worker stuck this long is restarted
graceful_timeout = 30
keepalive = 5
backlog = int(os.environ.get("GUNICORN_BACKLOG", 256))
# Recycle workers now and then (bounded memory over weeks), but not under load every minute: at
# 5,000 a worker restarted every 70 s of the load benchmark, 4.5 s of warm-up each (issue #21).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
preload_app = True  # a broken configuration (e.g. no static manifest) stops the start, once, loudly
limit_request_line = 8190
limit_request_fields = 100

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# %(M)s: request time in milliseconds; %(p)s: the worker's process id (which worker answered)
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" %(p)s'


def post_worker_init(worker):
    """Each worker opens the search index and builds one search page before it takes requests:
    the first search after a start, or after a recycle (max_requests), is not the one that waits
    for it (about 1 s at 100,000 articles). A failure here is logged; the worker still serves, and
    opens the index on demand."""
    try:
        import gc
        import time

        from archive.selectors import warm_up as warm_up_browse
        from archive.views import warm_up_home
        from search.engines import engine
        from search.views import warm_up_page

        started = time.perf_counter()
        warm_up_browse()
        engine().warm_up()
        warm_up_page()
        warm_up_home()
        # What the warm-up read (facet values and ids of every article: millions of objects) lives
        # as long as the index: out of the collector's sight, a full collection no longer walks it
        # in the middle of a request (pauses of about a second at 100,000 articles).
        gc.freeze()
        worker.log.info("search index opened, one page built in %.2f s", time.perf_counter() - started)
    except Exception:  # noqa: BLE001 — a missing index must not stop the site from serving pages
        worker.log.exception("search index warm-up failed")
