"""``sdg17 fetch``: decide what is stale, fetch it in batches, store it, report what failed.

Live mode fetches only series that no fresh snapshot answers (``--refresh`` forces); a
repeat fetch inside the freshness window makes no request at all. Offline mode
(``--offline`` or ``SDG17_OFFLINE=1``) makes no request and fails, naming each series the
store lacks and how to obtain it. A source that fails does not stop the others: whatever
succeeded is stored, and the report names every failed series with its reason.

Locks. Fetches queue behind each other on their own lock (``raw/.fetch.lock``), so two at
once still fetch once: the second finds everything fresh. The store's write lock, which
builds, imports and status wait for, is taken only around writing each snapshot, never
while a request is waiting on the network.

Time. Each source gets a :class:`~helpers.sources.http.SourceBudget` (deadline, short
time-out retries); a hung source is reported and the next source is still fetched.

Lending by creditor (IDS). Series by creditor are fetched for the creditors asked for
(``creditors=``, ``--creditors``, ``$SDG17_IDS_CREDITORS``) or the default set (every
creditor country in the Global South in force, the DAC members, ``WLD``). The creditors are
resolved against the API's creditor list before anything else is fetched, so an unknown
creditor is a usage error with nothing written; the list is stored beside the data.

UN SDG Global Database. Its series are downloaded after the IDS creditors are resolved and
before any data is stored, so an unknown UN series or area (or a UN slice the catalogue
leaves ambiguous) is a usage error with no data written (only the World Bank economy list,
a reference the default creditors need, may have been stored by then). Economies are asked
of it as UN M49 areas (``helpers.reference.m49``); codes only the UN knows (SIDS, DEVELOPING,
``M49_202``) go to it alone, and World Bank or OECD aggregates with no M49 area are left out
of its request with a note. A UN series with no observations is a note, not a failure.

Disk. An operating-system error while writing a snapshot (a full disk, a read-only store)
fails the series of that snapshot with the reason ("fetched but not stored: ...") and the
fetch goes on with the next source.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pandas as pd
from tqdm import tqdm

from helpers import catalogue
from helpers.errors import FetchError, OfflineError, UsageError
from helpers.reference import groups, m49, schema
from helpers.sources.http import RetryPolicy, SourceBudget
from helpers.sources.oecd import api as oecd
from helpers.sources.payload import FetchResult
from helpers.sources.unsdg import api as unsdg
from helpers.sources.worldbank import api as worldbank
from helpers.sources.worldbank import ids as ids_api
from helpers.sources.worldbank import pages as wb_pages
from helpers.store import DEFAULT_MAX_AGE, Snapshot, Store

log = logging.getLogger(__name__)
FIRST_YEAR = 1960
# Words in a failure reason that mean the network itself is out of reach.
_UNREACHABLE = (
    "connection",
    "connect",
    "resolve",
    "name or service",
    "timed out",
    "network is unreachable",
    "max retries",
)


@dataclass
class FetchReport:
    """What a fetch did: stored snapshots, series skipped as fresh, failures, request count."""

    stored: dict[str, str] = field(default_factory=dict)  # series id -> snapshot id
    fresh: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    # Series with no observations for the economies asked for (e.g. DAC1, which is by
    # provider, asked for a recipient): a note, not a failure.
    empty: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    offline: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def network_unreachable(self) -> bool:
        """True when nothing was fetched and every failure looks like no network at all."""
        return (
            bool(self.failures)
            and not self.stored
            and all(
                any(word in reason.lower() for word in _UNREACHABLE)
                for reason in self.failures.values()
            )
        )


def offline_requested(flag: bool | None = None) -> bool:
    if flag is not None:
        return flag
    return os.environ.get("SDG17_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def max_age_from_env() -> timedelta:
    raw = os.environ.get("SDG17_MAX_AGE_DAYS")
    if not raw:
        return DEFAULT_MAX_AGE
    try:
        return timedelta(days=float(raw))
    except ValueError as exc:
        raise UsageError(f"SDG17_MAX_AGE_DAYS={raw!r} is not a number of days") from exc


def validate_years(start: int | None, end: int | None) -> None:
    this_year = datetime.now(UTC).year
    for name, year in (("start year", start), ("end year", end)):
        if year is not None and not FIRST_YEAR <= year <= this_year:
            raise UsageError(f"{name} {year} is outside {FIRST_YEAR}-{this_year}")
    schema.check_year_range(start, end)


def run_fetch(
    series: list[str] | None = None,
    economies: list[str] | None = None,
    start: int | None = None,
    end: int | None = None,
    *,
    offline: bool | None = None,
    refresh: bool = False,
    store: Store | None = None,
    max_age: timedelta | None = None,
    progress: bool = True,
    creditors: list[str] | None = None,
) -> FetchReport:
    """Bring the store up to date for the given series, economies and years.

    Args:
        creditors: for series by creditor (IDS): ISO3 codes, IDS ids or ``IDS<id>`` codes,
            ``WLD``; default ``$SDG17_IDS_CREDITORS``, else the default set (module docstring).

    Raises:
        UsageError: unknown series, economy or creditor codes, or a bad year range (nothing
            fetched, nothing written).
        OfflineError: offline and the store lacks some series (names them and how to get them).
    """
    store = store or Store()
    wanted = catalogue.resolve(series)
    validate_years(start, end)
    un_only: list[str] = []
    if economies:
        # UN areas no other source has (SIDS, DEVELOPING, M49_202 ...) are checked against
        # M49; the rest against every real code (ISO 3166, World Bank, OECD aggregates), not
        # the store: a fetch asks the source, which knows economies the store has not seen yet.
        un_only = [str(e).strip().upper() for e in economies if m49.is_un_code(e)]
        for code in un_only:
            m49.area(code)
        others = [e for e in economies if not m49.is_un_code(e)]
        economies = [*(groups.validate_economies(others) if others else []), *un_only]
        _check_un_only(wanted, economies, un_only)
    asked = ids_api.check_creditors(creditors) if creditors else ids_api.creditors_from_env()
    # What a snapshot by creditor must have answered to count as fresh.
    selection: list[str] | str = asked or f"default:{groups.global_south_definition()}"
    report = FetchReport(offline=offline_requested(offline))

    if report.offline:
        absent = store.missing([s.id for s in wanted])
        if absent:
            raise OfflineError(
                f"offline mode, and the store at {store.raw} lacks: {', '.join(absent)}. "
                + catalogue.how_to_obtain(absent)
            )
        report.fresh = [s.id for s in wanted]
        return report

    max_age = max_age or max_age_from_env()
    policy = RetryPolicy.from_env()
    with store.lock():
        pass  # creates raw/ and clears what killed writers left, or says why it cannot
    # One fetch at a time per store; readers and other writers are not held up by it.
    with store.hold(".fetch.lock", "another sdg17 fetch"):
        listed = store.snapshots()
        stale = [
            s
            for s in wanted
            if refresh
            or not store.is_fresh(
                s.id,
                max_age,
                economies=economies,
                start=start,
                end=end,
                snapshots=listed,
                creditors=selection if s.by_creditor else None,
            )
        ]
        report.fresh = [s.id for s in wanted if s not in stale]
        if not stale:
            log.info("all %d series are fresh; no request made", len(wanted))
            return report
        bar = tqdm(desc="fetching", unit="req", disable=not progress, leave=False)

        def on_request(url: str) -> None:
            report.requests += 1
            bar.update(1)
            bar.set_postfix_str(url.split("?")[0][-48:], refresh=False)

        by_creditor = [s for s in stale if s.source == ids_api.SOURCE]
        elsewhere = [e for e in economies if e not in un_only] if economies else economies
        # WDI and IDS are one API: one deadline, and a hung API is left alone for both.
        wb_budget = SourceBudget(worldbank.API_NAME, policy)
        try:
            # First, so an unknown creditor stops the fetch before anything is written.
            plan = _plan_ids(
                store, by_creditor, asked, policy, on_request, report, max_age, refresh, wb_budget
            )
            # Downloaded before any data is stored: an unknown UN series or area, or an
            # ambiguous UN slice, is a usage error with no data written. (The one thing
            # _plan_ids may have written is the World Bank economy list, a reference.)
            un_began = time.monotonic()
            un_result = _download_unsdg(
                [s for s in stale if s.source == unsdg.SOURCE],
                economies,
                start,
                end,
                policy,
                on_request,
                report,
            )
            # The World Bank's deadline does not include the time spent on the UN.
            wb_budget.extend(time.monotonic() - un_began)
            if un_result is not None:
                _store_result(store, un_result, report)
            _fetch_worldbank(
                store,
                [s for s in stale if s.source == "worldbank"],
                elsewhere,
                start,
                end,
                policy,
                on_request,
                report,
                max_age,
                refresh,
                wb_budget,
            )
            _fetch_oecd(
                store,
                [s for s in stale if s.source == "oecd"],
                elsewhere,
                start,
                end,
                policy,
                on_request,
                report,
            )
            if plan is not None:
                _fetch_ids(
                    store, plan, elsewhere, start, end, policy, on_request, report, wb_budget
                )
        finally:
            bar.close()
    return report


def _write(store: Store, result: FetchResult) -> Snapshot:
    """Write one snapshot under the store lock (held only for the write)."""
    src = catalogue.load().sources[result.source]
    with store.lock():
        return store.write(result, kind="api", citation=src["citation"], licence=src["licence"])


def _not_stored(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return f"fetched but not stored: {exc.strerror or exc}{where}"


def _record_failures(failures: dict[str, str], economies, report: FetchReport) -> None:
    for sid, reason in failures.items():
        if economies and "no observations" in reason:
            report.empty[sid] = reason
        else:
            report.failures[sid] = reason


def _store_result(store: Store, result: FetchResult, report: FetchReport) -> None:
    try:
        snap = _write(store, result)
    except OSError as exc:  # a full disk, a read-only store: report it, go on to the next source
        reason = _not_stored(exc)
        log.error("%s: %d series %s", result.source, len(result.series), reason)
        for sid in result.series:
            report.failures[sid] = reason
        return
    for sid in result.series:
        report.stored[sid] = snap.id


def _fetch_worldbank(
    store, series, economies, start, end, policy, on_request, report, max_age, refresh, budget
) -> None:
    if not series:
        return
    # The economy list (regions, income groups, aggregates) travels with the data.
    has_reference = any(
        s.format == "wb-economies-json" and datetime.now(UTC) - s.retrieved_at <= max_age
        for s in store.snapshots("worldbank")
    )
    if refresh or not has_reference:
        try:
            _write(store, worldbank.fetch_economies(policy, on_request=on_request, budget=budget))
        except FetchError as exc:
            log.warning("World Bank economy list not fetched: %s", exc)
        except OSError as exc:
            log.warning("World Bank economy list %s", _not_stored(exc))
    result, failures = worldbank.fetch(
        series, economies, start, end, policy, on_request=on_request, budget=budget
    )
    report.failures.update(failures)
    if result is not None and result.series:
        _store_result(store, result, report)


@dataclass
class _IdsPlan:
    """The IDS series to fetch, from which creditors, and the creditor list to store."""

    series: list
    counterparts: list[str]
    creditors: list[str]
    selection: list[str] | str
    listing: FetchResult | None  # None when a fresh stored list was used


def _economy_reference(store: Store, policy, on_request, budget) -> pd.DataFrame | None:
    """The newest stored World Bank economy list, fetched (and stored) when there is none."""
    held = [s for s in store.snapshots("worldbank") if s.format == wb_pages.ECONOMIES_FORMAT]
    if not held:
        try:
            held = [_write(store, worldbank.fetch_economies(policy, on_request, budget))]
        except (FetchError, OSError) as exc:
            log.warning("World Bank economy list not fetched: %s", exc)
            return None
    return wb_pages.parse_economies(held[-1])


def _plan_ids(
    store, series, asked, policy, on_request, report, max_age, refresh, budget
) -> _IdsPlan | None:
    """Resolve the creditors of an IDS fetch against the API's creditor list.

    Raises:
        UsageError: a creditor the list does not hold (nothing has been written).
    """
    if not series:
        return None
    held = [
        s
        for s in store.snapshots(ids_api.SOURCE)
        if s.format == ids_api.COUNTERPARTS_FORMAT and datetime.now(UTC) - s.retrieved_at <= max_age
    ]
    listing_result = None
    try:
        if held and not refresh:
            listing = ids_api.parse_counterparts(held[-1])
        else:
            listing_result = ids_api.fetch_counterparts(policy, on_request, budget)
            listing = ids_api.listing_of(listing_result)
    except FetchError as exc:
        for s in series:
            report.failures[s.id] = f"the IDS creditor list could not be fetched: {exc}"
        return None
    if asked:
        counterparts = ids_api.resolve_creditors(asked, listing, "the World Bank API's")
        selection: list[str] | str = asked
    else:
        reference = _economy_reference(store, policy, on_request, budget)
        if reference is None:
            for s in series:
                report.failures[s.id] = (
                    "the default IDS creditors need the World Bank economy list (income "
                    "groups), which could not be fetched; name creditors with --creditors"
                )
            return None
        counterparts = ids_api.default_creditors(listing, reference)
        selection = f"default:{groups.global_south_definition()}"
    codes = listing.set_index("counterpart").loc[counterparts, "creditor"].tolist()
    return _IdsPlan(series, counterparts, codes, selection, listing_result)


def _fetch_ids(
    store, plan: _IdsPlan, economies, start, end, policy, on_request, report, budget
) -> None:
    if plan.listing is not None:
        try:
            _write(store, plan.listing)
        except OSError as exc:
            log.warning("IDS creditor list %s", _not_stored(exc))
    result, failures = ids_api.fetch(
        plan.series,
        plan.counterparts,
        economies,
        start,
        end,
        policy,
        on_request=on_request,
        budget=budget,
        query={"creditors": plan.creditors, "creditor_selection": plan.selection},
    )
    _record_failures(failures, economies, report)
    if result is not None and result.series:
        _store_result(store, result, report)


def _fetch_oecd(store, series, economies, start, end, policy, on_request, report) -> None:
    if not series:
        return
    by_flow: dict[str, list] = {}
    for s in series:
        by_flow.setdefault(s.dataflow, []).append(s)
    # One dataflow at a time, so that DAC1 failing does not cost DAC2A (and vice versa); a
    # hung API or its deadline does, through the shared budget.
    budget = SourceBudget(oecd.API_NAME, policy)
    for members in by_flow.values():
        try:
            results, failures = oecd.fetch(
                members, economies, start, end, policy, on_request=on_request, budget=budget
            )
        except FetchError as exc:
            results, failures = [], {s.id: str(exc) for s in members}
        _record_failures(failures, economies, report)
        for result in results:
            if result.series:
                _store_result(store, result, report)


def _check_un_only(wanted: list, economies: list[str], un_only: list[str]) -> None:
    """A UN-only area (SIDS, M49_202 ...) with no other economy cannot serve other sources.

    Raises:
        UsageError: non-UN series asked for and every economy given is a UN-only area.
    """
    if not un_only or len(un_only) < len(economies):
        return
    others = [s.id for s in wanted if s.source != unsdg.SOURCE]
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise UsageError(
            f"{', '.join(un_only)}: UN areas that only the UN SDG source knows, so they cannot "
            f"be fetched for {shown}; fetch the UN series alone (--series with UN ids) or add "
            "economy codes the other sources know"
        )


def _download_unsdg(
    series, economies, start, end, policy, on_request, report
) -> FetchResult | None:
    """The UN series, downloaded but not stored; an empty result is a note in the report.

    Economies with no UN M49 area (World Bank or OECD aggregates such as SSF or DAC) are left
    out of the UN request, with a note; unknown codes were refused before.
    """
    if not series:
        return None
    areas = None
    if economies:
        areas, skipped = [], []
        for code in economies:
            try:
                m49.area(code)
                areas.append(code)
            except UsageError:
                skipped.append(code)
        if skipped:
            log.warning("no UN M49 area for %s: left out of the UN request", ", ".join(skipped))
        if not areas:
            for s in series:
                report.empty[s.id] = (
                    f"the UN SDG Global Database has no M49 area for {', '.join(skipped)}; "
                    "nothing asked of it"
                )
            return None
    budget = SourceBudget(unsdg.API_NAME, policy)
    try:
        result, empty = unsdg.fetch(
            series, areas, start, end, policy, on_request=on_request, budget=budget
        )
    except FetchError as exc:
        for s in series:
            report.failures[s.id] = str(exc)
        return None
    # An empty answer is not a failure: the UN database simply holds nothing for the query.
    report.empty.update(empty)
    return result
