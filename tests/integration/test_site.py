"""The report site: links resolve, demo runs say so, text is escaped, pages screenshot."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from helpers.run import site
from helpers.sources.demo.notice import DEMO_NOTICE
from tests.fakes.notebooks import runkit

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def toy(tmp_path_factory):
    return runkit.toy_run(tmp_path_factory.getbasetemp() / "toy-run")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.targets.append(value)


def links_of(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.targets


def assert_links_resolve(page: Path) -> list[Path]:
    targets = []
    for href in links_of(page):
        assert "://" not in href and not href.startswith("/"), f"{page}: non-relative {href}"
        target = page.parent / unquote(href)
        assert target.exists(), f"{page}: {href} does not resolve"
        targets.append(target.resolve())
    return targets


@pytest.mark.notebook
def test_run_index_links_every_report_and_every_link_resolves(toy):
    run_dir = toy["run_dir"]
    targets = assert_links_resolve(run_dir / "index.html")
    for folder in ("toy_report", "toy_scorecard__KEN", "toy_scorecard__BRA"):
        stem = folder.split("__")[0]
        for name in (f"{stem}.reader.html", f"{stem}.html", f"{stem}.ipynb"):
            assert (run_dir / folder / name).resolve() in targets
    assert (run_dir / "toy_report" / "trend.png").resolve() in targets  # thumbnail
    assert (run_dir / "manifest.json").resolve() in targets


@pytest.mark.notebook
def test_outputs_index_lists_runs_and_every_link_resolves(toy):
    page = toy["outputs"] / "index.html"
    targets = assert_links_resolve(page)
    assert (toy["run_dir"] / "index.html").resolve() in targets
    text = page.read_text()
    assert toy["run_dir"].name in text and "ok" in text
    assert "DEMO" not in text  # real-data run: no demo notice


@pytest.mark.notebook
def test_run_index_shows_status_parameters_vintages_and_licences(toy):
    text = (toy["run_dir"] / "index.html").read_text()
    assert "CC BY 4.0" in text and "World Development Indicators" in text
    assert "toy_scorecard__BRA" in text and "&quot;BRA&quot;" in text
    m = json.loads((toy["run_dir"] / "manifest.json").read_text())
    assert m["snapshots"][0]["files"][0]["sha256"] in text


def manifest(**overrides) -> dict:
    m = {
        "run_id": "20250101T000000Z-x",
        "status": "ok",
        "started_at": "2025-01-01T00:00:00Z",
        "started_at_epoch": 1.0,
        "ended_at": "2025-01-01T00:01:00Z",
        "duration_s": 60,
        "config": {"name": "x", "path": "runs/x.yaml", "content": "name: x"},
        "data": {"mode": "offline", "demo": False, "demo_notice": ""},
        "git": {"commit": "abc", "dirty": False},
        "snapshots": [],
        "packages": {},
        "executions": [
            {
                "id": "nb",
                "notebook": "nb",
                "parameters": {},
                "status": "ok",
                "duration_s": 1.0,
                "files": [],
            }
        ],
    }
    m.update(overrides)
    return m


def test_demo_runs_carry_the_notice_on_both_pages(tmp_path):
    notice = DEMO_NOTICE
    demo = manifest(data={"mode": "demo", "demo": True, "demo_notice": notice})
    run_dir = tmp_path / "runs" / demo["run_id"]
    run_dir.mkdir(parents=True)
    (run_dir / "manifest.json").write_text(json.dumps(demo))
    assert notice in site.render_run(demo, run_dir)
    assert notice in site.render_outputs([(run_dir, demo)], tmp_path)
    plain = manifest()
    assert notice not in site.render_run(plain, run_dir)
    assert notice not in site.render_outputs([(run_dir, plain)], tmp_path)


def test_a_demo_snapshot_in_an_offline_run_also_gets_the_notice(tmp_path):
    m = manifest(
        data={"mode": "offline", "demo": True, "demo_notice": "SYNTHETIC!"},
        snapshots=[
            {
                "source": "demo",
                "kind": "demo",
                "snapshot_id": "s",
                "series": [],
                "files": [],
                "in_use": True,
            }
        ],
    )
    assert "SYNTHETIC!" in site.render_run(m, tmp_path)


def test_text_is_escaped(tmp_path):
    m = manifest(
        executions=[
            {
                "id": "nb",
                "notebook": "nb",
                "status": "failed",
                "parameters": {"economy": "<script>alert(1)</script>"},
                "error": "<b>boom</b>",
                "duration_s": 1,
                "files": [],
            }
        ]
    )
    html = site.render_run(m, tmp_path)
    assert "<script>" not in html and "<b>boom" not in html
    assert "&lt;b&gt;boom&lt;/b&gt;" in html


def test_interrupted_run_page_says_so_and_links_nothing_missing(tmp_path):
    m = manifest(
        status="interrupted",
        executions=[
            {
                "id": "a",
                "notebook": "a",
                "parameters": {},
                "status": "interrupted",
                "duration_s": 2.0,
                "files": [],
            },
            {
                "id": "b",
                "notebook": "b",
                "parameters": {},
                "status": "not-run",
                "duration_s": None,
                "files": [],
            },
        ],
    )
    page = site.write_run_index(tmp_path, m)
    assert "This run was interrupted" in page.read_text()
    assert links_of(page) == ["../../index.html"]  # no links to reports never written


def test_point_latest_replaces_the_link(tmp_path):
    (tmp_path / "runs" / "a").mkdir(parents=True)
    (tmp_path / "runs" / "b").mkdir()
    site.point_latest(tmp_path, tmp_path / "runs" / "a")
    site.point_latest(tmp_path, tmp_path / "runs" / "b")
    assert os.readlink(tmp_path / "latest") == "runs/b"
    assert not list(tmp_path.glob(".latest.*"))


def test_outputs_index_lists_newest_first(tmp_path):
    for n, run_id in enumerate(["20250101T000000Z-old", "20250102T000000Z-new"]):
        run_dir = tmp_path / "runs" / run_id
        run_dir.mkdir(parents=True)
        m = manifest(run_id=run_id, started_at_epoch=float(n))
        (run_dir / "manifest.json").write_text(json.dumps(m))
        site.write_run_index(run_dir, m)
    text = site.write_outputs_index(tmp_path).read_text()
    assert text.index("-new") < text.index("-old")


@pytest.mark.notebook
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_screenshot_of_a_generated_site(toy, tmp_path):
    import matplotlib.image

    from scripts.screenshot_site import screenshot

    png = screenshot(toy["run_dir"] / "index.html", tmp_path / "site.png", window_size="1280,1600")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[:2] == (1600, 1280)
    assert pixels[..., :3].std() > 0.05  # not a blank page
