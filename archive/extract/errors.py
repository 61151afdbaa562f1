"""The one exception extraction raises for input that cannot be an article."""

from __future__ import annotations


class ExtractError(ValueError):
    """Content that cannot be an article; `str(err)` is the human-readable reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
