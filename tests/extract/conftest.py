"""Extraction tests: pure Python, no database. Registers the `corpus` marker."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "corpus: reads ../shared/corpus (skipped when it is missing)")
