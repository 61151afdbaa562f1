"""Hostile corpus for the ingest (issue #16): `python tests/fuzz/hostile.py OUT_DIR [N] [SEED] [SCALE]`.

Shapes that once hung the ingest or overwrote an article, each in many sizes: unclosed <li>/<p>/<td>
nests, floods of closed elements, one long word, one long line, a file of one 19 MB line, unclosed
comments and tags, pages whose <meta charset> lies (koi8-r over UTF-8) or names a codec that is not
a text encoding (rot13, base64, zlib, …), files of one name in two folders, an export repeating an
id, file names with control and bidi characters, symbolic links to "..", to the parent tree and to
a file outside the folder. SCALE (default 1.0) shrinks every size: the test suite runs a small,
scaled-down sample, `bench/hostile_ingest.py` the full corpus.

MANIFEST.json maps each item (its path under OUT_DIR, as ingest names it in FAILED lines) to what
must happen: "stored" (with its title), "failed" (with the limit or words its reason must name),
or "either" (stored or named, but in bounded time).
"""

from __future__ import annotations

import json
import os
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script too

from tests.fuzz.generate import Generator  # noqa: E402

CODEC_DECLARATIONS = ["rot13", "base64", "hex", "zlib", "uu", "bz2", "quopri", "utf-16", "utf-7", "x-nope"]
IMPLIED_END = ["li", "p", "td", "dd", "option", "tr"]


def limits(scale: float = 1.0) -> dict[str, int]:
    """The INGEST_LIMITS the corpus is built around (the defaults), scaled like its items."""
    return {"MAX_HTML_ELEMENTS": int(50_000 * scale), "MAX_TEXT_CHARS": int(300_000 * scale)}


class HostileGenerator(Generator):
    def __init__(self, out: Path, seed: int, scale: float = 1.0) -> None:
        super().__init__(out, seed)
        self.scale = scale
        # The limits an item is measured against, scaled with it: a scaled run sets
        # INGEST_LIMITS to limits(scale) so that its small items still cross them.
        self.limits = limits(scale)

    def size(self, low: int, high: int) -> int:
        return max(1, int(self.rnd.randrange(low, high) * self.scale))

    def put(self, relative: str, data: bytes, expect: str, **info) -> Path:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.manifest[relative] = {"expect": expect, **info}
        return path

    def named(self, stem: str, suffix: str) -> str:
        self.n += 1
        return f"{self.n:04d}_{stem}{suffix}"

    def wrap(self, body: str, charset: str = "utf-8") -> str:
        return (
            f'<html><head><meta charset="{charset}"><title>Trang</title></head>'
            f"<body><article>{body}</article></body></html>"
        )

    # --- HTML that makes the parser slow or big ------------------------------------------------------
    def html_nest(self) -> None:
        tag = self.rnd.choice(IMPLIED_END + ["div", "span"])
        count = self.size(50, 100_000)
        html = "<html><body>" + f"<{tag}>x " * count + "Dân vận</body></html>"
        name = self.named(f"nest_{tag}", ".html")
        if count > 300:
            self.put(name, html.encode(), "failed", reason="MAX_HTML_DEPTH")
        else:
            self.put(name, html.encode(), "either")

    def html_flood(self) -> None:
        tag = self.rnd.choice(["p", "br", "b", "li", "img"])
        count = self.size(1000, 120_000)
        closing = "" if tag in ("br", "img") else f"</{tag}>"
        html = self.wrap(f"<{tag}>Dân vận{closing} " * count)
        expect = "failed" if count > self.limits["MAX_HTML_ELEMENTS"] else "either"
        self.put(self.named(f"flood_{tag}", ".html"), html.encode(), expect, reason="MAX_HTML_ELEMENTS")

    def html_unclosed(self) -> None:
        count = self.size(1000, 200_000)
        junk = self.rnd.choice(["<!--", "<a ", "</", "<!", "<?", "<![CDATA[", '<x y="', "<<", "<script>"])
        text, _ = self.article()
        html = self.wrap("<p>" + text.replace("\n", "</p><p>") + "</p>" + junk * count)
        self.put(self.named("unclosed", ".html"), html.encode(), "either")

    # --- text that used to be quadratic ----------------------------------------------------------
    def long_word(self) -> None:
        letters = self.rnd.choice(["a", "ư", "ûa", "Quaûng", "1", "đ"])
        count = self.size(10_000, 900_000) // len(letters)
        data = ("Tiêu đề\n\n" + letters * count).encode()
        self.put(self.named("long_word", ".txt"), data, "either")

    def long_line(self) -> None:
        text, _ = self.article()
        words = text.split()
        target = self.size(100_000, 1_500_000)
        line = " ".join(self.rnd.choice(words) for _ in range(target // 6))
        data = f"Bài viết một dòng dài {self.n}\n\n{line}\n".encode()
        expect = "failed" if len(line) > self.limits["MAX_TEXT_CHARS"] else "either"
        self.put(self.named("long_line", ".txt"), data, expect, reason="MAX_TEXT_CHARS")

    def huge_file(self) -> None:
        size = self.size(5_000_000, 19_000_000)
        data = b"Ti\xc3\xaau \xc4\x91\xe1\xbb\x81\n\n" + b"dan van " * (size // 8)
        expect = "failed" if len(data) > self.limits["MAX_TEXT_CHARS"] else "either"
        self.put(self.named("huge_one_line", ".txt"), data, expect, reason="MAX_TEXT_CHARS")

    # --- pages whose <meta charset> lies ---------------------------------------------------------
    def charset(self) -> None:
        text, title = self.article()
        paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n")[1:] if line.strip())
        declared = self.rnd.choice(["koi8-r", "iso-8859-1", "windows-1251", *CODEC_DECLARATIONS])
        html = (
            f'<html><head><meta charset="{declared}"><meta property="og:title" content="{escape(title)}">'
            f"</head><body><article>{paragraphs}</article></body></html>"
        )
        self.put(self.named(f"meta_{declared}", ".html"), html.encode(), "stored", title=title)

    # --- identity: one name, two articles ----------------------------------------------------------
    def same_name(self) -> None:
        self.n += 1
        for folder in ("a", "b"):
            text, title = self.article()
            self.put(f"{self.n:04d}_same/{folder}/bai-viet.txt", text.encode(), "stored", title=title)

    def repeated_id(self) -> None:
        lines = []
        for _ in range(2):
            text, title = self.article()
            body = text.split("\n", 1)[1].strip()
            lines.append(json.dumps({"id": "lap-lai", "title": title, "text": body}, ensure_ascii=False))
        name = self.named("repeated_id", ".jsonl")
        self.put(name, ("\n".join(lines) + "\n").encode(), "lines", lines=["stored", "failed"])

    def long_record(self) -> None:
        count = self.size(200_000, 1_400_000)
        record = {"id": "dai", "title": f"Bản ghi dài {self.n}", "text": "dân vận " * (count // 8)}
        name = self.named("long_record", ".jsonl")
        expect = "failed" if count // 8 * 8 > self.limits["MAX_TEXT_CHARS"] else "either"
        self.put(name, (json.dumps(record, ensure_ascii=False) + "\n").encode(), "lines", lines=[expect])

    # --- names and links ---------------------------------------------------------------------------
    def odd_name(self) -> None:
        text, title = self.article()
        odd = self.rnd.choice(["\n", "\r", "\x1b[31m", "\u202e", "\u2066", "\x7f", "\t"])
        self.put(self.named(f"ten{odd}la", ".txt"), text.encode(), "stored", title=title)

    def links(self) -> None:
        self.n += 1
        folder = self.out / f"{self.n:04d}_links"
        folder.mkdir(parents=True, exist_ok=True)
        text, title = self.article()
        self.put(f"{folder.name}/that.txt", text.encode(), "stored", title=title)
        (folder / "len").symlink_to("..", target_is_directory=True)
        self.manifest[f"{folder.name}/len"] = {"expect": "failed", "reason": "symbolic link loop"}
        (folder / "goc").symlink_to("/", target_is_directory=True)
        self.manifest[f"{folder.name}/goc"] = {"expect": "failed", "reason": "outside"}
        (folder / "mat-khau.txt").symlink_to("/etc/passwd")
        self.manifest[f"{folder.name}/mat-khau.txt"] = {"expect": "failed", "reason": "outside"}

    def run(self, count: int) -> dict:
        self.out.mkdir(parents=True, exist_ok=True)
        makers = (
            [self.html_nest] * 3
            + [self.html_flood] * 2
            + [self.html_unclosed] * 2
            + [self.long_word] * 2
            + [self.long_line] * 2
            + [self.charset] * 3
            + [self.same_name, self.repeated_id, self.long_record, self.odd_name, self.links]
        )
        big = 0
        while len(self.manifest) < count:
            if big < max(1, count // 100) and self.rnd.random() < 0.02:  # ~1% of files of 5–19 MB
                big += 1
                self.huge_file()
                continue
            self.rnd.choice(makers)()
        (self.out / "MANIFEST.json").write_text(json.dumps(self.manifest, ensure_ascii=False, indent=1))
        return self.manifest


def judge(manifest: dict, lines: list[str], stored: set[str], corpus: Path) -> dict:
    """What an ingest of the corpus did against what it must do.

    `lines`: the command's output (stdout and stderr, run with -v 2 so that every new article is
    named), `stored`: the source names in the database. Returns {"failed": {where: reason},
    "problems": [...], "unexpected": [...]}: an item stored that must fail, failed that must be
    stored, failing without naming its limit, never reported, or a crash caught by the safety net.
    """
    from archive.extract.inputs import show

    prefix = f"FAILED {corpus}/"
    failed: dict[str, str] = {}
    reported: set[str] = set()
    for line in lines:
        if line.startswith(prefix):
            where, _, reason = line[len(prefix) :].partition(": ")
            failed[where] = reason
        elif line.startswith(("new ", "duplicate ")):
            reported.add(line.split(None, 1)[1].split(": same text as ")[0])
    problems = []
    for name, spec in manifest.items():
        shown = show(name)
        if spec["expect"] == "lines":
            for n, expect in enumerate(spec["lines"], 1):
                if expect == "failed" and f"{shown}#{n}" not in failed and shown not in failed:
                    problems.append(f"{shown}#{n}: must fail, not reported failed")
            if not any(w.startswith(f"{shown}#") for w in reported | stored | set(failed)) and (
                shown not in failed
            ):
                problems.append(f"{shown}: no line of it reported")
            continue
        fail = failed.get(shown)
        done = fail is not None or shown in stored or shown in reported
        if not done:
            problems.append(f"{shown}: neither stored nor reported")
        elif spec["expect"] == "stored" and fail is not None:
            problems.append(f"{shown}: must be stored, failed: {fail[:120]}")
        elif spec["expect"] == "stored" and "title" in spec and shown not in stored and shown not in reported:
            problems.append(f"{shown}: must be stored")
        elif spec["expect"] == "failed" and fail is None:
            problems.append(f"{shown}: must fail, was stored")
        elif spec["expect"] == "failed" and spec.get("reason") and spec["reason"] not in fail:
            problems.append(f"{shown}: failure does not name {spec['reason']}: {fail[:120]}")
    unexpected = [
        f"{where}: {reason[:160]}"
        for where, reason in failed.items()
        if "unexpected" in reason or "could not be stored" in reason
    ]
    return {"failed": failed, "problems": problems, "unexpected": unexpected}


def generate_hostile(out: Path, count: int = 1000, seed: int = 16, scale: float = 1.0) -> dict:
    return HostileGenerator(Path(out), seed, scale).run(count)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    args = sys.argv[2:]
    made = generate_hostile(
        target,
        int(args[0]) if args else 1000,
        int(args[1]) if len(args) > 1 else 16,
        float(args[2]) if len(args) > 2 else 1.0,
    )
    total = sum(f.stat().st_size for f in target.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"{len(made)} items, {total / 1e6:.0f} MB in {target}", file=sys.stderr)
    os.sync()
