"""Bar charts as plain geometry; a template draws them as inline SVG (no JavaScript, works offline)."""
from __future__ import annotations

from dataclasses import dataclass

# Distinguishable colours that stay readable next to each other and on white.
PALETTE = ("#2f6fdb", "#e8742a", "#2e9e5b", "#c23b4a", "#8a5cc2", "#8c6239", "#d45cad", "#6b7685",
           "#a8a224", "#1ea2b8", "#f0b400", "#4a4fa8")
WIDTH = 360  # viewBox units: about one unit per CSS pixel on a phone
LABEL_WIDTH = 70
TOTAL_WIDTH = 38
ROW = 30
BAR = 22
PAD = 6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str  # the tooltip: «03/2025 · Khai sinh: 4»


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]
    legend: tuple[tuple[str, str], ...]  # (series name, colour)
    axis_x: float


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def stacked_rows(row_labels: list[str], series: list[str], values: list[list[int]]) -> Chart:
    """One horizontal bar per row (a month) split by series, all scaled to the largest total."""
    top = max((sum(row) for row in values), default=0) or 1
    area = WIDTH - LABEL_WIDTH - TOTAL_WIDTH
    bars: list[Bar] = []
    labels: list[Label] = []
    for i, (name, row) in enumerate(zip(row_labels, values)):
        y = PAD + i * ROW
        text_y = y + BAR / 2 + 5
        labels.append(Label(LABEL_WIDTH - 6, text_y, name, "end"))
        x = float(LABEL_WIDTH)
        for j, count in enumerate(row):
            if count:
                width = count / top * area
                bars.append(Bar(round(x, 2), y, round(width, 2), BAR, color(j), f"{name} · {series[j]}: {count}"))
                x += width
        labels.append(Label(round(x + 5, 2), text_y, str(sum(row))))
    legend = tuple((name, color(j)) for j, name in enumerate(series))
    return Chart(WIDTH, PAD * 2 + ROW * len(row_labels), tuple(bars), tuple(labels), legend, LABEL_WIDTH)
