"""The PostgreSQL engine's facet codes (issue #18): every (facet, value) numbered in
`search_facet_code`, and each row's codes in `search_document.fcodes`, so that a search counts
every facet in one pass over small integer arrays (search/engines/postgres/schema.py). A table
that already holds documents gets its codes here, under the write lock: the GIN index is dropped
for the update and built again (7.5 minutes at 100,004 articles, most of it the GIN index, built
in this one transaction); nothing needs re-indexing. Plain VACUUM leaves the table's heap twice
its size after the update (`VACUUM FULL search_document` or a rebuild gives it back)."""

from django.db import migrations

from search.engines.postgres.schema import (
    FACET_CODES,
    FACET_CODES_FILL,
    LOCK_KEY,
    PARTITION_TSV_INDEX,
    PARTITIONS,
    TSV_INDEX,
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_document') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # the engine's setup() creates everything, the codes with it
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for statement in FACET_CODES:
            cursor.execute(statement)
        cursor.execute("SELECT EXISTS (SELECT 1 FROM search_document WHERE fcodes = '{}')")
        if not cursor.fetchone()[0]:
            return
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in FACET_CODES_FILL:
            cursor.execute(statement)
        for i in range(PARTITIONS):
            cursor.execute(PARTITION_TSV_INDEX.format(i=i))
        cursor.execute(TSV_INDEX)
        cursor.execute("ANALYZE search_document")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE IF EXISTS search_document DROP COLUMN IF EXISTS fcodes")
        schema_editor.execute("DROP TABLE IF EXISTS search_facet_code")
        schema_editor.execute("DROP SEQUENCE IF EXISTS search_facet_code_seq")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_lexicon")]
    operations = [migrations.RunPython(create, drop)]
