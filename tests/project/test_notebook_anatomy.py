"""The notebooks read as reports, not plumbing (STYLE.md, "Notebook anatomy")."""

from __future__ import annotations

import ast
import json
import re

import pytest

from helpers import paths

MAX_CELL_LINES = 20
MAX_GUARDS = 3  # has_*-style flags a notebook may carry between cells


def _notebooks():
    return sorted(paths.NOTEBOOKS.glob("0*.ipynb"))


def _cells(path, kind):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [("".join(c["source"]), c) for c in cells if c["cell_type"] == kind]


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_code_cells_are_short_and_define_nothing(path):
    for source, cell in _cells(path, "code"):
        lines = [line for line in source.splitlines() if line.strip()]
        assert len(lines) <= MAX_CELL_LINES, f"{path.name}: a {len(lines)}-line cell:\n{source}"
        tree = ast.parse(source)
        defined = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert defined == [], f"{path.name} defines {defined}; move them to helpers"
        assert cell.get("execution_count") is None and cell.get("outputs") == []


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_few_has_guards(path):
    source = "\n".join(s for s, _ in _cells(path, "code"))
    guards = set(re.findall(r"\bhas_\w+", source))
    assert len(guards) <= MAX_GUARDS, f"{path.name}: {sorted(guards)}"


def _blocks(cells, reader: bool) -> list[tuple[int, str]]:
    """The page as the reader (``remove-cell`` cells dropped) or the analyst sees it: a list
    of (heading level, text) with level 0 for anything that is not a heading."""
    blocks = []
    for cell in cells:
        if reader and "remove-cell" in cell["metadata"].get("tags", []):
            continue
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            blocks.append((0, source))
            continue
        for part in re.split(r"^(#{1,6} .*)$", source, flags=re.M):
            if part.strip():
                level = len(part) - len(part.lstrip("#")) if part.startswith("#") else 0
                blocks.append((level, part.strip()))
    return blocks


@pytest.mark.parametrize("reader", [False, True], ids=["full", "reader"])
@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_no_empty_headings(path, reader):
    """A heading has something under it before the next heading of its level or higher, in
    the full version and in the reader version (where ``remove-cell`` cells are dropped)."""
    blocks = _blocks(json.loads(path.read_text(encoding="utf-8"))["cells"], reader)
    for i, (level, text) in enumerate(blocks):
        if not level:
            continue
        following = [lv for lv, _ in blocks[i + 1 :]]
        body = following[: next((j for j, lv in enumerate(following) if 0 < lv <= level), None)]
        assert 0 in body, f"{path.name} ({'reader' if reader else 'full'}): {text!r} is empty"


PLUMBING = re.compile(r"^(import |from |params\.check\(|assert |\w+ = tidy\.load\()", re.M)


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_reader_version_opens_with_title_question_and_key_findings(path):
    """STYLE.md's anatomy: a computed title naming the selection, the question, then the key
    findings (computed) before any section; plumbing cells hidden from the reader."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        tags = cell["metadata"].get("tags", [])
        if cell["cell_type"] == "code" and (PLUMBING.search(source) or "parameters" in tags):
            assert "remove-cell" in tags, f"{path.name}: plumbing shown to readers:\n{source}"
    visible = [c for c in cells if "remove-cell" not in c["metadata"].get("tags", [])]
    first, question, findings_heading, findings = visible[:4]
    assert "".join(first["source"]).startswith("page.heading(title)")
    assert question["cell_type"] == "markdown" and not "".join(question["source"]).startswith("#")
    assert "".join(findings_heading["source"]).startswith("## Key findings")
    assert "page.key_findings(" in "".join(findings["source"])
    assert "output_dir=output_dir" in "".join(findings["source"])
