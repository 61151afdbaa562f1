"""Paths and helpers shared by the extraction tests (a plain module: tests/extract is no package)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data" / "extract"
CORPUS = ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"


def as_json(article) -> dict:
    """The extraction as plain JSON (dates as ISO strings), without `raw`."""

    def default(value):
        if isinstance(value, (date, time)):
            return value.isoformat()
        raise TypeError(value)

    data = dataclasses.asdict(article)
    data.pop("raw")
    return json.loads(json.dumps(data, default=default, ensure_ascii=False))
