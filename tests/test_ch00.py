"""Chapter 00's companion (nnlib.chapters.ch00): explorers and exercises."""

from nnlib.chapters.ch00 import square_explorer, square_readout


def test_square_readout_is_the_function_and_its_slope():
    assert square_readout(-2.0) == {"x": -2.0, "y": 4.0, "slope": -4.0}
    assert square_readout(0.0)["slope"] == 0.0


def test_square_explorer_follows_its_slider():
    ex = square_explorer()
    assert ex.result == square_readout(1.5)
    ex.sliders["x"].value = -2.0
    assert ex.result == {"x": -2.0, "y": 4.0, "slope": -4.0}
    assert "<b>4.00</b>" in ex.readout.value and "<b>-4.00</b>" in ex.readout.value
