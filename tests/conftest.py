import io
from pathlib import Path

import pytest
from django.core.management import call_command

from archive import services

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPUS = ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"


def run_ingest(*args: str) -> tuple[str, str]:
    """Run the ingest command as a user would; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test's database starts empty: so do the cached counts of the browse pages, and the
    shared search results and pages."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["results"].clear()


@pytest.fixture
def provinces(db):
    services.provinces_load()


@pytest.fixture
def empty_index():
    """The test run's Whoosh index, emptied: the database of each test starts empty too."""
    from search import indexing

    indexing.backend().clear()


def ingest_seeds() -> dict:
    """Ingest (and index) the five seeds through the real command; the articles by file prefix."""
    from archive.models import Article

    run_ingest(str(SEEDS))
    names = [path.name for path in SEEDS.glob("*.txt")]
    return {a.source_file[:3]: a for a in Article.objects.filter(source_file__in=names)}


@pytest.fixture
def seeded(db, empty_index):
    """The five seed articles, ingested and indexed, alone: {"000": Article, …}."""
    return ingest_seeds()
