"""The static report site: an index page per run and one listing every run.

Pages are rendered from each run's ``manifest.json`` only, so they can be rebuilt at any time
(``write_outputs_index``). They are self-contained HTML with inline CSS and relative links,
so they work opened from disk (``file://``) or served from any sub-path. All text is escaped.
Every page is written to a temporary file and renamed into place, so a reader never sees
half a page.
"""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from urllib.parse import quote

from helpers.run import liveness
from helpers.sources.demo.notice import DEMO_NOTICE

THUMBNAILS_PER_EXECUTION = 2

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;
padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f6f6f6}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f6f6f6;padding:.8rem;overflow-x:auto}
.status{font-weight:600;padding:.1rem .45rem;border-radius:.3rem;white-space:nowrap}
.ok,.reused{background:#e3f4e6;color:#1a6b2c}
.failed,.interrupted,.killed{background:#fde4e1;color:#a11d0f}
.running,.running-elsewhere,.pending,.not-run,.unknown{background:#eee;color:#555}
.demo{background:#fff3cd;border:2px solid #e0a800;color:#5c4400;padding:.8rem 1rem;
border-radius:.4rem;font-weight:600;margin:1rem 0}
.warn{background:#fde4e1;border:2px solid #a11d0f;color:#5c0d05;padding:.8rem 1rem;
border-radius:.4rem;margin:1rem 0}
.badge{background:#e0a800;color:#fff;border-radius:.3rem;padding:.05rem .35rem;font-size:.75rem}
.meta{color:#555}.err{color:#a11d0f;font-size:.85rem}
.thumbs{display:flex;flex-wrap:wrap;gap:1rem}.thumbs figure{margin:0;width:14rem}
.thumbs img{max-width:14rem;max-height:11rem;border:1px solid #ddd}
figcaption{font-size:.8rem;color:#555}
"""


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
    """Write ``<outputs>/index.html`` listing every run under ``<outputs>/runs``, newest first."""
    runs = []
    for run_dir in (outputs / "runs").glob("*/"):
        if run_dir.is_dir():
            runs.append((run_dir, liveness.read_manifest(run_dir)))
    runs.sort(key=lambda r: ((r[1] or {}).get("started_at_epoch", 0), r[0].name), reverse=True)
    outputs.mkdir(parents=True, exist_ok=True)
    write_atomic(outputs / "index.html", render_outputs(runs, outputs))
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


# -- pieces ----------------------------------------------------------------------------------
def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _href(rel: str) -> str:
    return _e(quote(rel))


def _link(rel: str, text: str, base: Path) -> str:
    """A relative link, or the bare text if the target does not exist (no broken links)."""
    return f'<a href="{_href(rel)}">{_e(text)}</a>' if (base / rel).exists() else ""


def _status(status: str | None) -> str:
    s = status or "unknown"
    return f'<span class="status {_e(s)}">{_e(s)}</span>'


def _seconds(value) -> str:
    if value is None:
        return "-"
    value = float(value)
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def _params(params: dict) -> str:
    return (
        "<br>".join(
            f"<code>{_e(k)}</code> = <code>{_e(json.dumps(v, default=str))}</code>"
            for k, v in params.items()
        )
        or '<span class="meta">defaults</span>'
    )


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def _demo_banner(manifest: dict) -> str:
    data = manifest.get("data") or {}
    if not data.get("demo"):
        return ""
    notice = data.get("demo_notice") or DEMO_NOTICE
    return f'<div class="demo" role="alert">{_e(notice)}</div>'


# -- run page --------------------------------------------------------------------------------
def render_run(m: dict, run_dir: Path) -> str:
    m = liveness.shown(m)
    status = liveness.observe(m)
    run_id = m.get("run_id") or run_dir.name
    data = m.get("data") or {}
    git = m.get("git") or {}
    execs = m.get("executions") or []
    parts = [
        f'<p><a href="../../index.html">All runs</a></p><h1>Run {_e(run_id)}</h1>',
        _demo_banner(m),
    ]
    record = m.get("process") or {}
    if status == "interrupted":
        parts.append(
            '<div class="warn">This run was interrupted. Executions marked '
            '"interrupted" or "not-run" have no complete report; rerun the same '
            "command to finish them (finished ones are reused).</div>"
        )
    elif status == liveness.KILLED:
        parts.append(
            f'<div class="warn">This run was killed: its runner (pid {_e(record.get("pid"))} '
            f"on {_e(record.get('host'))}) ended without recording an end, most likely by "
            'SIGKILL or the out-of-memory killer. Executions marked "killed" or '
            '"not-run" have no complete report; rerun the same command to finish them '
            "(finished ones are reused).</div>"
        )
    elif status == liveness.ELSEWHERE:
        parts.append(
            f'<div class="warn">This run is recorded as running on {_e(record.get("host"))} '
            f"(pid {_e(record.get('pid'))}); whether it still runs cannot be checked from "
            "this host.</div>"
        )
    elif status == liveness.RUNNING and record:
        parts.append(
            '<div class="warn">This run has not finished: its runner is still at work, and '
            "rewrites this page when it ends.</div>"
        )
    elif status == liveness.RUNNING:  # recorded before runs recorded their process
        parts.append(
            '<div class="warn">This run has not finished (or its runner was '
            "killed before it could record an end).</div>"
        )
    dirty = {True: " (uncommitted changes)", False: "", None: ""}[git.get("dirty")]
    counts = {}
    for e in execs:
        counts[e.get("status")] = counts.get(e.get("status"), 0) + 1
    parts.append(
        "<table><tbody>"
        f"<tr><th>Status</th><td>{_status(status)} "
        f"{_e(', '.join(f'{n} {s}' for s, n in counts.items()))}</td></tr>"
        f"<tr><th>Config</th><td>{_e((m.get('config') or {}).get('name'))} "
        f"<span class='meta'>{_e((m.get('config') or {}).get('path'))}</span></td></tr>"
        f"<tr><th>Data</th><td>{_e(data.get('mode'))} "
        f"<span class='meta'>{_e(data.get('root'))}</span></td></tr>"
        f"<tr><th>Started / ended</th><td>{_e(m.get('started_at'))} / "
        f"{_e(m.get('ended_at') or '-')} ({_seconds(m.get('duration_s'))})</td></tr>"
        f"<tr><th>Code</th><td><code>{_e(git.get('commit'))}</code>{_e(dirty)}</td></tr>"
        f"<tr><th>Files</th><td>{_link('manifest.json', 'manifest.json', run_dir)} "
        f"{_link('run.log', 'run.log', run_dir)}</td></tr>"
        "</tbody></table>"
    )
    parts.append("<h2>Reports</h2>" + _reports_table(execs, run_dir))
    thumbs = _thumbnails(execs, run_dir)
    if thumbs:
        parts.append("<h2>Key figures</h2>" + thumbs)
    parts.append("<h2>Data</h2>" + _snapshots_table(m.get("snapshots") or []))
    packages = m.get("packages") or {}
    parts.append(
        "<h2>Environment</h2><p class='meta'>"
        + _e(", ".join(f"{k} {v}" for k, v in packages.items()))
        + "</p>"
        + f"<details><summary>Run config</summary><pre>"
        f"{_e((m.get('config') or {}).get('content'))}</pre></details>"
    )
    return _page(f"sdg17 run {run_id}", "\n".join(p for p in parts if p))


def _reports_table(execs: list[dict], run_dir: Path) -> str:
    rows = []
    for e in execs:
        ex_id, stem = e["id"], e["notebook"]
        links = (
            " · ".join(
                x
                for x in (
                    _link(f"{ex_id}/{stem}.reader.html", "report", run_dir),
                    _link(f"{ex_id}/{stem}.html", "with code", run_dir),
                    _link(f"{ex_id}/{stem}.ipynb", "notebook", run_dir),
                    _link(e["log"], "log", run_dir) if e.get("log") else "",
                )
                if x
            )
            or '<span class="meta">no report</span>'
        )
        tables = [f for f in e.get("files") or [] if f.endswith(".csv")]
        if tables:
            links += "<br>" + " ".join(_link(f, Path(f).name, run_dir) for f in tables)
        note = ""
        if e.get("error"):
            note += f'<div class="err">{_e(e["error"])}</div>'
        if e.get("reused_from"):
            note += f'<div class="meta">reused from {_e(e["reused_from"])}</div>'
        rows.append(
            f"<tr><td><strong>{_e(ex_id)}</strong>{note}</td>"
            f"<td>{_params(e.get('parameters') or {})}</td><td>{_status(e.get('status'))}</td>"
            f"<td>{_seconds(e.get('duration_s'))}</td><td>{links}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Execution</th><th>Parameters</th><th>Status</th>"
        "<th>Duration</th><th>Open</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _thumbnails(execs: list[dict], run_dir: Path) -> str:
    figures = []
    for e in execs:
        pngs = [f for f in e.get("files") or [] if f.lower().endswith(".png")]
        for rel in pngs[:THUMBNAILS_PER_EXECUTION]:
            if (run_dir / rel).exists():
                figures.append(
                    f'<figure><a href="{_href(rel)}"><img src="{_href(rel)}" '
                    f'alt="{_e(Path(rel).name)} from {_e(e["id"])}" loading="lazy">'
                    f"</a><figcaption>{_e(e['id'])}: {_e(Path(rel).name)}"
                    "</figcaption></figure>"
                )
    return f'<div class="thumbs">{"".join(figures)}</div>' if figures else ""


def _snapshots_table(snapshots: list[dict]) -> str:
    if not snapshots:
        return '<p class="meta">The store held no snapshots.</p>'
    rows = []
    for s in sorted(
        snapshots,
        key=lambda s: (not s.get("in_use"), s.get("source") or "", s.get("snapshot_id") or ""),
    ):
        files = "<br>".join(
            f"<code>{_e(f['name'])}</code> sha256 <code>{_e(f['sha256'])}</code>"
            for f in s.get("files") or []
        )
        kind = ' <span class="badge">DEMO</span>' if s.get("kind") == "demo" else ""
        rows.append(
            f"<tr><td>{_e(s.get('source'))}{kind}</td><td><code>{_e(s.get('snapshot_id'))}</code>"
            f"{'' if s.get('in_use') else '<div class=meta>superseded</div>'}</td>"
            f"<td>{_e(', '.join(s.get('series') or []))}</td><td>{_e(s.get('vintage'))}</td>"
            f"<td>{_e(s.get('licence'))}</td><td>{_e(s.get('citation'))}"
            f"<details><summary>files</summary>{files}</details></td></tr>"
        )
    return (
        "<table><thead><tr><th>Source</th><th>Snapshot</th><th>Series</th><th>Vintage</th>"
        "<th>Licence</th><th>Citation</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


# -- all-runs page ---------------------------------------------------------------------------
def render_outputs(runs: list[tuple[Path, dict | None]], outputs: Path) -> str:
    parts = ["<h1>sdg17 report runs</h1>"]
    notices = {
        (m.get("data") or {}).get("demo_notice") or DEMO_NOTICE
        for _, m in runs
        if m and (m.get("data") or {}).get("demo")
    }
    for notice in sorted(notices):
        parts.append(f'<div class="demo" role="alert">Runs marked DEMO: {_e(notice)}</div>')
    latest = _link("latest/index.html", "Latest complete run", outputs)
    if latest:
        parts.append(f"<p>{latest}</p>")
    rows = []
    for run_dir, m in runs:
        m = liveness.shown(m or {})
        rel = f"runs/{run_dir.name}/index.html"
        name = _link(rel, run_dir.name, outputs) or _e(run_dir.name)
        data = m.get("data") or {}
        demo = ' <span class="badge">DEMO</span>' if data.get("demo") else ""
        counts = {}
        for e in m.get("executions") or []:
            counts[e.get("status")] = counts.get(e.get("status"), 0) + 1
        rows.append(
            f"<tr><td>{name}</td><td>{_e((m.get('config') or {}).get('name'))}</td>"
            f"<td>{_e(data.get('mode'))}{demo}</td><td>{_status(liveness.observe(m))}</td>"
            f"<td>{_e(m.get('started_at'))}</td><td>{_seconds(m.get('duration_s'))}</td>"
            f"<td>{_e(', '.join(f'{n} {s}' for s, n in counts.items()))}</td></tr>"
        )
    if rows:
        parts.append(
            "<table><thead><tr><th>Run</th><th>Config</th><th>Data</th>"
            "<th>Status</th><th>Started (UTC)</th><th>Duration</th>"
            "<th>Executions</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )
    else:
        parts.append('<p class="meta">No runs yet: <code>sdg17 run</code> makes one.</p>')
    return _page("sdg17 report runs", "\n".join(parts))
