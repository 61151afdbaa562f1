"""The frontier in the database: which URL is whose, and what became of it (writes, issue #17).

A URL is one row (its canonical address is unique). A run *claims* rows before it fetches them, in
one statement that only takes rows still queued, so two runs never fetch one URL; a run that stops
saying it is alive (killed, machine lost) has its claims taken back by the next run. A host whose
URLs another live run holds is left to that run: one connection per host across processes too.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from archive.harvest.urls import canonical, host_of
from archive.models import CrawlURL, HarvestRun, Source

Kind, State = CrawlURL.Kind, CrawlURL.State


def run_start() -> HarvestRun:
    now = timezone.now()
    return HarvestRun.objects.create(machine=socket.gethostname(), pid=os.getpid(), heartbeat_at=now)


def run_heartbeat(run: HarvestRun) -> None:
    HarvestRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())


def run_finish(run: HarvestRun, *, status: str, counts: dict, summary: str) -> None:
    run.status, run.counts, run.summary, run.finished_at = status, counts, summary, timezone.now()
    run.save(update_fields=["status", "counts", "summary", "finished_at"])
    CrawlURL.objects.filter(run=run, state=State.CLAIMED).update(state=State.QUEUED, run=None)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_runs() -> list[int]:
    """Runs marked running that are not: their process is gone (this machine) or silent too long."""
    lease = timedelta(seconds=settings.HARVEST["LEASE_SECONDS"])
    here = socket.gethostname()
    dead = []
    for run in HarvestRun.objects.filter(status=HarvestRun.Status.RUNNING):
        silent = run.heartbeat_at is None or run.heartbeat_at < timezone.now() - lease
        gone = run.machine == here and run.pid != os.getpid() and not _pid_alive(run.pid)
        if silent or gone:
            dead.append(run.pk)
    return dead


@transaction.atomic
def reclaim_dead() -> int:
    """Give back what killed runs had claimed; returns how many URLs went back to the queue."""
    dead = dead_runs()
    if not dead:
        return 0
    HarvestRun.objects.filter(pk__in=dead).update(
        status=HarvestRun.Status.STOPPED, finished_at=timezone.now(), summary="stopped without finishing"
    )
    return CrawlURL.objects.filter(run_id__in=dead, state=State.CLAIMED).update(state=State.QUEUED, run=None)


def enqueue(
    urls: list[tuple[str, datetime | None]],
    *,
    kind: str,
    source: Source | None,
    run: HarvestRun,
    base: str | None = None,
    depth: int = 0,
    revisit: bool = False,
    article=None,
) -> int:
    """Put URLs in the frontier; returns how many are queued now that were not.

    A URL fetched before this run began is queued again when `revisit` (entry points and the
    pages after them, every run) or when it is an article listed again: the fetch is conditional
    (ETag, Last-Modified), so an unchanged page costs a 304. What was fetched since this run began
    (by it, or by a run beside it) is not fetched again.
    """
    clean: dict[str, datetime | None] = {}
    for url, listed in urls:
        c = canonical(url, base)
        if c and len(c) <= 1000:
            if listed is not None and timezone.is_naive(listed):
                listed = timezone.make_aware(listed)
            clean.setdefault(c, listed)
    if not clean:
        return 0
    if len(clean) > 500:  # a sitemap lists up to 50,000: in slices the database takes in one query
        items = list(clean.items())
        return sum(
            enqueue(
                items[i : i + 500],
                kind=kind,
                source=source,
                run=run,
                depth=depth,
                revisit=revisit,
                article=article,
            )
            for i in range(0, len(items), 500)
        )
    existing = {row.url: row for row in CrawlURL.objects.filter(url__in=list(clean))}
    new = [
        CrawlURL(
            url=u,
            host=host_of(u),
            source=source,
            kind=kind,
            depth=depth,
            listed_date=listed,
            article=article,  # a page resource: the article whose page first named it
        )
        for u, listed in clean.items()
        if u not in existing
    ]
    CrawlURL.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    again = [
        row.pk
        for row in existing.values()
        if row.state in (State.DONE, State.FAILED, State.GONE)
        and (revisit or row.kind == Kind.ARTICLE)
        # never what this run, or another started with it, has fetched since it began
        and (row.fetched_at is None or row.fetched_at < run.started_at)
    ]
    if again:
        CrawlURL.objects.filter(pk__in=again).exclude(state__in=[State.QUEUED, State.CLAIMED]).update(
            state=State.QUEUED, run=None
        )
    return len(new) + len(again)


def claim(
    *,
    run: HarvestRun,
    sources: list[Source] | None,
    per_host: int,
    hosts_busy: dict[str, int],
    kinds: list[str] | None = None,
) -> list[CrawlURL]:
    """Take up to `per_host` queued URLs for each host this run may fetch now, minus what it holds.

    Discovery pages (feeds, sitemaps, listings) come before articles. Hosts another live run holds
    URLs of are skipped; on PostgreSQL rows locked by another claim are skipped too.
    """
    with transaction.atomic():
        queued = CrawlURL.objects.filter(state=State.QUEUED)
        if sources is not None:
            queued = queued.filter(Q(source__in=sources) | Q(source__isnull=True))
        if kinds is not None:
            queued = queued.filter(kind__in=kinds)
        taken = set(
            CrawlURL.objects.filter(state=State.CLAIMED)
            .exclude(run=run)
            .order_by()  # the model's ordering would make DISTINCT run over (host, pk)
            .values_list("host", flat=True)
            .distinct()
        )
        hosts = [h for h in queued.order_by().values_list("host", flat=True).distinct() if h not in taken]
        ids: list[int] = []
        for host in hosts:
            room = per_host - hosts_busy.get(host, 0)
            if room <= 0:
                continue
            on_host = queued.filter(host=host).order_by("pk").select_for_update(skip_locked=True)
            picked = list(on_host.exclude(kind=Kind.ARTICLE).values_list("pk", flat=True)[:room])
            if len(picked) < room:
                picked += on_host.filter(kind=Kind.ARTICLE).values_list("pk", flat=True)[: room - len(picked)]
            ids += picked
        if not ids:
            return []
        CrawlURL.objects.filter(pk__in=ids, state=State.QUEUED).update(
            state=State.CLAIMED, run=run, claimed_at=timezone.now()
        )
    return list(CrawlURL.objects.filter(pk__in=ids, run=run, state=State.CLAIMED).select_related("source"))


def mark(row: CrawlURL, state: str, **fields) -> None:
    """Record what became of a claimed URL (fetched, gone, failed, blocked)."""
    fields.setdefault("run", None)
    fields["state"] = state
    for name, value in fields.items():
        setattr(row, name, value)
    CrawlURL.objects.filter(pk=row.pk).update(**fields)


def pending_count(sources: list[Source] | None = None) -> int:
    rows = CrawlURL.objects.filter(state__in=[State.QUEUED, State.CLAIMED])
    if sources is not None:
        rows = rows.filter(Q(source__in=sources) | Q(source__isnull=True))
    return rows.count()
