"""Fuzz corpus for the ingest: `python tests/fuzz/generate.py OUT_DIR [N] [SEED]`.

Writes N files (default 600) built from the seeds and a saved article page: clean copies, the same
articles in other encodings (Windows-1258, UTF-16/32, UTF-8 with BOM, NFD, CRLF), and hostile or
broken variants (truncations, byte flips, NUL bytes, control and bidi characters, over-long titles,
mojibake, deep HTML, random binary), plus .jsonl(.gz) exports whose lines break every rule a record
can break (wrong JSON types, 5,000-digit integers, deep nesting, lone surrogates, javascript: URLs,
over-long outlets and ids, corrupt gzip). Deterministic for a given SEED.

Each file comes with what a correct ingest must do with it, in MANIFEST.json:
"stored" (with the title it must be stored under), "failed" (named with a reason) or "either".
"""

from __future__ import annotations

import gzip
import json
import random
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script too
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
PAGE = ROOT / "tests" / "data" / "extract" / "daklak_page.html"
TONES = "\u0300\u0301\u0303\u0309\u0323"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
VNI_MOJIBAKE = (
    "Quaûng Ninh: Ban Daân vaän Tænh uûy toå chöùc hoäi nghò sô keát coâng taùc daân vaän "
    "6 thaùng ñaàu naêm. Ñoàng chí Tröôûng Ban Daân vaän chuû trì hoäi nghò."
)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software writes it: precomposed where the code page has the
    letter, a base letter plus a combining tone mark where it has not."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258", "replace") + tones.encode("cp1258")
    return bytes(out)


def _title(text: str) -> str:
    """The title extraction finds in the clean UTF-8 text: what every re-encoding must give too."""
    from archive.extract import extract_text

    return extract_text(text, source_name="x.txt").title


class Generator:
    def __init__(self, out: Path, seed: int) -> None:
        self.out = out
        self.rnd = random.Random(seed)
        self.manifest: dict[str, dict] = {}
        self.n = 0
        self.unique = 0
        self.seeds = [p.read_text(encoding="utf-8") for p in SEEDS]
        self.page = PAGE.read_text(encoding="utf-8")

    # --- helpers ---------------------------------------------------------------------------------
    def name(self, stem: str, suffix: str) -> Path:
        self.n += 1
        return self.out / f"{self.n:04d}_{stem}{suffix}"

    def write(self, path: Path, data: bytes, expect: str, **info) -> None:
        path.write_bytes(data)
        self.manifest[path.name] = {"expect": expect, **info}

    def article(self) -> tuple[str, str]:
        """A seed article made unique (its own closing line), and its title."""
        text = self.rnd.choice(self.seeds)
        self.unique += 1
        first, rest = text.split("\n", 1)
        text = f"{first} (bản {self.unique})\n{rest}"  # a title of its own: not a duplicate
        return text, _title(text)

    # --- text files ------------------------------------------------------------------------------
    def text_file(self) -> None:
        text, title = self.article()
        kind = self.rnd.choice(
            [
                "clean", "cp1258", "utf16", "utf32", "bom", "nfd", "crlf", "truncate", "flip", "nul",
                "controls", "bidi", "long_title", "mojibake", "empty", "blank", "binary", "latin1",
            ]
        )  # fmt: skip
        path = self.name(kind, ".txt")
        data = text.encode("utf-8")
        if kind == "clean":
            return self.write(path, data, "stored", title=title)
        if kind == "cp1258":
            return self.write(path, to_cp1258(text), "stored", title=title)
        if kind == "utf16":
            return self.write(path, text.encode(self.rnd.choice(["utf-16", "utf-16-le", "utf-16-be"])), "stored",
                              title=title)  # fmt: skip
        if kind == "utf32":
            return self.write(path, text.encode("utf-32"), "stored", title=title)
        if kind == "bom":
            return self.write(path, b"\xef\xbb\xbf" + data, "stored", title=title)
        if kind == "nfd":
            return self.write(path, unicodedata.normalize("NFD", text).encode(), "stored", title=title)
        if kind == "crlf":
            return self.write(path, text.replace("\n", "\r\n").encode(), "stored", title=title)
        if kind == "truncate":
            return self.write(path, data[: self.rnd.randrange(1, len(data))], "either")
        if kind == "flip":
            buf = bytearray(data)
            for _ in range(self.rnd.randrange(1, 20)):
                buf[self.rnd.randrange(len(buf))] = self.rnd.randrange(256)
            return self.write(path, bytes(buf), "either")
        if kind == "nul":
            at = self.rnd.randrange(len(data))
            return self.write(path, data[:at] + b"\x00" + data[at:], "failed")
        if kind == "controls":
            junk = "".join(chr(self.rnd.randrange(1, 32)) for _ in range(5)).replace("\n", "")
            return self.write(path, (junk + text).encode(), "either")
        if kind == "bidi":  # bidi controls are dropped at the edge: the article is stored without them
            junk = "".join(self.rnd.choice(BIDI) for _ in range(3))
            return self.write(path, (junk + text).encode(), "stored", title=title)
        if kind == "long_title":
            return self.write(path, ("Tiêu đề " * 120 + "\n\n" + text).encode(), "failed")
        if kind == "mojibake":
            return self.write(path, f"{VNI_MOJIBAKE}\n\n{VNI_MOJIBAKE * 3}\n".encode(), "failed")
        if kind == "empty":
            return self.write(path, b"", "failed")
        if kind == "blank":
            return self.write(path, b" \n\t\n" * self.rnd.randrange(1, 50), "failed")
        if kind == "binary":
            return self.write(path, bytes(self.rnd.randrange(256) for _ in range(2000)), "failed")
        # latin1: bytes no Vietnamese code page makes sense of
        return self.write(path, "Ðåutsche Übersicht: größe Ñandú ÿ ÿ æøå".encode("latin-1") * 5, "either")

    # --- HTML pages ------------------------------------------------------------------------------
    def html_file(self) -> None:
        page = self.page.replace("HOÀNG GIA", f"HOÀNG GIA {self.n + 1}")
        kind = self.rnd.choice(["clean", "cp1258", "deep", "broken", "script_only", "truncate", "huge_attr"])
        path = self.name(kind, ".html")
        title = "Sơ kết công tác dân vận 9 tháng năm 2023"
        if kind == "clean":
            return self.write(path, page.encode(), "either", title=title)  # a duplicate of an earlier copy?
        if kind == "cp1258":
            legacy = page.replace('<meta charset="utf-8">', '<meta charset="windows-1258">')
            return self.write(path, to_cp1258(legacy), "either", title=title)
        if kind == "deep":
            depth = self.rnd.randrange(300, 5000)
            body = "<div>" * depth + "Dân vận" + "</div>" * depth
            return self.write(path, f"<html><body>{body}</body></html>".encode(), "failed")
        if kind == "broken":
            return self.write(
                path, b"<html><head><title>x</title></head><body><nav>Trang ch\xe1\xbb\xa7</nav>", "failed"
            )
        if kind == "script_only":
            return self.write(path, b"<html><body><script>alert(1)</script></body></html>", "failed")
        if kind == "truncate":
            data = page.encode()
            return self.write(path, data[: self.rnd.randrange(1, len(data))], "either")
        attr = "x" * self.rnd.randrange(10_000, 200_000)
        return self.write(path, page.replace("<article>", f'<article data-x="{attr}">').encode(), "either")

    # --- exports ---------------------------------------------------------------------------------
    def record_line(self, i: int) -> tuple[str, str]:
        """One line of an export and what must happen to it."""
        text, title = self.article()
        body = text.split("\n", 1)[1].strip()
        rec = {"id": f"r{self.n}-{i}", "title": title, "text": body, "published": "2021-05-04",
               "url": "https://baomau.vn/a.html", "outlet": "Báo Mẫu"}  # fmt: skip
        kind = self.rnd.choice(
            [
                "good", "good", "good", "type", "bigint", "deep", "surrogate", "nul", "js_url",
                "long_outlet", "long_id", "not_json", "not_object", "bidi_title", "ctrl_title", "mojibake",
            ]
        )  # fmt: skip
        if kind == "good":
            return json.dumps(rec, ensure_ascii=self.rnd.random() < 0.5), "stored"
        if kind == "type":
            field = self.rnd.choice(["title", "text", "url", "outlet", "published", "id"])
            rec[field] = self.rnd.choice([42, 1.5, True, [1, 2], {"a": 1}])
            numeric_id = field == "id" and type(rec[field]) is int  # ids may be numbers
            return json.dumps(rec), "stored" if numeric_id else "failed"
        if kind == "bigint":
            return '{"id": ' + "9" * self.rnd.randrange(
                4301, 20000
            ) + ', "title": "x", "text": "y"}', "failed"
        if kind == "deep":
            depth = self.rnd.randrange(1000, 200_000)
            return "[" * depth + "]" * depth, "failed"
        if kind == "surrogate":
            return json.dumps(rec).replace('"title": "', '"title": "\\udc80', 1), "failed"
        if kind == "nul":
            return json.dumps(rec).replace('"text": "', '"text": "\\u0000', 1), "stored"
        if kind == "js_url":
            rec["url"] = self.rnd.choice(["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd",
                                          "vbscript:x", "ftp://x.vn/a"])  # fmt: skip
            return json.dumps(rec), "failed"
        if kind == "long_outlet":
            rec["outlet"] = "Báo " * self.rnd.randrange(60, 400)
            return json.dumps(rec, ensure_ascii=False), "failed"
        if kind == "long_id":
            rec["id"] = "i" * self.rnd.randrange(201, 2000)
            return json.dumps(rec), "failed"
        if kind == "not_json":
            line = json.dumps(rec)
            return line[: self.rnd.randrange(1, len(line) - 1)], "failed"
        if kind == "not_object":
            return self.rnd.choice(["[1, 2]", '"x"', "42", "null", "true"]), "failed"
        if kind == "bidi_title":
            rec["title"] = self.rnd.choice(BIDI) + title
            return json.dumps(rec), "stored"
        if kind == "ctrl_title":
            rec["title"] = "\x01\x02\x1b"
            return json.dumps(rec), "failed"
        rec["text"] = VNI_MOJIBAKE * 3
        rec["title"] = "Quaûng Ninh sô keát coâng taùc daân vaän"
        return json.dumps(rec, ensure_ascii=False), "failed"

    def export_file(self) -> None:
        gz = self.rnd.random() < 0.5
        path = self.name("export", ".jsonl.gz" if gz else ".jsonl")
        lines, expects = [], []
        for i in range(self.rnd.randrange(0, 6)):
            line, expect = self.record_line(i)
            lines.append(line)
            expects.append(expect)
            if self.rnd.random() < 0.2:
                lines.append("")
        data = ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8", "surrogatepass")
        if gz:
            data = gzip.compress(data)
            if self.rnd.random() < 0.15:  # corrupt the deflate stream
                buf = bytearray(data)
                for _ in range(10):
                    buf[self.rnd.randrange(10, len(buf))] = self.rnd.randrange(256)
                data = bytes(buf)
                expects = ["either"] * len(expects)
        self.write(path, data, "lines", lines=expects)

    def run(self, count: int) -> dict:
        self.out.mkdir(parents=True, exist_ok=True)
        makers = [self.text_file] * 5 + [self.html_file] * 2 + [self.export_file] * 3
        while self.n < count:
            self.rnd.choice(makers)()
        (self.out / "MANIFEST.json").write_text(json.dumps(self.manifest, ensure_ascii=False, indent=1))
        return self.manifest


def generate(out: Path, count: int = 600, seed: int = 11) -> dict:
    return Generator(Path(out), seed).run(count)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    made = generate(target, int(sys.argv[2]) if len(sys.argv) > 2 else 600,
                    int(sys.argv[3]) if len(sys.argv) > 3 else 11)  # fmt: skip
    print(f"{len(made)} files in {target}")
