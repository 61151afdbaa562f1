"""Two page defects seen at real volume (issue #19, items 1 and 2), each failing before its fix."""

import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_trend_chart_draws_with_a_decimal_point_in_vietnamese(client, seeded):
    """The `vi` locale prints 42.86 as "42,86": SVG coordinates must not be localised."""
    with translation.override("vi"):
        html = client.get("/tim-kiem/", {"q": "dân vận"}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    bars = re.findall(
        r'<rect class="trend-bar" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', html
    )
    assert bars
    for values in bars:
        for value in values:
            float(value)  # "42,86" raises


def test_a_province_pages_meeting_links_keep_the_province(client, seeded):
    """base.html's menu used the name `meetings_url` too and overwrote the view's link."""
    html = client.get("/tinh/long-an/").content.decode()
    links = re.findall(r'href="(/hoi-nghi/[^"]*)"', html)
    periods = [link for link in links if "loai=" in link]
    assert periods, "the seeds hold meetings in Long An"
    for link in periods:
        assert link.startswith("/hoi-nghi/?tinh="), link
        assert client.get(link.replace("&amp;", "&")).status_code == 200
