"""A short run of the benchmarks: the same numbers as micrograd, and the speed-ups hold."""

import sys

import pytest

from benchmarks.__main__ import bench_backprop, bench_micrograd


def test_micrograd_demo_loop_same_losses_and_faster():
    pytest.importorskip("micrograd", reason="micrograd is not installed")
    times, note = bench_micrograd(steps=3)
    assert "max loss difference" in note
    diff = float(note.rsplit(" ", 1)[1])
    assert diff <= 1e-9, note
    # The goal is 5x (measured: about 12x, benchmarks/README.md); fail only on a gross regression.
    # Under a line tracer (coverage, a debugger) nnlib's lines are traced and micrograd's are
    # not, so the ratio says nothing there: python -m benchmarks is the real measurement.
    if sys.gettrace() is None:
        assert times[0] / times[1] > 3, note


def test_backprop_beats_numerical_gradients_by_orders_of_magnitude():
    times, note = bench_backprop()
    assert times[0] / times[1] > 100, note
    assert float(note.rsplit(" ", 1)[1]) < 1e-8, note
