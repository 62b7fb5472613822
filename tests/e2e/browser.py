"""Headless Chromium for the page tests: Debian's package, driven by Playwright, offline; and
axe-core, installed from npm by .ci/install-browser."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
AXE = ARTIFACTS / "npm" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000


def launched() -> Iterator[Browser]:
    """Chromium for a module's tests; skips them where Debian's chromium is not installed."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("no chromium executable on PATH: run .ci/install-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds wrong on the page (WCAG 2.x A and AA rules and best practices)."""
    if not AXE.exists():
        pytest.fail(
            f"axe-core is not installed at {AXE.relative_to(PROJECT)}: run .ci/install-browser"
        )
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return found
