"""World Bank International Debt Statistics (IDS, API source 6): lending by creditor.

IDS adds a fourth concept to the advanced-data path, ``Counterpart-Area`` (the creditor: a
country such as ``730`` China, an institution such as ``905`` World Bank-IDA, or ``WLD`` for
all creditors)::

    sources/6/series/{S;S}/country/{E;E|all}/counterpart-area/{C;C}/time/{T;T|all}

Batching. Every series, debtor, creditor and year of a fetch goes in one ``wbgapi.refetch``
call; wbgapi cuts a URL longer than the API serves (about 1,400 characters) into halves,
debtor lists first, then creditor lists, so a default fetch (every IDS debtor, some 160
creditors) is a few URLs walked page by page, never one request per debtor and creditor.
Timeouts, retries, the shared deadline, halving a rejected batch, and keeping every page as
sent are those of the WDI fetch (:func:`helpers.sources.worldbank.api.fetch_batches`).

Creditors. The API lists its counterparts (``sources/6/counterpart-area/all``, stored as a
snapshot like the economy list); :func:`resolve_creditors` turns what a user asks for (ISO3
codes, IDS ids, ``IDS<id>`` codes, ``WLD``) into IDS ids, and :func:`default_creditors` picks
the default set: every creditor country in the Global South in force, the DAC members, and
``WLD``. Creditor codes come from :mod:`helpers.reference.creditors`.

Pages are read by ``concept`` (the order of the variables in a row may differ live). A
debtor-creditor pair without data is served as nulls and simply left out.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
from collections.abc import Callable, Iterable
from datetime import date
from typing import NamedTuple

import pandas as pd
import pycountry
import wbgapi

from helpers import catalogue
from helpers.errors import CatalogueError, EmptyResultError, FetchError, StoreError, UsageError
from helpers.reference import creditors as creditor_codes
from helpers.reference import groups, schema
from helpers.sources.http import RetryPolicy, SourceBudget, retry_call
from helpers.sources.payload import FetchResult, StoredSnapshot
from helpers.sources.worldbank.api import (
    API_NAME,
    PER_PAGE,
    _economy_param,
    _sleep,
    _time_param,
    base_url,
    batch_result,
    fetch_batches,
    fetch_listing,
    page_reader,
)
from helpers.sources.worldbank.pages import (
    RejectedAnswer,
    api_message,
    load_pages,
    parse_year,
    snippet,
)
from helpers.sources.worldbank.recorder import Recorder, attempt, wbgapi_settings

SOURCE = "ids"
DB = 6  # the API's source id for International Debt Statistics
DEFAULT_START = 2000  # first year fetched when none is asked for
FORMAT = "wb-ids-json"
COUNTERPARTS_FORMAT = "wb-ids-counterparts-json"
CREDITORS_ENV = "SDG17_IDS_CREDITORS"
COUNTERPARTS_PER_PAGE = 1000
_DATA_URL = (
    "sources/{source}/series/{series}/country/{economy}/counterpart-area/{counterpart}/time/{time}"
)
# Which semicolon lists wbgapi may cut when a URL is too long, in order.
_SPLIT_ORDER = ["economy", "counterpart", "series", "time"]


class Lending(NamedTuple):
    """One value of a source-6 page; ``code`` is the IDS series code."""

    economy: str
    economy_name: str
    counterpart: str
    counterpart_name: str
    code: str
    year: int
    value: float | None


# -- reading pages (shared by fetch and parse) --------------------------------------------
def read_records(doc) -> tuple[dict, list[Lending]]:
    """Page metadata and values of a source-6 data page, matched by concept.

    Raises:
        ValueError: not a data page (an API error payload included).
    """
    if not (isinstance(doc, dict) and "total" in doc and not doc.get("message")):
        message = api_message(doc)
        raise ValueError(f"an API error payload: {message}" if message else "unrecognised shape")
    source = doc.get("source")
    rows = source.get("data") if isinstance(source, dict) else None
    if rows is None and str(doc["total"]).strip() == "0":
        return doc, []
    if not isinstance(rows, list):
        raise ValueError("no source.data list in a dict-shaped page")
    out = []
    for row in rows:
        var = {v["concept"].lower(): v for v in row["variable"]}
        country, creditor, time_ = var["country"], var["counterpart-area"], var["time"]
        out.append(
            Lending(
                country["id"].strip().upper(),
                (country.get("value") or "").strip(),
                creditor["id"].strip().upper(),
                (creditor.get("value") or "").strip(),
                var["series"]["id"],
                parse_year(time_["id"], time_.get("value", "")),
                row["value"],
            )
        )
    return doc, out


_read = page_reader(read_records, "an IDS page")


def counterpart_rows(content: bytes, where: str) -> list[dict]:
    """The ``{"id", "value"}`` rows of a ``sources/6/counterpart-area`` page as sent.

    Raises:
        RejectedAnswer: naming ``where``, when the body is not JSON or not that listing.
    """
    try:
        doc = json.loads(content)
    except ValueError as exc:
        raise RejectedAnswer(
            f"the IDS creditor list is not valid JSON: {snippet(content)!r}", url=where
        ) from exc
    try:
        rows = doc["source"][0]["concept"][0]["variable"]
        return [{"id": str(r["id"]).strip(), "value": str(r.get("value") or "")} for r in rows]
    except (KeyError, TypeError, IndexError) as exc:
        message = api_message(doc)
        raise RejectedAnswer(
            "the IDS creditor list has an unrecognised shape" + (f": {message}" if message else ""),
            url=where,
        ) from exc


# -- creditors ----------------------------------------------------------------------------
def counterparts_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """Columns ``counterpart, counterpart_name, creditor`` (the creditor code) from listing rows."""
    frame = pd.DataFrame(
        [(r["id"].upper(), r["value"].strip()) for r in rows],
        columns=["counterpart", "counterpart_name"],
    ).drop_duplicates("counterpart", ignore_index=True)
    frame["creditor"] = [
        creditor_codes.creditor_code(c, n)
        for c, n in zip(frame["counterpart"], frame["counterpart_name"], strict=True)
    ]
    return frame


def check_creditors(items: list[str] | str | None) -> list[str] | None:
    """Normalise a creditor list (strip, upper case) before any request: each item must read
    as an ISO3 code, ``WLD``, an IDS counterpart id ("730") or an ``IDS<id>`` code.

    Raises:
        UsageError: naming every item that cannot be a creditor.
    """
    if items is None:
        return None
    if isinstance(items, str):
        items = items.split(",")
    codes = list(dict.fromkeys(str(i).strip().upper() for i in items if str(i).strip()))
    if not codes:
        raise UsageError("no creditors given")
    iso3 = {c.alpha_3 for c in pycountry.countries} | {"XKX", creditor_codes.ALL_CREDITORS}
    bad = [
        c
        for c in codes
        if c not in iso3 and not c.isdigit() and not c.startswith(creditor_codes.INSTITUTION_PREFIX)
    ]
    if bad:
        raise UsageError(
            f"unknown creditors: {', '.join(bad)}. A creditor is an ISO3 country code (CHN), "
            "WLD (all creditors), an IDS counterpart id (730) or IDS<id> (IDS905)."
        )
    return codes


def creditors_from_env() -> list[str] | None:
    """``$SDG17_IDS_CREDITORS`` (comma-separated), checked; None when unset."""
    value = os.environ.get(CREDITORS_ENV, "").strip()
    return check_creditors(value) if value else None


def resolve_creditors(items: list[str], listing: pd.DataFrame, where: str = "") -> list[str]:
    """IDS counterpart ids for creditor codes or ids, in the order given.

    Raises:
        UsageError: naming every item the API's creditor list does not hold, with close
            matches.
    """
    by_id = dict(zip(listing["counterpart"], listing["counterpart"], strict=True))
    by_code = dict(zip(listing["creditor"], listing["counterpart"], strict=True))
    out, unknown = [], []
    for item in items:
        key = item.strip().upper()
        prefixed = key.removeprefix(creditor_codes.INSTITUTION_PREFIX)
        found = by_id.get(key) or by_code.get(key) or by_id.get(prefixed)
        if found is None:
            unknown.append(item)
        else:
            out.append(found)
    if unknown:
        known = sorted(set(listing["creditor"]))
        parts = []
        for item in unknown:
            close = difflib.get_close_matches(item.upper(), known, n=3, cutoff=0.6)
            parts.append(f"{item} (did you mean {', '.join(close)}?)" if close else item)
        raise UsageError(
            f"creditors not in the IDS creditor list{f' ({where})' if where else ''}: "
            f"{'; '.join(parts)}"
        )
    return list(dict.fromkeys(out))


def default_creditors(
    listing: pd.DataFrame, reference: pd.DataFrame, definition: str | None = None
) -> list[str]:
    """IDS ids of the default creditors: every creditor country in the Global South in force
    (from ``reference``), the DAC members, and ``WLD``; in the listing's order."""
    chosen = groups.global_south_definition(definition)
    south = set(groups.members(f"global_south:{chosen}", reference))
    wanted = south | set(groups.dac_member_codes()) | {creditor_codes.ALL_CREDITORS}
    picked = listing[listing["creditor"].isin(wanted)]
    return picked["counterpart"].tolist()


# -- fetching -----------------------------------------------------------------------------
def _check_series(series: list[catalogue.Series]) -> list[catalogue.Series]:
    if not series:
        raise UsageError("no IDS series given")
    wrong = [s.id for s in series if s.source != SOURCE or not s.code]
    if wrong:
        raise CatalogueError(f"not IDS series: {', '.join(wrong)}")
    return list({s.id: s for s in series}.values())


def fetch_counterparts(
    policy: RetryPolicy | None = None,
    on_request: Callable[[str], None] | None = None,
    budget: SourceBudget | None = None,
) -> FetchResult:
    """The API's IDS creditor list (``sources/6/counterpart-area/all``), pages as sent.

    Raises:
        FetchError: naming the URL, when the list cannot be fetched or read.
        EmptyResultError: when the API lists no creditors.
    """
    return fetch_listing(
        f"sources/{DB}/counterpart-area/all",
        COUNTERPARTS_PER_PAGE,
        counterpart_rows,
        what="IDS creditor list",
        result={
            "source": SOURCE,
            "format": COUNTERPARTS_FORMAT,
            "query": {"endpoint": f"sources/{DB}/counterpart-area", "counterparts": "all"},
        },
        policy=policy,
        on_request=on_request,
        budget=budget,
    )


def _debtors(policy: RetryPolicy, recorder: Recorder, ids: list[str]) -> set[str]:
    """The debtor codes source 6 knows (``sources/6/country/all``; one small request): the API
    rejects a whole request naming an economy it does not hold (a high-income one)."""
    run = functools.partial(
        wbgapi.fetch, f"sources/{DB}/country/all", {"per_page": COUNTERPARTS_PER_PAGE}, lang="en"
    )
    pages = retry_call(
        functools.partial(attempt, run, recorder, ids),
        policy,
        what="World Bank IDS debtor list",
        series=ids,
        sleep=_sleep,
        budget=recorder.budget,
    )
    return {r["id"].upper() for page in pages for r in counterpart_rows(page.content, page.url)}


def listing_of(result: FetchResult) -> pd.DataFrame:
    """The creditor listing (:func:`counterparts_frame`) of a fetched counterpart list."""
    rows = [r for p in result.payloads for r in counterpart_rows(p.content, p.url)]
    return counterparts_frame(rows)


def fetch(
    series: list[catalogue.Series],
    counterparts: list[str],
    economies: list[str] | None = None,
    start: int | None = None,
    end: int | None = None,
    policy: RetryPolicy | None = None,
    on_request: Callable[[str], None] | None = None,
    budget: SourceBudget | None = None,
    query: dict | None = None,
) -> tuple[FetchResult | None, dict[str, str]]:
    """Fetch IDS series for debtors, creditors and years in as few requests as wbgapi allows.

    Args:
        series: catalogue entries (source "ids").
        counterparts: IDS counterpart ids (see :func:`resolve_creditors`).
        economies: debtor codes; None for every IDS debtor and aggregate.
        start, end: years (inclusive). ``start`` None is ``DEFAULT_START``; ``end`` None is
            last year: IDS also carries *projections* of debt service up to several years
            ahead, which are not data and are fetched only when ``end`` asks for them (a
            default of every year would also be millions of rows, most of them empty).
        query: more to record in the snapshot's query (the creditor selection).

    Returns:
        The pages of every series that returned data (None if none did), and
        ``{series_id: reason}`` for the series that failed.
    """
    wanted = _check_series(series)
    end = date.today().year - 1 if end is None else end
    start = min(DEFAULT_START, end) if start is None else start
    schema.check_year_range(start, end)
    if not counterparts:
        raise UsageError("no creditors given")
    policy = policy or RetryPolicy.from_env()
    economy_param, economy_query = _economy_param(economies)
    recorder = Recorder(on_request, budget or SourceBudget(API_NAME, policy))
    ids = [s.id for s in wanted]
    with wbgapi_settings(base_url(), recorder):
        try:
            time_param, time_url = _time_param(start, end, policy, recorder, ids, source=DB)
        except FetchError as exc:
            return None, dict.fromkeys(ids, str(exc))
        if not time_param:
            reason = EmptyResultError(
                f"the World Bank IDS has no years in {start or '...'}-{end or '...'}",
                series=ids,
                url=time_url,
            )
            return None, dict.fromkeys(ids, str(reason))
        if economies is not None:
            try:
                known = _debtors(policy, recorder, ids)
            except FetchError as exc:
                return None, dict.fromkeys(ids, str(exc))
            debtors = [e for e in economy_query if e in known]
            if not debtors:
                reason = EmptyResultError(
                    "returned no observations: none of these economies is an IDS debtor "
                    f"({', '.join(economy_query)})",
                    series=ids,
                )
                return None, dict.fromkeys(ids, str(reason))
            economy_param = ";".join(debtors)

        def run_for(batch: list[catalogue.Series]) -> Callable[[], Iterable]:
            return functools.partial(
                wbgapi.refetch,
                _DATA_URL,
                _SPLIT_ORDER,
                source=DB,
                series=";".join(s.code for s in batch),
                economy=economy_param,
                counterpart=";".join(counterparts),
                time=time_param,
                params={"per_page": PER_PAGE},
                lang="en",
            )

        kept, got, failures, updated = fetch_batches(
            wanted, run_for, _read, policy, recorder, "World Bank IDS data request"
        )
    query = {"counterparts": list(counterparts), **(query or {})}
    return batch_result(
        SOURCE,
        FORMAT,
        wanted,
        (kept, got, failures, updated),
        recorder,
        economy_query,
        (start, end),
        query,
    )


# -- parsing stored snapshots -------------------------------------------------------------
def parse_counterparts(snapshot: StoredSnapshot) -> pd.DataFrame:
    """The creditor listing (:func:`counterparts_frame`) of a counterpart-list snapshot."""
    if snapshot.format != COUNTERPARTS_FORMAT:
        raise StoreError(f"snapshot {snapshot.id} holds {snapshot.format!r}, not an IDS list")
    rows = []
    for path in snapshot.files():
        try:
            rows += counterpart_rows(path.read_bytes(), str(path))
        except (OSError, RejectedAnswer) as exc:
            raise StoreError(f"{path}: not an IDS creditor list ({exc})") from exc
    if not rows:
        raise StoreError(f"snapshot {snapshot.path} lists no IDS creditors")
    return counterparts_frame(rows)


def parse(snapshot: StoredSnapshot) -> pd.DataFrame:
    """The canonical tidy frame of a wb-ids-json snapshot, with ``creditor`` and
    ``creditor_name`` (``creditor_group`` is set by the tidy build).

    Raises:
        StoreError: a page that is not IDS data JSON, or no observations at all.
    """
    by_code = {s.code.upper(): s for s in catalogue.load().series if s.source == SOURCE}
    records: list[Lending] = []
    for where, doc in load_pages(snapshot, FORMAT):
        try:
            _, obs = read_records(doc)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{where}: not a World Bank IDS data page ({exc})") from exc
        records.extend(o for o in obs if o.value is not None and o.code.upper() in by_code)
    frame = pd.DataFrame(records, columns=list(Lending._fields))
    names = frame[["counterpart", "counterpart_name"]].drop_duplicates("counterpart")
    listed = names.rename(columns={"counterpart": "id", "counterpart_name": "value"})
    codes = counterparts_frame(listed.to_dict("records")).set_index("counterpart")["creditor"]
    entry = frame["code"].str.upper().map(by_code)
    frame = frame.assign(
        series=entry.map(lambda s: s.id),
        unit=entry.map(lambda s: s.unit),
        value=frame["value"].astype("float64"),
        creditor=frame["counterpart"].map(codes),
        creditor_name=frame["counterpart_name"],
        source=SOURCE,
        vintage=snapshot.vintage,
        snapshot_id=snapshot.id,
    )
    frame = frame[frame["series"].isin(set(snapshot.series))]
    if frame.empty:
        raise StoreError(
            f"snapshot {snapshot.path} holds no observations for "
            f"{', '.join(snapshot.series) or 'any series'}"
        )
    frame = frame.sort_values(["series", "economy", "creditor", "year"], kind="stable")
    return schema.coerce(frame.reset_index(drop=True))
