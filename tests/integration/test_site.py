"""The report site: links resolve, demo runs say so, text is escaped, pages screenshot."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import matplotlib.image
import nbformat
import pytest
from markupsafe import escape

from helpers import catalogue
from helpers.reference import methods as progress
from helpers.reference import models
from helpers.run import site, sitedata, worker
from helpers.sources.demo.notice import DEMO_NOTICE
from tests.fakes.notebooks import runkit
from tests.integration.test_offline_html import (
    external_refs,
    launched,
    needs_chromium,
    small_notebook,
)

SITE_NAV = ("index.html", "countries.html", "methods.html", "runs.html")


@pytest.fixture
def toy(tmp_path_factory):
    return runkit.toy_run(tmp_path_factory.getbasetemp() / "toy-run")


CITATION = re.compile(r"^https://")  # a citation's link on the methods page


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                if tag == "a" and CITATION.match(value):
                    continue
                self.targets.append(value)


def links_of(page: Path) -> list[str]:
    """Every href and src of ``page`` but links to citations (https://...)."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.targets


def assert_links_resolve(page: Path) -> list[Path]:
    targets = []
    for href in links_of(page):
        assert "://" not in href and not href.startswith("/"), f"{page}: non-relative {href}"
        target = page.parent / unquote(href.split("#")[0])
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
def test_site_pages_list_runs_and_every_link_resolves(toy):
    for name in site.SITE_PAGES:
        targets = assert_links_resolve(toy["outputs"] / name)
        assert (toy["run_dir"] / "index.html").resolve() in targets, name
        text = (toy["outputs"] / name).read_text()
        assert toy["run_dir"].name in text and "ok" in text
        assert "DEMO" not in text  # real-data run: no demo notice


@pytest.mark.notebook
def test_run_index_shows_status_parameters_vintages_and_licences(toy):
    text = (toy["run_dir"] / "index.html").read_text()
    assert "CC BY 4.0" in text and "World Development Indicators" in text
    assert "toy_scorecard__BRA" in text and "&#34;BRA&#34;" in text  # "BRA", escaped
    m = json.loads((toy["run_dir"] / "manifest.json").read_text())
    assert m["snapshots"][0]["files"][0]["sha256"] in text


def test_run_page_says_which_worker_ran_each_execution(tmp_path):
    m = manifest(
        cluster={
            "scheduler": "tcp://10.0.0.5:8786",
            "local": False,
            "slots": 2,
            "workers": {
                "tcp://10.0.0.6:40001": {"host": "node-a", "nthreads": 1},
                "tcp://10.0.0.7:40001": {"host": "node-b", "nthreads": 1},
            },
        }
    )
    m["executions"][0]["worker"] = {"address": "tcp://10.0.0.7:40001", "host": "node-b"}
    run_dir = tmp_path / "runs" / m["run_id"]
    run_dir.mkdir(parents=True)
    text = site.render_run(m, run_dir)
    assert "tcp://10.0.0.5:8786: 2 workers on node-a, node-b" in text
    assert "on node-b (tcp://10.0.0.7:40001)" in text


def test_worker_and_cluster_text_handle_runs_without_them():
    assert sitedata.worker_text(None) is None and sitedata.cluster_text(None) is None
    assert sitedata.worker_text({"address": "tcp://1.2.3.4:5"}) == "tcp://1.2.3.4:5"
    local = {"local": True, "workers": {"tcp://127.0.0.1:1": {"host": "127.0.0.1"}}}
    assert sitedata.cluster_text(local) == "local cluster in the runner: 1 worker on 127.0.0.1"


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
    # only the site's navigation: no links to reports never written
    assert links_of(page) == [f"../../{name}" for name in SITE_NAV]


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
    site.write_outputs_index(tmp_path)
    text = (tmp_path / "runs.html").read_text()
    assert text.index("-new") < text.index("-old")


@pytest.mark.notebook
@needs_chromium
def test_screenshot_of_a_generated_site(toy, tmp_path):
    import matplotlib.image

    from scripts.screenshot_site import screenshot

    png = screenshot(toy["run_dir"] / "index.html", tmp_path / "site.png", window_size="1280,1600")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[:2] == (1600, 1280)
    assert pixels[..., :3].std() > 0.05  # not a blank page


# -- the reviewers' site: home, countries, methods, built from a fake run folder ---------------
RUN_ID = "20250102T000000Z-site"
DOLLAR = '<span class="tex2jax_ignore mathjax_ignore">&#36;</span>'
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PROVENANCE_HEADER = "series,title,source,vintage,retrieved_at,licence,citation,snapshot,rows\n"


def _figure(path: Path) -> None:
    """A small real chart, so screenshots show what a thumbnail looks like."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2.6), dpi=60)
    ax.plot([2000, 2010, 2020], [0.3, 0.32, 0.35], marker="o")
    ax.set_title("ODA as % of GNI")
    fig.savefig(path)
    plt.close(fig)


def _execution(ex_id: str, notebook: str, status: str = "ok", **extra) -> dict:
    return {
        "id": ex_id,
        "notebook": notebook,
        "label": ex_id.split("__")[1] if "__" in ex_id else "",
        "parameters": {"economy": ex_id.split("__")[1]} if "__" in ex_id else {},
        "status": status,
        "duration_s": 1.5,
        "error": None,
        "reused_from": None,
        "log": None,
        "files": [],
        **extra,
    }


def _scorecard_findings(code: str, name: str, region: str, income: str, counts: dict) -> dict:
    return {
        "title": f"{name}: SDG 17 scorecard",
        "question": f"Where does {name} stand on SDG 17?",
        "findings": [f"**{name}** has data for 20 series.", "Second.", "Third.", "Fourth."],
        "parameters": f"Run with: economy {code}.",
        "demo": True,
        "economy": {
            "code": code,
            "name": name,
            "region": region,
            "income_group": income,
            "progress": {"method": "Open SDG progress measure", "counts": counts},
            "indicators": {"covered": 14, "not covered": 9, "gap": 1, "total": 24},
        },
    }


def fake_run(outputs: Path, *, reports=None, findings=None, demo: bool = True) -> Path:
    """A finished run folder as the runner leaves it, without running a notebook: a report on
    ODA (findings with Markdown, a figure, sources), an older report without findings.json,
    two country scorecards and one that failed. ``reports(path, stem)`` writes each report
    page (default: a stub); ``findings`` overrides findings.json contents by execution id."""
    run_dir = outputs / "runs" / RUN_ID
    oda = {
        "title": "Official development assistance: DAC providers, 2000-2024",
        "question": "Do DAC providers give **0.7%** of GNI?",
        "findings": [
            f"**Net ODA** was US{DOLLAR}223.3 billion in 2024, see [the table](oda.csv).",
            "Five providers met the `0.7%` target.",
            "A third finding.",
            "A fourth finding, not on the home page.",
        ],
        "parameters": "Run with: start_year 2000.",
        "demo": demo,
        "economy": None,
    }
    contents = {
        "01_oda": oda,
        "04_country_scorecard__KEN": _scorecard_findings(
            "KEN",
            "Kenya",
            "Sub-Saharan Africa",
            "Lower middle income",
            {"On track": 4, "Deterioration": 2, "not assessed": 14},
        ),
        "04_country_scorecard__BRA": _scorecard_findings(
            "BRA",
            "Brazil",
            "Latin America & Caribbean",
            "Upper middle income",
            {"On track": 3, "Deterioration": 1, "not assessed": 16},
        ),
        **(findings or {}),
    }
    executions = [
        _execution("01_oda", "01_oda"),
        _execution("02_south_south", "02_south_south"),  # made before findings.json
        _execution("04_country_scorecard__KEN", "04_country_scorecard"),
        _execution("04_country_scorecard__BRA", "04_country_scorecard"),
        _execution(
            "04_country_scorecard__XXX", "04_country_scorecard", "failed", error="<b>boom</b>"
        ),
    ]
    sources = {
        "01_oda": ["DAC1.ODA", "WB.GNI"],
        "04_country_scorecard__KEN": ["WB.GNI", "IT.NET.USER.ZS"],
        "04_country_scorecard__BRA": ["IT.NET.USER.ZS"],
    }
    for e in executions:
        if e["status"] != "ok":
            continue
        folder = run_dir / e["id"]
        folder.mkdir(parents=True)
        stem = e["notebook"]
        if reports:
            reports(folder / f"{stem}.ipynb", stem)
        else:
            for name in (f"{stem}.reader.html", f"{stem}.html"):
                (folder / name).write_text(f"<!DOCTYPE html><title>{stem}</title><p>{name}")
        rows = [
            f'{s},"Title of {s}, with a comma",demo,2025-01,2025-01-01,CC BY 4.0,Citation {s},x,9\n'
            for s in sources.get(e["id"], [])
        ]
        (folder / "provenance.csv").write_text(PROVENANCE_HEADER + "".join(rows))
        if e["id"] in contents:
            (folder / "findings.json").write_text(json.dumps(contents[e["id"]]))
        if e["id"] == "01_oda":
            _figure(folder / "oda_gni_trend.png")
            (folder / "oda.csv").write_text("year,value\n2024,1\n")
        e["files"] = sorted(p.relative_to(run_dir).as_posix() for p in folder.iterdir())
    m = manifest(
        run_id=RUN_ID,
        executions=executions,
        data={"mode": "demo" if demo else "offline", "demo": demo, "demo_notice": DEMO_NOTICE},
        snapshots=[],
    )
    m["status"] = "failed"
    (run_dir / "manifest.json").write_text(json.dumps(m))
    site.write_run_index(run_dir, m)
    site.point_latest(outputs, run_dir)
    site.write_outputs_index(outputs)
    return run_dir


@pytest.fixture
def fake(tmp_path):
    fake_run(tmp_path)
    return tmp_path


def page_text(outputs: Path, name: str) -> str:
    return (outputs / name).read_text(encoding="utf-8")


def test_home_shows_headline_findings_and_links_every_report(fake):
    home = page_text(fake, "index.html")
    prefix = f"runs/{RUN_ID}/"
    assert "Official development assistance: DAC providers, 2000-2024" in home
    assert "A third finding." in home and "A fourth finding" not in home  # three at most
    assert "<strong>Net ODA</strong> was US$223.3 billion" in home  # Markdown, dollar sign
    assert f'<a href="{prefix}01_oda/oda.csv">the table</a>' in home  # link re-based
    for ex_id, stem in [
        ("01_oda", "01_oda"),
        ("02_south_south", "02_south_south"),
        ("04_country_scorecard__KEN", "04_country_scorecard"),
        ("04_country_scorecard__BRA", "04_country_scorecard"),
    ]:
        assert f'href="{prefix}{ex_id}/{stem}.reader.html"' in home, ex_id
        assert f'href="{prefix}{ex_id}/{stem}.html"' in home, ex_id
    assert DEMO_NOTICE in home
    assert f'From run <a href="{prefix}index.html">{RUN_ID}</a>' in home
    assert "4 ok, 1 failed" in home
    for name in SITE_NAV:
        assert_links_resolve(fake / name)


def test_a_real_data_run_has_no_demo_banner(tmp_path):
    fake_run(tmp_path, demo=False)
    for name in site.SITE_PAGES:
        assert DEMO_NOTICE not in page_text(tmp_path, name), name


def test_hostile_text_in_findings_is_escaped(tmp_path):
    hostile = {
        "title": f"Title {HOSTILE}",
        "question": HOSTILE,
        "findings": [
            f"Finding {HOSTILE}",
            "[click](javascript:alert(1))",
            "![x](http://x.example/a.png)",
        ],
        "economy": None,
    }
    fake_run(tmp_path, findings={"01_oda": hostile})
    for name in site.SITE_PAGES:
        html = page_text(tmp_path, name)
        assert "<script>alert" not in html and "<img src=x" not in html, name
        assert "javascript:" not in html and "x.example" not in html, name
    home = page_text(tmp_path, "index.html")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in home  # the title, as text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in home  # a finding, as text


def test_a_report_without_findings_and_a_failed_one_keep_their_row(fake):
    home = page_text(fake, "index.html")
    assert "South south" in home  # no findings.json: the notebook's name stands in
    assert "records no headline findings" in home
    assert '<span class="status failed">failed</span>' in home
    assert "04_country_scorecard__XXX/" not in home  # nothing linked that was not written
    run_page = page_text(fake / "runs" / RUN_ID, "index.html")
    assert "&lt;b&gt;boom&lt;/b&gt;" in run_page and "<b>boom" not in run_page


def test_unreadable_findings_are_reported_not_raised(tmp_path):
    run_dir = fake_run(tmp_path)
    (run_dir / "01_oda" / "findings.json").write_text("{not json")
    site.write_outputs_index(tmp_path)
    assert "findings.json could not be read" in page_text(tmp_path, "index.html")


class _Rows(HTMLParser):
    """The rows of the country table: their data-* attributes and whether they are hidden."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self.depth = 0
        self.form: dict | None = None
        self.controls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.depth += 1
        elif tag == "tr" and self.depth == 1 and "data-name" in a:
            self.rows.append(a)
        elif tag == "form":
            self.form = a
        elif tag in ("input", "select"):
            self.controls.append(a.get("id"))

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1


def test_country_index_lists_every_scorecard_with_a_filter_that_needs_no_script(fake):
    html = page_text(fake, "countries.html")
    parser = _Rows()
    parser.feed(html)
    names = [r["data-name"] for r in parser.rows]
    assert names == ["brazil bra", "kenya ken", "xxx xxx"]  # failed one too, by its code
    assert all("hidden" not in r for r in parser.rows)  # without JS every row shows
    kenya = parser.rows[1]
    assert kenya["data-region"] == "Sub-Saharan Africa"
    assert kenya["data-income"] == "Lower middle income"
    assert parser.form is not None and "hidden" in parser.form  # the script shows it
    assert parser.controls == ["filter-name", "filter-region", "filter-income"]
    assert "<option>Latin America &amp; Caribbean</option>" in html
    assert '<table class="mini">' in html  # each economy's progress counts
    assert '<th scope="row">Deterioration</th><td>2</td>' in html
    assert (
        f'href="runs/{RUN_ID}/04_country_scorecard__KEN/04_country_scorecard.reader.html"' in html
    )
    assert "<script src" not in html


def test_methods_page_lists_each_series_once_with_models_and_progress_methods(fake):
    page = page_text(fake, "methods.html")
    html = page[page.index('<h2 id="series">') :]  # the series the run used
    assert html.count("<code>WB.GNI</code>") == 1  # used by two reports, listed once
    assert "Title of WB.GNI, with a comma" in html and "Citation WB.GNI" in html
    assert html.count("<code>IT.NET.USER.ZS</code>") == 1
    assert "CC BY 4.0" in html and "2025-01" in html
    row = html[html.index("<code>WB.GNI</code>") :].split("</tr>")[0]
    assert ">Official development assistance</a>; Country scorecard: <a" in row
    assert ">KEN</a>" in row and "BRA" not in row  # Brazil's scorecard does not use it
    for model in models.load_models():
        assert escape(model["name"]) in html
        for ref in model["references"]:
            assert escape(" ".join(ref["citation"].split())) in html
    for method in progress.load_progress_methods().values():
        assert escape(method["name"]) in html
        assert escape(method["citation"]["url"]) in html


def test_methods_page_lists_every_sdg17_indicator_by_area_with_series_and_gaps(fake):
    html = page_text(fake, "methods.html")
    section = html[html.index('<h2 id="indicators">') : html.index('<h2 id="sources">')]
    table = catalogue.indicators()
    for area, targets in [("Finance", "17.1-17.5"), ("Capacity building", "17.9")]:
        assert f'{area} <span class="meta">(targets {targets})</span></h3>' in section
    for row in table.itertuples(index=False):
        assert f"<td><strong>{row.indicator}</strong></td>" in section, row.indicator
        assert str(escape(row.title)) in section, row.indicator
    gaps = catalogue.gaps()
    assert len(gaps) >= 1
    assert f"{24 - len(gaps)} of 24 have at least one series" in section
    for gap in gaps.itertuples(index=False):
        row = section[section.index(f'id="gap-{gap.indicator}"') :].split("</tr>")[0]
        assert f"<strong>Gap:</strong> {escape(gap.gap)}" in row
        assert f'<a href="#gap-{gap.indicator}">{gap.indicator}</a>' in section
    # each series with its source and whether it is the official indicator or a proxy
    assert (
        "<code>DC_ODA_LDCG</code> Net ODA to least developed countries as a percentage of "
        'OECD-DAC donors&#39; GNI, by donor <span class="meta">(United Nations, Global SDG '
        "Indicators Database, official)</span>"
    ) in section
    row = section[section.index("<td><strong>17.8.1</strong></td>") :].split("</tr>")[0]
    assert "<code>IT.CEL.SETS.P2</code>" in row and "World Development Indicators, proxy)" in row


def test_methods_page_lists_the_catalogue_sources_with_citation_and_licence(fake):
    html = page_text(fake, "methods.html")
    section = html[html.index('<h2 id="sources">') : html.index('<h2 id="series">')]
    un = section[section.index('id="source-unsdg"') :].split("</section>")[0]
    spec = catalogue.load().sources["unsdg"]
    assert "<h3>United Nations, Global SDG Indicators Database</h3>" in un
    assert str(escape(spec["citation"])) in un
    assert str(escape(spec["licence"])) in un and f'href="{spec["licence_url"]}"' in un
    assert f"<dd>{len(catalogue.load().ids('unsdg'))} in the catalogue</dd>" in un
    for key in catalogue.load().sources:
        assert f'id="source-{key}"' in section


def test_the_catalogue_parts_show_before_any_run(tmp_path):
    site.write_outputs_index(tmp_path)
    html = page_text(tmp_path, "methods.html")
    assert '<h2 id="indicators">' in html and 'id="source-unsdg"' in html
    assert "sdg17 run</code> makes one" in html


def test_country_index_shows_indicators_covered_where_recorded(fake):
    html = page_text(fake, "countries.html")
    kenya = html[html.index('data-name="kenya ken"') :].split("</tr>\n<tr")[0]
    assert '<td data-label="Indicators covered">14 of 24</td>' in kenya
    failed = html[html.index('data-name="xxx xxx"') :]
    assert '<span class="meta">not recorded</span>' in failed.split("</tr>")[0]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"covered": 3, "total": 24}, (3, 24)),
        ({"covered": "3", "total": 24}, (3, 24)),
        ({"covered": 30, "total": 24}, (None, None)),
        ({"total": 24}, (None, None)),
        (None, (None, None)),
        ("14 of 24", (None, None)),
    ],
)
def test_indicators_covered_are_read_tolerantly(record, expected):
    assert sitedata._covered(record) == expected


def test_every_image_has_alt_text_and_every_page_one_inline_stylesheet(fake):
    css = site.STYLESHEET.read_text(encoding="utf-8")
    pages = [fake / name for name in site.SITE_PAGES] + [fake / "runs" / RUN_ID / "index.html"]
    images = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<img\b[^>]*>", html):
            images += 1
            alt = re.search(r'\balt="([^"]*)"', tag)
            assert alt and len(alt.group(1).split()) >= 3, (page.name, tag)
        assert html.count("<style>") == 1 and css in html, page.name
        assert "<link" not in html, page.name  # no stylesheet, font or icon to fetch
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert external_refs(html) == [], page.name
    assert images >= 2  # the home page's and the run page's thumbnails
    home = page_text(fake, "index.html")
    assert 'alt="Oda gni trend: a figure from “Official development assistance' in home


def test_site_pages_come_from_the_templates(tmp_path):
    """No runs at all: every page still renders and says there is nothing yet."""
    site.write_outputs_index(tmp_path)
    for name in site.SITE_PAGES:
        assert "sdg17 run</code> makes one" in page_text(tmp_path, name), name


# -- in a browser --------------------------------------------------------------------------
VISIBLE_ROWS = (
    "[...document.querySelectorAll('#countries > tbody > tr')]"
    ".filter(r => r.getClientRects().length).map(r => r.dataset.name)"
)


@pytest.fixture
def real_reports(tmp_path):
    """A fake run whose report pages are real nbconvert output of a small notebook."""
    source = tmp_path / "small.ipynb"
    nbformat.write(small_notebook(), source)

    def write(path: Path, stem: str) -> None:
        worker.render_html(source, path.parent, stem)

    return fake_run(tmp_path / "outputs", reports=write)


@pytest.fixture(scope="module")
def browser():
    with launched() as b:
        yield b


@needs_chromium
def test_the_site_works_offline_in_a_browser_and_is_screenshotted(real_reports, browser):
    run_dir = real_reports
    outputs = run_dir.parent.parent
    shots = run_dir / "screenshots"
    report = run_dir / "04_country_scorecard__KEN" / "04_country_scorecard.reader.html"
    filtered = {}

    def home(tab):
        tab.screenshot(shots / "home.png", 1280)
        tab.screenshot(shots / "home-phone.png", 390, mobile=True)
        filtered["phone_width"] = tab.evaluate("document.documentElement.scrollWidth")

    def countries(tab):
        assert tab.evaluate("document.getElementById('filter').hidden") is False
        tab.screenshot(shots / "country.png", 1280)
        tab.evaluate(
            "(() => { const i = document.getElementById('filter-name');"
            " i.value = 'Ken'; i.dispatchEvent(new Event('input')); })()"
        )
        filtered["name"] = tab.evaluate(VISIBLE_ROWS)
        filtered["count"] = tab.evaluate("document.getElementById('filter-count').textContent")
        tab.evaluate(
            "(() => { document.getElementById('filter-name').value = '';"
            " const s = document.getElementById('filter-region');"
            " s.value = 'Latin America & Caribbean'; s.dispatchEvent(new Event('change')); })()"
        )
        filtered["region"] = tab.evaluate(VISIBLE_ROWS)

    for page, then in [
        (outputs / "index.html", home),
        (report, lambda tab: tab.screenshot(shots / "report.png", 1280)),
        (outputs / "countries.html", countries),
        (outputs / "methods.html", None),
        (outputs / "runs.html", None),
        (run_dir / "index.html", None),
    ]:
        seen = browser.load(page, then=then)
        assert seen["external"] == [], (page, seen["external"])
        assert seen["errors"] == [], (page, seen["errors"])
    assert filtered["name"] == ["kenya ken"] and filtered["count"] == "1 of 3 shown"
    assert filtered["region"] == ["brazil bra"]
    assert filtered["phone_width"] <= 390  # nothing wider than a phone: no sideways scroll
    for name in ("home.png", "home-phone.png", "report.png", "country.png"):
        png = shots / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        ink = (matplotlib.image.imread(png)[..., :3] < 0.9).any(axis=-1).mean()
        assert ink > 0.001, f"{name} is blank"  # the small report has a few lines of text
    assert matplotlib.image.imread(shots / "home-phone.png").shape[1] == 390
