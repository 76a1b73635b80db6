"""One economy's profile for the country scorecard: parameter check, group codes, role.

Used by ``notebooks/04_country_scorecard.ipynb`` before the indicator table is built
(``helpers.topics.scorecard``).

**Roles.** Provider = DAC member or provider beyond the DAC; recipient = not a DAC member
and low- or middle-income or an LDC (an approximation of the DAC List of ODA Recipients).
They decide which missing series count as data gaps (``applies_to`` in targets.yaml, read
by ``helpers.topics.scorecard.applicable_series``).
"""

from __future__ import annotations

import os

import pandas as pd

from helpers.errors import ParameterError, UsageError
from helpers.reference import groups

_LOW_INCOME = {"LIC", "LMC", "UMC"}


def check_economy(economy: object, reference: pd.DataFrame) -> str:
    """The economy code, normalised; a one-sentence ParameterError for anything else.

    Validation goes through ``groups.validate_groups_or_economies`` (unknown codes are named
    with close matches); a group name or an aggregate code is refused, since a scorecard is for one
    economy.
    """
    if not isinstance(economy, str) or not economy.strip():
        raise ParameterError(f"economy must be one economy code such as 'KEN', got {economy!r}")
    try:
        codes = groups.validate_groups_or_economies([economy], reference)
    except UsageError as exc:  # the economy parameter is wrong: say so as a parameter error
        raise ParameterError(str(exc)) from None
    code = economy.strip().upper()
    row = reference[reference["economy"] == code]
    aggregate = groups.is_known_aggregate(code) or bool(
        row["is_aggregate"].fillna(False).astype(bool).any()
    )
    if len(codes) != 1 or codes[0] != code or aggregate:
        raise ParameterError(
            f"the scorecard is for one economy, but {economy!r} is a group or an aggregate; "
            "give one economy code such as 'KEN'"
        )
    if row.empty:
        raise ParameterError(
            f"{code} is a known code but not in this store's economy reference, so it has no "
            "data to score; give an economy the store holds"
        )
    return code


def profile(economy: str, reference: pd.DataFrame) -> pd.Series:
    """One economy's reference row with its group codes and its role (provider, recipient)."""
    row = reference.loc[reference["economy"] == economy].iloc[0].copy()
    income = income_code(row["income_group"])
    row["income_code"] = income
    row["region_code"] = region_code(row["region"])
    row["provider"] = bool(row.get("dac_member", False) or row.get("beyond_dac", False))
    row["recipient"] = not bool(row.get("dac_member", False)) and (
        income in _LOW_INCOME or bool(row.get("ldc", False))
    )
    return row


def income_code(name: object) -> str:
    """World Bank income-group code (LIC, LMC, UMC, HIC) for a name or code; "" if none."""
    if not isinstance(name, str) or not name.strip():
        return ""
    table = groups.load().income_groups
    key = name.strip().casefold()
    lookup = {c.casefold(): c for c in table} | {n.casefold(): c for c, n in table.items()}
    return lookup.get(key, "")


def region_code(name: object) -> str:
    """World Bank region code (SSF, EAS, ...) for a region name, alias or code; "" if none."""
    if not isinstance(name, str) or not name.strip():
        return ""
    g = groups.load()
    lookup = {c.casefold(): c for c in g.regions}
    lookup |= {n.casefold(): c for c, n in g.regions.items()}
    lookup |= {n.casefold(): c for n, c in g.region_aliases.items()}
    return lookup.get(name.strip().casefold(), "")


def header_markdown(prof: pd.Series) -> str:
    """A two-column Markdown table: name, region, income group, group flags, role."""

    def yes(flag: object) -> str:
        return "yes" if bool(flag) and not pd.isna(flag) else "no"

    definition = os.environ.get(groups.GLOBAL_SOUTH_ENV) or groups.DEFAULT_GLOBAL_SOUTH
    roles = [
        r
        for r, on in (("ODA provider", prof["provider"]), ("ODA recipient", prof["recipient"]))
        if on
    ]
    rows = [
        ("Economy", f"{prof['economy_name']} ({prof['economy']})"),
        ("Region", _label(prof["region"])),
        ("Income group (World Bank)", _label(prof["income_group"])),
        ("Least developed country (UN)", yes(prof.get("ldc"))),
        ("DAC member", yes(prof.get("dac_member"))),
        ("Provider beyond the DAC", yes(prof.get("beyond_dac"))),
        (
            f"Global South, as {groups.GLOBAL_SOUTH_DEFINITIONS.get(definition, definition)}",
            yes(prof.get("global_south")),
        ),
        (
            "Role in this scorecard",
            " and ".join(roles) if roles else "neither provider nor recipient",
        ),
    ]
    lines = ["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    return "\n".join(lines)


def _label(value: object) -> str:
    return value if isinstance(value, str) and value.strip() else "not classified"
