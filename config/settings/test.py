"""Test settings: real database (SQLite or DATABASE_URL), a fresh Whoosh directory per run."""

import tempfile

from .base import *  # noqa: F403
from .base import HAYSTACK_CONNECTIONS

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
WHOOSH_PATH = tempfile.mkdtemp(prefix="danvan-whoosh-")
HAYSTACK_CONNECTIONS["default"]["PATH"] = WHOOSH_PATH
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
