"""Widget logic without a browser: set a slider, read what the explorer shows."""

import importlib
import inspect
import io
import pkgutil

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from nnlib import chapters
from nnlib.plots import (
    COLOR_CYCLE,
    COLORS,
    CourseFigure,
    FastRenderer,
    describe_figure,
    figure_png,
    new_figure,
)
from nnlib.widgets import (
    Explorer,
    FigureImage,
    IntSlider,
    LogSlider,
    Slider,
    format_number,
    int_slider,
    log_slider,
    show_figure,
    slider,
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


@pytest.mark.parametrize(
    ("value", "spec", "shown"),
    [
        (0.316, ".2g", "0.32"),
        (1e-8, ".2g", "1e-8"),
        (3.16e-8, ".2g", "3.2e-8"),
        (0.001, ".2g", "0.001"),
        (2.0, ".2g", "2"),
        (1234567.0, ".3g", "1.23e6"),
        (0.5, ".3~f", "0.5"),
        (0.5, ".3f", "0.500"),
        (-0.001, ".2f", "0.00"),
        (3.0, "d", "3"),
        (0.25, ".0%", "25%"),
        (1e-8, ".1e", "1.0e-8"),
        (1e-8, ".1~e", "1e-8"),
        (0.316, ".2~g", "0.32"),
    ],
)
def test_readouts_are_numbers_a_person_reads(value, spec, shown):
    assert format_number(value, spec) == shown


def test_bad_readout_format_is_refused_with_an_example():
    with pytest.raises(ValueError, match="readout format must look like"):
        format_number(1.0, "%.2f")
    with pytest.raises(ValueError, match="readout format"):
        slider("x", 0.0, -1.0, 1.0, 0.1, readout_format="{:.2f}")


def test_sliders_keep_floatslider_interface():
    s = slider("weight w", 0.5, -1.0, 1.0, 0.1, units="kg", tooltip="the weight")
    assert isinstance(s, Slider) and isinstance(s, widgets.DOMWidget)
    assert (s.value, s.min, s.max, s.step, s.description) == (0.5, -1.0, 1.0, 0.1, "weight w")
    assert s.readout and s.continuous_update and s.readout_text == "0.50 kg"
    seen = []
    s.observe(lambda change: seen.append(change["new"]), names="value")
    s.value = -0.25
    assert seen == [-0.25]
    s.readout_format = ".1f"
    assert s.readout_text == "-0.2 kg"  # -0.25 rounds to even, as Python and JS both do
    s.min = 0.0  # narrowing the range moves the value into it
    assert s.value == 0.0
    with pytest.raises(ValueError, match="must not exceed"):
        Slider(value=0, min=2, max=1)
    assert "application/vnd.jupyter.widget-view+json" in s._repr_mimebundle_()[0]
    assert repr(s) == "Slider('weight w', value=0.0 kg)"


def test_log_slider_moves_in_powers_of_ten_and_reads_plainly():
    s = log_slider("h", 0.3, -4, 0.3)
    assert isinstance(s, LogSlider) and (s.min, s.max, s.step, s.base) == (-4, 0.3, 0.25, 10)
    assert s.readout_text == "0.3"
    s.value = 1e-8  # below 10⁻⁴: clamped
    assert s.value == pytest.approx(1e-4) and s.readout_text == "0.0001"
    s.value = 100.0
    assert s.value == pytest.approx(10**0.3)
    s.readout_format = ".2~g"  # what a chapter may set, as in d3's format language
    assert s.readout_text == "2"


def test_int_slider_gives_ints():
    s = int_slider("hidden units", 5, 1, 40, units="units")
    assert isinstance(s, IntSlider)
    s.value = 100
    assert s.value == 40 and isinstance(s.value, int) and s.readout_text == "40 units"


def test_new_figure_uses_the_course_palette_without_global_state():
    import matplotlib as mpl

    before = mpl.rcParams["axes.prop_cycle"]
    _, ax = new_figure()
    lines = [ax.plot([0, 1], [0, k])[0] for k in range(3)]
    assert [line.get_color() for line in lines] == list(COLOR_CYCLE[:3])
    assert mpl.rcParams["axes.prop_cycle"] == before
    assert set(COLOR_CYCLE) <= set(COLORS.values())


def test_figures_carry_alt_text():
    fig, axes = new_figure(8, 3, ncols=2)
    axes[0].set(title="loss", xlabel="step", ylabel="loss")
    axes[1].set(title="accuracy")
    assert describe_figure(fig) == (
        "Figure: 2 panels: loss (x axis: step; y axis: loss); accuracy."
    )
    data, metadata = fig._repr_mimebundle_()
    assert 'alt="Figure: 2 panels: loss' in data["text/html"]
    assert data["image/png"].startswith(b"\x89PNG") and data["text/plain"].startswith("Figure")
    assert metadata["image/png"]["alt"] == describe_figure(fig)
    fig.alt = "Two curves: <loss> falls, accuracy rises."
    data, _ = fig._repr_mimebundle_()
    assert 'alt="Two curves: &lt;loss&gt; falls, accuracy rises."' in data["text/html"]
    fig2, _ = new_figure(alt="A parabola.")
    assert isinstance(fig2, CourseFigure) and fig2.describe() == "A parabola."
    assert fig2._repr_png_()[1] == {"alt": "A parabola."}


def test_explorer_alt_text_default_and_given():
    fig, ax = new_figure()
    ax.set(title="f(x) = x²", xlabel="x", ylabel="f(x)")
    (line,) = ax.plot([], [])

    def draw(r):
        line.set_data([0, 1], [0, r])

    sliders = {"x": slider("x", 1.0, 0.0, 2.0, 0.5)}
    ex = Explorer(sliders, lambda x: x * x, figure=fig, draw=draw)
    assert isinstance(ex.image, FigureImage) and ex.image.width == 614
    assert ex.image.alt == "Figure: f(x) = x² (x axis: x; y axis: f(x)). Now: x = 1.00."
    before = ex.image.value
    ex.sliders["x"].value = 2.0
    assert ex.image.alt.endswith("Now: x = 2.00.") and ex.image.value != before
    ex2 = Explorer(
        {"x": slider("x", 1.0, 0.0, 2.0, 0.5)},
        lambda x: x * x,
        figure=new_figure()[0],
        alt=lambda r: f"A bar of height {r:.1f}.",
    )
    ex2.sliders["x"].value = 1.5
    assert ex2.image.alt == "A bar of height 2.2."  # 2.25 rounds to even
    plain = widgets.Image(format="png")  # show_figure still fills an ipywidgets Image
    show_figure(fig, plain)
    assert bytes(plain.value).startswith(b"\x89PNG")


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


def _chapter_explorers():
    for info in pkgutil.iter_modules(chapters.__path__):
        module = importlib.import_module(f"nnlib.chapters.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_explorer") and fn.__module__ == module.__name__:
                params = inspect.signature(fn).parameters.values()
                if all(p.default is not p.empty for p in params):
                    yield pytest.param(fn, id=f"{info.name}.{name}")


@pytest.mark.parametrize("make", list(_chapter_explorers()))
def test_fast_redraws_match_full_redraws_pixel_for_pixel(make):
    """Every chapter explorer: the picture after each slider step, drawn by redrawing only
    what changed, equals a full redraw of a twin explorer moved the same way."""
    ex, twin = make(), make()
    if ex.figure is None:
        pytest.skip("this explorer has no figure")
    for name, s in ex.sliders.items():
        if not hasattr(s, "step"):
            continue
        for k in range(2):
            if isinstance(s, LogSlider):
                value = s.value * 10 ** (s.step * (k + 1))
            else:
                value = s.value + s.step * (k + 1)
            if value > s._highest():
                value = s._lowest()
            s.value = value
            twin.sliders[name].value = value
            assert np.array_equal(_pixels(ex.image.value), _pixels(figure_png(twin.figure))), (
                f"{name} = {value}"
            )


def test_fast_renderer_redraws_in_full_when_the_frame_changes():
    fig, ax = new_figure()
    (line,) = ax.plot([0, 1], [0, 1])
    ax.set_xlim(0, 1)
    r = FastRenderer(fig)
    r.png()
    line.set_ydata([1, 0])
    r.png()  # learns that the line moves: a full draw
    line.set_ydata([0.5, 0.5])
    r.png()
    assert (r.full_draws, r.fast_draws) == (2, 1)
    ax.set_xlim(0, 2)  # the frame changed: everything again
    r.png()
    assert r.full_draws == 3
    figure_png(fig)  # someone else drew it: the background is not trusted
    line.set_ydata([0, 0])
    assert np.array_equal(_pixels(r.png()), _pixels(figure_png(fig)))
    assert r.full_draws == 4
