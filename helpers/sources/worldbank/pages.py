"""World Bank API pages as the server sent them: their shapes, and parsing stored snapshots.

Two kinds of page are stored (``helpers.sources.worldbank`` fetches them):

* data pages ("wb-api-json"), in the dict shape of ``sources/2/series/../country/../time/..``
  or the classic ``[meta, rows]`` shape of ``country/../indicator/..``; :func:`read_records`
  reads either, and :func:`parse` turns a snapshot of them into the canonical tidy frame;
* the ``/country`` economy list ("wb-economies-json"), read by :func:`economy_rows` and
  turned into the economy reference by :func:`parse_economies`.

The same readers serve the fetch (to count rows and spot empty answers) and the parse, so the
tidy tables are rebuilt from the stored bytes without the network.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import NamedTuple

import pandas as pd

from helpers import catalogue
from helpers.errors import FetchError, StoreError
from helpers.reference import schema
from helpers.sources.payload import StoredSnapshot

log = logging.getLogger(__name__)

SOURCE = "worldbank"
FORMAT = "wb-api-json"
ECONOMIES_FORMAT = "wb-economies-json"


class RejectedAnswer(FetchError):
    """A failure another attempt would not fix: an error payload, not JSON, a 4xx.

    Raised while fetching (``helpers.sources.worldbank`` splits a rejected batch to find the series
    the API objects to) and while reading an economy list.
    """


def snippet(content: bytes) -> str:
    """The first 80 characters of a body, on one line, for error messages."""
    text = content[:80].decode("utf-8", "replace").replace("\n", " ").strip()
    return f"{text}..." if len(content) > 80 else text


def api_message(doc) -> str | None:
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


# -- reading data pages (shared by fetch and parse) ---------------------------------------
class Observation(NamedTuple):
    """One value as a data page gives it; ``code`` is the World Bank series code."""

    economy: str
    economy_name: str
    code: str
    year: int
    value: float | None


def parse_year(time_id: str, time_value: str) -> int:
    """The year of a time dimension entry (``"2020"`` or ``"YR2020"``).

    Raises:
        ValueError: neither is a year.
    """
    text = str(time_value).strip()
    if text.isdigit():
        return int(text)
    time_id = str(time_id).strip().upper()
    if time_id.startswith("YR") and time_id[2:].isdigit():
        return int(time_id[2:])
    raise ValueError(f"time {time_id!r} / {time_value!r} is not a year")


def read_records(doc) -> tuple[dict, list[Observation]]:
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
                Observation(
                    country["id"],
                    (country.get("value") or "").strip(),
                    var["series"]["id"],
                    parse_year(time_["id"], time_.get("value", "")),
                    row["value"],
                )
            )
        return doc, out
    if isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict) and "total" in doc[0]:
        rows = doc[1] or []  # the API sends null when nothing matched
        out = [
            Observation(
                r.get("countryiso3code") or r["country"]["id"],
                (r["country"]["value"] or "").strip(),
                r["indicator"]["id"],
                parse_year("", r["date"]),
                r["value"],
            )
            for r in rows
        ]
        return doc[0], out
    message = api_message(doc)
    raise ValueError(f"an API error payload: {message}" if message else "unrecognised shape")


# -- parsing stored snapshots -------------------------------------------------------------
def load_pages(snapshot: StoredSnapshot, fmt: str) -> Iterator[tuple[str, object]]:
    """Each stored page of a World Bank JSON snapshot of format ``fmt``: (path, parsed JSON)."""
    if snapshot.format != fmt:
        raise StoreError(f"snapshot {snapshot.id} holds {snapshot.format!r}, not {fmt!r}")
    for path in snapshot.files():
        try:
            yield str(path), json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: not readable as World Bank JSON: {exc}") from exc


def parse(snapshot: StoredSnapshot) -> pd.DataFrame:
    """The canonical tidy frame (:data:`helpers.reference.schema.COLUMNS`) of a wb-api-json
    snapshot.

    Reads the stored pages (dict or classic shape), keeps the snapshot's series and drops
    null values. Codes the catalogue no longer lists are skipped with a warning, so an old
    snapshot does not stop the tidy build.

    Raises:
        StoreError: a page that is not World Bank data JSON, or no observations at all.
    """
    by_code = {s.code.upper(): s for s in catalogue.load().series if s.source == SOURCE}
    held = set(snapshot.series)
    records: list[Observation] = []
    for where, doc in load_pages(snapshot, FORMAT):
        try:
            _, obs = read_records(doc)
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
    frame = pd.DataFrame(records, columns=list(Observation._fields))
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
        RejectedAnswer: naming ``where``, for any other shape (an API error payload included).
    """
    if not (
        isinstance(doc, list)
        and len(doc) == 2
        and isinstance(doc[0], dict)
        and isinstance(doc[1], list | None)
    ):
        message = api_message(doc)
        raise RejectedAnswer(
            "the World Bank economy list has an unrecognised shape"
            + (f": {message}" if message else ""),
            url=where,
        )
    return doc[1] or []


def economy_rows(content: bytes, where: str) -> list[dict]:
    """The rows of a ``/country`` page as sent (bytes); ``where`` names it in errors.

    Raises:
        RejectedAnswer: naming ``where``, when the body is not JSON or not an economy list.
    """
    try:
        doc = json.loads(content)
    except ValueError as exc:
        raise RejectedAnswer(
            f"the World Bank economy list is not valid JSON: {snippet(content)!r}", url=where
        ) from exc
    return _economy_list(doc, where)


def _label(ref) -> str:
    return (ref.get("value") or "").strip() if isinstance(ref, dict) else ""


def parse_economies(snapshot: StoredSnapshot) -> pd.DataFrame:
    """Economy reference from a "wb-economies-json" snapshot (the API's ``/country`` list).

    Returns:
        Columns ``economy, economy_name, region, income_group, is_aggregate``. Aggregates
        (region id "NA") have region and income group None, as in the bulk-CSV metadata.
    """
    rows = []
    for where, doc in load_pages(snapshot, ECONOMIES_FORMAT):
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
        except (RejectedAnswer, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{where}: not a World Bank economy list ({exc})") from exc
    if not rows:
        raise StoreError(f"snapshot {snapshot.path} lists no economies")
    frame = pd.DataFrame(rows, columns=schema.REFERENCE_COLUMNS)
    return frame.drop_duplicates("economy", ignore_index=True)
