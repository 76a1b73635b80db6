"""The static report site: a home page, run history, country index, methods and sources,
and one page per run.

``<outputs>/index.html`` (home: headline findings of the latest run, a link to every report),
``runs.html`` (every run), ``countries.html`` (the country scorecards, filterable) and
``methods.html`` (every SDG 17 indicator by area with the series that measure it or the reason
none does; every source of the catalogue with its citation and licence; every series the latest
run used with its source, vintage, licence and citation; every model and progress method with
its citation) are rebuilt by ``write_outputs_index``;
``runs/<run_id>/index.html`` by ``write_run_index``. They are read from each run's
``manifest.json`` and its executions' ``findings.json`` and ``provenance.csv`` only, so they
can be rebuilt at any time.

Pages come from the Jinja2 templates in ``templates/`` (autoescaped). The one stylesheet,
``templates/site.css``, is inlined into every page rather than linked: a run folder is
copied, zipped and uploaded on its own (CI keeps it as an artifact), and a linked
``../../site.css`` would leave its page unstyled there; a few kilobytes per page buy pages
that are each complete, offline and from ``file://``, with nothing to keep in sync. Links
are relative, so the site works from disk or from any sub-path. Every page is written to a
temporary file and renamed into place, so a reader never sees half a page.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from helpers.run import liveness, sitedata
from helpers.run.markup import markdown
from helpers.sources.demo.notice import DEMO_NOTICE

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLESHEET = TEMPLATES / "site.css"
FINDINGS_ON_HOME = 3
SITE_PAGES = ("index.html", "runs.html", "countries.html", "methods.html")


# -- writing ---------------------------------------------------------------------------------
def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_run_index(run_dir: Path, manifest: dict | None = None) -> Path:
    """Write ``<run_dir>/index.html`` from the run's manifest."""
    manifest = manifest or liveness.read_manifest(run_dir) or {}
    write_atomic(run_dir / "index.html", render_run(manifest, run_dir))
    return run_dir / "index.html"


def write_outputs_index(outputs: Path) -> Path:
    """Write the site pages in ``outputs`` (home, run history, countries, methods) from every
    run under ``<outputs>/runs`` and the run ``<outputs>/latest`` points at. Returns the
    home page."""
    runs = []
    for run_dir in (outputs / "runs").glob("*/"):
        if run_dir.is_dir():
            runs.append((run_dir, liveness.read_manifest(run_dir)))
    runs.sort(key=lambda r: ((r[1] or {}).get("started_at_epoch", 0), r[0].name), reverse=True)
    outputs.mkdir(parents=True, exist_ok=True)
    latest = sitedata.latest(outputs)
    write_atomic(outputs / "runs.html", render_outputs(runs, outputs))
    write_atomic(outputs / "countries.html", render_countries(latest, outputs))
    write_atomic(outputs / "methods.html", render_methods(latest, outputs))
    write_atomic(outputs / "index.html", render_home(latest, runs, outputs))
    return outputs / "index.html"


def point_latest(outputs: Path, run_dir: Path) -> None:
    """Point the relative symlink ``<outputs>/latest`` at ``run_dir``, atomically."""
    link = outputs / "latest"
    tmp = outputs / f".latest.{os.getpid()}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(run_dir, outputs), tmp)
    try:
        os.replace(tmp, link)
    except OSError as exc:  # e.g. someone made ``latest`` a real folder
        tmp.unlink()
        raise OSError(f"cannot point {link} at {run_dir.name}: {exc}") from exc


def record_killed(runs_dir: Path) -> list[Path]:
    """Record every run under ``runs_dir`` whose runner was killed (see ``helpers.run.liveness``):
    rewrite its manifest's status to "killed" and write its page. Returns their folders.

    Only runs whose process is gone from this host are touched, so a run still going (here or
    on another host) is never rewritten under its runner.
    """
    recorded = []
    for run_dir in sorted(runs_dir.glob("*/")) if runs_dir.is_dir() else []:
        m = liveness.read_manifest(run_dir)
        if not m or m.get("status") != liveness.RUNNING:
            continue
        if liveness.observe(m) != liveness.KILLED:
            continue
        m = liveness.killed(m)
        write_atomic(run_dir / "manifest.json", json.dumps(m, indent=2, default=str))
        write_run_index(run_dir, m)
        recorded.append(run_dir)
    return recorded


# -- templates -------------------------------------------------------------------------------
def _href(rel: str) -> str:
    """A relative path as a URL (spaces, ``#`` and non-ASCII quoted; ``/`` kept)."""
    return quote(str(rel))


def _seconds(value) -> str:
    if value is None:
        return "-"
    value = float(value)
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def _when(value) -> str:
    """ "2026-11-29T16:22:54Z" -> "2026-11-29 16:22 UTC"; anything else as it is."""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).strftime(
            "%Y-%m-%d %H:%M UTC"
        )
    except ValueError:
        return str(value or "-")


def _json(value) -> str:
    return json.dumps(value, default=str)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(href=_href, seconds=_seconds, when=_when, tojson_text=_json, md=markdown)
    env.filters["humanize"] = sitedata.humanize
    return env


_ENV = _environment()


def _render(template: str, *, root: str, title: str, **context) -> str:
    return _ENV.get_template(template).render(
        css=Markup(STYLESHEET.read_text(encoding="utf-8")),  # our own file, not data
        root=root,
        title=title,
        page=template,
        **context,
    )


def _demo_notice(manifest: dict | None) -> str | None:
    data = (manifest or {}).get("data") or {}
    return (data.get("demo_notice") or DEMO_NOTICE) if data.get("demo") else None


def _run_summary(run_dir: Path, m: dict) -> dict:
    m = liveness.shown(m)
    return {
        "id": m.get("run_id") or run_dir.name,
        "dir": run_dir.name,
        "status": liveness.observe(m) or "unknown",
        "config": (m.get("config") or {}).get("name"),
        "mode": (m.get("data") or {}).get("mode"),
        "demo": bool((m.get("data") or {}).get("demo")),
        "started_at": m.get("started_at"),
        "ended_at": m.get("ended_at"),
        "duration_s": m.get("duration_s"),
        "counts": sitedata.status_counts(m),
    }


# -- pages -----------------------------------------------------------------------------------
def render_run(m: dict, run_dir: Path) -> str:
    """The page of one run (``runs/<run_id>/index.html``)."""
    m = liveness.shown(m)
    items = sitedata.reports(m, run_dir)
    files = [f for f in ("manifest.json", "run.log") if (run_dir / f).is_file()]
    snapshots = sorted(
        m.get("snapshots") or [],
        key=lambda s: (not s.get("in_use"), s.get("source") or "", s.get("snapshot_id") or ""),
    )
    git = m.get("git") or {}
    return _render(
        "run.html",
        root="../../",
        title=f"Run {m.get('run_id') or run_dir.name}",
        run=_run_summary(run_dir, m),
        manifest=m,
        process=m.get("process") or {},
        demo_notice=_demo_notice(m),
        reports=items,
        files=files,
        snapshots=snapshots,
        git=git,
        dirty=" (uncommitted changes)" if git.get("dirty") else "",
        config=m.get("config") or {},
        data=m.get("data") or {},
        cluster=sitedata.cluster_text(m.get("cluster")),
        packages=m.get("packages") or {},
        figures=[(r, f) for r in items for f in r.figures],
    )


def render_outputs(runs: list[tuple[Path, dict | None]], outputs: Path) -> str:
    """The run history page (``runs.html``): every run, newest first."""
    notices = sorted({n for _, m in runs if (n := _demo_notice(m))})
    rows = []
    for run_dir, m in runs:
        page = f"runs/{run_dir.name}/index.html"
        rows.append(
            {
                **_run_summary(run_dir, m or {}),
                "page": page if (outputs / page).is_file() else None,
            }
        )
    latest = sitedata.latest(outputs)
    return _render(
        "runs.html",
        root="",
        title="Run history",
        notices=notices,
        rows=rows,
        latest=latest[0].name if latest else None,
    )


def render_home(
    latest: tuple[Path, dict] | None, runs: list[tuple[Path, dict | None]], outputs: Path
) -> str:
    """The home page (``index.html``): the latest run's headline findings and reports."""
    items, context = _latest(latest)
    context.update(
        groups=sitedata.groups(items),
        has_countries=bool(sitedata.countries(items)),
        newer=None,
    )
    newest = runs[0] if runs else None
    if newest and (not latest or newest[0].name != latest[0].name):
        context["newer"] = _run_summary(newest[0], newest[1] or {})
    return _render(
        "home.html", root="", title="SDG 17 reports", findings_shown=FINDINGS_ON_HOME, **context
    )


def _latest(latest: tuple[Path, dict] | None) -> tuple[list, dict]:
    """The latest run's reports and what every page about it shows (run line, demo notice,
    link prefix); no reports and an empty run line when there is no run yet."""
    if not latest:
        return [], {"run": None, "demo_notice": None, "prefix": ""}
    run_dir, m = latest
    context = {
        "run": _run_summary(run_dir, m),
        "demo_notice": _demo_notice(m),
        "prefix": f"runs/{run_dir.name}/",
    }
    return sitedata.reports(m, run_dir), context


def render_countries(latest: tuple[Path, dict] | None, outputs: Path) -> str:
    """The country index (``countries.html``): one row per scorecard of the latest run."""
    items, context = _latest(latest)
    rows = sitedata.countries(items)
    return _render(
        "countries.html",
        root="",
        title="Country scorecards",
        countries=rows,
        regions=sorted({c.region for c in rows if c.region}),
        incomes=sorted({c.income_group for c in rows if c.income_group}),
        methods=sorted({c.method for c in rows if c.method}),
        **context,
    )


def render_methods(latest: tuple[Path, dict] | None, outputs: Path) -> str:
    """Methods and sources (``methods.html``): the SDG 17 indicators and the catalogue's
    sources (from the catalogue, so they show before any run), the latest run's series, the
    models and the progress methods, each with its citation."""
    items, context = _latest(latest)
    areas, areas_note = sitedata.indicators()
    catalogue_sources, catalogue_note = sitedata.catalogue_sources()
    series, problems = sitedata.sources(items, latest[0]) if latest else ([], [])
    used = {c.method for c in sitedata.countries(items) if c.method}
    models, models_note = sitedata.models()
    progress, progress_note = sitedata.progress_methods(used)
    return _render(
        "methods.html",
        root="",
        title="Methods and sources",
        areas=areas,
        areas_note=areas_note,
        catalogue_sources=catalogue_sources,
        catalogue_note=catalogue_note,
        series=series,
        problems=problems,
        models=models,
        models_note=models_note,
        progress=progress,
        progress_note=progress_note,
        **context,
    )
