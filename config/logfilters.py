"""Logging filters named in settings.LOGGING (imported while logging is configured: no Django)."""

import logging


class No403Traceback(logging.Filter):
    """Django logs a PermissionDenied with its traceback; a 403 is an answer, not a fault: keep the
    line ("Forbidden (Permission denied): /admin/auth/user/"), drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
