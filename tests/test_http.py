from datetime import UTC, datetime

import pytest

from helpers.errors import FetchError
from helpers.http import RateLimiter, RetryableError, RetryPolicy, parse_retry_after, retry_call


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
