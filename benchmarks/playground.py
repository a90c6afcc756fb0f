"""How many training steps per second the playground trains *and* draws.

    python -m benchmarks.playground

The set-up of the course's goal: a 2-8-8-1 tanh network (features x₁, x₂) on
200 points (100 train, 100 test), batch size 10, SGD. One *step* is one epoch
(10 mini-batch updates) followed by everything the browser needs to draw it:
losses on both sets, the full-batch gradient of every weight, per-layer
statistics, the 50×50 output surface and a 16×16 heatmap per neuron, encoded
as the widget sends them (the JSON frame plus float32 bytes).

Three rows, each the median (and the range) of 5 runs of 200 steps:

1. training only (``PlaygroundModel.step``);
2. training and the numbers drawn (``step`` + ``frame`` + encoding);
3. the widget's own message handler (``Playground._on_message``, as when the
   browser asks for the next step), where anywidget is installed.

What the browser adds (the round trip through JupyterLab and the drawing) is
measured by tests/browser/test_playground.py, which prints the frames per
second seen in headless Chromium.
"""

from __future__ import annotations

import json
import statistics
import time

import numpy as np

from nnlib.playground.model import PlaygroundModel

CONFIG = {"dataset": "spiral", "n_points": 200, "features": ["x1", "x2"], "hidden": [8, 8]}
STEPS = 200
RUNS = 5


def _rate(fn) -> tuple[float, float, float]:
    """Steps per second: (median, lowest, highest) over ``RUNS`` runs of ``STEPS`` steps."""
    rates = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for _ in range(STEPS):
            fn()
        rates.append(STEPS / (time.perf_counter() - start))
    return statistics.median(rates), min(rates), max(rates)


def train_only() -> tuple[float, float, float]:
    m = PlaygroundModel(**CONFIG)
    return _rate(lambda: m.step(1))


def train_and_draw() -> tuple[float, float, float]:
    m = PlaygroundModel(**CONFIG)

    def one():
        m.step(1)
        f = m.frame(50, 16)
        grids = [f["surface"].ravel(), *(g.ravel() for g in f["neurons"][1:])]
        np.concatenate(grids).astype("<f4").tobytes()
        json.dumps({k: v for k, v in f.items() if k not in ("surface", "neurons")})

    return _rate(one)


def widget_handler() -> tuple[float, float, float] | None:
    try:
        from nnlib.playground import Playground
    except ImportError:
        return None
    pg = Playground(**CONFIG)
    return _rate(lambda: pg._on_message(pg, {"type": "step", "n": 1}, []))


def _show(rate) -> str:
    if rate is None:
        return "anywidget not installed"
    median, low, high = rate
    return f"{median:6.0f} steps/s  (runs {low:.0f} to {high:.0f})"


def main() -> None:
    print(f"playground 2-8-8-1, 200 points, batch 10: steps (epochs) per second, "
          f"median of {RUNS} runs of {STEPS} steps")  # fmt: skip
    print(f"  training only                       {_show(train_only())}")
    print(f"  training + numbers drawn (encoded)  {_show(train_and_draw())}")
    print(f"  widget message handler              {_show(widget_handler())}")


if __name__ == "__main__":
    main()
