"""Markdown written by notebooks (``findings.json``), rendered for the report site.

The text is computed from data, so it is treated as untrusted: raw HTML is shown as text,
never passed through, with one exception: the span ``helpers.notebook`` wraps around a
dollar sign so that Jupyter does not read "US$1 ... US$2" as maths, which becomes a plain
``$`` again. Images become their alt text (a page of the site loads nothing from elsewhere);
a relative link is made relative to the page that shows it.
"""

from __future__ import annotations

import re
from html import escape

import mistune
from markupsafe import Markup

# The dollar span helpers.notebook writes; any other raw HTML is escaped.
DOLLAR_SPAN = re.compile(
    r'<span class="tex2jax_ignore mathjax_ignore">\s*(?:&#36;|&#x24;|\$)\s*</span>'
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


class _SiteRenderer(mistune.HTMLRenderer):
    """Escapes raw HTML and drops images; ``base`` prefixes relative links."""

    def __init__(self, base: str = ""):
        # escape=False so entities (&amp;, &#36;) are read as Markdown defines them; raw HTML
        # is escaped by the two methods below instead. Harmful protocols stay blocked.
        super().__init__(escape=False)
        self.base = base

    def inline_html(self, html: str) -> str:
        return escape(html)

    def block_html(self, html: str) -> str:
        return f"<p>{escape(html.strip())}</p>\n"

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return escape(text or "")

    def link(self, text: str, url: str, title: str | None = None) -> str:
        if url and not _SCHEME.match(url) and not url.startswith(("#", "/")):
            url = self.base + url
        return super().link(text, url, title)


def markdown(text: str | None, base: str = "", *, inline: bool = False) -> Markup:
    """``text`` (Markdown) as safe HTML. ``inline`` drops the paragraph around a single
    paragraph, for a finding shown as a list item."""
    if not text:
        return Markup("")
    source = DOLLAR_SPAN.sub("&#36;", str(text))
    html = mistune.create_markdown(renderer=_SiteRenderer(base))(source).strip()
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)  # built by the escaping renderer above
