"""The PostgreSQL engine's reads in one round trip (`search_read`), and its documents in hash
partitions, compressed with lz4 (issue #18: a rebuild
builds each partition's GIN index on its own core). A table made by 0001 before this is moved
over row by row (nothing is lost, nothing needs re-indexing); a new database already has the
partitioned table (0001 creates what schema.py states)."""

from django.db import migrations

from search.engines.postgres.schema import CREATE, READ_FUNCTION


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(READ_FUNCTION)
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass('search_document')")
        row = cursor.fetchone()
        if row is None or row[0] == "p":
            return
        cursor.execute("ALTER TABLE search_document RENAME TO search_document_0001")
        for index in ("search_document_pkey", "search_document_tsv", "search_document_published"):
            cursor.execute(f"ALTER INDEX IF EXISTS {index} RENAME TO {index}_0001")
        for statement in CREATE:
            cursor.execute(statement)
        cursor.execute(
            "INSERT INTO search_document (article_id, tsv, rank_tsv, published, province, province_2025, "
            "year, outlet, kind, official, digest) SELECT article_id, tsv, rank_tsv, published, province, "
            "province_2025, year, outlet, kind, official, digest FROM search_document_0001"
        )
        cursor.execute("DROP TABLE search_document_0001")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_postgres_engine")]
    operations = [migrations.RunPython(partition, migrations.RunPython.noop)]
