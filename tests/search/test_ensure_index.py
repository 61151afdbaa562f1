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
