"""Retries with backoff, Retry-After, time limits and a client-side rate limiter for the sources.

Both sources go through :func:`retry_call`: the World Bank source around wbgapi's paging,
the OECD source around each SDMX request. Settings come from the environment, read when a
fetch starts, so that a scheduled run, a test and an analyst can each choose theirs:

``SDG17_HTTP_CONNECT_TIMEOUT`` (seconds to open a connection, default 10),
``SDG17_HTTP_TIMEOUT`` (seconds to wait for the server between bytes, default 30),
``SDG17_HTTP_RETRIES`` (total attempts, default 4), ``SDG17_HTTP_TIMEOUT_RETRIES`` (attempts
of one request that may end in a time-out, default 2), ``SDG17_HTTP_BACKOFF`` (first wait in
seconds, doubled each retry, default 2), ``SDG17_HTTP_MAX_WAIT`` (longest single wait,
default 120) and ``SDG17_SOURCE_DEADLINE`` (seconds one source's whole fetch may take,
default 300; 0 for none).

Failing fast. A server that accepts connections and never answers costs each request its
read timeout. So a request is tried at most ``SDG17_HTTP_TIMEOUT_RETRIES`` times when it
times out, and a source whose request timed out that often counts as hung: its remaining
requests are not sent (:class:`SourceBudget`). The deadline bounds the rest: every
request's timeouts are capped at the time the source has left, and no attempt starts after
it. With the defaults a hung source is given up after about 62 s (2 x 30 s + 2 s backoff).
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import requests
from filelock import FileLock

from helpers.errors import FetchError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Status codes worth another try: the server is overloaded, restarting or rate-limiting us.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class MalformedAnswer(Exception):
    """A 200 answer that is not what the API sends (an HTML page, an empty or cut-short body):
    :class:`ApiClient` retries it like a 5xx. Each source's format error derives from it."""


class ApiClient:
    """One requests session of a source with its retry policy and budget, counting every
    request it sends: the OECD and UN SDG clients (the World Bank's go through wbgapi)."""

    def __init__(
        self,
        http: requests.Session,
        policy: RetryPolicy,
        budget: SourceBudget,
        on_request: Callable[[str], object] | None = None,
    ):
        self.http = http
        self.policy = policy
        self.on_request = on_request
        self.budget = budget
        self.count = 0

    def get(
        self,
        url: str,
        *,
        what: str,
        series: list[str],
        before: Callable[[], object] | None = None,
        read: Callable[[requests.Response], T] | None = None,
    ) -> tuple[requests.Response, T | None]:
        """GET ``url``, retrying transient failures. Any other status is the caller's to read.

        Args:
            before: called before each attempt (a rate limiter); a number it returns is
                seconds spent waiting, which do not count against the source's deadline.
            read: reads a 200 answer; a :class:`MalformedAnswer` from it is retried like a 5xx.

        Returns:
            The response and what ``read`` made of it (None for other statuses).
        """

        def attempt() -> tuple[requests.Response, T | None]:
            if before is not None:
                waited = before()
                if isinstance(waited, int | float):
                    self.budget.extend(waited)
            self.count += 1
            if self.on_request is not None:
                self.on_request(url)
            timeouts = self.budget.timeouts()
            try:
                resp = self.http.get(url, timeout=timeouts)
            except (
                requests.Timeout,
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                if timed_out(exc):
                    raise timeout_error(exc, url, timeouts) from exc
                raise transport_error(exc, url, f"connection failed: {exc}", series) from exc
            if resp.status_code in RETRY_STATUSES:
                raise RetryableError(
                    f"HTTP {resp.status_code}",
                    url=url,
                    status=resp.status_code,
                    retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                )
            if resp.status_code != 200 or read is None:
                return resp, None
            try:
                return resp, read(resp)
            except MalformedAnswer as exc:
                raise RetryableError(str(exc), url=url, status=200) from exc

        return retry_call(attempt, self.policy, what=what, series=series, budget=self.budget)


def snippet(resp: requests.Response) -> str:
    """The start of an answer's body on one line, for error messages."""
    text = resp.content[:200].decode("utf-8", errors="replace")
    return " ".join(text.split()) or "(empty body)"


def is_html(resp: requests.Response) -> bool:
    """True for an HTML page (a proxy's or a maintenance page) where data were expected."""
    return "html" in resp.headers.get("Content-Type", "").lower()


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 2.0
    max_wait: float = 120.0
    timeout: float = 30.0  # read: the longest wait for the server between bytes
    connect_timeout: float = 10.0
    timeout_attempts: int = 2
    deadline: float = 300.0

    @classmethod
    def from_env(cls) -> RetryPolicy:
        def num(name: str, default: float) -> float:
            raw = os.environ.get(name)
            if raw in (None, ""):
                return default
            try:
                value = float(raw)
            except ValueError as exc:
                raise FetchError(f"{name}={raw!r} is not a number") from exc
            if value < 0:
                raise FetchError(f"{name}={raw!r} must not be negative")
            return value

        return cls(
            attempts=max(1, int(num("SDG17_HTTP_RETRIES", cls.attempts))),
            backoff=num("SDG17_HTTP_BACKOFF", cls.backoff),
            max_wait=num("SDG17_HTTP_MAX_WAIT", cls.max_wait),
            timeout=num("SDG17_HTTP_TIMEOUT", cls.timeout),
            connect_timeout=num("SDG17_HTTP_CONNECT_TIMEOUT", cls.connect_timeout),
            timeout_attempts=max(1, int(num("SDG17_HTTP_TIMEOUT_RETRIES", cls.timeout_attempts))),
            deadline=num("SDG17_SOURCE_DEADLINE", cls.deadline),
        )

    def timeouts(self) -> tuple[float, float]:
        """``(connect, read)`` seconds, the form requests accepts as ``timeout``."""
        return (self.connect_timeout, self.timeout)

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempt counts from 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_wait)
        return min(self.backoff * 2 ** (attempt - 1), self.max_wait)


class SourceBudget:
    """One source's share of a fetch: a deadline for all its requests, and whether it hung.

    Created when a source's fetch starts and shared by all its requests (the World Bank
    economy list and data pages; the OECD structure and data requests).

    Args:
        name: the source as the report names it ("World Bank API").
        policy: timeouts, time-out attempts and the deadline.
        clock: injectable for tests.
    """

    def __init__(self, name: str, policy: RetryPolicy, clock: Callable[[], float] = time.monotonic):
        self.name = name
        self.policy = policy
        self._clock = clock
        # 0 turns the deadline off (each request keeps its own timeouts).
        self._end = clock() + policy.deadline if policy.deadline > 0 else math.inf
        self.hung: str | None = None  # why the source counts as hung, once it does

    def remaining(self) -> float:
        return self._end - self._clock()

    def extend(self, seconds: float) -> None:
        """Move the deadline: time spent waiting on our own rate limiter is not the source's."""
        self._end += max(seconds, 0.0)

    def timeouts(self) -> tuple[float, float]:
        """``(connect, read)`` for the next request, neither longer than the time left."""
        left = max(self.remaining(), 0.01)
        return (min(self.policy.connect_timeout, left), min(self.policy.timeout, left))

    def stop_reason(self) -> str | None:
        """Why no further request should be sent, or None."""
        if self.hung:
            return (
                f"{self.name} did not answer an earlier request ({self.hung}), "
                "so this one was not sent"
            )
        if self.remaining() <= 0:
            return f"{self.name} took longer than its {self.deadline_text()}"
        return None

    def deadline_text(self) -> str:
        return f"deadline of {self.policy.deadline:g}s (SDG17_SOURCE_DEADLINE)"


class RetryableError(Exception):
    """A failure worth retrying: a connection error, a timeout, a 5xx, a 429, a malformed 200.

    Args:
        timed_out: the server did not connect or answer in time (see :class:`SourceBudget`).
        give_up: builds the exception raised once the attempts run out, from the final
            message; default :class:`FetchError` (the World Bank source turns a body it
            cannot read into a ``RejectedAnswer``, so that a batch is still split).
    """

    def __init__(
        self,
        reason: str,
        *,
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
        timed_out: bool = False,
        give_up: Callable[[str], Exception] | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status
        self.retry_after = retry_after
        self.timed_out = timed_out
        self.give_up = give_up


def timeout_error(exc: BaseException, url: str, timeouts: object) -> RetryableError:
    """What a requests ``Timeout`` becomes: a retryable error naming which timeout ran out."""
    connect, read = timeouts if isinstance(timeouts, tuple) else (timeouts, timeouts)
    if type(exc).__name__ == "ConnectTimeout":
        reason = f"timed out: no connection within {connect:.3g}s (connect timeout)"
    else:
        reason = f"timed out: no answer within {read:.3g}s (read timeout)"
    return RetryableError(reason, url=url, timed_out=True)


class HostUnreachableError(FetchError):
    """The host name did not resolve: no DNS, so no network; another try will not help."""


def _caused_by(exc: BaseException, match: Callable[[BaseException], bool]) -> bool:
    """True when ``exc`` or anything that caused it matches.

    requests wraps low-level failures several levels deep, in causes, contexts, ``reason``
    attributes and ``args``.
    """
    todo: list[object] = [exc]
    seen: set[int] = set()
    while todo:
        err = todo.pop()
        if not isinstance(err, BaseException) or id(err) in seen:
            continue
        seen.add(id(err))
        if match(err):
            return True
        todo += [err.__cause__, err.__context__, getattr(err, "reason", None), *err.args]
    return False


def unresolvable_host(exc: BaseException) -> bool:
    """True when ``exc`` or anything that caused it is a failed DNS lookup (``socket.gaierror``,
    urllib3's NameResolutionError)."""
    return _caused_by(
        exc,
        lambda e: isinstance(e, socket.gaierror) or type(e).__name__ == "NameResolutionError",
    )


def timed_out(exc: BaseException) -> bool:
    """True for a time-out, also one that requests reports as a ConnectionError (a read
    timeout while streaming a body is raised that way)."""
    return _caused_by(
        exc,
        lambda e: (
            isinstance(e, TimeoutError | socket.timeout)
            or type(e).__name__ in ("Timeout", "ReadTimeout", "ConnectTimeout", "ReadTimeoutError")
        ),
    )


def transport_error(
    exc: BaseException, url: str, reason: str, series: list[str] | tuple[str, ...] = ()
) -> Exception:
    """What a connection-level failure becomes: retryable, unless the host does not resolve.

    Retrying a failed DNS lookup with backoff only makes an offline machine wait a minute to
    be told it is offline, so that case fails at once.
    """
    if unresolvable_host(exc):
        host = url.split("//", 1)[-1].split("/", 1)[0]
        return HostUnreachableError(
            f"cannot resolve {host}: the network looks unreachable", series=series, url=url
        )
    return RetryableError(reason, url=url)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: either delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def retry_call(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    what: str,
    series: list[str] | tuple[str, ...] = (),
    sleep: Callable[[float], None] = time.sleep,
    budget: SourceBudget | None = None,
) -> T:
    """Call ``fn`` until it succeeds, retrying RetryableError with backoff.

    Args:
        fn: the request; raises RetryableError for transient failures.
        policy: attempts, backoff and timeouts.
        what: a short description for logs and the final error ("World Bank data page").
        series: series ids the request serves, named in the final error.
        sleep: injectable for tests.
        budget: the source's deadline and hung state; no attempt starts once it says stop.

    Raises:
        FetchError: after the last attempt (or the source's deadline), naming the series,
            URL and last reason.
    """
    timeouts = 0
    last: RetryableError | None = None
    for attempt in range(1, policy.attempts + 1):
        stop = budget.stop_reason() if budget is not None else None
        if stop:
            tail = f"; last try: {last.reason}" if last else ""
            raise FetchError(
                f"{what} stopped: {stop}{tail}", series=series, url=last.url if last else ""
            )
        try:
            return fn()
        except RetryableError as exc:
            last = exc
            timeouts += exc.timed_out
            # Hung: every try it may have timed out. Another request would only wait again.
            hung = exc.timed_out and timeouts >= min(policy.timeout_attempts, policy.attempts)
            if attempt == policy.attempts or hung:
                message = f"{what} failed after {attempt} attempts: {exc.reason}"
                if hung and budget is not None:
                    budget.hung = message
                if exc.give_up is not None:
                    raise exc.give_up(message) from exc
                raise FetchError(message, series=series, url=exc.url) from exc
            delay = policy.wait(attempt, exc.retry_after)
            if budget is not None and delay >= budget.remaining():
                late = f"the {budget.deadline_text()} for {budget.name}"
                raise FetchError(
                    f"{what} failed after {attempt} attempts: {exc.reason}; the next try "
                    f"(in {delay:.1f}s) would start after {late}",
                    series=series,
                    url=exc.url,
                ) from exc
            log.warning(
                "%s: %s; retry %d/%d in %.1fs",
                what,
                exc.reason,
                attempt,
                policy.attempts - 1,
                delay,
            )
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


class RateLimiter:
    """At most ``max_calls`` per ``period`` seconds, across processes sharing ``state_file``.

    The OECD asks clients to stay under about 60 data downloads an hour; the call times are
    kept in a small JSON file in the store so that successive CLI runs respect the limit too.
    """

    def __init__(
        self,
        state_file: Path,
        max_calls: int,
        period: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        if max_calls < 1 or period <= 0:
            raise ValueError("a rate limit needs max_calls >= 1 and period > 0")
        self.state_file = Path(state_file)
        self.max_calls = max_calls
        self.period = period
        self._sleep = sleep
        self._clock = clock

    @classmethod
    def parse(cls, spec: str, state_file: Path, **kwargs) -> RateLimiter:
        """From ``"60/3600"`` (calls per seconds)."""
        try:
            calls, period = spec.split("/")
            return cls(state_file, int(calls), float(period), **kwargs)
        except ValueError as exc:
            raise FetchError(
                f"rate limit {spec!r} should look like CALLS/SECONDS, e.g. 60/3600"
            ) from exc

    def _read(self) -> list[float]:
        try:
            stamps = json.loads(self.state_file.read_text())
            return [float(s) for s in stamps]
        except (FileNotFoundError, ValueError, TypeError):
            return []

    def acquire(self) -> float:
        """Block until a call is allowed, record it, and return the seconds waited."""
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        waited = 0.0
        with FileLock(str(self.state_file) + ".lock"):
            while True:
                now = self._clock()
                stamps = [s for s in self._read() if now - s < self.period]
                if len(stamps) < self.max_calls:
                    stamps.append(now)
                    tmp = self.state_file.with_suffix(".tmp")
                    tmp.write_text(json.dumps(stamps))
                    os.replace(tmp, self.state_file)
                    return waited
                delay = stamps[0] + self.period - now
                log.warning(
                    "rate limit %d per %.0fs reached; waiting %.1fs",
                    self.max_calls,
                    self.period,
                    delay,
                )
                self._sleep(delay)
                waited += delay
