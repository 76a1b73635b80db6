"""OECD DAC tables (DAC1, DAC2A) from the OECD SDMX REST API, as SDMX-CSV.

Why plain ``requests`` + ``pandas.read_csv`` and not ``sdmx1``:

* The store keeps what the source sent, byte for byte. Here the bytes are the HTTP body. sdmx1
  parses each response into its SDMX information model. To keep the raw body you have to
  write it to a side file, and then parse it twice.
* ``format=csvfilewithlabels`` returns one row per observation, with codes and labels in named
  columns. That is already the tidy shape. ``read_csv(dtype=str)`` reads it, and codes such as
  MEASURE "1010" stay text. Nothing needs an object model.
* Version discovery reads one attribute from a small SDMX-ML structure message, which
  ``xml.etree`` can do.
* sdmx1 would be a heavy new dependency, and it has OECD quirks of its own to work around. Its
  OECD source only rewrites the provider of structure queries to "ALL" (``sdmx/source/oecd.py``),
  because the OECD spreads agencies over ids such as OECD.DCD.FSD. It has nothing for DAC version
  churn, ``NoResultsFound`` 404s or the labelled CSV. We would still write those ourselves, as
  ONE's ``oda_reader`` does without sdmx1.

Requests: a fetch sends, per dataflow, one structure request for the version (none when the
version is pinned) and one data request. Retries and one re-discovery after a "wrong version"
answer add to that count. Every data request first takes a slot from a client-side rate
limiter. The OECD throttles anonymous downloads, so the limiter keeps its state in the store
and successive runs share it. A 200 whose body cannot be read (an HTML or XML error page, an
empty or cut-short body) is retried like a 5xx; time-outs are retried briefly, and all
requests of a fetch share a deadline (:class:`helpers.sources.http.SourceBudget`).

Environment: ``SDG17_OECD_API_URL`` (default ``https://sdmx.oecd.org/public/rest``),
``SDG17_OECD_<NAME>_VERSION`` (pin a dataflow version, e.g. ``SDG17_OECD_DAC1_VERSION=1.6``),
``SDG17_OECD_RATE_LIMIT`` (data downloads per seconds, default ``60/3600``), and the
``SDG17_HTTP_*`` retry settings of :mod:`helpers.sources.http`. Reading the answers is
:mod:`helpers.sources.oecd.sdmx_csv`'s job.
"""

from __future__ import annotations

import logging
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import requests

from helpers import catalogue, paths
from helpers.catalogue import Dataflow, Series
from helpers.errors import CatalogueError, FetchError, UsageError
from helpers.reference import schema
from helpers.sources.http import (
    ApiClient,
    RateLimiter,
    RetryPolicy,
    SourceBudget,
    is_html,
    snippet,
)
from helpers.sources.oecd.sdmx_csv import FORMAT, FormatError, Table, check_members
from helpers.sources.payload import FetchResult, Payload

log = logging.getLogger(__name__)

DEFAULT_API = "https://sdmx.oecd.org/public/rest"
DEFAULT_RATE_LIMIT = "60/3600"
RATE_STATE_FILE = ".oecd-rate.json"

_MESSAGE_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
_STRUCTURE_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
# The OECD's body for an empty answer is "NoResultsFound"; older answers said "NoRecordsFound".
_NO_RESULTS = re.compile(rb"no\s*(results|records)\s*found", re.IGNORECASE)
_ECONOMY = re.compile(r"^[A-Za-z0-9_]+$")

OnRequest = Callable[[str], None]
API_NAME = "the OECD API"
T = TypeVar("T")


# -- settings ------------------------------------------------------------------------------
def base_url() -> str:
    """The SDMX REST root: ``$SDG17_OECD_API_URL`` or the OECD's public endpoint."""
    return (os.environ.get("SDG17_OECD_API_URL") or DEFAULT_API).rstrip("/")


def _version_variable(flow: Dataflow) -> str:
    return f"SDG17_OECD_{flow.name.upper()}_VERSION"


def _default_limiter() -> RateLimiter:
    spec = os.environ.get("SDG17_OECD_RATE_LIMIT") or DEFAULT_RATE_LIMIT
    return RateLimiter.parse(spec, paths.raw_dir() / RATE_STATE_FILE)


# -- versions and keys ---------------------------------------------------------------------
def discover_version(flow: Dataflow, policy: RetryPolicy | None = None) -> tuple[str, int]:
    """The dataflow version to query, and how many requests finding it took.

    ``SDG17_OECD_<NAME>_VERSION`` pins it (no request). Otherwise the dataflow's ``latest``
    structure message is read.

    Raises:
        FetchError: the structure request failed or its answer names no version.
    """
    pinned = os.environ.get(_version_variable(flow), "").strip()
    if pinned:
        return pinned, 0
    policy = policy or RetryPolicy.from_env()
    with requests.Session() as http:
        client = ApiClient(http, policy, SourceBudget(API_NAME, policy))
        return _discover(client, flow, []), client.count


def _discover(client: ApiClient, flow: Dataflow, series: list[str]) -> str:
    url = f"{base_url()}/dataflow/{flow.agency}/{flow.flow}/latest"
    resp, version = client.get(
        url,
        what=f"OECD {flow.name.upper()} dataflow structure",
        series=series,
        read=lambda r: _structure_version(r.content, flow),
    )
    if version is None:
        raise FetchError(
            f"OECD dataflow {flow.agency}/{flow.flow} answered HTTP "
            f"{resp.status_code}: {snippet(resp)}",
            series=series,
            url=url,
        )
    return version


def _structure_version(xml: bytes, flow: Dataflow) -> str:
    """The ``version`` of ``flow``'s ``structure:Dataflow`` in an SDMX-ML 2.1 structure message."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise FormatError(f"OECD {flow.flow} structure answer is not SDMX-ML: {exc}") from None
    if root.tag != f"{{{_MESSAGE_NS}}}Structure":
        raise FormatError(f"OECD {flow.flow} structure answer is not SDMX-ML (root <{root.tag}>)")
    for node in root.iter(f"{{{_STRUCTURE_NS}}}Dataflow"):
        same = (node.get("id"), node.get("agencyID", flow.agency)) == (flow.flow, flow.agency)
        if same and node.get("version"):
            return node.get("version")
    raise FormatError(f"OECD structure answer has no versioned Dataflow {flow.agency}:{flow.flow}")


def build_key(flow: Dataflow, series: list[Series], economies: list[str] | None) -> str:
    """The SDMX key selecting ``series`` (all economies when ``economies`` is empty).

    Each dimension takes the union of the series' codes, so the key can select combinations
    no series asked for; the parser keeps exact matches only.
    """
    check_members(flow, series)
    parts = []
    for dim in flow.dimensions:
        if dim == flow.economy_dimension:
            codes = _economy_codes(economies)
        elif all(dim in s.query for s in series):
            codes = [s.query[dim] for s in series]
        else:  # a series that leaves the dimension open needs all of it
            codes = []
        parts.append("+".join(sorted(set(codes))))
    return ".".join(parts)


def _economy_codes(economies: list[str] | None) -> list[str]:
    codes = sorted({e.strip() for e in economies or []})
    bad = [c for c in codes if not _ECONOMY.match(c)]
    if bad:
        raise UsageError(f"not SDMX economy codes: {', '.join(map(repr, bad))}")
    return codes


def _data_url(flow: Dataflow, version: str, key: str, start: int | None, end: int | None) -> str:
    params = []
    if start is not None:
        params.append(f"startPeriod={start}")
    if end is not None:
        params.append(f"endPeriod={end}")
    params += ["dimensionAtObservation=AllDimensions", "format=csvfilewithlabels"]
    return f"{base_url()}/data/{flow.agency},{flow.flow},{version}/{key}?{'&'.join(params)}"


def _span(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return "all years"
    if end is None:
        return f"from {start}"
    return f"to {end}" if start is None else f"{start}-{end}"


def _no_observations(
    flow: Dataflow,
    s: Series,
    economies: list[str] | None,
    start: int | None,
    end: int | None,
    why: str,
) -> str:
    key = build_key(flow, [s], economies)
    return f"no observations for {s.id} ({flow.flow} key {key}, {_span(start, end)}) ({why})"


# -- fetching ------------------------------------------------------------------------------
def fetch(
    series: list[Series],
    economies: list[str] | None = None,
    start: int | None = None,
    end: int | None = None,
    policy: RetryPolicy | None = None,
    limiter: RateLimiter | None = None,
    on_request: OnRequest | None = None,
    budget: SourceBudget | None = None,
) -> tuple[list[FetchResult], dict[str, str]]:
    """Download OECD series, one data request per dataflow.

    Args:
        series: OECD catalogue series (any mix of DAC1 and DAC2A).
        economies: codes for each dataflow's economy dimension; None or empty for all.
        start, end: first and last year (inclusive), or None for open.
        policy: retries and timeout (default: from the environment).
        limiter: rate limiter for data downloads (default: ``SDG17_OECD_RATE_LIMIT`` with its
            state in the store's raw directory).
        on_request: called with the URL before every HTTP request (progress, logs).
        budget: the OECD's deadline and hung state, shared by every dataflow of a fetch
            (default: a new one from ``policy``).

    Returns:
        One FetchResult per dataflow that has observations, and ``{series id: reason}`` for
        the series without observations.

    Raises:
        FetchError: a request failed after its retries, or the answer is not SDMX-CSV. The
            error names the series and the URL.
    """
    schema.check_year_range(start, end)
    strays = [s.id for s in series if s.source != "oecd"]
    if strays:
        raise CatalogueError(f"not OECD series: {', '.join(strays)}")
    dataflows = catalogue.load().dataflows
    groups: dict[str, list[Series]] = {}
    for s in series:
        groups.setdefault(s.dataflow, []).append(s)

    policy = policy or RetryPolicy.from_env()
    budget = budget or SourceBudget(API_NAME, policy)
    limiter = limiter or _default_limiter()
    results: list[FetchResult] = []
    failures: dict[str, str] = {}
    with requests.Session() as http:
        for name, members in groups.items():
            client = ApiClient(http, policy, budget, on_request)
            result, missing = _fetch_flow(
                client, dataflows[name], members, economies, start, end, limiter
            )
            failures.update(missing)
            if result is not None:
                results.append(result)
    return results, failures


def _fetch_flow(
    client: ApiClient,
    flow: Dataflow,
    members: list[Series],
    economies: list[str] | None,
    start: int | None,
    end: int | None,
    limiter: RateLimiter,
) -> tuple[FetchResult | None, dict[str, str]]:
    ids = [s.id for s in members]
    pin = _version_variable(flow)
    pinned = os.environ.get(pin, "").strip()
    version = pinned or _discover(client, flow, ids)
    key = build_key(flow, members, economies)
    what = f"OECD {flow.name.upper()} data"

    def read(resp: requests.Response) -> tuple[Table, pd.DataFrame]:
        if is_html(resp):
            raise FormatError(f"answered an HTML page, not SDMX-CSV: {snippet(resp)}")
        table = Table.read(resp.content, flow)
        return table, table.select(flow, members)

    for attempt in (1, 2):
        url = _data_url(flow, version, key, start, end)
        resp, answer = client.get(url, what=what, series=ids, before=limiter.acquire, read=read)
        status = resp.status_code
        if status == 200:
            break
        if status == 404 and _NO_RESULTS.search(resp.content):
            return None, {
                s.id: _no_observations(flow, s, economies, start, end, "404 NoResultsFound")
                for s in members
            }
        if status == 404 and attempt == 2:
            return None, {
                s.id: _no_observations(
                    flow, s, economies, start, end, f"404 for version {version} too"
                )
                for s in members
            }
        if status in (400, 404, 410) and attempt == 1:
            # The OECD retires dataflow versions without notice; ask again which one is current.
            if pinned:
                raise FetchError(
                    f"{what}: HTTP {status} for version {version} pinned by {pin}; "
                    f"unset {pin} or pin a current version: {snippet(resp)}",
                    series=ids,
                    url=url,
                )
            log.warning(
                "%s: HTTP %d for version %s; re-discovering the version", what, status, version
            )
            version = _discover(client, flow, ids)
            continue
        raise FetchError(f"{what} answered HTTP {status}: {snippet(resp)}", series=ids, url=url)

    content = resp.content
    table, tidy = answer
    if table.structure and table.structure["flow"] != flow.flow:
        raise FetchError(
            f"{what} answered with dataflow {table.structure['flow']}", series=ids, url=url
        )

    have = set(tidy["series"])
    missing = {
        s.id: _no_observations(
            flow, s, economies, start, end, f"not in the {flow.name.upper()} answer"
        )
        for s in members
        if s.id not in have
    }
    if not have:
        return None, missing
    name = flow.name
    result = FetchResult(
        source="oecd",
        format=FORMAT,
        series=[s for s in ids if s in have],
        payloads=[Payload(name=f"{name}.sdmx.csv", content=content, url=url, rows=table.rows)],
        query={
            "dataflow": name,
            "agency": flow.agency,
            "flow": flow.flow,
            "key": key,
            "economies": _economy_codes(economies) or "all",
            "start_year": start,
            "end_year": end,
        },
        dataflow_version=version,
        requests=client.count,
        extra={
            "api": base_url(),
            "structure_id": table.structure_id or f"{flow.agency}:{flow.flow}({version})",
            "version_from": pin if pinned else "dataflow/latest",
        },
    )
    return result, missing
