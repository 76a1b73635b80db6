"""Run configs (``runs/*.yaml``): load, expand into executions, validate before any kernel starts.

A config names the notebooks to execute and the parameters for each execution::

    name: default                 # run folders are <UTC timestamp>-<name>
    data: offline                 # live | offline | demo; ``--data`` overrides
    parameters:                   # for every notebook that declares them
      start_year: 2000
    notebooks:
      - notebook: 01_oda
        parameters: {price_basis: constant}
      - notebook: 01_oda          # one notebook, several labelled parameter sets
        parameter_sets:
          - {label: current, parameters: {price_basis: current}}
      - notebook: 04_country_scorecard
        fan_out: {economy: [KEN, BGD]}      # or {economy: {group: LDC}}, or {economy: all}

Parameters are checked against each notebook's ``parameters`` cell (names, and types judged
from the default's literal), years must not be inverted, and economy codes must be known to
the economy reference. Everything but the economy check needs no data and no kernel, so
mistakes surface in well under a second.

``fan_out: {economy: all}`` is one execution per economy of the store's economy reference (the
economies the store knows, aggregates excluded), so a config need not list 217 codes that
change when the store does; it is the same as ``{group: all}``, and only an ``economy`` or
``economies`` parameter may use it.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers import paths
from helpers.errors import UsageError
from helpers.reference import groups
from helpers.run import params as runparams

DATA_MODES = ("live", "offline", "demo")
RESERVED = runparams.RESERVED
ECONOMY_PARAMS = ("economy", "economies")
EVERY_ECONOMY = "all"  # fan_out: {economy: all}
# `figure_formats: [png, svg]`: the files plots.save writes (helpers.topics.plots.FORMATS and
# FORMATS_ENV; kept here too so checking a config imports no plotting library). Default PNG.
FIGURE_FORMATS = ("png", "svg", "pdf")
FIGURE_FORMATS_ENV = "SDG17_FIGURE_FORMATS"
_CONFIG_KEYS = {
    "name",
    "description",
    "data",
    "notebooks_dir",
    "kernel",
    "timeout",
    "figure_formats",
    "parameters",
    "notebooks",
}
_ENTRY_KEYS = {"notebook", "label", "parameters", "parameter_sets", "fan_out"}
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


@dataclass
class RunConfig:
    name: str
    path: Path
    text: str
    data: str
    notebooks_dir: Path
    kernel: str
    timeout: int | None
    parameters: dict
    entries: list[dict]
    figure_formats: tuple[str, ...] | None = None  # None: $SDG17_FIGURE_FORMATS, else PNG


@dataclass
class Plan:
    """One notebook with one parameter set, fan-out not yet expanded."""

    notebook: str
    path: Path
    label: str
    params: dict
    fan_out: dict[str, Any]
    declared: dict[str, Any] = field(repr=False)


@dataclass
class Execution:
    """One notebook run with one complete set of parameters (``output_dir`` excluded)."""

    id: str
    notebook: str
    path: Path
    label: str
    params: dict


# -- loading ---------------------------------------------------------------------------------
def resolve_config_path(name: str | Path | None) -> Path:
    """A path as given, or a bare name looked up in ``runs/`` (``weekly`` -> runs/weekly.yaml)."""
    if name is None:
        return paths.RUNS_CONFIG / "default.yaml"
    path = Path(name)
    if not path.exists() and path.suffix == "" and (paths.RUNS_CONFIG / f"{name}.yaml").exists():
        return paths.RUNS_CONFIG / f"{name}.yaml"
    return path


def load(path: str | Path | None) -> RunConfig:
    """Read and check a run config.

    Raises:
        UsageError: the file is missing, is not valid YAML, or has unknown or malformed keys.
    """
    path = resolve_config_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"run config {path} cannot be read: {exc.strerror or exc}") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UsageError(f"run config {path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise UsageError(f"run config {path}: expected a mapping with a 'notebooks' list")
    _no_unknown_keys(raw, _CONFIG_KEYS, f"run config {path}")
    entries = raw.get("notebooks")
    if not isinstance(entries, list) or not entries:
        raise UsageError(f"run config {path}: 'notebooks' must be a non-empty list")
    for i, entry in enumerate(entries):
        if isinstance(entry, str):
            entries[i] = entry = {"notebook": entry}
        if not isinstance(entry, dict) or "notebook" not in entry:
            raise UsageError(f"run config {path}: notebooks[{i}] needs a 'notebook' key")
        _no_unknown_keys(entry, _ENTRY_KEYS, f"run config {path}: notebooks[{i}]")
    data = raw.get("data", "offline")
    if data not in DATA_MODES:
        raise UsageError(
            f"run config {path}: data must be one of {', '.join(DATA_MODES)}, not {data!r}"
        )
    name = str(raw.get("name") or path.stem)
    if _LABEL_UNSAFE.search(name):
        raise UsageError(f"run config {path}: name {name!r} may hold only letters, digits, . _ + -")
    timeout = raw.get("timeout")
    if timeout is not None and (not isinstance(timeout, int) or timeout <= 0):
        raise UsageError(f"run config {path}: timeout must be a positive number of seconds")
    parameters = raw.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise UsageError(f"run config {path}: 'parameters' must be a mapping")
    formats = raw.get("figure_formats")
    if formats is not None:
        if isinstance(formats, str):
            formats = [formats]
        if (
            not isinstance(formats, list)
            or not formats
            or any(f not in FIGURE_FORMATS for f in formats)
        ):
            raise UsageError(
                f"run config {path}: figure_formats must be a list of some of "
                f"{', '.join(FIGURE_FORMATS)}, not {raw.get('figure_formats')!r}"
            )
        formats = tuple(dict.fromkeys(formats))
    return RunConfig(
        name=name,
        path=path.resolve(),
        text=text,
        data=data,
        notebooks_dir=_notebooks_dir(raw.get("notebooks_dir"), path),
        kernel=str(raw.get("kernel") or "python3"),
        timeout=timeout,
        parameters=parameters,
        entries=entries,
        figure_formats=formats,
    )


def _notebooks_dir(configured: str | None, config_path: Path) -> Path:
    """``$SDG17_NOTEBOOKS_DIR``, else the config's ``notebooks_dir`` (relative to the config
    file), else ``notebooks/``."""
    if os.environ.get("SDG17_NOTEBOOKS_DIR"):
        return Path(os.environ["SDG17_NOTEBOOKS_DIR"]).resolve()
    if configured:
        return (config_path.resolve().parent / configured).resolve()
    return paths.NOTEBOOKS


def _no_unknown_keys(mapping: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise UsageError(
            f"{where}: unknown key(s) {', '.join(map(str, unknown))}; "
            f"expected some of {', '.join(sorted(allowed))}"
        )


def parse_overrides(items: list[str] | None) -> dict:
    """``-p name=value`` pairs; values are YAML, so ``2005`` is an int and ``[KEN,BGD]`` a list."""
    overrides = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip().isidentifier():
            raise UsageError(f"-p {item!r}: expected name=value, e.g. -p start_year=2005")
        try:
            overrides[name.strip()] = yaml.safe_load(value)
        except yaml.YAMLError as exc:
            raise UsageError(f"-p {item!r}: the value is not valid YAML: {exc}") from exc
    if RESERVED in overrides:
        raise UsageError(f"-p {RESERVED}: the runner sets {RESERVED} to each execution's folder")
    return overrides


# -- planning --------------------------------------------------------------------------------
def plan(
    config: RunConfig, *, only: list[str] | None = None, overrides: dict | None = None
) -> list[Plan]:
    """Every (notebook, parameter set) of ``config``, checked without data or kernels.

    Raises:
        UsageError: unknown notebook (also in ``only``), unknown parameter, wrong type,
            inverted years, a parameter nobody declares.
    """
    overrides = overrides or {}
    stems = [Path(str(e["notebook"])).name.removesuffix(".ipynb") for e in config.entries]
    wanted = _select(stems, only) if only else set(stems)
    plans: list[Plan] = []
    cache: dict[str, dict] = {}
    for i, (stem, entry) in enumerate(zip(stems, config.entries, strict=True)):
        if stem not in wanted:  # with --only, the other notebooks need not even exist yet
            continue
        where = f"{config.path.name}: notebooks[{i}] ({stem})"
        path = config.notebooks_dir / f"{stem}.ipynb"
        if not path.is_file():
            raise UsageError(f"{where}: notebook {path} does not exist")
        if stem not in cache:
            cache[stem] = runparams.declared(path)
        declared = cache[stem]
        if RESERVED not in declared:
            raise UsageError(
                f"notebook {path}: its parameters cell must declare "
                f'{RESERVED} = "" (the runner injects the execution folder)'
            )
        sets = entry.get("parameter_sets") or [{"label": entry.get("label", ""), "parameters": {}}]
        if not isinstance(sets, list):
            raise UsageError(f"{where}: parameter_sets must be a list")
        for pset in sets:
            if not isinstance(pset, dict) or not isinstance(pset.get("parameters", {}), dict):
                raise UsageError(f"{where}: each parameter set needs a mapping 'parameters'")
            _no_unknown_keys(pset, {"label", "parameters"}, f"{where}: parameter set")
            params = {k: v for k, v in config.parameters.items() if k in declared}
            params.update(_mapping(entry.get("parameters"), f"{where}: parameters"))
            params.update(pset.get("parameters") or {})
            fan_out = dict(_mapping(entry.get("fan_out"), f"{where}: fan_out"))
            for name, value in overrides.items():
                if name in declared:
                    params[name] = value
                    if name in fan_out:  # an override narrows a fan-out to its one value
                        fan_out[name] = [value]
            plans.append(
                Plan(
                    notebook=stem,
                    path=path,
                    label=str(pset.get("label") or ""),
                    params=params,
                    fan_out=fan_out,
                    declared=declared,
                )
            )
    if not only:  # with --only, a run-wide parameter may be for the notebooks left out
        _check_declared(f"{config.path.name}: parameters", config.parameters, plans)
    _check_declared("-p", overrides, plans)  # an override must reach a notebook that runs
    for p in plans:
        _check_static(p)
    return plans


def _mapping(value: Any, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UsageError(f"{where} must be a mapping of name: value")
    return value


def _check_declared(source: str, names: dict, plans: list[Plan]) -> None:
    for name in names:
        if name == RESERVED:
            raise UsageError(f"{source} {RESERVED}: the runner sets it to each execution's folder")
        if not any(name in p.declared for p in plans):
            raise UsageError(
                f"{source} {name}: no notebook in this run declares a parameter named {name!r}"
            )


def _select(stems: list[str], only: list[str]) -> set[str]:
    """The notebooks ``--only`` names (repeated or comma-separated), all of them in the config."""
    wanted = {w.strip().removesuffix(".ipynb") for item in only for w in item.split(",")}
    wanted.discard("")
    unknown = sorted(wanted - set(stems))
    if unknown:
        raise UsageError(
            f"--only {', '.join(unknown)}: not a notebook in this run config "
            f"(it has {', '.join(dict.fromkeys(stems))})"
        )
    return wanted


def _check_static(p: Plan) -> None:
    where = f"{p.notebook}{'__' + p.label if p.label else ''}"
    for name, value in p.params.items():
        runparams.check(where, p.declared, p.path, name, value)
    for name, values in p.fan_out.items():
        if isinstance(values, str):
            if values != EVERY_ECONOMY:
                raise UsageError(
                    f"{where}: fan_out {name}: {values!r} is not a fan-out; write a list, "
                    f"{{group: NAME}} or {EVERY_ECONOMY} (every economy in the store)"
                )
            if name not in ECONOMY_PARAMS:
                raise UsageError(
                    f"{where}: fan_out {name}: {EVERY_ECONOMY} (every economy in the store) "
                    f"is only for {' or '.join(ECONOMY_PARAMS)}"
                )
            runparams.check(where, p.declared, p.path, name, None, check_type=False)
            continue
        if isinstance(values, dict):
            if set(values) != {"group"} or not isinstance(values["group"], str):
                raise UsageError(f"{where}: fan_out {name} must be a list or {{group: NAME}}")
            runparams.check(where, p.declared, p.path, name, None, check_type=False)
            continue
        if not isinstance(values, list) or not values:
            raise UsageError(
                f"{where}: fan_out {name} must be a non-empty list, {{group: NAME}} "
                f"or {EVERY_ECONOMY}"
            )
        for value in values:
            runparams.check(where, p.declared, p.path, name, value)
            runparams.check_years(where, {**p.params, name: value}, p.declared)
    runparams.check_years(where, p.params, p.declared)


# -- expansion -------------------------------------------------------------------------------
def expand(plans: list[Plan], reference: Callable[[], Any] | None = None) -> list[Execution]:
    """Fan out every plan and check economy codes against the reference.

    Args:
        plans: from :func:`plan`.
        reference: returns the economy reference; called only if a group fan-out or an
            ``economy``/``economies`` parameter needs it.

    Raises:
        UsageError: unknown economy code or group, two executions with the same folder name.
    """
    ref_cache: list = []

    def ref():
        if not ref_cache:
            if reference is None:
                raise UsageError("economy codes need the economy reference, and none was given")
            ref_cache.append(reference())
        return ref_cache[0]

    executions: list[Execution] = []
    for p in plans:
        dims = []
        for name, values in p.fan_out.items():
            if values == EVERY_ECONOMY:
                values = {"group": EVERY_ECONOMY}
            if isinstance(values, dict):
                group = values["group"]
                values = list(groups.members(group, ref()))
                if not values:
                    raise UsageError(
                        f"{p.notebook}: fan_out {name}: group {group!r} has no "
                        "members in the economy reference"
                    )
                if isinstance(p.declared.get(name), list | tuple):
                    values = [[v] for v in values]  # a list parameter gets one economy each
            dims.append([(name, v) for v in values])
        for combo in itertools.product(*dims) if dims else [()]:
            params = {**p.params, **dict(combo)}
            label = "-".join(s for s in [p.label, *(_label(v) for _, v in combo)] if s)
            ex_id = _LABEL_UNSAFE.sub("-", f"{p.notebook}__{label}" if label else p.notebook)
            executions.append(
                Execution(id=ex_id, notebook=p.notebook, path=p.path, label=label, params=params)
            )
    seen: dict[str, Execution] = {}
    for ex in executions:
        if ex.id in seen:
            raise UsageError(
                f"two executions would share the folder {ex.id!r}; give each "
                "parameter set of that notebook a distinct label"
            )
        seen[ex.id] = ex
    _check_economies(executions, ref)
    return executions


def _label(value: Any) -> str:
    text = "+".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    return _LABEL_UNSAFE.sub("-", text).strip("-")


def _check_economies(executions: list[Execution], ref: Callable[[], Any]) -> None:
    checked: set[tuple] = set()
    for ex in executions:
        for name in ECONOMY_PARAMS:
            if name not in ex.params:
                continue
            value = ex.params[name]
            items = [value] if isinstance(value, str) else list(value or [])
            key = tuple(map(str, items))
            if not items or key in checked:
                continue
            try:
                groups.validate_groups_or_economies(list(key), ref())
            except UsageError as exc:
                raise UsageError(f"{ex.id}: parameter {name}: {exc}") from exc
            checked.add(key)
