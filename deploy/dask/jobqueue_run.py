"""An sdg17 run on a batch cluster through dask-jobqueue: workers are SLURM jobs.

    pip install dask-jobqueue               # not an sdg17 dependency
    python deploy/dask/jobqueue_run.py --jobs 8 --cores 16 --config runs/every_economy.yaml

The scheduler runs here (a login node, say), the workers as SLURM jobs on compute nodes; every
node sees the checkout, its .venv and the store on the shared filesystem at the same path.
Edit ``queue``, ``account`` and ``walltime`` for your site; PBS, SGE and LSF clusters work
the same with ``PBSCluster``, ``SGECluster``, ``LSFCluster``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="runs/every_economy.yaml")
    parser.add_argument("--jobs", type=int, default=4, help="SLURM jobs, one worker each")
    parser.add_argument("--cores", type=int, default=8, help="cores (and threads) per worker")
    parser.add_argument("--memory", default="32GB", help="memory per worker (~1.5 GB a kernel)")
    parser.add_argument("--queue", default=None)
    parser.add_argument("--account", default=None)
    parser.add_argument("--walltime", default="02:00:00")
    args = parser.parse_args()

    from dask_jobqueue import SLURMCluster

    cluster = SLURMCluster(
        cores=args.cores,
        processes=1,  # one worker process per job, a thread per core: a notebook per thread
        memory=args.memory,
        queue=args.queue,
        account=args.account,
        walltime=args.walltime,
        job_script_prologue=[
            f"cd {ROOT}",
            f"export PYTHONPATH={ROOT}",
            "export DASK_DISTRIBUTED__WORKER__DAEMON=False",  # executions are processes
        ],
        python=str(ROOT / ".venv" / "bin" / "python"),
    )
    cluster.scale(jobs=args.jobs)
    try:
        # The runner connects to the same scheduler by address, like any other cluster.
        sdg17 = str(ROOT / ".venv" / "bin" / "sdg17")
        where = ["--scheduler", cluster.scheduler_address]
        return subprocess.call(
            [sdg17, "run", "--config", args.config, "--data", "offline", *where], cwd=ROOT
        )
    finally:
        cluster.close()


if __name__ == "__main__":
    sys.exit(main())
