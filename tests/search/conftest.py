"""The five seeds as articles (the table of issue #2), and a real Whoosh index built from them."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from archive.extract.normalize import normalize_text, slugify_vi
from archive.models import Article, ArticleOfficial, Event, Official, Outlet, Province
from search import indexing

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# seed prefix, title, published, time, province, outlet, official, event kind
SEED_TABLE = [
    (
        "000",
        "Ban Dân vận Tỉnh ủy triển khai nhiệm vụ 6 tháng cuối năm",
        date(2020, 7, 9),
        None,
        None,
        None,
        "Nguyễn Công Thắng",
        "so_ket",
    ),
    (
        "001",
        "Tổng kết công tác dân vận năm 2018",
        date(2018, 12, 25),
        None,
        "Lạng Sơn",
        "Báo Lạng Sơn",
        "Hoàng Văn Nghiệm",
        "tong_ket",
    ),
    (
        "002",
        "Phong trào thi đua “Dân vận khéo” phải cụ thể, có trọng tâm, trọng điểm",
        date(2024, 2, 13),
        time(17, 38),
        "Long An",
        "Đài Phát thanh và Truyền hình Long An",
        "Phạm Văn Bốn",
        "hoi_nghi",
    ),
    (
        "003",
        "Triển khai nhiệm vụ công tác dân vận quý II/ 2024",
        date(2024, 4, 11),
        None,
        "Hòa Bình",
        "Báo Hòa Bình",
        "Bùi Tiến Lực",
        "giao_ban",
    ),
    (
        "004",
        "Hội nghị giao ban công tác Dân vận 6 tháng đầu năm 2019",
        date(2019, 6, 27),
        time(15, 4),
        "Long An",
        "Đài Phát thanh và Truyền hình Long An",
        "Nguyễn Thị Ngọc Hạnh",
        "giao_ban",
    ),
]
SUCCESSORS = {"Long An": "Tây Ninh", "Hòa Bình": "Phú Thọ", "Lạng Sơn": "Lạng Sơn"}


def _province(name: str) -> Province:
    successor, _ = Province.objects.get_or_create(
        era="2025",
        slug=slugify_vi(SUCCESSORS[name]),
        defaults={"name": SUCCESSORS[name], "full_name": f"Tỉnh {SUCCESSORS[name]}", "code": "00"},
    )
    province, _ = Province.objects.get_or_create(
        era="legacy",
        slug=slugify_vi(name),
        defaults={"name": name, "full_name": f"Tỉnh {name}", "code": "00", "successor": successor},
    )
    return province


def seed_body(prefix: str) -> str:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return normalize_text(path.read_text(encoding="utf-8"))


def create_seed_articles() -> dict[str, Article]:
    articles = {}
    for prefix, title, published, at, province, outlet, official, kind in SEED_TABLE:
        body = seed_body(prefix)
        article = Article.objects.create(
            title=title,
            text=body,
            raw=body,
            source_file=f"seeds/{prefix}.txt",
            content_hash=f"hash-{prefix}",
            published_on=published,
            published_time=at,
            date_precision="day",
            province=_province(province) if province else None,
            outlet=Outlet.objects.get_or_create(name=outlet)[0] if outlet else None,
        )
        person, _ = Official.objects.get_or_create(name=official, defaults={"key": slugify_vi(official)})
        ArticleOfficial.objects.create(
            article=article, official=person, position="Trưởng Ban Dân vận Tỉnh ủy"
        )
        Event.objects.create(article=article, kind=kind)
        articles[prefix] = article
    return articles


def rebuild(ids=None) -> None:
    backend = indexing.backend()
    backend.clear()
    indexing.index_articles(ids if ids is not None else Article.objects.values_list("pk", flat=True))


@pytest.fixture
def seeds(db) -> dict[str, Article]:
    """The five seed articles in the database and, alone, in a fresh index."""
    with indexing.suspended():
        articles = create_seed_articles()
    rebuild()
    return articles


@pytest.fixture
def reindex():
    """Clear the index and index every article in the database (or the ids given)."""
    return rebuild


@pytest.fixture
def seeds_committed(transactional_db) -> dict[str, Article]:
    """The seeds committed for real (for tests that write from several threads)."""
    with indexing.suspended():
        articles = create_seed_articles()
    rebuild()
    return articles
