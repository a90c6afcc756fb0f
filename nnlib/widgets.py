"""The interactive explorers the chapters call, one function each.

Chapter 00 introduces them. Every explorer has two layers:

- a **pure function** from slider values to what is shown (numbers, arrays,
  text). It is where the mathematics lives, and tests call it directly;
- a thin **shell** (`Explorer`) that builds ipywidgets sliders, calls the pure
  function whenever a slider moves, and updates the readout (and a figure, in
  later chapters) in place.

In a notebook you call one function, e.g. ``square_explorer()``, and play.
In a test you build the same explorer, set ``ex.sliders["x"].value = 2`` and
assert on ``ex.result`` or ``ex.readout.value``; no browser is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets

__all__ = ["Explorer", "slider", "square_explorer", "square_readout"]


def slider(
    description: str,
    value: float,
    min: float,
    max: float,
    step: float,
    *,
    readout_format: str = ".2f",
    continuous_update: bool = True,
) -> widgets.FloatSlider:
    """A FloatSlider with the course's look: wide, labelled, two decimals."""
    return widgets.FloatSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=continuous_update,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )


class Explorer:
    """Sliders plus a readout, wired to a pure function.

    ``compute(**slider_values)`` returns a result (any object); ``render(result)``
    turns it into the HTML shown under the sliders. Moving any slider runs
    both again. ``result`` always holds the latest result.
    """

    def __init__(
        self,
        sliders: Mapping[str, widgets.ValueWidget],
        compute: Callable[..., object],
        render: Callable[[object], str],
        *,
        title: str = "",
        extra: list[widgets.Widget] | None = None,
    ):
        self.sliders = dict(sliders)
        self.compute = compute
        self.render = render
        self.readout = widgets.HTML()
        self.result: object = None
        children: list[widgets.Widget] = []
        if title:
            children.append(widgets.HTML(f"<b>{title}</b>"))
        children += [*self.sliders.values(), self.readout, *(extra or [])]
        self.widget = widgets.VBox(children)
        for s in self.sliders.values():
            s.observe(self._changed, names="value")
        self.update()

    def values(self) -> dict[str, object]:
        """The sliders' current values, by name."""
        return {name: s.value for name, s in self.sliders.items()}

    def update(self) -> None:
        """Recompute from the sliders and refresh what is shown."""
        self.result = self.compute(**self.values())
        self.readout.value = self.render(self.result)

    def _changed(self, _change) -> None:
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# ----------------------------------------------------------------- chapter 00


def square_readout(x: float) -> dict[str, float]:
    """f(x) = x² and its slope 2x at the point x (chapter 00's warm-up)."""
    return {"x": x, "y": x * x, "slope": 2 * x}


def square_explorer(x: float = 1.5) -> Explorer:
    """A slider for x, with f(x) = x² and the slope 2x read out as it moves."""
    return Explorer(
        {"x": slider("x", x, -3.0, 3.0, 0.1)},
        square_readout,
        lambda r: (
            f"<span style='font-size:1.2em'>x = {r['x']:.2f} &nbsp;→&nbsp; "
            f"f(x) = x² = <b>{r['y']:.2f}</b>, &nbsp; slope 2x = <b>{r['slope']:.2f}</b></span>"
        ),
        title="Move the slider: f(x) = x²",
    )
