"""What extraction returns: plain dataclasses, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

# Date precision: how much of `published_on` the source really gave.
PRECISION_DAY = "day"  # day, month and year printed together
PRECISION_YEAR_INFERRED = "year_inferred"  # "Sáng 09/7": the year came from context

EVENT_KINDS = ("so_ket", "tong_ket", "giao_ban", "hoi_nghi", "other")


@dataclass
class OfficialMention:
    name: str  # as printed, normalised ("Nguyễn Thị Ngọc Hạnh")
    position: str = ""  # as the article gives it ("Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy")
    chaired: bool = False  # chaired the meeting the article reports
    position_canonical: str = ""  # archive.extract.positions.canonical_position(position)


@dataclass
class EventInfo:
    kind: str  # one of EVENT_KINDS
    period: str = ""  # "6 tháng đầu năm 2020", "quý I/2024", "năm 2018"
    period_start: date | None = None
    period_end: date | None = None
    held_on: date | None = None
    location: str = ""
    chair: str = ""  # name of the official who chaired it, "" when unknown


@dataclass
class ExtractedArticle:
    source_name: str  # file name, or "file.jsonl.gz#<id>" for one line of an export
    raw: str  # the untouched input (decoded text of the file, or the JSON line)
    title: str
    text: str  # clean body: paragraphs separated by a blank line, chrome removed
    published_on: date | None = None
    published_time: time | None = None
    date_precision: str = ""  # PRECISION_* or "" when there is no date
    province: str = ""  # pre-2025 province short name as in the gazetteer ("Hòa Bình"), "" if unsure
    province_evidence: str = ""  # why: "source code LSO", "outlet footer", "district Kim Bôi", ...
    district: str = ""  # district named by the article when it told us the province
    outlet_name: str = ""
    outlet_code: str = ""
    outlet_site: str = ""
    url: str = ""
    authors: list[str] = field(default_factory=list)
    officials: list[OfficialMention] = field(default_factory=list)
    events: list[EventInfo] = field(default_factory=list)
    review_reasons: list[str] = field(default_factory=list)  # non-empty → needs review
    # Why each field holds what it holds: {"date": {"rule", "words", "line"}, "province": …, "district",
    # "outlet", "meeting", "officials": [{"name", "position", "rule", "words"}]}. Stored on the Article.
    evidence: dict = field(default_factory=dict)
    # How much this is dân vận news (archive.extract.relevance): its evidence is evidence["relevance"].
    relevance: int = 0
    dan_van: bool = False


@dataclass
class ExtractFailure:
    source_name: str
    reason: str  # human-readable, names what was wrong: "not UTF-8 (byte 0x9c at offset 12)"
    path: str = ""  # the full path (with "#<line>" for a line of an export), for the report
