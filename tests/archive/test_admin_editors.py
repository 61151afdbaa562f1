"""What an editor sees is Vietnamese, editors get exactly their rights, and review reasons come
from one list shared with ingest (issue #7)."""

from __future__ import annotations

import gzip
import html as html_module
import json
import re
from itertools import islice

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from archive import services
from archive.extract import extract_record
from archive.extract.reasons import LABELS, REASONS, reason_code, reason_label
from archive.models import Article, Outlet, ReviewQueueArticle
from tests.archive._admin_support import browser_form_data, set_value
from tests.conftest import CORPUS, ROOT, run_ingest

EDITORS = "Biên tập viên"


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html))).replace("\xa0", " ")


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("editor", "", "a-long-test-password"))
    return client


@pytest.mark.django_db
def test_history_page_and_filters_are_vietnamese(superuser_client, seeded):
    article = seeded["000"]
    url = f"/admin/archive/article/{article.pk}/change/"
    data = browser_form_data(superuser_client.get(url).content.decode(), form_id="article_form")
    data.pop("needs_review")
    set_value(data, "review_reasons", [])
    assert superuser_client.post(url, data).status_code == 302

    history = visible_text(superuser_client.get(url.replace("/change/", "/history/")).content.decode())
    for english in ("Date/time", "Changed by", "Change reason", "Changes", "Object", "None", "True", "False"):
        assert not re.search(rf"\b{re.escape(english)}\b", history), english
    assert "Ngày giờ" in history and "Người thay đổi" in history
    assert re.search(r"Cần xem lại: có +→ +không", history)
    # the cleared reasons, by their Vietnamese labels (issue 10 adds the inferred year)
    assert re.search(r"Lý do cần xem lại: [^→]*Không rõ tỉnh", history)

    changelist = superuser_client.get("/admin/archive/article/").content.decode()
    assert "Hiện số lượng" in changelist and "Show counts" not in changelist
    counted = superuser_client.get("/admin/archive/article/?_facets=True").content.decode()
    assert "Ẩn số lượng" in counted and "Hide counts" not in counted


@pytest.mark.django_db
def test_every_history_page_the_admin_offers_opens(superuser_client, seeded):
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    walked = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, SimpleHistoryAdmin):
            continue
        obj = model._default_manager.first() if model is not ReviewQueueArticle else seeded["000"]
        assert obj is not None, model
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/history/"
        assert superuser_client.get(url).status_code == 200, url
        walked.append(model._meta.model_name)
    assert {"article", "reviewqueuearticle", "outlet", "official", "event"} <= set(walked)


def test_compiled_translations_match_their_sources():
    import polib

    for po_path in sorted((ROOT / "locale").rglob("*.po")):
        po, mo = polib.pofile(str(po_path)), polib.mofile(str(po_path.with_suffix(".mo")))
        assert {
            (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in po.translated_entries()
        } == {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}, (
            f"{po_path.name}: run `make messages`"
        )
        assert not po.untranslated_entries(), po_path


@pytest.mark.django_db
def test_the_editors_group_has_exactly_the_editor_permissions(client, seeded):
    group = Group.objects.get(name=EDITORS)
    perms = {p.codename for p in group.permissions.all()}
    assert {p.content_type.app_label for p in group.permissions.all()} == {"archive"}  # never users
    assert {"change_article", "change_reviewqueuearticle", "change_official", "delete_official"} <= perms
    assert {"add_event", "change_event", "add_articleofficial", "change_outlet", "view_province"} <= perms
    assert not {"add_article", "change_province", "delete_province"} & perms

    user = get_user_model().objects.create_user("bientap", password="a-long-test-password", is_staff=True)
    user.groups.add(group)
    client.force_login(user)
    for url in [
        "/admin/archive/article/",
        "/admin/archive/reviewqueuearticle/",
        "/admin/archive/official/",
        "/admin/archive/event/",
        "/admin/archive/outlet/",
        f"/admin/archive/article/{seeded['003'].pk}/change/",
        f"/admin/archive/reviewqueuearticle/{seeded['000'].pk}/history/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403

    # The editor can save an article with its inlines (mentions and events need their own rights).
    url = f"/admin/archive/article/{seeded['003'].pk}/change/"
    data = browser_form_data(client.get(url).content.decode(), form_id="article_form")
    assert int(data["mentions-TOTAL_FORMS"][0]) > 0
    set_value(data, "district", "Kim Bôi")
    assert client.post(url, data).status_code == 302
    assert Article.objects.get(pk=seeded["003"].pk).history.latest().history_user == user


def test_every_reason_ingest_can_give_is_in_the_shared_list():
    extract_dir = ROOT / "archive" / "extract"
    sources = "\n".join(path.read_text(encoding="utf-8") for path in extract_dir.glob("*.py"))
    # Extraction flags through the shared constants, never a free-typed string.
    assert not re.search(r'(review_reasons|res\.reasons)\.append\(\s*f?"(?!\{reasons\.)', sources)
    assert [code for code, _ in REASONS] == list(LABELS)
    for code, label in REASONS:
        assert reason_code(code) == code and reason_label(code) == label
        assert reason_code(f"{code}: chi tiết") == code
    assert reason_code("ambiguous district Châu Thành: Long An, Tiền Giang") == "ambiguous district"
    assert reason_label("several provincial committees named: Long An, Hòa Bình") == (
        "Nêu tỉnh ủy của nhiều tỉnh: Long An, Hòa Bình"
    )


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not beside the repo")
def test_reasons_on_real_corpus_records_all_have_a_label():
    codes = set()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for n, line in enumerate(islice(lines, 1500)):
            record = json.loads(line)
            if not record.get("text"):
                continue
            for reason in extract_record(record, source_name=f"c#{n}", raw=line).review_reasons:
                assert reason_code(reason), reason
                codes.add(reason_code(reason))
    assert "no publication date" in codes


@pytest.mark.django_db
def test_aggregator_placeholder_outlet_is_vietnamese(provinces, tmp_path):
    assert services.outlet_name_vi("baomoi.com aggregator (original outlet not recorded)") == (
        "baomoi.com (trang tổng hợp, không ghi cơ quan gốc)"
    )
    (tmp_path / "x.jsonl").write_text(
        json.dumps(
            {
                "id": "a1",
                "title": "Dân vận khéo ở Kim Bôi",
                "published": "2020-05-01",
                "outlet": "baomoi.com aggregator (original outlet not recorded)",
                "text": "Ban Dân vận Tỉnh ủy Hòa Bình tổng kết phong trào dân vận khéo ở huyện Kim Bôi.",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    run_ingest(str(tmp_path), "--no-index")
    assert list(Outlet.objects.values_list("name", flat=True)) == [
        "baomoi.com (trang tổng hợp, không ghi cơ quan gốc)"
    ]
