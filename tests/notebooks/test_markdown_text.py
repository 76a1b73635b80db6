"""Every Markdown text the notebooks generate stays text: no amount is typeset as math.

Each notebook is executed on the demo store, as ``sdg17 run --data demo`` does, and each
``text/markdown`` output is put through the Markdown-plus-math parsing nbconvert uses (its
mistune renderer with the math plugin) and the TeX delimiters MathJax looks for on the
rendered page (JupyterLab and nbconvert's MathJax typeset after Markdown).
"""

from __future__ import annotations

import pytest

from tests.notebooks.harness import execute
from tests.unit.notebook.test_page import math_in

pytestmark = pytest.mark.notebook
NOTEBOOKS = [
    "00_data_inventory",
    "01_oda",
    "02_south_south",
    "03_technology_access",
    "04_country_scorecard",
]


def markdown_outputs(nb) -> list[str]:
    """The ``text/markdown`` outputs of an executed notebook."""
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown")
            if text:
                texts.append(text if isinstance(text, str) else "".join(text))
    return texts


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_generated_markdown_turns_into_math(name, demo_root, tmp_path):
    texts = markdown_outputs(execute(name, demo_root, tmp_path))
    assert texts, f"{name} generated no Markdown"
    math = {text: found for text in texts if (found := math_in(text))}
    assert math == {}, f"{name}: {len(math)} generated text(s) would show math"
