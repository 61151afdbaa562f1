"""One gazetteer: every reading of the province table, and the one function that resolves a province.

The table is vietnamadminunits' (MIT): 63 provinces before 1 July 2025 with their districts
(`admin_units_legacy`), the 34 from 2025 (`admin_units`). Extraction reads the legacy names and
districts from here (`legacy_units`), the province loader and the map read their rows and seats from
here, and every parameter, form and API that takes a province calls `province_resolve`: five readers
of the same table is how `/api/articles/?province=Long An` came to answer 400 while
`/api/search/?province=Long An` answered 200 (issue #18).

The module imports nothing of the project at load time: `archive/extract/` (pure Python, no Django)
imports it while its own package is loading; `province_resolve` imports the model when called.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archive.models import Province

# The legacy table already carries Huế's 2025 city status; the pre-2025 province was "Thừa Thiên Huế".
LEGACY_RENAMED = {"Huế": "Thừa Thiên Huế"}
# Extra spellings seen in print → gazetteer short name.
ALIASES = {"Thừa Thiên - Huế": "Thừa Thiên Huế", "TP.HCM": "Hồ Chí Minh", "TPHCM": "Hồ Chí Minh"}
SUFFIX_2025 = "-2025"  # a 2025 province's reference: its slug + this (`tay-ninh-2025`)
LABEL_2025 = " (2025)"  # a 2025 province as a name: "Tây Ninh (2025)" (how `str(province)` prints it)

# Words that may stand before a name in a parameter ("Tỉnh Long An", "TP Hồ Chí Minh"), as slugs.
_PREFIXES = re.compile(r"^(?:tinh|thanh-pho|tp)-")


@cache
def _alias_slugs() -> dict[str, str]:
    from archive.extract.normalize import slugify_vi

    return {slugify_vi(k): slugify_vi(v) for k, v in ALIASES.items()}


def canonical_province(name: str) -> str:
    """A province name as printed → the gazetteer's short name ("TP.HCM" → "Hồ Chí Minh")."""
    return ALIASES.get(name, LEGACY_RENAMED.get(name, name))


@cache
def legacy_units() -> tuple[tuple[str, str | None], ...]:
    """(province, district) pairs of the 63 pre-2025 provinces, provinces as articles name them."""
    from vietnamadminunits.database import query  # local import: the SQLite read happens once

    rows = query("SELECT DISTINCT provinceShort, districtShort FROM admin_units_legacy")
    return tuple(
        (LEGACY_RENAMED.get(r["provinceShort"], r["provinceShort"]), r["districtShort"]) for r in rows
    )


def province_rows(era: str, *, successors: bool = False) -> list[dict]:
    """The provinces of one era ("legacy" or "2025") as the table gives them: code, name, full name,
    the seat's coordinates, and with `successors` a legacy province's 2025 successor's short name
    (the package's converter: about 3 s the first time in a process, so only the loader asks)."""
    from vietnamadminunits.database import get_data

    from archive.extract.normalize import normalize_line

    table = "admin_units_legacy" if era == "legacy" else "admin_units"
    rows = []
    for row in get_data(["provinceCode", "province", "provinceShort", "provinceLat", "provinceLon"], table):
        short = normalize_line(row["provinceShort"])
        out = {
            "code": row["provinceCode"],
            "name": short,
            "full_name": normalize_line(row["province"]),
            "lat": row["provinceLat"],
            "lon": row["provinceLon"],
        }
        if era == "legacy":
            if successors:
                from vietnamadminunits import convert_address

                out["successor"] = normalize_line(convert_address(row["province"]).short_province)
            renamed = LEGACY_RENAMED.get(row["provinceShort"])
            if renamed:
                out["name"], out["full_name"] = renamed, f"Tỉnh {renamed}"
        rows.append(out)
    return rows


def province_key(value: str) -> tuple[str, bool | None]:
    """A province parameter → (slug, era): era True for 2025, False for before, None when the value
    does not say. Pure: "Long An", "long an", "long-an", "Tỉnh Long An" → ("long-an", None);
    "tay-ninh-2025", "Tây Ninh (2025)" → ("tay-ninh", True); "TP.HCM" → ("ho-chi-minh", None)."""
    from archive.extract.normalize import normalize_line, slugify_vi

    aliases = _alias_slugs()
    text = normalize_line(value or "").strip()
    is_2025: bool | None = None
    if text.endswith(LABEL_2025):
        text, is_2025 = text[: -len(LABEL_2025)], True
    slug = slugify_vi(text)
    if slug.endswith(SUFFIX_2025):
        slug, is_2025 = slug[: -len(SUFFIX_2025)], True
    slug = aliases.get(slug, slug)
    if slug not in aliases.values():
        bare = _PREFIXES.sub("", slug)
        slug = aliases.get(bare, bare)
    return slug, is_2025


def province_resolve(value: str) -> Province | None:
    """The province a parameter names, or None: a name with or without diacritics ("Long An", "long
    an"), the slug the URLs use ("long-an"), the full name ("Tỉnh Long An"), a spelling seen in print
    ("TP.HCM"), or a 2025 province ("tay-ninh-2025", "Tây Ninh (2025)").

    A bare name or slug means the province as articles before July 2025 name it; when only a 2025
    province has it ("Huế"), the 2025 one.
    """
    from archive.models import Province

    slug, is_2025 = province_key(value)
    if not slug:
        return None
    eras = [Province.Era.FROM_2025] if is_2025 else [Province.Era.BEFORE_2025, Province.Era.FROM_2025]
    found = {p.era: p for p in Province.objects.select_related("successor").filter(slug=slug, era__in=eras)}
    return next((found[e] for e in eras if e in found), None)


def province_member_ids(province: Province) -> list[int]:
    """The legacy provinces whose articles a province stands for: itself, or (2025) its predecessors."""
    if province.is_2025:
        return list(province.predecessors.values_list("pk", flat=True))
    return [province.pk]


def province_member_names(province: Province) -> list[str]:
    """The names articles give the provinces a province stands for (the search index holds these)."""
    if province.is_2025:
        return list(province.predecessors.order_by("name").values_list("name", flat=True))
    return [province.name]


def unknown_province_message(name: str, value: str) -> str:
    """The one error every API and form gives for a province it cannot resolve."""
    return (
        f"{name}: no province {value!r} (a name with or without diacritics, a slug such as 'long-an', "
        f"or a 2025 province such as 'tay-ninh-2025'; see /api/provinces/)"
    )
