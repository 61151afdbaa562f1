"""The search tests run on the five seeds as the real ingest stores and indexes them."""

import pytest
from django.db import connection
from django.test import override_settings

from search import indexing
from search.engines import engine
from tests.conftest import ingest_seeds


def rebuild(ids=None) -> None:
    from archive.models import Article

    backend = indexing.backend()
    backend.clear()
    indexing.index_articles(ids if ids is not None else Article.objects.values_list("pk", flat=True))


@pytest.fixture
def seeds(seeded):
    """The seeds by file prefix ("000" … "004"), alone in a fresh index."""
    return seeded


@pytest.fixture
def reindex():
    """Clear the index and index every article in the database (or the ids given)."""
    return rebuild


@pytest.fixture
def seeds_committed(transactional_db, empty_index):
    """The seeds committed for real (for tests that write from several threads)."""
    return ingest_seeds()


@pytest.fixture
def postgres_seeds(db):
    """The seeds in the PostgreSQL engine's index, alone (skipped where the database is SQLite)."""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs DATABASE_URL=postgres://… (CI's PostgreSQL pass runs it)")
    with override_settings(SEARCH_ENGINE="postgres"):
        engine().clear()
        yield ingest_seeds()
