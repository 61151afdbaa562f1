"""The PostgreSQL search table's `dan_van` facet column (issue #17). 0001 creates new tables with it;
a table made before gains it here (the engine's setup() leaves an existing table alone). Its documents
then carry an older INDEX_FORMAT in their digest, so `ensure_index` rewrites every one of them."""

from django.db import migrations

ADD = "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS dan_van text NULL"


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_document DROP COLUMN IF EXISTS dan_van")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_postgres_engine")]
    operations = [migrations.RunPython(add, remove)]
