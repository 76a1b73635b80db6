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


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_no_empty_headings(path):
    for source, _ in _cells(path, "markdown"):
        blocks = re.split(r"^(#{1,6} .*)$", source, flags=re.M)
        # blocks: [before, heading, body, heading, body, ...]; a heading's body may be empty
        # only when a subheading follows it in the same cell.
        for i in range(1, len(blocks), 2):
            body = blocks[i + 1].strip() if i + 1 < len(blocks) else ""
            last = i + 2 >= len(blocks)
            assert body or not last, f"{path.name}: heading {blocks[i]!r} has nothing under it"
