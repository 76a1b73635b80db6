"""Retries with backoff, Retry-After, and a client-side rate limiter shared by the sources.

Both sources go through :func:`retry_call`: the World Bank source around wbgapi's paging,
the OECD source around each SDMX request. Settings come from the environment so that a
scheduled run, a test and an analyst can each choose theirs:

``SDG17_HTTP_TIMEOUT`` (seconds per request, default 60), ``SDG17_HTTP_RETRIES`` (total
attempts, default 4), ``SDG17_HTTP_BACKOFF`` (first wait in seconds, doubled each retry,
default 2), ``SDG17_HTTP_MAX_WAIT`` (longest single wait, default 120).
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from filelock import FileLock

from helpers.errors import FetchError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Status codes worth another try: the server is overloaded, restarting or rate-limiting us.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 2.0
    max_wait: float = 120.0
    timeout: float = 60.0

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
        )

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempt counts from 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_wait)
        return min(self.backoff * 2 ** (attempt - 1), self.max_wait)


class RetryableError(Exception):
    """A failure worth retrying: a connection error, a timeout, a 5xx or a 429."""

    def __init__(
        self,
        reason: str,
        *,
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status
        self.retry_after = retry_after


class HostUnreachableError(FetchError):
    """The host name did not resolve: no DNS, so no network; another try will not help."""


def unresolvable_host(exc: BaseException) -> bool:
    """True when ``exc`` or anything that caused it is a failed DNS lookup.

    requests wraps the lookup failure (``socket.gaierror``, urllib3's NameResolutionError)
    several levels deep, in causes, contexts, ``reason`` attributes and ``args``.
    """
    todo: list[object] = [exc]
    seen: set[int] = set()
    while todo:
        err = todo.pop()
        if not isinstance(err, BaseException) or id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, socket.gaierror) or type(err).__name__ == "NameResolutionError":
            return True
        todo += [err.__cause__, err.__context__, getattr(err, "reason", None), *err.args]
    return False


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
) -> T:
    """Call ``fn`` until it succeeds, retrying RetryableError with backoff.

    Args:
        fn: the request; raises RetryableError for transient failures.
        policy: attempts, backoff and timeout.
        what: a short description for logs and the final error ("World Bank data page").
        series: series ids the request serves, named in the final error.
        sleep: injectable for tests.

    Raises:
        FetchError: after the last attempt, naming the series, URL and last reason.
    """
    for attempt in range(1, policy.attempts + 1):
        try:
            return fn()
        except RetryableError as exc:
            if attempt == policy.attempts:
                raise FetchError(
                    f"{what} failed after {attempt} attempts: {exc.reason}",
                    series=series,
                    url=exc.url,
                ) from exc
            delay = policy.wait(attempt, exc.retry_after)
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
