"""The interactive explorers the chapters call, one function each.

Chapter 00 introduces them. Every explorer has two layers:

- a **pure function** from slider values to what is shown (numbers, arrays,
  text). It is where the mathematics lives, and tests call it directly;
- a thin **shell** (`Explorer`) that builds the sliders, calls the pure
  function whenever a slider moves, and updates the readout and the figure
  in place.

In a notebook you call one function, e.g. ``square_explorer()``, and play.
In a test you build the same explorer, set ``ex.sliders["x"].value = 2`` and
assert on ``ex.result`` or ``ex.readout.value``; no browser is needed.

The sliders are the course's own (``Slider``, ``LogSlider``, ``IntSlider``):
the same Python interface as ipywidgets' FloatSlider (``value``, ``min``,
``max``, ``step``, ``description``, ``readout``, ``readout_format``,
``continuous_update``, ``observe``), drawn in the browser as a native range
input. That makes them work with the keyboard (arrows, Page Up/Down, Home,
End) and gives every slider an accessible name and a spoken value, which
ipywidgets' own slider handle lacks. Figures are shown by ``FigureImage``, a
picture with a text alternative (ipywidgets' Image has no alt attribute).
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Mapping

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.figure import Figure

from nnlib import _frontend
from nnlib.plots import FastRenderer, describe_figure

__all__ = [
    "Explorer",
    "FigureImage",
    "IntSlider",
    "LogSlider",
    "Slider",
    "dropdown",
    "format_number",
    "int_slider",
    "log_slider",
    "show_figure",
    "slider",
    "value_slope_table",
]

_FORMAT = re.compile(r"(?:\.(\d+))?(~)?([efgd%])?")


def _exponent(text: str) -> str:
    # "3.16e-08" -> "3.16e-8", "1e+02" -> "1e2": how people write powers of ten.
    mantissa, _, power = text.partition("e")
    return f"{mantissa}e{int(power)}"


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_number(value: float, spec: str = ".2f") -> str:
    """A slider readout, as a person writes the number.

    ``spec`` is a small format language shared with the browser side of the
    sliders: ``.Nf`` (N decimals), ``.Ne`` (powers of ten), ``.Ng`` (N
    significant digits, trailing zeros dropped, powers of ten only below
    0.0001 or from a million up), ``d`` (whole numbers), ``.N%``; a ``~``
    after the digits drops trailing zeros. Powers of ten read ``1e-8``, never
    ``1.0e-08``.

    >>> format_number(0.316, ".2g"), format_number(1e-8, ".2g"), format_number(0.5, ".3~f")
    ('0.32', '1e-8', '0.5')
    """
    m = _FORMAT.fullmatch(spec or "")
    if m is None:
        raise ValueError(f"readout format must look like '.2f', '.2g', '.1e' or 'd', got {spec!r}")
    digits, trim, kind = m.group(1), bool(m.group(2)), m.group(3) or "g"
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if kind == "d":
        text = str(round(value))
    elif kind == "f":
        text = f"{value:.{6 if digits is None else int(digits)}f}"
        text = _trim(text) if trim else text
    elif kind == "%":
        text = f"{value * 100:.{0 if digits is None else int(digits)}f}"
        text = (_trim(text) if trim else text) + "%"
    elif kind == "e":
        mantissa = f"{value:.{6 if digits is None else int(digits)}e}"
        head, _, power = mantissa.partition("e")
        text = _exponent(f"{_trim(head) if trim else head}e{power}")
    else:  # g: significant digits, as Python's g but with readable powers of ten
        p = max(1, 6 if digits is None else int(digits))
        if value == 0:
            text = "0"
        else:
            rounded = float(f"{value:.{p - 1}e}")
            power = math.floor(math.log10(abs(rounded)))
            if power < -4 or power >= max(p, 6):
                head, _, tail = f"{value:.{p - 1}e}".partition("e")
                text = _exponent(f"{_trim(head)}e{tail}")
            else:
                text = _trim(f"{value:.{max(0, p - 1 - power)}f}")
    if re.fullmatch(r"-0(\.0*)?%?", text):  # no "-0.00"
        text = text[1:]
    return text


class _SliderBase(anywidget.AnyWidget):
    """What every course slider shares: a labelled native range input and a readout."""

    _esm = _frontend.SLIDER_ESM
    _css = _frontend.SLIDER_CSS

    description = traitlets.Unicode("").tag(sync=True)
    description_width = traitlets.Unicode("initial").tag(sync=True)
    readout = traitlets.Bool(True).tag(sync=True)
    readout_format = traitlets.Unicode(".2f").tag(sync=True)
    continuous_update = traitlets.Bool(True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    units = traitlets.Unicode("").tag(sync=True)
    scale = traitlets.Unicode("linear").tag(sync=True)
    base = traitlets.Float(10.0).tag(sync=True)

    def __init__(self, value=None, min=None, max=None, step=None, **kwargs):
        bounds = {k: v for k, v in (("min", min), ("max", max), ("step", step)) if v is not None}
        super().__init__(**bounds, **kwargs)
        if self.min > self.max:
            raise ValueError(f"slider min ({self.min}) must not exceed max ({self.max})")
        if value is not None:
            self.value = value
        else:
            self.value = self._clamp(self.value)

    @traitlets.validate("readout_format")
    def _check_format(self, proposal):
        format_number(1.0, proposal["value"])  # raises ValueError with a clear message
        return proposal["value"]

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        return self._clamp(proposal["value"])

    @traitlets.observe("min", "max")
    def _bounds_changed(self, _change):
        self.value = self._clamp(self.value)

    def _lowest(self):
        return self.min

    def _highest(self):
        return self.max

    def _clamp(self, value):
        return float(np.clip(value, self._lowest(), self._highest()))

    @property
    def readout_text(self) -> str:
        """The readout as the learner sees it (e.g. "0.32", "1e-8 s")."""
        text = format_number(self.value, self.readout_format)
        return f"{text} {self.units}" if self.units else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.description!r}, value={self.readout_text})"


class Slider(_SliderBase):
    """A slider for a real number (FloatSlider's interface), keyboard-usable and named."""

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(10.0).tag(sync=True)
    step = traitlets.Float(0.1).tag(sync=True)


class LogSlider(_SliderBase):
    """A slider that moves in powers of ``base`` (FloatLogSlider's interface).

    ``min``, ``max`` and ``step`` are exponents: ``LogSlider(value=0.01, min=-4,
    max=0, step=0.25)`` goes from 10⁻⁴ to 1 in quarter decades.
    """

    value = traitlets.Float(1.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(4.0).tag(sync=True)
    step = traitlets.Float(0.1).tag(sync=True)
    scale = traitlets.Unicode("log").tag(sync=True)
    readout_format = traitlets.Unicode(".2g").tag(sync=True)

    def _lowest(self):
        return self.base**self.min

    def _highest(self):
        return self.base**self.max


class IntSlider(_SliderBase):
    """A slider for whole numbers (IntSlider's interface), keyboard-usable and named."""

    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)
    readout_format = traitlets.Unicode("d").tag(sync=True)

    def _clamp(self, value):
        return int(np.clip(value, self.min, self.max))


def slider(
    description: str,
    value: float,
    min: float,
    max: float,
    step: float,
    *,
    readout_format: str = ".2f",
    continuous_update: bool = True,
    description_width: str = "initial",
    units: str = "",
    tooltip: str = "",
) -> Slider:
    """A slider for a real number, with the course's look: wide, labelled, two decimals.

    Give sliders that are shown together the same ``description_width`` (such
    as "130px") so that their tracks line up. ``units`` follow the readout
    ("0.25 s"); ``tooltip`` shows on hover. Choose ``step`` so that ten
    arrow-key presses make a change the learner can see.
    """
    return Slider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=continuous_update,
        description_width=description_width,
        units=units,
        tooltip=tooltip,
        layout=widgets.Layout(width="420px"),
    )


def log_slider(
    description: str,
    value: float,
    min_exp: float,
    max_exp: float,
    step: float = 0.25,
    *,
    readout_format: str = ".2g",
    continuous_update: bool = True,
    description_width: str = "initial",
    units: str = "",
    tooltip: str = "",
) -> LogSlider:
    """A slider that moves in powers of ten, for step sizes like h = 10⁻⁸ … 1.

    ``min_exp`` and ``max_exp`` are the powers of ten at the ends; each arrow
    press moves ``step`` decades (a quarter by default: four presses per factor
    of ten). The readout shows the value as a person writes it: "0.32",
    "1e-8".
    """
    return LogSlider(
        value=value,
        base=10,
        min=min_exp,
        max=max_exp,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=continuous_update,
        description_width=description_width,
        units=units,
        tooltip=tooltip,
        layout=widgets.Layout(width="420px"),
    )


def int_slider(
    description: str,
    value: int,
    min: int,
    max: int,
    *,
    step: int = 1,
    continuous_update: bool = True,
    description_width: str = "initial",
    units: str = "",
    tooltip: str = "",
) -> IntSlider:
    """A slider for counts (steps, units, nodes), with the course's look."""
    return IntSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        continuous_update=continuous_update,
        description_width=description_width,
        units=units,
        tooltip=tooltip,
        layout=widgets.Layout(width="420px"),
    )


class FigureImage(anywidget.AnyWidget):
    """A PNG picture with a text alternative (``alt``), redrawn in place.

    ``value`` holds the PNG bytes (as ipywidgets' Image does); ``width`` is
    the widest it is shown, in pixels (it shrinks with a narrow window).
    """

    _esm = _frontend.FIGURE_ESM

    value = traitlets.Bytes(b"").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)
    format = "png"


_RENDERERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def show_figure(figure: Figure, image, alt: str | None = None) -> None:
    """Draw ``figure`` into ``image`` (a ``FigureImage`` or an ipywidgets Image) as PNG.

    The first call lays the figure out; later redraws keep that layout and
    redraw only what changed (see ``nnlib.plots.FastRenderer``), which makes
    them several times faster. ``alt`` (default: the figure's own text
    alternative) becomes the picture's alt text.
    """
    renderer = _RENDERERS.get(figure)
    if renderer is None:
        renderer = _RENDERERS[figure] = FastRenderer(figure)
    png = renderer.png()
    figure.set_layout_engine(None)
    if isinstance(image, FigureImage):
        if alt is None:
            alt = figure.describe() if hasattr(figure, "describe") else describe_figure(figure)
        with image.hold_sync():
            image.alt = alt
            image.value = png
    else:
        image.value = png


def _slider_values_text(sliders: Mapping[str, widgets.Widget]) -> str:
    parts = []
    for s in sliders.values():
        name = getattr(s, "description", "") or "value"
        shown = s.readout_text if isinstance(s, _SliderBase) else getattr(s, "value", "")
        parts.append(f"{name} = {shown}")
    return ", ".join(parts)


class Explorer:
    """Sliders, a readout and (optionally) a figure, wired to a pure function.

    ``compute(**slider_values)`` returns a result (any object); ``render(result)``
    turns it into the HTML shown under the sliders; ``draw(result)``, when a
    ``figure`` is given, updates that figure's artists in place, and the
    explorer shows the figure as a picture. Moving any slider runs all of
    them again; ``result`` always holds the latest result.

    ``alt`` is the picture's text alternative: a string, or a function of the
    result returning one (so that it can say what the picture shows now). By
    default it is the figure's own description (its ``alt``, or its titles
    and axis labels) followed by the sliders' current values.
    """

    def __init__(
        self,
        sliders: Mapping[str, widgets.ValueWidget],
        compute: Callable[..., object],
        render: Callable[[object], str] | None = None,
        *,
        figure: Figure | None = None,
        draw: Callable[[object], None] | None = None,
        title: str = "",
        alt: str | Callable[[object], str] | None = None,
    ):
        self.sliders = dict(sliders)
        self.compute = compute
        self.render = render
        self.figure = figure
        self.draw = draw
        self.alt = alt
        self.readout = widgets.HTML()
        self.image = None
        self.result: object = None
        controls: list[widgets.Widget] = []
        if title:
            controls.append(widgets.HTML(f"<b>{title}</b>"))
        controls += [*self.sliders.values(), self.readout]
        if figure is not None:
            self.image = FigureImage(width=round(figure.get_figwidth() * figure.dpi))
            self.widget = widgets.VBox([widgets.VBox(controls), self.image])
        else:
            self.widget = widgets.VBox(controls)
        for s in self.sliders.values():
            s.observe(self._changed, names="value")
        self.update()

    def values(self) -> dict[str, object]:
        """The sliders' current values, by name."""
        return {name: s.value for name, s in self.sliders.items()}

    def alt_text(self) -> str:
        """The text alternative of the picture as it is now."""
        if callable(self.alt):
            return str(self.alt(self.result))
        if self.alt:
            return self.alt
        fig = self.figure
        own = fig.describe() if hasattr(fig, "describe") else describe_figure(fig)
        return f"{own} Now: {_slider_values_text(self.sliders)}."

    def update(self) -> None:
        """Recompute from the sliders and refresh what is shown."""
        self.result = self.compute(**self.values())
        if self.render is not None:
            self.readout.value = self.render(self.result)
        if self.figure is not None:
            if self.draw is not None:
                self.draw(self.result)
            show_figure(self.figure, self.image, alt=self.alt_text())

    def _changed(self, _change) -> None:
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def value_slope_table(items: dict, first: str, value: str, slope: str, fmt: str = ".4f") -> str:
    """An HTML table with one row per name: its value and its slope."""
    rows = "".join(
        f"<tr><td>{name}</td><td>{v:{fmt}}</td><td>{s:{fmt}}</td></tr>"
        for name, (v, s) in items.items()
    )
    return (
        f"<table cellpadding='3'><tr><th>{first}</th><th>{value}</th><th>{slope}</th></tr>"
        f"{rows}</table>"
    )


def dropdown(description: str, options, value=None):
    """A labelled drop-down list."""
    return widgets.Dropdown(
        options=options,
        value=value if value is not None else next(iter(options)),
        description=description,
        style={"description_width": "initial"},
    )
