"""Score extraction against a gold file: per-field accuracy, officials P/R/F1, every miss listed.

The gold file is one JSON object keyed by source name (the file name, or "file.jsonl.gz#<id>"):

    {"d01.txt": {"title": "...", "date": "2023-02-03" | null, "province": "Phú Thọ" | "",
                 "district": "" , "meeting": "tong_ket" | null, "officials": [["Name", "Position"]],
                 "authors": ["..."], "flags": ["year inferred"]}}

A field left out of a gold entry is not scored for that article. `flags` are review-reason codes that
must be raised (extra reasons are not penalised: doubt costs an editor a look, a wrong value costs
the archive). Pure Python: the management command `score_extraction` only prints what this returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .normalize import fold_key
from .reasons import reason_code
from .types import ExtractedArticle, ExtractFailure

FIELDS = ("title", "date", "province", "district", "meeting", "authors", "flags")


def _position_key(text: str) -> str:
    return " ".join(text.replace(",", " , ").split()).casefold().strip(" ,.;")


def _got(article: ExtractedArticle, name: str):
    if name == "title":
        return article.title
    if name == "date":
        return article.published_on.isoformat() if article.published_on else None
    if name == "province":
        return article.province
    if name == "district":
        return article.district
    if name == "meeting":
        return article.events[0].kind if article.events else None
    if name == "authors":
        return sorted(article.authors)
    if name == "flags":
        return sorted({reason_code(r) for r in article.review_reasons})
    raise KeyError(name)


def _right(name: str, got, want) -> bool:
    if name == "authors":
        return got == sorted(want)
    if name == "flags":
        return set(want) <= set(got)
    if name == "title":
        return " ".join(got.split()) == " ".join(want.split())
    return got == want


@dataclass
class Score:
    fields: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0] for f in FIELDS})  # right, total
    officials: list[int] = field(default_factory=lambda: [0, 0, 0])  # matched, extracted, gold
    positions: list[int] = field(default_factory=lambda: [0, 0])  # exact, matched
    misses: list[str] = field(default_factory=list)
    articles: int = 0

    def accuracy(self, name: str) -> float:
        right, total = self.fields[name]
        return right / total if total else 1.0

    @property
    def precision(self) -> float:
        return self.officials[0] / self.officials[1] if self.officials[1] else 1.0

    @property
    def recall(self) -> float:
        return self.officials[0] / self.officials[2] if self.officials[2] else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def position_accuracy(self) -> float:
        return self.positions[0] / self.positions[1] if self.positions[1] else 1.0

    def summary(self) -> dict[str, float]:
        out = {name: round(self.accuracy(name), 4) for name in FIELDS}
        out |= {
            "officials_precision": round(self.precision, 4),
            "officials_recall": round(self.recall, 4),
            "officials_f1": round(self.f1, 4),
            "positions_exact": round(self.position_accuracy, 4),
        }
        return out

    def lines(self) -> list[str]:
        """The report as text: one line per field, then every miss."""
        out = [f"{self.articles} articles scored"]
        for name in FIELDS:
            right, total = self.fields[name]
            out.append(f"{name:<10} {right:>4}/{total:<4} {self.accuracy(name):7.1%}")
        m, e, g = self.officials
        out.append(
            f"officials  P {self.precision:.3f} ({m}/{e})  R {self.recall:.3f} ({m}/{g})  F1 {self.f1:.3f}"
        )
        out.append(f"positions  {self.positions[0]:>4}/{self.positions[1]:<4} {self.position_accuracy:7.1%}")
        if self.misses:
            out.append(f"misses ({len(self.misses)}):")
            out.extend(f"  {miss}" for miss in self.misses)
        return out


def score(items: Iterable[ExtractedArticle | ExtractFailure], gold: dict[str, dict]) -> Score:
    """Compare each extracted item with its gold entry (items without one are skipped)."""
    result = Score()
    seen: set[str] = set()
    for item in items:
        want = gold.get(item.source_name)
        if want is None:
            continue
        seen.add(item.source_name)
        result.articles += 1
        if isinstance(item, ExtractFailure):
            for name in FIELDS:
                if name in want:
                    result.fields[name][1] += 1
            result.officials[2] += len(want.get("officials", []))
            result.misses.append(f"{item.source_name}: failed: {item.reason}")
            continue
        for name in FIELDS:
            if name not in want:
                continue
            got = _got(item, name)
            result.fields[name][1] += 1
            if _right(name, got, want[name]):
                result.fields[name][0] += 1
            else:
                result.misses.append(f"{item.source_name}: {name}: got {got!r}, want {want[name]!r}")
        if "officials" in want:
            _score_officials(result, item, want["officials"])
    for name in sorted(set(gold) - seen):
        result.misses.append(f"{name}: in the gold file but not extracted")
    return result


def _score_officials(result: Score, item: ExtractedArticle, gold: list[list[str]]) -> None:
    wanted = {fold_key(name): (name, position) for name, position in gold}
    got = {fold_key(o.name): o for o in item.officials}
    result.officials[1] += len(got)
    result.officials[2] += len(wanted)
    for key, official in got.items():
        if key not in wanted:
            result.misses.append(f"{item.source_name}: official not in gold: {official.name!r}")
            continue
        result.officials[0] += 1
        result.positions[1] += 1
        want_position = wanted[key][1]
        if _position_key(official.position) == _position_key(want_position):
            result.positions[0] += 1
        else:
            result.misses.append(
                f"{item.source_name}: position of {official.name}: got {official.position!r}, "
                f"want {want_position!r}"
            )
    for key, (name, _position) in wanted.items():
        if key not in got:
            result.misses.append(f"{item.source_name}: official missed: {name!r}")
