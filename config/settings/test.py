"""Test settings: real database (SQLite or DATABASE_URL), a fresh Whoosh directory per run."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, HAYSTACK_CONNECTIONS, env

SECRET_KEY = "test-only-not-secret"
# Tests see a save in search at once without an index worker: the saving process drains its own
# change on commit. The worker's own tests (tests/search/test_index_worker.py) turn this off.
INDEX_DRAIN_ON_COMMIT = env.bool("INDEX_DRAIN_ON_COMMIT", default=True)
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
# On PostgreSQL, a "replica" alias that mirrors the test database (a second connection to it):
# tests/search/test_postgres_replica.py routes the engine's reads there. Searches read from
# "default" unless a test says otherwise.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and "replica" not in DATABASES:
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
SEARCH_READ_DATABASE = "default"

# A run's own index, removed when the run ends. WHOOSH_TEST_PATH names one to keep instead
# (the benchmark's --keep).
WHOOSH_PATH = env("WHOOSH_TEST_PATH", default=None)
if not WHOOSH_PATH:
    WHOOSH_PATH = tempfile.mkdtemp(prefix="danvan-whoosh-")

    def _remove_index(path: str = WHOOSH_PATH, owner: int = os.getpid()) -> None:
        if os.getpid() == owner:  # forked index workers never delete their parent's index
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(_remove_index)
HAYSTACK_CONNECTIONS["default"]["PATH"] = WHOOSH_PATH
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Test runs on one machine share its Redis (REDIS_URL, as CI sets it): one key space per run.
if CACHES["results"]["BACKEND"].endswith("RedisCache"):
    CACHES["results"]["KEY_PREFIX"] = f"test-{os.getpid()}-{os.path.basename(WHOOSH_PATH)}"
elif "RESULTS_CACHE_DIR" not in os.environ:  # the embedded shared cache: a run's own folder
    CACHES["results"]["LOCATION"] = tempfile.mkdtemp(prefix="danvan-results-")

    def _remove_results(path: str = CACHES["results"]["LOCATION"], owner: int = os.getpid()) -> None:
        if os.getpid() == owner:
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(_remove_results)
# One process (and the live server's thread): the per-process memory cache is shared by both.
CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "danvan-test"}
