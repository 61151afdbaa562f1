"""Articles shaped like the corpus (a JSONL export through the real ingest): several provinces
before and after the 2025 merger, officials reported over years, meetings, outlets, undated ones."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_ingest

# (province as the article names it, outlet, official, position)
PLACES = [
    ("Long An", "Báo Long An", "Trần Thị Mai", "Trưởng Ban Dân vận Tỉnh ủy Long An"),
    ("Tây Ninh", "Báo Tây Ninh", "Nguyễn Văn Hùng", "Trưởng Ban Dân vận Tỉnh ủy Tây Ninh"),
    ("Hòa Bình", "Báo Hòa Bình", "Bùi Văn Cửu", "Phó Trưởng Ban Dân vận Tỉnh ủy Hòa Bình"),
]


def corpus_like_lines(n: int, *, start: int = 0) -> list[str]:
    lines = []
    for i in range(start, start + n):
        province, outlet, official, position = PLACES[i % len(PLACES)]
        year = 2019 + i % 6
        month = 1 + i % 12
        quarter = "I" if month <= 3 else "II" if month <= 6 else "III" if month <= 9 else "IV"
        text = (
            f"Sáng 12/{month}/{year}, Ban Dân vận Tỉnh ủy {province} tổ chức hội nghị giao ban công tác "
            f"dân vận quý {quarter}/{year}.\n\n"
            f"Đồng chí {official}, Ủy viên Ban Thường vụ Tỉnh ủy, {position} chủ trì hội nghị.\n\n"
            f"Hội nghị đánh giá kết quả phong trào thi đua Dân vận khéo trên địa bàn tỉnh {province}, "
            f"bài số {i}."
        )
        record = {
            "id": f"browse-{i}",
            "title": f"Giao ban công tác dân vận quý {quarter}/{year} ({province}, bài {i})",
            "text": text,
            "url": f"https://example.vn/bai/{i}",
            "outlet": outlet,
        }
        if i % 7 != 6:  # every seventh carries no date at all, as 82% of the corpus does
            record["published"] = f"{year}-{month:02d}-12"
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def ingest_corpus_like(tmp_path: Path, n: int, *, start: int = 0, name: str = "browse.jsonl") -> None:
    path = tmp_path / name
    path.write_text("\n".join(corpus_like_lines(n, start=start)) + "\n", encoding="utf-8")
    run_ingest(str(path))
