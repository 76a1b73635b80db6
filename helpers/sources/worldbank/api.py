"""World Bank (WDI) source: fetch through wbgapi and keep the pages as sent.

Why wbgapi. wbgapi knows the API's advanced query grammar
(``sources/2/series/{S;S}/country/{E;E}/time/{YR..}``), pages until ``total`` is read and
splits URLs longer than the API accepts, so we use it rather than rebuild those rules. A
response hook (``helpers.sources.worldbank.recorder``) keeps every page's bytes as sent; they are
parsed later by ``helpers.sources.worldbank.pages``, so the tidy tables are rebuilt from raw without
the network.

Batching. All series and all requested economies go in one ``refetch`` call, with a large
``per_page``; wbgapi splits it only when the URL would be too long (economy lists first,
since they are the long part). A full catalogue fetch is a handful of requests, not one
per series per economy.

Retries and partial failure. Each batch runs inside :func:`helpers.sources.http.retry_call`:
connection errors, timeouts, 429, 5xx and 200s whose body is not JSON are retried with
backoff or ``Retry-After``; time-outs only briefly, and all requests of one fetch share a
deadline (``helpers.sources.http.SourceBudget``), so a hung API is given up quickly. A
retry restarts the batch from its first page (wbgapi cannot resume paging) and the failed
attempt's pages are dropped. The API rejects a whole request when one of its series codes
is bad, so a batch that fails for any other reason (an error payload, a body that is not
JSON, a 4xx) is split in halves and each half tried again, until the bad series stands
alone; the others are still returned. A series with no observations fails on its own.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable

import wbgapi

from helpers import catalogue
from helpers.errors import CatalogueError, EmptyResultError, FetchError, UsageError
from helpers.reference import schema
from helpers.sources.http import RetryPolicy, SourceBudget, retry_call
from helpers.sources.payload import FetchResult, Payload
from helpers.sources.worldbank.pages import (
    ECONOMIES_FORMAT,
    FORMAT,
    SOURCE,
    RejectedAnswer,
    economy_rows,
    parse_year,
    read_records,
)
from helpers.sources.worldbank.recorder import Page, Recorder, attempt, wbgapi_settings

log = logging.getLogger(__name__)

ENV_URL = "SDG17_WB_API_URL"
API_NAME = "the World Bank API"
DEFAULT_URL = "https://api.worldbank.org/v2"
WDI = 2  # the API's source id for World Development Indicators
# Rows per page. The data endpoint accepts large pages; wbgapi follows the per_page the
# server echoes, so a server that caps it just means more pages.
PER_PAGE = 20000
ECONOMIES_PER_PAGE = 400

_DATA_URL = "sources/{source}/series/{series}/country/{economy}/time/{time}"
# Which semicolon lists wbgapi may split when a URL is too long, in order.
_SPLIT_ORDER = ["economy", "series", "time"]


def _sleep(seconds: float) -> None:
    # Looked up at call time so tests can record the waits instead of sleeping.
    time.sleep(seconds)


def base_url() -> str:
    """The API root: ``$SDG17_WB_API_URL`` or the public API, without a trailing slash."""
    return (os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")


def page_reader(read: Callable[[object], tuple[dict, list]], what: str):
    """A page reader for :func:`fetch_batches`: ``read`` on the page's JSON, any shape it
    cannot read a RejectedAnswer naming the series and the URL (``what``: "a page")."""

    def read_page(page: Page, series: list[str]) -> tuple[dict, list]:
        try:
            return read(json.loads(page.content))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RejectedAnswer(
                f"the World Bank API sent {what} this module cannot read: {exc}",
                series=series,
                url=page.url,
            ) from exc

    return read_page


_read = page_reader(read_records, "a page")


# -- fetching ------------------------------------------------------------------------------
def _economy_param(economies: list[str] | None) -> tuple[str, str | list[str]]:
    if economies is None:
        return "all", "all"
    codes = sorted({e.strip().upper() for e in economies if e and e.strip()})
    if not codes:
        raise UsageError("no economies given; pass None to fetch all economies")
    return ";".join(codes), codes


def _time_param(
    start: int | None,
    end: int | None,
    policy: RetryPolicy,
    recorder: Recorder,
    ids: list[str],
    source: int = WDI,
) -> tuple[str, str]:
    """The API's time list for ``start..end`` and the URL it came from.

    The API rejects a whole request that names a year it does not have (``YR2026`` before
    that year's data exist), so a bounded range is intersected with the API's own time
    dimension, asked for once (a small request). Both None means "all", with no request.
    """
    if start is None and end is None:
        return "all", ""
    run = functools.partial(wbgapi.fetch, f"sources/{source}/time/all", lang="en")
    pages = retry_call(
        functools.partial(attempt, run, recorder, ids),
        policy,
        what="World Bank time dimension",
        series=ids,
        sleep=_sleep,
        budget=recorder.budget,
    )
    years: list[int] = []
    for page in pages:
        try:
            for var in json.loads(page.content)["source"][0]["concept"][0]["variable"]:
                years.append(parse_year(var["id"], var["value"]))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise RejectedAnswer(
                f"the World Bank time dimension has an unrecognised shape ({exc})",
                series=ids,
                url=page.url,
            ) from exc
    chosen = [
        y for y in sorted(years) if (start is None or y >= start) and (end is None or y <= end)
    ]
    return ";".join(f"YR{y}" for y in chosen), pages[0].url if pages else ""


def _check_series(series: list[catalogue.Series]) -> list[catalogue.Series]:
    if not series:
        raise UsageError("no World Bank series given")
    not_wb = [s.id for s in series if s.source != SOURCE or not s.code]
    if not_wb:
        raise CatalogueError(f"not World Bank series: {', '.join(not_wb)}")
    seen: dict[str, catalogue.Series] = {}
    for s in series:
        seen.setdefault(s.id, s)
    return list(seen.values())


def fetch_batches(
    wanted: list[catalogue.Series],
    run_for: Callable[[list[catalogue.Series]], Callable[[], Iterable]],
    read: Callable[[Page, list[str]], tuple[dict, list]],
    policy: RetryPolicy,
    recorder: Recorder,
    what: str,
) -> tuple[list[tuple[Page, int]], set[str], dict[str, str], list[str]]:
    """Fetch all of ``wanted`` in one batch, halving a rejected batch until the series the API
    objects to stands alone (inside :func:`wbgapi_settings`).

    Args:
        run_for: the wbgapi walk for a batch of series.
        read: a page's metadata and observations (each with a ``code``); raises RejectedAnswer.
        what: names the request in retry messages.

    Returns:
        (pages kept with their row counts, ids of series with observations, failures by
        series id, the ``lastupdated`` dates seen).
    """
    kept: list[tuple[Page, int]] = []
    got: set[str] = set()
    failures: dict[str, str] = {}
    updated: list[str] = []
    queue: deque[list[catalogue.Series]] = deque([wanted])
    while queue:
        batch = queue.popleft()
        batch_ids = [s.id for s in batch]
        try:
            pages = retry_call(
                functools.partial(attempt, run_for(batch), recorder, batch_ids),
                policy,
                what=what,
                series=batch_ids,
                sleep=_sleep,
                budget=recorder.budget,
            )
            read_pages = [(page, *read(page, batch_ids)) for page in pages]
        except RejectedAnswer as exc:
            if len(batch) > 1:
                # Split to find the series the API objects to; keep catalogue order.
                mid = len(batch) // 2
                log.info(
                    "World Bank batch of %d series rejected (%s); splitting",
                    len(batch),
                    exc.reason,
                )
                queue.extendleft([batch[mid:], batch[:mid]])
            else:
                failures[batch[0].id] = str(exc)
            continue
        except FetchError as exc:  # retries exhausted: every series of the batch fails
            failures.update(dict.fromkeys(batch_ids, str(exc)))
            continue

        observed = {o.code.upper() for _, _, obs in read_pages for o in obs if o.value is not None}
        first_url = read_pages[0][0].url if read_pages else ""
        for s in batch:
            if s.code.upper() in observed:
                got.add(s.id)
            else:
                failures[s.id] = str(
                    EmptyResultError(
                        "the World Bank API returned no observations for this query",
                        series=[s.id],
                        url=first_url,
                    )
                )
        if observed & {s.code.upper() for s in batch}:
            for page, meta, obs in read_pages:
                kept.append((page, len(obs)))
                if meta.get("lastupdated"):
                    updated.append(str(meta["lastupdated"]))
    return kept, got, failures, updated


def fetch(
    series: list[catalogue.Series],
    economies: list[str] | None = None,
    start: int | None = None,
    end: int | None = None,
    policy: RetryPolicy | None = None,
    on_request: Callable[[str], None] | None = None,
    budget: SourceBudget | None = None,
) -> tuple[FetchResult | None, dict[str, str]]:
    """Fetch World Bank series for economies and years in as few requests as wbgapi allows.

    Args:
        series: catalogue entries (source "worldbank").
        economies: 3-letter codes; None for all economies and aggregates.
        start, end: years (inclusive); both None for every year the API has.
        policy: timeout and retries (default: from the environment).
        on_request: called with the URL of every HTTP request made.
        budget: the World Bank's deadline and hung state, shared with the economy list
            (default: a new one from ``policy``).

    Returns:
        The pages of every series that returned data (None if none did), and
        ``{series_id: reason}`` for the series that failed; each reason names its URL.

    Raises:
        UsageError: no series or economies, or start after end (nothing is requested).
    """
    wanted = _check_series(series)
    schema.check_year_range(start, end)
    policy = policy or RetryPolicy.from_env()
    economy_param, economy_query = _economy_param(economies)
    recorder = Recorder(on_request, budget or SourceBudget(API_NAME, policy))
    ids = [s.id for s in wanted]

    with wbgapi_settings(base_url(), recorder):
        try:
            time_param, time_url = _time_param(start, end, policy, recorder, ids)
        except FetchError as exc:
            return None, dict.fromkeys(ids, str(exc))
        if not time_param:
            reason = EmptyResultError(
                f"the World Bank API has no years in {start or '...'}-{end or '...'}",
                series=ids,
                url=time_url,
            )
            return None, dict.fromkeys(ids, str(reason))

        def run_for(batch: list[catalogue.Series]) -> Callable[[], Iterable]:
            return functools.partial(
                wbgapi.refetch,
                _DATA_URL,
                _SPLIT_ORDER,
                source=WDI,
                series=";".join(s.code for s in batch),
                economy=economy_param,
                time=time_param,
                params={"per_page": PER_PAGE},
                lang="en",
            )

        kept, got, failures, updated = fetch_batches(
            wanted, run_for, _read, policy, recorder, "World Bank data request"
        )

    # One line per distinct reason, not per series: a batch shares its failure.
    by_reason: dict[str, list[str]] = {}
    for sid, reason in failures.items():
        by_reason.setdefault(reason, []).append(sid)
    for reason, ids_failed in by_reason.items():
        log.warning(
            "World Bank: %d series failed (%s): %s", len(ids_failed), ", ".join(ids_failed), reason
        )
    return batch_result(
        SOURCE,
        FORMAT,
        wanted,
        (kept, got, failures, updated),
        recorder,
        economy_query,
        (start, end),
    )


def batch_result(
    source: str,
    fmt: str,
    wanted: list[catalogue.Series],
    fetched: tuple,
    recorder: Recorder,
    economy_query,
    years: tuple[int | None, int | None],
    query: dict | None = None,
) -> tuple[FetchResult | None, dict[str, str]]:
    """The FetchResult of a batched data fetch (:func:`fetch_batches`' output), shared by
    WDI and IDS: the pages kept, the series that returned data and what was asked."""
    kept, got, failures, updated = fetched
    if not got:
        return None, failures
    result = FetchResult(
        source=source,
        format=fmt,
        series=[s.id for s in wanted if s.id in got],
        payloads=[
            Payload(name=f"page-{i:04d}.json", content=page.content, url=page.url, rows=rows)
            for i, (page, rows) in enumerate(kept, start=1)
        ],
        query={
            "codes": [s.code for s in wanted],
            "economies": economy_query,
            "start_year": years[0],
            "end_year": years[1],
            **(query or {}),
        },
        source_last_updated=max(updated) if updated else None,
        requests=recorder.requests,
        extra={"api": base_url(), "per_page": PER_PAGE, "failed": dict(failures)},
    )
    return result, failures


def fetch_listing(
    path: str,
    per_page: int,
    rows_of: Callable[[bytes, str], list],
    *,
    what: str,
    result: dict,
    policy: RetryPolicy | None = None,
    on_request: Callable[[str], None] | None = None,
    budget: SourceBudget | None = None,
) -> FetchResult:
    """A code list of the API (``country``, ``sources/6/counterpart-area/all``), pages as sent.

    Args:
        path: the API path; ``per_page``: rows asked per page.
        rows_of: reads one page's rows (raising FetchError on a page it cannot read).
        what: the list in words ("economy list"), for messages.
        result: ``source``, ``format`` and ``query`` of the FetchResult.

    Raises:
        FetchError: naming the URL, when the list cannot be fetched or read.
        EmptyResultError: when the API lists nothing.
    """
    policy = policy or RetryPolicy.from_env()
    recorder = Recorder(on_request, budget or SourceBudget(API_NAME, policy))
    run = functools.partial(wbgapi.fetch, path, {"per_page": per_page}, lang="en")
    with wbgapi_settings(base_url(), recorder):
        pages = retry_call(
            functools.partial(attempt, run, recorder, []),
            policy,
            what=f"World Bank {what}",
            sleep=_sleep,
            budget=recorder.budget,
        )
    payloads = [
        Payload(
            name=f"page-{i:04d}.json",
            content=page.content,
            url=page.url,
            rows=len(rows_of(page.content, page.url)),
        )
        for i, page in enumerate(pages, start=1)
    ]
    if not sum(p.rows for p in payloads):
        raise EmptyResultError(
            f"the World Bank API's {what} is empty", url=pages[0].url if pages else ""
        )
    return FetchResult(
        series=[],
        payloads=payloads,
        requests=recorder.requests,
        extra={"api": base_url(), "per_page": per_page},
        **result,
    )


def fetch_economies(
    policy: RetryPolicy | None = None,
    on_request: Callable[[str], None] | None = None,
    budget: SourceBudget | None = None,
) -> FetchResult:
    """The API's economy list (``/country``): countries and aggregates with their groupings.

    Raises:
        FetchError: naming the URL, when the list cannot be fetched or read.
        EmptyResultError: when the API lists no economies.
    """
    return fetch_listing(
        "country",
        ECONOMIES_PER_PAGE,
        economy_rows,
        what="economy list",
        result={
            "source": SOURCE,
            "format": ECONOMIES_FORMAT,
            "query": {"endpoint": "country", "economies": "all"},
        },
        policy=policy,
        on_request=on_request,
        budget=budget,
    )
