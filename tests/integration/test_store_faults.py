"""The sdg17 command against a store with faults in it (issue 10): damaged snapshots, edited
payloads, a data directory that is a file, and a snapshot landing during a build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from helpers import cli, tidy
from helpers.paths import ROOT
from helpers.store import Store
from tests.fakes.wb_api import WorldBankStandIn, synthetic_dataset


def _run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _csv(tmp_path, name: str, code: str, values: str = "1.5,2.5"):
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "Country Name,Country Code,Indicator Name,Indicator Code,2019,2020\n"
        f"Kenya,KEN,Some indicator,{code},{values}\n"
    )
    return path


@pytest.mark.parametrize("damage", ["{}", "{not json", '{"snapshot_id": "x"}'])
def test_a_damaged_snapshot_is_set_aside_and_the_rest_keeps_working(
    tmp_path, capsys, monkeypatch, damage
):
    assert _run(capsys, "import", str(_csv(tmp_path, "a.csv", "IT.NET.USER.ZS")))[0] == 0
    assert _run(capsys, "import", str(_csv(tmp_path, "b.csv", "IT.CEL.SETS.P2")))[0] == 0
    [bad] = Store().history("IT.CEL.SETS.P2")
    (bad.path / "metadata.json").write_text(damage)

    code, out, err = _run(capsys, "status")
    assert code == 0 and "IT.NET.USER.ZS" in out
    assert "damaged" in out and str(bad.path) in out and "re-import" in out
    assert "Traceback" not in out + err
    assert _run(capsys, "build")[0] == 0
    assert tidy.load("IT.NET.USER.ZS")["value"].tolist() == [1.5, 2.5]

    # A fetch works around it (and stores the series the damaged snapshot held) ...
    with WorldBankStandIn(synthetic_dataset(n_economies=3, years=range(2018, 2021))) as wb:
        monkeypatch.setenv("SDG17_WB_API_URL", wb.url)
        code, out, err = _run(capsys, "fetch", "--quiet", "--series", "IT.CEL.SETS.P2")
    assert code == 0 and "1 series stored" in out, err
    # ... and so does a re-import of its file, which then wins.
    code, _, _ = _run(capsys, "import", str(_csv(tmp_path, "b.csv", "IT.CEL.SETS.P2", "3,4")))
    assert code == 0
    new = tidy.load("IT.CEL.SETS.P2", economies=["KEN"], start=2019)
    assert new["value"].tolist() == [3.0, 4.0]


@pytest.mark.parametrize("command", [["fetch", "--quiet"], ["import"], ["status"], ["build"]])
def test_a_data_dir_that_is_a_file_is_a_usage_error(tmp_path, capsys, monkeypatch, command):
    file = tmp_path / "data.txt"
    file.write_text("not a directory")
    monkeypatch.setenv("SDG17_DATA_DIR", str(file))
    if command == ["import"]:
        command = ["import", str(_csv(tmp_path, "a.csv", "IT.NET.USER.ZS"))]
    code, out, err = _run(capsys, *command)
    assert code == 2, out + err
    assert err.startswith("sdg17: error: ") and err.count("\n") == 1  # one sentence
    assert str(file) in err and "SDG17_DATA_DIR" in err
    assert "empty" not in out


def test_status_verify_names_a_changed_payload(tmp_path, capsys):
    _run(capsys, "import", str(_csv(tmp_path, "a.csv", "IT.NET.USER.ZS")))
    code, out, _ = _run(capsys, "status", "--verify")
    assert code == 0 and "every payload matches" in out
    [snap] = Store().snapshots()
    [payload] = snap.files()
    payload.write_bytes(payload.read_bytes().replace(b"1.5", b"9.5"))
    code, out, _ = _run(capsys, "status", "--verify")
    assert code == 1 and payload.name in out and "sha256" in out and str(snap.path) in out
    code, out, _ = _run(capsys, "status", "--verify", "--json")
    assert code == 1
    # Without --verify, status shows what the build set aside (the load rebuilt the tables).
    code, out, _ = _run(capsys, "status")
    assert code == 0 and payload.name in out and "set aside" in out


_IMPORT_THEN_DIE = """
import os, sys, time
from helpers.store import snapshots
real = os.replace
def replace_then_die(src, dst):
    real(src, dst)
    if "/raw/" in str(dst) and not str(dst).endswith(".tmp"):
        os._exit(9)  # killed as soon as the snapshot is in place
os.replace = replace_then_die
from helpers import cli
cli.main(["import", sys.argv[1]])
"""


def test_a_killed_import_during_a_build_never_leaves_tables_marked_current(tmp_path, capsys):
    """The subprocess reproduction of issue 10's first fault, with the build slowed down."""
    _run(capsys, "import", str(_csv(tmp_path, "a.csv", "IT.NET.USER.ZS", "1.5,2.5")))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    slow_build = (
        "import time\n"
        "from helpers.tidy import tables\n"
        "real = tables._fill_reference\n"
        "def slow(ref, obs):\n"
        "    print('read', flush=True); time.sleep(3); return real(ref, obs)\n"
        "tables._fill_reference = slow\n"
        "tables.build()\n"
    )
    build = subprocess.Popen(
        [sys.executable, "-c", slow_build], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert build.stdout.readline().strip() == "read"
    time.sleep(1.1)  # a later second, so the new snapshot is the newer one
    new = _csv(tmp_path, "b.csv", "IT.NET.USER.ZS", "7.5,8.5")
    killed = subprocess.run([sys.executable, "-c", _IMPORT_THEN_DIE, str(new)], env=env, cwd=ROOT)
    assert killed.returncode == 9
    assert build.wait(60) == 0
    assert len(Store().snapshots()) == 2
    assert not tidy.is_current()
    assert tidy.load("IT.NET.USER.ZS")["value"].tolist() == [7.5, 8.5]
    info = json.loads((Store().processed / "build.json").read_text())
    assert len(info["snapshots"]) == 2


def test_a_full_disk_while_building_is_one_sentence_and_exit_1(tmp_path, monkeypatch, capsys):
    import errno

    from helpers import cli, tidy

    monkeypatch.setenv("SDG17_DEMO_DIR", str(tmp_path / "demo"))

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "processed"))

    monkeypatch.setattr(tidy, "build", full)
    assert cli.main(["demo"]) == 1
    err = capsys.readouterr().err
    assert err == f"sdg17: error: No space left on device ({tmp_path / 'processed'})\n"
