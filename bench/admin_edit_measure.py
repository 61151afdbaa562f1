"""What the admin changes of issue #7 do on the seeds and on a slice of the shared corpus.

    .venv/bin/python bench/admin_edit_measure.py [N_CORPUS=2000] [N_EDITS=200] [STRIDE=1]

Builds a throw-away SQLite database and Whoosh index under /tmp, ingests the seeds and N_CORPUS
corpus records (every STRIDE-th line: the corpus is ordered by collection, so STRIDE=50 samples all of
it), then:
  - edits only the province of every seed and of N_EDITS corpus articles through the real admin change
    form, posted back as a browser does (textareas with CRLF), and counts what `edited_fields` protects;
  - saves the same way through the review queue and checks history and the index follow;
  - counts the review queue by reason (code and Vietnamese label);
  - re-runs extraction from the stored raw text on every article (the bulk action) and times it.
Prints the figures; asserts nothing.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import time
from collections import Counter
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
N_CORPUS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
N_EDITS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
STRIDE = int(sys.argv[3]) if len(sys.argv) > 3 else 1
WORK = Path(tempfile.mkdtemp(prefix="wt7-measure-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings.dev",
    DATABASE_URL=f"sqlite:///{WORK / 'db.sqlite3'}",
    WHOOSH_PATH=str(WORK / "whoosh"),
    DJANGO_ALLOWED_HOSTS="testserver",
)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from archive.models import Article, Official, Province  # noqa: E402
from tests.archive._admin_support import browser_form_data, set_value  # noqa: E402

try:
    from archive.extract.reasons import reason_code, reason_label
except ImportError:  # before issue #7: the first words of the stored English reason

    def reason_code(reason: str) -> str:
        return reason.split(":")[0]

    def reason_label(reason: str) -> str:
        return reason


def main() -> None:
    print(f"load: {os.getloadavg()}, work dir {WORK}")
    call_command("migrate", verbosity=0)
    corpus = Path(os.environ.get("CORPUS", ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"))
    slice_path = WORK / f"corpus-{N_CORPUS}.jsonl"
    with gzip.open(corpus, "rt", encoding="utf-8") as src, open(slice_path, "w", encoding="utf-8") as dst:
        dst.writelines(islice(src, 0, N_CORPUS * STRIDE, STRIDE))
    for path in (ROOT / "seeds", slice_path):
        try:
            call_command("ingest", str(path), "--no-progress", stdout=open(os.devnull, "w"))
        except Exception as err:  # the corpus has a record without text: reported, the rest stored
            print(f"ingest {path.name}: {err}")
    print(f"articles: {Article.objects.count()} ({N_CORPUS} corpus lines, every {STRIDE}th, + 5 seeds)")

    user = get_user_model().objects.create_superuser("measure", "", "a-long-test-password")
    client = Client()
    client.force_login(user)
    provinces = list(Province.objects.filter(era="legacy").order_by("name"))

    def province_only_edit(article: Article, admin_path: str) -> tuple[list[str], int]:
        url = f"/admin/archive/{admin_path}/{article.pk}/change/"
        data = browser_form_data(client.get(url).content.decode(), form_id=f"{admin_path}_form")
        new = next(p for p in provinces if p.pk != article.province_id)
        set_value(data, "province", str(new.pk))
        before = article.history.count()
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
        article.refresh_from_db()
        return list(article.edited_fields), article.history.count() - before

    for label, queryset in (
        ("seeds", Article.objects.filter(source_file__endswith=".txt")),
        (f"corpus ({N_EDITS} articles)", Article.objects.exclude(source_file__endswith=".txt")[:N_EDITS]),
    ):
        protected: Counter[str] = Counter()
        started = time.perf_counter()
        n = 0
        for article in queryset:
            fields, _ = province_only_edit(article, "article")
            protected[", ".join(fields)] += 1
            n += 1
        ms = (time.perf_counter() - started) / max(n, 1) * 1000
        print(
            f"province-only edit via 'Bài viết', {label}: edited_fields → {dict(protected)} ({ms:.0f} ms/save)"
        )

    # Through the review queue: history records and index (search by the new province).
    from search.analysis import parse_query  # noqa: PLC0415
    from search.indexing import backend  # noqa: PLC0415

    flagged = list(Article.objects.filter(needs_review=True, edited_fields=[])[:20])
    wrote_history = found = 0
    for article in flagged:
        _, records = province_only_edit(article, "reviewqueuearticle")
        wrote_history += records > 0
        outcome = backend().article_search(
            parse_query(""), filters={"province": [article.province.name]}, per_page=1000
        )
        hits = outcome.hits
        found += article.pk in {h.pk for h in hits}
    print(
        f"saves through 'Hàng chờ xem lại': {len(flagged)}, with a history record: {wrote_history}, "
        f"found in search by the new province: {found}"
    )

    queue = Article.objects.filter(needs_review=True).exclude(source_file__endswith=".txt")
    corpus_total = Article.objects.exclude(source_file__endswith=".txt").count()
    reasons: Counter[str] = Counter()
    for stored in queue.values_list("review_reasons", flat=True):
        for reason in stored:
            reasons[reason_code(reason)] += 1
    print(f"review queue on the corpus slice: {queue.count()} of {corpus_total} articles flagged")
    for code, count in reasons.most_common():
        print(f"  {count:6d}  {code!r:40} {reason_label(code)}")

    officials = list(Official.objects.values_list("key", flat=True))
    keys = set(officials)
    truncated = sum(1 for k in officials if any(o != k and o.startswith(k + " ") for o in keys))
    print(
        f"officials: {len(officials)}; keys that are a truncation of another key (merge candidates): {truncated}"
    )

    try:
        from archive import services  # noqa: PLC0415

        started = time.perf_counter()
        result = services.articles_reextract(articles=Article.objects.all())
        took = time.perf_counter() - started
        print(
            f"re-extract from stored raw, all {Article.objects.count()} articles: {result.updated} updated, "
            f"{result.unchanged} unchanged, {len(result.failed)} failed in {took:.1f} s"
        )
    except AttributeError:
        print("re-extract: not available before issue #7")
    print(f"load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
