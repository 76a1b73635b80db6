"""Sentences and readable tables for South-South lending (``helpers.topics.lending``)."""

from __future__ import annotations

import pandas as pd

from helpers.topics import prose
from helpers.topics.lending.data import ALL_DEBTORS, DAC, DISBURSED, SERVICE, SOUTHERN

US = "US$"


def _money(value: float) -> str:
    return prose.fmt(value, US)


def flows_sentence(flows: pd.DataFrame) -> str | None:
    """The latest year's disbursements, debt service and net transfers of Southern and DAC
    bilateral creditors."""
    if flows.empty:
        return None
    year = int(flows["year"].max())
    latest = flows[flows["year"] == year].set_index("creditor_group")
    parts = []
    for group, label in ((SOUTHERN, "Southern creditors"), (DAC, "DAC creditors")):
        if group not in latest.index:
            continue
        row = latest.loc[group]
        direction = "to" if row["net_transfers"] >= 0 else "from"
        parts.append(
            f"{label} disbursed **{_money(row['disbursements'])}** and were paid "
            f"{_money(row['debt_service'])} in principal and interest, a net transfer of "
            f"{_money(abs(row['net_transfers']))} {direction} the borrowers"
        )
    if not parts:
        return None
    return (
        f"In {year}, on public and publicly guaranteed debt of the developing economies IDS "
        f"covers: {'; '.join(parts)}."
    )


def share_sentence(by_region: pd.DataFrame, years: tuple[int, int]) -> str | None:
    """The Southern creditors' share of bilateral disbursements and debt service, overall
    and where it is highest."""
    if by_region.empty:
        return None
    table = by_region.set_index(by_region.columns[0])
    if ALL_DEBTORS not in table.index or pd.isna(table.loc[ALL_DEBTORS, "disbursements_share"]):
        return None
    overall = table.loc[ALL_DEBTORS]
    groups = table.drop(index=ALL_DEBTORS)["disbursements_share"].dropna()
    top = f"; the share is highest in {groups.idxmax()} ({groups.max():.0%})" if len(groups) else ""
    return (
        f"Over {years[0]}-{years[1]}, Southern creditors provided **"
        f"{overall['disbursements_share']:.0%}** of developing countries' bilateral "
        f"disbursements and received {overall['debt_service_share']:.0%} of their bilateral "
        f"debt service{top}."
    )


def ranking_sentence(top: pd.DataFrame, years: tuple[int, int]) -> str | None:
    """The largest bilateral lenders over the window, and how many of them are Southern."""
    if top.empty:
        return None
    names = ", ".join(
        f"{row.creditor_name} ({_money(row.total)}, {row.creditor_group})"
        for row in top.head(5).itertuples(index=False)
    )
    southern = int((top["creditor_group"] == SOUTHERN).sum())
    return (
        f"The largest bilateral lenders by disbursements over {years[0]}-{years[1]}: {names}; "
        f"{southern} of the top {len(top)} are Southern creditors."
    )


def borrowers_sentences(main: pd.DataFrame) -> list[str]:
    """One line per creditor: its main borrowers and their share of its lending."""
    lines = []
    for (_, name), rows in main.groupby(["creditor", "creditor_name"], sort=False):
        listed = ", ".join(
            f"{r.economy_name} ({r.share:.0%})" for r in rows.itertuples(index=False)
        )
        lines.append(f"- **{name}** lent most to {listed}.")
    return (
        [
            "Main borrowers of the largest Southern lenders (share of each lender's "
            "disbursements over the same years):\n" + "\n".join(lines)
        ]
        if lines
        else []
    )


def borrower_sentence(table: pd.DataFrame, name: str) -> str:
    """A borrower's bilateral disbursements and debt service by creditor group (scorecard)."""
    if table.empty:
        return (
            f"The store has no International Debt Statistics for {name}: IDS covers low- and "
            "middle-income borrowers that report to the World Bank's Debtor Reporting System."
        )
    rows = table.set_index(["series", "creditor_group"])
    if (DISBURSED, SOUTHERN) not in rows.index or (SERVICE, SOUTHERN) not in rows.index:
        return f"{name}'s bilateral lending has no creditor breakdown in the store."
    lent, paid = rows.loc[(DISBURSED, SOUTHERN)], rows.loc[(SERVICE, SOUTHERN)]
    span = int(table["latest_year"].max())
    return (
        f"Over the five years to {span}, Southern creditors provided "
        f"**{lent['share_of_total']:.0%}** of {name}'s bilateral disbursements of public and "
        f"publicly guaranteed debt ({_money(lent['average'])} a year on average) and received "
        f"{paid['share_of_total']:.0%} of its bilateral debt service ({_money(paid['average'])} "
        "a year)."
    )


def _mn(values: pd.Series) -> pd.Series:
    return values / 1e6


def shares_view(shares: pd.DataFrame) -> pd.DataFrame:
    """``data.southern_share`` for reading: shares in percent."""
    if shares.empty:
        return shares
    return shares.assign(
        disbursements_share=shares["disbursements_share"] * 100,
        debt_service_share=shares["debt_service_share"] * 100,
    ).rename(
        columns={
            "disbursements_share": "southern_share_of_disbursements_pct",
            "debt_service_share": "southern_share_of_debt_service_pct",
        }
    )


def creditors_view(top: pd.DataFrame) -> pd.DataFrame:
    """``data.top_creditors`` for reading: US$ millions."""
    if top.empty:
        return top
    return top.assign(total=_mn(top["total"])).rename(
        columns={"total": "disbursed_usd_mn", "creditor_name": "creditor", "creditor": "code"}
    )


def borrower_view(table: pd.DataFrame) -> pd.DataFrame:
    """``data.borrower_table`` for reading: flows named, US$ millions, shares in percent."""
    if table.empty:
        return table
    view = pd.DataFrame(
        {
            "creditor_group": table["creditor_group"],
            "flow": table["series"].map(
                {"DT.DIS.BLAT.CD": "Disbursements", "DT.TDS.BLAT.CD": "Debt service"}
            ),
            "latest_year": table["latest_year"],
            "latest_usd_mn": _mn(table["latest"]),
            "five_year_average_usd_mn": _mn(table["average"]),
            "share_of_all_bilateral_pct": table["share_of_total"] * 100,
            "trend_usd_mn_a_year": _mn(table["trend"]),
            "trend_ci_low_usd_mn": _mn(table["trend_low"]),
            "trend_ci_high_usd_mn": _mn(table["trend_high"]),
        }
    )
    return view
