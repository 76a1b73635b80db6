"""The ``sdg17`` command. Exit codes: 0 ok, 1 a fetch or run failed, 2 bad usage or input."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from helpers import __version__, paths, tidy
from helpers.errors import Sdg17Error
from helpers.run import liveness, runner
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.store import Store, fetch, imports
from helpers.store import demo as demo_store
from helpers.tidy import status

log = logging.getLogger("sdg17")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 too; this keeps our wording
        self.print_usage(sys.stderr)
        self.exit(2, f"sdg17: error: {message}\n")


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year") from None


def _codes(values: list[str] | None) -> list[str] | None:
    """Accept both ``--series A B`` and ``--series A,B``."""
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def cmd_fetch(args: argparse.Namespace) -> int:
    report = fetch.run_fetch(
        _codes(args.series),
        _codes(args.economies),
        args.start_year,
        args.end_year,
        offline=True if args.offline else None,
        refresh=args.refresh,
        max_age=None if args.max_age_days is None else pd.Timedelta(days=args.max_age_days),
        progress=not args.quiet,
        creditors=_codes(args.creditors),
    )
    if report.stored:
        tidy.build()
    if report.offline:
        print(
            f"offline: the store holds all {len(report.fresh)} series asked for; no request made."
        )
        return 0
    print(
        f"{len(report.stored)} series stored, {len(report.fresh)} already fresh, "
        f"{report.requests} requests."
    )
    for sid, reason in sorted(report.empty.items()):
        print(f"note: {sid}: nothing for the economies asked for ({reason})")
    if report.failures:
        print(f"{len(report.failures)} series failed:", file=sys.stderr)
        for sid, reason in sorted(report.failures.items()):
            print(f"  {sid}: {reason}", file=sys.stderr)
        if report.network_unreachable:
            print(
                "The network looks unreachable. Work offline with `make demo`, or import "
                "files you downloaded with `sdg17 import PATH...`.",
                file=sys.stderr,
            )
        return 1
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    snaps = imports.import_files([Path(p) for p in args.paths])
    for snap in snaps:
        series = ", ".join(snap.series) or "economy metadata"
        print(f"{snap.meta['query'].get('file', '')}: {series} -> {snap.path}")
    tidy.build()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    demo = args.data == "demo"
    store = Store(paths.demo_data_dir()) if demo else Store()
    table = status.status_table(store, show_all=args.all)
    aside = status.set_aside(store, verify=args.verify)
    if args.json:
        print(table.to_json(orient="records", indent=2))
        for row in aside.itertuples():  # stdout stays the table; problems go to stderr
            print(f"set aside: {row.snapshot}: {row.problem}", file=sys.stderr)
        return 1 if args.verify and len(aside) else 0
    print(f"store: {store.root}" + ("  [synthetic demo data]" if store.is_demo() else ""))
    if table.empty and aside.empty:
        if demo:
            print("The demo store is not built yet. Run `sdg17 demo` (or `make demo`).")
        else:
            print("The store is empty. Run `sdg17 fetch`, `sdg17 import PATH...` or `sdg17 demo`.")
        _print_runs()
        return 0
    if table.empty:
        print("No usable snapshot: every snapshot in the store is set aside (below).")
    else:
        with pd.option_context(
            "display.max_rows", None, "display.width", 200, "display.max_colwidth", 48
        ):
            print(table.fillna("").to_string(index=False))
    if len(aside):
        print(f"\n{len(aside)} snapshot(s) set aside as damaged:")
        for row in aside.itertuples():
            repair = f" To repair it, {row.repair}." if row.repair else ""
            print(f"  {row.snapshot}: {row.problem}.{repair}")
    elif args.verify:
        print("\nverify: every payload matches the sha256 in its metadata.json.")
    _print_runs()
    return 1 if args.verify and len(aside) else 0


def _print_runs(shown: int = 5) -> None:
    """The newest runs with their status as it is now (a run whose process died: killed)."""
    runs = liveness.list_runs()
    if runs:
        more = f" ({len(runs) - shown} older not shown)" if len(runs) > shown else ""
        print(f"\nruns, newest first{more}:")
        print(liveness.format_runs(runs[:shown]))


def cmd_demo(args: argparse.Namespace) -> int:
    root = Path(args.root) if args.root else paths.demo_data_dir()
    snap = demo_store.write_demo_store(root)
    tidy.build(Store(root))
    print(f"{DEMO_NOTICE} Stored at {snap.path}; use it with SDG17_DATA_DIR={root}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    for name, path in tidy.build().items():
        print(f"{name}: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sdg17", description="SDG 17 data: fetch, import, inspect, run.")
    parser.add_argument("--version", action="version", version=f"sdg17 {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser(
        "fetch", help="fetch missing or stale series from the World Bank (WDI, IDS) and OECD"
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="make no request; fail naming any series the store lacks (also SDG17_OFFLINE=1)",
    )
    p.add_argument("--refresh", action="store_true", help="fetch even what is fresh")
    p.add_argument("--series", nargs="+", metavar="ID", help="catalogue ids (default: all)")
    p.add_argument("--economies", nargs="+", metavar="CODE", help="economy codes (default: all)")
    p.add_argument("--start-year", type=_year)
    p.add_argument("--end-year", type=_year)
    p.add_argument(
        "--creditors",
        nargs="+",
        metavar="CODE",
        help="IDS creditors: ISO3 codes, WLD, IDS ids (730) or IDS<id> (default: "
        "SDG17_IDS_CREDITORS, else Global South creditor countries, DAC members and WLD)",
    )
    p.add_argument(
        "--max-age-days", type=float, help="freshness window (default 7, or SDG17_MAX_AGE_DAYS)"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("import", help="import World Bank bulk CSVs or OECD SDMX-CSV files")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("status", help="what the store holds: vintage, coverage, staleness")
    p.add_argument(
        "--data",
        choices=("offline", "demo"),
        default="offline",
        help="offline (default): the store at SDG17_DATA_DIR; demo: the synthetic demo store "
        "(SDG17_DEMO_DIR, default data/demo)",
    )
    p.add_argument("--all", action="store_true", help="list missing catalogue series too")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--verify",
        action="store_true",
        help="check every payload against its sha256; exit 1 naming any that changed",
    )
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("demo", help="build the synthetic demo store (offline, deterministic)")
    p.add_argument("--root", help="where to build it (default data/demo or SDG17_DEMO_DIR)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("build", help="rebuild the processed tables from the raw snapshots")
    p.set_defaults(func=cmd_build)

    runner.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except Sdg17Error as exc:
        print(f"sdg17: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        # The operating system said no (a full disk, a read-only folder): one sentence, exit 1.
        # What was stored before stays stored; writes are staged, so nothing is half-written.
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"sdg17: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sdg17: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
