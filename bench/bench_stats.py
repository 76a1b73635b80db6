"""Statistics benchmark: size, power and interval coverage of every test and interval in
``helpers.models``, by seeded Monte Carlo, at n = 10, 15 and 25 with independent and AR(1) errors.

Usage:
    python bench/bench_stats.py                  # 400 replications per cell, seed 20261129
    python bench/bench_stats.py --reps 1000 --only trends
    PYTHONPATH=/path/to/older/checkout python bench/bench_stats.py   # the same table, older code

Each ``stats_<area>.py`` module beside this file has ``rows(reps, seed)`` returning dicts with
``model``, ``measure`` (size, power, coverage, ...), ``n``, ``errors``, ``value`` (None when the
code under test does not offer that option) and ``target``. Only public names of
``helpers.models`` are called, so the same table can be printed for an older checkout by putting
it first on ``PYTHONPATH``: that is how the "before" figures are produced. Not a timed test.
"""

from __future__ import annotations

import argparse
import importlib
import time

import helpers.models

AREAS = ("trends", "adoption", "convergence")


def _cell(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=400, help="replications per cell")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--only", choices=AREAS, action="append", help="areas to run")
    args = parser.parse_args()

    print(f"helpers.models from {helpers.models.__file__}")
    print(f"{args.reps} replications per cell, seed {args.seed}\n")
    print("| model | measure | n | errors | value | target |")
    print("|---|---|---:|---|---:|---|")
    for area in args.only or AREAS:
        started = time.perf_counter()
        for row in importlib.import_module(f"stats_{area}").rows(args.reps, args.seed):
            cells = [row["model"], row["measure"], row["n"], row["errors"], row["value"]]
            print("| " + " | ".join(_cell(c) for c in [*cells, row["target"]]) + " |", flush=True)
        print(f"<!-- {area}: {time.perf_counter() - started:.0f} s -->", flush=True)


if __name__ == "__main__":
    main()
