"""Audit the reader versions of a run's reports: what a reviewer would trip over.

Usage:
    python scripts/audit_reports.py outputs/latest
    python scripts/audit_reports.py outputs/runs/<run id> --json

For every ``*.reader.html`` under the run folder it counts:
- **external references**: ``src``/``href`` (not links a reader clicks) that leave the page's
  own files, i.e. requests the page would make to a third party;
- **raw numbers** in tables: cells that read like code, not like a report: floats with four or
  more decimals, exponent notation, ``True``/``False``, ``<NA>``/``nan``, and a 0, 1, 2, ...
  index column;
- **empty headings**: a heading followed by another heading of its level or higher (or by the
  page's end) with nothing in between;
- **plumbing headings**: a heading a reader has no use for ("Load", "Check", "Save",
  "Compute", "Setup", "Imports", "Parameters"), left over from the code's outline;
- **images without alt text** (or with nbconvert's placeholder), and the page **title**.

The tests (``tests/notebooks/test_reader_pages.py``) assert zeros on a demo run; this script
prints the same counts for any run, which is how before/after figures are measured.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

RAW_NUMBER = re.compile(
    r"^(?:[-+]?\d+\.\d{4,}|[-+]?\d+(?:\.\d+)?e[-+]?\d+|True|False|<NA>|nan|NaN|None)$"
)
LOCAL = ("file:", "data:", "about:", "blob:", "#", "mailto:")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
NBCONVERT_PLACEHOLDER = "No description has been provided for this image"
PLUMBING = {"load", "check", "save", "compute", "setup", "imports", "parameters"}
CONTENT = ("p", "li", "table", "img", "pre", "blockquote", "figure")


def _is_external(ref: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:|^//", ref, re.I)) and not ref.startswith(LOCAL)


def external_references(soup: BeautifulSoup) -> list[str]:
    """What the page would fetch from elsewhere (a clicked link is not a request)."""
    refs = []
    for tag in soup.find_all(True):
        for name in ("src", "href", "srcset", "poster", "data"):
            value = tag.get(name)
            if not value or (tag.name in ("a", "area") and name == "href"):
                continue
            if _is_external(str(value)):
                refs.append(str(value))
    return refs


def raw_numbers(soup: BeautifulSoup) -> list[str]:
    """Table cells that show a machine's number rather than a person's."""
    found = []
    for table in soup.find_all("table"):
        for cell in table.find_all(["td", "th"]):
            text = cell.get_text(" ", strip=True)
            if RAW_NUMBER.match(text):
                found.append(text)
        index = [row.find(["th", "td"]) for row in table.find_all("tr")[1:]]
        texts = [c.get_text(strip=True) for c in index if c is not None]
        if len(texts) > 1 and texts == [str(i) for i in range(len(texts))]:
            found.append(f"index column 0-{len(texts) - 1}")
    return found


def empty_headings(soup: BeautifulSoup) -> list[str]:
    """Headings with nothing under them before the next heading of their level or higher."""
    flow = [el for el in soup.find_all([*HEADINGS, *CONTENT]) if el.name in HEADINGS or _has(el)]
    empty = []
    for i, el in enumerate(flow):
        if el.name not in HEADINGS:
            continue
        level = int(el.name[1])
        nxt = flow[i + 1] if i + 1 < len(flow) else None
        if nxt is None or (nxt.name in HEADINGS and int(nxt.name[1]) <= level):
            empty.append(el.get_text(" ", strip=True).rstrip("¶").strip())
    return empty


def plumbing_headings(soup: BeautifulSoup) -> list[str]:
    """Headings named after a step of the code rather than a question of the report."""
    texts = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in soup.find_all(HEADINGS)]
    return [text for text in texts if text.lower() in PLUMBING]


def _described(img) -> bool:
    """An image with alt text of its own (not nbconvert's placeholder)."""
    alt = (img.get("alt") or "").strip()
    return bool(alt) and alt != NBCONVERT_PLACEHOLDER


def _has(el) -> bool:
    return el.name in ("img", "table") or bool(el.get_text(strip=True))


def audit_page(path: Path) -> dict:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return {
        "page": str(path),
        "title": soup.title.get_text(strip=True) if soup.title else "",
        "external_references": external_references(soup),
        "raw_numbers": raw_numbers(soup),
        "empty_headings": empty_headings(soup),
        "plumbing_headings": plumbing_headings(soup),
        "images_without_alt": sum(1 for img in soup.find_all("img") if not _described(img)),
    }


def audit_run(run_dir: Path) -> list[dict]:
    return [audit_page(p) for p in sorted(Path(run_dir).resolve().glob("*/*.reader.html"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--json", action="store_true", help="print every finding as JSON")
    args = parser.parse_args(argv)
    pages = audit_run(args.run_dir)
    if not pages:
        print(f"no reader pages (*/*.reader.html) under {args.run_dir}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(pages, indent=1))
        return 0
    print(
        "| page | title | external refs | raw numbers | empty headings | plumbing headings "
        "| img without alt |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    totals = [0, 0, 0, 0, 0]
    for page in pages:
        counts = [
            len(page["external_references"]),
            len(page["raw_numbers"]),
            len(page["empty_headings"]),
            len(page["plumbing_headings"]),
            page["images_without_alt"],
        ]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        name = Path(page["page"]).parent.name
        print(f"| {name} | {page['title']} | " + " | ".join(map(str, counts)) + " |")
    print("| **all** | | " + " | ".join(map(str, totals)) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
