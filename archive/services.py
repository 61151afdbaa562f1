"""Writes. Every change to stored articles goes through here (ingest, admin actions)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Prefetch
from simple_history.utils import bulk_create_with_history

from archive import selectors
from archive.extract import reasons as review
from archive.extract.inputs import mojibake_reason, show, text_problem
from archive.extract.normalize import fold_key, slugify_vi
from archive.extract.positions import canonical_position
from archive.extract.types import ExtractedArticle
from archive.gazetteer import province_rows
from archive.models import (
    Article,
    ArticleOfficial,
    Event,
    IndexPending,
    Official,
    OfficialAlias,
    Outlet,
    Province,
    ReaderReport,
)
from archive.signals import articles_queued

# Article fields that come from extraction; a person's edit in the admin wins over re-ingest.
EXTRACTED_FIELDS = (
    "title",
    "text",
    "url",
    "published_on",
    "published_time",
    "date_precision",
    "province",
    "district",
    "outlet",
    "authors",
    "dan_van",
    "needs_review",
    "review_reasons",
)
RELATED_FIELDS = ("officials", "events")

NEW, UPDATED, UNCHANGED, DUPLICATE, FAILED = "new", "updated", "unchanged", "duplicate", "failed"


def content_hash(*, title: str, text: str) -> str:
    """Hash of the normalised title and body: the same text twice is one article."""
    return hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest()


# --- the search index's queue (docs/index-integrity.md) -------------------------------------------


def articles_queue_for_index(ids: Iterable[int]) -> int:
    """Record that these articles' search documents must be rewritten; returns how many rows.

    Call it inside the transaction that changes the articles: the row commits with the change or
    not at all, so no committed change can be missing from the queue.
    """
    ids = sorted({int(pk) for pk in ids if pk is not None})
    if not ids:
        return 0
    IndexPending.objects.bulk_create([IndexPending(article_id=pk) for pk in ids], batch_size=500)
    articles_queued.send(sender=IndexPending, article_ids=ids)
    return len(ids)


def articles_queue_all_for_index() -> int:
    """Queue every article (after a restore or a schema change of the index)."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        return articles_queue_for_index(ids)


# --- provinces ---------------------------------------------------------------------------------


def provinces_load_if_empty() -> None:
    if not Province.objects.exists():
        provinces_load()


def provinces_load() -> int:
    """Load the 63 pre-2025 provinces and the 34 from 2025 from the vietnamadminunits gazetteer.

    Idempotent; returns how many provinces were created.
    """
    created = 0
    current: dict[str, Province] = {}
    for row in province_rows("2025"):
        province, was_created = Province.objects.update_or_create(
            era=Province.Era.FROM_2025,
            slug=slugify_vi(row["name"]),
            defaults={"name": row["name"], "full_name": row["full_name"], "code": row["code"]},
        )
        current[row["name"]] = province
        created += was_created
    for row in province_rows("legacy", successors=True):
        # The package's legacy table already gives Huế its 2025 city name; articles before
        # 2025 name the province "Thừa Thiên Huế", as extraction does (the gazetteer renames it).
        _, was_created = Province.objects.update_or_create(
            era=Province.Era.BEFORE_2025,
            code=row["code"],
            defaults={
                "name": row["name"],
                "slug": slugify_vi(row["name"]),
                "full_name": row["full_name"],
                "successor": current[row["successor"]],
            },
        )
        created += was_created
    return created


# --- ingest ------------------------------------------------------------------------------------


@dataclass
class IngestOutcome:
    status: str  # NEW, UPDATED, UNCHANGED, DUPLICATE or FAILED
    article: Article
    source_name: str = ""
    changed: list[str] = field(default_factory=list)
    duplicate_of: str = ""
    reason: str = ""  # FAILED: the field at fault and why
    path: str = ""  # FAILED: the file or line, for the report (two items may share a source name)


# --- validation of extracted items (what the admin form would refuse is never stored) ---------

_HTTP_URL = URLValidator(schemes=["http", "https"])


def _field_error(name: str, error: ValidationError) -> str:
    return f"{name}: {' '.join(error.messages)}"


def _check_text(name: str, value: str, *, single_line: bool) -> str | None:
    problem = text_problem(value)
    if problem:
        return f"{name}: {problem}"
    if single_line and ("\n" in value or "\t" in value):
        return f"{name}: line break or tab in a one-line field"
    return None


def item_problems(item: ExtractedArticle) -> list[str]:
    """Why an extracted article may not be stored, field by field ([] when it may).

    The same rules as the admin form (the model's lengths and choices, http(s) addresses only),
    plus what no form would let through: control and bidi-override characters, NUL bytes, lone
    surrogates, and VNI/TCVN3 text read as Latin-1 (mojibake).
    """
    problems: list[str] = []
    one_line = {
        "title": item.title,
        "source file": item.source_name,
        "district": item.district,
        "outlet": item.outlet_name,
        "outlet code": item.outlet_code,
        "outlet site": item.outlet_site,
        "url": item.url,
    }
    one_line.update({f"author {n}": a for n, a in enumerate(item.authors, 1) if isinstance(a, str)})
    for mention in item.officials:
        one_line[f"official {mention.name[:40]!r}"] = f"{mention.name} {mention.position}"
    for name, value in one_line.items():
        if not isinstance(value, str):
            problems.append(f"{name}: expected text, got {type(value).__name__}")
        elif problem := _check_text(name, value, single_line=True):
            problems.append(problem)
    if problem := _check_text("text", item.text, single_line=False):
        problems.append(problem)
    if not any(ch.isalnum() for ch in item.title):
        problems.append("title: no letters or digits")
    if problems:
        return problems
    if reason := mojibake_reason(f"{item.title}\n{item.text}"):
        problems.append(f"text: {reason}")
    if item.url:
        try:
            _HTTP_URL(item.url)
        except ValidationError:
            problems.append(f"url: only http(s) web addresses are stored, got {show(item.url[:80])!r}")
    article = Article(
        title=item.title,
        text=item.text,
        raw=item.raw,
        source_file=item.source_name,
        url=item.url,
        published_on=item.published_on,
        published_time=item.published_time,
        date_precision=item.date_precision,
        district=item.district,
        authors=list(item.authors),
        review_reasons=list(item.review_reasons),
    )
    try:
        article.clean_fields(exclude=["province", "outlet", "content_hash", "url"])
    except ValidationError as error:
        problems += [_field_error(name, ValidationError(msgs)) for name, msgs in error.message_dict.items()]
    checks = []
    if item.outlet_name:
        outlet = Outlet(name=outlet_name_vi(item.outlet_name), code=item.outlet_code, site=item.outlet_site)
        checks.append(("outlet", outlet))
    for mention in item.officials:
        checks.append(("official", Official(name=mention.name, key=fold_key(mention.name) or "?")))
        checks.append(("official position", ArticleOfficial(position=mention.position)))
    for event in item.events:
        checks.append(("event", Event(kind=event.kind, period=event.period, location=event.location)))
        if event.chair:
            checks.append(("event chair", Official(name=event.chair, key=fold_key(event.chair) or "?")))
    for label, obj in checks:
        try:
            obj.clean_fields(exclude=["article", "official", "province", "chair"])
        except ValidationError as error:
            problems += [
                _field_error(f"{label} {name}", ValidationError(msgs))
                for name, msgs in error.message_dict.items()
            ]
    return problems


# Aggregator exports name a placeholder, not an outlet: "baomoi.com aggregator (original outlet not
# recorded)". Readers and editors see it in Vietnamese; the site stays as printed.
_AGGREGATOR_PLACEHOLDER = re.compile(r"^(?P<site>\S+) aggregator \(original outlet not recorded\)$")


def outlet_name_vi(name: str) -> str:
    match = _AGGREGATOR_PLACEHOLDER.match(name)
    return f"{match['site']} (trang tổng hợp, không ghi cơ quan gốc)" if match else name


class IngestLookups:
    """Per-run caches so a 100,000-article run does not ask the database for every name."""

    def __init__(self) -> None:
        self.provinces = {p.name: p for p in Province.objects.filter(era=Province.Era.BEFORE_2025)}
        self.outlets: dict[str, Outlet] = {}
        self.officials: dict[str, Official] = {}
        # Spellings an editor merged away (officials_merge) land on the official they kept.
        self.aliases = dict(OfficialAlias.objects.values_list("key", "official__key"))
        # Source name → the file or line that took it in this run: a second one is a collision.
        self.claimed: dict[str, str] = {}

    def claim(self, item: ExtractedArticle) -> str | None:
        """Take the item's source name for this run; why not, when another file or line has it."""
        where = getattr(item, "path", "")
        if not where:
            return None
        first = self.claimed.setdefault(item.source_name, where)
        if first == where:
            return None
        return (
            f"source name {show(item.source_name)!r} already taken in this run by {show(first)}: "
            "not stored over it (give each its own name, or ingest the folder above both)"
        )

    def forget_unsaved(self) -> None:
        """After a rolled-back batch (dry run), drop cached rows that were never committed."""
        self.outlets.clear()
        self.officials.clear()

    def outlet(self, item: ExtractedArticle) -> Outlet | None:
        if not item.outlet_name:
            return None
        outlet = self.outlets.get(item.outlet_name)
        if outlet is None:
            outlet, _ = Outlet.objects.get_or_create(
                name=outlet_name_vi(item.outlet_name),
                defaults={
                    "code": item.outlet_code,
                    "site": item.outlet_site,
                    "province": self.provinces.get(item.province),
                },
            )
            self.outlets[item.outlet_name] = outlet
        return outlet

    def officials_prefetch(self, items: list[ExtractedArticle]) -> None:
        """One query (and one bulk insert) for a batch's officials instead of one per name: issue 10
        reads more officials, and a round trip per name would slow ingest below its target."""
        names: dict[str, str] = {}
        for item in items:
            for name in [m.name for m in item.officials] + [e.chair for e in item.events if e.chair]:
                names.setdefault(self.official_key(name), name)
        missing = [k for k in names if k not in self.officials]
        if not missing:
            return
        for official in Official.objects.filter(key__in=missing):
            self.officials[official.key] = official
        new = [Official(name=names[k], key=k) for k in missing if k not in self.officials]
        if new:
            bulk_create_with_history(new, Official, batch_size=500)
            for official in Official.objects.filter(key__in=[o.key for o in new]):
                self.officials[official.key] = official

    def official_key(self, name: str) -> str:
        key = fold_key(name)
        return self.aliases.get(key, key)

    def official(self, name: str) -> Official:
        key = self.official_key(name)
        official = self.officials.get(key)
        if official is None:
            official, _ = Official.objects.get_or_create(key=key, defaults={"name": name})
            self.officials[key] = official
        return official


def _article_values(item: ExtractedArticle, lookups: IngestLookups) -> dict:
    reasons = list(item.review_reasons)
    province = lookups.provinces.get(item.province) if item.province else None
    if item.province and province is None:
        reasons.append(f"{review.PROVINCE_NOT_IN_GAZETTEER}: {item.province}")
    return {
        "title": item.title,
        "text": item.text,
        "url": item.url,
        "published_on": item.published_on,
        "published_time": item.published_time,
        "date_precision": item.date_precision,
        "province": province,
        "district": item.district,
        "outlet": lookups.outlet(item),
        "authors": list(item.authors),
        "dan_van": item.dan_van,
        "needs_review": bool(reasons),
        "review_reasons": reasons,
        # Not in EXTRACTED_FIELDS: always the latest extraction's (an editor sets the flag, not these).
        "relevance": item.relevance,
        "evidence": item.evidence,
    }


def _related_rows(item: ExtractedArticle, article: Article, lookups: IngestLookups):
    mentions: dict[int, ArticleOfficial] = {}
    for m in item.officials:  # two spellings merged into one official are one mention
        official = lookups.official(m.name)
        mentions.setdefault(
            official.pk,
            ArticleOfficial(
                article=article,
                official=official,
                position=m.position,
                position_canonical=m.position_canonical or canonical_position(m.position),
            ),
        )
    mentions = list(mentions.values())
    events = [
        Event(
            article=article,
            kind=e.kind,
            period=e.period,
            period_start=e.period_start,
            period_end=e.period_end,
            held_on=e.held_on,
            location=e.location,
            chair=lookups.official(e.chair) if e.chair else None,
        )
        for e in item.events
    ]
    return mentions, events


# What makes two events the same meeting, on a stored Event and on an extracted EventInfo alike.
_EVENT_FIELDS = ("kind", "period", "period_start", "period_end", "held_on", "location")


def _event_signature(event, chair_key: str) -> tuple:
    return (*(getattr(event, name) for name in _EVENT_FIELDS), chair_key)


def _related_signature(article: Article) -> tuple:
    # .all(): served from the batch's prefetch, not one query per article
    mentions = sorted((m.official.key, m.position, m.position_canonical) for m in article.mentions.all())
    events = sorted(_event_signature(e, e.chair.key if e.chair else "") for e in article.events.all())
    return tuple(mentions), tuple(events)


def _item_signature(item: ExtractedArticle, lookups: IngestLookups) -> tuple:
    key = lookups.official_key
    positions: dict[str, tuple[str, str]] = {}
    for m in item.officials:  # two spellings merged into one official are one mention
        positions.setdefault(
            key(m.name), (m.position, m.position_canonical or canonical_position(m.position))
        )
    mentions = sorted((k, written, canonical) for k, (written, canonical) in positions.items())
    events = sorted(_event_signature(e, key(e.chair) if e.chair else "") for e in item.events)
    return tuple(mentions), tuple(events)


@transaction.atomic
def articles_ingest_batch(
    *, items: Iterable[ExtractedArticle], overwrite: bool = False, lookups: IngestLookups | None = None
) -> list[IngestOutcome]:
    """Create or update the articles of one batch in one transaction.

    A file seen before with the same content changes nothing. A changed file updates its
    article, except fields a person edited in the admin (unless `overwrite`). The same text
    under another file name is reported as a duplicate and not stored twice.
    """
    lookups = lookups or IngestLookups()
    failed: list[IngestOutcome] = []
    valid = []
    for item in items:
        problems = item_problems(item)
        if problems:
            failed.append(
                IngestOutcome(
                    FAILED,
                    Article(source_file=item.source_name),
                    item.source_name,
                    reason="; ".join(problems),
                    path=getattr(item, "path", ""),
                )
            )
        else:
            valid.append(item)
    items = []
    for item in valid:
        if clash := lookups.claim(item):
            failed.append(
                IngestOutcome(
                    FAILED,
                    Article(source_file=item.source_name),
                    item.source_name,
                    reason=clash,
                    path=getattr(item, "path", ""),
                )
            )
        else:
            items.append(item)
    lookups.officials_prefetch(items)
    by_source = Article.objects.prefetch_related(
        Prefetch("mentions", queryset=ArticleOfficial.objects.select_related("official")),
        Prefetch("events", queryset=Event.objects.select_related("chair")),
    ).in_bulk([i.source_name for i in items], field_name="source_file")
    hashes = {content_hash(title=i.title, text=i.text): i for i in items}
    by_hash = {
        a.content_hash: a
        for a in Article.objects.filter(content_hash__in=list(hashes)).only(
            "id", "source_file", "content_hash", "origin"
        )
    }

    outcomes: list[IngestOutcome] = failed
    to_create: list[tuple[ExtractedArticle, Article]] = []
    seen_hashes: dict[str, str] = {}
    for item in items:
        digest = content_hash(title=item.title, text=item.text)
        origin = getattr(item, "origin", "")
        existing = by_source.get(item.source_name)
        if existing is not None:
            if origin and existing.origin and existing.origin != origin and existing.raw != item.raw:
                if not overwrite:
                    outcomes.append(_collision(item, existing))
                    continue
            outcomes.append(
                _article_update(
                    article=existing, item=item, digest=digest, overwrite=overwrite, lookups=lookups
                )
            )
            continue
        twin = by_hash.get(digest)
        if twin is not None and origin and not twin.origin and twin.source_file == legacy_source_name(item):
            # Stored before source names were paths (a nested file under its bare name): the same
            # text, so the same article; it takes its new name instead of being reported a duplicate.
            twin.source_file, twin.origin = item.source_name, origin
            Article.objects.filter(pk=twin.pk).update(source_file=twin.source_file, origin=origin)
            outcomes.append(IngestOutcome(UNCHANGED, twin, item.source_name))
            continue
        if twin is not None or digest in seen_hashes:
            source = twin.source_file if twin is not None else seen_hashes[digest]
            outcomes.append(
                IngestOutcome(
                    DUPLICATE, twin or Article(source_file=source), item.source_name, duplicate_of=source
                )
            )
            continue
        seen_hashes[digest] = item.source_name
        article = Article(
            raw=item.raw,
            source_file=item.source_name,
            origin=origin,
            content_hash=digest,
            **_article_values(item, lookups),
        )
        article.full_clean(
            exclude=["province", "outlet", "content_hash", "source_file", "url"], validate_unique=False
        )
        to_create.append((item, article))

    if to_create:
        created = bulk_create_with_history([a for _, a in to_create], Article, batch_size=500)
        mentions, events = [], []
        for (item, _), article in zip(to_create, created, strict=True):
            m, e = _related_rows(item, article, lookups)
            mentions += m
            events += e
            outcomes.append(IngestOutcome(NEW, article, item.source_name))
        ArticleOfficial.objects.bulk_create(mentions, batch_size=500)
        Event.objects.bulk_create(events, batch_size=500)
    # Same transaction as the rows: a run killed after this batch committed leaves its articles
    # queued, and the next drain indexes them even though a rerun finds them unchanged.
    articles_queue_for_index(o.article.pk for o in outcomes if o.status in (NEW, UPDATED))
    # bulk_create sends no signals: the cached counts of the browse pages are forgotten here.
    transaction.on_commit(selectors.counts_invalidate)
    return outcomes


def legacy_source_name(item: ExtractedArticle) -> str:
    """The name ingest gave this item before source names were paths: the file's bare name."""
    file, hash_sign, line = item.source_name.partition("#")
    return file.rsplit("/", 1)[-1] + hash_sign + line


def _collision(item: ExtractedArticle, existing: Article) -> IngestOutcome:
    reason = (
        f"source name {show(item.source_name)!r} belongs to a stored article read from "
        f"{show(existing.origin)} (#{existing.pk}), with other text: not stored over it (give each "
        "its own name or ingest the folder above both; --overwrite if this file replaces that one)"
    )
    return IngestOutcome(FAILED, existing, item.source_name, reason=reason, path=getattr(item, "path", ""))


def _article_update(
    *, article: Article, item: ExtractedArticle, digest: str, overwrite: bool, lookups: IngestLookups
) -> IngestOutcome:
    protected = set() if overwrite else set(article.edited_fields)
    values = _article_values(item, lookups)
    changed = []
    for name, value in values.items():
        if name in protected:
            continue
        current = getattr(article, name)
        if name in ("province", "outlet"):
            same = (current.pk if current else None) == (value.pk if value else None)
        else:
            same = current == value
        if not same:
            setattr(article, name, value)
            changed.append(name)
    if article.raw != item.raw:
        article.raw = item.raw
        changed.append("raw")
    new_hash = content_hash(title=article.title, text=article.text)
    if article.content_hash != new_hash:
        article.content_hash = new_hash
    related_protected = not overwrite and set(RELATED_FIELDS) & set(article.edited_fields)
    related_changed = not related_protected and _related_signature(article) != _item_signature(item, lookups)
    if overwrite and article.edited_fields:
        article.edited_fields = []
        changed.append("edited_fields")
    origin = getattr(item, "origin", "")
    moved = bool(origin) and article.origin != origin
    if moved:  # first read since the field existed, or the same text read from a new place
        article.origin = origin
    if moved and not changed:  # a save below writes it with the rest
        Article.objects.filter(pk=article.pk).update(origin=origin)
    if not changed and not related_changed:
        return IngestOutcome(UNCHANGED, article, item.source_name)
    if changed:
        article._change_reason = "ingest"
        article.save()
    if related_changed:
        article.mentions.all().delete()
        article.events.all().delete()
        mentions, events = _related_rows(item, article, lookups)
        ArticleOfficial.objects.bulk_create(mentions)
        Event.objects.bulk_create(events)
        changed += ["officials", "events"]
    return IngestOutcome(UPDATED, article, item.source_name, changed=changed)


# --- admin -------------------------------------------------------------------------------------


def article_mark_edited(*, article: Article, fields: Iterable[str]) -> None:
    """Remember which extracted fields a person changed, so re-ingest keeps them."""
    protected = set(EXTRACTED_FIELDS) | set(RELATED_FIELDS)
    edited = sorted(set(article.edited_fields) | (set(fields) & protected))
    if edited != article.edited_fields:
        article.edited_fields = edited
        Article.objects.filter(pk=article.pk).update(edited_fields=edited)


@transaction.atomic
def articles_mark_reviewed(*, articles: Iterable[Article]) -> int:
    count = 0
    for article in articles:
        if not article.needs_review:
            continue
        article.needs_review = False
        article.edited_fields = sorted(set(article.edited_fields) | {"needs_review", "review_reasons"})
        article._change_reason = "marked reviewed"
        article.save(update_fields=["needs_review", "edited_fields", "updated_at"])
        count += 1
    return count


# What an editor can protect from re-ingest, in the order the admin lists them.
PROTECTABLE_FIELDS = (*EXTRACTED_FIELDS, *RELATED_FIELDS)


def article_changed_fields(*, before: Article, after: Article) -> list[str]:
    """The extracted fields whose stored values differ between two states of one article.

    Compares values, not what a form saw submitted: a browser sends a textarea back with CRLF line
    endings, and a form's `changed_data` then reports an untouched text as changed (issue #7).
    """
    changed = []
    for name in EXTRACTED_FIELDS:
        attname = Article._meta.get_field(name).attname  # province_id, not a query per FK
        if getattr(before, attname) != getattr(after, attname):
            changed.append(name)
    return changed


def article_set_protected(*, article: Article, fields: Iterable[str]) -> list[str]:
    """Set exactly which fields re-ingest leaves alone (an editor clears protection here)."""
    edited = sorted(set(fields) & set(PROTECTABLE_FIELDS))
    if edited != sorted(article.edited_fields):
        article.edited_fields = edited
        Article.objects.filter(pk=article.pk).update(edited_fields=edited)
    return edited


@transaction.atomic
def articles_set_province(*, articles: Iterable[Article], province: Province | None) -> int:
    """Bulk action: give the articles this province; the choice is protected from re-ingest."""
    count = 0
    for article in articles:
        if article.province_id == (province.pk if province else None):
            continue
        article.province = province
        article.district = ""  # the district belonged to the old province
        article.edited_fields = sorted(set(article.edited_fields) | {"province", "district"})
        article._change_reason = f"tỉnh: {province.name if province else 'không rõ'}"
        article.save(update_fields=["province", "district", "edited_fields", "updated_at"])
        count += 1
    return count


def extract_stored(article: Article) -> ExtractedArticle:
    """Run extraction again on the raw input stored with the article (raises ExtractError)."""
    import json

    from archive.extract import extract_html, extract_record, extract_text

    name = article.source_file
    if "#" in name and name.split("#", 1)[0].lower().endswith((".jsonl", ".jsonl.gz")):
        return extract_record(json.loads(article.raw), source_name=name, raw=article.raw)
    if name.lower().endswith((".html", ".htm")) or name.startswith(("http://", "https://")):  # harvested
        return extract_html(article.raw, source_name=name)
    return extract_text(article.raw, source_name=name)


@dataclass
class ReextractResult:
    updated: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)  # "source: reason"
    fields: Counter = field(default_factory=Counter)  # field name → articles where it changed


@transaction.atomic
def articles_reextract(*, articles: Iterable[Article]) -> ReextractResult:
    """Bulk action: run today's extraction on the stored raw input, as a re-ingest of an unchanged
    file would, keeping every field an editor protected."""
    from archive.extract import ExtractError

    lookups = IngestLookups()
    result = ReextractResult()
    ids = [a.pk for a in articles]
    queryset = Article.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("mentions", queryset=ArticleOfficial.objects.select_related("official")),
        Prefetch("events", queryset=Event.objects.select_related("chair")),
    )
    for article in queryset:
        try:
            item = extract_stored(article)
        except (ExtractError, ValueError) as err:
            result.failed.append(f"{article.source_file}: {getattr(err, 'reason', err)}")
            continue
        digest = content_hash(title=item.title, text=item.text)
        outcome = _article_update(article=article, item=item, digest=digest, overwrite=False, lookups=lookups)
        if outcome.status == UPDATED:
            result.fields.update(set(outcome.changed))
            if not set(outcome.changed) - set(RELATED_FIELDS):
                # Only officials or events changed (bulk rows, no signals): save the article so the
                # history and the index see the change.
                article._change_reason = "re-extracted"
                article.save(update_fields=["updated_at"])
            result.updated += 1
        else:
            result.unchanged += 1
    return result


@transaction.atomic
def officials_merge(*, keep: Official, others: Iterable[Official]) -> int:
    """Merge officials the rules split (two spellings, a truncated name) into `keep`.

    Every mention and event chair moves to `keep` (one save each, so history and the index follow),
    the merged-away names become aliases that a later ingest resolves to `keep`, and the merged-away
    officials are deleted with the merge as their history's reason. Returns how many were merged.
    """
    others = [o for o in others if o.pk != keep.pk]
    merged = ", ".join(f"{o.name} (#{o.pk})" for o in others)
    for other in others:
        reason = f"gộp vào {keep.name} (#{keep.pk})"
        kept_mentions = {m.article_id: m for m in ArticleOfficial.objects.filter(official=keep)}
        for mention in ArticleOfficial.objects.filter(official=other):
            mention._change_reason = reason
            twin = kept_mentions.get(mention.article_id)
            if twin is None:
                mention.official = keep
                mention.save()
                continue
            if not twin.position and mention.position:
                twin.position = mention.position
                twin.position_canonical = mention.position_canonical or canonical_position(mention.position)
                twin._change_reason = reason
                twin.save()
            mention.delete()
        for event in Event.objects.filter(chair=other):
            event.chair = keep
            event._change_reason = reason
            event.save()
        OfficialAlias.objects.filter(official=other).update(official=keep)
        OfficialAlias.objects.update_or_create(key=other.key, defaults={"official": keep, "name": other.name})
        other._change_reason = reason
        other.delete()
    if others:
        keep._change_reason = f"gộp {merged}"
        keep.save()
    return len(others)


# --- readers' reports ----------------------------------------------------------------------------


@transaction.atomic
def reader_report_create(*, article: Article, field: str, note: str) -> ReaderReport:
    """A reader's "Báo lỗi" (issue #19): stored for the editors, and the article goes to the review
    queue with the reason naming the field. The queue's flag and reasons count as edited, so a
    re-ingest does not take the article out of the queue before an editor has looked."""
    report = ReaderReport(article=article, field=field, note=note.replace("\r\n", "\n").strip())
    report.full_clean()
    report.save()
    reason = f"{review.READER_REPORT}: {report.get_field_display()}"
    if not article.needs_review or reason not in article.review_reasons:
        article.needs_review = True
        article.review_reasons = [*[r for r in article.review_reasons if r != reason], reason]
        article.save(update_fields=["needs_review", "review_reasons", "updated_at"])
        article_mark_edited(article=article, fields=["needs_review", "review_reasons"])
    return report


# Reasons about the date that an editor's date settles (issue #19, item 6).
DATE_REASONS = (review.NO_DATE, review.YEAR_INFERRED, review.DATE_FAR, review.DATES_CLOSE)


def article_date_corrected(*, article: Article, reasons_edited: bool) -> None:
    """An editor set the publication date: it is now the date as read by a person, so its precision
    is the day and ingest's doubts about the date are settled (the public banner no longer says
    the year was inferred). Reasons the editor edited in the same save are left as they wrote them;
    an article left with no reason leaves the review queue."""
    if article.published_on is None:
        return
    fields = []
    if article.date_precision != Article.Precision.DAY:
        article.date_precision = Article.Precision.DAY
        fields.append("date_precision")
    if not reasons_edited:
        kept = [r for r in article.review_reasons if review.reason_code(r) not in DATE_REASONS]
        if kept != article.review_reasons:
            article.review_reasons = kept
            fields.append("review_reasons")
            if not kept and article.needs_review:
                article.needs_review = False
                fields.append("needs_review")
    if fields:
        article.save(update_fields=[*fields, "updated_at"])
        article_mark_edited(article=article, fields=fields)
