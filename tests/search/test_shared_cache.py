"""Issue 11, "Load": a search result computed by one worker is reused by the others through the
"results" cache (Redis), and no entry outlives a change of the index."""

from __future__ import annotations

import os

import pytest
import redis
from django.core.cache import caches

from search import docsets, indexing, shared_cache
from search.analysis import parse_query

REDIS = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_results(settings):
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {REDIS}: .ci/run starts it")
        pytest.skip(f"Redis is not answering at {REDIS} (CI starts it)")
    settings.CACHES = {
        **settings.CACHES,
        "results": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"test-shared-{os.getpid()}",
        },
    }
    caches[shared_cache.ALIAS].clear()
    yield caches[shared_cache.ALIAS]
    caches[shared_cache.ALIAS].clear()


def test_a_result_is_shared_between_workers_until_the_index_changes(seeds, redis_results, monkeypatch):
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
