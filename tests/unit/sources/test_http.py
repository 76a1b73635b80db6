import socket
from datetime import UTC, datetime

import pytest

from helpers.errors import FetchError
from helpers.sources.http import (
    HostUnreachableError,
    RateLimiter,
    RetryableError,
    RetryPolicy,
    parse_retry_after,
    retry_call,
    transport_error,
    unresolvable_host,
)


def test_retry_after_seconds_and_http_date():
    assert parse_retry_after("7") == 7.0
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_call_backs_off_exponentially_then_succeeds():
    waits, calls = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise RetryableError("HTTP 503", status=503)
        return "ok"

    policy = RetryPolicy(attempts=4, backoff=1.0, max_wait=60)
    assert retry_call(flaky, policy, what="test", sleep=waits.append) == "ok"
    assert waits == [1.0, 2.0]


def test_retry_after_is_honoured_over_backoff():
    waits = []
    attempts = iter([RetryableError("HTTP 429", status=429, retry_after=9), None])

    def fn():
        exc = next(attempts)
        if exc:
            raise exc
        return 1

    retry_call(fn, RetryPolicy(backoff=1.0), what="t", sleep=waits.append)
    assert waits == [9.0]


def test_exhausted_retries_name_series_and_url():
    def always():
        raise RetryableError("HTTP 500", url="http://127.0.0.1/x", status=500)

    with pytest.raises(FetchError, match=r"3 attempts: HTTP 500.*S1.*http://127.0.0.1/x"):
        retry_call(
            always, RetryPolicy(attempts=3), what="page", series=["S1"], sleep=lambda s: None
        )


def test_rate_limiter_waits_for_the_window_and_persists(tmp_path):
    clock = [1000.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        clock[0] += seconds

    state = tmp_path / "rate.json"
    first = RateLimiter(state, 2, 3600, sleep=sleep, clock=lambda: clock[0])
    assert first.acquire() == 0 and first.acquire() == 0
    # A second limiter (another process) sees the two calls and must wait an hour.
    second = RateLimiter(state, 2, 3600, sleep=sleep, clock=lambda: clock[0])
    assert second.acquire() == pytest.approx(3600)
    assert waits == [pytest.approx(3600)]


def test_rate_limit_spec_is_checked(tmp_path):
    assert RateLimiter.parse("60/3600", tmp_path / "s").max_calls == 60
    with pytest.raises(FetchError, match="CALLS/SECONDS"):
        RateLimiter.parse("sixty", tmp_path / "s")


def test_policy_from_env_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("SDG17_HTTP_TIMEOUT", "fast")
    with pytest.raises(FetchError, match="SDG17_HTTP_TIMEOUT"):
        RetryPolicy.from_env()


def _dns_failure() -> Exception:
    # The shape requests gives: ConnectionError from MaxRetryError from a gaierror.
    try:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as inner:
            raise ConnectionError("Max retries exceeded") from inner
    except ConnectionError as outer:
        return outer


def test_a_failed_dns_lookup_is_not_retried():
    err = transport_error(
        _dns_failure(), "https://api.example.org/v2/x", "connection error", ["S1"]
    )
    assert isinstance(err, HostUnreachableError)
    assert "cannot resolve api.example.org" in str(err) and "S1" in str(err)


def test_other_connection_errors_are_retried():
    err = transport_error(ConnectionRefusedError(111, "refused"), "http://127.0.0.1:9/x", "refused")
    assert isinstance(err, RetryableError) and not unresolvable_host(ConnectionRefusedError())
