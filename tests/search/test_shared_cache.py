"""A search result computed by one worker process is reused by the others through the "results"
cache (issue 11 with Redis; issue 21 without: the embedded default, shared on disk), and no entry
outlives a change of the index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches

from search import indexing, shared_cache
from search.analysis import parse_query
from search.engines.whoosh import docsets

REDIS = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[2]


def _redis_alias() -> dict:
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {REDIS}: .ci/run starts it")
        pytest.skip(f"Redis is not answering at {REDIS} (CI starts it)")
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS,
        "KEY_PREFIX": f"test-shared-{os.getpid()}",
    }


@pytest.fixture(params=["embedded", "redis"])
def shared_results(request, settings, tmp_path):
    """The "results" alias as production configures it: without REDIS_URL (the embedded default,
    from config.settings.base) in a folder of this test's own, or Redis."""
    if request.param == "embedded":
        alias = {**django_settings.RESULTS_CACHE_EMBEDDED, "LOCATION": str(tmp_path / "results")}
    else:
        alias = _redis_alias()
    settings.CACHES = {**settings.CACHES, "results": alias}
    caches[shared_cache.ALIAS].clear()
    yield alias
    caches[shared_cache.ALIAS].clear()


def test_a_result_is_shared_between_workers_until_the_index_changes(seeds, shared_results, monkeypatch):
    be = indexing.backend()
    query = parse_query("dân vận khéo")
    first = be.article_search(query, per_page=20, facets=("year",))
    assert first.total == 5

    # Another worker: its own memory is empty and the index must not be searched.
    be._results.clear()

    def no_search(*args, **kwargs):
        raise AssertionError("searched the index instead of using the shared result")

    monkeypatch.setattr(docsets, "evaluate", no_search)
    again = be.article_search(query, per_page=20, facets=("year",))
    assert [h.pk for h in again.hits] == [h.pk for h in first.hits] and again.facets == first.facets
    monkeypatch.undo()

    indexing.remove_articles([seeds["003"].pk])  # a commit: a new index version, a new key
    be._results.clear()
    after = be.article_search(query, per_page=20, facets=("year",))
    assert after.total == 4 and seeds["003"].pk not in [h.pk for h in after.hits]


CHILD = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from search import indexing
    from search.engines.whoosh import docsets
    from search.analysis import parse_query

    def no_search(*args, **kwargs):
        raise AssertionError("the other process searched the index")

    docsets.evaluate = no_search
    outcome = indexing.backend().article_search(parse_query("dân vận khéo"), per_page=20, facets=("year",))
    print(json.dumps({"total": outcome.total, "pks": [h.pk for h in outcome.hits], "facets": outcome.facets}))
    """
)


def test_another_process_is_answered_from_the_embedded_cache_without_redis(seeds, settings, tmp_path):
    """What a gunicorn worker computed, another worker process reads: a real second process with
    the settings `make run` uses when REDIS_URL is unset, on the same index and cache folder."""
    folder = tmp_path / "results"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        WHOOSH_TEST_PATH=django_settings.HAYSTACK_CONNECTIONS["default"]["PATH"],
        RESULTS_CACHE_DIR=str(folder),
    )
    child = [sys.executable, "-c", CHILD]
    # Before this process searched, the other one has nothing to read: it would have to search.
    before = subprocess.run(child, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert before.returncode != 0 and "the other process searched the index" in before.stderr

    embedded = {**django_settings.RESULTS_CACHE_EMBEDDED, "LOCATION": str(folder)}
    settings.CACHES = {**settings.CACHES, "results": embedded}
    first = indexing.backend().article_search(parse_query("dân vận khéo"), per_page=20, facets=("year",))
    assert first.total == 5

    after = subprocess.run(child, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert after.returncode == 0, after.stderr
    shared = json.loads(after.stdout)
    assert shared["total"] == 5
    assert shared["pks"] == [h.pk for h in first.hits]
    assert shared["facets"] == {k: [list(v) for v in vs] for k, vs in first.facets.items()}
