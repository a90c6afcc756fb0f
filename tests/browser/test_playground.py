"""The playground in real JupyterLab: it draws, every control answers, play trains.

A throw-away notebook (written through the server's contents API, so no file
in the repository is touched) shows a ``Playground``; the test then drives
every control once with the mouse or the keyboard, edits one weight, presses
play for two seconds and checks that the loss went down. It measures, and
prints, the median time from a key press on a slider to the redrawn figure and
the epochs per second drawn while playing.

The widget marks each drawn frame on its root element (``data-drawn``, a
counter, and ``data-epoch``, ``data-loss``, ``data-points``), which is what the
test waits for. Like the other browser tests it skips when Chromium is absent.
"""

from __future__ import annotations

import json
import statistics
import time

import pytest

from tests.browser.conftest import ARTIFACTS, LATENCIES
from tests.browser.test_chapters import ALL_RUN, wait_for_kernel

pytestmark = pytest.mark.slow

NAME = "_playground_browser_test.ipynb"
SOURCE = (
    "from nnlib.playground import Playground\n"
    "pg = Playground(dataset='circle', n_points=200, hidden=[8, 8], learning_rate=0.1)\n"
    "pg"
)
PRESSES = 7


def _notebook() -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "cells": [
            {
                "cell_type": "code",
                "id": "playground",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": SOURCE,
            }
        ],
    }


PUT = """async ([url, body]) => {
  const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || "";
  const r = await fetch(url, {method: "PUT", body, headers: {
    "Content-Type": "application/json", "X-XSRFToken": decodeURIComponent(xsrf)}});
  return r.status;
}"""


def _put_notebook(page, server: str) -> None:
    """Write the notebook through the contents API, from the page (it holds the XSRF cookie)."""
    body = json.dumps({"type": "notebook", "format": "json", "content": _notebook()})
    status = page.evaluate(PUT, [f"{server}/api/contents/notebooks/{NAME}", body])
    assert status in (200, 201), f"could not write {NAME}: HTTP {status}"


def _drawn(page) -> int:
    return int(page.get_attribute(".nnpg", "data-drawn") or 0)


def _wait_redraw(page, before: int, timeout: float = 10_000) -> None:
    try:
        page.wait_for_function(
            "n => Number(document.querySelector('.nnpg').dataset.drawn) > n", arg=before,
            timeout=timeout,
        )  # fmt: skip
    except Exception:
        status = page.locator(".nnpg-status").inner_text()
        raise AssertionError(
            f"no redraw; status {status!r}, page errors {page.console_errors}"
        ) from None


def _act(page, action) -> None:
    """Do something and wait until the widget has drawn the kernel's answer."""
    before = _drawn(page)
    action()
    _wait_redraw(page, before)


def _epoch(page) -> int:
    return int(page.get_attribute(".nnpg", "data-epoch"))


def _loss(page) -> float:
    return float(page.get_attribute(".nnpg", "data-loss"))


def _play(page, seconds: float) -> tuple[int, int]:
    """Press play, wait, press pause: (epochs trained, frames drawn) meanwhile."""
    epoch0, drawn0 = _epoch(page), _drawn(page)
    page.get_by_label("play", exact=True).click()
    page.wait_for_timeout(seconds * 1000)
    page.get_by_label("pause", exact=True).click()
    page.wait_for_timeout(300)  # the answer to the last request
    return _epoch(page) - epoch0, _drawn(page) - drawn0


@pytest.fixture
def playground_page(jupyter_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.console_errors = []
    page.on(
        "console",
        lambda m: m.type == "error" and "nnpg" in m.text and page.console_errors.append(m.text),
    )
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    try:
        page.goto(f"{jupyter_server}/lab/workspaces/playground-setup?reset")
        page.wait_for_selector(".jp-LabShell", timeout=60_000)
        _put_notebook(page, jupyter_server)
        page.goto(f"{jupyter_server}/lab/workspaces/playground/tree/notebooks/{NAME}?reset")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        wait_for_kernel(jupyter_server, NAME)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
        page.click(".lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item[data-command='runmenu:run-all']")
        page.wait_for_timeout(500)
        page.wait_for_function(ALL_RUN, timeout=120_000)
        page.wait_for_selector(".nnpg[data-drawn]", timeout=30_000)
        errors = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()
        yield page
    finally:
        page.close()


def test_playground_draws_fits_and_every_control_answers(playground_page):
    page = playground_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = page.locator(".nnpg")
    root.scroll_into_view_if_needed()
    page.locator(".nnpg-bar").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "playground.png"))

    # Layout: at most 860 px wide; the controls and the pictures in one 1280×800 window.
    box = root.bounding_box()
    assert box["width"] <= 860
    for sel in (".nnpg-bar", ".nnpg-data", ".nnpg-net-area", ".nnpg-surface", ".nnpg-chart"):
        b = page.locator(sel).bounding_box()
        assert b["y"] >= 0 and b["y"] + b["height"] <= 800, f"{sel} is outside the window: {b}"

    # Everything is drawn: 7 feature squares, 8 + 8 + 1 neurons, 2·8 + 8·8 + 8·1 links.
    assert page.locator(".nnpg-feat").count() == 7
    assert page.locator(".nnpg-net-area canvas").count() == 7 + 17
    assert page.locator("path.nnpg-link").count() == 88
    assert int(root.get_attribute("data-points")) == 200

    # Every control has an accessible name.
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('.nnpg button, .nnpg select, .nnpg input')]
             .filter(e => !(e.getAttribute('aria-label') || e.textContent.trim()))
             .map(e => e.outerHTML)"""
    )
    assert unnamed == []

    # The speed of play for 2-8-8-1 on 200 points, one epoch per drawn frame.
    loss0 = _loss(page)
    epochs, frames = _play(page, 2.0)
    print(
        f"\nplayground 2-8-8-1, 200 points: {frames / 2:.1f} frames/s, {epochs / 2:.1f} epochs/s"
    )
    LATENCIES.append(("playground", "play: seconds per drawn epoch", [2.0 / max(1, epochs)]))
    assert epochs >= 10 and frames >= 10
    assert _loss(page) < loss0

    # Step and reset.
    epoch = _epoch(page)
    _act(page, lambda: page.get_by_label("step one epoch", exact=True).click())
    assert _epoch(page) == epoch + 1
    _act(page, lambda: page.get_by_label("reset the network", exact=True).click())
    assert _epoch(page) == 0

    # Sliders, from the keyboard; the slider-to-redraw latency is measured on "noise".
    noise = page.get_by_label("noise", exact=True)
    noise.focus()
    times = []
    for _ in range(PRESSES):
        before = _drawn(page)
        start = time.perf_counter()
        noise.press("ArrowRight")
        _wait_redraw(page, before)
        times.append(time.perf_counter() - start)
    LATENCIES.append(("playground", "noise slider → redraw", times))
    print(f"\nplayground: noise slider → redrawn, median {statistics.median(times) * 1000:.0f} ms")
    assert statistics.median(times) < 1.0
    for label in ("training data", "batch size"):
        el = page.get_by_label(label)
        el.focus()
        _act(page, lambda el=el: el.press("ArrowRight"))
    assert int(root.get_attribute("data-points")) == 200

    # Drop-downs and buttons.
    _act(page, lambda: page.get_by_label("learning rate", exact=True).select_option("0.3"))
    _act(page, lambda: page.get_by_label("activation", exact=True).select_option("relu"))
    _act(page, lambda: page.get_by_label("data set xor", exact=True).click())
    assert page.get_by_label("data set xor", exact=True).get_attribute("aria-pressed") == "true"
    _act(page, lambda: page.get_by_label("feature x₁x₂", exact=True).click())
    assert page.locator("path.nnpg-link").count() == 3 * 8 + 8 * 8 + 8
    for name in (
        "remove a neuron from hidden layer 1",  # 7, 8
        "add a hidden layer",  # 7, 8, 8
        "remove a neuron from hidden layer 3",  # 7, 8, 7
        "add a neuron to hidden layer 1",  # 8, 8, 7
        "remove a hidden layer",  # 8, 8
    ):
        _act(page, lambda name=name: page.get_by_label(name, exact=True).click())
    assert page.locator("path.nnpg-link").count() == 3 * 8 + 8 * 8 + 8
    assert "2 hidden layers" in page.locator(".nnpg-layers").inner_text()
    _act(page, lambda: page.get_by_label("discretize output", exact=True).check())
    page.get_by_label("show test data", exact=True).check()
    _act(page, lambda: page.get_by_label("problem", exact=True).select_option("regression"))
    assert page.get_by_label("data set hills", exact=True).count() == 1
    _act(page, lambda: page.get_by_label("problem", exact=True).select_option("classification"))
    _act(page, lambda: page.get_by_label("discretize output", exact=True).uncheck())

    # The advanced panel: folded until opened.
    assert not page.get_by_label("optimiser", exact=True).is_visible()
    page.locator(".nnpg-adv summary").click()
    _act(page, lambda: page.get_by_label("optimiser", exact=True).select_option("adam"))
    _act(page, lambda: page.get_by_label("regularisation", exact=True).select_option("L2"))
    _act(page, lambda: page.get_by_label("regularisation rate", exact=True).select_option("0.001"))
    points = page.get_by_label("points", exact=True)
    points.focus()
    _act(page, lambda: points.press("ArrowRight"))
    assert int(root.get_attribute("data-points")) == 250
    seed = page.get_by_label("seed", exact=True)
    _act(page, lambda: seed.fill("3") or seed.press("Enter"))
    page.get_by_label("epochs per frame", exact=True).select_option("2")
    _act(page, lambda: page.get_by_label("show this network as nnlib code", exact=True).click())
    page.wait_for_selector(".nnpg-code:not([hidden])", timeout=5000)
    assert "nn.Sequential(" in page.locator(".nnpg-code").inner_text()
    assert "optim.Adam" in page.locator(".nnpg-code").inner_text()

    # A drawn data set: click the output picture.
    _act(page, lambda: page.get_by_label("data set custom", exact=True).click())
    assert int(root.get_attribute("data-points")) == 0
    surface = page.locator(".nnpg-surface")
    for k, (x, y) in enumerate([(40, 40), (200, 200), (60, 200), (200, 50)]):
        _act(page, lambda x=x, y=y, k=k: surface.click(position={"x": x, "y": y},
             modifiers=["Shift"] if k % 2 else []))  # fmt: skip
    assert int(root.get_attribute("data-points")) == 4
    _act(page, lambda: page.get_by_label("remove every drawn point", exact=True).click())
    assert int(root.get_attribute("data-points")) == 0
    _act(page, lambda: page.get_by_label("data set circle", exact=True).click())

    # Edit one weight: choose it, type a value; the link redraws thicker.
    page.get_by_label("weight to edit", exact=True).select_option("w:0:0:0")
    value = page.get_by_label("weight value", exact=True)
    _act(page, lambda: value.fill("2.5") or value.press("Enter"))
    first = page.locator("path.nnpg-link").first
    assert float(first.get_attribute("stroke-width")) == pytest.approx(0.6 + 5 * 2.5 / 3.5, 0.01)
    assert first.get_attribute("stroke") == "#0072B2"
    _act(page, lambda: value.fill("-1") or value.press("Enter"))
    assert first.get_attribute("stroke") == "#E69F00"
    assert first.get_attribute("stroke-dasharray") == "5 3"

    # Play for two seconds (now 2 epochs per frame, Adam, ReLU): the loss goes down.
    loss0 = _loss(page)
    epochs, frames = _play(page, 2.0)
    print(f"playground: 2 s of play drew {frames} frames, {epochs} epochs")
    assert epochs >= 10 and frames >= 5
    assert _loss(page) < loss0
    page.screenshot(path=str(ARTIFACTS / "playground-trained.png"))
    assert page.locator(".nnpg-status").inner_text() == ""
