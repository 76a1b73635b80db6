"""The series catalogue (``helpers/catalogue.yaml``), loaded and checked.

Example:
    >>> from helpers import catalogue
    >>> catalogue.get("it.net.user.zs").sdg  # ids are matched ignoring case
    '17.8.1'
    >>> catalogue.search("broadband")["id"].tolist()
    ['IT.NET.BBND.P2']
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from helpers.errors import CatalogueError
from helpers.paths import CATALOGUE_FILE

SOURCES = ("worldbank", "oecd", "ids", "unsdg")
# Sources whose entries name the source's own series code (World Bank indicator, UN series).
_CODED = ("worldbank", "ids", "unsdg")
UNIT_KINDS = (
    "percent",
    "percent_open",
    "usd",
    "usd_millions",
    "count",
    "per_100",
    "index",
    "flag",
)
_REQUIRED = ("id", "source", "title", "unit", "unit_kind", "sdg", "sdg_relation", "topic")
_SDG = re.compile(r"^17\.\d{1,2}\.\d$")
# The five areas of Goal 17, by target number (UN, "Transforming our world", A/RES/70/1,
# Goal 17 headings; the indicator list is A/RES/71/313 as refined by the 2020 review).
AREAS = {
    "finance": range(1, 6),
    "technology": range(6, 9),
    "capacity building": range(9, 10),
    "trade": range(10, 13),
    "systemic issues": range(13, 20),
}


@dataclass(frozen=True)
class Dataflow:
    """An OECD SDMX dataflow the catalogue draws from."""

    name: str
    agency: str
    flow: str
    dimensions: tuple[str, ...]
    economy_dimension: str
    title: str


@dataclass(frozen=True)
class Series:
    """One catalogue entry. ``query`` is empty for World Bank series; ``by_creditor`` is True
    for series fetched and stored by creditor (IDS)."""

    id: str
    source: str
    title: str
    unit: str
    unit_kind: str
    sdg: str
    sdg_relation: str
    topic: str
    citation: str
    licence: str
    code: str = ""
    dataflow: str = ""
    query: dict[str, str] = field(default_factory=dict)
    price_basis: str = ""
    by_creditor: bool = False
    # UN SDG series: the dimension and attribute values that pick the catalogued slice
    # ({"Type of speed": "ANYS"}); codes the series had in earlier releases.
    select: dict[str, str] = field(default_factory=dict)
    former_codes: tuple[str, ...] = ()

    @property
    def is_percent(self) -> bool:
        """True for shares bounded to 0-100 by definition."""
        return self.unit_kind == "percent"

    @property
    def is_flag(self) -> bool:
        """True for yes/no series (1 = yes, 0 = no)."""
        return self.unit_kind == "flag"


@dataclass(frozen=True)
class Indicator:
    """One SDG 17 indicator; ``gap`` says why no catalogue series measures it ("" if one does)."""

    id: str
    title: str
    gap: str = ""

    @property
    def target(self) -> int:
        return int(self.id.split(".")[1])

    @property
    def area(self) -> str:
        return area_of(self.id)


@dataclass(frozen=True)
class Catalogue:
    sources: dict[str, dict]
    dataflows: dict[str, Dataflow]
    series: tuple[Series, ...]
    indicators: tuple[Indicator, ...] = ()

    def ids(self, source: str | None = None) -> list[str]:
        return [s.id for s in self.series if source is None or s.source == source]


def area_targets(area: str) -> str:
    """'17.1-17.5' for finance: the targets an area of ``AREAS`` spans."""
    targets = AREAS[area]
    first, last = targets[0], targets[-1]
    return f"17.{first}" if first == last else f"17.{first}-17.{last}"


def area_of(indicator: str) -> str:
    """The Goal 17 area ("finance", "technology", ...) of an indicator or target ("17.9.1")."""
    parts = str(indicator).split(".")
    target = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    for area, targets in AREAS.items():
        if target in targets:
            return area
    raise CatalogueError(f"{indicator!r} is not an SDG 17 indicator (17.1.1 ... 17.19.2)")


def _parse(raw: dict, path: Path) -> Catalogue:
    if not isinstance(raw, dict) or not {"sources", "series"} <= raw.keys():
        raise CatalogueError(f"{path}: expected top-level keys 'sources' and 'series'")
    sources = raw["sources"]
    dataflows = {
        name: Dataflow(
            name=name,
            agency=spec["agency"],
            flow=spec["flow"],
            dimensions=tuple(spec["dimensions"]),
            economy_dimension=spec["economy_dimension"],
            title=spec.get("title", ""),
        )
        for name, spec in (raw.get("dataflows") or {}).items()
    }
    series: list[Series] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw["series"]):
        missing = [k for k in _REQUIRED if not entry.get(k)]
        where = f"{path}: series #{i + 1} ({entry.get('id', '?')})"
        if missing:
            raise CatalogueError(f"{where} lacks {', '.join(missing)}")
        if entry["id"] in seen:
            raise CatalogueError(f"{where}: duplicate id")
        seen.add(entry["id"])
        if entry["source"] not in SOURCES or entry["source"] not in sources:
            raise CatalogueError(f"{where}: unknown source {entry['source']!r}")
        if entry["unit_kind"] not in UNIT_KINDS:
            raise CatalogueError(f"{where}: unit_kind must be one of {', '.join(UNIT_KINDS)}")
        if not _SDG.match(str(entry["sdg"])):
            raise CatalogueError(
                f"{where}: sdg {entry['sdg']!r} is not an SDG 17 indicator (17.x.x)"
            )
        if entry["source"] in _CODED and not entry.get("code"):
            raise CatalogueError(f"{where}: a {entry['source']} series needs 'code'")
        if (entry.get("select") or entry.get("former_codes")) and entry["source"] != "unsdg":
            raise CatalogueError(f"{where}: only UN SDG series take 'select' or 'former_codes'")
        if entry.get("by_creditor") and entry["source"] != "ids":
            raise CatalogueError(f"{where}: only IDS series are by creditor")
        query = {k: str(v) for k, v in (entry.get("query") or {}).items()}
        if entry["source"] == "oecd":
            flow = dataflows.get(entry.get("dataflow", ""))
            if flow is None:
                raise CatalogueError(f"{where}: unknown dataflow {entry.get('dataflow')!r}")
            unknown = set(query) - set(flow.dimensions)
            if unknown:
                raise CatalogueError(f"{where}: query names unknown dimensions {sorted(unknown)}")
            if flow.economy_dimension in query:
                raise CatalogueError(f"{where}: query must not fix {flow.economy_dimension}")
        src = sources[entry["source"]]
        series.append(
            Series(
                id=entry["id"],
                source=entry["source"],
                title=entry["title"],
                unit=entry["unit"],
                unit_kind=entry["unit_kind"],
                sdg=str(entry["sdg"]),
                sdg_relation=entry["sdg_relation"],
                topic=entry["topic"],
                citation=entry.get("citation", src["citation"]),
                licence=entry.get("licence", src["licence"]),
                code=entry.get("code", ""),
                dataflow=entry.get("dataflow", ""),
                query=query,
                price_basis=entry.get("price_basis", ""),
                by_creditor=bool(entry.get("by_creditor", False)),
                select={str(k): str(v) for k, v in (entry.get("select") or {}).items()},
                former_codes=tuple(str(c) for c in entry.get("former_codes") or ()),
            )
        )
    indicators = _indicators(raw.get("indicators") or [], series, path)
    return Catalogue(
        sources=sources, dataflows=dataflows, series=tuple(series), indicators=indicators
    )


def _indicators(entries: list, series: list[Series], path: Path) -> tuple[Indicator, ...]:
    """The indicator list, checked against the series: every indicator is measured by a series
    or names its gap (not both), and every series measures a listed indicator."""
    out: list[Indicator] = []
    # A denominator (population, GNI) serves an indicator but does not measure it.
    measured = {s.sdg for s in series if s.sdg_relation != "denominator"}
    for i, entry in enumerate(entries):
        where = f"{path}: indicator #{i + 1} ({entry.get('id', '?')})"
        if not _SDG.match(str(entry.get("id", ""))) or not entry.get("title"):
            raise CatalogueError(f"{where} needs an id 17.x.x and a title")
        ind = Indicator(id=str(entry["id"]), title=entry["title"], gap=entry.get("gap", ""))
        if ind.gap and ind.id in measured:
            raise CatalogueError(f"{where}: has series, so it cannot also be a gap")
        if not ind.gap and ind.id not in measured:
            raise CatalogueError(f"{where}: no series measures it; add one or say why in 'gap'")
        out.append(ind)
    if entries:
        listed = {ind.id for ind in out}
        unlisted = sorted(measured - listed)
        if unlisted:
            raise CatalogueError(f"{path}: series measure unlisted indicators {unlisted}")
    return tuple(out)


def load(path: Path | None = None) -> Catalogue:
    """Read and check a catalogue file (default: the project's)."""
    path = Path(path or CATALOGUE_FILE)
    if path == CATALOGUE_FILE:
        return _default()
    return _parse(yaml.safe_load(path.read_text(encoding="utf-8")), path)


@cache
def _default() -> Catalogue:
    return _parse(yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8")), CATALOGUE_FILE)


def get(series_id: str) -> Series:
    """The catalogue entry for ``series_id`` (any case); a CatalogueError names it if unknown."""
    return resolve([series_id])[0]


def resolve(series_ids: list[str] | None = None, cat: Catalogue | None = None) -> list[Series]:
    """Catalogue entries for the given ids (all when None), in catalogue order.

    Ids are matched ignoring case ("it.net.user.zs" is IT.NET.USER.ZS); the entries returned
    carry the catalogue's spelling.

    Raises:
        CatalogueError: naming every unknown id with close matches, and how to find valid ones.
    """
    cat = cat or load()
    if not series_ids:
        return list(cat.series)
    by_key = {s.id.casefold(): s for s in cat.series}
    unknown = [s for s in series_ids if str(s).strip().casefold() not in by_key]
    if unknown:
        raise CatalogueError(
            f"unknown series: {', '.join(_with_suggestion(s, cat) for s in unknown)}. "
            "Find ids with catalogue.search('words') or catalogue.table() "
            f"(or `sdg17 status --all`); they are listed in {CATALOGUE_FILE.name}."
        )
    wanted = {by_key[str(s).strip().casefold()].id for s in series_ids}
    return [s for s in cat.series if s.id in wanted]


def _with_suggestion(series_id: str, cat: Catalogue) -> str:
    ids = {s.id.casefold(): s.id for s in cat.series}
    close = difflib.get_close_matches(str(series_id).strip().casefold(), ids, n=3, cutoff=0.75)
    return f"{series_id} (did you mean {', '.join(ids[c] for c in close)}?)" if close else series_id


_TABLE_COLUMNS = ("id", "title", "unit", "sdg", "source")


def table(cat: Catalogue | None = None) -> pd.DataFrame:
    """Every series, one row each: id, title, unit, SDG indicator (``sdg``) and source."""
    cat = cat or load()
    return pd.DataFrame(
        [[getattr(s, c) for c in _TABLE_COLUMNS] for s in cat.series], columns=list(_TABLE_COLUMNS)
    )


def search(text: str, cat: Catalogue | None = None) -> pd.DataFrame:
    """The rows of :func:`table` for series whose entry (id, title, unit, SDG indicator, source,
    topic, source code, price basis) contains every word of ``text``, in any order and case.

    Raises:
        CatalogueError: nothing matches (an empty table would look like an empty catalogue).
    """
    cat = cat or load()
    words = str(text).casefold().split()
    hits = [all(word in _haystack(s) for word in words) for s in cat.series]
    found = table(cat)[hits].reset_index(drop=True)
    if found.empty:
        raise CatalogueError(
            f"no series matches {text!r}; catalogue.table() lists all {len(cat.series)}."
        )
    return found


def indicators(cat: Catalogue | None = None) -> pd.DataFrame:
    """Every SDG 17 indicator, one row each: indicator, title, area, the catalogue series
    that measure it (``series``, a list; denominators left out) and ``gap`` (why none does,
    "" when one does)."""
    cat = cat or load()
    rows = [
        {
            "indicator": ind.id,
            "title": ind.title,
            "area": ind.area,
            "series": [
                s.id for s in cat.series if s.sdg == ind.id and s.sdg_relation != "denominator"
            ],
            "gap": ind.gap,
        }
        for ind in cat.indicators
    ]
    return pd.DataFrame(rows, columns=["indicator", "title", "area", "series", "gap"])


def gaps(cat: Catalogue | None = None) -> pd.DataFrame:
    """The indicators no catalogue series measures, with the reason (see :func:`indicators`)."""
    table = indicators(cat)
    return table[table["gap"] != ""].drop(columns="series").reset_index(drop=True)


def _haystack(s: Series) -> str:
    fields = (s.id, s.title, s.unit, s.sdg, s.source, s.topic, s.code, s.dataflow, s.price_basis)
    return " ".join(fields).casefold()


def dataflow(name: str) -> Dataflow:
    return load().dataflows[name]


def how_to_obtain(series_ids: list[str]) -> str:
    """A sentence telling the user how to get series they lack."""
    wanted = resolve(series_ids)
    wb = [s.id for s in wanted if s.source == "worldbank"]
    oecd = [s.id for s in wanted if s.source == "oecd"]
    ids = [s.id for s in wanted if s.source == "ids"]
    un = [s.id for s in wanted if s.source == "unsdg"]
    parts = [f"Run `sdg17 fetch --series {' '.join(series_ids)}` where the network is reachable"]
    if wb:
        parts.append(
            "or download the World Bank CSV (https://data.worldbank.org/indicator/"
            f"{wb[0]}?downloadformat=csv) and run `sdg17 import FILE`"
        )
    if oecd:
        parts.append(
            "or export the OECD table as SDMX-CSV from the OECD Data Explorer "
            "and run `sdg17 import FILE`"
        )
    if un:
        parts.append(
            "or take the UN SDG Global Database series "
            "(https://unstats.un.org/sdgs/dataportal) in the open-numbers DDF layout "
            "and run `sdg17 import FILE`"
        )
    if ids:
        parts[0] += " (International Debt Statistics come through the API only, by creditor: "
        parts[0] += "`--creditors CHN,IND,WLD` picks the creditors)"
    return "; ".join(parts) + "; or use the demo data (`make demo`)."
