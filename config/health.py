"""Production plumbing: /healthz, load shedding, static files, Permissions-Policy, the start-up
static check.

Lives in config (not archive or search) because it looks at both the database and the index.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from whitenoise.middleware import WhiteNoiseMiddleware

from config.workers import arrived_at, service_time, shed_at_door

EXEMPT_PATHS = ("/healthz", "/static/")
SEARCH_PATHS = ("/tim-kiem/", "/search/", "/api/search/")  # the pages that read the search index


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """{"status": "ok" | "degraded" | "error", "database": …, "index": …, "index_queue": …}.

    503 ("error") when the database does not answer or the index does not open. "degraded" (200:
    the site serves, search lags) when the oldest queued change has waited more than
    INDEX_QUEUE_DEGRADED_SECONDS, or the index worker's last drain failed with changes queued.
    """
    checks: dict[str, object] = {}
    reasons: list[str] = []
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as err:  # noqa: BLE001 — a health check reports, it does not raise
        checks["database"] = f"error: {type(err).__name__}"
    try:
        from search.engines import engine

        be = engine()
        checks["index_documents"] = be.doc_count()
        checks["index"] = "ok"
        status = be.status()
        checks.update(status)
        if status.get("index_writable") is False:
            reasons.append("index folder is read-only: searches use the last good index, changes stay queued")
    except Exception as err:  # noqa: BLE001
        checks["index"] = f"error: {type(err).__name__}"
    healthy = checks["database"] == "ok" and checks["index"] == "ok"
    if checks["database"] == "ok":
        reasons += _index_queue(checks)
    checks["status"] = "error" if not healthy else "degraded" if reasons else "ok"
    if reasons:
        checks["reasons"] = reasons
    checks["seconds"] = round(time.monotonic() - started, 3)
    return JsonResponse(checks, status=200 if healthy else 503)


def _index_queue(checks: dict) -> list[str]:
    """Add the index queue and the index worker to `checks`; return why search lags, if it does."""
    from archive.selectors import index_queue_status
    from search.indexing import worker_status

    reasons = []
    queue = index_queue_status()
    checks["index_queue"] = {"pending": queue.pending, "oldest_seconds": round(queue.oldest_seconds, 1)}
    limit = settings.INDEX_QUEUE_DEGRADED_SECONDS
    if queue.oldest_seconds > limit:
        reasons.append(f"index queue: oldest change waits {queue.oldest_seconds:.0f} s (limit {limit:.0f} s)")
    worker = worker_status()
    if worker is None:
        checks["index_worker"] = "not seen"
    else:
        checks["index_worker"] = {
            "pid": worker.get("pid"),
            "seen_seconds_ago": round(max(0.0, time.time() - worker.get("beat", 0)), 1),
            "error": worker.get("error"),
        }
        if worker.get("error") and queue.pending:
            reasons.append(f"index worker: last drain failed: {worker['error']}")
    return reasons


class LoadShedMiddleware:
    """At most MAX_ACTIVE_REQUESTS at once per process. Under gunicorn (config.workers) a request
    predicted on arrival to wait more than QUEUE_TIMEOUT for a slot is answered 503 at once, and
    one let in waits at most QUEUE_LIMIT from when it reached the worker (time spent waiting for a
    thread included), then gets 503. Elsewhere (runserver, tests) a request waits QUEUE_TIMEOUT.
    A 503 is a clear message (JSON under /api/) with Retry-After (issue #21)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.slots = threading.BoundedSemaphore(max(1, settings.MAX_ACTIVE_REQUESTS))
        self.timeout = settings.QUEUE_TIMEOUT
        self.limit = settings.QUEUE_LIMIT

    def __call__(self, request):
        if request.path.startswith(EXEMPT_PATHS):
            return self.get_response(request)
        if shed_at_door():
            return self.overloaded(request, reason="predicted-wait")
        arrived = arrived_at()
        left = self.timeout if arrived is None else self.limit - (time.monotonic() - arrived)
        if not self.slots.acquire(timeout=max(0.0, left)):
            return self.overloaded(request, reason="waited")
        started = time.monotonic()
        try:
            return self.get_response(request)
        finally:
            self.slots.release()
            service_time.add(time.monotonic() - started)

    def overloaded(self, request, *, reason: str):
        from django.http import HttpResponse

        message = (
            "Máy chủ đang quá tải, xin thử lại sau ít giây. (Server overloaded: retry in a few seconds.)"
        )
        if request.path.startswith("/api/"):
            from archive.http import json_error

            response = json_error(503, "server overloaded; retry after a few seconds")
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        response["X-Shed-Reason"] = reason  # refused on arrival, or after waiting its limit
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, except for collectstatic's manifest: staticfiles.json lists every static file
    with its hash and is for the server alone (issue #16, finding 9). It answers the site's 404."""

    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings=settings)
        manifest = getattr(settings, "STATICFILES_MANIFEST_NAME", "staticfiles.json")
        self.hidden = {self.static_prefix + manifest + suffix for suffix in ("", ".gz", ".br")}

    def __call__(self, request):
        if request.path_info in self.hidden:
            return self.get_response(request)
        return super().__call__(request)


class IndexUnavailableMiddleware:
    """A search index that cannot be read (folder unreadable, files missing or damaged) answers 503
    "temporarily unavailable" with the reason, not 500 (issue #16, finding 5). The reason names the
    error's kind, never a server path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith(SEARCH_PATHS):
            return None
        from search.engines import engine

        if not isinstance(exception, engine().unavailable_errors):
            return None
        import logging

        logging.getLogger(__name__).error(
            "search index unavailable: %s %s", request.method, request.path, exc_info=exception
        )
        reason = f"the search index cannot be read ({type(exception).__name__})"
        if request.path.startswith("/api/"):
            from archive.http import json_error

            response = json_error(503, f"search temporarily unavailable: {reason}; retry later")
        else:
            from django.http import HttpResponse

            response = HttpResponse(
                "Tìm kiếm tạm thời không dùng được: không đọc được chỉ mục tìm kiếm "
                f"({type(exception).__name__}). Xin thử lại sau ít phút. "
                f"(Search is temporarily unavailable: {reason}. Please try again in a few minutes.)",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        response["Retry-After"] = "30"
        return response


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response


def client_ip(request: HttpRequest) -> str:
    """The client's address: the last X-Forwarded-For hop when a trusted TLS proxy adds it."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def check_static_manifest() -> None:
    """Refuse to start when static files are served from a manifest that collectstatic never wrote:
    otherwise every page (even the 404) answers 500, one request at a time."""
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage, staticfiles_storage

    storage = staticfiles_storage._wrapped if hasattr(staticfiles_storage, "_wrapped") else None
    if storage is None or not hasattr(storage, "manifest_name"):
        staticfiles_storage._setup()
        storage = staticfiles_storage._wrapped
    if not isinstance(storage, ManifestStaticFilesStorage) or settings.DEBUG:
        return
    if not storage.exists(storage.manifest_name):
        raise ImproperlyConfigured(
            f"static files: {storage.path(storage.manifest_name)} is missing; "
            "run `python manage.py collectstatic` before starting the server (make serve does)."
        )
    missing = [name for name in ("css/site.css",) if name not in storage.hashed_files]
    if missing:
        raise ImproperlyConfigured(
            f"static files: {', '.join(missing)} not in the manifest; run `python manage.py collectstatic`."
        )
