"""Notebooks executed the way JupyterLab runs them (issue 9, item 6).

In `make lab` the kernel's working folder is ``notebooks/`` and the store is often given as a
relative path (``SDG17_DATA_DIR=data/demo``, as the README says). Relative paths resolve
against the project root, so the notebook finds the store; an empty store stops the notebook
with one sentence naming ``SDG17_DATA_DIR``. ``make lab`` itself is run with a stand-in
``jupyter`` that prints the store it was given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import papermill
import pytest

from helpers import paths
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.store import demo as demo_store
from tests.notebooks.harness import error_outputs, execute, text_of


def _relative_to_root(path: Path) -> Path:
    """``path`` written relative to the project root, as an analyst writes ``data/demo``."""
    relative = Path(os.path.relpath(path, paths.ROOT))
    # From notebooks/, the same text points somewhere else: that is the trap being tested.
    assert (paths.NOTEBOOKS / relative).resolve() != path.resolve()
    return relative


@pytest.mark.notebook
def test_a_relative_data_dir_finds_the_store_from_notebooks_folder(demo_root, tmp_path):
    nb = execute("00_data_inventory", _relative_to_root(demo_root), tmp_path / "out")
    assert error_outputs(nb) == []
    assert DEMO_NOTICE in text_of(nb)


@pytest.mark.notebook
def test_an_empty_store_stops_the_notebook_with_one_sentence(tmp_path):
    empty = _relative_to_root(tmp_path / "empty-store")
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        execute("01_oda", empty, tmp_path / "out")
    lines = [line for line in exc.value.traceback if line.strip()]
    assert len(lines) == 1, lines  # no traceback frames, one sentence
    sentence = lines[0]
    assert "SDG17_DATA_DIR" in sentence and str((tmp_path / "empty-store").resolve()) in sentence
    for way in ("sdg17 fetch", "sdg17 import", "sdg17 demo", "make lab DATA=demo"):
        assert way in sentence, way


# --- make lab ------------------------------------------------------------------------------


@pytest.fixture
def fake_venv(tmp_path) -> Path:
    """A virtualenv folder for the Makefile: the real python, and a jupyter that only reports."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    scripts = {
        "python": f'#!/bin/sh\nexec "{sys.executable}" "$@"\n',
        "jupyter": '#!/bin/sh\necho "jupyter $1 on store=$SDG17_DATA_DIR"\n',
    }
    for name, text in scripts.items():
        (venv / "bin" / name).write_text(text)
        (venv / "bin" / name).chmod(0o755)
    stamp = venv / ".installed"
    stamp.touch()
    mtime = (paths.ROOT / "pyproject.toml").stat().st_mtime + 60
    os.utime(stamp, (mtime, mtime))  # newer than pyproject.toml: no install is attempted
    return venv


def _make_lab(venv: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "SDG17_DATA_DIR"}
    return subprocess.run(
        ["make", "--no-print-directory", "lab", f"VENV={venv}", *args],
        cwd=paths.ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_make_lab_data_demo_opens_on_the_demo_store(fake_venv, tmp_path):
    demo = tmp_path / "demo"
    demo_store.write_demo_store(demo)
    done = _make_lab(fake_venv, "DATA=demo", SDG17_DEMO_DIR=str(demo))
    assert done.returncode == 0, done.stderr
    assert f"jupyter lab on store={demo.resolve()}" in done.stdout


def test_make_lab_falls_back_to_the_demo_store_and_says_so(fake_venv, tmp_path):
    demo = tmp_path / "demo"
    demo_store.write_demo_store(demo)
    empty = tmp_path / "data"
    done = _make_lab(fake_venv, SDG17_DATA_DIR=str(empty), SDG17_DEMO_DIR=str(demo))
    assert done.returncode == 0, done.stderr
    assert f"jupyter lab on store={demo.resolve()}" in done.stdout
    said = done.stdout + done.stderr
    assert "demo" in said and str(empty.resolve()) in said and "synthetic" in said.lower()


def test_make_lab_keeps_a_store_with_data(fake_venv, tmp_path, demo_root):
    demo = tmp_path / "demo"
    demo_store.write_demo_store(demo)
    done = _make_lab(fake_venv, SDG17_DATA_DIR=str(demo_root), SDG17_DEMO_DIR=str(demo))
    assert done.returncode == 0, done.stderr
    assert f"jupyter lab on store={demo_root.resolve()}" in done.stdout


def test_make_lab_data_offline_keeps_the_empty_store(fake_venv, tmp_path):
    demo = tmp_path / "demo"
    demo_store.write_demo_store(demo)
    empty = tmp_path / "data"
    done = _make_lab(fake_venv, "DATA=offline", SDG17_DATA_DIR=str(empty), SDG17_DEMO_DIR=str(demo))
    assert done.returncode == 0, done.stderr
    assert f"jupyter lab on store={empty.resolve()}" in done.stdout


# --- relative settings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "function"),
    [("SDG17_DATA_DIR", paths.data_dir), ("SDG17_DEMO_DIR", paths.demo_data_dir)],
)
def test_a_relative_setting_resolves_against_the_project_root(setting, function, monkeypatch):
    monkeypatch.chdir(paths.NOTEBOOKS)
    monkeypatch.setenv(setting, "data/somewhere")
    assert function() == paths.ROOT / "data" / "somewhere"
