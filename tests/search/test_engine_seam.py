"""The seam (issue #18): one engine interface chosen by a setting, Haystack's own query path not
offered, and Whoosh imported only inside its engine's folder."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.test import override_settings

from search.engines import engine

ROOT = Path(__file__).resolve().parents[2]
WHOOSH_HOME = ROOT / "search" / "engines" / "whoosh"
APP_DIRS = ["archive", "config", "search", "bench"]


def test_searchqueryset_is_not_offered():
    from haystack.query import SearchQuerySet

    from search.engines.haystack import NotOffered

    with pytest.raises(NotOffered, match="not offered.*engine\\(\\)\\.search"):
        SearchQuerySet().auto_query("dan van")


def test_the_engine_is_a_setting_and_a_wrong_one_is_named():
    with override_settings(SEARCH_ENGINE="whoosh"):
        assert engine().name == "whoosh"
    with override_settings(SEARCH_ENGINE="postgres"):
        assert engine().name == "postgres"
    with override_settings(SEARCH_ENGINE="elastic"), pytest.raises(ValueError, match="^SEARCH_ENGINE: "):
        engine()


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _modules_importing(prefix: str) -> list[str]:
    out = []
    for top in APP_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            if WHOOSH_HOME in path.parents:
                continue
            if any(name == prefix or name.startswith(prefix + ".") for name in _imports(path)):
                out.append(str(path.relative_to(ROOT)))
    return out


def test_views_selectors_health_and_commands_do_not_reach_past_the_interface():
    for name in ["search/views.py", "search/selectors.py", "config/health.py", "search/indexing.py"]:
        imported = _imports(ROOT / name)
        assert not any(m.startswith("search.engines.whoosh") for m in imported), name
        assert not any(m == "whoosh" or m.startswith("whoosh.") for m in imported), name


def test_no_module_outside_the_whoosh_engine_imports_whoosh():
    assert _modules_importing("whoosh") == []
    # and the engine's folder does (the scan would pass on an empty project too)
    assert any(n == "whoosh" or n.startswith("whoosh.") for n in _imports(WHOOSH_HOME / "backend.py"))


def test_an_index_written_before_the_move_still_opens():
    """Whoosh pickles its schema's and segments' classes by module name: the names before issue
    #18 (search.codec, search.backend, search.analysis) still load."""
    import pickle

    from search.engines.whoosh import backend, codec
    from search.engines.whoosh.analyzer import VietnameseAnalyzer

    assert pickle.loads(b"csearch.codec\nDanvanCodec\n.") is codec.DanvanCodec
    assert pickle.loads(b"csearch.backend\nVietnameseText\n.") is backend.VietnameseText
    assert pickle.loads(b"csearch.analysis\nVietnameseAnalyzer\n.") is VietnameseAnalyzer
