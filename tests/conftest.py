"""Shared test set-up: figures never open windows, and paths start at the repository root."""

import os
import statistics
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright for the whole run: the browser tests and the hub tests both launch
    Chromium from it (Playwright refuses a second sync_playwright() in one process)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def pytest_terminal_summary(terminalreporter):
    """Print the mutation table and the browser tests' tables (tests/browser), if they ran."""
    from tests.browser.conftest import ARTIFACTS, LATENCIES, LAYOUT
    from tests.test_mutants import RESULTS, table

    tr = terminalreporter
    if RESULTS:
        tr.section("checks against wrong implementations (tests/mutants)")
        for line in table():
            tr.write_line(line)
    if LAYOUT:
        tr.section("explorer layout in a 1280×800 window (slider top to figure bottom)")
        for chapter, widget, px in LAYOUT:
            tr.write_line(f"{chapter:<22} {widget[:60]:<60} {px:>6.0f} px")
    if not LATENCIES:
        return
    tr.section("slider latency in JupyterLab (key press to output changed)")
    tr.write_line(f"{'chapter':<22} {'widget':<60} {'median':>8} {'worst':>8}")
    for chapter, widget, times in LATENCIES:
        ms = [t * 1000 for t in times]
        tr.write_line(
            f"{chapter:<22} {widget[:60]:<60} {statistics.median(ms):>6.0f}ms {max(ms):>6.0f}ms"
        )
    tr.write_line(f"({len(LATENCIES[0][2])} key presses per widget; screenshots in {ARTIFACTS})")
