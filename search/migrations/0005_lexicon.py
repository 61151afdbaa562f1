"""The PostgreSQL engine's lexicon (issue #18): documents and titles holding each syllable, and each
pair of syllables held by at least PAIR_MIN documents, so that readings, segmentation and
spelling count without reading the rows (search/engines/postgres/schema.py). A table that already
holds documents is counted here, from its stored vectors (82 s at 100,004 articles, under the
write lock); nothing needs re-indexing. And `search_read` without JIT (schema.py)."""

from django.db import migrations

from search.engines.postgres.schema import LEXICON, LEXICON_REBUILD, READ_FUNCTION


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass('search_document') IS NOT NULL, to_regclass('search_state') IS NOT NULL"
        )
        if not all(cursor.fetchone()):
            return  # the engine's setup() creates everything, the lexicon with it
        cursor.execute(READ_FUNCTION)  # now without JIT
        for statement in LEXICON:
            cursor.execute(statement)
        cursor.execute("SELECT lexicon FROM search_state WHERE id = 1")
        row = cursor.fetchone()
        if row is not None and not row[0]:
            for statement in LEXICON_REBUILD:
                cursor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS search_lexicon")
        schema_editor.execute("ALTER TABLE search_state DROP COLUMN IF EXISTS lexicon")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_merge_0002_postgres_dan_van_column_0003_title_rank")]
    operations = [migrations.RunPython(create, drop)]
