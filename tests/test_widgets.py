"""Widget logic without a browser: set a slider, read what the explorer shows."""

import ipywidgets as widgets
import pytest

from nnlib.widgets import (
    PLAYGROUND_DATA,
    Explorer,
    make_playground,
    playground,
    playground_accuracy,
    slider,
    train_playground,
)


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


def test_playground_learns_every_data_set():
    for name in PLAYGROUND_DATA:
        state = make_playground(name, noise=0.1, hidden=8)
        before = playground_accuracy(state)
        train_playground(state, 300)
        assert state["losses"][-1] < state["losses"][0] / 3, name
        assert playground_accuracy(state) >= max(before, 0.9), name
    with pytest.raises(ValueError, match="dataset must be one of"):
        make_playground("circles")
    with pytest.raises(ValueError, match="activation must be one of"):
        make_playground(activation="swish")


def test_playground_widget_ticks_and_resets():
    pg = playground()
    first = pg.image.value
    pg.tick()
    assert pg.state["epoch"] == pg.STEPS_PER_TICK and pg.image.value != first
    assert "step <b>20</b>" in pg.readout.value
    pg.play.value = 1  # what the play button does on each tick
    assert pg.state["epoch"] == 2 * pg.STEPS_PER_TICK
    pg.sliders["hidden"].value = 3  # any change starts a fresh network
    assert pg.state["epoch"] == 0 and pg.state["model"][0].weight.shape == (3, 2)
    pg.sliders["dataset"].value = "blobs"
    assert pg.state["model"][-1].weight.shape[0] == 3  # three classes
    pg.reset_button.click()
    assert pg.state["losses"] == []
    assert "application/vnd.jupyter.widget-view+json" in pg._repr_mimebundle_()
