"""Helpers shared by tests/test_runner.py and tests/test_site.py.

The toy notebooks here follow the project's notebook convention (a ``parameters`` cell with
``output_dir = ""``) but need neither real data nor ``helpers.tidy``/``helpers.groups``: the
economy reference is replaced by a small fake, and the store holds one tiny snapshot.
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path
from unittest import mock

from helpers import tidy
from helpers.errors import UsageError
from helpers.reference import groups
from helpers.run import runner
from helpers.sources.payload import FetchResult, Payload
from helpers.store import Snapshot, Store

FIXTURES = Path(__file__).resolve().parent
KNOWN = {"KEN", "BGD", "BRA", "IND", "NPL"}
GROUPS = {"LDC": ["BGD", "NPL"], "all": sorted(KNOWN)}


def fake_reference(store):
    return "fake-reference"


def fake_validate(items, reference):
    unknown = [i for i in items if i not in KNOWN and i not in GROUPS]
    if unknown:
        raise UsageError(f"unknown economy codes: {', '.join(unknown)}")
    return list(items)


def fake_members(group, reference):
    if group not in GROUPS:
        raise UsageError(f"unknown economy group {group!r}")
    return GROUPS[group]


def patch_economies(monkeypatch) -> None:
    """Replace the economy reference and its checks with the small fakes above."""
    monkeypatch.setattr(tidy, "economies", fake_reference)
    monkeypatch.setattr(groups, "validate_groups_or_economies", fake_validate)
    monkeypatch.setattr(groups, "members", fake_members)


def seed_store(
    root: Path, name: str = "page1.json", content: bytes = b"[]", kind: str = "api"
) -> Snapshot:
    """Write one small snapshot with a licence and citation into the store at ``root``."""
    return Store(root).write(
        FetchResult(
            source="worldbank",
            format="wb-api-json",
            series=["IT.NET.USER.ZS"],
            payloads=[Payload(name, content, url="http://127.0.0.1/none")],
        ),
        kind=kind,
        licence="CC BY 4.0",
        citation="World Bank, World Development Indicators",
    )


def write_config(path: Path, body: str, *, notebooks_dir: Path | None = FIXTURES) -> Path:
    head = f"notebooks_dir: {notebooks_dir}\n" if notebooks_dir else ""
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


def cli(*argv: str) -> tuple[int, float]:
    """``sdg17 run ARGV`` in this process; returns (exit code, seconds)."""
    t0 = time.monotonic()
    code = runner.run_cli(["run", *argv])
    return code, time.monotonic() - t0


def run_dirs(outputs: Path) -> list[Path]:
    runs = outputs / "runs"
    return sorted(p for p in runs.iterdir() if p.is_dir()) if runs.exists() else []


TOY_CONFIG = """\
name: toy
data: offline
parameters:
  start_year: 2001
notebooks:
  - notebook: toy_report
    parameters: {economies: [KEN, BGD]}
  - notebook: toy_scorecard
    fan_out: {economy: [KEN, BRA]}
"""

_TOY_RUN: dict = {}


def toy_run(base: Path) -> dict:
    """One real run of two toy notebooks and a two-way fan-out (3 kernels), made once per
    test session and shared: ``{"code", "outputs", "run_dir", "config", "stdout"}``."""
    if _TOY_RUN:
        return _TOY_RUN
    base.mkdir(parents=True, exist_ok=True)
    seed_store(base / "data")
    config = write_config(base / "toy.yaml", TOY_CONFIG)
    env = {"SDG17_DATA_DIR": str(base / "data"), "SDG17_OUTPUTS_DIR": str(base / "outputs")}
    with (
        mock.patch.dict(os.environ, env),
        mock.patch.object(tidy, "economies", fake_reference),
        mock.patch.multiple(
            groups, validate_groups_or_economies=fake_validate, members=fake_members
        ),
    ):
        code, seconds = cli("--config", str(config), "--jobs", "2")
    (run_dir,) = run_dirs(base / "outputs")
    _TOY_RUN.update(
        code=code,
        seconds=seconds,
        outputs=base / "outputs",
        run_dir=run_dir,
        config=config,
        data=base / "data",
    )
    return _TOY_RUN


def code_notebook(path: Path, source: str) -> Path:
    """Write a notebook with a ``parameters`` cell (``output_dir = ""``) and one code cell."""
    cell = {"cell_type": "code", "execution_count": None, "outputs": []}
    cells = [
        {**cell, "id": "p", "metadata": {"tags": ["parameters"]}, "source": 'output_dir = ""'},
        {**cell, "id": "x", "metadata": {}, "source": source},
    ]
    meta = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}
    path.write_text(
        json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5})
    )
    return path


def manifest_of(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text())


def processes_of(run_id: str) -> list[int]:
    """Pids whose environment names this run (workers and kernels carry SDG17_RUN_ID)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if f"SDG17_RUN_ID={run_id}".encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def first_save(outputs: Path, pattern: str, timeout: float = 60) -> Path | None:
    """The manifest of the run whose execution first saved ``pattern`` (under ``runs/``):
    papermill has started that kernel. None after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list((outputs / "runs").glob(pattern))
        if found:
            return found[0].parents[1] / "manifest.json"
        time.sleep(0.2)
    return None
