"""Production: every secret from the environment, no silent fallback, HTTPS unless told otherwise.

The documented production environment (README, "Production"):
    DJANGO_SECRET_KEY=<50+ random characters>   DJANGO_ALLOWED_HOSTS=archive.example.vn
    DJANGO_BEHIND_TLS_PROXY=1   (nginx/Caddy terminates TLS and sets X-Forwarded-Proto: https)
`python manage.py check --deploy --settings=config.settings.prod` then prints no warning.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

DEBUG = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

# HTTPS. DJANGO_HTTPS=0 only for a private, plain-HTTP deployment (check --deploy then warns).
HTTPS = env.bool("DJANGO_HTTPS", default=True)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool(
    "DJANGO_HSTS_PRELOAD", default=HTTPS
)  # the header only; submitting is a choice
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto (only set this when the proxy strips
# the header from client requests, as nginx's `proxy_set_header X-Forwarded-Proto $scheme` does).
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env.bool("DJANGO_USE_X_FORWARDED_HOST", default=False)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# /healthz answers the proxy's and the orchestrator's plain-HTTP probes without a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
