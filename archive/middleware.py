"""The pages are Vietnamese unless the reader picks English with the header's switch; a save that still
cannot get SQLite's write lock gets a clear answer, not a bare 500."""

import logging

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
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


log = logging.getLogger(__name__)

BUSY_MESSAGE = (
    "Cơ sở dữ liệu đang bận: một lần ghi khác (ví dụ một đợt nhập bài) giữ khóa lâu hơn thời gian chờ. "
    "Thay đổi của bạn CHƯA được lưu. Hãy thử lại sau ít phút. "
    "(The database is busy: another write held the lock longer than the busy timeout. "
    "Your change was NOT saved; please try again in a minute.)"
)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and "locked" in str(exception).lower():
            log.error("database locked after the busy timeout: %s %s", request.method, request.path)
            response = HttpResponse(BUSY_MESSAGE, status=503, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = "30"
            return response
        return None
