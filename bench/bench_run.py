"""Benchmark ``sdg17 run``: parallel speed-up, distance from the floor, and a no-change rerun.

Usage:
    python bench/bench_run.py                       # runs/default.yaml on demo data
    python bench/bench_run.py --config runs/weekly.yaml --repeat 3

It runs ``sdg17 run`` in a subprocess into a temporary outputs folder, three times:
``--jobs 1 --force``, ``--jobs 2 --force`` and a plain ``--jobs 2`` rerun (everything reused),
and prints their wall times, the jobs-1/jobs-2 ratio, and each time against the floor: what a
notebook costs before it computes anything (kernel start plus importing helpers, pandas,
seaborn and statsmodels, measured on a trivial notebook), times the number of executions,
divided by the jobs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOOR_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "params",
            "metadata": {"tags": ["parameters"]},
            "outputs": [],
            "source": 'output_dir = ""',
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "imports",
            "metadata": {},
            "outputs": [],
            "source": "import helpers\nimport pandas\nimport seaborn\nimport statsmodels.api",
        },
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def sdg17_command() -> list[str]:
    """``sdg17`` beside this interpreter, else the same code path via ``-m helpers.run.runner``."""
    exe = Path(sys.executable).with_name("sdg17")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "helpers.run.runner"]


def timed_run(argv: list[str], env: dict) -> tuple[float, int, Path | None]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*sdg17_command(), "run", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr[-3000:])
    latest = sorted(
        (Path(env["SDG17_OUTPUTS_DIR"]) / "runs").glob("*/manifest.json"),
        key=lambda p: json.loads(p.read_text()).get("started_at_epoch", 0),
    )
    return seconds, proc.returncode, latest[-1].parent if latest else None


def floor_seconds(workdir: Path, repeat: int) -> float:
    """Median time to execute the trivial notebook: kernel start plus the heavy imports."""
    import papermill

    from helpers.run import worker as runworker

    nb = workdir / "floor.ipynb"
    nb.write_text(json.dumps(FLOOR_NOTEBOOK))
    env_before = dict(os.environ)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    times = []
    saved_stderr = os.dup(2)  # kernels write start-up warnings to the inherited stderr
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        for _ in range(repeat):
            t0 = time.perf_counter()
            papermill.execute_notebook(
                str(nb),
                str(workdir / "floor.out.ipynb"),
                parameters={"output_dir": ""},
                kernel_name="python3",
                progress_bar=False,
                cwd=str(workdir),
                kernel_manager_class=runworker._kernel_manager_class("python3"),
                shutdown_kernel="immediate",
            )
            times.append(time.perf_counter() - t0)
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(devnull)
        os.environ.clear()
        os.environ.update(env_before)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="runs/default.yaml")
    parser.add_argument("--data", default="demo", choices=("demo", "offline", "live"))
    parser.add_argument("--repeat", type=int, default=3, help="floor measurements (median)")
    parser.add_argument("--keep", action="store_true", help="keep the outputs folder")
    args = parser.parse_args(argv)

    if args.data == "demo":  # build the demo store now, so no timed run pays for it
        from helpers.run import data as rundata

        rundata.ensure_demo_store()

    workdir = Path(tempfile.mkdtemp(prefix="sdg17-bench-run-"))
    env = {
        **os.environ,
        "SDG17_OUTPUTS_DIR": str(workdir / "outputs"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    base = ["--config", args.config, "--data", args.data]
    try:
        floor1 = floor_seconds(workdir, args.repeat)
        t1, rc1, run1 = timed_run([*base, "--jobs", "1", "--force"], env)
        t2, rc2, _ = timed_run([*base, "--jobs", "2", "--force"], env)
        t3, rc3, run3 = timed_run([*base, "--jobs", "2"], env)
        if run1 is None:
            print(f"sdg17 run made no run folder (exit {rc1}); nothing to report", file=sys.stderr)
            return 1
        manifest = json.loads((run1 / "manifest.json").read_text())
        n = len(manifest["executions"])
        reused = sum(
            e["status"] == "reused"
            for e in json.loads((run3 / "manifest.json").read_text())["executions"]
        )
        print(f"config {args.config}, data {args.data}, {n} executions, {os.cpu_count()} CPUs")
        print(
            f"floor per notebook (kernel start + imports, median of {args.repeat}): {floor1:.2f} s"
        )
        print(f"{'run':<28}{'exit':>5}{'wall s':>9}{'floor s':>9}{'x floor':>9}")
        for label, seconds, rc, jobs in (
            ("--jobs 1 --force", t1, rc1, 1),
            ("--jobs 2 --force", t2, rc2, 2),
            (f"--jobs 2 rerun ({reused}/{n} reused)", t3, rc3, None),
        ):
            floor = floor1 * n / jobs if jobs else None
            print(
                f"{label:<28}{rc:>5}{seconds:>9.2f}"
                + (f"{floor:>9.2f}{seconds / floor:>9.2f}" if floor else f"{'-':>9}{'-':>9}")
            )
        print(f"speed-up jobs 1 -> 2: {t1 / t2:.2f}x")
        print(f"rerun with nothing changed: {t3:.2f} s")
        return 0 if rc1 == rc2 == rc3 == 0 else 1
    finally:
        if args.keep:
            print(f"outputs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
