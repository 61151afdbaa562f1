"""The archive's own words in its data, in the reader's language (archive/labels.py, issue #19)."""

import pytest
from django.utils import translation

from archive.labels import outlet_label, period_label, province_full_name, review_reason_label


@pytest.mark.parametrize(
    ("stored", "english"),
    [
        ("6 tháng đầu năm 2019", "first half of 2019"),
        ("6 tháng cuối năm 2019", "second half of 2019"),
        ("9 tháng đầu năm 2020", "first nine months of 2020"),
        ("quý I/2019", "Q1 2019"),
        ("quý IV/2024", "Q4 2024"),
        ("tháng 3/2017", "March 2017"),
        ("năm 2016", "year 2016"),
        ("tháng 13/2017", "tháng 13/2017"),  # not a period the extraction writes: shown as stored
        ("", ""),
    ],
)
def test_a_meeting_period_reads_in_english_and_stays_as_stored_in_vietnamese(stored, english):
    with translation.override("en"):
        assert period_label(stored) == english
    with translation.override("vi"):
        assert period_label(stored) == stored


def test_an_aggregator_outlet_a_province_and_a_review_reason_in_both_languages():
    outlet = "baomoi.com (trang tổng hợp, không ghi cơ quan gốc)"
    with translation.override("en"):
        assert outlet_label(outlet) == "baomoi.com (aggregator page, original outlet not named)"
        assert outlet_label("Báo Long An") == "Báo Long An"
        assert province_full_name("Tỉnh Long An", "Long An") == "Long An province"
        assert province_full_name("Thành phố Hà Nội", "Hà Nội") == "Hà Nội city"
        assert review_reason_label("year inferred: 1995") == "Year inferred from the text: 1995"
        assert review_reason_label("something else") == "something else"
    with translation.override("vi"):
        assert outlet_label(outlet) == outlet
        assert province_full_name("Tỉnh Long An", "Long An") == "Tỉnh Long An"
        assert review_reason_label("year inferred: 1995") == "Năm đăng suy ra từ nội dung: 1995"
