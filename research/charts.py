"""Charts as SVG, drawn on the server (matplotlib), the same on the page and in the PDF.

Every number on a chart (axis ticks and value labels) is written in the active
language by ekc.formatting, so a Dutch chart says "77,8%" and "1.200".
"""

import base64
import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ekc import formatting  # noqa: E402

matplotlib.rcParams.update(
    {
        "svg.hashsalt": "ekc",  # stable ids: the same data gives the same file
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
# Colours with at least 3:1 contrast to white (WCAG 1.4.11 for graphics).
BLUE, GREEN, ORANGE, GREY = "#0a58ca", "#146c43", "#c0266f", "#565e64"
# A bar is never wider than this (in bar slots), so one or two bars do not fill the chart.
MAX_BAR = 0.5


def _number_axis(axis, *, whole):
    """Ticks in the active language; whole numbers only for counts."""
    if whole:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(
        FuncFormatter(
            lambda value, _pos: formatting.number(
                int(value) if whole or float(value).is_integer() else value, places=1
            )
        )
    )


def _svg(figure):
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()


def data_uri(svg):
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def bar_chart(labels, values, *, title, color=BLUE, horizontal=False, value_format=None):
    """A simple bar chart; ``None`` values are drawn as empty (not as zero).

    ``value_format`` writes a value label (default: the number in the active language)."""
    value_format = value_format or formatting.number
    figure, axes = plt.subplots(figsize=(6.4, 3.2))
    numbers = [v if v is not None else 0 for v in values]
    width = min(0.8, MAX_BAR * max(len(labels), 1) / 2) if len(labels) < 3 else 0.8
    whole = all(isinstance(v, int) for v in numbers)
    if horizontal:
        bars = axes.barh(labels, numbers, color=color, height=width)
        axes.invert_yaxis()
        _number_axis(axes.xaxis, whole=whole)
    else:
        bars = axes.bar(labels, numbers, color=color, width=width)
        axes.tick_params(axis="x", labelrotation=20 if len(labels) > 3 else 0)
        _number_axis(axes.yaxis, whole=whole)
    if len(labels) < 3:
        # One or two bars: keep them narrow in the middle of a normal-width axis.
        if horizontal:
            axes.set_ylim(len(labels), -1)
        else:
            axes.set_xlim(-1, len(labels))
    for bar, value in zip(bars, values, strict=True):
        if value is None:
            continue
        if horizontal:
            axes.annotate(
                value_format(value),
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
        else:
            axes.annotate(
                value_format(value),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=9,
            )
    axes.set_title(title, loc="left", fontsize=11)
    return _svg(figure)


def grouped_bars(groups, series, *, title):
    """``series`` is {name: [value per group]}; missing values are left out. Each bar
    carries its value, so one group of three bars still reads as three figures."""
    figure, axes = plt.subplots(figsize=(6.4, 3.2))
    width = min(0.8 / max(len(series), 1), 0.22)
    colours = [BLUE, GREEN, ORANGE, GREY]
    for index, (name, values) in enumerate(series.items()):
        positions = [g + index * width for g in range(len(groups))]
        bars = axes.bar(
            positions, [v or 0 for v in values], width=width, label=name, color=colours[index % 4]
        )
        for bar, value in zip(bars, values, strict=True):
            if value is not None:
                axes.annotate(
                    formatting.number(value, places=1),
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                )
    labels = [textwrap.fill(str(group), 14) for group in groups]
    axes.set_xticks([g + width * (len(series) - 1) / 2 for g in range(len(groups))], labels)
    if len(groups) < 3:
        axes.set_xlim(-0.75, len(groups) - 0.25 + width * (len(series) - 1))
    axes.set_ylim(0, 12.5)  # room for the legend above a 10
    axes.set_yticks(range(0, 11, 2))
    _number_axis(axes.yaxis, whole=True)
    axes.legend(fontsize=8, frameon=False, ncols=min(len(series), 4), loc="upper right")
    axes.set_title(title, loc="left", fontsize=11)
    return _svg(figure)


def line_chart(labels, series, *, title):
    """A trend over two or more periods (one period is no trend: say it in a sentence)."""
    figure, axes = plt.subplots(figsize=(6.4, 3.0))
    colours = [BLUE, GREEN, ORANGE, GREY]
    for index, (name, values) in enumerate(series.items()):
        axes.plot(labels, values, marker="o", label=name, color=colours[index % 4])
    axes.tick_params(axis="x", labelrotation=30 if len(labels) > 6 else 0)
    axes.set_ylim(bottom=0)
    _number_axis(axes.yaxis, whole=True)
    axes.legend(fontsize=8, frameon=False)
    axes.set_title(title, loc="left", fontsize=11)
    return _svg(figure)
