"""What the report site shows, read from a run folder: each execution's findings, figures,
economy and data sources, and the methods the notebooks use; from the catalogue, every SDG 17
indicator with the series that measure it or the reason none does, and every source.

Everything here is read tolerantly: a run made before notebooks wrote ``findings.json``, a
failed execution, or a file that cannot be parsed still gets its row, with what is missing
said on the page rather than raised, so the site of a broken run can always be built.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from helpers import catalogue, paths
from helpers.errors import CatalogueError, SchemaError
from helpers.reference import methods as progress_reference
from helpers.reference import models as model_reference
from helpers.run import liveness

FIGURES_PER_REPORT = 2
PROVENANCE_FILE = "provenance.csv"
SOURCE_FIELDS = ("series", "title", "source", "vintage", "licence", "citation")


@dataclass
class Figure:
    rel: str  # relative to the run folder
    alt: str


@dataclass
class Report:
    """One execution of a run, as the site shows it. Paths are relative to the run folder."""

    id: str
    notebook: str
    label: str
    status: str
    title: str
    parameters: dict
    duration_s: float | None = None
    error: str | None = None
    reused_from: str | None = None
    reader: str | None = None
    full: str | None = None
    notebook_file: str | None = None
    log: str | None = None
    tables: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    has_findings: bool = False
    findings_error: str | None = None
    question: str | None = None
    findings: list[str] = field(default_factory=list)
    parameters_text: str | None = None
    demo: bool = False
    economy: dict | None = None
    worker: str | None = None  # "host (address)" of the Dask worker that ran it


@dataclass
class Group:
    """Executions of one notebook: one report, or a fan-out (one per economy)."""

    notebook: str
    title: str
    reports: list[Report]

    @property
    def fan_out(self) -> bool:
        return len(self.reports) > 1


def humanize(name: str) -> str:
    """``04_country_scorecard`` -> "Country scorecard"; ``scorecard_trends.png`` -> "Scorecard
    trends"."""
    words = re.sub(r"^\d+[_-]+", "", Path(name).stem).replace("_", " ").replace("-", " ")
    words = " ".join(words.split())
    return words[:1].upper() + words[1:] if words else name


def worker_text(worker: dict | None) -> str | None:
    """A manifest's worker record as "host (address)"; None for reused or never-run ones."""
    if not worker or not worker.get("address"):
        return None
    host = worker.get("host")
    return f"{host} ({worker['address']})" if host else str(worker["address"])


def cluster_text(cluster: dict | None) -> str | None:
    """The run's Dask cluster in words: where its scheduler is and how many workers it had."""
    if not cluster:
        return None
    workers = cluster.get("workers") or {}
    where = "local cluster in the runner" if cluster.get("local") else cluster.get("scheduler")
    hosts = sorted({str(w.get("host")) for w in workers.values() if w.get("host")})
    count = f"{len(workers)} worker{'s' if len(workers) != 1 else ''}"
    return f"{where}: {count}" + (f" on {', '.join(hosts)}" if hosts else "")


def reports(manifest: dict, run_dir: Path) -> list[Report]:
    """Every execution of the run, in manifest order."""
    return [_report(e, run_dir) for e in manifest.get("executions") or []]


def groups(items: list[Report]) -> list[Group]:
    """``items`` grouped by notebook, in order of first appearance."""
    by_notebook: dict[str, list[Report]] = {}
    for r in items:
        by_notebook.setdefault(r.notebook, []).append(r)
    return [
        Group(nb, rs[0].title if len(rs) == 1 else humanize(nb), rs)
        for nb, rs in by_notebook.items()
    ]


def _report(e: dict, run_dir: Path) -> Report:
    ex_id, stem = str(e.get("id")), str(e.get("notebook") or e.get("id"))

    def existing(rel: str | None) -> str | None:
        return rel if rel and (run_dir / rel).is_file() else None

    label = str(e.get("label") or "")
    r = Report(
        id=ex_id,
        notebook=stem,
        label=label,
        status=e.get("status") or "unknown",
        title=humanize(stem) + (f": {label}" if label else ""),
        parameters=e.get("parameters") or {},
        duration_s=e.get("duration_s"),
        error=e.get("error"),
        reused_from=e.get("reused_from"),
        reader=existing(f"{ex_id}/{stem}.reader.html"),
        full=existing(f"{ex_id}/{stem}.html"),
        notebook_file=existing(f"{ex_id}/{stem}.ipynb"),
        log=existing(e.get("log")),
        worker=worker_text(e.get("worker")),
    )
    files = [f for f in e.get("files") or [] if existing(f)]
    r.tables = [f for f in files if f.endswith(".csv")]
    _read_findings(r, run_dir / ex_id / paths.FINDINGS_FILE)
    r.figures = [
        Figure(f, f"{humanize(f)}: a figure from “{r.title}”")
        for f in files
        if f.lower().endswith(".png")
    ][:FIGURES_PER_REPORT]
    return r


def _read_findings(r: Report, path: Path) -> None:
    if not path.is_file():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        r.findings_error = f"{paths.FINDINGS_FILE} could not be read: {exc}"
        return
    r.has_findings = True
    r.title = _text(data.get("title")) or r.title
    r.question = _text(data.get("question"))
    found = data.get("findings") or []
    r.findings = [str(f) for f in ([found] if isinstance(found, str) else found) if f]
    r.parameters_text = _text(data.get("parameters"))
    r.demo = bool(data.get("demo"))
    economy = data.get("economy")
    r.economy = economy if isinstance(economy, dict) else None


def _text(value) -> str | None:
    return str(value) if value not in (None, "") else None


# -- countries -------------------------------------------------------------------------------
@dataclass
class Country:
    code: str
    name: str
    region: str | None
    income_group: str | None
    method: str | None
    counts: list[tuple[str, int]]
    report: Report
    covered: int | None = None  # SDG 17 indicators covered, of ``indicators``
    indicators: int | None = None


def countries(items: list[Report]) -> list[Country]:
    """One row per country scorecard: executions whose ``findings.json`` names an economy, or,
    without findings (older runs, failures), whose ``economy`` parameter is one code."""
    rows = []
    for r in items:
        economy = r.economy
        if economy is None and not r.has_findings:
            code = r.parameters.get("economy")
            economy = {"code": code} if isinstance(code, str) else None
        if economy is None:
            continue
        progress = economy.get("progress") if isinstance(economy.get("progress"), dict) else {}
        counts = progress.get("counts") if isinstance(progress.get("counts"), dict) else {}
        code = str(economy.get("code") or r.label or r.id)
        covered, total = _covered(economy.get("indicators"))
        rows.append(
            Country(
                code=code,
                name=str(economy.get("name") or code),
                region=_text(economy.get("region")),
                income_group=_text(economy.get("income_group")),
                method=_text(progress.get("method")),
                counts=[(str(k), _count(v)) for k, v in counts.items()],
                report=r,
                covered=covered,
                indicators=total,
            )
        )
    return sorted(rows, key=lambda c: c.name.casefold())


def _covered(indicators) -> tuple[int | None, int | None]:
    """(covered, total) from a scorecard's ``economy.indicators`` record; (None, None) when
    the record is absent (runs made before scorecards counted indicators) or unreadable."""
    if not isinstance(indicators, dict):
        return None, None
    try:
        covered, total = int(indicators["covered"]), int(indicators["total"])
    except (KeyError, TypeError, ValueError):
        return None, None
    return (covered, total) if 0 <= covered <= total else (None, None)


def _count(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# -- sources and methods ---------------------------------------------------------------------
def sources(items: list[Report], run_dir: Path) -> tuple[list[dict], list[str]]:
    """The series behind the run, from each execution's ``provenance.csv``, grouped by where
    they come from: ``[{source, vintage, licence, citation, series: [{series, title, used}]}]``
    with each distinct series once and ``used`` the reports that read it (see ``_used``);
    and a note for every file that could not be read."""
    seen: dict[tuple, dict[tuple, list[Report]]] = {}
    problems = []
    for r in items:
        path = run_dir / r.id / PROVENANCE_FILE
        if not path.is_file():
            continue
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                records = list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            problems.append(f"{r.id}/{PROVENANCE_FILE}: {exc}")
            continue
        for record in records:
            values = {f: (record.get(f) or "").strip() for f in SOURCE_FIELDS}
            if not values["series"]:
                continue
            origin = tuple(values[f] for f in ("source", "vintage", "licence", "citation"))
            users = seen.setdefault(origin, {}).setdefault((values["series"], values["title"]), [])
            if all(u.id != r.id for u in users):
                users.append(r)
    fan_outs = {g.notebook for g in groups(items) if g.fan_out}
    out = [
        {
            **dict(zip(("source", "vintage", "licence", "citation"), origin, strict=True)),
            "series": [
                {"series": code, "title": title, "used": _used(users, fan_outs)}
                for (code, title), users in sorted(by_series.items())
            ],
        }
        for origin, by_series in sorted(seen.items())
    ]
    return out, problems


def _used(users: list[Report], fan_outs: set[str]) -> list[dict]:
    """``users`` for a "used in" cell: ``{label, reports: [(text, report)]}`` per notebook; a
    fan-out is one entry labelled by its notebook, each report named by its economy code."""
    entries: dict[str, dict] = {}
    for r in users:
        if r.notebook in fan_outs:
            entry = entries.setdefault(r.notebook, {"label": humanize(r.notebook), "reports": []})
            code = (r.economy or {}).get("code") or r.label or r.id
            entry["reports"].append((str(code), r))
        else:
            entries[r.id] = {"label": None, "reports": [(r.title.split(": ")[0], r)]}
    return list(entries.values())


def models() -> tuple[list[dict], str | None]:
    """The statistical methods (``helpers/reference/models.yaml``), or a note why not."""
    try:
        return model_reference.load_models(), None
    except (OSError, SchemaError, yaml.YAMLError) as exc:
        return [], f"The list of methods could not be read: {exc}"


def progress_methods(used: set[str]) -> tuple[list[dict], str | None]:
    """The progress-assessment methods (``helpers/reference/progress_methods.yaml``) as
    ``{name, available, references, categories, used}``, or a note why not. Only ``name``,
    ``available``, ``categories`` and ``citation`` (``title``, ``publisher``, ``year``,
    ``section``, ``url``, ``implementation``; or a plain string) are read."""
    try:
        loaded = progress_reference.load_progress_methods()
    except (OSError, SchemaError, yaml.YAMLError, AttributeError) as exc:
        return [], f"The progress methods could not be read: {exc}"
    out = []
    for key, entry in loaded.items():
        name = str(entry.get("name") or key)
        out.append(
            {
                "name": name,
                "available": entry.get("available", True) is not False,
                "references": _citation(entry.get("citation")),
                "categories": [str(c) for c in entry.get("categories") or []],
                "used": name in used or key in used,
            }
        )
    return out, None


def _citation(citation) -> list[dict]:
    if isinstance(citation, str):
        return [{"citation": citation, "url": None}]
    if not isinstance(citation, dict):
        return []
    parts = [citation.get("publisher"), citation.get("year"), citation.get("title")]
    text = ". ".join(str(p) for p in parts if p)
    if citation.get("section"):
        text += f" (section: {citation['section']})"
    refs = [{"citation": text, "url": citation.get("url")}]
    if citation.get("implementation"):
        refs.append({"citation": "Implementation read", "url": citation["implementation"]})
    return refs


# -- the catalogue: SDG 17 indicators and sources ---------------------------------------------
def indicators() -> tuple[list[dict], str | None]:
    """Every SDG 17 indicator from the catalogue (``catalogue.indicators()``), grouped by the
    five areas: ``[{area, targets, indicators: [{indicator, title, series: [{id, title,
    source, relation}], gap}]}]``; or a note why the catalogue could not be read."""
    try:
        cat = catalogue.load()
        table = catalogue.indicators(cat)
    except (OSError, CatalogueError, yaml.YAMLError) as exc:
        return [], f"The catalogue could not be read: {exc}"
    entries = {s.id: s for s in cat.series}
    names = {key: str(src.get("name") or key) for key, src in cat.sources.items()}
    out = []
    for area in catalogue.AREAS:
        rows = table[table["area"] == area]
        out.append(
            {
                "area": area[:1].upper() + area[1:],
                "targets": catalogue.area_targets(area),
                "indicators": [
                    {
                        "indicator": row.indicator,
                        "title": row.title,
                        "gap": row.gap,
                        "series": [
                            {
                                "id": sid,
                                "title": entries[sid].title,
                                "source": names.get(entries[sid].source, entries[sid].source),
                                "relation": entries[sid].sdg_relation,
                            }
                            for sid in row.series
                        ],
                    }
                    for row in rows.itertuples(index=False)
                ],
            }
        )
    return out, None


def catalogue_sources() -> tuple[list[dict], str | None]:
    """Every source in the catalogue (``sources`` in catalogue.yaml) as ``{key, name,
    citation, licence, licence_url, series}`` (``series``: how many catalogue series come
    from it); or a note why the catalogue could not be read."""
    try:
        cat = catalogue.load()
    except (OSError, CatalogueError, yaml.YAMLError) as exc:
        return [], f"The catalogue could not be read: {exc}"
    return [
        {
            "key": key,
            "name": str(src.get("name") or key),
            "citation": str(src.get("citation") or ""),
            "licence": str(src.get("licence") or ""),
            "licence_url": src.get("licence_url"),
            "series": len(cat.ids(key)),
        }
        for key, src in cat.sources.items()
    ], None


# -- runs ------------------------------------------------------------------------------------
def status_counts(manifest: dict) -> str:
    """ "7 ok, 1 failed" for the run's executions."""
    counts: dict[str, int] = {}
    for e in manifest.get("executions") or []:
        counts[e.get("status")] = counts.get(e.get("status"), 0) + 1
    return ", ".join(f"{n} {s}" for s, n in counts.items())


def latest(outputs: Path) -> tuple[Path, dict] | None:
    """The run ``<outputs>/latest`` points at (the last one that was not interrupted)."""
    link = outputs / "latest"
    if not link.is_dir():
        return None
    run_dir = outputs / "runs" / link.resolve().name
    run_dir = run_dir if run_dir.is_dir() else link.resolve()
    manifest = liveness.read_manifest(run_dir)
    return (run_dir, manifest) if manifest else None
