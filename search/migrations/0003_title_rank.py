"""The rank vector's title part as a column of its own (issue #18): a search ranks a few hundred
candidates picked by it instead of reading every match's rank vector. Generated from `rank_tsv`,
so a table that already holds documents gets it without re-indexing. And `search_read` with
the work_mem a common word's matches need."""

from django.db import migrations

from search.engines.postgres.schema import READ_FUNCTION, TITLE_RANK


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TITLE_RANK)
        schema_editor.execute(READ_FUNCTION)  # now with work_mem


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_read_partitioned_lz4")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
