"""The UN SDG Global Database API v1 (``/v1/sdg/Series/List`` and ``/v1/sdg/Series/Data``).

Plain ``requests`` and ``json``: the answers are small JSON pages the store keeps byte for
byte, and no maintained Python client of this API exists that pages, retries and keeps raw
bodies the way the other sources do.

A fetch sends:

1. ``GET /v1/sdg/Series/List?allreleases=false`` once: every current series with its
   ``release`` (e.g. "2022.Q1.G.03"). A catalogue series whose code (or a former code) is not
   listed is a :class:`~helpers.errors.UsageError` naming it and the URL, before any data
   request. The list is stored with the data, and each series' release goes into the
   snapshot metadata and the vintage of every row.
2. ``GET /v1/sdg/Series/Data`` with ``seriesCode`` and ``areaCode`` repeated (several series
   and areas per request: up to ``SDG17_UNSDG_SERIES_PER_REQUEST``, default 10, and 100
   areas), ``timePeriodStart``/``timePeriodEnd``, and ``page`` (1-based) / ``pageSize``
   (``SDG17_UNSDG_PAGE_SIZE``, default 5000) until ``totalPages``; the rows received are
   checked against ``totalElements``.

Faults are handled as for the other sources (:mod:`helpers.sources.http`): 429/5xx retried
with backoff or Retry-After, time-outs retried briefly, a 200 that is not a JSON page (an
HTML page, a cut-short body) retried, a shared deadline. HTTP 400 is the API refusing the
request: a UsageError naming the series codes the message names, or, when the message names
none, every series and area asked for. A series the API answers with no rows is reported,
not a failure. The UN publishes no rate limit; ``SDG17_UNSDG_RATE_LIMIT`` (CALLS/SECONDS)
sets one if needed.

What could not be confirmed against the live service (see
``shared/data/api-samples/unsdg/UNSDG_API_SHAPES.md``), and is therefore not relied on: the
exact body of the 400 for an unknown series, row order (pages are read as a set; the reader
sorts), the ``Nature``/``Units`` code lists, and the largest ``pageSize`` accepted.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from urllib.parse import urlencode

import requests

from helpers import paths
from helpers.catalogue import Series
from helpers.errors import CatalogueError, FetchError, UsageError
from helpers.reference import m49, schema
from helpers.sources.http import (
    ApiClient,
    RateLimiter,
    RetryPolicy,
    SourceBudget,
    is_html,
    snippet,
)
from helpers.sources.payload import FetchResult, Payload
from helpers.sources.unsdg.slices import (
    API_FORMAT,
    SOURCE,
    FormatError,
    long_from_pages,
    read_page,
    tidy_rows,
)

log = logging.getLogger(__name__)

DEFAULT_API = "https://unstats.un.org/sdgapi"
API_NAME = "the UN SDG API"
# Not confirmed against the live service: the largest pageSize it accepts. If it answers
# fewer rows than asked, totalPages still counts its own pages, and every request's rows
# are checked against totalElements, so a cap cannot lose rows silently.
DEFAULT_PAGE_SIZE = 5000
DEFAULT_SERIES_PER_REQUEST = 10
AREAS_PER_REQUEST = 100
MAX_PAGES = 10_000  # a guard against a totalPages that never ends
RATE_STATE_FILE = ".unsdg-rate.json"
LIST_PAYLOAD = "series-list.json"
OnRequest = Callable[[str], None]


# -- settings ------------------------------------------------------------------------------
def base_url() -> str:
    """The API root: ``$SDG17_UNSDG_API_URL`` or the UN's public endpoint."""
    return (os.environ.get("SDG17_UNSDG_API_URL") or DEFAULT_API).rstrip("/")


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"{name}={raw!r} should be a whole number of at least 1")
    return int(raw)


def _limiter() -> RateLimiter | None:
    spec = os.environ.get("SDG17_UNSDG_RATE_LIMIT", "").strip()
    return RateLimiter.parse(spec, paths.raw_dir() / RATE_STATE_FILE) if spec else None


# -- HTTP ---------------------------------------------------------------------------------
class _Client(ApiClient):
    """The shared client (:class:`helpers.sources.http.ApiClient`) with the UN's optional rate
    limiter before every request, reading JSON bodies: an HTML page is retried."""

    def __init__(self, http, policy, budget, on_request, before):
        super().__init__(http, policy, budget, on_request)
        self.before = before

    def get(self, url: str, *, what: str, series: list[str], read: Callable[[bytes], object]):
        def read_json(resp: requests.Response):
            if is_html(resp):
                raise FormatError(f"answered an HTML page, not JSON: {snippet(resp)}")
            return read(resp.content)

        return super().get(url, what=what, series=series, before=self.before, read=read_json)


def _message(resp: requests.Response) -> str:
    """The API's error message (``{"message": ...}``), else the start of the body."""
    try:
        body = resp.json()
    except ValueError:
        return snippet(resp)
    if isinstance(body, dict):
        for key in ("message", "Message", "error", "detail", "title"):
            if body.get(key):
                return str(body[key])
    return snippet(resp)


def _unexpected(resp: requests.Response, url: str, what: str, series: list[str]) -> FetchError:
    return FetchError(
        f"{what} answered HTTP {resp.status_code}: {_message(resp)}", series=series, url=url
    )


# -- the series list -----------------------------------------------------------------------
def _read_list(content: bytes) -> dict[str, str]:
    """UN series code -> release, from a ``Series/List`` answer."""
    try:
        entries = json.loads(content)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormatError(f"the series list is not JSON ({exc})") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise FormatError("the series list is not a JSON list of series")
    return {
        str(e["code"]).strip().upper(): str(e.get("release") or "")
        for e in entries
        if e.get("code")
    }


def _resolve_codes(
    series: list[Series], listed: dict[str, str], url: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The code to ask for each series (current, else a listed former code), and its release.

    Raises:
        UsageError: naming each series the list does not hold, and the list's URL.
    """
    codes, releases, unknown = {}, {}, []
    for s in series:
        code = next((c for c in (s.code, *s.former_codes) if c.upper() in listed), None)
        if code is None:
            unknown.append(f"{s.id} (UN code {s.code})")
            continue
        codes[s.id] = code.upper()
        releases[s.id] = listed[code.upper()]
    if unknown:
        raise UsageError(
            f"unknown UN series: {', '.join(unknown)}: not in the UN SDG Global Database's "
            f"series list ({url}); check the code in helpers/catalogue.yaml"
        )
    return codes, releases


# -- data ----------------------------------------------------------------------------------
def _data_url(codes: list[str], areas: list[str] | None, start, end, page: int, size: int) -> str:
    params = [("seriesCode", c) for c in codes] + [("areaCode", a) for a in areas or []]
    if start is not None:
        params.append(("timePeriodStart", start))
    if end is not None:
        params.append(("timePeriodEnd", end))
    params += [("page", page), ("pageSize", size)]
    return f"{base_url()}/v1/sdg/Series/Data?{urlencode(params)}"


def _refused(resp, url: str, codes: list[str], areas: list[str] | None, ids: dict[str, str]):
    """HTTP 400 as a UsageError naming what the API refused."""
    message = _message(resp)
    named = [c for c in codes if re.search(rf"\b{re.escape(c)}\b", message, re.IGNORECASE)]
    if named:
        which = ", ".join(f"{ids.get(c, c)} (UN code {c})" for c in named)
        return UsageError(
            f"the UN SDG API does not know series {which}: HTTP 400 {message!r} [url: {url}]"
        )
    asked = ", ".join(f"{ids.get(c, c)} (UN code {c})" for c in codes)
    where = f"; areas asked: {', '.join(areas)}" if areas else ""
    return UsageError(
        f"the UN SDG API refused the request for series {asked}{where}: HTTP 400 {message!r}; "
        f"one of these codes is not known to it [url: {url}]"
    )


def _batches(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def fetch(
    series: list[Series],
    economies: list[str] | None = None,
    start: int | None = None,
    end: int | None = None,
    policy: RetryPolicy | None = None,
    on_request: OnRequest | None = None,
    budget: SourceBudget | None = None,
) -> tuple[FetchResult | None, dict[str, str]]:
    """Download UN series: the series list, then the data pages (module docstring).

    Args:
        series: UN catalogue series.
        economies: economy codes (ISO3, WLD, LDC, SIDS, ``M49_<n>`` ...); None for all areas.
        start, end: first and last year (inclusive), or None for open.
        policy: retries and timeouts (default: from the environment).
        on_request: called with the URL before every HTTP request.
        budget: the source's deadline and hung state (default: a new one from ``policy``).

    Returns:
        One FetchResult holding the series list and every data page (None when no series has
        an observation), and ``{series id: reason}`` for series without observations.

    Raises:
        UsageError: an area with no M49 code, a series the API does not list or refuses
            (HTTP 400), or a slice the catalogue leaves ambiguous (CatalogueError); raised
            before anything is returned, so nothing is stored.
        FetchError: a request failed after its retries (names the series and the URL).
    """
    schema.check_year_range(start, end)
    strays = [s.id for s in series if s.source != SOURCE]
    if strays:
        raise CatalogueError(f"not UN SDG series: {', '.join(strays)}")
    areas = sorted({m49.area(e) for e in economies}, key=int) if economies else None
    policy = policy or RetryPolicy.from_env()
    budget = budget or SourceBudget(API_NAME, policy)
    page_size = _positive("SDG17_UNSDG_PAGE_SIZE", DEFAULT_PAGE_SIZE)
    per_request = _positive("SDG17_UNSDG_SERIES_PER_REQUEST", DEFAULT_SERIES_PER_REQUEST)
    ids = [s.id for s in series]
    with requests.Session() as http:
        limiter = _limiter()
        client = _Client(http, policy, budget, on_request, limiter.acquire if limiter else None)
        list_url = f"{base_url()}/v1/sdg/Series/List?allreleases=false"
        resp, listed = client.get(list_url, what="UN SDG series list", series=ids, read=_read_list)
        if listed is None:
            raise _unexpected(resp, list_url, "UN SDG series list", ids)
        codes, releases = _resolve_codes(series, listed, list_url)
        payloads = [Payload(name=LIST_PAYLOAD, content=resp.content, url=list_url)]
        by_code = {code: sid for sid, code in codes.items()}
        n = 0
        for group in _batches(sorted(set(codes.values())), per_request):
            for area_group in _batches(areas or [], AREAS_PER_REQUEST):
                for content, url in _pages(
                    client, group, area_group or None, start, end, page_size, by_code
                ):
                    n += 1
                    payloads.append(Payload(name=f"data-{n:04d}.json", content=content, url=url))
        requests_sent = client.count

    pages = [p.content for p in payloads[1:]]
    long = long_from_pages(pages)
    held = {by_code.get(c) for c in set(long["code"])} - {None}
    failures = {
        s.id: (
            f"no observations for {s.id} (UN series {codes[s.id]}, "
            f"{'areas ' + ', '.join(areas) if areas else 'all areas'}, {_span(start, end)})"
        )
        for s in series
        if s.id not in held
    }
    stored = [s for s in series if s.id in held]
    if not stored:
        return None, failures
    # Read everything now: an ambiguous slice stops the fetch before anything is stored
    # (tidy_rows logs the values that are not numbers).
    _, skipped = tidy_rows(long, stored, {}, "")
    return (
        FetchResult(
            source=SOURCE,
            format=API_FORMAT,
            series=[s.id for s in stored],
            payloads=payloads,
            query={
                "economies": sorted(economies) if economies else "all",
                "areas": areas or "all",
                "start_year": start,
                "end_year": end,
                "series_codes": {s.id: codes[s.id] for s in stored},
                "page_size": page_size,
            },
            source_last_updated="release "
            + ", ".join(sorted({releases[s.id] for s in stored if releases[s.id]}) or ["unknown"]),
            requests=requests_sent,
            extra={
                # How the snapshot's vintage names its release (see the store's _vintage).
                "release": "UN SDG Global Database release "
                + ", ".join(sorted({releases[s.id] or "unknown" for s in stored})),
                "releases": {s.id: releases[s.id] for s in stored},
                "series_list_url": list_url,
                "skipped_values": skipped,
            },
        ),
        failures,
    )


def _span(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return "all years"
    return f"{start if start is not None else '...'}-{end if end is not None else '...'}"


def _pages(client: _Client, codes, areas, start, end, page_size, ids):
    """(body, url) of every page of one request, following ``totalPages``."""
    page, total, rows, expected = 1, 1, 0, 0
    while page <= total:
        url = _data_url(codes, areas, start, end, page, page_size)
        resp, answer = client.get(url, what="UN SDG data page", series=codes, read=read_page)
        if resp.status_code == 400:
            raise _refused(resp, url, codes, areas, ids)
        if answer is None:
            raise _unexpected(resp, url, "UN SDG data page", [ids.get(c, c) for c in codes])
        total = int(answer["totalPages"])
        if total > MAX_PAGES:
            raise FetchError(
                f"the UN SDG API announced {total} pages; more than {MAX_PAGES} looks wrong",
                series=codes,
                url=url,
            )
        rows += len(answer["data"])
        expected = int(answer["totalElements"])
        yield resp.content, url
        page += 1
    if rows != expected:
        raise FetchError(
            f"the UN SDG API announced {expected} rows over {total} pages but sent {rows}; "
            "the answer is incomplete (try SDG17_UNSDG_PAGE_SIZE=1000)",
            series=[ids.get(c, c) for c in codes],
            url=url,
        )
