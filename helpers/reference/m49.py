"""UN M49 area codes (the UN SDG Global Database's ``geoAreaCode``) as the project's economy codes.

Countries: pycountry's ISO 3166-1 table. An ISO 3166-1 numeric code is the country's M49 code
(ISO takes its numeric codes from M49), so a well-kept library covers every country with an
ISO code and we write none of that table ourselves. What ISO 3166-1 lacks is in ``m49.yaml``,
each entry with its reason and source: Kosovo (412 -> XKX), the Channel Islands (830 -> CHI),
Taiwan (158 -> TWN, written down although the library has it), and the groups the project
names (1 -> WLD, 199 -> LDC, 432 -> LLDC, 722 -> SIDS, 515 -> DEVELOPING, 514 -> DEVELOPED).
Every other M49 area (regions, agency groupings, former states, parts of states) becomes
``M49_<code>``, an aggregate.

Why pycountry rather than country_converter (both pinned): the mapping needed is exactly
ISO numeric -> alpha-3, which pycountry answers from the ISO data with a dictionary lookup;
country_converter's ``UNcode`` column has the same codes but is reached through regex name
matching we do not need.

Example:
    >>> from helpers.reference import m49
    >>> m49.economy("404"), m49.economy(199), m49.economy("202")
    ('KEN', 'LDC', 'M49_202')
    >>> m49.area("XKX")
    '412'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd
import pycountry
import yaml

from helpers.errors import SchemaError, UsageError
from helpers.paths import REFERENCE_DIR

M49_FILE = REFERENCE_DIR / "m49.yaml"
PREFIX = "M49_"
_NUMBER = re.compile(r"^\d{1,5}$")


@dataclass(frozen=True)
class _Table:
    to_economy: dict[str, str]  # M49 code (no leading zeros) -> economy code
    names: dict[str, str]  # economy code -> name
    aggregates: frozenset[str]  # economy codes of the table that are aggregates


@cache
def _table() -> _Table:
    raw = yaml.safe_load(M49_FILE.read_text(encoding="utf-8"))
    try:
        areas = raw["areas"]
        to_economy = {str(int(code)): str(e["code"]) for code, e in areas.items()}
        names = {str(e["code"]): str(e["name"]) for e in areas.values()}
        aggregates = frozenset(str(e["code"]) for e in areas.values() if e["aggregate"])
        for e in areas.values():
            if not e.get("reason") or not e.get("source"):
                raise KeyError(f"reason and source for {e['code']}")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SchemaError(f"{M49_FILE} is malformed: missing or bad entry {exc}") from exc
    if len(set(to_economy.values())) != len(to_economy):
        raise SchemaError(f"{M49_FILE}: two M49 codes map to the same economy code")
    return _Table(to_economy, names, aggregates)


def _canonical(area: object) -> str:
    """``area`` as an M49 number without leading zeros ("004" -> "4"), or a UsageError."""
    text = str(area).strip()
    if text.endswith(".0"):  # a code read as a float ("404.0")
        text = text[:-2]
    if not _NUMBER.match(text):
        raise UsageError(
            f"{area!r} is not a UN M49 area code (a number such as 404 for Kenya or 199 for "
            "the least developed countries); see https://unstats.un.org/unsd/methodology/m49/"
        )
    return str(int(text))


@cache
def economy(area: object) -> str:
    """The economy code of an M49 area: ISO3 for countries, the table's code, else ``M49_<n>``.

    Raises:
        UsageError: ``area`` is not an M49 number.
    """
    code = _canonical(area)
    table = _table()
    if code in table.to_economy:
        return table.to_economy[code]
    country = pycountry.countries.get(numeric=code.zfill(3))
    return country.alpha_3 if country is not None else f"{PREFIX}{code}"


def economies(areas: pd.Series) -> pd.Series:
    """:func:`economy` for a column of M49 codes."""
    return areas.map(economy)


@cache
def area(code: str) -> str:
    """The M49 code (no leading zeros) of an economy code: ISO3, a table code or ``M49_<n>``.

    Raises:
        UsageError: naming the code when it has no M49 area (e.g. a World Bank region).
    """
    text = str(code).strip().upper()
    table = _table()
    reverse = {e: a for a, e in table.to_economy.items()}
    if text in reverse:
        return reverse[text]
    if text.startswith(PREFIX) and _NUMBER.match(text[len(PREFIX) :]):
        return _canonical(text[len(PREFIX) :])
    country = pycountry.countries.get(alpha_3=text) if len(text) == 3 else None
    if country is not None and economy(country.numeric) == text:
        return str(int(country.numeric))
    raise UsageError(
        f"{code!r} has no UN M49 area code, so the UN SDG Global Database cannot be asked for "
        "it: use an ISO3 country code, WLD, LDC, LLDC, SIDS, DEVELOPING, DEVELOPED or M49_<code> "
        "(e.g. M49_202 for Sub-Saharan Africa)"
    )


def is_aggregate(code: str) -> bool:
    """True for the table's groups (WLD, LDC, ...) and every ``M49_<n>`` area."""
    text = str(code).strip().upper()
    return text in _table().aggregates or text.startswith(PREFIX)


def is_un_code(code: str) -> bool:
    """True for codes only the UN source knows: ``M49_<n>`` and the table's UN groups
    that no other source uses (SIDS, DEVELOPING, DEVELOPED)."""
    text = str(code).strip().upper()
    return text.startswith(PREFIX) or text in {"SIDS", "DEVELOPING", "DEVELOPED"}


def name(code: str) -> str:
    """A name for an economy code when the source gives none: the table's, ISO 3166's, or
    "UN M49 area <n>"."""
    text = str(code).strip().upper()
    table = _table()
    if text in table.names:
        return table.names[text]
    if text.startswith(PREFIX):
        return f"UN M49 area {text[len(PREFIX) :]}"
    country = pycountry.countries.get(alpha_3=text)
    return getattr(country, "common_name", None) or (country.name if country else text)
