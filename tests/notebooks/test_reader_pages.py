"""The pages a reviewer reads, from every notebook executed on the demo store as
``sdg17 run --data demo`` does.

- Every Markdown text the notebooks generate stays text: each ``text/markdown`` output is put
  through the Markdown-plus-math parsing nbconvert uses (its mistune renderer with the math
  plugin) and the TeX delimiters MathJax looks for on the rendered page (JupyterLab and
  nbconvert's MathJax typeset after Markdown).
- The reader version (``worker.render_html``) is a report: titled by its subject and
  selection, key findings first, no plumbing, no empty heading, no raw number in a table, alt
  text on every figure, no external reference (``scripts/audit_reports.py``).
"""

from __future__ import annotations

import json
import re

import pytest

from helpers.run import worker
from scripts import audit_reports
from tests.notebooks.harness import execute
from tests.unit.notebook.test_page import math_in

pytestmark = pytest.mark.notebook
NOTEBOOKS = [
    "00_data_inventory",
    "01_oda",
    "02_south_south",
    "03_technology_access",
    "04_country_scorecard",
    "05_partnerships_capacity",
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


TITLES = {
    "00_data_inventory": "Data inventory: what the store holds for Global South",
    "01_oda": "ODA and the 0.7% target (SDG 17.2), 2000-2024",
    "02_south_south": "South-South cooperation and resources beyond aid, 2000-2024: 10 economies",
    "03_technology_access": "Technology access and the digital divide, 2000-2024: 8 economies",
    "04_country_scorecard": "Kenya: SDG 17 scorecard",
    "05_partnerships_capacity": "Partnerships, trade and capacity, 2000-2024: Global South",
}


@pytest.fixture(scope="module")
def executed(demo_root, tmp_path_factory):
    """name -> (executed notebook, its output folder), each notebook run once, on demand."""
    done = {}

    def run(name):
        if name not in done:
            out = tmp_path_factory.mktemp(f"reader-{name}")
            done[name] = (execute(name, demo_root, out, start_year=2000), out)
        return done[name]

    return run


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_generated_markdown_turns_into_math(name, executed):
    texts = markdown_outputs(executed(name)[0])
    assert texts, f"{name} generated no Markdown"
    math = {text: found for text in texts if (found := math_in(text))}
    assert math == {}, f"{name}: {len(math)} generated text(s) would show math"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_reader_page_is_a_report(name, executed):
    _, out = executed(name)
    worker.render_html(out / f"{name}.ipynb", out, name)
    audit = audit_reports.audit_page(out / f"{name}.reader.html")
    assert audit["title"] == TITLES[name]
    for problem in ("external_references", "raw_numbers", "empty_headings", "plumbing_headings"):
        assert audit[problem] == [], f"{name}: {problem}"
    assert audit["images_without_alt"] == 0
    html = (out / f"{name}.reader.html").read_text(encoding="utf-8")
    assert "params.check(" not in html and "tidy.load(" not in html  # no code at all
    headings = re.findall(r"<h([12])[^>]*>(.*?)<", html)
    assert [h[1] for h in headings[:2]] == [TITLES[name], "Key findings"]
    assert "Parameters of this run" in html
    assert "[&#39;" not in html and "['" not in html  # no stray repr of a returned list
    record = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert record["title"] == TITLES[name] and 1 <= len(record["findings"]) <= 5
    assert record["demo"] is True
    assert (record["economy"] or {}).get("code") == ("KEN" if name.startswith("04") else None)
