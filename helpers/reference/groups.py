"""Economy groupings: LDCs, DAC members, providers beyond the DAC, the Global South, regions.

The lists live in ``helpers/reference/groups.yaml`` with their sources; this module reads
them and applies them to an *economy reference* frame, one row per code with the columns
``economy, economy_name, region, income_group, is_aggregate`` (built from World Bank
metadata, or by :mod:`helpers.sources.demo`). ``region`` and ``income_group`` may hold World Bank
names ("Sub-Saharan Africa", "Low income") or codes ("SSF", "LIC").

Global South definitions (select with ``definition=`` or ``$SDG17_GLOBAL_SOUTH``):

* ``wb_lmic`` (default): World Bank low- and middle-income economies, i.e. income group
  Low income, Lower middle income or Upper middle income. Economies the World Bank leaves
  unclassified are not counted.
* ``wb_lic_lmc``: World Bank low-income and lower-middle-income economies only.
* ``un_ldc``: the UN Least Developed Countries (44 as of December 2024).

Membership of the Group of 77 is not offered: its 134 members are not listed here from a
source we could check, and a wrong list would be worse than none.

Example:
    >>> from helpers import groups
    >>> len(groups.ldc_codes())
    44
"""

from __future__ import annotations

import contextlib
import difflib
import os
from dataclasses import dataclass
from functools import cache

import pandas as pd
import pycountry
import yaml

from helpers.errors import SchemaError, UsageError
from helpers.paths import REFERENCE_DIR
from helpers.reference.schema import REFERENCE_COLUMNS

GROUPS_FILE = REFERENCE_DIR / "groups.yaml"
GLOBAL_SOUTH_ENV = "SDG17_GLOBAL_SOUTH"
DEFAULT_GLOBAL_SOUTH = "wb_lmic"
GLOBAL_SOUTH_DEFINITIONS = {
    "wb_lmic": "World Bank low- and middle-income economies (LIC, LMC, UMC)",
    "wb_lic_lmc": "World Bank low-income and lower-middle-income economies (LIC, LMC)",
    "un_ldc": "UN Least Developed Countries",
}
# Income codes each Global South definition keeps (un_ldc uses the LDC list instead).
_GS_INCOME = {"wb_lmic": {"LIC", "LMC", "UMC"}, "wb_lic_lmc": {"LIC", "LMC"}}
# Income-group names a user may ask members() for, beyond the four groups themselves.
_INCOME_UNIONS = {"LMY": {"LIC", "LMC", "UMC"}, "MIC": {"LMC", "UMC"}}
_SUGGESTIONS = 3


@dataclass(frozen=True)
class Groups:
    """The contents of ``groups.yaml``."""

    ldc: frozenset[str]
    dac_countries: frozenset[str]
    dac_institutions: dict[str, str]
    non_dac_providers: frozenset[str]
    regions: dict[str, str]
    region_aliases: dict[str, str]
    income_groups: dict[str, str]
    aggregates: dict[str, dict[str, str]]
    worldbank_codes: dict[str, str]
    retired_codes: dict[str, str]

    @property
    def dac_members(self) -> frozenset[str]:
        """DAC member codes: the 31 countries and the EU Institutions provider code."""
        return self.dac_countries | frozenset(self.dac_institutions)

    def aggregate_labels(self) -> dict[str, str]:
        """Every known aggregate code with its label (World Bank first, then OECD)."""
        labels: dict[str, str] = {}
        for table in self.aggregates.values():
            for code, label in table.items():
                labels.setdefault(code, label)
        return labels


@cache
def load() -> Groups:
    """Read ``groups.yaml`` (once per process)."""
    raw = yaml.safe_load(GROUPS_FILE.read_text(encoding="utf-8"))
    try:
        return Groups(
            ldc=frozenset(raw["ldc"]["members"]),
            dac_countries=frozenset(raw["dac"]["countries"]),
            dac_institutions={str(k): v for k, v in raw["dac"]["institutions"].items()},
            non_dac_providers=frozenset(raw["non_dac_providers"]),
            regions=dict(raw["regions"]),
            region_aliases=dict(raw.get("region_aliases") or {}),
            income_groups=dict(raw["income_groups"]),
            aggregates={k: {str(c): v for c, v in t.items()} for k, t in raw["aggregates"].items()},
            worldbank_codes=dict(raw["worldbank_codes"]),
            retired_codes={str(k): str(v) for k, v in raw["retired_worldbank_codes"].items()},
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise SchemaError(f"{GROUPS_FILE} is malformed: missing or bad entry {exc}") from exc


def ldc_codes() -> list[str]:
    """The UN Least Developed Countries (ISO3), sorted."""
    return sorted(load().ldc)


def dac_member_codes() -> list[str]:
    """The 32 DAC members: 31 country codes and ``4EU001`` (EU Institutions), sorted."""
    return sorted(load().dac_members)


def non_dac_provider_codes() -> list[str]:
    """Providers beyond the DAC that report to the OECD (ISO3), sorted."""
    return sorted(load().non_dac_providers)


def aggregate_codes() -> dict[str, str]:
    """Every World Bank and OECD aggregate code this project knows, with its label."""
    return load().aggregate_labels()


def current_codes(codes: pd.Series) -> pd.Series:
    """Economy codes with the retired World Bank codes of older WDI editions (``ROM``,
    ``ZAR``, ...) replaced by the economy's code today (``ROU``, ``COD``); the list and its
    source are in ``groups.yaml`` (``retired_worldbank_codes``)."""
    return codes.replace(load().retired_codes)


def renamed_codes(codes) -> dict[str, str]:
    """The retired World Bank codes among ``codes``, each with the code it is read as
    (``{"ROM": "ROU"}``): what :func:`current_codes` changes, for the provenance record."""
    retired = load().retired_codes
    return {c: retired[c] for c in sorted(set(map(str, codes))) if c in retired}


def is_known_aggregate(code: str) -> bool:
    """True for a World Bank or OECD aggregate code listed in ``groups.yaml``."""
    return str(code).strip().upper() in load().aggregate_labels()


# -- the reference frame ---------------------------------------------------------------
def _check_reference(reference: pd.DataFrame) -> None:
    missing = [c for c in REFERENCE_COLUMNS if c not in reference.columns]
    if missing:
        raise SchemaError(
            f"economy reference lacks columns {missing}; expected {REFERENCE_COLUMNS}"
        )


def _key(text: object) -> str:
    return str(text).strip().casefold() if isinstance(text, str) else ""


@cache
def _income_lookup() -> dict[str, str]:
    g = load()
    lookup = {_key(code): code for code in g.income_groups}
    lookup.update({_key(name): code for code, name in g.income_groups.items()})
    return lookup


@cache
def _region_lookup() -> dict[str, str]:
    g = load()
    lookup = {_key(code): code for code in g.regions}
    lookup.update({_key(name): code for code, name in g.regions.items()})
    lookup.update({_key(name): code for name, code in g.region_aliases.items()})
    return lookup


def _income_codes(reference: pd.DataFrame) -> pd.Series:
    """World Bank income code (LIC...HIC) per row; "" when unclassified or an aggregate."""
    codes = reference["income_group"].map(lambda v: _income_lookup().get(_key(v), ""))
    return codes.where(~_is_aggregate(reference), "")


def _region_codes(reference: pd.DataFrame) -> pd.Series:
    codes = reference["region"].map(lambda v: _region_lookup().get(_key(v), ""))
    return codes.where(~_is_aggregate(reference), "")


def _is_aggregate(reference: pd.DataFrame) -> pd.Series:
    return reference["is_aggregate"].fillna(False).astype(bool)


def _codes(reference: pd.DataFrame) -> pd.Series:
    return reference["economy"].astype(str).str.strip().str.upper()


def global_south(reference: pd.DataFrame, definition: str | None = None) -> pd.Series:
    """Which rows of ``reference`` are in the Global South.

    Args:
        reference: an economy reference frame (see module docstring).
        definition: one of ``GLOBAL_SOUTH_DEFINITIONS``; default ``$SDG17_GLOBAL_SOUTH``,
            else ``"wb_lmic"``.

    Returns:
        A boolean Series aligned with ``reference`` and named ``global_south``;
        aggregates are always False.

    Raises:
        UsageError: for an unknown definition, listing the valid ones.
    """
    _check_reference(reference)
    definition = _definition(definition)
    if definition == "un_ldc":
        flag = _codes(reference).isin(load().ldc) & ~_is_aggregate(reference)
    else:
        flag = _income_codes(reference).isin(_GS_INCOME[definition])
    return flag.astype(bool).rename("global_south")


def global_south_definition(definition: str | None = None) -> str:
    """The Global South definition in force: ``definition``, else ``$SDG17_GLOBAL_SOUTH``,
    else ``wb_lmic``.

    Raises:
        UsageError: for an unknown definition, listing the valid ones.
    """
    return _definition(definition)


def _definition(definition: str | None) -> str:
    chosen = definition or os.environ.get(GLOBAL_SOUTH_ENV) or DEFAULT_GLOBAL_SOUTH
    chosen = chosen.strip()
    if chosen not in GLOBAL_SOUTH_DEFINITIONS:
        origin = "" if definition else f" (from ${GLOBAL_SOUTH_ENV})"
        valid = "; ".join(f"{k}: {v}" for k, v in GLOBAL_SOUTH_DEFINITIONS.items())
        raise UsageError(f"unknown Global South definition {chosen!r}{origin}. Valid: {valid}")
    return chosen


def economies_frame(reference: pd.DataFrame, definition: str | None = None) -> pd.DataFrame:
    """The reference with boolean columns ``ldc``, ``dac_member``, ``beyond_dac``, ``global_south``.

    ``beyond_dac`` marks official providers that report to the OECD without being DAC
    members (the ``non_dac_providers`` list). Aggregates are False in every column.
    """
    _check_reference(reference)
    g = load()
    codes = _codes(reference)
    single = ~_is_aggregate(reference)
    out = reference.copy()
    out["ldc"] = codes.isin(g.ldc) & single
    out["dac_member"] = codes.isin(g.dac_members) & single
    out["beyond_dac"] = codes.isin(g.non_dac_providers) & single
    out["global_south"] = global_south(reference, definition)
    return out


# -- creditors (IDS lending by creditor) -------------------------------------------------
ALL_CREDITORS = "WLD"
CREDITOR_GROUPS = ("Southern", "DAC", "other", "all creditors")


def creditor_groups(
    creditors: pd.Series, reference: pd.DataFrame, definition: str | None = None
) -> pd.Series:
    """The creditor group of each creditor code, for tidy rows by creditor.

    Rules, in order: "" for "" (a row not by creditor); "all creditors" for ``WLD``; "DAC"
    for a DAC member (:func:`dac_member_codes`); "Southern" for a creditor country in the
    Global South under ``definition`` (see :func:`global_south`; its income group comes from
    ``reference``, so a creditor the reference lacks is not Southern); "other" for the
    rest: creditor countries outside both (Saudi Arabia, a high-income economy, under the
    default definition) and institutions ("IDS905", World Bank-IDA).

    Args:
        creditors: creditor codes (ISO3, ``WLD``, ``IDS<id>`` or "").
        reference: the economy reference frame.
        definition: a Global South definition; default ``$SDG17_GLOBAL_SOUTH``, else wb_lmic.

    Returns:
        A Series aligned with ``creditors``, named ``creditor_group``.
    """
    _check_reference(reference)
    south = set(_codes(reference)[global_south(reference, definition)])
    codes = creditors.fillna("").astype(str).str.strip().str.upper()
    out = pd.Series("other", index=creditors.index, dtype=object, name="creditor_group")
    out[codes.isin(south)] = "Southern"
    out[codes.isin(load().dac_members)] = "DAC"
    out[codes == ALL_CREDITORS] = "all creditors"
    out[codes == ""] = ""
    return out


def validate_creditors(
    items: list[str] | str, present: set[str] | frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """Split a creditor selection into creditor codes and creditor group names, checked.

    Args:
        items: creditor codes (ISO3, ``WLD``, ``IDS<id>``; any case) or group names
            (``CREDITOR_GROUPS``, any case: "Southern", "DAC", "other", "all creditors").
        present: the creditor codes the data hold (also accepted, and used for suggestions).

    Returns:
        (codes, groups): normalised, duplicates dropped, in the order given.

    Raises:
        UsageError: naming every unknown item with close matches (a country name typed for
            a code included) and the valid group names.
    """
    if isinstance(items, str):
        items = [items]
    by_key = {_key(g): g for g in CREDITOR_GROUPS}
    codes: list[str] = []
    chosen: list[str] = []
    unknown: list[str] = []
    known = set(present) | _iso_codes() | {ALL_CREDITORS}
    for item in items:
        text = str(item).strip()
        if _key(text) in by_key:
            chosen.append(by_key[_key(text)])
        elif text.upper() in known:
            codes.append(text.upper())
        else:
            unknown.append(text)
    if unknown:
        parts = []
        for text in unknown:
            close: list[str] = []
            with contextlib.suppress(LookupError):
                close.append(pycountry.countries.lookup(text).alpha_3)
            pool = sorted(set(present) | set(CREDITOR_GROUPS))
            close += difflib.get_close_matches(text, pool, n=_SUGGESTIONS, cutoff=0.6)
            close = list(dict.fromkeys(close))[:_SUGGESTIONS]
            hint = f"did you mean {', '.join(close)}?" if close else "no close match"
            parts.append(f"{text or repr(text)} ({hint})")
        raise UsageError(
            f"unknown creditors: {'; '.join(parts)}. Valid: ISO3 country codes, WLD (all "
            f"creditors), the IDS<id> codes in the data, or a group: {', '.join(CREDITOR_GROUPS)}."
        )
    if not codes and not chosen:
        raise UsageError("no creditors given")
    return list(dict.fromkeys(codes)), list(dict.fromkeys(chosen))


# -- named groups ----------------------------------------------------------------------
def group_names() -> list[str]:
    """Every name ``members`` accepts (names are matched ignoring case)."""
    g = load()
    names = ["all", "LDC", "DAC", "beyond_DAC", "global_south"]
    names += [f"global_south:{d}" for d in GLOBAL_SOUTH_DEFINITIONS]
    names += list(g.income_groups.values()) + list(g.income_groups) + list(_INCOME_UNIONS)
    names += list(g.regions.values()) + list(g.regions)
    return names


def _group_mask(group: str, reference: pd.DataFrame) -> pd.Series | None:
    """Rows in ``group``, or None when ``group`` is not a group name."""
    g = load()
    key = _key(group)
    single = ~_is_aggregate(reference)
    codes = _codes(reference)
    if key == "all":
        return single
    if key == "ldc":
        return single & codes.isin(g.ldc)
    if key == "dac":
        return single & codes.isin(g.dac_members)
    if key in ("beyond_dac", "beyond dac", "non_dac", "non-dac"):
        return single & codes.isin(g.non_dac_providers)
    if key == "global_south":
        return global_south(reference)
    if key.startswith("global_south:"):
        return global_south(reference, key.split(":", 1)[1].strip())
    if key in _income_lookup():
        return _income_codes(reference) == _income_lookup()[key]
    if key.upper() in _INCOME_UNIONS:
        return _income_codes(reference).isin(_INCOME_UNIONS[key.upper()])
    if key in _region_lookup():
        return _region_codes(reference) == _region_lookup()[key]
    return None


def is_group(name: str) -> bool:
    """Whether ``name`` is a group ``members`` understands."""
    key = _key(name)
    return (
        key in {_key(n) for n in group_names()}
        or key in ("beyond dac", "non_dac", "non-dac")
        or key.startswith("global_south:")
        or key in _region_lookup()
    )


def members(group: str, reference: pd.DataFrame) -> list[str]:
    """Economy codes in a named group, sorted; aggregates are never members.

    Args:
        group: "all", "LDC", "DAC", "beyond_DAC", "global_south" (default definition) or
            "global_south:<definition>", an income group ("Low income" or LIC, LMC, UMC,
            HIC, and LMY, MIC), or a World Bank region (name or code: SSF, SAS...).
            Matched ignoring case.
        reference: the economy reference frame.

    Raises:
        UsageError: for an unknown group, listing the valid names.
    """
    _check_reference(reference)
    mask = _group_mask(group, reference) if isinstance(group, str) else None
    if mask is None:
        close = difflib.get_close_matches(str(group), group_names(), n=_SUGGESTIONS, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UsageError(
            f"unknown economy group {group!r}.{hint} Valid groups: {', '.join(group_names())}"
        )
    return sorted(_codes(reference)[mask.astype(bool)].unique().tolist())


# -- validating codes ------------------------------------------------------------------
@cache
def _iso_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def known_codes(reference: pd.DataFrame | None = None) -> frozenset[str]:
    """Codes ``validate_economies`` accepts: the reference's codes (or, without a reference,
    every ISO 3166 alpha-3 code and the World Bank's own codes) plus every known aggregate
    and DAC institution code."""
    g = load()
    known = set(g.aggregate_labels()) | set(g.dac_institutions)
    if reference is None:
        known |= _iso_codes() | set(g.worldbank_codes)
    else:
        _check_reference(reference)
        known |= set(_codes(reference))
    return frozenset(known)


def _suggest(code: str, known: frozenset[str], reference: pd.DataFrame | None) -> list[str]:
    found: list[str] = []
    if reference is not None:  # a name typed for a code ("KENYA")
        names = reference["economy_name"].map(_key)
        found += _codes(reference)[names == _key(code)].tolist()
    with contextlib.suppress(LookupError):
        found.append(pycountry.countries.lookup(code.strip()).alpha_3)
    found = [c for c in found if c in known]
    found += difflib.get_close_matches(code, sorted(known), n=_SUGGESTIONS, cutoff=0.6)
    return list(dict.fromkeys(found))[:_SUGGESTIONS]


def validate_economies(codes: list[str] | str, reference: pd.DataFrame | None = None) -> list[str]:
    """Normalise economy codes (strip, upper case) and check every one is known.

    A code is known if it is in ``reference`` (economies and aggregates) or in the
    aggregate lists of ``groups.yaml``; without a reference, any ISO 3166 alpha-3 code and
    the World Bank's own codes (XKX Kosovo, CHI Channel Islands) are known too.

    Returns:
        The normalised codes, duplicates dropped, in the order given.

    Raises:
        UsageError: naming every unknown code, with close matches and how to list valid codes.
    """
    if isinstance(codes, str):
        codes = [codes]
    normalised = list(dict.fromkeys(str(c).strip().upper() for c in codes))
    if not normalised:
        raise UsageError("no economy codes given")
    known = known_codes(reference)
    unknown = [c for c in normalised if c not in known]
    if unknown:
        parts = []
        for code in unknown:
            close = _suggest(code, known, reference)
            hint = f"did you mean {', '.join(close)}?" if close else "no close match"
            parts.append(f"{code or repr(code)} ({hint})")
        listing = (
            "helpers.reference.groups.members('all', reference) and "
            "helpers.reference.groups.aggregate_codes()"
            if reference is not None
            else "ISO 3166 alpha-3 codes, XKX, CHI, or helpers.reference.groups.aggregate_codes()"
        )
        raise UsageError(f"unknown economy codes: {'; '.join(parts)}. Valid codes: {listing}.")
    return normalised


def validate_groups_or_economies(items: list[str] | str, reference: pd.DataFrame) -> list[str]:
    """Expand group names (see ``members``) and validate the remaining economy codes.

    A name that is both a group and an aggregate code (LIC, LDC, DAC, SSF...) is expanded to
    its member economies; pass it to ``validate_economies`` to keep the aggregate row.

    Returns:
        Economy codes, duplicates dropped, in the order given (a group's members sorted).

    Raises:
        UsageError: naming every unknown item, with the valid group names.
    """
    if isinstance(items, str):
        items = [items]
    _check_reference(reference)
    out: list[str] = []
    codes: list[str] = []
    for item in items:
        if isinstance(item, str) and is_group(item):
            out += members(item, reference)
        else:
            codes.append(str(item))
            out.append(str(item).strip().upper())
    if codes:
        try:
            validate_economies(codes, reference)
        except UsageError as exc:
            raise UsageError(f"{exc} Or a group: {', '.join(group_names())}.") from None
    if not out:
        raise UsageError(f"no economies in {list(items)!r}")
    return list(dict.fromkeys(out))


def split_aggregates(
    frame: pd.DataFrame, reference: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a tidy frame into (economies, aggregates) by its ``economy`` column.

    A code is an aggregate if ``reference`` marks it ``is_aggregate`` or it is a World Bank
    or OECD aggregate code in ``groups.yaml``. Both parts keep the frame's columns.
    """
    if "economy" not in frame.columns:
        raise SchemaError("split_aggregates needs an 'economy' column")
    aggregates = set(load().aggregate_labels())
    if reference is not None:
        _check_reference(reference)
        aggregates |= set(_codes(reference)[_is_aggregate(reference)])
    mask = frame["economy"].astype(str).str.strip().str.upper().isin(aggregates)
    return frame[~mask].reset_index(drop=True), frame[mask].reset_index(drop=True)
