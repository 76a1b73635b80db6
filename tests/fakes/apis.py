"""Both stand-in APIs at once, with the environment pointing the project at them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from tests.fakes.oecd_api import OecdStandIn, synthetic_dac1, synthetic_dac2a
from tests.fakes.wb_api import WorldBankStandIn


@contextlib.contextmanager
def stand_ins(monkeypatch, wb_data) -> Iterator[tuple[WorldBankStandIn, OecdStandIn]]:
    """The World Bank stand-in serving ``wb_data`` and the OECD one serving synthetic DAC1
    and DAC2A, on 127.0.0.1; ``SDG17_*_API_URL`` point at them, without a rate limit."""
    with (
        WorldBankStandIn(wb_data) as wb,
        OecdStandIn({"dac1": synthetic_dac1(), "dac2a": synthetic_dac2a()}) as oe,
    ):
        monkeypatch.setenv("SDG17_WB_API_URL", wb.url)
        monkeypatch.setenv("SDG17_OECD_API_URL", oe.url)
        monkeypatch.setenv("SDG17_OECD_RATE_LIMIT", "1000/3600")
        yield wb, oe
