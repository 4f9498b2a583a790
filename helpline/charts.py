"""Bar charts drawn on the server as SVG: no JavaScript, with a title and description for screen readers.

The functions return plain geometry; `helpline/includes/bar_chart.html` draws it.
Every chart sits next to a table of the same figures.
"""

from dataclasses import dataclass

LABEL_WIDTH = 190
BAR_HEIGHT = 22
GAP = 8
CHART_WIDTH = 640
VALUE_ROOM = 50


@dataclass
class Bar:
    label: str
    value: int
    x: int
    y: int
    width: int
    height: int
    text_x: int
    text_y: int
    # What is printed at the bar's end, when not the value itself ("fewer than 5" in the funder report).
    text: str = ""


@dataclass
class Chart:
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    label_x: int
    horizontal: bool


def horizontal_bars(
    *, title: str, description: str, items: list[tuple[str, int]], texts: list[str] | None = None
) -> Chart:
    """One labelled bar per item, longest to the right; the value (or its `texts` entry) is printed at the end."""
    top = max((value for _, value in items), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars = []
    for i, (label, value) in enumerate(items):
        y = i * (BAR_HEIGHT + GAP)
        width = round(room * value / top)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=LABEL_WIDTH,
                y=y,
                width=width,
                height=BAR_HEIGHT,
                text_x=LABEL_WIDTH + width + 6,
                text_y=y + BAR_HEIGHT - 6,
                text=texts[i] if texts else "",
            )
        )
    height = max(len(items) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return Chart(title, description, CHART_WIDTH, height, bars, LABEL_WIDTH - 8, True)


def vertical_bars(*, title: str, description: str, items: list[tuple[str, int]]) -> Chart:
    """One bar per period, left to right, with its value above it and its label below."""
    plot_height = 160
    top = max((value for _, value in items), default=0) or 1
    slot = CHART_WIDTH // max(len(items), 1)
    bar_width = max(slot - 6, 4)
    bars = []
    for i, (label, value) in enumerate(items):
        height = round(plot_height * value / top)
        x = i * slot + 3
        bars.append(
            Bar(
                label=label,
                value=value,
                x=x,
                y=20 + plot_height - height,
                width=bar_width,
                height=height,
                text_x=x + bar_width // 2,
                text_y=20 + plot_height - height - 4,
            )
        )
    return Chart(title, description, CHART_WIDTH, plot_height + 44, bars, 0, False)
