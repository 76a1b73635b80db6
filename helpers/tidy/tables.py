"""From raw snapshots to one canonical long table, with economies and aggregates kept apart.

``build`` reads every snapshot in the store, parses it with the parser for its format, and
writes three parquet tables to ``<data>/processed``:

- ``observations.parquet``: economies (countries and territories), canonical schema;
- ``aggregates.parquet``: regions, income groups, donor and recipient groups, same schema;
- ``economies.parquet``: the economy reference with groupings (see ``helpers.reference.groups``).

For each series the newest snapshot wins; an older snapshot only fills economy-years the
newer one does not hold (each row keeps its own vintage and snapshot id, so nothing is
hidden). ``load`` is the analyst's one line: it rebuilds when the store has changed.

A build reads the snapshot list once and stamps ``build.json`` with that same list (and each
payload's size and modification time), so a snapshot that lands during a build leaves the
tables out of date, never wrongly current. A snapshot whose payload no longer matches its
sha256 is set aside with a warning and recorded in ``build.json``.

Example:
    >>> from helpers import tidy
    >>> internet = tidy.load(["IT.NET.USER.ZS"], economies=["KEN", "BGD"], start=2000)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from helpers import catalogue, paths
from helpers.errors import OfflineError, StoreError, UsageError
from helpers.reference import groups, m49, schema
from helpers.sources.demo import synthetic as demo
from helpers.sources.oecd import sdmx_csv
from helpers.sources.unsdg import parse as unsdg
from helpers.sources.worldbank import bulk, ids, pages
from helpers.store import Snapshot, Store, verified

log = logging.getLogger(__name__)
TABLES = ("observations", "aggregates", "economies")
_BUILD_INFO = "build.json"


# Each snapshot format and the source reader that turns it into tidy rows / reference rows.
_PARSERS: dict[str, Callable[[Snapshot], pd.DataFrame]] = {
    "wb-api-json": pages.parse,
    "wb-ids-json": ids.parse,
    "wb-bulk-csv": bulk.parse_wb_bulk,
    "sdmx-csv": sdmx_csv.parse,
    "unsdg-api-json": unsdg.parse,
    "unsdg-ddf-csv": unsdg.parse,
    "demo-csv": demo.parse,
}
_REFERENCE_PARSERS: dict[str, Callable[[Snapshot], pd.DataFrame]] = {
    "wb-economies-json": pages.parse_economies,
    "wb-country-meta-csv": bulk.parse_wb_country_meta,
    "demo-csv": demo.parse_economies,
}


def _parser(fmt: str) -> Callable[[Snapshot], pd.DataFrame] | None:
    return _PARSERS.get(fmt)


def _reference_parser(fmt: str) -> Callable[[Snapshot], pd.DataFrame] | None:
    return _REFERENCE_PARSERS.get(fmt)


def _store(store: Store | Path | str | None) -> Store:
    return store if isinstance(store, Store) else Store(store)


def _observations(snapshots: list[Snapshot]) -> pd.DataFrame:
    frames = []
    # Newest first, so that drop_duplicates(keep="first") keeps the newest vintage.
    for rank, snap in enumerate(reversed(snapshots)):
        parse = _parser(snap.format)
        if parse is None or not snap.series:
            continue
        frame = parse(snap)
        frames.append(frame.assign(_rank=rank))
    if not frames:
        return schema.empty()
    combined = pd.concat(frames, ignore_index=True)
    combined = combined.sort_values("_rank", kind="stable").drop_duplicates(schema.KEY)
    return schema.coerce(combined.drop(columns="_rank"))


def reference(store: Store | Path | str | None = None) -> pd.DataFrame:
    """The economy reference (code, name, region, income group, aggregate flag) from the store.

    Newest snapshot first; World Bank API, bulk-download metadata and demo data all count.
    A snapshot whose payloads changed since they were stored is set aside.
    """
    return _reference(verified(_store(store).snapshots())[0])


def _reference(snapshots: list[Snapshot]) -> pd.DataFrame:
    frames = []
    for snap in reversed(snapshots):
        parse = _reference_parser(snap.format)
        if parse is not None:
            frames.append(parse(snap)[schema.REFERENCE_COLUMNS])
    if not frames:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=bool if c == "is_aggregate" else object)
                for c in schema.REFERENCE_COLUMNS
            }
        )
    return pd.concat(frames, ignore_index=True).drop_duplicates("economy").reset_index(drop=True)


def _fill_reference(ref: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """Add economies seen in the data but absent from the reference (OECD-only codes, the UN's
    groups and M49 regions), with their source's name; an aggregate is a World Bank or OECD
    group of ``groups.yaml`` or a UN group (``m49.is_aggregate``). Countries keep the region
    and income group of the World Bank reference, which a UN or OECD row never overrides."""
    seen = obs[["economy", "economy_name"]].drop_duplicates("economy")
    extra = seen[~seen["economy"].isin(ref["economy"])].copy()
    if extra.empty:
        return ref
    extra["region"] = None
    extra["income_group"] = None
    extra["is_aggregate"] = extra["economy"].map(
        lambda code: groups.is_known_aggregate(code) or m49.is_aggregate(code)
    )
    return pd.concat([ref, extra[schema.REFERENCE_COLUMNS]], ignore_index=True)


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _fingerprint(snapshots: list[Snapshot]) -> list:
    """Each snapshot's id with the size and modification time of each of its payloads.

    Cheap (a stat per file), and it changes when a snapshot arrives or goes, or a payload is
    edited or restored, so the next ``load`` rebuilds (and the build re-checks the sha256).
    """
    return [[snap.id, *(_stat(path) for path in snap.files())] for snap in snapshots]


def _stat(path: Path) -> list:
    try:
        st = path.stat()
    except OSError:
        return [path.name, None, None]
    return [path.name, st.st_size, st.st_mtime_ns]


def _build_info(store: Store) -> dict:
    try:
        info = json.loads((store.processed / _BUILD_INFO).read_text())
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def build(store: Store | Path | str | None = None) -> dict[str, Path]:
    """Rebuild the processed tables from the raw snapshots; returns their paths.

    The snapshot list is read once, and the tables and the stamp in ``build.json`` both come
    from it: a snapshot written meanwhile is not in the stamp, so the tables stay out of date
    until the next build. A snapshot whose payloads changed since they were stored is set
    aside with a warning (named in ``build.json`` under ``set_aside``).

    Raises:
        SchemaError: if the combined table breaks the canonical schema (names the rows).
    """
    store = _store(store)
    snapshots = store.snapshots()
    # Stat before hashing, so a payload edited while we read it makes the stamp stale.
    fingerprint = _fingerprint(snapshots)
    usable, aside = verified(snapshots)
    obs = _observations(usable)
    ref = _fill_reference(_reference(usable), obs)
    # Creditor groups are set here, where the economy reference and the Global South
    # definition in force are known (rows not by creditor keep "").
    obs = obs.assign(creditor_group=groups.creditor_groups(obs["creditor"], ref))
    econ = groups.economies_frame(ref)
    countries, aggs = groups.split_aggregates(obs, ref)
    countries, aggs = schema.validate(countries), schema.validate(aggs)
    out = {name: store.processed / f"{name}.parquet" for name in TABLES}
    with store.lock():
        # If the store changed while we read it and another build has already stamped the
        # newer store, keep that build's tables rather than put older ones over them.
        now = _fingerprint(store.snapshots())
        if fingerprint != now and _build_info(store).get("fingerprint") == now:
            log.info("the store changed during the build; a newer build's tables are kept")
            return out
        store.processed.mkdir(parents=True, exist_ok=True)
        _atomic_parquet(countries, out["observations"])
        _atomic_parquet(aggs, out["aggregates"])
        _atomic_parquet(econ, out["economies"])
        info = {
            "snapshots": [snap.id for snap in snapshots],
            "fingerprint": fingerprint,
            "set_aside": {
                a.snapshot.id: {"path": str(a.path), "problem": a.problem, "repair": a.repair}
                for a in aside
            },
            "rows": {"observations": len(countries), "aggregates": len(aggs)},
            "global_south": groups.global_south_definition(),
        }
        tmp = store.processed / f".{_BUILD_INFO}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(info, indent=2))
        os.replace(tmp, store.processed / _BUILD_INFO)
    return out


def is_current(store: Store | Path | str | None = None) -> bool:
    """True when the processed tables were built from exactly the snapshots now in the store,
    under the Global South definition now in force (it sets the creditor groups).

    "Exactly" includes each payload's size and modification time, so an edited payload
    makes the tables out of date (and the rebuild sets its snapshot aside).
    """
    store = _store(store)
    info = _build_info(store)
    # Creditor groups depend on the Global South definition in force.
    if info.get("global_south", groups.DEFAULT_GLOBAL_SOUTH) != groups.global_south_definition():
        return False
    return info.get("fingerprint") == _fingerprint(store.snapshots()) and all(
        (store.processed / f"{t}.parquet").exists() for t in TABLES
    )


def set_aside(store: Store | Path | str | None = None) -> dict[str, dict]:
    """Snapshots the last build set aside (changed payloads): id -> path, problem, repair."""
    aside = _build_info(_store(store)).get("set_aside", {})
    return aside if isinstance(aside, dict) else {}


def _table(name: str, store: Store) -> pd.DataFrame:
    if not store.snapshots():
        damaged = store.damaged()
        state = (
            f"holds only damaged snapshots ({', '.join(str(d.path) for d in damaged)})"
            if damaged
            else "is empty"
        )
        raise OfflineError(f"the data store at {store.raw} {state}. {_how_to_fill(store)}")
    if not is_current(store):
        build(store)
    try:
        return pd.read_parquet(store.processed / f"{name}.parquet")
    except OSError as exc:
        raise StoreError(f"cannot read {store.processed / name}.parquet: {exc}") from exc


def _how_to_fill(store: Store) -> str:
    """What to do about an empty store, naming ``SDG17_DATA_DIR`` and the demo store."""
    setting = os.environ.get("SDG17_DATA_DIR")
    demo = paths.demo_data_dir()
    inside = demo.is_relative_to(paths.ROOT)
    shown = f"{demo.relative_to(paths.ROOT)}, relative to the project root" if inside else demo
    build = "" if paths.holds_snapshots(demo) else "build the demo store with `sdg17 demo` and "
    return (
        f"SDG17_DATA_DIR is {repr(setting) if setting else 'not set'}. Fill the store with "
        f"`sdg17 fetch` or `sdg17 import PATH`, or {build}point SDG17_DATA_DIR at the synthetic "
        f"demo store (SDG17_DATA_DIR={shown}; restart the kernel) "
        "or start JupyterLab with `make lab DATA=demo`."
    )


def economies(store: Store | Path | str | None = None) -> pd.DataFrame:
    """The economy reference with groupings (LDC, DAC member, beyond DAC, Global South)."""
    return _table("economies", _store(store))


def load(
    series: list[str] | str | None = None,
    economies: list[str] | str | None = None,
    start: int | None = None,
    end: int | None = None,
    *,
    aggregates: bool = False,
    groups: bool = False,
    creditors: list[str] | str | None = None,
    missing: str = "raise",
    store: Store | Path | str | None = None,
) -> pd.DataFrame:
    """The canonical long table, filtered; rebuilt first if the store changed.

    Args:
        series: catalogue ids, or one id (all when None); case is ignored.
        economies: economy codes, or one code (all when None); case is ignored. Every code
            must be in the store's economy reference (``economies()``).
        start, end: inclusive year bounds.
        aggregates: read the aggregates table (regions, groups) instead of economies.
        groups: expand group names in ``economies`` (``"LDC"``, ``"Low income"``, ``"SSF"``,
            ``"global_south"``; see ``helpers.reference.groups.group_names``) to their member
            economies. Without it, a group name is refused with a sentence saying so.
        creditors: for series by creditor (IDS), creditor codes (ISO3, ``WLD`` for all
            creditors, ``IDS<id>`` for institutions) and/or creditor groups ("Southern",
            "DAC", "other", "all creditors"); only rows by creditor are returned then.
        missing: "raise" (default) raises when a requested series has no rows at all;
            "ignore" returns what there is (notebooks then say what is missing).
        store: a Store or its root (default: ``$SDG17_DATA_DIR``).

    Raises:
        CatalogueError: unknown series id (with close matches).
        UsageError: unknown economy or creditor (with close matches), an aggregate asked of
            the economies table or an economy of the aggregates table.
        OfflineError: a requested series is absent, with how to obtain it.
    """
    if isinstance(series, str):
        series = [series]
    if series:
        series = [s.id for s in catalogue.resolve(series)]
    schema.check_year_range(start, end)
    if missing not in ("raise", "ignore"):
        raise ValueError("missing must be 'raise' or 'ignore'")
    store = _store(store)
    frame = _table("aggregates" if aggregates else "observations", store)
    mask = pd.Series(True, index=frame.index)
    if series:
        mask &= frame["series"].isin(series)
    if economies:
        codes = _economy_codes(economies, _table("economies", store), aggregates, groups)
        mask &= frame["economy"].isin(codes)
    if creditors is not None:
        mask &= _creditor_mask(frame, creditors)
    if start is not None:
        mask &= frame["year"] >= start
    if end is not None:
        mask &= frame["year"] <= end
    out = frame[mask].reset_index(drop=True)
    if missing == "raise" and series:
        absent = sorted(set(series) - set(frame.loc[frame["series"].isin(series), "series"]))
        if absent:
            raise OfflineError(
                f"no data in the store for {', '.join(absent)}. " + catalogue.how_to_obtain(absent)
            )
    return out


def _creditor_mask(frame: pd.DataFrame, creditors: list[str] | str) -> pd.Series:
    """Rows whose creditor is one of ``creditors`` (codes or creditor groups), checked."""
    codes, named = groups.validate_creditors(creditors, set(frame["creditor"]) - {""})
    return frame["creditor"].isin(codes) | frame["creditor_group"].isin(named)


def _economy_codes(
    items: list[str] | str, reference: pd.DataFrame, aggregates: bool, expand: bool
) -> list[str]:
    """``items`` as economy codes of the table asked for, or a UsageError saying what to do."""
    items = [items] if isinstance(items, str) else list(items)
    if expand:
        if aggregates:
            raise UsageError(
                "groups=True expands group names to their member economies, which the "
                "aggregates table does not hold: drop groups=True to read aggregate rows"
            )
        return groups.validate_groups_or_economies(items, reference)
    named = [i for i in items if isinstance(i, str) and groups.is_group(i)]
    if named and not aggregates:
        also = (
            ", or aggregates=True for its aggregate rows"
            if all(groups.is_known_aggregate(i) for i in named)
            else ""
        )
        raise UsageError(
            f"{', '.join(named)}: a group of economies, not an economy; pass groups=True to "
            f"load its member economies{also}"
        )
    codes = groups.validate_economies(items, reference)
    probe = pd.DataFrame({"economy": codes})
    single, aggregate = (set(part["economy"]) for part in groups.split_aggregates(probe, reference))
    if not aggregates and aggregate:
        wrong = sorted(aggregate, key=codes.index)
        raise UsageError(
            f"{', '.join(wrong)}: an aggregate, not an economy; pass aggregates=True for its "
            "aggregate rows"
        )
    if aggregates and single:
        wrong = sorted(single, key=codes.index)
        raise UsageError(
            f"{', '.join(wrong)}: an economy, not an aggregate; drop aggregates=True to read "
            "economies (or load each kind in its own call)"
        )
    return codes
