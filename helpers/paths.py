"""Every path the project reads or writes, in one place.

Notebooks and helpers import from here instead of writing literal paths. The data
directory can be moved with ``SDG17_DATA_DIR`` (raw snapshots under ``$SDG17_DATA_DIR/raw``,
the tidy tables under ``$SDG17_DATA_DIR/processed``).
"""

from __future__ import annotations

import os
from pathlib import Path

from helpers.errors import UsageError

PACKAGE = Path(__file__).resolve().parent  # the helpers package, every layer below it
ROOT = PACKAGE.parent
NOTEBOOKS = ROOT / "notebooks"
OUTPUTS = Path(os.environ.get("SDG17_OUTPUTS_DIR", ROOT / "outputs"))
RUNS_CONFIG = ROOT / "runs"
CATALOGUE_FILE = PACKAGE / "catalogue.yaml"
REFERENCE_DIR = PACKAGE / "reference"


def data_dir() -> Path:
    """The data root: ``$SDG17_DATA_DIR`` if set, else ``<repo>/data``.

    Read at call time, not import time, so tests and the CLI can redirect it.
    """
    return Path(os.environ.get("SDG17_DATA_DIR") or ROOT / "data").resolve()


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
    """The root of the synthetic demo store, kept apart from real data."""
    return Path(os.environ.get("SDG17_DEMO_DIR") or ROOT / "data" / "demo").resolve()


def raw_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "raw"


def processed_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "processed"
