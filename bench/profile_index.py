"""Profile the index build (issue #3, "Speed"): where does indexing time go?

    .venv/bin/python bench/profile_index.py 1000 [--db DIR] [--procs 1] [--top 40] [--no-profile]

Ingests N corpus articles + the seeds into a SQLite database in DIR (reused when it already holds
them), then indexes them (under cProfile unless --no-profile) into a fresh temporary Whoosh index
and prints the top functions by own time and the inclusive time of the main entry points.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pathlib
import pstats
import shutil
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import search_bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--db", help="directory for the reusable database (default: a temp dir)")
    parser.add_argument("--procs", type=int, default=1)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true", help="time only")
    args = parser.parse_args()

    workdir = args.db or tempfile.mkdtemp(prefix="danvan-prof-")
    os.makedirs(workdir, exist_ok=True)
    fresh = not os.path.exists(f"{workdir}/bench.sqlite3")
    search_bench.setup_django(workdir)
    from django.conf import settings

    from archive.models import Article
    from search import indexing

    if fresh or Article.objects.count() < args.n:
        ids, secs, _ = search_bench.ingest(args.n)
        print(f"ingest: {len(ids)} in {secs:.1f} s", flush=True)
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    be = indexing.backend()
    be.clear()
    prof = None if args.no_profile or args.procs > 1 else cProfile.Profile()
    if args.procs > 1 and not args.no_profile:
        # Profile the forked workers (where the work is) instead of the waiting parent.
        from search.engines.whoosh import backend

        build = backend._build_segment
        stats_dir = tempfile.mkdtemp(prefix="danvan-prof-stats-")

        def profiled_build(*a, **kw):
            worker = cProfile.Profile()
            worker.enable()
            try:
                build(*a, **kw)
            finally:
                worker.disable()
                worker.dump_stats(f"{stats_dir}/{os.getpid()}.prof")

        backend._build_segment = profiled_build
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    indexing.index_articles(ids, procs=args.procs)
    if prof:
        prof.disable()
    secs = time.perf_counter() - t0
    index_path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    size = search_bench.dir_mib(index_path)
    print(f"indexed {len(ids)} in {secs:.1f} s = {len(ids) / secs:.0f} docs/s · {size:.1f} MiB", flush=True)
    if args.procs > 1 and not args.no_profile:
        files = sorted(pathlib.Path(stats_dir).glob("*.prof"))
        print(f"(profile of {len(files)} worker runs, summed)")
        prof = pstats.Stats(*map(str, files)) if files else None
        shutil.rmtree(stats_dir, ignore_errors=True)
    if prof:
        stats = prof if isinstance(prof, pstats.Stats) else pstats.Stats(prof)
        stats.sort_stats("tottime").print_stats(args.top)
        wanted = {
            "full_prepare": "haystack prepare",
            "index_terms": "analyzer terms (incl. normalize/fold)",
            "normalize_text": "normalize_text",
            "syllables": "syllables()",
            "fold": "fold",
            "update_document": "whoosh update_document (incl. analysis)",
            "add_document": "whoosh add_document",
            "commit": "whoosh commit (flush/merge)",
            "_whoosh_doc": "_whoosh_doc",
        }
        for (file, _line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():
            if func in wanted:
                print(
                    f"  {wanted[func]:<40} {func:<16} {ct:7.2f} s incl {tt:6.2f} s own"
                    f"  calls {nc}  ({pathlib.Path(file).name})"
                )
    if not args.db:
        shutil.rmtree(workdir, ignore_errors=True)
    shutil.rmtree(index_path, ignore_errors=True)


if __name__ == "__main__":
    main()
