"""The PostgreSQL search engine's tables (issue #18; search/engines/postgres/). Created on
PostgreSQL only, whatever SEARCH_ENGINE says (empty until that engine writes them); nothing on
SQLite, where the Whoosh engine keeps its index in a folder."""

from django.db import migrations

from search.engines.postgres.schema import CREATE, DROP


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create, drop)]
