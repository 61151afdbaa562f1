"""The PostgreSQL engine counts facets by integer codes (issue #18): each (facet, value) numbered
once in `search_facet_code`, each row holding its values' codes. Whatever the writes (ingest, an
edit bringing a new value, a rebuild, the migration over an index made before the codes), the
counts are what counting the rows' own text columns gives, a selected facet counted without its
own filter. Runs where the database is PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection

from archive.extract.normalize import fold_key
from archive.models import ArticleOfficial, Official, Province
from search import indexing
from search.engines import engine
from search.query import FACET_NAMES, build_plan

LISTS = ("kind", "official")


@pytest.fixture
def seeded(postgres_seeds):
    return postgres_seeds


def from_columns(without: dict[str, list[str]] | None = None) -> dict[str, list[tuple[str, int]]]:
    """Every facet's counts over the stored rows, from the text columns: with `without`'s filters
    (a facet's own filter left out), as the engine counts a browse plan."""
    without = without or {}
    out = {}
    with connection.cursor() as cursor:
        for name in FACET_NAMES:
            conds, params = [], []
            for other, values in without.items():
                if other == name:
                    continue
                conds.append(f"{other} && %s::text[]" if other in LISTS else f"{other} = ANY(%s::text[])")
                params.append(values)
            value = f"unnest({name})" if name in LISTS else name
            cursor.execute(
                f"SELECT v, count(*) FROM (SELECT {value} AS v FROM search_document "
                f"WHERE {' AND '.join(conds) or 'true'}) x WHERE v IS NOT NULL GROUP BY v",
                params,
            )
            out[name] = sorted(cursor.fetchall(), key=lambda vn: (-vn[1], vn[0]))
    return out


def counted(filters: dict[str, list[str]] | None = None) -> dict[str, list[tuple[str, int]]]:
    outcome = engine().search(build_plan("", filters=filters, facets=FACET_NAMES))
    return {name: outcome.facets.get(name, []) for name in FACET_NAMES}


def test_the_codes_count_what_the_columns_hold(seeded):
    whole = counted()
    assert whole == from_columns()
    assert whole["province"] and whole["year"] and whole["dan_van"]
    # A selected facet counts without its own filter; the others with it.
    province, _ = whole["province"][0]
    year = counted({"province": [province]})["year"][-1][0]  # one of the province's years
    filters = {"province": [province], "year": [year]}
    assert counted(filters) == from_columns(filters)
    assert len(counted(filters)["year"]) >= 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT (facet, value)) FROM search_facet_code")
        codes, values = cursor.fetchone()
    assert codes == values > 0  # each value numbered once


def test_an_edit_brings_a_new_value_and_a_rebuild_keeps_the_numbers(seeded):
    article = seeded["000"]
    article.province = Province.objects.create(
        name="Thử Mã", full_name="Tỉnh Thử Mã", slug="thu-ma", code="TMA", era=Province.Era.BEFORE_2025
    )
    article.save()
    official = Official.objects.create(name="Nguyễn Văn Mã", key=fold_key("Nguyễn Văn Mã"))
    ArticleOfficial.objects.create(article=article, official=official)
    indexing.index_articles([article.pk])
    after = counted()
    assert after == from_columns()
    assert ("Thử Mã", 1) in after["province"]
    assert any(value == "Nguyễn Văn Mã" for value, _ in after["official"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, facet, value FROM search_facet_code ORDER BY code")
        numbered = cursor.fetchall()
    engine().clear()
    with engine().bulk_load():
        indexing.index_articles([a.pk for a in seeded.values()], procs=1)
    assert counted() == after
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, facet, value FROM search_facet_code ORDER BY code")
        assert cursor.fetchall() == numbered  # nothing renumbered, nothing added twice


def test_the_migration_codes_an_index_made_before_the_codes(seeded):
    before = counted()
    hits = [h.pk for h in engine().search(build_plan("dân vận")).hits]
    call_command("migrate", "search", "0005_lexicon", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_facet_code')")
        assert cursor.fetchone()[0] is None
    call_command("migrate", "search", verbosity=0)
    assert counted() == before == from_columns()
    # The GIN index the migration dropped for its update is there again, and answers.
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_document_tsv') IS NOT NULL")
        assert cursor.fetchone()[0]
    assert [h.pk for h in engine().search(build_plan("dân vận")).hits] == hits != []
