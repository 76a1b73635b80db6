import socket
from datetime import UTC, datetime

import pytest

from helpers.errors import FetchError
from helpers.sources.http import (
    HostUnreachableError,
    RateLimiter,
    RetryableError,
    RetryPolicy,
    SourceBudget,
    parse_retry_after,
    retry_call,
    timed_out,
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


def test_policy_has_separate_connect_and_read_timeouts_and_a_source_deadline(monkeypatch):
    monkeypatch.setenv("SDG17_HTTP_TIMEOUT", "7")
    monkeypatch.setenv("SDG17_HTTP_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("SDG17_SOURCE_DEADLINE", "50")
    policy = RetryPolicy.from_env()
    assert policy.timeouts() == (3.0, 7.0)
    assert policy.deadline == 50.0


def test_a_budget_caps_each_timeout_at_the_time_left():
    clock = [0.0]
    budget = SourceBudget(
        "API", RetryPolicy(connect_timeout=10, timeout=30, deadline=40), clock=lambda: clock[0]
    )
    assert budget.timeouts() == (10, 30)
    clock[0] = 35.0
    assert budget.timeouts() == (5, 5)


def test_time_outs_are_retried_once_then_the_source_counts_as_hung():
    calls = []

    def hangs():
        calls.append(1)
        raise RetryableError("timed out: no answer within 1s", timed_out=True)

    policy = RetryPolicy(attempts=4)
    budget = SourceBudget("API", policy)
    with pytest.raises(FetchError, match="after 2 attempts: timed out"):
        retry_call(hangs, policy, what="page", sleep=lambda s: None, budget=budget)
    assert len(calls) == 2
    with pytest.raises(FetchError, match="did not answer"):  # the next request is not sent
        retry_call(hangs, policy, what="next page", sleep=lambda s: None, budget=budget)
    assert len(calls) == 2


def test_no_attempt_starts_after_the_deadline():
    clock = [0.0]
    calls = []

    def slow_503():
        calls.append(1)
        clock[0] += 6
        raise RetryableError("HTTP 503", status=503)

    policy = RetryPolicy(attempts=10, backoff=0.0, deadline=10)
    budget = SourceBudget("API", policy, clock=lambda: clock[0])
    with pytest.raises(FetchError, match="SDG17_SOURCE_DEADLINE") as err:
        retry_call(slow_503, policy, what="page", sleep=lambda s: None, budget=budget)
    assert len(calls) == 2 and "HTTP 503" in str(err.value)


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


def test_a_read_timeout_that_requests_reports_as_a_connection_error_is_a_time_out():
    import requests
    from urllib3.exceptions import ReadTimeoutError

    # requests raises ConnectionError for a read timeout while it streams the body.
    assert timed_out(requests.ConnectionError(ReadTimeoutError(None, "/x", "Read timed out.")))
    assert timed_out(requests.ReadTimeout("Read timed out."))
    assert not timed_out(requests.ConnectionError(ConnectionRefusedError(111, "refused")))
