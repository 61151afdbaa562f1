"""Test settings: real database (SQLite or DATABASE_URL), a fresh Whoosh directory per run."""

import atexit
import shutil
import tempfile

from .base import *  # noqa: F403
from .base import HAYSTACK_CONNECTIONS, env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests

# A run's own index, removed when the run ends. WHOOSH_TEST_PATH names one to keep instead
# (the benchmark's --keep).
WHOOSH_PATH = env("WHOOSH_TEST_PATH", default=None)
if not WHOOSH_PATH:
    WHOOSH_PATH = tempfile.mkdtemp(prefix="danvan-whoosh-")
    atexit.register(shutil.rmtree, WHOOSH_PATH, ignore_errors=True)
HAYSTACK_CONNECTIONS["default"]["PATH"] = WHOOSH_PATH
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
