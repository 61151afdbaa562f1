"""The pages are Vietnamese unless the reader picks English with the header's switch."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageFromSwitchMiddleware(LocaleMiddleware):
    """LocaleMiddleware without the browser's Accept-Language: only the switch's cookie counts,
    so a reader whose browser asks for English still lands on the Vietnamese archive (issue #9)."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
