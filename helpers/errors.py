"""Typed exceptions. The CLI maps them to exit codes (see ``helpers.cli``).

In a notebook every one of them shows as one sentence instead of a traceback: IPython calls
``_render_traceback_`` when an exception defines it.
"""

from __future__ import annotations


class Sdg17Error(Exception):
    """Base class for errors this project raises on purpose."""

    exit_code = 1
    label = "Error"

    def _render_traceback_(self) -> list[str]:
        return [f"{self.label}: {self}"]


class UsageError(Sdg17Error):
    """Bad input from the user: unknown series or economy, inverted years, unreadable file."""

    exit_code = 2
    label = "Usage error"


class ParameterError(UsageError):
    """A notebook or run parameter is out of its declared type, range or choices."""

    label = "Parameter error"


class CatalogueError(UsageError):
    """The series catalogue is malformed, or a series id is not in it."""

    label = "Catalogue error"


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

    label = "Fetch failed"


class EmptyResultError(FetchError):
    """The source answered, but with no observations for the query."""


class OfflineError(Sdg17Error):
    """Offline mode was asked for and the store lacks what is needed."""

    exit_code = 1
    label = "Data missing"


class StoreError(Sdg17Error):
    """The snapshot store is missing something or holds something inconsistent."""

    label = "Store error"


class SchemaError(Sdg17Error):
    """A tidy table broke the canonical schema; the message names the offending rows."""

    label = "Schema error"
