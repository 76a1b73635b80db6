"""Execute project notebooks with papermill on a given store, as the test suite's notebook runner.

Each notebook test calls :func:`execute` with one of the session stores from conftest
(``demo_root``: the synthetic demo data; ``real_root``: the real files in ../shared/data
imported into a temporary store). Kernels read the store offline, so no test reaches out.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from helpers import paths

KERNEL = "python3"


@contextmanager
def _env(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def execute(name: str, data_root: Path, output_dir: Path, **parameters):
    """Run ``notebooks/<name>.ipynb`` on the store at ``data_root``; return the executed notebook.

    Raises papermill's PapermillExecutionError (naming the failing cell) when a cell fails.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    out = output_dir / f"{name}.ipynb"
    with _env(SDG17_DATA_DIR=str(data_root), SDG17_OFFLINE="1", MPLBACKEND="Agg"):
        papermill.execute_notebook(
            str(paths.NOTEBOOKS / f"{name}.ipynb"),
            str(out),
            parameters={**parameters, "output_dir": str(output_dir)},
            kernel_name=KERNEL,
            cwd=str(paths.NOTEBOOKS),
            progress_bar=False,
            log_output=False,
        )
    return nbformat.read(out, as_version=4)


def error_outputs(nb) -> list[str]:
    """Error outputs of an executed notebook (papermill raises first; this double-checks)."""
    return [
        f"{o.get('ename')}: {o.get('evalue')}"
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def text_of(nb) -> str:
    """Everything a reader sees: markdown sources and the text/markdown outputs."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            parts.append(data.get("text/markdown", "") or data.get("text/plain", ""))
            parts.append(o.get("text", ""))
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


def load_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def store_runs(name: str):
    """Module-scoped fixtures ``demo_run`` and ``real_run``: the notebook executed once on
    each session store, as ``(executed notebook, output folder, store root)``.

    Use as ``demo_run, real_run = store_runs(NAME)`` in a test module.
    """

    def _run(root: Path, tmp_path_factory, tag: str):
        out = tmp_path_factory.mktemp(f"{name}-{tag}")
        return execute(name, root, out), out, root

    @pytest.fixture(scope="module")
    def demo_run(demo_root, tmp_path_factory):
        return _run(demo_root, tmp_path_factory, "demo")

    @pytest.fixture(scope="module")
    def real_run(real_root, tmp_path_factory):
        return _run(real_root, tmp_path_factory, "real")

    return demo_run, real_run


def saved_table(out: Path, name: str) -> pd.DataFrame:
    """A table a notebook saved as ``<name>.csv`` in its output folder."""
    return pd.read_csv(Path(out) / f"{name}.csv")
