"""``sdg17 run``: config checks, execution, failure isolation, reuse, interruption.

Kernels are slow to start, so real executions are few: one shared run (3 kernels), plus one
each for failure isolation (2), reuse (4 short ones) and interruption (1).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers import paths
from helpers.errors import UsageError
from helpers.paths import ROOT
from helpers.run import cache as runcache
from helpers.run import config as runconfig
from helpers.run import data as rundata
from helpers.run import liveness, runner
from helpers.run import params as runparams
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.store import Store
from tests.fakes.notebooks import runkit


@pytest.fixture
def toy(tmp_path_factory):
    return runkit.toy_run(tmp_path_factory.getbasetemp() / "toy-run")


@pytest.fixture
def fakes(monkeypatch):
    runkit.patch_economies(monkeypatch)


@pytest.fixture
def outputs() -> Path:
    return Path(os.environ["SDG17_OUTPUTS_DIR"])


@pytest.fixture
def seeded(store):
    return runkit.seed_store(store.root)


# -- a full run -------------------------------------------------------------------------------
@pytest.mark.notebook
def test_run_writes_notebooks_html_figures_and_tables(toy):
    assert toy["code"] == 0
    run_dir = toy["run_dir"]
    assert run_dir.name.endswith("-toy")
    expected = {
        "toy_report": "toy_report",
        "toy_scorecard__KEN": "toy_scorecard",
        "toy_scorecard__BRA": "toy_scorecard",
    }
    for folder, stem in expected.items():
        for name in (f"{stem}.ipynb", f"{stem}.html", f"{stem}.reader.html"):
            assert (run_dir / folder / name).is_file(), f"{folder}/{name} missing"
    assert (run_dir / "toy_report" / "trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (run_dir / "toy_report" / "table.csv").read_text().splitlines() == [
        "economy,years",
        "KEN,20",
        "BGD,20",
    ]  # start_year 2001 from the config, end 2020
    assert (
        (run_dir / "toy_scorecard__BRA" / "scorecard.csv")
        .read_text()
        .startswith("economy,level\nBRA,")
    )


@pytest.mark.notebook
def test_reader_html_hides_code_and_full_html_shows_it(toy):
    folder = toy["run_dir"] / "toy_report"
    full = (folder / "toy_report.html").read_text()
    reader = (folder / "toy_report.reader.html").read_text()
    assert "subplots" in full  # the code, syntax-highlighted
    assert "subplots" not in reader
    assert "Toy report" in reader and "data:image/png;base64" in reader  # prose and figure


@pytest.mark.notebook
def test_runner_injects_the_execution_folder_as_output_dir(toy):
    nb = json.loads((toy["run_dir"] / "toy_scorecard__KEN" / "toy_scorecard.ipynb").read_text())
    injected = next(
        c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    )
    source = "".join(injected["source"])
    assert f'output_dir = "{toy["run_dir"] / "toy_scorecard__KEN"}"' in source
    assert 'economy = "KEN"' in source


@pytest.mark.notebook
def test_run_log_has_start_and_end_of_every_execution(toy):
    log = (toy["run_dir"] / "run.log").read_text()
    for ex in ("toy_report", "toy_scorecard__KEN", "toy_scorecard__BRA"):
        assert f"START {ex} " in log
        assert f"END   {ex} status=ok duration=" in log
    assert log.splitlines()[0].startswith("20")  # every line starts with a UTC timestamp


@pytest.mark.notebook
def test_manifest_records_provenance_parameters_and_timing(toy):
    m = runkit.manifest_of(toy["run_dir"])
    assert m["status"] == "ok" and m["run_id"] == toy["run_dir"].name
    assert set(m["git"]) == {"commit", "dirty"} and m["git"]["commit"]
    assert m["config"]["name"] == "toy" and "toy_scorecard" in m["config"]["content"]
    assert m["config"]["path"] == str(toy["config"])
    assert m["data"]["mode"] == "offline" and m["data"]["demo"] is False
    params = {e["id"]: e["parameters"] for e in m["executions"]}
    assert params == {
        "toy_report": {"start_year": 2001, "economies": ["KEN", "BGD"]},
        "toy_scorecard__KEN": {"start_year": 2001, "economy": "KEN"},
        "toy_scorecard__BRA": {"start_year": 2001, "economy": "BRA"},
    }
    (snap,) = m["snapshots"]
    assert snap["licence"] == "CC BY 4.0" and snap["citation"].startswith("World Bank")
    assert snap["vintage"] and snap["retrieved_at"] and snap["series"] == ["IT.NET.USER.ZS"]
    meta = json.loads(next((toy["data"] / "raw" / "worldbank").glob("*/metadata.json")).read_text())
    assert snap["files"] == [{"name": "page1.json", "sha256": meta["files"][0]["sha256"]}]
    assert {"python", "pandas", "papermill", "nbconvert"} <= set(m["packages"])
    assert m["started_at"] <= m["ended_at"] and m["duration_s"] > 0
    for e in m["executions"]:
        assert e["status"] == "ok" and e["duration_s"] > 0 and e["started_at"]
        assert len(e["cache_key"]) == 64
    assert "toy_report/trend.png" in m["executions"][0]["files"]


@pytest.mark.notebook
def test_latest_points_at_the_run_with_a_relative_link(toy):
    latest = toy["outputs"] / "latest"
    assert latest.is_symlink() and not os.path.isabs(os.readlink(latest))
    assert latest.resolve() == toy["run_dir"].resolve()


# -- checks before anything runs --------------------------------------------------------------
GOOD = """\
notebooks:
  - notebook: toy_report
    parameters: PARAMS
  - notebook: toy_scorecard
    fan_out: {economy: FANOUT}
"""


@pytest.mark.parametrize(
    ("params", "fanout", "argv", "needle"),
    [
        ("{colour: red}", "[KEN]", [], "unknown parameter 'colour'"),
        ("{start_year: '2000'}", "[KEN]", [], "start_year = '2000' (str) does not match"),
        ("{economies: KEN}", "[KEN]", [], "economies = 'KEN' (str)"),
        (
            "{fail: 1}",
            "[KEN]",
            [],
            "fail = 1 (int) does not match the type of the notebook's default False (bool)",
        ),
        ("{economies: [KEN, XXX]}", "[KEN]", [], "XXX"),
        ("{}", "[KEN, ZZZ]", [], "ZZZ"),
        ("{}", "{group: NOPE}", [], "NOPE"),
        ("{start_year: 2020, end_year: 2000}", "[KEN]", [], "start_year 2020 is after end_year"),
        ("{}", "[KEN]", ["-p", "start_year=2030"], "start_year 2030 is after end_year"),
        ("{}", "[KEN]", ["-p", "colour=red"], "colour"),
        ("{}", "[KEN]", ["-p", "start_year"], "expected name=value"),
        ("{}", "[KEN]", ["--only", "nope"], "--only nope"),
        ("{}", "[KEN]", ["--jobs", "0"], "--jobs 0"),
        ("{output_dir: /tmp}", "[KEN]", [], "output_dir"),
    ],
)
def test_bad_input_exits_2_naming_the_problem_before_any_kernel(
    tmp_path, outputs, seeded, fakes, capsys, params, fanout, argv, needle
):
    cfg = runkit.write_config(
        tmp_path / "bad.yaml", GOOD.replace("PARAMS", params).replace("FANOUT", fanout)
    )
    code, seconds = runkit.cli("--config", str(cfg), *argv)
    assert code == 2
    assert needle in capsys.readouterr().err
    assert runkit.run_dirs(outputs) == []
    assert seconds < 5


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("notebooks: [toy_report\n", "not valid YAML"),
        ("notebooks:\n  - notebook: no_such_notebook\n", "no_such_notebook"),
        ("notebooks:\n  - notebook: toy_report\n    fanout: {economy: [KEN]}\n", "fanout"),
        ("data: sometimes\nnotebooks: [toy_report]\n", "sometimes"),
        ("name: toy\n", "'notebooks' must be a non-empty list"),
    ],
)
def test_malformed_config_exits_2(tmp_path, outputs, seeded, fakes, capsys, body, needle):
    cfg = runkit.write_config(tmp_path / "bad.yaml", body)
    code, _ = runkit.cli("--config", str(cfg))
    assert code == 2
    assert needle in capsys.readouterr().err
    assert runkit.run_dirs(outputs) == []


def test_missing_config_file_exits_2(tmp_path, outputs, capsys):
    code, _ = runkit.cli("--config", str(tmp_path / "absent.yaml"))
    assert code == 2
    assert "absent.yaml" in capsys.readouterr().err
    assert runkit.run_dirs(outputs) == []


def test_notebooks_dir_from_environment(tmp_path, monkeypatch, seeded, fakes, capsys):
    monkeypatch.setenv("SDG17_NOTEBOOKS_DIR", str(tmp_path / "empty"))
    cfg = runkit.write_config(tmp_path / "c.yaml", "notebooks: [toy_report]\n")
    assert runkit.cli("--config", str(cfg))[0] == 2
    assert str(tmp_path / "empty" / "toy_report.ipynb") in capsys.readouterr().err


def test_live_mode_with_network_unreachable_exits_1(tmp_path, outputs, monkeypatch, capsys):
    monkeypatch.setattr(
        rundata,
        "run_fetch",
        lambda store: SimpleNamespace(ok=False, failures={}, network_unreachable=True),
    )
    cfg = runkit.write_config(tmp_path / "c.yaml", "notebooks: [toy_slow]\n")
    code, _ = runkit.cli("--config", str(cfg), "--data", "live")
    err = capsys.readouterr().err
    assert code == 1
    assert "network is unreachable" in err and "make demo" in err and "sdg17 import" in err
    assert runkit.run_dirs(outputs) == []


def test_offline_mode_with_an_empty_store_exits_1(tmp_path, outputs, capsys):
    cfg = runkit.write_config(tmp_path / "c.yaml", "notebooks: [toy_slow]\n")
    assert runkit.cli("--config", str(cfg), "--data", "offline")[0] == 1
    assert "holds no snapshots" in capsys.readouterr().err
    assert runkit.run_dirs(outputs) == []


# -- planning units ---------------------------------------------------------------------------
def test_declared_parameters_reads_tuple_assignments():
    declared = runparams.declared(runkit.FIXTURES / "toy_scorecard.ipynb")
    assert declared == {
        "output_dir": "",
        "economy": "KEN",
        "start_year": 2000,
        "end_year": 2020,
        "confidence_level": 0.9,
    }


@pytest.mark.parametrize(
    ("value", "default", "ok"),
    [
        (2005, 2000, True),
        (2005, 0.5, True),
        (0.5, 2000, False),
        (True, 2000, False),
        ("KEN", ["KEN"], False),
        (["KEN"], ["KEN"], True),
        ("x", None, True),
        (1, False, False),
    ],
)
def test_type_matches(value, default, ok):
    assert runparams.type_matches(value, default) is ok


def test_overrides_are_parsed_as_yaml():
    assert runconfig.parse_overrides(
        ["start_year=2005", "economies=[KEN,BGD]", "price_basis=constant", "confidence_level=0.8"]
    ) == {
        "start_year": 2005,
        "economies": ["KEN", "BGD"],
        "price_basis": "constant",
        "confidence_level": 0.8,
    }


def test_group_fan_out_expands_to_members(tmp_path, fakes):
    cfg = runconfig.load(
        runkit.write_config(
            tmp_path / "c.yaml",
            """\
        notebooks:
          - notebook: toy_scorecard
            fan_out: {economy: {group: LDC}}
          - notebook: toy_report
            fan_out: {economies: {group: LDC}}
        """,
        )
    )
    executions = runconfig.expand(runconfig.plan(cfg), lambda: "ref")
    assert [(e.id, e.params) for e in executions] == [
        ("toy_scorecard__BGD", {"economy": "BGD"}),
        ("toy_scorecard__NPL", {"economy": "NPL"}),
        ("toy_report__BGD", {"economies": ["BGD"]}),
        ("toy_report__NPL", {"economies": ["NPL"]}),
    ]


def test_override_narrows_a_fan_out_and_only_reaches_declaring_notebooks(tmp_path, fakes):
    cfg = runconfig.load(
        runkit.write_config(
            tmp_path / "c.yaml",
            """\
        notebooks:
          - notebook: toy_scorecard
            fan_out: {economy: [KEN, BGD]}
          - toy_slow
        """,
        )
    )
    plans = runconfig.plan(cfg, overrides={"economy": "IND", "start_year": 2010})
    executions = runconfig.expand(plans, lambda: "ref")
    assert [(e.id, e.params) for e in executions] == [
        ("toy_scorecard__IND", {"economy": "IND", "start_year": 2010}),
        ("toy_slow", {}),
    ]


def test_same_notebook_twice_needs_labels(tmp_path, fakes):
    cfg = runconfig.load(
        runkit.write_config(tmp_path / "c.yaml", "notebooks: [toy_slow, toy_slow]\n")
    )
    with pytest.raises(UsageError, match="distinct label"):
        runconfig.expand(runconfig.plan(cfg))


def test_cache_key_ignores_output_dir_and_follows_everything_else():
    nb = runkit.FIXTURES / "toy_slow.ipynb"
    key = runcache.cache_key(nb, {"seconds": 1, "output_dir": "/a"}, "data", "code")
    assert key == runcache.cache_key(nb, {"seconds": 1, "output_dir": "/b"}, "data", "code")
    assert key != runcache.cache_key(nb, {"seconds": 2}, "data", "code")
    assert key != runcache.cache_key(nb, {"seconds": 1}, "data2", "code")
    assert key != runcache.cache_key(nb, {"seconds": 1}, "data", "code2")


def test_add_parser_registers_run_with_main():
    parser = argparse.ArgumentParser(prog="sdg17")
    runner.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["run", "--only", "01_oda", "-p", "start_year=2005", "--force"])
    assert args.func is runner.main and args.only == ["01_oda"] and args.force
    assert args.params == ["start_year=2005"] and args.jobs is None and args.data is None


# -- failures, reuse, interruption ------------------------------------------------------------
@pytest.mark.notebook
def test_a_failing_execution_does_not_stop_the_others(tmp_path, outputs, monkeypatch, capsys):
    """Also a demo run: the demo store is faked, the notice must reach the pages."""

    def fake_demo_store():
        runkit.seed_store(Path(os.environ["SDG17_DEMO_DIR"]), kind="demo")
        return Store(Path(os.environ["SDG17_DEMO_DIR"]))

    monkeypatch.setattr(rundata, "ensure_demo_store", fake_demo_store)
    cfg = runkit.write_config(
        tmp_path / "c.yaml",
        """\
        name: mixed
        notebooks:
          - notebook: toy_report
            parameter_sets:
              - {label: broken, parameters: {fail: true}}
              - {label: fine, parameters: {}}
        """,
    )
    code, _ = runkit.cli("--config", str(cfg), "--data", "demo", "--jobs", "2")
    out = capsys.readouterr().out
    assert code == 1
    (run_dir,) = runkit.run_dirs(outputs)
    m = runkit.manifest_of(run_dir)
    assert m["status"] == "failed" and m["data"]["demo"] is True
    assert {e["id"]: e["status"] for e in m["executions"]} == {
        "toy_report__broken": "failed",
        "toy_report__fine": "ok",
    }
    assert "toy failure requested" in m["executions"][0]["error"]
    for page in ("toy_report.html", "toy_report.reader.html"):
        html = (run_dir / "toy_report__broken" / page).read_text()
        assert "toy failure requested by the fail parameter" in html
    assert (run_dir / "toy_report__fine" / "trend.png").exists()
    assert "toy_report__broken" in out and "failed" in out and "toy_report__fine" in out
    notice = DEMO_NOTICE
    assert notice in (run_dir / "index.html").read_text()
    assert notice in (outputs / "index.html").read_text()
    assert m["data"]["root"] == os.environ["SDG17_DEMO_DIR"]


@pytest.mark.notebook
def test_rerun_reuses_unchanged_and_reruns_what_changed(
    tmp_path, outputs, store, fakes, monkeypatch
):
    # The helpers source is part of the key; pin it so edits elsewhere in the package while
    # the suite runs do not count as a change here (test_cache_key_... covers that part).
    monkeypatch.setattr(runcache, "helpers_fingerprint", lambda: "pinned")
    runkit.seed_store(store.root)
    cfg = runkit.write_config(
        tmp_path / "c.yaml",
        """\
        name: again
        notebooks:
          - notebook: toy_scorecard
            parameters: {economy: BGD}
        """,
    )

    def run(*argv):
        code, seconds = runkit.cli("--config", str(cfg), "--jobs", "2", *argv)
        assert code == 0
        newest = runkit.run_dirs(outputs)[-1]
        (e,) = runkit.manifest_of(newest)["executions"]
        return e, seconds, newest

    first, _, first_dir = run()
    assert first["status"] == "ok"
    again, seconds, again_dir = run()
    assert again["status"] == "reused" and seconds < 3
    assert again["reused_from"] == f"{first_dir.name}/toy_scorecard"
    assert (again_dir / "toy_scorecard" / "toy_scorecard.reader.html").exists()
    assert "START" not in (again_dir / "run.log").read_text()  # no kernel was started
    assert run("-p", "confidence_level=0.5")[0]["status"] == "ok"  # a parameter changed
    runkit.seed_store(store.root, name="page2.json", content=b"[1]")  # the data changed
    assert run()[0]["status"] == "ok"
    assert run()[0]["status"] == "reused"
    _, _, forced_dir = run("--force")
    assert runkit.manifest_of(forced_dir)["executions"][0]["status"] == "ok"
    assert (outputs / "latest").resolve() == forced_dir.resolve()  # latest = newest run
    assert len(runkit.run_dirs(outputs)) == 6


@pytest.mark.notebook
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_interrupted_run_is_recorded_and_its_processes_stopped(tmp_path, outputs, store):
    runkit.seed_store(store.root)
    cfg = runkit.write_config(
        tmp_path / "c.yaml",
        """\
        name: slow
        notebooks:
          - notebook: toy_slow
            parameter_sets: [{label: a, parameters: {seconds: 120}},
                             {label: b, parameters: {seconds: 120}}]
        """,
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "helpers.run.runner", "--config", str(cfg), "--jobs", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        manifest = runkit.first_save(outputs, "*/toy_slow__a/toy_slow.ipynb")
        assert manifest, "the run did not start"
        time.sleep(1.0)
        run_id = manifest.parent.name
        assert runkit.processes_of(run_id), "no worker or kernel seen"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    m = json.loads(manifest.read_text())
    assert m["status"] == "interrupted"
    assert [e["status"] for e in m["executions"]] == ["interrupted", "not-run"]
    assert "interrupted" in stdout
    assert "This run was interrupted" in (manifest.parent / "index.html").read_text()
    assert not (outputs / "latest").exists()  # latest stays on the newest finished run
    time.sleep(1.5)  # a kernel exits within a second of losing its worker
    assert runkit.processes_of(run_id) == []


def _stub_notebook(path: Path, params: str) -> None:
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "p",
        "outputs": [],
        "metadata": {"tags": ["parameters"]},
        "source": params,
    }
    path.write_text(
        json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )


COMMON = (
    'output_dir = ""\neconomies = ["KEN", "BGD"]\nstart_year, end_year = 2000, 2023\n'
    'price_basis = "constant"\nforecast_horizon = 5\nconfidence_level = 0.9\n'
)


@pytest.mark.parametrize(
    ("config", "scorecards"),
    [
        ("default", ["KEN", "BGD", "BRA", "IND"]),
        ("weekly", runkit.GROUPS["LDC"]),
    ],
)
def test_shipped_configs_plan_against_the_real_notebook_parameters(
    tmp_path, monkeypatch, fakes, config, scorecards
):
    for stem in (
        "00_data_inventory",
        "01_oda",
        "02_south_south",
        "03_technology_access",
        "05_partnerships_capacity",
    ):
        _stub_notebook(tmp_path / f"{stem}.ipynb", COMMON)
    _stub_notebook(tmp_path / "04_country_scorecard.ipynb", COMMON + 'economy = "KEN"\n')
    monkeypatch.setenv("SDG17_NOTEBOOKS_DIR", str(tmp_path))
    cfg = runconfig.load(config)
    assert cfg.path == ROOT / "runs" / f"{config}.yaml" and cfg.data == "offline"
    executions = runconfig.expand(runconfig.plan(cfg), lambda: "ref")
    cards = [e.params["economy"] for e in executions if e.notebook == "04_country_scorecard"]
    assert cards == scorecards
    assert {e.notebook for e in executions} == {
        "00_data_inventory",
        "01_oda",
        "02_south_south",
        "03_technology_access",
        "04_country_scorecard",
        "05_partnerships_capacity",
    }
    assert all(e.params["start_year"] == 2000 for e in executions)


@pytest.mark.notebook
def test_kernels_run_this_interpreter_even_if_a_python3_kernelspec_points_elsewhere(
    tmp_path, monkeypatch
):
    from helpers.run import worker as runworker

    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    "/nonexistent/python",
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "stale",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))  # searched first
    nb = runkit.code_notebook(tmp_path / "which.ipynb", "import sys\nprint(sys.executable)")
    out = tmp_path / "out"
    out.mkdir()
    result = runworker.execute(
        {
            "input": str(nb),
            "folder": str(out),
            "stem": "which",
            "params": {"output_dir": str(out)},
            "kernel": "python3",
            "timeout": 60,
            "cwd": str(tmp_path),
        }
    )
    assert result["status"] == "ok", result["error"]
    executed = json.loads((out / "which.ipynb").read_text())
    assert executed["cells"][-1]["outputs"][0]["text"] == [sys.executable + "\n"]


def test_only_needs_just_the_selected_notebooks_to_exist(tmp_path, fakes):
    cfg = runconfig.load(
        runkit.write_config(
            tmp_path / "c.yaml",
            "parameters: {seconds: 1}\nnotebooks: [toy_slow, not_written_yet, toy_scorecard]\n",
        )
    )
    plans = runconfig.plan(cfg, only=["toy_slow,toy_scorecard"])
    assert [p.notebook for p in plans] == ["toy_slow", "toy_scorecard"]
    with pytest.raises(UsageError, match="not_written_yet"):
        runconfig.plan(cfg)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["-p", "forecast_horizon=500"], "forecast_horizon must be from 1 to 20; got 500"),
        (["-p", "confidence_level=2.0"], "confidence_level must be from 0.5 to 0.999; got 2.0"),
        (["-p", "price_basis=nominal"], "price_basis must be one of current, constant"),
        (["-p", "base_year=1990"], "base_year must be from start_year 2000"),
    ],
)
def test_the_real_notebooks_refuse_out_of_range_parameters_before_any_kernel(
    outputs, seeded, fakes, capsys, argv, needle
):
    # The ranges are the declared specs of helpers/notebook/params.py, checked by `sdg17 run`
    # itself: exit 2 in seconds, no kernel started, no run folder written.
    code, seconds = runkit.cli("--config", str(paths.RUNS_CONFIG / "default.yaml"), *argv)
    assert code == 2
    assert needle in capsys.readouterr().err
    assert runkit.run_dirs(outputs) == []
    assert seconds < 5


@pytest.mark.notebook
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_a_killed_run_is_shown_as_killed_and_the_next_run_records_it(
    tmp_path, outputs, store, fakes
):
    """SIGKILL (or the out-of-memory killer) leaves the runner no chance to record an end:
    the manifest says "running" and the run has no page. The next run, the site and the
    run listing must say "killed"."""
    runkit.seed_store(store.root)
    cfg = runkit.write_config(
        tmp_path / "c.yaml",
        "name: slow\nnotebooks:\n  - notebook: toy_slow\n    parameters: {seconds: 120}\n",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "helpers.run.runner", "--config", str(cfg), "--jobs", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        manifest = None
        while time.monotonic() < deadline and manifest is None:
            for path in (outputs / "runs").glob("*/manifest.json"):
                if any(
                    e["status"] == "running" for e in runkit.manifest_of(path.parent)["executions"]
                ):
                    manifest = path
            time.sleep(0.2)
        assert manifest, "the run did not start"
        run_dir = manifest.parent
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    # Before the next run: nothing has rewritten the manifest, but readers already know.
    assert runkit.manifest_of(run_dir)["status"] == "running"
    assert runkit.manifest_of(run_dir)["process"]["pid"] == proc.pid
    listed = {r["run_id"]: r for r in liveness.list_runs(outputs)}
    assert listed[run_dir.name]["status"] == "killed"
    # The next run records it: manifest, the killed run's own page, and the all-runs page.
    quick = runkit.write_config(
        tmp_path / "q.yaml",
        "name: quick\nnotebooks:\n  - notebook: toy_slow\n    parameters: {seconds: 0}\n",
    )
    code, _ = runkit.cli("--config", str(quick), "--jobs", "1")
    assert code == 0
    m = runkit.manifest_of(run_dir)
    assert m["status"] == "killed"
    assert [e["status"] for e in m["executions"]] == ["killed"]
    assert "killed" in m["error"] and str(proc.pid) in m["error"]
    page = (run_dir / "index.html").read_text()
    assert "was killed" in page and _status_cell("killed") in page
    history = (outputs / "runs.html").read_text()
    row = next(r for r in history.split("<tr") if run_dir.name in r)
    assert _status_cell("killed") in row


def _status_cell(status: str) -> str:
    return f'<span class="status {status}">{status}</span>'


# -- every economy ----------------------------------------------------------------------------
def test_fan_out_all_is_one_execution_per_economy_of_the_store(tmp_path, fakes):
    cfg = runconfig.load(
        runkit.write_config(
            tmp_path / "c.yaml",
            "notebooks:\n  - notebook: toy_scorecard\n    fan_out: {economy: all}\n",
        )
    )
    executions = runconfig.expand(runconfig.plan(cfg), lambda: "ref")
    assert [e.params["economy"] for e in executions] == sorted(runkit.KNOWN)
    assert executions[0].id == "toy_scorecard__BGD"


@pytest.mark.parametrize(
    ("fan_out", "needle"),
    [
        ("{economy: every}", "'every' is not a fan-out; write a list, {group: NAME} or all"),
        ("{start_year: all}", "fan_out start_year: all (every economy in the store) is only for"),
        ("{economy: []}", "must be a non-empty list, {group: NAME} or all"),
    ],
)
def test_fan_out_all_is_checked_before_any_kernel(tmp_path, fakes, fan_out, needle):
    cfg = runconfig.load(
        runkit.write_config(
            tmp_path / "c.yaml",
            f"notebooks:\n  - notebook: toy_scorecard\n    fan_out: {fan_out}\n",
        )
    )
    with pytest.raises(UsageError) as err:
        runconfig.plan(cfg)
    assert needle in str(err.value)


def test_every_economy_config_plans_a_scorecard_per_economy(tmp_path, monkeypatch, fakes):
    _stub_notebook(tmp_path / "04_country_scorecard.ipynb", COMMON + 'economy = "KEN"\n')
    monkeypatch.setenv("SDG17_NOTEBOOKS_DIR", str(tmp_path))
    cfg = runconfig.load("every_economy")
    executions = runconfig.expand(runconfig.plan(cfg), lambda: "ref")
    assert [e.id for e in executions] == [
        f"04_country_scorecard__{c}" for c in sorted(runkit.KNOWN)
    ]


@pytest.mark.notebook
def test_manifest_records_the_worker_of_each_execution(toy):
    m = runkit.manifest_of(toy["run_dir"])
    assert m["cluster"]["local"] is True and m["cluster"]["slots"] == 2
    (address,) = m["cluster"]["workers"]
    for e in m["executions"]:
        assert e["worker"] == {"address": address, "host": e["worker"]["host"]}
        assert e["worker"]["host"]


def test_figure_formats_in_a_config_are_checked_and_reach_the_kernels(tmp_path, fakes):
    from helpers.topics import plots

    assert runconfig.FIGURE_FORMATS == plots.FORMATS
    assert runconfig.FIGURE_FORMATS_ENV == plots.FORMATS_ENV
    bad = runkit.write_config(
        tmp_path / "b.yaml", "figure_formats: [png, gif]\nnotebooks: [toy_slow]\n"
    )
    with pytest.raises(UsageError, match="figure_formats must be a list of some of png, svg, pdf"):
        runconfig.load(bad)
    cfg = runconfig.load(
        runkit.write_config(
            tmp_path / "c.yaml", "figure_formats: [png, svg]\nnotebooks: [toy_slow]\n"
        )
    )
    assert cfg.figure_formats == ("png", "svg")
