"""Findings Markdown on the site: rendered, but never a way in for HTML or requests."""

from __future__ import annotations

from helpers.run.markup import markdown

DOLLAR = '<span class="tex2jax_ignore mathjax_ignore">&#36;</span>'


def test_markdown_is_rendered_inline():
    assert markdown("**Net ODA** rose `3%`", inline=True) == (
        "<strong>Net ODA</strong> rose <code>3%</code>"
    )


def test_the_dollar_span_becomes_a_dollar_sign_and_entities_stay_entities():
    assert markdown(f"US{DOLLAR}1.2 billion &amp; more", inline=True) == "US$1.2 billion &amp; more"


def test_raw_html_is_shown_as_text():
    html = markdown('<script>alert(1)</script> <span class="x">y</span>\n\n<div>z</div>')
    assert "<script" not in html and "<span" not in html and "<div" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;div&gt;z&lt;/div&gt;" in html


def test_images_become_their_alt_text_so_nothing_is_fetched():
    assert markdown("![a chart](http://x.example/a.png)", inline=True) == "a chart"


def test_relative_links_are_rebased_and_harmful_ones_dropped():
    html = markdown("[t](oda.csv) [d](https://doi.org/1) [x](javascript:alert(1))", "runs/r/01/")
    assert '<a href="runs/r/01/oda.csv">t</a>' in html
    assert '<a href="https://doi.org/1">d</a>' in html
    assert "javascript" not in html


def test_nothing_renders_as_nothing():
    assert markdown(None) == "" and markdown("") == ""
