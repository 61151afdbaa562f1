"""Province detection: word boundaries, exact diacritics, ambiguity and disagreement, national news."""

from __future__ import annotations

import json

import pytest

from archive.extract import extract_record, extract_text
from archive.extract.places import districts_named, gazetteer, province_mentions, resolve_province


def text_article(body: str, title: str = "Hội nghị công tác dân vận"):
    return extract_text(f"{title}\n\nNgày 11/4/2024, {body}", source_name="t.txt")


def test_gazetteer_has_63_pre_2025_provinces():
    gz = gazetteer()
    assert len(gz.provinces) == 63
    assert {"Hòa Bình", "Lạng Sơn", "Thừa Thiên Huế", "Hồ Chí Minh", "Bà Rịa - Vũng Tàu"} <= set(gz.provinces)
    assert "Huế" not in gz.provinces
    assert gz.districts["Kim Bôi"] == {"Hòa Bình"}
    assert len(gz.districts["Châu Thành"]) == 10
    assert gazetteer() is gz  # loaded once


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ban Dân vận Tỉnh ủy Long An", ["Long An"]),
        ("anh Long Anh và chị Long An", ["Long An"]),  # "Long Anh" is not Long An
        ("tỉnh Hà Nam Ninh cũ", []),  # longer proper name
        ("Thái Bình Dương", []),  # the Pacific, neither Thái Bình nor Bình Dương
        ("ông Nguyễn Thái Bình", []),  # a person
        ("xã Bình Đinh", []),  # exact diacritics: not Bình Định
        ("tư tưởng Hồ Chí Minh", []),  # the president, not the city
        ("TP Hồ Chí Minh", ["Hồ Chí Minh"]),
        ("tỉnh Thừa Thiên Huế", ["Thừa Thiên Huế"]),
        ("Đài Phát Thanh và Truyền Hình Long An", ["Long An"]),
    ],
)
def test_province_mentions(text, found):
    assert [m.province for m in province_mentions(text)] == found


def test_districts_named():
    assert [(p, n) for p, n, _ in districts_named("tại huyện Kim Bôi và thị xã Kỳ Anh")] == [
        ("huyện Kim Bôi", "Kim Bôi"),
        ("thị xã Kỳ Anh", "Kỳ Anh"),
    ]


def test_own_committee_names_province():
    a = text_article("Trưởng Ban Dân vận Tỉnh ủy Bến Tre phát biểu tại hội nghị của tỉnh.")
    assert (a.province, a.province_evidence) == ("Bến Tre", "named: Tỉnh ủy Bến Tre")


def test_unique_district():
    a = text_article("tại huyện Kim Bôi, Ban Dân vận Tỉnh ủy tổ chức hội nghị.")
    assert (a.province, a.district, a.province_evidence) == ("Hòa Bình", "Kim Bôi", "district Kim Bôi")


def test_ambiguous_district_is_flagged_not_guessed():
    a = text_article("tại huyện Châu Thành, Ban Dân vận Tỉnh ủy tổ chức hội nghị.")
    assert a.province == ""
    (reason,) = a.review_reasons
    assert reason.startswith("ambiguous district Châu Thành: An Giang, Bến Tre")
    assert "Long An" in reason and "Đồng Tháp" in reason


def test_disagreeing_evidence():
    a = extract_text(
        "Hội nghị dân vận\n\nLSO-Ngày 11/4/2024, tại huyện Kim Bôi, Ban Dân vận Tỉnh ủy tổ chức hội nghị.",
        source_name="t.txt",
    )
    assert a.province == ""
    assert a.review_reasons == [
        "province evidence disagrees: Lạng Sơn (source code LSO (Báo Lạng Sơn)); Hòa Bình (district Kim Bôi)"
    ]


def test_agreeing_evidence_is_combined():
    a = extract_text(
        "Hội nghị dân vận\n\nLSO-Ngày 11/4/2024, tại huyện Chi Lăng, Ban Dân vận Tỉnh ủy tổ chức hội nghị.",
        source_name="t.txt",
    )
    assert (a.province, a.district) == ("Lạng Sơn", "Chi Lăng")
    assert a.province_evidence == "source code LSO (Báo Lạng Sơn); district Chi Lăng"


def test_ambiguous_outlet_code_gives_no_province():
    a = extract_text(
        "Hội nghị\n\n(BTV) Ngày 9/7/2020, Ban Dân vận Tỉnh ủy tổ chức hội nghị.", source_name="t.txt"
    )
    assert (a.province, a.outlet_code, a.review_reasons) == ("", "BTV", ["province unknown"])
    assert a.text.startswith("Ngày 9/7/2020")


NATIONAL = (
    "Thủ tướng làm việc với lãnh đạo các tỉnh Quảng Nam, Quảng Ngãi, Bình Định, Phú Yên và Khánh Hòa về "
    "phòng chống bão. Tại huyện Núi Thành, tỉnh Quảng Nam, người dân đã được sơ tán. Bí thư Tỉnh ủy "
    "Quảng Ngãi cho biết tỉnh đã sẵn sàng."
)


def test_national_record_gets_no_province_and_no_review():
    rec = {"id": "n1", "title": "Các tỉnh miền Trung chống bão", "text": NATIONAL, "published": "2020-10-27"}
    a = extract_record(rec, source_name="x.jsonl#n1", raw=json.dumps(rec, ensure_ascii=False))
    assert a.province == ""
    assert a.review_reasons == []


def test_provincial_record_without_province_is_flagged():
    body = "Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết, toàn tỉnh có 120 mô hình dân vận khéo."
    rec = {"id": "p1", "title": "Sơ kết dân vận", "text": body, "published": "2020-07-09"}
    a = extract_record(rec, source_name="x.jsonl#p1", raw=json.dumps(rec, ensure_ascii=False))
    assert (a.province, a.review_reasons) == ("", ["province unknown"])


def test_plain_mentions_need_a_clear_lead():
    # Issue 10: candidates are scored by evidence. Plain mentions alone, 2 against 1, are too close.
    res = resolve_province("Nghệ An: toàn tỉnh ... Nghệ An ... Hà Tĩnh.", None)
    assert res.province == ""
    assert res.reasons[0].startswith("province evidence disagrees: Nghệ An")
    # "tỉnh Nghệ An" names the province as a unit: with the mentions that is a clear lead.
    res = resolve_province("Nghệ An, Hà Tĩnh: toàn tỉnh ... tỉnh Nghệ An ... Nghệ An.", None)
    assert (res.province, res.evidence) == ("Nghệ An", "Nghệ An; named 3 of 4 times")
    assert res.scores["Nghệ An"] - res.scores["Hà Tĩnh"] >= 1.5


@pytest.mark.parametrize("variant", ["Hoà Bình", "Hòa Bình"])
def test_tone_placement_variants(variant):
    a = text_article(f"Ban Dân vận Tỉnh ủy {variant} tổ chức hội nghị.")
    assert a.province == "Hòa Bình"
