"""wbgapi with a recording hook: the World Bank pages as sent, and one attempt at a query.

Why a hook. The store keeps what the source *sent*, not what a client made of it: a
``requests`` response hook, passed in through ``wbgapi.get_options``, records every page's
bytes unchanged together with its URL, status and ``Retry-After`` (:class:`Recorder`).
wbgapi's parsed rows are thrown away; ``helpers.sources.worldbank.pages`` reads the stored bytes.

:func:`attempt` drives one wbgapi walk and sorts its failures: connection errors, timeouts,
429 and 5xx are retryable (``helpers.sources.http.RetryableError``); anything another attempt would
not fix is a ``RejectedAnswer``, described from the body the server actually sent. A 200
whose body is not JSON at all (an HTML or XML error page, an empty or truncated body) is a
server fault that often passes, so it is retried too; if it persists it becomes a
``RejectedAnswer``, which lets a batch be split as before.

Time limits. wbgapi passes ``get_options`` to every ``requests.get``; the recorder puts the
source's ``(connect, read)`` timeouts there before each attempt and after each page, capped
at the time the source has left (``helpers.sources.http.SourceBudget``).

wbgapi keeps its settings in module globals; :func:`wbgapi_settings` sets them under a lock
and puts the caller's back afterwards, so two fetches in one process do not interleave.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import requests
import wbgapi

from helpers.sources.http import (
    RetryableError,
    SourceBudget,
    parse_retry_after,
    timed_out,
    timeout_error,
    transport_error,
)
from helpers.sources.worldbank.pages import RejectedAnswer, api_message, read_records, snippet

_WBGAPI_LOCK = threading.Lock()
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


@dataclass(frozen=True)
class Page:
    """One response as the server sent it."""

    url: str
    status: int
    content_type: str
    retry_after: str | None
    content: bytes


class Recorder:
    """The requests hook: counts every request and keeps each response's bytes as sent."""

    def __init__(self, on_request: Callable[[str], None] | None, budget: SourceBudget):
        self.on_request = on_request
        self.budget = budget
        self.requests = 0
        self.pages: list[Page] = []
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
        self.arm()
        self.pages.append(
            Page(
                response.url,
                response.status_code,
                response.headers.get("Content-Type", ""),
                response.headers.get("Retry-After"),
                content,
            )
        )

    def arm(self) -> None:
        """Give wbgapi's next request the source's timeouts (inside :func:`wbgapi_settings`)."""
        wbgapi.get_options["timeout"] = self.budget.timeouts()

    def failed(self, exc: requests.RequestException) -> str:
        """Account for a request that died without a full response; return its URL."""
        if self._reading is not None:  # the hook counted it; reading the body failed
            url, self._reading = self._reading, None
            return url
        url = exc.request.url if exc.request is not None else ""
        self._count(url)
        return url


@contextlib.contextmanager
def wbgapi_settings(endpoint: str, recorder: Recorder) -> Iterator[None]:
    """Point wbgapi at ``endpoint`` with the recorder's hook and its budget's timeouts (set
    again before each request by :meth:`Recorder.arm`); restore afterwards."""
    with _WBGAPI_LOCK:
        saved = (wbgapi.endpoint, wbgapi.lang, wbgapi.get_options)
        options = dict(saved[2])
        options.update(timeout=recorder.budget.timeouts(), hooks={"response": [recorder.hook]})
        wbgapi.endpoint, wbgapi.lang, wbgapi.get_options = endpoint, "en", options
        try:
            yield
        finally:
            wbgapi.endpoint, wbgapi.lang, wbgapi.get_options = saved


def _describe(exc: wbgapi.APIError, page: Page | None) -> str:
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
            f"{kind}, {len(page.content)} bytes: {snippet(page.content)!r})"
        )
    message = api_message(doc)
    if message:
        return f"the World Bank API rejected the request: {message}"
    return f"the World Bank API answered with an unrecognised shape: {snippet(page.content)!r}"


def _malformed(page: Page | None) -> bool:
    """True for a 200 whose body is not JSON at all: an error page, empty or cut short."""
    if page is None or page.status != 200:
        return False
    try:
        json.loads(page.content)
    except ValueError:
        return True
    return False


def _retry_malformed(exc: Exception, page: Page, series: list[str]) -> RetryableError:
    url = page.url

    def rejected(message: str) -> RejectedAnswer:
        return RejectedAnswer(message, series=series, url=url)

    return RetryableError(_describe(exc, page), url=url, status=200, give_up=rejected)


def _is_empty(page: Page | None) -> bool:
    """True if the page is a well-formed answer with ``total`` 0 (nothing matched)."""
    if page is None:
        return False
    try:
        meta, rows = read_records(json.loads(page.content))
        return not rows and str(meta.get("total")).strip() == "0"
    except (ValueError, TypeError, KeyError, AttributeError):
        return False


def attempt(run: Callable[[], Iterable], recorder: Recorder, series: list[str]) -> list[Page]:
    """One try at a batch: drive wbgapi's paging and return the pages the hook kept.

    Raises:
        RetryableError: connection error, timeout, 429 or 5xx (retry_call tries again).
        RejectedAnswer: anything another attempt would not fix.
    """
    recorder.pages = []
    recorder.arm()
    try:
        for _ in run():
            pass
    except _TRANSPORT_ERRORS as exc:
        url = recorder.failed(exc)
        if timed_out(exc):
            raise timeout_error(exc, url, wbgapi.get_options.get("timeout")) from exc
        raise transport_error(exc, url, f"connection error: {exc}", series) from exc
    except wbgapi.APIError as exc:
        page = recorder.pages[-1] if recorder.pages else None
        if exc.code is not None and (exc.code == 429 or exc.code >= 500):
            retry_after = parse_retry_after(page.retry_after if page else None)
            raise RetryableError(
                f"HTTP {exc.code} {exc.msg}", url=exc.url, status=exc.code, retry_after=retry_after
            ) from exc
        if _is_empty(page):
            return _ok(recorder.pages)  # wbgapi cannot read a total-0 page; it is a valid answer
        if _malformed(page):
            raise _retry_malformed(exc, page, series) from exc
        raise RejectedAnswer(_describe(exc, page), series=series, url=exc.url) from exc
    except (KeyError, TypeError, ValueError) as exc:
        # wbgapi met a page it could not walk (e.g. a null row list, an oversized URL).
        page = recorder.pages[-1] if recorder.pages else None
        if _is_empty(page):
            return _ok(recorder.pages)
        if _malformed(page):
            raise _retry_malformed(exc, page, series) from exc
        raise RejectedAnswer(
            f"wbgapi could not read the World Bank answer ({type(exc).__name__}: {exc})",
            series=series,
            url=page.url if page else "",
        ) from exc
    return _ok(recorder.pages)


def _ok(pages: list[Page]) -> list[Page]:
    return [p for p in pages if p.status == 200]  # redirects are counted, not kept
