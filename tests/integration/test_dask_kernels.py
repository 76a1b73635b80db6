"""Kernels forked from the per-run kernel template (``helpers.run.kernels``): each is a fresh
process that has run no other notebook, and none outlives what asked for it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from helpers.paths import ROOT
from helpers.run import kernels
from helpers.run import worker as runworker
from tests.fakes.notebooks import runkit


def _run(nb: Path, out: Path, zygote: str | None) -> list[str]:
    out.mkdir()
    spec = {
        "input": str(nb),
        "folder": str(out),
        "stem": nb.stem,
        "params": {"output_dir": str(out)},
        "kernel": "python3",
        "timeout": 60,
        "cwd": str(nb.parent),
        "zygote": zygote,
    }
    result = runworker.execute(spec)
    assert result["status"] == "ok", result["error"]
    executed = json.loads((out / f"{nb.stem}.ipynb").read_text())
    return "".join(executed["cells"][-1]["outputs"][0]["text"]).split()


@pytest.fixture
def zygote(tmp_path, monkeypatch):
    env = {
        "SDG17_RUN_ID": f"test-{tmp_path.name}",
        "PYTHONPATH": str(ROOT),
        "MPLBACKEND": "Agg",
        "SDG17_DATA_DIR": str(tmp_path / "data"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield kernels.zygote_for(env), env["SDG17_RUN_ID"]
    kernels.close()


@pytest.mark.notebook
def test_forked_kernels_are_fresh_processes_with_the_imports_done(tmp_path, zygote):
    address, _ = zygote
    dirty = runkit.code_notebook(
        tmp_path / "dirty.ipynb",
        "import os, sys\nleft_behind = 42\nsys.modules['pandas'].left_behind = 1\n"
        "print(os.getpid(), os.getppid())",
    )
    look = runkit.code_notebook(
        tmp_path / "look.ipynb",
        "import os, sys\nprint(os.getpid(), os.getppid(), 'left_behind' in globals(), "
        "hasattr(sys.modules['pandas'], 'left_behind'), 'statsmodels.api' in sys.modules)",
    )
    first_pid, first_parent = _run(dirty, tmp_path / "a", address)
    pid, parent, leaked_global, leaked_module, preloaded = _run(look, tmp_path / "b", address)
    assert pid != first_pid and parent == first_parent  # both children of the template
    assert (leaked_global, leaked_module) == ("False", "False")
    assert preloaded == "True"  # imported once by the template, not by the notebook
    assert not kernels._alive(int(first_pid))  # shut down with its execution


@pytest.mark.notebook
def test_a_wrong_token_is_refused(zygote):
    address, _ = zygote
    port, _ = address.split(":", 1)
    with pytest.raises(RuntimeError, match="wrong token"):
        kernels.fork_kernel(f"{port}:nope", ["-f", "/dev/null"], dict(os.environ), "/", "/dev/null")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_the_template_exits_when_closed_and_a_dead_pid_is_not_alive(zygote):
    _, run_id = zygote
    (zyg,) = [z for z in kernels._ZYGOTES.values() if z.run_id == run_id]
    pid = zyg.proc.pid
    assert kernels._alive(pid)
    assert kernels.close(run_id) == 1
    deadline = time.monotonic() + 10
    while kernels._alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not kernels._alive(pid)
    assert kernels._alive(os.getpid())
