"""The run cache's code fingerprint covers every layer of the helpers package."""

from __future__ import annotations

import shutil

from helpers import paths
from helpers.run import cache


def test_the_fingerprint_covers_the_whole_package_not_the_run_folder(tmp_path, monkeypatch):
    copy = tmp_path / "helpers"
    shutil.copytree(paths.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE", copy)
    before = cache.helpers_fingerprint()
    for edited in ("topics/oda/text.py", "sources/worldbank/api.py", "reference/targets.yaml"):
        path = copy / edited
        path.write_text(path.read_text() + "\n# edited\n")
        after = cache.helpers_fingerprint()
        assert after != before, f"an edit of {edited} left the fingerprint unchanged"
        before = after


def test_the_fingerprint_ignores_bytecode(tmp_path, monkeypatch):
    copy = tmp_path / "helpers"
    shutil.copytree(paths.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE", copy)
    before = cache.helpers_fingerprint()
    (copy / "tidy" / "__pycache__").mkdir()
    (copy / "tidy" / "__pycache__" / "tables.cpython-311.pyc").write_bytes(b"\0")
    assert cache.helpers_fingerprint() == before


def test_a_relative_outputs_dir_is_taken_from_the_project_root(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SDG17_OUTPUTS_DIR", "outputs/elsewhere")
    assert paths.outputs_dir() == paths.ROOT / "outputs" / "elsewhere"
    monkeypatch.delenv("SDG17_OUTPUTS_DIR")
    assert paths.outputs_dir() == paths.ROOT / "outputs"
