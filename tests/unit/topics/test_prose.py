"""Numbers in generated sentences."""

import pandas as pd  # noqa: F401

from helpers.topics import prose


def test_fmt_scales_numbers_for_prose():
    assert prose.fmt(1.234e9, "$") == "$1.2 billion"
    assert prose.fmt(-2.5e6) == "-2.5 million"
    assert prose.fmt(0.314, "%", 2) == "0.31%"
    assert prose.fmt(float("nan")) == "n/a"
