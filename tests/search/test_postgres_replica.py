"""The PostgreSQL engine reads searches from a read replica when one is configured
(DATABASE_REPLICA_URL, issue #18: several web machines share one primary and its replicas).

No standby can be made on this machine (pg_hba.conf has no replication entry, wal_level is
`replica` without a slot to spare for tests), so the "replica" here is a second connection to the
same test database (config/settings/test.py): what is checked is the routing (every search statement and the version through
the replica's connection, every write through the primary's) and that answers are the same."""

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from search import indexing
from search.engines import engine
from search.query import build_plan
from tests.conftest import ingest_seeds

pytestmark = pytest.mark.skipif(
    "replica" not in settings.DATABASES,
    reason="the PostgreSQL engine needs DATABASE_URL=postgres://… (CI's PostgreSQL pass runs it)",
)


@pytest.fixture
def replica():
    with override_settings(SEARCH_ENGINE="postgres"):
        engine().clear()
        yield ingest_seeds()
        engine().clear()


def statements(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db(
    transaction=True, databases=["default", "replica"] if "replica" in settings.DATABASES else None
)
def test_searches_are_read_from_the_replica_and_writes_go_to_the_primary(replica):
    on_primary = engine().search(build_plan("dân vận", facets=("province", "year"), trend_by="year"))
    primary_version = engine().version()
    with override_settings(SEARCH_READ_DATABASE="replica"):
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as read,
        ):
            on_replica = engine().search(build_plan("dân vận", facets=("province", "year"), trend_by="year"))
            readings = engine().readings(("dan", "van"))
            version = engine().version()
        assert any("search_read" in sql for sql in statements(read))
        assert any("search_state" in sql for sql in statements(read))
        assert not any("search_read" in sql or "search_state" in sql for sql in statements(primary))
        assert version == primary_version
        assert (on_replica.total, on_replica.facets, on_replica.trend) == (
            on_primary.total,
            on_primary.facets,
            on_primary.trend,
        )
        assert [h.pk for h in on_replica.hits] == [h.pk for h in on_primary.hits]
        assert readings and readings[0][0] == "dân vận"

        # A write (an edit indexed) goes to the primary only; the replica then reads it.
        article = replica["000"]
        article.title = "Khánh thành cầu Khoóng"
        article.save()
        with CaptureQueriesContext(connections["replica"]) as read:
            indexing.index_articles([article.pk])
        assert statements(read) == []
        found = engine().search(build_plan("cầu Khoóng"))
        assert [h.pk for h in found.hits] == [article.pk]
        assert engine().version() != version

        # The whole page answers from the replica as from the primary.
        page = Client().get("/tim-kiem/", {"q": "dan van"})
    assert page.status_code == 200
    assert page.content.count(b'class="result') == Client().get("/tim-kiem/", {"q": "dan van"}).content.count(
        b'class="result'
    )
