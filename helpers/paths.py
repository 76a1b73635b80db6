"""Every path the project reads or writes, in one place.

Notebooks and helpers import from here instead of writing literal paths. The data
directory can be moved with ``SDG17_DATA_DIR`` (raw snapshots under ``$SDG17_DATA_DIR/raw``,
the tidy tables under ``$SDG17_DATA_DIR/processed``).
"""

from __future__ import annotations

import os
from pathlib import Path

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


def demo_data_dir() -> Path:
    """The root of the synthetic demo store, kept apart from real data."""
    return Path(os.environ.get("SDG17_DEMO_DIR") or ROOT / "data" / "demo").resolve()


def raw_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "raw"


def processed_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "processed"
