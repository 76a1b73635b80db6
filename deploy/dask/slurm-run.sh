#!/usr/bin/env bash
# A whole sdg17 run as one SLURM job: a Dask scheduler and one worker per allocated node, then
# `sdg17 run --scheduler`. Needs only `dask` (installed with sdg17), no dask-jobqueue.
#
#   sbatch --nodes 4 --ntasks-per-node 1 --cpus-per-task 16 --time 02:00:00 \
#       deploy/dask/slurm-run.sh runs/every_economy.yaml
#
# The checkout, its .venv and the store are on the cluster's shared filesystem: SDG17_ROOT
# below, data in $SDG17_ROOT/data (or set SDG17_DATA_DIR), reports in $SDG17_ROOT/outputs.
#SBATCH --job-name=sdg17-run
#SBATCH --output=sdg17-run-%j.log
set -euo pipefail

CONFIG="${1:-runs/every_economy.yaml}"
SDG17_ROOT="${SDG17_ROOT:-$SLURM_SUBMIT_DIR}"
cd "$SDG17_ROOT"
VENV="$SDG17_ROOT/.venv/bin"
SCHED_FILE="$SDG17_ROOT/outputs/dask-scheduler-$SLURM_JOB_ID.json"
export PYTHONPATH="$SDG17_ROOT${PYTHONPATH:+:$PYTHONPATH}"
# Each execution is a process of its own, which a nanny's daemonic worker may not start.
export DASK_DISTRIBUTED__WORKER__DAEMON=False

"$VENV/dask" scheduler --scheduler-file "$SCHED_FILE" --no-dashboard &
SCHED_PID=$!
trap 'kill "$SCHED_PID" 2>/dev/null; rm -f "$SCHED_FILE"' EXIT
while [ ! -s "$SCHED_FILE" ]; do sleep 1; done

# One worker per node, one thread per allocated CPU (one notebook per thread).
srun --ntasks="$SLURM_JOB_NUM_NODES" --ntasks-per-node=1 \
    "$VENV/dask" worker --scheduler-file "$SCHED_FILE" \
    --nthreads "${SLURM_CPUS_PER_TASK:-1}" --local-directory "${TMPDIR:-/tmp}" &
WORKERS_PID=$!
trap 'kill "$WORKERS_PID" "$SCHED_PID" 2>/dev/null; rm -f "$SCHED_FILE"' EXIT

# SIGTERM from scancel/time limit reaches the runner, which stops every kernel and records
# the run as interrupted (exit 143).
"$VENV/sdg17" run --config "$CONFIG" --data offline --scheduler "$SCHED_FILE" &
RUN_PID=$!
trap 'kill -TERM "$RUN_PID" 2>/dev/null; wait "$RUN_PID"' TERM INT
wait "$RUN_PID"
