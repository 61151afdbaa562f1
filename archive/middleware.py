"""The pages are Vietnamese unless the reader picks English with the header's switch; a save the
database refuses (SQLite's write lock, a full disk) gets a clear answer, not a bare 500."""

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


NOT_SAVED_MESSAGE = (
    "Cơ sở dữ liệu không ghi được ({reason}). Thay đổi của bạn CHƯA được lưu; không có gì bị ghi dở. "
    "Hãy báo quản trị viên và thử lại sau. "
    "(The database could not write ({reason}). Your change was NOT saved, nothing was half-written; "
    "tell an administrator and try again later.)"
)


class DatabaseBusyMiddleware:
    """A write the database refused answers 503 saying the change was NOT saved, not a bare 500.

    "database is locked" (SQLite's busy timeout) gets BUSY_MESSAGE; any other OperationalError of a
    POST (disk full, I/O error, connection lost: issue #16, finding 5) gets NOT_SAVED_MESSAGE with
    the database's reason. Both are true because every write path runs in one transaction (the
    admin's change view is atomic), rolled back when the error reaches here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        if "locked" in str(exception).lower():
            log.error("database locked after the busy timeout: %s %s", request.method, request.path)
            message = BUSY_MESSAGE
        elif request.method == "POST":
            log.error("database write failed: %s %s", request.method, request.path, exc_info=exception)
            reason = (str(exception).strip().splitlines() or [type(exception).__name__])[0][:200]
            message = NOT_SAVED_MESSAGE.format(reason=reason)
        else:
            return None
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "30"
        return response
