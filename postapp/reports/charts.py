"""Bar charts for the packs, readable on a black-and-white printout: series differ by gray level and
outline, every bar carries its value, and a chart with more than one series has a legend."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import (  # type: ignore[import-untyped]
    HorizontalBarChart,
    VerticalBarChart,
)
from reportlab.graphics.charts.legends import Legend  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

from postapp.reports.fonts import REGULAR, clip, safe
from postapp.reports.style import CONTENT_WIDTH, INK, RULE, SERIES_GRAYS, Flowable

LABEL_SIZE = 7.5
LABEL_CHARS = 48
Format = Callable[[float], str]


def _nice_step(top: float, integer: bool) -> float:
    if top <= 0:
        return 1.0
    raw = top / 5
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return float(max(1, math.ceil(step))) if integer else float(step)


def _value_axis(axis: Any, values: Sequence[float], fmt: Format, percent: bool) -> None:
    top = max(values, default=0.0)
    if percent:
        axis.valueMax, axis.valueStep = 1.0, 0.2
    else:
        step = _nice_step(top, integer=all(float(v).is_integer() for v in values))
        axis.valueStep = step
        axis.valueMax = max(step, step * math.ceil(top / step))
    axis.valueMin = 0
    axis.labelTextFormat = fmt
    axis.labels.fontName, axis.labels.fontSize = REGULAR, LABEL_SIZE
    axis.strokeColor = RULE
    axis.visibleGrid, axis.gridStrokeColor, axis.gridStrokeWidth = 1, RULE, 0.25


def _style_bars(chart: Any, series: int, fmt: Format, anchor: str, reverse: bool = False) -> None:
    for index in range(series):
        bar = chart.bars[series - 1 - index if reverse else index]
        bar.fillColor = SERIES_GRAYS[index % len(SERIES_GRAYS)]
        bar.strokeColor, bar.strokeWidth = INK, 0.5
    chart.barLabelFormat = fmt
    labels = chart.barLabels
    labels.fontName, labels.fontSize, labels.boxAnchor, labels.nudge = REGULAR, LABEL_SIZE - 1, anchor, 3


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    # The renderer starts every drawing in Helvetica; starting in the pack's font keeps it out of the PDF.
    drawing.initialFontName, drawing.initialFontSize = REGULAR, LABEL_SIZE
    return drawing


def _legend(drawing: Drawing, names: Sequence[str], x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = max(stringWidth(n, REGULAR, LABEL_SIZE) for n in names) + 30
    legend.dx, legend.dy = 9, 9
    legend.fontName, legend.fontSize = REGULAR, LABEL_SIZE
    legend.strokeColor, legend.strokeWidth = INK, 0.5
    legend.colorNamePairs = [(SERIES_GRAYS[i % len(SERIES_GRAYS)], n) for i, n in enumerate(names)]
    drawing.add(legend)


def horizontal_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], fmt: Format, *,
                    percent: bool = False, width: float = CONTENT_WIDTH) -> Flowable:
    """One row per category (first at the top), one bar per series in each row."""
    labels = [clip(safe(c), LABEL_CHARS) for c in categories]
    per_row = len(series)
    bar = 9.0 if per_row == 1 else 8.5
    plot_height = max(1, len(labels)) * (per_row * bar + 7)
    legend_room = 20.0 if per_row > 1 else 0.0
    bottom = 16.0 + legend_room
    left = min(width * 0.45, max((stringWidth(t, REGULAR, LABEL_SIZE) for t in labels), default=20.0) + 8)
    drawing = _drawing(width, plot_height + bottom + 6)
    chart = HorizontalBarChart()
    chart.x, chart.y = left, bottom
    chart.width, chart.height = width - left - 42, plot_height
    # The chart counts categories from the bottom up, and the series in a group from the bottom up too:
    # both are fed reversed so the first category is on top and the series read as the legend does.
    chart.data = [list(reversed(values)) for _name, values in reversed(series)]
    chart.barWidth, chart.groupSpacing, chart.barSpacing = bar, 7, 0
    axis = chart.categoryAxis
    axis.categoryNames = list(reversed(labels))
    axis.labels.fontName, axis.labels.fontSize = REGULAR, LABEL_SIZE
    axis.labels.boxAnchor, axis.labels.dx = "e", -4
    axis.strokeColor = RULE
    _value_axis(chart.valueAxis, [v for _name, values in series for v in values], fmt, percent)
    _style_bars(chart, per_row, fmt, "w", reverse=True)
    drawing.add(chart)
    if per_row > 1:
        _legend(drawing, [safe(name) for name, _values in series], left, 8)
    return drawing


def vertical_bars(categories: Sequence[str], values: Sequence[float], fmt: Format, *,
                  width: float = CONTENT_WIDTH, height: float = 150) -> Flowable:
    """One bar per category along the bottom (months, for instance), its value on top."""
    labels = [clip(safe(c), 14) for c in categories]
    slanted = len(labels) > 8
    bottom = 34.0 if slanted else 16.0
    drawing = _drawing(width, height + bottom + 14)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, bottom
    chart.width, chart.height = width - 36, height
    chart.data = [list(values)]
    chart.groupSpacing = 4 if len(labels) > 12 else 8
    axis = chart.categoryAxis
    axis.categoryNames = labels
    axis.labels.fontName, axis.labels.fontSize = REGULAR, LABEL_SIZE
    if slanted:
        axis.labels.angle, axis.labels.boxAnchor, axis.labels.dx, axis.labels.dy = 45, "ne", 2, -2
    else:
        axis.labels.boxAnchor, axis.labels.dy = "n", -3
    axis.strokeColor = RULE
    _value_axis(chart.valueAxis, list(values), fmt, False)
    _style_bars(chart, 1, fmt, "s")
    drawing.add(chart)
    return drawing
