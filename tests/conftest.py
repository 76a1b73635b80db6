"""Shared fixtures. Network access is closed for every test except loopback (see pyproject)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers.store import Store

ROOT = Path(__file__).resolve().parents[1]
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


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def shared_data() -> Path:
    """The real World Bank / OECD files beside the project; the test is skipped without them."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (../shared/data is absent)")
    return SHARED_DATA
