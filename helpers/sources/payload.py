"""What a source hands the store: payloads exactly as received, and what was asked for.

Sources build :class:`FetchResult` objects and know nothing of where they are kept; the store
(:mod:`helpers.store`) writes them as snapshots. Readers of a stored snapshot (each source's
``parse``) see it through :class:`StoredSnapshot`, the few things they need of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

METADATA = "metadata.json"  # the store's provenance file beside the payloads
FORMATS = (
    "wb-api-json",
    "wb-bulk-csv",
    "wb-country-meta-csv",
    "wb-economies-json",
    "wb-ids-json",
    "wb-ids-counterparts-json",
    "sdmx-csv",
    "unsdg-api-json",
    "unsdg-ddf-csv",
    "demo-csv",
)


@dataclass(frozen=True)
class Payload:
    """One file of a snapshot: bytes as the source sent them (or as the user's file held them)."""

    name: str
    content: bytes
    url: str = ""
    rows: int | None = None


@dataclass
class FetchResult:
    """What a source hands the store for one batch.

    Attributes:
        source: "worldbank", "oecd" or "ids".
        format: how the payloads are encoded, one of FORMATS.
        series: catalogue ids the payloads hold.
        payloads: the files, unchanged.
        query: what was asked (series codes, economies, years, SDMX key...).
        source_last_updated: the source's own date for its data (World Bank ``lastupdated``).
        dataflow_version: the SDMX dataflow version queried (OECD).
        requests: how many HTTP requests the batch took.
        extra: anything source-specific worth keeping in the metadata.
    """

    source: str
    format: str
    series: list[str]
    payloads: list[Payload]
    query: dict = field(default_factory=dict)
    source_last_updated: str | None = None
    dataflow_version: str | None = None
    requests: int = 0
    extra: dict = field(default_factory=dict)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def isoformat(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class StoredSnapshot(Protocol):
    """What a source's reader needs of a stored snapshot (``helpers.store.Snapshot`` is one)."""

    path: Path

    @property
    def meta(self) -> dict: ...

    @property
    def id(self) -> str: ...

    @property
    def format(self) -> str: ...

    @property
    def series(self) -> list[str]: ...

    @property
    def vintage(self) -> str: ...

    def files(self) -> list[Path]: ...

    def read(self, name: str) -> bytes: ...
