"""Numbers and phrases for the sentences the topics write (computed, never typed in)."""

from __future__ import annotations

import re

import pandas as pd


def fmt(value: float, unit: str = "", digits: int = 1) -> str:
    """A number for prose: 1.2 billion, 3.4 million, 0.31%, or 'n/a' for missing."""
    if value is None or pd.isna(value):
        return "n/a"
    if unit == "%":
        return f"{value:,.{digits}f}%"
    if unit == "pp":
        return f"{value:+,.{digits}f} percentage points"
    sign = "-" if value < 0 else ""
    value = abs(value)
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{sign}{unit}{value / size:,.{digits}f} {word}"
    return f"{sign}{unit}{value:,.{digits}f}"


# A character MathJax must not see, written as an HTML entity inside a span MathJax skips.
# Neither a Markdown escape (``\$``: the Markdown step drops the backslash and MathJax, which
# JupyterLab runs on the rendered page, still pairs the dollars) nor an entity alone (``&#36;``:
# MathJax reads the page, not the source) keeps "US$1 ... US$2" from turning into math in
# JupyterLab; this does there, in nbconvert's Markdown parser and in a page without MathJax.
_NOT_MATH = '<span class="tex2jax_ignore mathjax_ignore">&#{};</span>'
# Code spans and link targets are left as they are: their text is never typeset.
_KEEP = re.compile(r"(`+)[^`]*?\1|\]\([^)\s]*\)")
# ``$`` (also written ``\$``), and a backslash starting a TeX command or ``\\(``, ``\\[``.
_MATH = re.compile(r"\\?\$|\\(?=[\\A-Za-z])")


def markdown_text(text: str) -> str:
    """``text`` for a Markdown cell or output, with nothing Markdown or LaTeX would read as
    math: "US$1.2 billion ... US$3.4 billion" reads as written in JupyterLab and in HTML.

    Bold, code spans and links keep working; escaping twice changes nothing.
    """

    def neutral(chunk: str) -> str:
        return _MATH.sub(lambda m: _NOT_MATH.format(36 if m[0].endswith("$") else 92), chunk)

    out, last = [], 0
    for kept in _KEEP.finditer(text):
        out += [neutral(text[last : kept.start()]), kept[0]]
        last = kept.end()
    return "".join(out) + neutral(text[last:])
