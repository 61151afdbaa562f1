"""Issue #20: a mention's position in its canonical form, beside the words as written.

Existing rows are filled from their written position here; `manage.py reextract` later re-reads every
stored article with today's rules (fields editors protected are kept).
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    from archive.extract.positions import canonical_position

    ArticleOfficial = apps.get_model("archive", "ArticleOfficial")
    batch = []
    for mention in ArticleOfficial.objects.exclude(position="").only("id", "position").iterator(chunk_size=2000):
        mention.position_canonical = canonical_position(mention.position)
        batch.append(mention)
        if len(batch) >= 2000:
            ArticleOfficial.objects.bulk_update(batch, ["position_canonical"])
            batch = []
    ArticleOfficial.objects.bulk_update(batch, ["position_canonical"])


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_article_origin")]

    operations = [
        migrations.AddField(
            model_name="articleofficial",
            name="position_canonical",
            field=models.CharField(blank=True, max_length=300, verbose_name="chức vụ (dạng chuẩn)"),
        ),
        migrations.AddField(
            model_name="historicalarticleofficial",
            name="position_canonical",
            field=models.CharField(blank=True, max_length=300, verbose_name="chức vụ (dạng chuẩn)"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
