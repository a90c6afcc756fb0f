"""The figures chapters share, and the house style for all of them.

Chapter 01 introduces them. Colours come from the Okabe-Ito palette, which
stays distinguishable with the common kinds of colour blindness, and it is set
in this one place: ``COLORS`` by name, ``COLOR_CYCLE`` for lines drawn without
a colour (every axes ``new_figure`` makes uses it, without touching
matplotlib's global settings). Every figure has a title, labelled axes and,
with more than one line, a legend, and a one-line text alternative (``alt``)
for readers who cannot see it.

Figures made here are plain ``matplotlib.figure.Figure`` objects, not
registered with pyplot: a notebook shows one by leaving it as the last
expression of a cell (or with ``display(fig)``), and an explorer redraws one
in place without a second copy appearing.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = [
    "COLORS",
    "COLOR_CYCLE",
    "CourseFigure",
    "FastRenderer",
    "contour_with_gradients",
    "describe_figure",
    "figure_png",
    "new_figure",
]

#: Okabe-Ito colours by name.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#777777",
    "black": "#000000",
}

#: The order in which lines drawn without a colour take Okabe-Ito colours.
#: (Yellow comes last: it is hard to see on white.)
COLOR_CYCLE = tuple(
    COLORS[name]
    for name in ("blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow")
)

#: Widest figure or graph a chapter shows, in pixels: it fits JupyterLab's output area
#: in a 1280-pixel-wide window.
MAX_WIDTH_PX = 860


def describe_figure(fig: Figure) -> str:
    """A one-line description of what ``fig`` shows, from its titles and axis labels.

    It is the default text alternative of every course figure, until a
    chapter gives a better one (``fig.alt = "..."``).

    >>> fig, ax = new_figure()
    >>> _ = ax.set(title="f(x) = x²", xlabel="x", ylabel="f(x)")
    >>> describe_figure(fig)
    'Figure: f(x) = x² (x axis: x; y axis: f(x)).'
    """
    panels = []
    for ax in fig.get_axes():
        if not ax.get_visible() or not ax.axison:
            continue
        title = " ".join(
            t.get_text() for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()
        )
        labels = [
            f"{name} axis: {label}"
            for name, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()))
            if label
        ]
        text = title or "a plot"
        if labels:
            text += f" ({'; '.join(labels)})"
        panels.append(text)
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    if not panels:
        return f"Figure: {suptitle}." if suptitle else "Figure."
    head = f"Figure: {suptitle}. " if suptitle else "Figure: "
    if len(panels) > 1:
        head += f"{len(panels)} panels: "
    return head + "; ".join(panels) + "."


class CourseFigure(Figure):
    """A matplotlib Figure that Jupyter shows as a picture with a text alternative.

    Set ``fig.alt`` to a one-line description of what the figure shows (what
    a reader who cannot see it needs to know); until then it is described from
    its titles and axis labels (``describe_figure``). In Jupyter the figure is
    an HTML ``<img>`` carrying that alt text (JupyterLab's own PNG output
    cannot carry one), with the PNG and the text alongside for other tools.
    """

    alt: str | None = None

    def describe(self) -> str:
        """The figure's text alternative: ``alt`` if set, else one made from its labels."""
        return self.alt or describe_figure(self)

    def _repr_png_(self) -> tuple[bytes, dict]:
        return figure_png(self), {"alt": self.describe()}

    def _repr_mimebundle_(self, include=None, exclude=None):
        png = figure_png(self)
        alt = self.describe()
        width = round(self.get_figwidth() * self.dpi)
        img = (
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
            f'alt="{html.escape(alt)}" width="{width}" style="max-width: 100%; height: auto">'
        )
        data = {"text/html": img, "image/png": png, "text/plain": alt}
        return data, {"image/png": {"alt": alt}}


def new_figure(
    width: float = 6.4,
    height: float = 4.0,
    ncols: int = 1,
    nrows: int = 1,
    *,
    alt: str | None = None,
):
    """A figure and its axes (an array of them when there is more than one), in house style.

    Sizes are in inches at 96 pixels per inch (``width=8.9`` is the widest
    that fits, 860 px). ``alt`` is the figure's text alternative (also settable
    later as ``fig.alt``). Lines drawn without a colour take the Okabe-Ito
    colours of ``COLOR_CYCLE`` in turn.
    """
    fig = CourseFigure(figsize=(width, height), dpi=96, layout="constrained")
    FigureCanvasAgg(fig)
    fig.alt = alt
    axes = fig.subplots(nrows, ncols, squeeze=True)
    for ax in np.atleast_1d(axes).ravel():
        ax.set_prop_cycle(color=COLOR_CYCLE)
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes


def _encode_png(canvas: FigureCanvasAgg) -> bytes:
    # Fast zlib level: the figure redraws on every slider step; the file is ~5% larger.
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def figure_png(fig: Figure) -> bytes:
    """The figure drawn as PNG bytes (what an explorer's image shows)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _content(ax) -> list:
    """The artists of an axes that show data (lines, points, text, titles), in drawing order."""
    frame = {id(ax.patch), id(ax.legend_), *map(id, ax.spines.values()), *map(id, ax.child_axes)}
    frame |= {id(axis) for axis in ax._axis_map.values()}
    return [a for a in ax.get_children() if id(a) not in frame]


class FastRenderer:
    """Redraws a figure as PNG, re-drawing only the artists that change (blitting).

    An explorer changes a few artists of its figure per slider step (a line's
    data, a title); the axes, ticks, labels and grid stay. The first render
    draws everything; later ones paste the saved background and draw on it
    only the artists that have changed at some point (and any artists above
    them), which is several times faster than a full redraw. Whenever
    something else changes (axis limits, artists added or removed, the legend,
    the figure's size) it draws everything again, so the picture is always
    the one a full redraw would give.
    """

    def __init__(self, fig: Figure):
        self.fig = fig
        self.dynamic: set[int] = set()  # ids of artists that have changed since the first draw
        self._canvas = None
        self._background = None
        self._frame = None
        self._artists: list = []
        self._drawing = False
        self.full_draws = 0
        self.fast_draws = 0

    def _attach(self) -> FigureCanvasAgg:
        canvas = self.fig.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(self.fig)
        if canvas is not self._canvas:
            self._canvas = canvas
            self._background = None
            canvas.mpl_connect("draw_event", self._drawn)
        return canvas

    def _drawn(self, _event) -> None:
        # Someone else drew the figure (savefig, display): it has reset the artists'
        # "changed" (stale) flags, so the saved background can no longer be trusted.
        if not self._drawing:
            self._background = None

    def _frame_signature(self, content_ids) -> tuple:
        fig = self.fig
        parts: list = [fig.get_size_inches().tolist(), fig.dpi, tuple(content_ids)]
        for ax in fig.get_axes():
            parts += [
                id(ax), ax.get_visible(), tuple(ax.viewLim.bounds), tuple(ax.bbox.bounds),
                ax.patch.stale, ax.get_legend() is not None and ax.get_legend().stale,
                *(s.get_visible() for s in ax.spines.values()),
            ]  # fmt: skip
            for axis in (ax.xaxis, ax.yaxis):  # ticks and labels, not the "stale" flag:
                # setting the same limits again marks an axis stale without changing it
                parts += [
                    axis.get_scale(), axis.get_label_text(), axis.get_visible(),
                    tuple(axis.get_majorticklocs()), tuple(axis.get_minorticklocs()),
                    id(axis.get_major_formatter()), id(axis.get_minor_formatter()),
                ]  # fmt: skip
        parts += [a.stale for a in (*fig.legends, *fig.texts, *fig.patches, *fig.images)]
        if fig._suptitle is not None:
            parts.append(fig._suptitle.stale)
        return tuple(parts)

    def png(self) -> bytes:
        """Draw the figure in its current state; return it as PNG bytes."""
        fig, canvas = self.fig, self._attach()
        axes_content = [
            (ax, _content(ax)) for ax in sorted(fig.get_axes(), key=lambda a: a.zorder)
        ]
        content = [a for _, arts in axes_content for a in arts]
        ids = [id(a) for a in content]
        changed = {id(a) for a in content if a.stale}
        frame = self._frame_signature(ids)
        same_frame = self._background is not None and frame == self._frame
        if same_frame and changed <= self.dynamic:
            canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            for a in self._artists:
                a.draw(renderer)
            self.fast_draws += 1
        else:
            if self.full_draws:  # (on the first draw, everything is new)
                self.dynamic |= changed
            self._full_draw(axes_content)
        for ax in fig.get_axes():  # what a full draw leaves: nothing stale
            ax.stale = False
        fig.stale = False
        self._frame = self._frame_signature(ids)
        return _encode_png(canvas)

    def _full_draw(self, axes_content) -> None:
        fig, canvas = self.fig, self._canvas
        on_top = []
        for ax, arts in axes_content:
            moving = [a for a in arts if id(a) in self.dynamic]
            if moving:  # everything drawn above a moving artist must be redrawn above it
                lowest = min(a.get_zorder() for a in moving)
                above = [
                    a
                    for a in ax.get_children()
                    if a is not ax.patch and a.get_zorder() >= lowest and a.get_visible()
                ]
                on_top += sorted(above, key=lambda a: a.get_zorder())  # stable, like Axes.draw
        was = {id(a): a.get_animated() for a in on_top}
        for a in on_top:
            a.set_animated(True)
        self._drawing = True
        try:
            canvas.draw()
            self._background = canvas.copy_from_bbox(fig.bbox)
            renderer = canvas.get_renderer()
            for a in on_top:
                a.draw(renderer)
        finally:
            self._drawing = False
            for a in on_top:
                a.set_animated(was[id(a)])
        self._artists = on_top
        self.full_draws += 1


def contour_with_gradients(
    ax, f, grad, xlim=(-3.0, 3.0), ylim=(-3.0, 3.0), *, levels: int = 15, arrows: int = 9
):
    """Contours of f(x, y) with the gradient drawn as arrows on a grid.

    ``f`` and ``grad`` take arrays x, y; ``grad`` returns (df/dx, df/dy).
    Returns the contour set and the arrows, so that a caller can remove them.
    """
    xs, ys = np.linspace(*xlim, 200), np.linspace(*ylim, 200)
    X, Y = np.meshgrid(xs, ys)
    cs = ax.contour(X, Y, f(X, Y), levels=levels, cmap="viridis", linewidths=1)
    ax.clabel(cs, fontsize=7, fmt="%.3g")
    qx, qy = np.meshgrid(np.linspace(*xlim, arrows), np.linspace(*ylim, arrows))
    gx, gy = grad(qx, qy)
    arrows = ax.quiver(qx, qy, gx, gy, color=COLORS["grey"], angles="xy", width=0.004, alpha=0.8)
    ax.set_aspect("equal")
    return cs, arrows
