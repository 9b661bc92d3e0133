"""Headless Chromium for the browser tests: the system's binary, driven by Playwright.

The flags keep Chromium off this machine's closed network (background connections would be
refused, many at a time) and out of a first-run setup; Playwright never downloads a browser.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
