"""Every path the project reads or writes, in one place.

Notebooks and helpers import from here instead of writing literal paths. The data
directory can be moved with ``SDG17_DATA_DIR`` (raw snapshots under ``$SDG17_DATA_DIR/raw``,
the tidy tables under ``$SDG17_DATA_DIR/processed``), the demo store with ``SDG17_DEMO_DIR``.
A relative path in either resolves against the project root, not the working folder: a
JupyterLab kernel runs in ``notebooks/``, and ``SDG17_DATA_DIR=data/demo`` still means
``<repo>/data/demo`` there.

``python -m helpers.paths [DATA]`` chooses the store ``make lab`` opens (see ``lab_store``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from helpers.errors import UsageError

PACKAGE = Path(__file__).resolve().parent  # the helpers package, every layer below it
ROOT = PACKAGE.parent
NOTEBOOKS = ROOT / "notebooks"
RUNS_CONFIG = ROOT / "runs"
CATALOGUE_FILE = PACKAGE / "catalogue.yaml"
REFERENCE_DIR = PACKAGE / "reference"
# Written by a notebook beside its outputs (title, key findings); read by the report site.
FINDINGS_FILE = "findings.json"


def outputs_dir() -> Path:
    """Where runs and the report site go: ``$SDG17_OUTPUTS_DIR`` (read now; a relative path is
    taken from the project root), else ``<repo>/outputs``."""
    return from_root(os.environ.get("SDG17_OUTPUTS_DIR") or ROOT / "outputs")


def from_root(path: Path | str) -> Path:
    """``path`` made absolute: ``~`` expanded, a relative path taken from the project root."""
    return (ROOT / Path(path).expanduser()).resolve()  # ROOT / an absolute path is that path


def _setting(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return from_root(value) if value else default.resolve()


def data_dir() -> Path:
    """The data root: ``$SDG17_DATA_DIR`` if set (relative to the project root), else
    ``<repo>/data``.

    Read at call time, not import time, so tests and the CLI can redirect it.
    """
    return _setting("SDG17_DATA_DIR", ROOT / "data")


def check_dir(path: Path, setting: str = "SDG17_DATA_DIR") -> Path:
    """``path`` itself, once sure it is a directory or can be made one (nothing is created).

    Args:
        path: the directory to check.
        setting: what chose it, named in the error (an environment variable, usually).

    Raises:
        UsageError: ``path``, or the nearest part of it that exists, is not a directory.
    """
    for part in (path, *path.parents):
        if part.is_dir():
            return path
        if part.exists() or part.is_symlink():  # a file, or a link to nowhere
            what = "a file" if part.exists() else "a broken link"
            where = f"is {what}" if part == path else f"lies under {part}, which is {what}"
            raise UsageError(
                f"the data directory {path} {where}, not a directory; set {setting} to a directory"
            )
    return path


def demo_data_dir() -> Path:
    """The root of the synthetic demo store, kept apart from real data: ``$SDG17_DEMO_DIR``
    if set (relative to the project root), else ``<repo>/data/demo``."""
    return _setting("SDG17_DEMO_DIR", ROOT / "data" / "demo")


def raw_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "raw"


def processed_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "processed"


def holds_snapshots(root: Path) -> bool:
    """Whether the store at ``root`` holds at least one snapshot (a ``metadata.json`` under
    ``raw/<source>/<snapshot>/``; folders being written, named with a dot, do not count).

    A cheap look for start-up messages; ``helpers.store.Store`` is the reader that checks.
    """
    raw = raw_dir(root)
    return any(
        not any(part.startswith(".") for part in meta.relative_to(raw).parts[:2])
        for meta in raw.glob("*/*/metadata.json")
    )


def lab_store(data: str = "") -> tuple[Path, str]:
    """The store JupyterLab should open on, and a sentence saying which and why.

    Args:
        data: ``"demo"`` (the demo store), ``"offline"`` (``$SDG17_DATA_DIR`` as it is), a
            store folder (relative to the project root), or ``""``: ``$SDG17_DATA_DIR`` when
            it holds data, else the demo store when that is built.

    Raises:
        UsageError: ``data`` names a folder that does not exist.
    """
    demo, store = demo_data_dir(), data_dir()
    build_demo = "build it with `make demo` (or `sdg17 demo`)"
    if data == "demo":
        if not holds_snapshots(demo):
            return demo, f"The demo store at {demo} is not built yet: {build_demo}."
        return demo, f"JupyterLab opens on the synthetic demo store at {demo} (DATA=demo)."
    if data not in ("", "offline"):
        store = from_root(data)
        if not store.is_dir():
            raise UsageError(
                f"DATA={data}: no folder {store}; use DATA=demo, DATA=offline or DATA=<folder>"
            )
        return store, f"JupyterLab opens on the store at {store} (DATA={data})."
    if holds_snapshots(store) or data == "offline":
        empty = "" if holds_snapshots(store) else ", which is empty"
        return store, f"JupyterLab opens on the store at {store} (SDG17_DATA_DIR){empty}."
    fill = f"fill {store} with `sdg17 fetch` or `sdg17 import PATH`"
    if holds_snapshots(demo):
        return demo, (
            f"The store at {store} (SDG17_DATA_DIR) holds no data, so JupyterLab opens on the "
            f"synthetic demo store at {demo}; {fill}, or keep it with `make lab DATA=offline`."
        )
    return store, (
        f"The store at {store} (SDG17_DATA_DIR) holds no data and there is no demo store: "
        f"{fill}, or {build_demo} and run `make lab DATA=demo`."
    )


def _lab_main(argv: list[str]) -> int:
    """``python -m helpers.paths [DATA]``: the chosen store on stdout, the reason on stderr."""
    try:
        root, note = lab_store(argv[0] if argv else "")
    except UsageError as exc:
        print(f"make lab: {exc}", file=sys.stderr)
        return exc.exit_code
    print(note, file=sys.stderr)
    print(root)
    return 0


if __name__ == "__main__":
    sys.exit(_lab_main(sys.argv[1:]))
