"""environment.yml (conda) and pyproject.toml (pip) pin the same packages at the same versions."""

import tomllib

import yaml

from helpers.paths import ROOT


def _normal(name: str) -> str:
    return name.lower().replace("_", "-")


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]
    pins = {}
    for spec in specs:
        name, sep, version = spec.partition("==")
        assert sep, f"pyproject.toml: {spec!r} is not pinned with =="
        pins[_normal(name)] = version
    return pins


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            name, _, version = item.replace("==", "=").partition("=")
            if name not in ("python", "pip"):
                pins[_normal(name)] = version
    return pins


def test_environment_yml_matches_pyproject():
    assert _conda_pins() == _pyproject_pins()


def test_environment_yml_python_matches_requires_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert ">=3.11" in requires
