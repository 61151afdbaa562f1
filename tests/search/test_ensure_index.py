import io

import pytest
from django.core.management import call_command

from archive.models import Article
from search import indexing

pytestmark = pytest.mark.django_db


def _ensure() -> str:
    out = io.StringIO()
    call_command("ensure_index", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _indexed() -> int:
    return indexing.backend().index.refresh().doc_count()


def test_ensure_index_rebuilds_a_lost_index_and_then_does_nothing(seeded):
    assert _indexed() == 5
    indexing.backend().clear()
    assert _indexed() == 0
    assert "Index holds 0 of 5 articles: rebuilding." in _ensure()
    assert _indexed() == Article.objects.count() == 5
    assert _ensure() == ""


def test_ensure_index_rebuilds_an_index_written_in_an_older_format(seeded, monkeypatch):
    """After an upgrade that changes analysis (search.analysis.INDEX_FORMAT), `make run`'s
    ensure_index finds every document stale and rebuilds, with no one having to remember to."""
    from search import analysis

    assert _ensure() == ""
    monkeypatch.setattr(analysis, "INDEX_FORMAT", analysis.INDEX_FORMAT + " next")
    out = _ensure()
    assert "Index out of step with the database (0 missing, 5 stale, 0 extra): repairing." in out
    assert "Repaired: index in step with 5 articles." in out
    assert _ensure() == ""
