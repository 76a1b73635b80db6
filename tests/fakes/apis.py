"""The stand-in APIs at once, with the environment pointing the project at them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from tests.conftest import SHARED_DATA
from tests.fakes.oecd_api import OecdStandIn, synthetic_dac1, synthetic_dac2a
from tests.fakes.unsdg_api import UnSdgStandIn, default_frame
from tests.fakes.wb_api import WorldBankStandIn


def _un_root():
    """The real UN figures when ../shared/data is present, else None (synthetic rows only)."""
    root = SHARED_DATA / "un_sdg"
    return root if (root / "ddf--entities--geo_area.csv").is_file() else None


@contextlib.contextmanager
def stand_ins(monkeypatch, wb_data) -> Iterator[tuple[WorldBankStandIn, OecdStandIn, UnSdgStandIn]]:
    """The World Bank stand-in serving ``wb_data``, the OECD one serving synthetic DAC1 and
    DAC2A, and the UN SDG one (real figures where ../shared/data has them, synthetic rows for
    the other UN series), on 127.0.0.1; ``SDG17_*_API_URL`` point at them, without a rate
    limit."""
    with (
        WorldBankStandIn(wb_data) as wb,
        OecdStandIn({"dac1": synthetic_dac1(), "dac2a": synthetic_dac2a()}) as oe,
        UnSdgStandIn(default_frame(_un_root())) as un,
    ):
        monkeypatch.setenv("SDG17_WB_API_URL", wb.url)
        monkeypatch.setenv("SDG17_OECD_API_URL", oe.url)
        monkeypatch.setenv("SDG17_OECD_RATE_LIMIT", "1000/3600")
        monkeypatch.setenv("SDG17_UNSDG_API_URL", un.url)
        yield wb, oe, un
