"""Local use on the embedded default (SQLite + Whoosh under var/)."""

from .base import *  # noqa: F403
from .base import env

# Debug pages only when asked for (DJANGO_DEBUG=1 make run): they show settings and code to anyone.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A local-only key; prod refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-not-secret-dan-van-archive")
