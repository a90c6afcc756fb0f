"""Chapter 02's companion (nnlib.chapters.ch02): explorers and exercises."""

import pytest

from nnlib.chapters.ch02 import (
    SURFACES,
    build_graph,
    gradient_explorer,
    gradient_readout,
    nudge_explorer,
    nudge_readout,
)


def test_build_graph_is_the_syllabus_graph():
    L, inputs = build_graph()
    L.backward()
    assert L.data == -8.0
    assert {k: v.grad for k, v in inputs.items()} == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}


def test_nudge_readout_matches_gradients():
    r = nudge_readout(db=1.0)
    assert r["rows"]["b"] == {"nudge": 1.0, "new_L": -12.0, "ratio": -4.0, "gradient": -4.0}
    assert r["rows"]["a"]["ratio"] is None  # not nudged
    assert r["together"] == -12.0 == r["predicted"]


def test_nudge_explorer_follows_each_slider():
    ex = nudge_explorer()
    assert set(ex.sliders) == {"da", "db", "dc", "df"}
    ex.sliders["da"].value = 0.5
    ex.sliders["df"].value = -0.25
    rows = ex.result["rows"]
    assert rows["a"]["ratio"] == pytest.approx(6.0)
    assert rows["f"]["ratio"] == pytest.approx(4.0)
    # a and f multiply: nudging both is not exactly linear
    exact = (2.5 * -3 + 10) * -2.25
    assert ex.result["together"] == pytest.approx(exact)
    assert ex.result["predicted"] == pytest.approx(-8 + 6 * 0.5 + 4 * -0.25)
    assert "<b>6.000</b>" in ex.readout.value


def test_gradient_readout_agrees_with_numerical_gradient():
    for name in SURFACES:
        r = gradient_readout(name, 0.7, -1.1)
        assert r["grad"] == pytest.approx(r["numeric"], abs=1e-6), name
    assert gradient_readout("bowl: x² + 3y²", 1.0, 1.0)["grad"] == (2.0, 6.0)
    with pytest.raises(ValueError, match="surface must be one of"):
        gradient_readout("cone", 0.0, 0.0)


def test_gradient_explorer_moves_point_and_switches_surface():
    ex = gradient_explorer()
    ex.sliders["x"].value = -1.0
    ex.sliders["y"].value = 0.5
    assert ex.result["grad"] == pytest.approx((-2.0, 3.0))
    ax = ex.figure.axes[0]
    point = next(line for line in ax.get_lines() if line.get_marker() == "o")
    assert tuple(point.get_xydata()[0]) == (-1.0, 0.5)
    before = ex.image.value
    ex.sliders["surface"].value = "saddle: x² - y²"
    assert ex.result["grad"] == pytest.approx((-2.0, -1.0))
    assert ex.image.value != before and "saddle" in ax.get_title()
