"""Widget logic without a browser: set a slider, read what the explorer shows."""

import ipywidgets as widgets
import pytest

from nnlib.widgets import Explorer, slider, square_explorer, square_readout


def test_square_readout_is_the_function_and_its_slope():
    assert square_readout(-2.0) == {"x": -2.0, "y": 4.0, "slope": -4.0}
    assert square_readout(0.0)["slope"] == 0.0


def test_square_explorer_follows_its_slider():
    ex = square_explorer()
    assert ex.result == square_readout(1.5)
    ex.sliders["x"].value = -2.0
    assert ex.result == {"x": -2.0, "y": 4.0, "slope": -4.0}
    assert "<b>4.00</b>" in ex.readout.value and "<b>-4.00</b>" in ex.readout.value


def test_explorer_wires_any_pure_function():
    calls = []

    def compute(a, b):
        calls.append((a, b))
        return a * b

    ex = Explorer(
        {"a": slider("a", 1.0, 0.0, 5.0, 0.5), "b": slider("b", 2.0, 0.0, 5.0, 0.5)},
        compute,
        lambda r: f"product {r:.1f}",
        title="demo",
    )
    ex.sliders["b"].value = 3.0
    assert ex.result == 3.0 and ex.readout.value == "product 3.0"
    assert calls == [(1.0, 2.0), (1.0, 3.0)]
    assert ex.values() == {"a": 1.0, "b": 3.0}
    assert isinstance(ex.widget, widgets.VBox)
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_slider_clamps_to_its_range():
    s = slider("x", 0.0, -1.0, 1.0, 0.1)
    s.value = 5.0
    assert s.value == pytest.approx(1.0)
