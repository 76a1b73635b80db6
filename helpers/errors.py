"""Typed exceptions. The CLI maps them to exit codes (see ``helpers.cli``)."""

from __future__ import annotations


class Sdg17Error(Exception):
    """Base class for errors this project raises on purpose."""

    exit_code = 1


class UsageError(Sdg17Error):
    """Bad input from the user: unknown series or economy, inverted years, unreadable file."""

    exit_code = 2


class CatalogueError(UsageError):
    """The series catalogue is malformed, or a series id is not in it."""


class FetchError(Sdg17Error):
    """A source could not be fetched or answered with something unusable.

    Args:
        message: what went wrong, in a sentence.
        series: the series ids the request was for.
        url: the URL that failed, if any.
    """

    def __init__(self, message: str, *, series: list[str] | tuple[str, ...] = (), url: str = ""):
        self.series = list(series)
        self.url = url
        detail = message
        if self.series:
            detail += f" [series: {', '.join(self.series)}]"
        if url:
            detail += f" [url: {url}]"
        super().__init__(detail)
        self.reason = message


class EmptyResultError(FetchError):
    """The source answered, but with no observations for the query."""


class OfflineError(Sdg17Error):
    """Offline mode was asked for and the store lacks what is needed."""

    exit_code = 1


class StoreError(Sdg17Error):
    """The snapshot store is missing something or holds something inconsistent."""


class SchemaError(Sdg17Error):
    """A tidy table broke the canonical schema; the message names the offending rows."""
