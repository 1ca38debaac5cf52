"""Charts as SVG, drawn on the server (matplotlib), the same on the page and in the PDF."""

import base64
import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams.update(
    {
        "svg.hashsalt": "ekc",  # stable ids: the same data gives the same file
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
BLUE, GREEN, ORANGE, GREY = "#0d6efd", "#198754", "#d63384", "#6c757d"


def _svg(figure):
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()


def data_uri(svg):
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def bar_chart(labels, values, *, title, color=BLUE, horizontal=False, value_format="{:g}"):
    """A simple bar chart; ``None`` values are drawn as empty (not as zero)."""
    figure, axes = plt.subplots(figsize=(6.4, 3.2))
    numbers = [v if v is not None else 0 for v in values]
    if horizontal:
        bars = axes.barh(labels, numbers, color=color)
        axes.invert_yaxis()
    else:
        bars = axes.bar(labels, numbers, color=color)
        axes.tick_params(axis="x", labelrotation=20)
    for bar, value in zip(bars, values, strict=True):
        if value is None:
            continue
        if horizontal:
            axes.annotate(
                value_format.format(value),
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
        else:
            axes.annotate(
                value_format.format(value),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=9,
            )
    axes.set_title(title, loc="left", fontsize=11)
    return _svg(figure)


def grouped_bars(groups, series, *, title):
    """``series`` is {name: [value per group]}; missing values are left out."""
    figure, axes = plt.subplots(figsize=(6.4, 3.2))
    width = 0.8 / max(len(series), 1)
    colours = [BLUE, GREEN, ORANGE, GREY]
    for index, (name, values) in enumerate(series.items()):
        positions = [g + index * width for g in range(len(groups))]
        axes.bar(
            positions, [v or 0 for v in values], width=width, label=name, color=colours[index % 4]
        )
    labels = [textwrap.fill(str(group), 14) for group in groups]
    axes.set_xticks([g + width * (len(series) - 1) / 2 for g in range(len(groups))], labels)
    axes.set_ylim(0, 10)
    axes.legend(fontsize=8, frameon=False, ncols=min(len(series), 4))
    axes.set_title(title, loc="left", fontsize=11)
    return _svg(figure)


def line_chart(labels, series, *, title):
    figure, axes = plt.subplots(figsize=(6.4, 3.0))
    colours = [BLUE, GREEN, ORANGE, GREY]
    for index, (name, values) in enumerate(series.items()):
        axes.plot(labels, values, marker="o", label=name, color=colours[index % 4])
    axes.tick_params(axis="x", labelrotation=30)
    axes.legend(fontsize=8, frameon=False)
    axes.set_title(title, loc="left", fontsize=11)
    return _svg(figure)
