"""The names notebooks and the README use stay importable where they were promised."""

from __future__ import annotations

import importlib
import importlib.util

import pytest

PROMISED = {
    "helpers": ["tidy", "catalogue", "models"],
    "helpers.tidy": ["load", "economies", "build", "is_current", "how_to_obtain"],
    "helpers.models": [
        "linear_trend",
        "loglinear_trend",
        "cagr",
        "chow_test",
        "cusum_test",
        "forecast",
        "by_group",
        "fractional_logit",
        "predict_fractional_logit",
        "beta_convergence",
        "sigma_convergence",
        "dispersion",
        "assess_progress",
    ],
    "helpers.store": ["Store", "Snapshot"],
}


@pytest.mark.parametrize("module", sorted(PROMISED))
def test_promised_names_are_importable(module):
    mod = importlib.import_module(module)
    # `from helpers import tidy` imports the subpackage when it is not an attribute yet
    missing = [
        name
        for name in PROMISED[module]
        if not hasattr(mod, name) and importlib.util.find_spec(f"{module}.{name}") is None
    ]
    assert missing == [], f"{module} lacks {missing}"


def test_readme_python_example_runs_its_imports():
    from helpers import tidy
    from helpers.models import cagr, forecast, linear_trend

    assert callable(tidy.load) and callable(cagr) and callable(forecast)
    assert callable(linear_trend)
