"""Editors' work is never lost (issue #7): every admin that edits an article reaches search and
history, only what changed is protected, and lists are typed as editors type them."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from archive.models import Article, Official, Province, ReviewQueueArticle
from tests.archive._admin_support import browser_form_data, set_value
from tests.conftest import SEEDS, run_ingest

pytestmark = pytest.mark.django_db

# Every registered admin of Article or of a proxy of it, now and later.
ARTICLE_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.concrete_model is Article),
    key=lambda model: model._meta.model_name,
)


def change_url(model, pk) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{pk}/change/"


def search_ids(client, **params) -> set[int]:
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_walk_sees_the_article_admin_and_the_review_queue():
    assert {Article, ReviewQueueArticle} <= set(ARTICLE_MODELS)


@pytest.mark.parametrize("model", ARTICLE_MODELS, ids=lambda m: m._meta.model_name)
def test_every_article_admin_save_reaches_search_and_history(
    model, editor, editor_client, seeded, django_capture_on_commit_callbacks
):
    request = RequestFactory().get("/")
    request.user = editor
    # An article this admin lists, with no province yet (the seed flagged "province unknown").
    article = admin.site._registry[model].get_queryset(request).get(source_file__startswith="000_")
    assert article.province is None
    ca_mau = Province.objects.get(era="legacy", name="Cà Mau")
    assert search_ids(editor_client, province="Cà Mau") == set()
    records = article.history.count()
    protected_before = list(article.edited_fields)

    url = change_url(model, article.pk)
    data = browser_form_data(
        editor_client.get(url).content.decode(), form_id=f"{model._meta.model_name}_form"
    )
    assert "mentions-TOTAL_FORMS" in data and "events-TOTAL_FORMS" in data  # inline management forms
    set_value(data, "province", str(ca_mau.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, data, follow=True)
    page = response.content.decode()
    assert response.redirect_chain and response.redirect_chain[0][1] == 302, page[:3000]
    assert "không tồn tại" not in page

    assert search_ids(editor_client, province="Cà Mau") == {article.pk}  # the real Whoosh index
    assert article.history.count() == records + 1
    latest = article.history.latest()
    assert latest.history_user == editor and latest.province_id == ca_mau.pk
    article.refresh_from_db()
    # Only the field the editor changed is protected (finding 2): not the text the browser sent
    # back with CRLF, not the authors or reasons it sent back as they were.
    assert article.edited_fields == sorted({*protected_before, "province"})
    history_page = editor_client.get(url.replace("/change/", "/history/")).content.decode()
    assert "Cà Mau" in history_page


def test_leaving_the_queue_on_save_gives_no_false_warning(editor_client, seeded):
    article = seeded["000"]
    url = change_url(ReviewQueueArticle, article.pk)
    data = browser_form_data(editor_client.get(url).content.decode(), form_id="reviewqueuearticle_form")
    data.pop("needs_review", None)  # the editor unticks "cần xem lại"
    set_value(data, "_continue", "1")
    response = editor_client.post(url, data, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "không tồn tại" not in page
    assert response.redirect_chain[-1][0].endswith(url)  # still on the article's change page
    article.refresh_from_db()
    assert article.needs_review is False

    data = browser_form_data(editor_client.get(url).content.decode(), form_id="reviewqueuearticle_form")
    response = editor_client.post(url, data, follow=True)
    page = response.content.decode()
    assert "không tồn tại" not in page and "Bài đã rời hàng chờ xem lại" in page


def test_only_changed_fields_are_protected_and_an_editor_can_clear_protection(editor_client, seeded):
    article = seeded["001"]
    assert article.edited_fields == []
    url = change_url(Article, article.pk)
    page = editor_client.get(url).content.decode()
    assert "Bảo vệ khỏi nhập lại" in page
    data = browser_form_data(page, form_id="article_form")
    assert "\r\n" in data["text"][0]  # as a browser sends it
    set_value(data, "district", "Cao Lộc")
    response = editor_client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.edited_fields == ["district"]

    # The box shows ticked; unticking it gives the field back to re-ingest.
    data = browser_form_data(editor_client.get(url).content.decode(), form_id="article_form")
    assert data["protected_fields"] == ["district"]
    data.pop("protected_fields")
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.edited_fields == []
    run_ingest(str(SEEDS))
    article.refresh_from_db()
    assert article.district == ""  # the source's value came back

    # Protecting a field by hand, without changing it, keeps re-ingest off it too.
    data = browser_form_data(editor_client.get(url).content.decode(), form_id="article_form")
    set_value(data, "protected_fields", ["text", "title"])
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.edited_fields == ["text", "title"]


def test_authors_one_per_line_and_reasons_as_checkboxes(editor_client, seeded):
    article = seeded["000"]
    url = change_url(Article, article.pk)
    page = editor_client.get(url).content.decode()
    assert "[" not in page.split('name="authors"')[1].split("</textarea>")[0]  # no JSON to type
    assert 'type="checkbox" name="review_reasons" value="province unknown"' in page
    assert "Không rõ tỉnh" in page and "Không có ngày đăng" in page

    data = browser_form_data(page, form_id="article_form")
    assert sorted(data["review_reasons"]) == ["province unknown", "year inferred"]  # issue 10: the year
    set_value(data, "authors", "Thanh Thuỷ\r\nVĩnh Hưng, Hoàng Anh\r\n\r\n")
    set_value(data, "review_reasons", ["province unknown", "no publication date"])
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.authors == ["Thanh Thủy", "Vĩnh Hưng", "Hoàng Anh"]  # normalised at the edge
    assert article.review_reasons == ["province unknown", "no publication date"]
    assert article.edited_fields == ["authors", "review_reasons"]


def test_a_reason_keeps_its_detail_while_ticked(editor_client, seeded):
    article = seeded["000"]
    Article.objects.filter(pk=article.pk).update(
        review_reasons=["ambiguous district Châu Thành: Long An, Tiền Giang", "no publication date"]
    )
    url = change_url(Article, article.pk)
    data = browser_form_data(editor_client.get(url).content.decode(), form_id="article_form")
    assert sorted(data["review_reasons"]) == ["ambiguous district", "no publication date"]
    set_value(data, "review_reasons", ["ambiguous district"])
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.review_reasons == ["ambiguous district Châu Thành: Long An, Tiền Giang"]
    page = editor_client.get(f"/bai-viet/{article.pk}/").content.decode()
    queue = editor_client.get("/admin/archive/reviewqueuearticle/").content.decode()
    for shown in (page, queue):
        assert "Huyện trùng tên ở nhiều tỉnh: Châu Thành: Long An, Tiền Giang" in shown
        assert "ambiguous district" not in shown.split("<body")[1].replace("ly_do=ambiguous+district", "")


def test_needs_review_column_reads_as_words(editor_client, seeded):
    page = editor_client.get("/admin/archive/article/").content.decode()
    assert "Cần xem lại" in page
    assert 'class="field-review_state">Cần xem lại<' in page
    assert "icon-yes.svg" not in page and "icon-no.svg" not in page


def test_bulk_set_province_and_mark_reviewed(editor_client, seeded, django_capture_on_commit_callbacks):
    flagged = [seeded["000"].pk]
    ca_mau = Province.objects.get(era="legacy", name="Cà Mau")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/archive/reviewqueuearticle/",
            {"action": "set_province", "province": ca_mau.pk, "_selected_action": flagged},
            follow=True,
        )
    assert "Đã đặt tỉnh Cà Mau cho 1 bài" in response.content.decode()
    article = Article.objects.get(pk=flagged[0])
    assert article.province == ca_mau and "province" in article.edited_fields
    assert article.history.latest().history_change_reason == "tỉnh: Cà Mau"
    assert search_ids(editor_client, province="Cà Mau") == set(flagged)
    run_ingest(str(SEEDS))
    article.refresh_from_db()
    assert article.province == ca_mau  # survives re-ingest

    for bad in ("", "abc", "999999"):  # no province, or one the action form refuses: nothing changes
        response = editor_client.post(
            "/admin/archive/article/",
            {"action": "set_province", "province": bad, "_selected_action": flagged},
            follow=True,
        )
        assert response.status_code == 200, bad
        assert Article.objects.get(pk=flagged[0]).province == ca_mau
    assert (
        "Hãy chọn một tỉnh"
        in editor_client.post(
            "/admin/archive/article/",
            {"action": "set_province", "province": "", "_selected_action": flagged},
            follow=True,
        ).content.decode()
    )


def test_reextract_from_stored_raw_respects_protected_fields(editor_client, seeded):
    article = seeded["004"]
    original_title = article.title
    original_province = article.province_id
    # Damage two fields as an old extractor might have; the editor protected one of them.
    Article.objects.filter(pk=article.pk).update(
        title="tiêu đề hỏng", province=None, district="", edited_fields=["province"]
    )
    article.mentions.all().delete()
    response = editor_client.post(
        "/admin/archive/article/", {"action": "reextract", "_selected_action": [article.pk]}, follow=True
    )
    assert "Trích xuất lại: 1 bài thay đổi, 0 bài không đổi." in response.content.decode()
    article.refresh_from_db()
    assert article.title == original_title
    assert article.province_id is None and original_province is not None  # protected: left alone
    assert article.mentions.count() > 0
    assert article.history.latest().history_change_reason == "ingest"

    response = editor_client.post(
        "/admin/archive/article/", {"action": "reextract", "_selected_action": [article.pk]}, follow=True
    )
    assert "0 bài thay đổi, 1 bài không đổi" in response.content.decode()


def test_reextract_works_for_corpus_records_and_html(seeded, tmp_path):
    from archive import services

    (tmp_path / "page.html").write_text(
        (SEEDS.parent / "tests" / "data" / "extract" / "daklak_page.html").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    (tmp_path / "export.jsonl").write_text(
        '{"id": "r1", "title": "Dân vận khéo ở Kim Bôi", "published": "2020-05-01", "url": "", '
        '"outlet": "baomoi.com aggregator (original outlet not recorded)", '
        '"text": "Ban Dân vận Tỉnh ủy Hòa Bình tổng kết phong trào dân vận khéo ở huyện Kim Bôi."}\n',
        encoding="utf-8",
    )
    run_ingest(str(tmp_path))
    stored = Article.objects.filter(source_file__in=["page.html", "export.jsonl#r1"])
    assert stored.count() == 2
    result = services.articles_reextract(articles=stored)
    assert (result.updated, result.unchanged, result.failed) == (0, 2, [])


def test_merge_officials_moves_everything_and_survives_reingest(editor_client, seeded, tmp_path):
    keep = Official.objects.get(name="Bùi Tiến Lực")
    article = seeded["003"]
    # The rules split one person: a truncated spelling in another article, chairing a meeting.
    (tmp_path / "split.txt").write_text(
        "Hội nghị giao ban công tác dân vận quý III\n\n"
        "Sáng 10/9/2024, Ban Dân vận Tỉnh ủy Long An tổ chức hội nghị giao ban. "
        "Đồng chí Bùi Tiến, Phó Trưởng Ban Dân vận Tỉnh ủy chủ trì hội nghị.",
        encoding="utf-8",
    )
    run_ingest(str(tmp_path))
    split = Official.objects.get(name="Bùi Tiến")
    other_article = Article.objects.get(source_file="split.txt")
    assert other_article.mentions.filter(official=split).exists()
    chaired = list(split.chaired_events.values_list("pk", flat=True))

    page = editor_client.post(
        "/admin/archive/official/", {"action": "merge_officials", "_selected_action": [keep.pk, split.pk]}
    ).content.decode()
    assert "Gộp cán bộ" in page and 'name="keep"' in page
    response = editor_client.post(
        "/admin/archive/official/",
        {"action": "merge_officials", "_selected_action": [keep.pk, split.pk], "keep": keep.pk},
        follow=True,
    )
    assert "Đã gộp 1 cán bộ vào Bùi Tiến Lực" in response.content.decode()
    assert not Official.objects.filter(pk=split.pk).exists()
    assert other_article.mentions.filter(official=keep).exists()
    assert article.mentions.filter(official=keep).exists()
    assert set(keep.chaired_events.values_list("pk", flat=True)) >= set(chaired)
    assert keep.history.latest().history_change_reason == f"gộp Bùi Tiến (#{split.pk})"
    assert split.history.latest().history_type == "-"
    assert "Bùi Tiến Lực" in split.history.latest().history_change_reason

    # A later ingest of the merged-away spelling lands on the kept official, and changes nothing.
    out, _ = run_ingest(str(tmp_path))
    assert "1 unchanged" in out
    (tmp_path / "split2.txt").write_text(
        "Hội nghị giao ban công tác dân vận quý IV\n\n"
        "Sáng 10/12/2024, Ban Dân vận Tỉnh ủy Long An tổ chức hội nghị giao ban. "
        "Đồng chí Bùi Tiến, Phó Trưởng Ban Dân vận Tỉnh ủy chủ trì hội nghị.",
        encoding="utf-8",
    )
    run_ingest(str(tmp_path))
    assert not Official.objects.filter(key="bui tien").exists()
    assert Article.objects.get(source_file="split2.txt").mentions.filter(official=keep).exists()
