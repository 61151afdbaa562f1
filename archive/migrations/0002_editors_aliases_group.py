"""Aliases for merged officials, edit history for outlets (their admin offers a history page), and
the "Biên tập viên" (editors) group with exactly what an editor needs: articles and the review queue,
officials, meetings/events, outlets; never users. Outlet placeholders of aggregators in Vietnamese."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
import simple_history.models


EDITORS = "Biên tập viên"
# model → actions. Articles come from ingest (no add); the admin's inlines need rights on
# mentions and events; merging officials deletes the merged-away ones; autocomplete needs
# to view provinces.
EDITOR_PERMISSIONS = {
    "article": ["view", "change", "delete"],
    "reviewqueuearticle": ["view", "change"],
    "articleofficial": ["view", "add", "change", "delete"],
    "event": ["view", "add", "change", "delete"],
    "official": ["view", "add", "change", "delete"],
    "officialalias": ["view"],
    "outlet": ["view", "add", "change"],
    "province": ["view"],
}


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after the last migration; create ours now.
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)  # unset in a migration's state
        app_config.models_module = models_module or True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions]
    permissions = Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
    assert permissions.count() == len(codenames), "missing permissions for the editors group"
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.set(permissions)


def outlet_placeholders_in_vietnamese(apps, schema_editor):
    """Outlets stored before ingest translated the aggregator placeholder (services.outlet_name_vi)."""
    import re

    Outlet = apps.get_model("archive", "Outlet")
    placeholder = re.compile(r"^(?P<site>\S+) aggregator \(original outlet not recorded\)$")
    for outlet in Outlet.objects.filter(name__endswith=" aggregator (original outlet not recorded)"):
        name = f"{placeholder.match(outlet.name)['site']} (trang tổng hợp, không ghi cơ quan gốc)"
        if not Outlet.objects.filter(name=name).exists():
            outlet.name = name
            outlet.save(update_fields=["name"])


def delete_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OfficialAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=120, unique=True, verbose_name='khóa so khớp')),
                ('name', models.CharField(max_length=120, verbose_name='họ tên đã gộp')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='ngày gộp')),
                ('official', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='archive.official', verbose_name='cán bộ')),
            ],
            options={
                'verbose_name': 'tên đã gộp',
                'verbose_name_plural': 'tên đã gộp',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalOutlet',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=200, verbose_name='tên')),
                ('code', models.CharField(blank=True, max_length=20, verbose_name='mã nguồn')),
                ('site', models.CharField(blank=True, max_length=200, verbose_name='trang web')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('province', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='archive.province', verbose_name='tỉnh')),
            ],
            options={
                'verbose_name': 'historical cơ quan báo chí',
                'verbose_name_plural': 'historical cơ quan báo chí',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(create_editors_group, delete_editors_group),
        migrations.RunPython(outlet_placeholders_in_vietnamese, migrations.RunPython.noop),
    ]
