"""World Bank (WDI) source: fetch through wbgapi, keep the pages as sent, parse them later.

Why wbgapi, and why a hook. wbgapi knows the API's advanced query grammar
(``sources/2/series/{S;S}/country/{E;E}/time/{YR..}``), pages until ``total`` is read and
splits URLs longer than the API accepts, so we use it rather than rebuild those rules. But
the store keeps what the source *sent*, not what a client made of it: a ``requests``
response hook, passed in through ``wbgapi.get_options``, records every page's bytes
unchanged together with its URL, status and ``Retry-After``. wbgapi's parsed rows are
thrown away; :func:`parse` reads the stored bytes, so the tidy tables are rebuilt from raw
without the network.

Batching. All series and all requested economies go in one ``refetch`` call, with a large
``per_page``; wbgapi splits it only when the URL would be too long (economy lists first,
since they are the long part). A full catalogue fetch is a handful of requests, not one
per series per economy.

Retries and partial failure. Each batch runs inside :func:`helpers.http.retry_call`:
connection errors, timeouts, 429 and 5xx are retried with backoff or ``Retry-After``. A
retry restarts the batch from its first page (wbgapi cannot resume paging) and the failed
attempt's pages are dropped. The API rejects a whole request when one of its series codes
is bad, so a batch that fails for any other reason (an error payload, a body that is not
JSON, a 4xx) is split in halves and each half tried again, until the bad series stands
alone; the others are still returned. A series with no observations fails on its own.

wbgapi keeps its settings in module globals; :func:`fetch` sets them under a lock and puts
the caller's back afterwards, so two fetches in one process do not interleave.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import requests
import wbgapi

from helpers import catalogue, schema
from helpers.errors import CatalogueError, EmptyResultError, FetchError, StoreError, UsageError
from helpers.http import RetryableError, RetryPolicy, parse_retry_after, retry_call
from helpers.store import FetchResult, Payload, Snapshot

log = logging.getLogger(__name__)

ENV_URL = "SDG17_WB_API_URL"
DEFAULT_URL = "https://api.worldbank.org/v2"
SOURCE = "worldbank"
FORMAT = "wb-api-json"
ECONOMIES_FORMAT = "wb-economies-json"
WDI = 2  # the API's source id for World Development Indicators
# Rows per page. The data endpoint accepts large pages; wbgapi follows the per_page the
# server echoes, so a server that caps it just means more pages.
PER_PAGE = 20000
ECONOMIES_PER_PAGE = 400
ECONOMY_COLUMNS = ["economy", "economy_name", "region", "income_group", "is_aggregate"]

_DATA_URL = "sources/{source}/series/{series}/country/{economy}/time/{time}"
# Which semicolon lists wbgapi may split when a URL is too long, in order.
_SPLIT_ORDER = ["economy", "series", "time"]
_WBGAPI_LOCK = threading.Lock()
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def _sleep(seconds: float) -> None:
    # Looked up at call time so tests can record the waits instead of sleeping.
    time.sleep(seconds)


def base_url() -> str:
    """The API root: ``$SDG17_WB_API_URL`` or the public API, without a trailing slash."""
    return (os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")


# -- recording what the server sent ------------------------------------------------------
@dataclass(frozen=True)
class _Page:
    url: str
    status: int
    content_type: str
    retry_after: str | None
    content: bytes


class _Recorder:
    """The requests hook: counts every request and keeps each response's bytes as sent."""

    def __init__(self, on_request: Callable[[str], None] | None):
        self.on_request = on_request
        self.requests = 0
        self.pages: list[_Page] = []
        self._reading: str | None = None

    def _count(self, url: str) -> None:
        self.requests += 1
        if self.on_request is not None:
            self.on_request(url)

    def hook(self, response: requests.Response, *args, **kwargs) -> None:
        self._count(response.url)
        self._reading = response.url
        content = response.content  # reads the body now; a read timeout raises from here
        self._reading = None
        self.pages.append(
            _Page(
                response.url,
                response.status_code,
                response.headers.get("Content-Type", ""),
                response.headers.get("Retry-After"),
                content,
            )
        )

    def failed(self, exc: requests.RequestException) -> str:
        """Account for a request that died without a full response; return its URL."""
        if self._reading is not None:  # the hook counted it; reading the body failed
            url, self._reading = self._reading, None
            return url
        url = exc.request.url if exc.request is not None else ""
        self._count(url)
        return url


@contextlib.contextmanager
def _wbgapi_settings(timeout: float, recorder: _Recorder) -> Iterator[None]:
    """Point wbgapi at :func:`base_url` with our timeout and hook; restore afterwards."""
    with _WBGAPI_LOCK:
        saved = (wbgapi.endpoint, wbgapi.lang, wbgapi.get_options)
        options = dict(saved[2])
        options.update(timeout=timeout, hooks={"response": [recorder.hook]})
        wbgapi.endpoint, wbgapi.lang, wbgapi.get_options = base_url(), "en", options
        try:
            yield
        finally:
            wbgapi.endpoint, wbgapi.lang, wbgapi.get_options = saved


class _Rejected(FetchError):
    """A failure another attempt would not fix: an error payload, not JSON, a 4xx."""


def _snippet(content: bytes) -> str:
    text = content[:80].decode("utf-8", "replace").replace("\n", " ").strip()
    return f"{text}..." if len(content) > 80 else text


def _describe(exc: wbgapi.APIError, page: _Page | None) -> str:
    """A sentence for a non-retryable wbgapi error, from the body the server actually sent."""
    if exc.code:
        return f"the World Bank API answered HTTP {exc.code} {exc.msg}"
    if page is None:
        return f"the World Bank API answered something wbgapi could not use: {exc.msg}"
    try:
        doc = json.loads(page.content)
    except ValueError:
        kind = page.content_type.split(";")[0] or "unknown content type"
        return (
            f"the World Bank API sent a body that is not valid JSON (HTTP {page.status}, "
            f"{kind}, {len(page.content)} bytes: {_snippet(page.content)!r})"
        )
    message = _api_message(doc)
    if message:
        return f"the World Bank API rejected the request: {message}"
    return f"the World Bank API answered with an unrecognised shape: {_snippet(page.content)!r}"


def _api_message(doc) -> str | None:
    """The text of an API error payload ``[{"message": [{"id", "key", "value"}]}]``."""
    head = doc[0] if isinstance(doc, list) and doc else doc
    if isinstance(head, dict) and head.get("message"):
        msgs = head["message"]
        if isinstance(msgs, list):
            return "; ".join(
                f"{m.get('key', '')} ({m.get('id', '')}): {m.get('value', '')}"
                for m in msgs
                if isinstance(m, dict)
            )
        return str(msgs)
    return None


def _is_empty(page: _Page | None) -> bool:
    """True if the page is a well-formed answer with ``total`` 0 (nothing matched)."""
    if page is None:
        return False
    try:
        meta, rows = _records(json.loads(page.content))
        return not rows and str(meta.get("total")).strip() == "0"
    except (ValueError, TypeError, KeyError, AttributeError):
        return False


def _attempt(run: Callable[[], Iterable], recorder: _Recorder, series: list[str]) -> list[_Page]:
    """One try at a batch: drive wbgapi's paging and return the pages the hook kept.

    Raises:
        RetryableError: connection error, timeout, 429 or 5xx (retry_call tries again).
        _Rejected: anything another attempt would not fix.
    """
    recorder.pages = []
    try:
        for _ in run():
            pass
    except _TRANSPORT_ERRORS as exc:
        url = recorder.failed(exc)
        word = "timed out" if isinstance(exc, requests.Timeout) else "connection error"
        raise RetryableError(f"{word}: {exc}", url=url) from exc
    except wbgapi.APIError as exc:
        page = recorder.pages[-1] if recorder.pages else None
        if exc.code is not None and (exc.code == 429 or exc.code >= 500):
            retry_after = parse_retry_after(page.retry_after if page else None)
            raise RetryableError(
                f"HTTP {exc.code} {exc.msg}", url=exc.url, status=exc.code, retry_after=retry_after
            ) from exc
        if _is_empty(page):
            return _ok(recorder.pages)  # wbgapi cannot read a total-0 page; it is a valid answer
        raise _Rejected(_describe(exc, page), series=series, url=exc.url) from exc
    except (KeyError, TypeError, ValueError) as exc:
        # wbgapi met a page it could not walk (e.g. a null row list, an oversized URL).
        page = recorder.pages[-1] if recorder.pages else None
        if _is_empty(page):
            return _ok(recorder.pages)
        raise _Rejected(
            f"wbgapi could not read the World Bank answer ({type(exc).__name__}: {exc})",
            series=series,
            url=page.url if page else "",
        ) from exc
    return _ok(recorder.pages)


def _ok(pages: list[_Page]) -> list[_Page]:
    return [p for p in pages if p.status == 200]  # redirects are counted, not kept


# -- reading pages (shared by fetch and parse) -------------------------------------------
class _Obs(NamedTuple):
    economy: str
    economy_name: str
    code: str
    year: int
    value: float | None


def _year(time_id: str, time_value: str) -> int:
    text = str(time_value).strip()
    if text.isdigit():
        return int(text)
    time_id = str(time_id).strip().upper()
    if time_id.startswith("YR") and time_id[2:].isdigit():
        return int(time_id[2:])
    raise ValueError(f"time {time_id!r} / {time_value!r} is not a year")


def _records(doc) -> tuple[dict, list[_Obs]]:
    """Page metadata and observations from either data shape.

    Dict shape (``sources/2/...``): ``{"total", "lastupdated", "source": {"data": [{"variable":
    [{"concept", "id", "value"}...], "value"}]}}``. Classic shape (``country/../indicator/..``):
    ``[meta, rows]`` with ``countryiso3code``, ``indicator``, ``date``, ``value``.

    Raises:
        ValueError: the document is neither (or is an API error payload).
    """
    if isinstance(doc, dict) and "total" in doc and not doc.get("message"):
        source = doc.get("source")
        rows = source.get("data") if isinstance(source, dict) else None
        if rows is None and str(doc["total"]).strip() == "0":
            return doc, []  # nothing matched; such an answer may carry no rows at all
        if not isinstance(rows, list):
            raise ValueError("no source.data list in a dict-shaped page")
        out = []
        for row in rows:
            var = {v["concept"].lower(): v for v in row["variable"]}
            country, time_ = var["country"], var["time"]
            out.append(
                _Obs(
                    country["id"],
                    (country.get("value") or "").strip(),
                    var["series"]["id"],
                    _year(time_["id"], time_.get("value", "")),
                    row["value"],
                )
            )
        return doc, out
    if isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict) and "total" in doc[0]:
        rows = doc[1] or []  # the API sends null when nothing matched
        out = [
            _Obs(
                r.get("countryiso3code") or r["country"]["id"],
                (r["country"]["value"] or "").strip(),
                r["indicator"]["id"],
                _year("", r["date"]),
                r["value"],
            )
            for r in rows
        ]
        return doc[0], out
    message = _api_message(doc)
    raise ValueError(f"an API error payload: {message}" if message else "unrecognised shape")


def _read(page: _Page, series: list[str]) -> tuple[dict, list[_Obs]]:
    try:
        return _records(json.loads(page.content))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _Rejected(
            f"the World Bank API sent a page this module cannot read: {exc}",
            series=series,
            url=page.url,
        ) from exc


# -- fetching ------------------------------------------------------------------------------
def _economy_param(economies: list[str] | None) -> tuple[str, str | list[str]]:
    if economies is None:
        return "all", "all"
    codes = sorted({e.strip().upper() for e in economies if e and e.strip()})
    if not codes:
        raise UsageError("no economies given; pass None to fetch all economies")
    return ";".join(codes), codes


def _check_years(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and start > end:
        raise UsageError(f"start year {start} is after end year {end}")


def _time_param(
    start: int | None, end: int | None, policy: RetryPolicy, recorder: _Recorder, ids: list[str]
) -> tuple[str, str]:
    """The API's time list for ``start..end`` and the URL it came from.

    The API rejects a whole request that names a year it does not have (``YR2026`` before
    that year's data exist), so a bounded range is intersected with the API's own time
    dimension, asked for once (a small request). Both None means "all", with no request.
    """
    if start is None and end is None:
        return "all", ""
    run = functools.partial(wbgapi.fetch, f"sources/{WDI}/time/all", lang="en")
    pages = retry_call(
        functools.partial(_attempt, run, recorder, ids),
        policy,
        what="World Bank time dimension",
        series=ids,
        sleep=_sleep,
    )
    years: list[int] = []
    for page in pages:
        try:
            for var in json.loads(page.content)["source"][0]["concept"][0]["variable"]:
                years.append(_year(var["id"], var["value"]))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise _Rejected(
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


def fetch(
    series: list[catalogue.Series],
    economies: list[str] | None = None,
    start: int | None = None,
    end: int | None = None,
    policy: RetryPolicy | None = None,
    on_request: Callable[[str], None] | None = None,
) -> tuple[FetchResult | None, dict[str, str]]:
    """Fetch World Bank series for economies and years in as few requests as wbgapi allows.

    Args:
        series: catalogue entries (source "worldbank").
        economies: 3-letter codes; None for all economies and aggregates.
        start, end: years (inclusive); both None for every year the API has.
        policy: timeout and retries (default: from the environment).
        on_request: called with the URL of every HTTP request made.

    Returns:
        The pages of every series that returned data (None if none did), and
        ``{series_id: reason}`` for the series that failed; each reason names its URL.

    Raises:
        UsageError: no series or economies, or start after end (nothing is requested).
    """
    wanted = _check_series(series)
    _check_years(start, end)
    policy = policy or RetryPolicy.from_env()
    economy_param, economy_query = _economy_param(economies)
    recorder = _Recorder(on_request)
    kept: list[tuple[_Page, int]] = []
    got: set[str] = set()
    failures: dict[str, str] = {}
    updated: list[str] = []
    ids = [s.id for s in wanted]

    with _wbgapi_settings(policy.timeout, recorder):
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
        queue: deque[list[catalogue.Series]] = deque([wanted])
        while queue:
            batch = queue.popleft()
            batch_ids = [s.id for s in batch]
            run = functools.partial(
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
            try:
                pages = retry_call(
                    functools.partial(_attempt, run, recorder, batch_ids),
                    policy,
                    what="World Bank data request",
                    series=batch_ids,
                    sleep=_sleep,
                )
                read = [(page, *_read(page, batch_ids)) for page in pages]
            except _Rejected as exc:
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

            observed = {o.code.upper() for _, _, obs in read for o in obs if o.value is not None}
            first_url = read[0][0].url if read else ""
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
                for page, meta, obs in read:
                    kept.append((page, len(obs)))
                    if meta.get("lastupdated"):
                        updated.append(str(meta["lastupdated"]))

    for sid, reason in failures.items():
        log.warning("World Bank %s failed: %s", sid, reason)
    if not got:
        return None, failures
    result = FetchResult(
        source=SOURCE,
        format=FORMAT,
        series=[s.id for s in wanted if s.id in got],
        payloads=[
            Payload(name=f"page-{i:04d}.json", content=page.content, url=page.url, rows=rows)
            for i, (page, rows) in enumerate(kept, start=1)
        ],
        query={
            "codes": [s.code for s in wanted],
            "economies": economy_query,
            "start_year": start,
            "end_year": end,
        },
        source_last_updated=max(updated) if updated else None,
        requests=recorder.requests,
        extra={"api": base_url(), "per_page": PER_PAGE, "failed": dict(failures)},
    )
    return result, failures


def fetch_economies(
    policy: RetryPolicy | None = None, on_request: Callable[[str], None] | None = None
) -> FetchResult:
    """The API's economy list (``/country``): countries and aggregates with their groupings.

    Raises:
        FetchError: naming the URL, when the list cannot be fetched or read.
        EmptyResultError: when the API lists no economies.
    """
    policy = policy or RetryPolicy.from_env()
    recorder = _Recorder(on_request)
    run = functools.partial(wbgapi.fetch, "country", {"per_page": ECONOMIES_PER_PAGE}, lang="en")
    with _wbgapi_settings(policy.timeout, recorder):
        pages = retry_call(
            functools.partial(_attempt, run, recorder, []),
            policy,
            what="World Bank economy list",
            sleep=_sleep,
        )
    payloads = []
    for i, page in enumerate(pages, start=1):
        rows = _economy_rows(page.content, page.url)
        payloads.append(
            Payload(name=f"page-{i:04d}.json", content=page.content, url=page.url, rows=len(rows))
        )
    if not sum(p.rows for p in payloads):
        raise EmptyResultError(
            "the World Bank API listed no economies", url=pages[0].url if pages else ""
        )
    return FetchResult(
        source=SOURCE,
        format=ECONOMIES_FORMAT,
        series=[],
        payloads=payloads,
        query={"endpoint": "country", "economies": "all"},
        requests=recorder.requests,
        extra={"api": base_url(), "per_page": ECONOMIES_PER_PAGE},
    )


# -- parsing -------------------------------------------------------------------------------
def _load(snapshot: Snapshot, fmt: str) -> Iterator[tuple[str, object]]:
    if snapshot.format != fmt:
        raise StoreError(f"snapshot {snapshot.id} holds {snapshot.format!r}, not {fmt!r}")
    for path in snapshot.files():
        try:
            yield str(path), json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: not readable as World Bank JSON: {exc}") from exc


def parse(snapshot: Snapshot) -> pd.DataFrame:
    """The canonical tidy frame (:data:`helpers.schema.COLUMNS`) of a "wb-api-json" snapshot.

    Reads the stored pages (dict or classic shape), keeps the snapshot's series and drops
    null values. Codes the catalogue no longer lists are skipped with a warning, so an old
    snapshot does not stop the tidy build.

    Raises:
        StoreError: a page that is not World Bank data JSON, or no observations at all.
    """
    by_code = {s.code.upper(): s for s in catalogue.load().series if s.source == SOURCE}
    held = set(snapshot.series)
    records: list[_Obs] = []
    for where, doc in _load(snapshot, FORMAT):
        try:
            _, obs = _records(doc)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{where}: not a World Bank data page ({exc})") from exc
        records.extend(o for o in obs if o.value is not None)
    unknown = sorted({o.code for o in records if o.code.upper() not in by_code})
    if unknown:
        # A series dropped from the catalogue since it was fetched: its rows have no id.
        log.warning(
            "%s: skipping codes the catalogue no longer lists: %s",
            snapshot.path,
            ", ".join(unknown),
        )
        records = [o for o in records if o.code.upper() in by_code]
    frame = pd.DataFrame(records, columns=list(_Obs._fields))
    entry = frame["code"].str.upper().map(by_code) if len(frame) else frame["code"]
    frame = frame.assign(
        series=entry.map(lambda s: s.id),
        unit=entry.map(lambda s: s.unit),
        value=frame["value"].astype("float64"),
        source=SOURCE,
        vintage=snapshot.vintage,
        snapshot_id=snapshot.id,
    )
    frame = frame[frame["series"].isin(held)]
    if frame.empty:
        raise StoreError(
            f"snapshot {snapshot.path} holds no observations for "
            f"{', '.join(snapshot.series) or 'any series'}"
        )
    frame = frame.sort_values(["series", "economy", "year"], kind="stable")
    return schema.coerce(frame.reset_index(drop=True))


def _economy_list(doc, where: str) -> list[dict]:
    """The rows of a ``/country`` page (``[meta, rows]``).

    Raises:
        _Rejected: naming ``where``, for any other shape (an API error payload included).
    """
    if not (
        isinstance(doc, list)
        and len(doc) == 2
        and isinstance(doc[0], dict)
        and isinstance(doc[1], list | None)
    ):
        message = _api_message(doc)
        raise _Rejected(
            "the World Bank economy list has an unrecognised shape"
            + (f": {message}" if message else ""),
            url=where,
        )
    return doc[1] or []


def _economy_rows(content: bytes, where: str) -> list[dict]:
    try:
        doc = json.loads(content)
    except ValueError as exc:
        raise _Rejected(
            f"the World Bank economy list is not valid JSON: {_snippet(content)!r}", url=where
        ) from exc
    return _economy_list(doc, where)


def _label(ref) -> str:
    return (ref.get("value") or "").strip() if isinstance(ref, dict) else ""


def parse_economies(snapshot: Snapshot) -> pd.DataFrame:
    """Economy reference from a "wb-economies-json" snapshot (the API's ``/country`` list).

    Returns:
        Columns ``economy, economy_name, region, income_group, is_aggregate``. Aggregates
        (region id "NA") have region and income group None, as in the bulk-CSV metadata.
    """
    rows = []
    for where, doc in _load(snapshot, ECONOMIES_FORMAT):
        try:
            for e in _economy_list(doc, where):
                region = e.get("region") or {}
                aggregate = region.get("id") == "NA" or _label(region) == "Aggregates"
                rows.append(
                    {
                        "economy": e["id"].strip().upper(),
                        "economy_name": (e.get("name") or "").strip(),
                        "region": None if aggregate else _label(region) or None,
                        "income_group": None if aggregate else _label(e.get("incomeLevel")) or None,
                        "is_aggregate": bool(aggregate),
                    }
                )
        except (_Rejected, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{where}: not a World Bank economy list ({exc})") from exc
    if not rows:
        raise StoreError(f"snapshot {snapshot.path} lists no economies")
    frame = pd.DataFrame(rows, columns=ECONOMY_COLUMNS)
    return frame.drop_duplicates("economy", ignore_index=True)
