"""Creditor codes for the World Bank International Debt Statistics (IDS) counterparts.

IDS (World Bank API source 6) breaks lending down by ``Counterpart-Area``: the API's own ids
("730" China, "905" World Bank-IDA, "WLD" all creditors) with a name. The tidy table keys a
creditor by a code that reads like the economy codes next to it:

* ``WLD`` for all creditors;
* the ISO 3166 alpha-3 code of a creditor country, found from the counterpart's name with
  country_converter (it knows the World Bank's spellings: "Korea, Rep.", "Egypt, Arab Rep.");
* ``IDS`` + the counterpart id for an institution or other lender ("IDS905", "IDSBND"
  bondholders): stable, short, and never mistaken for a country.

``creditors.yaml`` overrides the name lookup by counterpart id where it misses or mistakes
(former countries, a bank named after a region), with its source.

Example:
    >>> creditor_code("730", "China")
    'CHN'
    >>> creditor_code("905", "World Bank-IDA")
    'IDS905'
"""

from __future__ import annotations

import logging
import re
from functools import cache

import country_converter
import yaml

from helpers.errors import SchemaError
from helpers.paths import REFERENCE_DIR

CREDITORS_FILE = REFERENCE_DIR / "creditors.yaml"
ALL_CREDITORS = "WLD"
INSTITUTION_PREFIX = "IDS"
_ISO3 = re.compile(r"^[A-Z]{3}$")


@cache
def overrides() -> dict[str, str | None]:
    """``creditors.yaml``: IDS counterpart id -> ISO3 code, or None (not a country)."""
    raw = yaml.safe_load(CREDITORS_FILE.read_text(encoding="utf-8"))
    try:
        table = raw["overrides"] or {}
        return {str(k): (str(v).upper() if v else None) for k, v in table.items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise SchemaError(f"{CREDITORS_FILE} is malformed: {exc}") from exc


@cache
def _converter() -> country_converter.CountryConverter:
    # Reading its table takes about half a second; only a parse or fetch by creditor pays it.
    logging.getLogger("country_converter").setLevel(logging.ERROR)  # misses are expected
    return country_converter.CountryConverter()


@cache
def _by_name(name: str) -> str | None:
    found = _converter().convert(name, to="ISO3", not_found=None)
    return found if isinstance(found, str) and _ISO3.match(found) else None


def creditor_code(counterpart_id: str, name: str) -> str:
    """The creditor code of one IDS counterpart (see the module docstring)."""
    cid = str(counterpart_id).strip().upper()
    if cid == ALL_CREDITORS:
        return ALL_CREDITORS
    table = overrides()
    iso = table[cid] if cid in table else _by_name(str(name).strip())
    return iso or f"{INSTITUTION_PREFIX}{cid}"


def is_country(code: str) -> bool:
    """True for a creditor country's code (not ``WLD``, not an ``IDS<id>`` institution)."""
    return code != ALL_CREDITORS and not code.startswith(INSTITUTION_PREFIX)
