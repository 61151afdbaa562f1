import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

from config.health import check_static_manifest  # noqa: E402  (needs the settings loaded above)

check_static_manifest()  # a missing manifest stops the start, loud, instead of 500 on every page
