"""Shared fixtures. Network access is closed for every test except loopback (see pyproject)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers.paths import ROOT
from helpers.store import Store

SHARED_DATA = Path(os.environ.get("SDG17_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Every test gets its own data dir and outputs dir and fast, small retry settings."""
    monkeypatch.setenv("SDG17_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SDG17_DEMO_DIR", str(tmp_path / "demo"))
    monkeypatch.setenv("SDG17_OUTPUTS_DIR", str(tmp_path / "outputs"))
    monkeypatch.setenv("SDG17_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("SDG17_HTTP_TIMEOUT", "5")
    monkeypatch.delenv("SDG17_OFFLINE", raising=False)
    monkeypatch.delenv("SDG17_WB_API_URL", raising=False)
    monkeypatch.delenv("SDG17_OECD_API_URL", raising=False)
    monkeypatch.delenv("SDG17_UNSDG_API_URL", raising=False)


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def shared_data() -> Path:
    """The real World Bank / OECD files beside the project; the test is skipped without them."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (../shared/data is absent)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory) -> Path:
    """A demo store built once per session (raw snapshot plus processed tables)."""
    from helpers import tidy
    from helpers.store import demo as demo_store

    root = tmp_path_factory.mktemp("demo-store")
    demo_store.write_demo_store(root)
    tidy.build(Store(root))
    return root


# The real files a notebook test imports (relative to ../shared/data), when present.
REAL_FILES = [
    "worldbank/bulk_csv/API_BX.KLT.DINV.WD.GD.ZS_DS2_en_csv_v2_13.csv",
    "worldbank/bulk_csv/API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv",
    "worldbank/bulk_csv/API_IT.NET.BBND.P2_DS2_en_csv_v2_43250.csv",
    "worldbank/bulk_csv/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv",
    "worldbank/bulk_csv/API_TX.VAL.TECH.MF.ZS_DS2_en_csv_v2_4771883.csv",
    "worldbank/bulk_csv/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv",
    *[f"worldbank/wdi_2013_trade/TX.VAL.MRCH.R{i}.ZS_WDI.csv" for i in range(1, 7)],
    "oecd/dac1_sdmx_csv/DAC1_2018_2020.sdmx.csv.gz",
    # UN SDG Global Database, 2020 release, open-numbers DDF layout (17.6.1, 17.9.1, 17.11.1)
    "un_sdg/ddf--datapoints--dc_fta_total--by--geo_area--nature--units--year.csv",
    "un_sdg/ddf--datapoints--it_net_bbp--by--geo_area--nature--type_of_speed--units--year.csv",
    "un_sdg/ddf--datapoints--tx_exp_gbmrch--by--geo_area--nature--units--year.csv",
    "un_sdg/ddf--datapoints--tx_imp_gbmrch--by--geo_area--nature--units--year.csv",
]


@pytest.fixture(scope="session")
def real_root(tmp_path_factory) -> Path:
    """The real World Bank and OECD files imported into a store once per session.

    Skipped when ../shared/data is absent. The files are read in place, never copied into
    the repository.
    """
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (../shared/data is absent)")
    from helpers import tidy
    from helpers.store import imports

    root = tmp_path_factory.mktemp("real-store")
    files = [SHARED_DATA / f for f in REAL_FILES if (SHARED_DATA / f).exists()]
    store = Store(root)
    imports.import_files(files, store)
    tidy.build(store)
    return root
