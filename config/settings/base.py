"""Settings shared by every environment; values come from the environment (django-environ)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # local state of the embedded default: SQLite file and Whoosh index

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default=None)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "search",  # before haystack: its rebuild_index/update_index replace Haystack's (bulk path)
    "haystack",
    "simple_history",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.health.StaticFilesMiddleware",  # WhiteNoise (gunicorn serves static files), not the manifest
    "django.contrib.sessions.middleware.SessionMiddleware",
    "archive.middleware.LanguageFromSwitchMiddleware",  # Vietnamese unless the header switch says English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "archive.middleware.DatabaseBusyMiddleware",  # "database is locked" → 503 with a clear message
    "config.health.IndexUnavailableMiddleware",  # an unreadable search index → 503 with the reason
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    # SQLite is the embedded default; DATABASE_URL=postgres://... switches to PostgreSQL.
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers and an ingest write at once (docs/index-integrity.md): WAL lets
    # readers run beside the writer; IMMEDIATE takes the write lock when a transaction begins, so
    # a waiting writer queues on the busy timeout instead of failing at its first write; the
    # timeout covers the longest write we make (an ingest batch of 500 articles, a few seconds).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=30),
        }
    )
# Keep a worker's connection between requests (a new PostgreSQL connection per page cost more than
# the page's queries in bench/pages_bench.py); checked before reuse.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica of the PostgreSQL database (a hot standby): with SEARCH_ENGINE=postgres, searches
# are read there; everything else (writes, the admin, the index lock) stays on "default"
# (docs/search-engines.md). In tests the alias mirrors the test database.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True, TEST={"MIRROR": "default"}
    )
SEARCH_READ_DATABASE = "replica" if "replica" in DATABASES else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Pages in Vietnamese, English through the header's switch (locale/en). The project's own
# Vietnamese (locale/vi) covers what Django's admin and django-simple-history leave in English.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The browse pages cache their counts (archive.selectors). A file cache is shared by gunicorn's
# workers and by `manage.py ingest`, so a write anywhere invalidates them everywhere.
# One entry per province, year, month, official page and fragment: room for all of them at 100k articles.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}?max_entries=50000")}

# The search engine (issue #18, docs/search-engines.md): "whoosh", an index folder on this machine
# (the default), or "postgres", the index in the archive's PostgreSQL database (DATABASE_URL), which
# several web machines can share.
SEARCH_ENGINE = env.str("SEARCH_ENGINE", default="whoosh")
WHOOSH_PATH = env.path("WHOOSH_PATH", default=str(VAR_DIR / "whoosh_index"))
HAYSTACK_CONNECTIONS = {
    "default": {
        # The Whoosh engine's backend; with SEARCH_ENGINE=postgres a connection that only loads
        # search_indexes.py (search/engines/haystack.py: SearchQuerySet is not offered either way).
        "ENGINE": (
            "search.engines.whoosh.backend.VietnameseWhooshEngine"
            if SEARCH_ENGINE == "whoosh"
            else "search.engines.haystack.IndexOnlyEngine"
        ),
        "PATH": str(WHOOSH_PATH),
        # Bulk writes (ingest, rebuild) fork this many segment writers: the machine has 2 cores.
        "PROCS": env.int("WHOOSH_PROCS", default=2),
    },
}
# One indexed model: the per-query django_ct narrowing search is pure cost (FIELD-NOTES).
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20
HAYSTACK_SIGNAL_PROCESSOR = "search.signals.ArticleSignalProcessor"
# --- The index queue (docs/index-integrity.md, issue #16 finding 4) ------------------------------
# A save commits its article to the queue and answers at once; `manage.py index_worker` (started by
# `make run` beside gunicorn; its own service in production) drains the queue continuously.
# INDEX_DRAIN_ON_COMMIT=1 makes the saving process drain its own change on commit instead (tests).
INDEX_DRAIN_ON_COMMIT = env.bool("INDEX_DRAIN_ON_COMMIT", default=False)
INDEX_WORKER_POLL = env.float("INDEX_WORKER_POLL", default=0.5)  # seconds between looks at the queue
# /healthz says "degraded" when the oldest queued change waits longer than this (seconds).
INDEX_QUEUE_DEGRADED_SECONDS = env.float("INDEX_QUEUE_DEGRADED_SECONDS", default=60)
# The editor's success message says when the change will be searchable once the queue is this far
# behind (seconds).
INDEX_QUEUE_NOTICE_SECONDS = env.float("INDEX_QUEUE_NOTICE_SECONDS", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused permission (403) is a line in the log, not a traceback (issue #19, item 6).
    "filters": {"no_403_traceback": {"()": "config.logfilters.No403Traceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_403_traceback"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

# --- Ingest limits (issue 11): each is named in the error that enforces it -----------------------
INGEST_LIMITS = {
    "MAX_FILE_BYTES": env.int("INGEST_MAX_FILE_BYTES", default=20_000_000),  # one .txt/.html file
    "MAX_LINE_BYTES": env.int("INGEST_MAX_LINE_BYTES", default=5_000_000),  # one line of a .jsonl(.gz)
    "MAX_DECOMPRESSED_BYTES": env.int("INGEST_MAX_DECOMPRESSED_BYTES", default=8_000_000_000),
    "MAX_GZIP_RATIO": env.int("INGEST_MAX_GZIP_RATIO", default=100),  # real exports compress 3–8×
    "MAX_HTML_DEPTH": env.int("INGEST_MAX_HTML_DEPTH", default=256),  # nested elements
    # Issue 16: bounds on every shape of input, not only on its size
    "MAX_HTML_ELEMENTS": env.int("INGEST_MAX_HTML_ELEMENTS", default=50_000),  # start tags in a page
    "MAX_TEXT_CHARS": env.int("INGEST_MAX_TEXT_CHARS", default=300_000),  # one article's text
    "MAX_FILE_SECONDS": env.int("INGEST_MAX_FILE_SECONDS", default=60),  # extracting one file or line
}

# --- Hardening (issue 11): read-only API methods, CSP, Permissions-Policy, login throttling -------
INSTALLED_APPS += ["csp", "axes"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"), "archive.http.ApiMethodMiddleware"
)
MIDDLEWARE.insert(  # after WhiteNoise: static files are never shed
    MIDDLEWARE.index("config.health.StaticFilesMiddleware") + 1, "config.health.LoadShedMiddleware"
)
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "config.health.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
# The site's own pages use no inline script or <style>; the bar charts set a width in a style
# attribute, which style-src-attr allows (nothing else inline).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one user name, or from one address,
# that name or address is refused (HTTP 429) for AXES_COOLOFF_TIME, even with the right password.
# Behind a TLS proxy, DJANGO_TRUST_X_FORWARDED_FOR=1 takes the client's address from the proxy's
# X-Forwarded-For (otherwise every client would share the proxy's address).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After a login whose `next=` is refused (another site), land on the admin, not Django's
# /accounts/profile/ (a 404 here; issue #16, finding 9).
LOGIN_REDIRECT_URL = "admin:index"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "config.health.client_ip"
TRUST_X_FORWARDED_FOR = env.bool("DJANGO_TRUST_X_FORWARDED_FOR", default=False)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Load shedding (config.health.LoadShedMiddleware, config.workers): one worker process runs at most
# MAX_ACTIVE_REQUESTS requests at once. Under gunicorn, a request predicted on arrival to wait more
# than QUEUE_TIMEOUT seconds for a slot is answered 503 with Retry-After at once; one let in waits at
# most QUEUE_LIMIT seconds (a wrong prediction's bound). Elsewhere a request waits QUEUE_TIMEOUT.
MAX_ACTIVE_REQUESTS = env.int("DJANGO_MAX_ACTIVE_REQUESTS", default=2)
QUEUE_TIMEOUT = env.float("DJANGO_QUEUE_TIMEOUT", default=0.7)  # answered p95 under 1 s (bench/README)
QUEUE_LIMIT = env.float("DJANGO_QUEUE_LIMIT", default=3 * QUEUE_TIMEOUT)

# --- Caches (issues 11 and 21) ----------------------------------------------------------------------
# "results": search results and pages shared by every worker (search/shared_cache.py). Redis when
# REDIS_URL is set (e.g. redis://127.0.0.1:6379/0: several machines share it); else the embedded
# default, a SQLite-backed cache on disk (diskcache) that every worker process of this machine shares
# (issue 21: with memory local to each process, 69% of repeats landed on a worker that had not seen
# them). Its folder holds nothing that cannot be recomputed; entries are keyed by the index version.
REDIS_URL = env("REDIS_URL", default="")
RESULTS_CACHE_DIR = env.path("RESULTS_CACHE_DIR", default=str(VAR_DIR / "results-cache"))
# "default" (set above) stays the file cache the browse pages' counts share across processes.
RESULTS_CACHE_EMBEDDED = {
    "BACKEND": "search.disk_cache.SharedDiskCache",
    "LOCATION": str(RESULTS_CACHE_DIR),
    "TIMEOUT": env.int("RESULTS_CACHE_SECONDS", default=3600),
    # 4 SQLite files in WAL mode: reads never wait for writes; writes to one file take turns
    # (a read that waits more than DATABASE_TIMEOUT seconds for a lock is a miss).
    "SHARDS": 4,
    "DATABASE_TIMEOUT": 0.05,
    # Least recently stored entries go first past this size (a page is 40-80 KB). Each thread of
    # each worker holds one connection per shard: 1 MiB of SQLite page cache each, not diskcache's
    # 32 MiB (the files are read through the shared page cache and mmap anyway).
    "OPTIONS": {"size_limit": env.int("RESULTS_CACHE_BYTES", default=512 * 2**20), "sqlite_cache_size": 256},
}
CACHES |= {
    "results": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("RESULTS_CACHE_PREFIX", default="danvan"),
            "TIMEOUT": env.int("RESULTS_CACHE_SECONDS", default=3600),
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
        if REDIS_URL
        else dict(RESULTS_CACHE_EMBEDDED)
    ),
}

from .harvest import HARVEST  # noqa: E402, F401 — settings per concern
