"""backup / restore round trip: every table equal, timestamps to the microsecond, index rebuilt."""

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command

from archive.backup import MODELS, NOT_BACKED_UP
from archive.models import Article, Event, Official, OfficialAlias, Outlet
from search import indexing
from search.analysis import parse_query

pytestmark = pytest.mark.django_db


def _tables() -> dict[str, list[dict]]:
    return {label: list(apps.get_model(label).objects.order_by("pk").values()) for label in MODELS}


def _empty_everything() -> None:
    for label in reversed(MODELS):
        qs = apps.get_model(label).objects.all()
        qs._raw_delete(qs.db)  # no signals: no history rows for the deletes


def test_backup_then_restore_gives_back_every_row_exactly(seeded, tmp_path):
    editors = Group.objects.create(name="biên tập")
    editors.permissions.add(Permission.objects.get(codename="change_article"))
    user = User.objects.create_user("bientap", password="mật-khẩu-dài-123")
    user.groups.add(editors)
    article = seeded["003"]
    article.title = "Giao ban dân vận quý I ở Lạc Thủy"
    article._change_reason = "sửa tay"
    article.save()
    Event.objects.create(article=article, kind="giao_ban", period="quý I/2024")
    outlet = Outlet.objects.create(name="Báo Hòa Bình", code="baohoabinh")
    outlet.name = "Báo Hòa Bình điện tử"
    outlet.save()
    OfficialAlias.objects.create(official=Official.objects.first(), name="Bùi T. Lực")
    before = _tables()
    assert len(before["archive.HistoricalOutlet"]) >= 2  # issue #16, finding 8: these were lost
    assert len(before["archive.OfficialAlias"]) >= 1
    assert any(a["created_at"].microsecond for a in before["archive.Article"])  # something to lose
    assert len(before["archive.HistoricalArticle"]) > 5
    assert all(a["raw"] for a in before["archive.Article"])

    backup = tmp_path / "danvan.jsonl.gz"
    out = io.StringIO()
    call_command("backup", str(backup), stdout=out)
    assert "5 articles" in out.getvalue()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), stdout=io.StringIO())

    _empty_everything()
    indexing.backend().clear()
    call_command("restore", str(backup), stdout=io.StringIO(), verbosity=0)
    assert _tables() == before
    assert User.objects.get(username="bientap").check_password("mật-khẩu-dài-123")
    hits = indexing.backend().article_search(parse_query("giao ban dân vận quý")).hits
    # The index was rebuilt from the restored rows (the word-level match; other seeds hold the
    # syllables apart, listed after it since issue #15).
    assert [h.pk for h in hits if not h.apart] == [article.pk]
    assert indexing.verify().in_step
    # New rows after a restore get fresh ids (PostgreSQL sequences were moved past the old ones).
    new = Article.objects.create(title="Mới", text="Mới.", raw="Mới.", source_file="new", content_hash="new")
    assert new.pk > max(a["id"] for a in before["archive.Article"])


def test_every_model_of_the_app_registry_is_backed_up_or_excluded_with_a_reason():
    backed_up = set(MODELS)
    assert not backed_up & set(NOT_BACKED_UP)
    assert all(NOT_BACKED_UP.values())
    unplaced = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in backed_up or label in NOT_BACKED_UP:
            continue
        if model._meta.proxy and model._meta.concrete_model._meta.label in backed_up:
            continue  # the same table as a backed-up model
        if model._meta.auto_created:  # a many-to-many table: saved with the model that declares it
            owner = next(f.related_model for f in model._meta.fields if f.is_relation)
            if owner._meta.label in backed_up:
                continue
        unplaced.append(label)
    assert unplaced == []
    # And the listed models exist (a renamed model must not leave a stale name behind).
    for label in (*MODELS, *NOT_BACKED_UP):
        apps.get_model(label)


def test_restore_names_a_broken_file(db, tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"model": "archive.article", "pk": 1, "fields": {"title": \n', encoding="utf-8")
    with pytest.raises(CommandError, match="broken.jsonl"):
        call_command("restore", str(broken), stdout=io.StringIO())


# --- the harvester's WARC files (issue #17): "Bản lưu gốc" after a restore --------------------------


def _capture(article: Article, folder, text: str) -> str:
    """A captured page for `article`, written as the harvester writes it; returns the WARC file's name."""
    import secrets

    from archive.harvest.warc import WarcFiles
    from archive.models import CrawlURL
    from tests.harvest.captures import store_capture

    warc = WarcFiles(folder, "backup-test", max_bytes=1_500)  # small: the second page opens a new file
    for n in range(2):
        url = f"http://127.0.0.1:8/bai-viet/{article.pk}-{n}"
        page = f'<!doctype html><html><head><meta charset="utf-8"></head><body><h1>{text} {n}</h1>'
        page += f"<p>Nội dung trang gốc {secrets.token_hex(1500)}</p></body></html>"  # not compressible
        row = CrawlURL.objects.create(
            url=url, host="127.0.0.1:8", kind="article", state="done", article=article
        )
        capture = store_capture(warc, url=url, article=article, row=row, body=page.encode())
    warc.close()
    return capture.warc_file


def test_a_backup_holds_the_captured_pages_and_ban_luu_goc_works_after_restore(
    seeded, tmp_path, settings, client
):
    import base64
    import gzip
    import json
    import shutil

    from archive.backup import WARC_KEY
    from archive.models import Capture

    folder = tmp_path / "warc"
    settings.HARVEST = {**settings.HARVEST, "WARC_DIR": str(folder)}
    article = seeded["002"]
    _capture(article, folder, "Trang đã thu thập")
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 2 and len(set(Capture.objects.values_list("warc_file", flat=True))) == 2
    original = {name: (folder / name).read_bytes() for name in files}
    latest = client.get(f"/bai-viet/{article.pk}/ban-luu-goc/")
    assert latest.status_code == 200 and "Trang đã thu thập 1" in latest.content.decode()

    backup = tmp_path / "danvan.jsonl.gz"
    out = io.StringIO()
    call_command("backup", str(backup), stdout=out)
    assert "5 articles, 2 WARC files" in out.getvalue()
    # The backup holds each file whole, byte for byte.
    held: dict[str, bytes] = {}
    with gzip.open(backup, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith('{"' + WARC_KEY):
                part = json.loads(line)
                held[part[WARC_KEY]] = held.get(part[WARC_KEY], b"") + base64.b64decode(part["base64"])
    assert held == original

    before = _tables()
    _empty_everything()
    shutil.rmtree(folder)
    indexing.backend().clear()
    out = io.StringIO()
    call_command("restore", str(backup), stdout=out, verbosity=0)
    assert "2 WARC files" in out.getvalue()
    assert _tables() == before
    assert {name: (folder / name).read_bytes() for name in files} == original
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left
    for capture in Capture.objects.order_by("pk"):
        response = client.get(f"/bai-viet/{article.pk}/ban-luu-goc/", {"ban": capture.pk})
        assert response.status_code == 200
        assert "sandbox" in response["Content-Security-Policy"]
        assert f"Trang đã thu thập {capture.url[-1]}" in response.content.decode()


def test_a_restore_never_writes_over_a_different_warc_file(seeded, tmp_path, settings, monkeypatch):
    from archive import backup as backup_module
    from archive.models import Capture

    monkeypatch.setattr(backup_module, "WARC_PART_BYTES", 500)  # several lines a file
    folder = tmp_path / "warc"
    settings.HARVEST = {**settings.HARVEST, "WARC_DIR": str(folder)}
    name = _capture(seeded["003"], folder, "Bản thứ nhất")
    backup = tmp_path / "danvan.jsonl"
    call_command("backup", str(backup), stdout=io.StringIO())
    _empty_everything()
    original = (folder / name).read_bytes()

    # A backup cut inside a WARC file is named as such, and nothing is stored.
    cut = tmp_path / "cut.jsonl"
    cut.write_text(
        "".join(backup.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8"
    )
    (folder / name).unlink()
    with pytest.raises(CommandError, match="is cut short"):
        call_command("restore", str(cut), stdout=io.StringIO(), verbosity=0)
    assert not Article.objects.exists() and not (folder / name).exists()

    # Another file of the same name is never written over: the restore stops, naming it.
    other = b"another crawl's file of the same name"
    (folder / name).write_bytes(other)
    with pytest.raises(CommandError, match=f"{name} already exists with other content"):
        call_command("restore", str(backup), stdout=io.StringIO(), verbosity=0)
    assert (folder / name).read_bytes() == other  # nothing stored is lost
    assert not Article.objects.exists() and not Capture.objects.exists()  # all or nothing
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left

    (folder / name).unlink()  # moved away: now it restores
    call_command("restore", str(backup), stdout=io.StringIO(), verbosity=0)
    assert (folder / name).read_bytes() == original and Capture.objects.count() == 2
