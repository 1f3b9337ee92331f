"""ECharts options for the dashboards (rendered by ``solara.FigureEcharts``).

ECharts is drawn in the browser from a small JSON option, and Solara serves its script from
the local asset cache, so charts cost little to update and need no internet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PALETTE = ("#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457")


def line_option(
    title: str,
    unit: str,
    days: Sequence[int],
    lines: dict[str, Sequence[float | None]],
) -> dict[str, Any]:
    """A line chart over simulated days (x in years), one line per entry of ``lines``."""
    series = [
        {
            "name": name,
            "type": "line",
            "showSymbol": False,
            "connectNulls": True,
            "data": [[round(d / 365, 3), v] for d, v in zip(days, values, strict=True)],
        }
        for name, values in lines.items()
    ]
    return {
        # Redrawn on every update: animation would only lag behind the run.
        "animation": False,
        "color": list(PALETTE),
        "title": {"text": title, "subtext": unit, "left": 8, "textStyle": {"fontSize": 14}},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 56, "right": 40, "top": 52, "bottom": 56},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "value", "name": "years", "nameGap": 6, "min": 0},
        "yAxis": {"type": "value", "scale": False},
        "series": series,
    }


def sankey_option(edges: Sequence[tuple[str, str, int]], title: str) -> dict[str, Any]:
    """A Sankey diagram of ``(source, target, count)`` moves."""
    names = sorted({n for src, dst, _ in edges for n in (src, dst)})
    note = "" if edges else "no moves yet: press Play or Step"
    return {
        "animation": False,
        "title": {"text": title, "subtext": note, "left": 8, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "sankey",
                "top": 40,
                "left": 8,
                "right": 150,
                "bottom": 8,
                "nodeGap": 10,
                "emphasis": {"focus": "adjacency"},
                "lineStyle": {"color": "gradient", "curveness": 0.5, "opacity": 0.35},
                "label": {"fontSize": 11},
                "data": [{"name": n} for n in names],
                "links": [{"source": s, "target": t, "value": n} for s, t, n in edges],
            }
        ],
    }


def interval_option(
    title: str,
    labels: Sequence[str],
    means: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    runs: Sequence[tuple[str, float]] = (),
    unit: str = "",
) -> dict[str, Any]:
    """Means with 95% intervals by arm (a box from low to high), and each run's value.

    Args:
        title: chart title (the KPI's label).
        labels: arm labels, one row each.
        means: the mean of each arm.
        lows: the interval's low end of each arm (NaN when it has one run).
        highs: the interval's high end of each arm.
        runs: ``(arm label, value)`` of individual replications, drawn as dots.
        unit: what the values count, shown under the title.
    """
    boxes = []
    for mean, low, high in zip(means, lows, highs, strict=True):
        low = mean if low != low else low  # NaN: a single run has no interval
        high = mean if high != high else high
        boxes.append([low, low, mean, high, high])
    return {
        "animation": False,
        "title": {
            "text": title,
            "subtext": (f"{unit}: " if unit else "")
            + "mean (line) and 95% interval (box); dots: runs",
            "left": 8,
        },
        "tooltip": {"trigger": "item"},
        "grid": {"left": 8, "right": 24, "top": 60, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "scale": True},
        "yAxis": {"type": "category", "data": list(labels), "inverse": True},
        "series": [
            {
                "name": "95% interval",
                "type": "boxplot",
                "boxWidth": [10, 18],
                "itemStyle": {"color": "rgba(21, 101, 192, 0.25)", "borderColor": PALETTE[0]},
                "data": boxes,
            },
            {
                "name": "runs",
                "type": "scatter",
                "symbolSize": 5,
                "itemStyle": {"color": "rgba(0, 0, 0, 0.4)"},
                "data": [[v, label] for label, v in runs],
            },
        ],
    }
