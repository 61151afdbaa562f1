"""Settings for the load-shedding test: the archive's test settings, with /slow/ and /fast/ added
to its URLs (tests/serving/slow_urls.py). Served by the real gunicorn with gunicorn.conf.py."""

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "tests.serving.slow_urls"
