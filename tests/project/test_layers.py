"""The architecture, checked: helpers' layers import one way only.

Order (lowest first): the root modules (paths, errors, catalogue), reference, sources, store,
tidy, models, topics, notebook, run, then cli. A module may import from its own layer or any
lower one. Every ``import`` is read with ``ast``, at module level and inside functions alike,
so a cycle cannot hide in a function body.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import paths

LAYERS = ("", "reference", "sources", "store", "tidy", "models", "topics", "notebook", "run", "cli")
ROOT_MODULES = {"__init__", "paths", "errors", "catalogue"}


def layer_of(module: str) -> int:
    """The layer index of a dotted ``helpers...`` module name."""
    parts = module.split(".")
    if parts[0] != "helpers":
        raise ValueError(module)
    if len(parts) == 1 or parts[1] in ROOT_MODULES:
        return 0
    if parts[1] == "cli":
        return LAYERS.index("cli")
    if parts[1] not in LAYERS:
        raise AssertionError(f"{module}: not in any layer; add it to LAYERS or move it")
    return LAYERS.index(parts[1])


def module_name(path: Path) -> str:
    rel = path.relative_to(paths.ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def project_imports(tree: ast.AST, module: str) -> list[tuple[str, int, bool]]:
    """(imported helpers module, line, inside a function) for every import of the project."""
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend(
                    (a.name, child.lineno, in_function)
                    for a in child.names
                    if a.name.split(".")[0] == "helpers"
                )
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(module.split(".")[: -child.level] + ([base] if base else []))
                if base.split(".")[0] == "helpers":
                    # `from helpers import tidy` imports the subpackage helpers.tidy
                    names = [f"{base}.{a.name}" for a in child.names]
                    found.extend((name, child.lineno, in_function) for name in names)
            nested = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, in_function or nested)

    visit(tree, False)
    return found


def target_layer(name: str) -> int:
    parts = name.split(".")
    # "helpers.__version__" and "helpers.paths.ROOT" resolve to root modules
    if len(parts) == 2 and parts[1] not in LAYERS and parts[1] != "cli":
        return 0
    return layer_of(".".join(parts[:2]) if len(parts) > 1 else name)


def violations(package: Path) -> list[str]:
    out = []
    for path in sorted(package.rglob("*.py")):
        module = module_name(path)
        mine = layer_of(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, line, in_function in project_imports(tree, module):
            theirs = target_layer(name)
            where = f"{path.relative_to(paths.ROOT)}:{line}"
            if theirs > mine:
                out.append(
                    f"{where}: {module} ({LAYERS[mine] or 'root'}) imports {name} "
                    f"({LAYERS[theirs]}), a higher layer"
                )
            elif in_function:
                out.append(f"{where}: {module} imports {name} inside a function")
    return out


def test_every_helpers_module_imports_only_its_own_or_lower_layers():
    assert violations(paths.PACKAGE) == []


def test_the_check_names_file_and_line_of_an_upward_import(tmp_path):
    pkg = tmp_path / "helpers"
    (pkg / "sources").mkdir(parents=True)
    (pkg / "sources" / "bad.py").write_text("import os\n\nfrom helpers.tidy import load\n")
    (pkg / "store").mkdir()
    (pkg / "store" / "lazy.py").write_text("def f():\n    from helpers.sources import http\n")
    original = paths.ROOT
    try:
        paths.ROOT = tmp_path
        found = violations(pkg)
    finally:
        paths.ROOT = original
    assert found == [
        "helpers/sources/bad.py:3: helpers.sources.bad (sources) imports helpers.tidy.load "
        "(tidy), a higher layer",
        "helpers/store/lazy.py:2: helpers.store.lazy imports helpers.sources.http inside a "
        "function",
    ]


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("helpers", ""),
        ("helpers.catalogue", ""),
        ("helpers.sources.worldbank.api", "sources"),
        ("helpers.topics.oda.figures", "topics"),
        ("helpers.cli", "cli"),
    ],
)
def test_layer_of_reads_the_folder(module, layer):
    assert LAYERS[layer_of(module)] == layer


def test_only_a_handful_of_modules_sit_directly_under_helpers():
    flat = {p.stem for p in paths.PACKAGE.glob("*.py")}
    assert flat <= ROOT_MODULES | {"cli"}
