"""What a notebook puts on its page: shown sections, saved tables and figures."""

import base64
import io
import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers.notebook import page
from helpers.topics import plots
from helpers.topics.section import Section
from tests.fakes.frames import one_row


def test_saved_tables_keep_every_digit(tmp_path):
    values = [15283.96, 1 / 3, 195_676_842_123.25, 2.960721e-13]
    path = page.save_table(pd.DataFrame({"value": values}), "t", tmp_path)
    assert pd.read_csv(path)["value"].tolist() == values  # unrounded: the reader tables round


def test_save_table_writes_csv_only_with_an_output_dir(tmp_path):
    assert page.save_table(one_row(), "t", "") is None
    assert page.save_table(one_row(), "t", tmp_path).read_text().startswith("economy,")


def test_show_saves_tables_and_figures_and_shows_the_skip_note(tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(page, "md", said.append)
    fig, _ = plots.figure()
    shown = Section(
        text=["A finding."],
        tables={"shown": pd.DataFrame({"a": [1]}), "empty": pd.DataFrame({"a": []})},
        shown={"view": pd.DataFrame({"b": ["2.0"]})},
        saved={"behind": pd.DataFrame({"b": [2]})},
        figures={"chart": fig},
    )
    displayed = []
    monkeypatch.setattr(page, "_display", displayed.append)
    monkeypatch.setattr(page, "_display_figure", lambda fig, name, **kw: displayed.append(name))
    page.show(shown, tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["behind.csv", "chart.png", "empty.csv", "shown.csv"]  # SVG on demand
    assert plt.get_fignums() == []  # not a pyplot figure: no backend shows it a second time
    # sentence, then figure, then tables: a finding's chart sits right under it
    assert [getattr(d, "columns", d) is d for d in displayed] == [True, False, False]
    assert displayed[2]["b"].tolist() == ["2.0"]  # the view is shown, not saved
    page.show(Section.skipped("**X is skipped:** no data."), tmp_path / "skipped")
    assert not (tmp_path / "skipped").exists()
    page.show(None, tmp_path / "none")
    assert not (tmp_path / "none").exists()
    assert said == ["A finding.", "**X is skipped:** no data."]


def test_figures_are_shown_as_png_with_alt_text(monkeypatch):
    fig, axes = plots.figure(1, 2)
    axes[0].set_title("ODA/GNI")
    axes[1].set_title("Gap")
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda obj, **kw: shown.append((obj, kw.get("metadata")))
    )
    page._display_figure(fig, "oda_gni")
    ((bundle, metadata),) = shown
    assert bundle["text/plain"] == "Figure: ODA/GNI; Gap"
    assert metadata == {"image/png": {"alt": "Figure: ODA/GNI; Gap"}}
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert page.figure_alt(plots.figure()[0], "coverage_heatmap") == "Figure: coverage heatmap"


def test_a_saved_png_is_shown_as_saved_instead_of_drawn_again(tmp_path, monkeypatch):
    fig, ax = plots.figure()
    ax.plot([1, 2], [3, 4])
    (png,) = plots.save(fig, "f", tmp_path)  # at savefig.dpi, the reports' 100
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    monkeypatch.setattr(fig, "savefig", lambda *a, **kw: pytest.fail("drawn a second time"))
    page._display_figure(fig, "f", png=png)
    assert base64.b64decode(shown[0]["image/png"]) == png.read_bytes()


def test_a_png_saved_at_another_dpi_is_shown_scaled_to_the_reports_dpi(tmp_path, monkeypatch):
    from PIL import Image

    fig, ax = plots.figure()
    ax.plot([1, 2], [3, 4])
    png = tmp_path / "f.png"
    fig.savefig(png, dpi=150)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    monkeypatch.setattr(fig, "savefig", lambda *a, **kw: pytest.fail("drawn a second time"))
    page._display_figure(fig, "f", png=png)
    big = Image.open(png)
    small = Image.open(io.BytesIO(base64.b64decode(shown[0]["image/png"])))
    assert abs(small.width - big.width * page.SHOWN_DPI / 150) <= 1


def test_a_section_lead_is_its_first_standalone_sentence():
    assert Section(text=["| a |\n|---|", "Lead-in:\n- x", "The finding.\n\nMore."]).lead == (
        "The finding."
    )
    assert Section(text=["The first."], finding="Chosen.").lead == "Chosen."
    assert Section.skipped("**Skipped:** no data.").lead is None
    assert Section(text=["- only a list"]).lead is None


def test_key_findings_show_leads_banner_and_parameters_and_write_findings_json(
    tmp_path, monkeypatch
):
    said = []
    monkeypatch.setattr(page, "md", said.append)
    demo = one_row().assign(source="demo")
    sections = [
        Section(text=["One."]),
        None,
        Section.skipped("no"),
        "Two.",
        Section(text=["Three."]),
    ]
    page.key_findings(
        "Kenya: SDG 17 scorecard",
        sections,
        parameters="**Parameters of this run:** x.",
        data=demo,
        output_dir=tmp_path,
        economy={"code": "KEN"},
    )
    assert said[0].startswith("> ⚠️") and said[1] == "- One.\n- Two.\n- Three."
    assert said[2] == "**Parameters of this run:** x."
    record = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert record == {
        "title": "Kenya: SDG 17 scorecard",
        "findings": ["One.", "Two.", "Three."],
        "parameters": "**Parameters of this run:** x.",
        "demo": True,
        "economy": {"code": "KEN"},
    }
    many = [Section(text=[f"S{i}."]) for i in range(8)]
    page.key_findings("t", many, parameters="p", output_dir=tmp_path)
    found = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))["findings"]
    assert found == [f"S{i}." for i in range(page.MAX_FINDINGS)]
    said.clear()
    page.key_findings("t", [Section.skipped("no")], parameters="p")
    assert said[0].startswith("No section of this notebook has data")


def test_md_of_nothing_shows_nothing(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    page.md(None)
    page.md("")
    assert shown == []


# -- Markdown that stays text ----------------------------------------------------------------
def math_in(markdown: str) -> list[str]:
    """What would be typeset as math in ``markdown``: the math spans nbconvert's Markdown
    parser finds (mistune with nbconvert's math plugin), and any TeX delimiter left in the
    rendered text that MathJax would scan (JupyterLab and nbconvert's MathJax typeset the page
    after Markdown; MathJax skips ``code``, ``pre`` and elements of class ``mathjax_ignore``
    / ``tex2jax_ignore``).
    """
    import re

    import bs4
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    found = []

    def walk(tokens):
        for token in tokens:
            if token["type"] in ("inline_math", "block_math", "latex_environment"):
                found.append(f"{token['type']}: {token.get('raw') or token.get('attrs')}")
            walk(token.get("children") or [])

    walk(MarkdownWithMath(renderer=None)(markdown))
    html = MarkdownWithMath(renderer=IPythonRenderer(escape=False)).render(markdown)
    soup = bs4.BeautifulSoup(html, "html.parser")
    for skipped in soup.select("code, pre, .mathjax_ignore, .tex2jax_ignore"):
        skipped.decompose()
    text = soup.get_text()
    found += [f"MathJax delimiter {m!r}" for m in re.findall(r"\$|\\[(\[]|\\begin\{", text)]
    return found


def rendered(markdown: str) -> str:
    """``markdown`` as nbconvert renders it to HTML."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    return MarkdownWithMath(renderer=IPythonRenderer(escape=False)).render(markdown)


TWO_AMOUNTS = (
    "The DAC gave **US$160.0 billion**, a gap of US$192.2 billion "
    "(`oda_usd_bn`, see [the OECD](https://www.oecd.org/)), closed by US$198.9 billion."
)


def test_a_sentence_with_two_amounts_is_math_unless_escaped():
    assert math_in(TWO_AMOUNTS)  # the check can fail


def test_md_keeps_amounts_as_text_and_bold_code_and_links_working(monkeypatch):
    import bs4

    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    page.md(TWO_AMOUNTS)
    markdown = shown[0].data
    assert math_in(markdown) == []
    html = rendered(markdown)
    assert bs4.BeautifulSoup(html, "html.parser").get_text().strip() == (
        "The DAC gave US$160.0 billion, a gap of US$192.2 billion "
        "(oda_usd_bn, see the OECD), closed by US$198.9 billion."
    )
    assert "<strong>US" in html and "<code>oda_usd_bn</code>" in html
    assert '<a href="https://www.oecd.org/">the OECD</a>' in html


def test_markdown_text_leaves_code_and_links_alone_and_is_idempotent():
    from helpers.topics import prose

    text = r"Costs \$5 or US$6 in `x$` at [US$7](https://e.org/?a=$1) \begin{x}"
    once = prose.markdown_text(text)
    assert prose.markdown_text(once) == once
    assert "`x$`" in once and "(https://e.org/?a=$1)" in once
    assert math_in(once) == []
    assert "\\" not in once.replace("`x$`", "")  # no Markdown escape left to be dropped
