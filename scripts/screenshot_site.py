"""Screenshot a page of the report site with headless Chromium.

Usage:
    python scripts/screenshot_site.py outputs/index.html -o site.png
    python scripts/screenshot_site.py outputs/latest/index.html --window-size 1280,3000

Chromium runs with a throwaway profile and with every background network feature off, so a
screenshot of a ``file://`` page makes no requests of its own.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """``/usr/bin/chromium``, else a chromium/chrome on PATH, else None."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := shutil.which(name):
            return found
    return None


def screenshot(
    page: Path,
    png: Path,
    *,
    chromium: str | None = None,
    window_size: str = "1280,2000",
    timeout: float = 90,
) -> Path:
    """Render ``page`` to ``png``.

    Raises:
        FileNotFoundError: no page, or no Chromium.
        RuntimeError: Chromium failed or wrote no image; the message holds its stderr.
    """
    page, png = Path(page).resolve(), Path(png).resolve()
    if not page.is_file():
        raise FileNotFoundError(f"no page to screenshot at {page}")
    chromium = chromium or find_chromium()
    if not chromium:
        raise FileNotFoundError("Chromium not found (apt-get install chromium)")
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="sdg17-chromium-") as profile:
        cmd = [
            chromium,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={window_size}",
            page.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0 or not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(
            f"chromium exited {proc.returncode} without a screenshot of {page}:\n"
            f"{proc.stderr[-2000:]}"
        )
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path, help="an index.html of the report site")
    parser.add_argument("-o", "--output", type=Path, default=Path("site.png"))
    parser.add_argument("--window-size", default="1280,2000", help="WIDTH,HEIGHT in pixels")
    parser.add_argument("--chromium", default=None, help=f"browser binary (default {CHROMIUM})")
    args = parser.parse_args(argv)
    try:
        out = screenshot(
            args.page, args.output, chromium=args.chromium, window_size=args.window_size
        )
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"screenshot_site: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
