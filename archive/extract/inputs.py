"""Reading input files safely: resource limits, regular files only, encodings, folder walks.

Everything here is about bytes and files, not about articles: the limits keep a hostile or broken
file (a FIFO, /dev/zero behind a symlink, a gzip bomb, a 100,000-level <div> or <li> nest, a
megabyte-long word) from hanging or exhausting the ingest, and the decoder reads the legacy
Vietnamese encodings a supplier may still send (Windows-1258, VNI), refusing what it cannot tell
apart (TCVN3) by name. Every check here is linear in the size of its input (issue #16).
Pure Python: no Django. The ingest command passes the limits from settings (INGEST_LIMITS).
"""

from __future__ import annotations

import codecs
import html.parser as _hp
import os
import re
import signal
import stat
import threading
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import ExtractError

__all__ = [
    "Limits",
    "check_text_size",
    "decode_bytes",
    "file_kind",
    "mojibake_reason",
    "prepare_html",
    "read_regular_file",
    "time_limit",
    "show",
    "text_problem",
]


@dataclass(frozen=True)
class Limits:
    """Caps on one input; each is named (as its settings key) in the error that enforces it."""

    max_file_bytes: int = 20_000_000  # one .txt/.html file
    max_line_bytes: int = 5_000_000  # one line of a .jsonl(.gz) export
    max_decompressed_bytes: int = 8_000_000_000  # one .jsonl(.gz) file, after decompression
    max_gzip_ratio: int = 100  # decompressed / compressed bytes (real exports: 3–8)
    max_html_depth: int = 256  # nesting of HTML elements (unclosed <p>, <li>, <td> included)
    max_html_elements: int = 50_000  # start tags in a page (real ones: a few thousand; 50,000 parse in ~5 s)
    max_text_chars: int = 300_000  # one article's text (the corpus's longest: 37,007)
    max_file_seconds: int = 60  # extracting one file or line: a watchdog for what no other limit foresaw

    @classmethod
    def from_mapping(cls, values: dict | None) -> Limits:
        values = {k.lower(): v for k, v in (values or {}).items()}
        return cls(**{k: int(v) for k, v in values.items() if k in cls.__dataclass_fields__})


def setting_name(field: str) -> str:
    return f"INGEST_LIMITS['{field.upper()}']"


def limit_error(what: str, field: str, value: int) -> ExtractError:
    return ExtractError(f"{what}; the limit is {setting_name(field)} = {value:,}")


def check_text_size(text: str, limits: Limits, what: str = "text") -> None:
    """Refuse an article text longer than limits.max_text_chars before any rule reads it."""
    if len(text) > limits.max_text_chars:
        raise limit_error(
            f"{what} too long ({len(text):,} characters)", "max_text_chars", limits.max_text_chars
        )


@contextmanager
def time_limit(limits: Limits):
    """Stop the extraction of one file or line after limits.max_file_seconds (ExtractError naming
    the limit). Every check is meant to be linear; this is the net under the ones nobody has found
    yet. A SIGALRM timer, so only in the main thread (the ingest command); elsewhere it does nothing.
    Wrap only code whose ExtractError ends up as that item's failure.
    """
    seconds = limits.max_file_seconds
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _alarm(signum, frame):
        raise limit_error(f"extraction took longer than {seconds:,} s", "max_file_seconds", seconds)

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ----- names in reports ---------------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def show(text: str) -> str:
    """A file name or reason safe to print on one report line: control, bidi and line-break
    characters become visible escapes, so a name cannot forge or reorder another line."""
    return _UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF else f"\\x{ord(m.group()):02x}", text
    )


# ----- files --------------------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def regular_stat(path: str | os.PathLike) -> os.stat_result:
    """stat() following symlinks; ExtractError unless it is a regular file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ExtractError(f"broken symbolic link (to {show(os.readlink(path))})") from None
        raise ExtractError("no such file") from None
    except OSError as err:
        raise ExtractError(f"cannot read file: {err.strerror or err}") from None
    if not stat.S_ISREG(st.st_mode):
        via = " (via a symbolic link)" if os.path.islink(path) else ""
        raise ExtractError(f"not a regular file: {file_kind(st.st_mode)}{via}; skipped")
    return st


def read_regular_file(path: str | os.PathLike, limits: Limits) -> bytes:
    """The bytes of a regular file no larger than limits.max_file_bytes."""
    st = regular_stat(path)
    cap = limits.max_file_bytes
    if st.st_size > cap:
        raise limit_error(f"file too large ({st.st_size:,} bytes)", "max_file_bytes", cap)
    try:
        with open(path, "rb") as handle:
            data = handle.read(cap + 1)
    except OSError as err:
        raise ExtractError(f"cannot read file: {err.strerror or err}") from None
    if len(data) > cap:  # grew while we read it
        raise limit_error("file too large", "max_file_bytes", cap)
    return data


# ----- encodings ----------------------------------------------------------------------------------

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"


def _vietnamese_letters() -> frozenset[str]:
    letters = {"đ", "Đ"}
    for base in _VOWELS:
        for tone in _TONES:
            ch = unicodedata.normalize("NFC", base + tone)
            letters.update((ch, ch.upper()))
    return frozenset(c for c in letters if len(c) == 1)


VIETNAMESE_LETTERS = _vietnamese_letters()


def _foreign_letters(text: str) -> tuple[int, int]:
    """(non-ASCII letters of the Vietnamese alphabet, other non-ASCII letters and symbols in words)."""
    viet = foreign = 0
    for ch in text:
        if ch < "\x80":
            continue
        if ch in VIETNAMESE_LETTERS:
            viet += 1
        elif ch.isalpha() or ("\xa1" <= ch <= "\xbf" and ch not in "«»°·±²³¹º"):
            foreign += 1
    return viet, foreign


def looks_vietnamese(text: str) -> bool:
    """Decoded text whose non-ASCII letters are (almost) all Vietnamese ones: the right codec."""
    viet, foreign = _foreign_letters(text)
    return viet >= 5 and foreign <= max(2, viet // 50)


# VNI (Windows): a base letter followed by a byte for its marks, read here through cp1252.
_VNI_MARKS = {
    "ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
    "â": "\u0302", "á": "\u0302\u0301", "à": "\u0302\u0300", "å": "\u0302\u0309", "ã": "\u0302\u0303",
    "ä": "\u0302\u0323", "ê": "\u0306", "é": "\u0306\u0301", "è": "\u0306\u0300", "ú": "\u0306\u0309",
    "ü": "\u0306\u0303", "ë": "\u0306\u0323",
}  # fmt: skip
_VNI_SINGLE = {
    "ö": "ư", "ô": "ơ", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
}  # fmt: skip
_VNI_BASES = "aeouyAEOUY" + "ươƯƠ"


def _vni_decode(data: bytes) -> str:
    text = data.decode("cp1252", errors="strict")
    out: list[str] = []
    for ch in text:
        lower = ch.lower()
        upper = ch != lower
        prev = out[-1] if out else ""
        if lower in _VNI_MARKS and prev and prev[-1] in _VNI_BASES:
            mark = _VNI_MARKS[lower]
            out[-1] = unicodedata.normalize("NFC", prev + mark)
            continue
        if lower in _VNI_SINGLE:
            single = _VNI_SINGLE[lower]
            out.append(single.upper() if upper else single)
            continue
        out.append(ch)
    return "".join(out)


# TCVN3 (ABC) bytes for common lowercase letters, read through cp1252: enough to recognise it.
_TCVN3_SIGNS = frozenset("¸µ¶·¹¨©ª«¬®­¾»¼½Æ×ÐÑÒÓÔÕÖØÙÜÝÞßãäåæçèéêëìíîïñòóôõöøùúûüýþ")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB (<meta charset> or http-equiv)."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return name, len(bom)
    return None


def _wide_unicode(data: bytes) -> str | None:
    """UTF-16/32 without a byte-order mark, told by where the zero bytes fall."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    zeros = [sample[i::4].count(0) / len(sample[i::4]) for i in range(4)]
    if zeros[2] > 0.9 and zeros[3] > 0.9 and len(data) % 4 == 0:
        return "utf-32-le"
    if zeros[0] > 0.9 and zeros[1] > 0.9 and len(data) % 4 == 0:
        return "utf-32-be"
    odd = sample[1::2].count(0) / len(sample[1::2])
    even = sample[0::2].count(0) / len(sample[0::2])
    if odd > 0.3 and even < 0.05 and len(data) % 2 == 0:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05 and len(data) % 2 == 0:
        return "utf-16-be"
    return None


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        raise ExtractError(
            f"not valid {label} (byte 0x{data[err.start]:02x} at offset {err.start})"
        ) from None


# Declared charsets that are Vietnamese code pages: one of them may read bytes that happen to be valid
# UTF-8 (never seen, but possible in a short text) as the Vietnamese letters the writer meant.
_VIETNAMESE_CODECS = frozenset({"cp1258"})
_ASCII_PROBE = b'<meta charset="x-0">'


def _declared_codec(data: bytes) -> str | None:
    """The codec of the page's <meta charset>, when it is one a page can really be written in.

    Ignored, as browsers ignore them: unknown names, codecs that are not text encodings (rot13,
    base64, zlib, …: `data.decode` refuses them with a LookupError), and encodings in which the
    <meta> line itself could not have been read as ASCII (UTF-16/32, UTF-7, EBCDIC).
    """
    declared = declared_charset(data)
    if not declared:
        return None
    try:
        info = codecs.lookup(declared)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name == "utf-7":
        return None
    try:
        if _ASCII_PROBE.decode(info.name) != _ASCII_PROBE.decode("ascii"):
            return None
    except (UnicodeDecodeError, LookupError):
        return None
    return info.name


def decode_bytes(data: bytes, *, html: bool = False) -> str:
    """Text of a file in UTF-8, UTF-16/32 (with or without BOM), Windows-1258 or VNI; NFC.

    A page's <meta charset> is a claim, checked against the bytes (issue #16): valid UTF-8 is read as
    UTF-8 whatever the page declares (a template's stale "iso-8859-1" or "koi8-r" would turn every
    Vietnamese letter into garbage), unless the page declares Windows-1258 and that reading, not the
    UTF-8 one, gives Vietnamese letters. Bytes that are not UTF-8 are read with the declared charset
    when it decodes them, except that a Vietnamese reading (Windows-1258 or VNI) beats a declared
    non-Vietnamese code page; when the declared charset does not decode them, the bytes decide.
    Anything else is refused with the reason: binary, TCVN3 or an unknown legacy encoding.
    """
    bom = _bom(data)
    if bom:
        codec, skip = bom
        return unicodedata.normalize("NFC", _strict(data[skip:], codec, codec.upper()))
    if b"\x00" in data:
        wide = _wide_unicode(data)
        if wide:
            return unicodedata.normalize("NFC", _strict(data, wide, f"{wide.upper()} (no byte-order mark)"))
        raise ExtractError(f"binary file (NUL byte at offset {data.index(0)})")
    declared = _declared_codec(data) if html else None
    try:
        utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError as err:
        utf8 = None
        not_utf8 = f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})"
    if declared is None or declared == "utf-8":
        return utf8 if utf8 is not None else _legacy(data, not_utf8)
    try:
        text: str | None = unicodedata.normalize("NFC", data.decode(declared))
    except UnicodeDecodeError:
        text = None
    if utf8 is not None:
        if (
            text is not None
            and declared in _VIETNAMESE_CODECS
            and looks_vietnamese(text)
            and not looks_vietnamese(utf8)
        ):
            return text
        return utf8
    if text is None:
        return _legacy(data, f"{not_utf8}, nor {declared} as its <meta> declares")
    if declared not in _VIETNAMESE_CODECS:
        vietnamese = _vietnamese_reading(data)
        if vietnamese is not None:
            return vietnamese
    return text


def _vietnamese_reading(data: bytes) -> str | None:
    """The text of legacy bytes in Windows-1258 or VNI when that reading is Vietnamese, else None."""
    for decode in (lambda b: b.decode("cp1258"), _vni_decode):
        try:
            text = unicodedata.normalize("NFC", decode(data))
        except UnicodeDecodeError:
            continue
        if looks_vietnamese(text):
            return text
    return None


def _legacy(data: bytes, not_utf8: str) -> str:
    text = _vietnamese_reading(data)
    if text is not None:
        return text
    try:
        latin = data.decode("cp1252")
    except UnicodeDecodeError:
        latin = ""
    signs = sum(1 for ch in latin if ch in _TCVN3_SIGNS)
    if latin and signs >= 5 and signs >= len(latin.split()) // 10:
        raise ExtractError(f"{not_utf8}; looks like TCVN3 (ABC), which is not read: convert it to Unicode")
    raise ExtractError(f"{not_utf8}, nor Vietnamese in Windows-1258 or VNI")


_STRAY_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def drop_controls(text: str) -> str:
    """Stray C0/C1 control characters and bidi embeddings/overrides out: invisible, never typed on
    purpose in Vietnamese text (2 of the corpus's 100,000 articles carry a stray U+202C/U+202D, a
    few carry backspaces and DELs), and a bidi override can make a title display as something else."""
    return _STRAY_CONTROLS.sub("", text) if _STRAY_CONTROLS.search(text) else text


# ----- text that must not be stored --------------------------------------------------------------

# C0/C1 controls other than tab and newline, bidi embeddings/overrides/isolates, lone surrogates,
# non-characters.
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
_NAMES = {0: "NUL byte"}


def text_problem(text: str) -> str | None:
    """Why a text may not be stored (a character no person typed), or None."""
    match = _BAD_CHARS.search(text)
    if match is None:
        return None
    ch = match.group()
    code = ord(ch)
    if code == 0:
        kind = "NUL byte"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "lone surrogate"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "bidirectional-override character"
    elif code >= 0xFDD0:
        kind = "non-character"
    else:
        kind = "control character"
    return f"{kind} U+{code:04X} at offset {match.start()}"


# Mojibake: VNI or TCVN3 bytes read as Windows-1252/Latin-1, then stored as Unicode ("Quaûng Ninh").
# Not ° ± ² ³ ¹ º (10°C, m²), « » (quotation marks) or · (a separator).
_MOJI = "¡¦¨©ª¬®¯´µ¶¸¼½¾¿ÄÅÆËÎÏÑÖØÛÜßäåæëîïñöøûüþÿ"  # nor currency signs (£137m)
_MOJI_CHAR = re.compile(f"[{_MOJI}]")
# A word, mojibake letters included. A word carrying one is found by testing each word once: the
# single pattern this replaces (\w+[…][\w…]*) backtracked through the whole of a long word from
# each of its letters, quadratic: 17.5 s for one 60,000-letter word (issue #16).
_WORD_OR_MOJI = re.compile(rf"[\w{_MOJI}]+")
_WORD_CHAR = re.compile(r"\w")


def _mojibake_words(text: str) -> list[str]:
    """Words holding a mojibake sign and a letter or digit ("Quaûng", "©2023"), in order: the words
    the old pattern found, since within one such word a sign always stands next to a letter."""
    words = []
    for match in _WORD_OR_MOJI.finditer(text):
        word = match.group()
        if len(word) > 1 and _MOJI_CHAR.search(word) and _WORD_CHAR.search(word):
            words.append(word)
    return words


def mojibake_reason(text: str) -> str | None:
    """'looks like VNI/TCVN3 mojibake (…)' when several words carry letters that Vietnamese has not."""
    words = _mojibake_words(text)
    if len(set(words)) < 4:  # one foreign name, however often repeated, is not mojibake
        return None
    total = max(1, len(text.split()))
    if len(words) * 50 < total:  # a few foreign names in a long article are not mojibake
        return None
    sample = ", ".join(dict.fromkeys(words[:6]))
    return f"looks like VNI/TCVN3 text read as Latin-1 (mojibake: {sample})"


# ----- HTML ---------------------------------------------------------------------------------------

# Elements html.parser + BeautifulSoup close at once (bs4's empty-element tags); every other start tag
# nests until its end tag, even where HTML implies one: the parser nests <p>a<p>b, <li>, <td>.
_VOID = frozenset(
    "area base br col embed hr img input keygen link menuitem meta param source track wbr "
    "basefont bgsound command frame image isindex nextid spacer".split()
)
_RAW_TEXT = {  # html.parser reads their content as text up to the end tag
    name: re.compile(rf"</\s*{name}\s*>", re.IGNORECASE) for name in ("script", "style")
}
_ATTRIBUTE_CUT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ=/")
_DECLARATION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
_SECTION_CLOSE = {
    **dict.fromkeys(("temp", "cdata", "ignore", "include", "rcdata"), re.compile(r"]\s*]\s*>")),
    **dict.fromkeys(("if", "else", "endif"), re.compile(r"]\s*>")),
}
_COMMENT_CLOSE = re.compile(r"--\s*>")


def _too_deep(cap: int) -> ExtractError:
    return limit_error(
        f"HTML nested more than {cap:,} elements deep (unclosed <p>, <li>, <td> count too)",
        "max_html_depth",
        cap,
    )


def prepare_html(data: str, limits: Limits) -> str:
    """The page as the HTML parser may safely read it; ExtractError when it would be too slow or big.

    Reads the page once, finding each tag, comment and declaration where html.parser will (its own
    patterns), and counts every start tag against limits.max_html_elements and nesting against
    limits.max_html_depth as html.parser + BeautifulSoup build the tree: an end tag closes up to
    the nearest open element of its name and is ignored when none is open, and <p>, <li>, <td> left
    open nest (100,000 open <li> took over 600 s in the parser, 16,000 took 12 s).

    html.parser (Python 3.11) gives up on a construct that never ends ("<a b='", "<!--" without "-->")
    by searching to the end of the page, then reads it as text up to the next ">" and starts again:
    20,000 such starts in 120 KB took 40 s. They are read as text here, once, and handed to the
    parser with their "<" written as "&lt;", which it reads back as "<": the same text, in linear
    time (issue #16). So are "<![" sections it would reject with an error.
    """
    depth_cap, element_cap = limits.max_html_depth, limits.max_html_elements
    stack: list[str] = []
    open_names: Counter[str] = Counter()
    elements = 0
    pieces: list[str] = []
    copied = 0  # data[:copied] is in pieces
    never_closed: dict[re.Pattern[str], int] = {}  # closer → a position after which it never occurs

    def as_text(start: int, end: int) -> None:
        nonlocal copied
        pieces.append(data[copied:start])
        pieces.append(data[start:end].replace("<", "&lt;"))
        copied = end

    def text_to_next_gt(at: int) -> int:
        """What html.parser does with a construct that never ends: text up to the next ">"."""
        gt = data.find(">", at + 1)
        end = len(data) if gt < 0 else gt + 1
        as_text(at, end)
        return end

    def closes(pattern: re.Pattern[str], start: int) -> re.Match[str] | None:
        if start >= never_closed.get(pattern, len(data) + 1):
            return None
        match = pattern.search(data, start)
        if match is None:
            never_closed[pattern] = start
        return match

    n = len(data)
    at = data.find("<")
    while 0 <= at < n - 1:
        nxt = data[at + 1]
        if nxt.isascii() and nxt.isalpha():  # a start tag
            match = _hp.locatestarttagend_tolerant.match(data, at)
            end = match.end()
            after = data[end : end + 1]
            if after == "":  # runs to the end of the page: the rest is text
                as_text(at, n)
                break
            if after == ">":
                end += 1
            elif after in _ATTRIBUTE_CUT:  # html.parser: not finished
                at = data.find("<", text_to_next_gt(at))
                continue
            else:  # ends without ">": html.parser reads it as text
                at = data.find("<", max(end, at + 1))
                continue
            elements += 1
            if elements > element_cap:
                raise limit_error(
                    f"HTML with more than {element_cap:,} elements", "max_html_elements", element_cap
                )
            name = _hp.tagfind_tolerant.match(data, at + 1).group(1).lower()
            if name in _RAW_TEXT and data[end - 2] != "/":
                close = _RAW_TEXT[name].search(data, end)
                if close is None:
                    break  # the rest of the page is the script's: html.parser never reads it
                at = close.start()  # its end tag, ignored below: a script is not on the stack
                continue
            if name not in _VOID and data[end - 2] != "/" and name not in _RAW_TEXT:
                stack.append(name)
                open_names[name] += 1
                if len(stack) > depth_cap:
                    raise _too_deep(depth_cap)
            at = data.find("<", end)
        elif nxt == "/":  # an end tag
            gt = data.find(">", at + 1)
            if gt < 0:
                as_text(at, n)
                break
            match = _hp.endtagfind.match(data, at, gt + 1) or _hp.tagfind_tolerant.match(data, at + 2, gt)
            name = match.group(1).lower() if match else ""
            if open_names[name]:
                while stack:
                    popped = stack.pop()
                    open_names[popped] -= 1
                    if popped == name:
                        break
            at = data.find("<", gt + 1)
        elif data.startswith("<!--", at):
            close = closes(_COMMENT_CLOSE, at + 4)
            at = data.find("<", close.end() if close else text_to_next_gt(at))
        elif data.startswith("<![", at):
            name = _DECLARATION_NAME.match(data, at + 3)
            closer = _SECTION_CLOSE.get(name.group().strip().lower()) if name else None
            close = closes(closer, at + 3) if closer else None
            at = data.find("<", close.end() if close else text_to_next_gt(at))
        elif nxt in "!?":  # a declaration, doctype or processing instruction: up to ">"
            gt = data.find(">", at + 2)
            if gt < 0:
                as_text(at, n)
                break
            at = data.find("<", gt + 1)
        else:  # "a < b"
            at = data.find("<", at + 1)
    if not pieces:
        return data
    pieces.append(data[copied:])
    return "".join(pieces)
