"""Issue 10: each extracted field keeps its evidence (rule, words, line); ingest stores it on the
Article, re-ingest refreshes it, the admin shows it read-only beside the fields."""

import ast
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Article
from tests.conftest import run_ingest

pytestmark = pytest.mark.django_db

DEVSET = Path(__file__).resolve().parents[1] / "data" / "extract" / "devset"


def test_ingest_stores_evidence_and_reingest_refreshes_it(tmp_path):
    source = tmp_path / "d03_cited_resolution.txt"
    shutil.copy(DEVSET / source.name, source)
    run_ingest(str(source))
    article = Article.objects.get(source_file=source.name)
    ev = article.evidence
    assert ev["date"]["rule"].startswith("dated lead")
    assert ev["date"]["words"] == "chiều 15-10"  # not the cited "ngày 3/6/2013"
    assert "Nghị quyết số 25-NQ/TW" in ev["date"]["line"]
    assert ev["province"] == {
        "rule": "own committee",
        "words": "named: Tỉnh ủy Tây Ninh",
        "line": ev["province"]["line"],
    }
    assert "Tỉnh ủy Tây Ninh tổ chức" in ev["province"]["line"]
    assert ev["meeting"]["rule"] == "meeting: tong_ket"
    (official,) = ev["officials"]
    assert official["name"] == "Nguyễn Thành Tâm"
    assert official["position"] == "Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy"
    assert official["rule"].startswith("position after the name")

    # The page is re-saved with an outlet code after the byline: evidence follows the new extraction.
    raw = source.read_text(encoding="utf-8")
    source.write_text(raw.replace("Hoàng Yến", "Hoàng Yến (LSO)"), encoding="utf-8")
    out, _ = run_ingest(str(source))
    assert "1 updated" in out
    article.refresh_from_db()
    assert article.evidence["outlet"]["rule"] == "source code LSO"
    assert article.evidence["outlet"]["line"] == "Hoàng Yến (LSO)"
    # A file that did not change leaves the stored evidence as it is.
    out, _ = run_ingest(str(source))
    assert "1 unchanged" in out


def test_admin_shows_evidence_read_only(client, django_user_model, tmp_path):
    shutil.copy(DEVSET / "p01_guest_delegation.txt", tmp_path / "p01.txt")
    run_ingest(str(tmp_path / "p01.txt"))
    article = Article.objects.get(source_file="p01.txt")
    client.force_login(django_user_model.objects.create_superuser("ed", "", "pw-long-enough-1"))
    page = client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    assert "Bằng chứng trích xuất" in page
    assert 'class="evidence"' in page
    assert "named: Tỉnh ủy Quảng Trị" in page
    assert "Hầu Minh Lợi: Trưởng Ban Dân vận Tỉnh ủy Hà Giang" in page
    assert 'name="evidence' not in page  # shown, not editable
    assert "guest delegation: Hà Giang" in " ".join(article.review_reasons)


def test_score_extraction_command(capsys):
    call_command("score_extraction", str(DEVSET), gold=str(DEVSET / "gold.json"))
    out = capsys.readouterr().out
    assert out.startswith("86 articles scored")
    assert "officials  P 1.000" in out


def test_score_extraction_bad_gold_names_the_file(tmp_path):
    bad = tmp_path / "gold.json"
    bad.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(CommandError, match=r"gold\.json: not valid JSON"):
        call_command("score_extraction", str(DEVSET), gold=str(bad))
    bad.write_text(json.dumps([1]), encoding="utf-8")
    with pytest.raises(CommandError, match="must be a JSON object"):
        call_command("score_extraction", str(DEVSET), gold=str(bad))
    with pytest.raises(CommandError, match="cannot read the gold file"):
        call_command("score_extraction", str(DEVSET), gold=str(tmp_path / "none.json"))


# --- The rule column in the editor's language (issue #19, item 6) ---------------------------------

EXTRACTORS = Path(__file__).resolve().parents[2] / "archive" / "extract"


def _labels(code: str) -> tuple[str, str]:
    from django.utils import translation

    from archive.rule_labels import rule_label

    with translation.override("vi"):
        vi = rule_label(code)
    with translation.override("en"):
        en = rule_label(code)
    return vi, en


VIETNAMESE_LETTER = re.compile(r"[À-ỹ]")  # letters with diacritics (no ASCII)


def _check_labelled(code: str) -> None:
    vi, en = _labels(code)
    assert vi != code, f"rule {code!r} has no Vietnamese label (archive/rule_labels.py)"
    assert VIETNAMESE_LETTER.search(vi), f"rule {code!r}: {vi!r} does not read as Vietnamese"
    assert en != vi, f"rule {code!r}: no English for {vi!r} (locale/en)"
    assert not VIETNAMESE_LETTER.search(en), f"rule {code!r}: English {en!r}"


def test_every_rule_the_extractors_can_write_has_a_vietnamese_and_an_english_label():
    from archive.extract import rules

    every = rules.every_rule()
    for code in every:
        _check_labelled(code)
    # each name archive/extract/rules.py defines is in the enumeration: a rule added there without
    # an entry in every_rule() (and so without a label) fails here
    names = {k: v for k, v in vars(rules).items() if k.isupper() and isinstance(v, str)}
    for name, value in names.items():
        assert any(value in code for code in every), f"rules.{name} is not in rules.every_rule()"
    for name, group in vars(rules).items():
        if name.isupper() and isinstance(group, tuple):
            assert all(any(v in code for code in every) for v in group), f"rules.{name}"
    # the meeting kinds and name cues the extractors use are the ones rules.py lists
    from archive.extract import events

    assert set(events._KINDS.values()) | {"hoi_nghi"} == set(rules.MEETING_KINDS)


def _rule_expressions(tree: ast.AST):
    """The expressions an extractor writes as a rule: _ev(rule, …), vote(…, …, rule, …),
    {"rule": …}, rule=…, rule = …, x.rule = … (a tuple assignment's matching element too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "_ev" and node.args:
                yield node.args[0]
            if name == "vote" and len(node.args) > 2:
                yield node.args[2]
            yield from (k.value for k in node.keywords if k.arg == "rule")
        elif isinstance(node, ast.Dict):
            yield from (
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == "rule"
            )
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = (
                    zip(target.elts, node.value.elts, strict=True)
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                    else [(target, node.value)]
                )
                for t, v in pairs:
                    if getattr(t, "id", getattr(t, "attr", "")) in ("rule", "source"):
                        yield v


def test_no_extractor_writes_a_rule_as_a_bare_string():
    """Every rule goes through archive/extract/rules.py (where every_rule() lists it for a label):
    a string or f-string written straight into the evidence would reach the editor untranslated."""
    found = 0
    for path in sorted(EXTRACTORS.glob("*.py")):
        if path.name == "rules.py":
            continue
        for expr in _rule_expressions(ast.parse(path.read_text(encoding="utf-8"))):
            found += 1
            bare = [
                n
                for n in ast.walk(expr)
                if isinstance(n, ast.JoinedStr | ast.Constant) and isinstance(getattr(n, "value", ""), str)
            ]
            bare = [n for n in bare if not (isinstance(n, ast.Constant) and n.value == "")]
            assert not bare, f"{path.name}:{expr.lineno}: a rule written as a string: {ast.unparse(expr)}"
    assert found >= 30  # the walk sees the extractors' rule sites (about 40 today)


def _rule_cells(html: str) -> list[tuple[str, str]]:
    return [
        (unescape(code), unescape(shown))
        for code, shown in re.findall(r'<td class="rule" data-rule="([^"]*)">([^<]*)</td>', html)
    ]


@pytest.fixture
def real_articles(tmp_path, provinces, empty_index):
    """The seeds, 400 corpus lines and the 21 corpus-like ones (officials, meetings), ingested."""
    import gzip
    import itertools

    from tests.archive.browse_fixtures import corpus_like_lines
    from tests.conftest import CORPUS, SEEDS

    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = list(itertools.islice(lines, 400))
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(records) + "\n".join(corpus_like_lines(21)) + "\n", encoding="utf-8")
    shutil.copy(DEVSET / "p01_guest_delegation.txt", tmp_path / "p01.txt")
    shutil.copy(DEVSET / "d03_cited_resolution.txt", tmp_path / "d03.txt")
    run_ingest(str(SEEDS), str(path), str(tmp_path / "p01.txt"), str(tmp_path / "d03.txt"))
    return Article.objects.exclude(evidence={})


def test_admin_shows_every_rule_of_real_articles_in_the_editors_language(
    client, django_user_model, real_articles
):
    """The evidence of real extracted articles, rendered by the admin in Vietnamese and in English:
    every rule cell is the code's label (never the English code), one article per distinct code."""
    from archive.admin import EVIDENCE_LABELS

    def codes_of(article) -> set[str]:
        """The rules of the fields the admin's evidence table shows."""
        out = set()
        for items in (article.evidence.get(key) for key, _ in EVIDENCE_LABELS):
            for ev in items if isinstance(items, list) else [items]:
                if ev and ev.get("rule"):
                    out.add(ev["rule"])
        return out

    by_code: dict[str, Article] = {}
    for article in real_articles:
        for code in codes_of(article):
            by_code.setdefault(code, article)
    for code in by_code:
        _check_labelled(code)  # every rule extraction wrote on these articles has both labels
    shapes = {re.sub(r" \(.*\)$|, .*$|: .*$| \S+\.\S+$| [A-Z]{2,}$", "", c) for c in by_code}
    assert len(by_code) >= 15 and {"dated lead", "own committee", "meeting", "byline"} <= shapes, by_code

    client.force_login(django_user_model.objects.create_superuser("ed", "", "pw-long-enough-1"))
    seen = set()
    for article in {a.pk: a for a in by_code.values()}.values():
        url = f"/admin/archive/article/{article.pk}/change/"
        for language in ("vi", "en"):
            client.cookies["django_language"] = language
            html = client.get(url).content.decode()
            cells = _rule_cells(html)
            assert {code for code, _ in cells} == codes_of(article)
            for code, shown in cells:
                vi, en = _labels(code)
                assert shown == (vi if language == "vi" else en), (url, language, code, shown)
                assert language == "en" or shown != code  # in English a label may read as its code
                seen.add(code)
            if language == "en":
                assert "<th>rule</th>" in html and "<th>quy tắc</th>" not in html
            else:
                assert "<th>quy tắc</th>" in html
    assert seen == set(by_code)


def test_an_unknown_rule_code_is_shown_as_it_is():
    from django.utils import translation

    from archive.rule_labels import rule_label

    with translation.override("vi"):
        assert rule_label("a rule from another version") == "a rule from another version"
        assert rule_label("meeting: hop_bat_thuong") == "meeting: hop_bat_thuong"
        assert rule_label("") == ""
        assert rule_label("source code LSO") == "mã nguồn tin LSO"
        assert (
            rule_label("dated lead, year printed in the title")
            == "ngày ở đoạn mở đầu, năm lấy từ: năm in trong tiêu đề"
        )
    with translation.override("en"):
        assert (
            rule_label("position after the name (honorific)")
            == "position after the name (found by an honorific)"
        )
