"""ECharts options for the dashboards (rendered by ``solara.FigureEcharts``).

ECharts is drawn in the browser from a small JSON option, and Solara serves its script from
the local asset cache, so charts cost little to update and need no internet. Solara passes
the option as JSON, so no JavaScript function can format a label: times are written as
category names (``2y 3m``) and units go into string templates instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

PALETTE = ("#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457")
WEEK = 7
DAYS_PER_MONTH = 365 / 12
WARMUP_FILL = "rgba(120, 120, 120, 0.12)"
WARMUP_LABEL = "warm-up: left out of results"


def elapsed(day: int) -> str:
    """Time since the start, to the nearest month: ``0m``, ``3m``, ``1y``, ``2y 5m``."""
    years, months = divmod(round(day / DAYS_PER_MONTH), 12)
    if not years:
        return f"{months}m"
    return f"{years}y {months}m" if months else f"{years}y"


@functools.cache
def _time_axis(horizon: int) -> tuple[str, ...]:
    return tuple(elapsed(day) for day in range(0, horizon + WEEK, WEEK))


def time_axis(horizon: int) -> list[str]:
    """The x-axis of a run's charts: a category a week from day 0 to ``horizon``."""
    # Every chart of every update draws the same axis: it is worked out once per horizon.
    return list(_time_axis(horizon))


def label_every(horizon: int) -> int:
    """Weeks between time-axis labels: a year (52 weeks) on long runs, a quarter on short ones.

    52 weeks is 364 days, so label ``k`` falls ``k`` days before the ``k``-th anniversary and
    still rounds to ``ky`` for ten years and more.
    """
    return 52 if horizon > 2 * 365 else 13


def slug(text: str) -> str:
    """A file name made of ``text``: ``People waiting`` -> ``people-waiting``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def png_toolbox(title: str) -> dict[str, Any]:
    """ECharts' own save-as-image button: the chart as a PNG named after its title."""
    return {
        "right": 8,
        "top": 0,
        "feature": {
            "saveAsImage": {
                "title": "Download PNG",
                "name": slug(title),
                "type": "png",
                "pixelRatio": 2,
                "backgroundColor": "#ffffff",
            }
        },
    }


LEGEND_ROW = 22  # pixels
SANKEY_LABEL_SHARE = 0.04  # stages smaller than this share of the largest are named on hover
NARROWEST_CHART = 340  # pixels: a chart on a phone


def legend_rows(names: Sequence[str]) -> int:
    """Rows a legend of ``names`` may take in the narrowest chart (about 6.5 px a character)."""
    widths = [len(name) * 6.5 + 40 for name in names]
    rows, used = 1, 0.0
    for width in widths:
        if used and used + width > NARROWEST_CHART:
            rows, used = rows + 1, 0.0
        used += width
    return rows


def axis_template(unit: str) -> str:
    """The y-axis labels' template for ``unit``: ``£{value}m``, ``{value}%`` or ``{value}``."""
    if unit.startswith("£ million"):
        return "£{value}m"
    if unit.startswith("%"):
        return "{value}%"
    return "{value}"


def short_unit(unit: str) -> str:
    """``unit`` as a series name carries it: ``£ million`` -> ``£m``, ``% of ...`` -> ``%``."""
    if unit.startswith("£ million"):
        return "£m" + unit.removeprefix("£ million")
    if unit.startswith("%"):
        return "%"
    return unit


def line_option(
    title: str,
    unit: str,
    days: Sequence[int],
    lines: dict[str, Sequence[float | None]],
    *,
    horizon: int | None = None,
    warmup: int = 0,
    benchmarks: dict[str, float] | None = None,
) -> dict[str, Any]:
    """A line chart over simulated days, one line per entry of ``lines``.

    The x-axis is time since the start in years and months (``1y 3m``), a category a week,
    drawn to ``horizon`` so the run's end is in view. Each line's name carries the unit, as
    the tooltip prints names beside values.

    Args:
        title: the chart's title.
        unit: what the values count (``people``, ``£ million``, ``% of working hours``).
        days: the simulated day of each value.
        lines: name -> values, one per day of ``days``.
        horizon: the run's last day (default: the last of ``days``).
        warmup: days at the start shaded as the warm-up the run's results leave out.
        benchmarks: name (with its source) -> a level in the chart's unit, drawn as a grey
            dashed line across the run, named in the legend and the tooltip.
    """
    end = max(horizon if horizon is not None else 0, days[-1] if len(days) else 0)
    suffix = short_unit(unit)
    series: list[dict[str, Any]] = [
        {
            "name": f"{name} ({suffix})" if suffix else name,
            "type": "line",
            "showSymbol": False,
            "connectNulls": True,
            # x is the week's index, fractional for a day between weeks.
            "data": [[round(d / WEEK, 3), v] for d, v in zip(days, values, strict=True)],
        }
        for name, values in lines.items()
    ]
    for name, value in (benchmarks or {}).items():
        series.append(
            {
                # The axis carries the unit: a shorter name fits a phone's legend.
                "name": name,
                "type": "line",
                "showSymbol": False,
                "silent": True,
                "color": "#616161",
                "lineStyle": {"type": "dashed", "width": 1.5, "color": "#616161"},
                "data": [[0, value], [round(end / WEEK, 3), value]],
            }
        )
    if warmup > 0 and series:
        series[0]["markArea"] = {
            "silent": True,
            "itemStyle": {"color": WARMUP_FILL},
            "label": {"position": "insideTopLeft", "color": "#555", "fontSize": 11},
            "data": [[{"name": WARMUP_LABEL, "xAxis": 0}, {"xAxis": round(warmup / WEEK, 3)}]],
        }
    return {
        # Redrawn on every update: animation would only lag behind the run.
        "animation": False,
        "color": list(PALETTE),
        "title": {"text": title, "subtext": unit, "left": 8, "textStyle": {"fontSize": 14}},
        "toolbox": png_toolbox(title),
        # A plain legend wraps onto more rows instead of hiding names behind a pager.
        # A name too long for a phone's chart is cut short; resting on it shows it whole.
        "legend": {
            "bottom": 0,
            "type": "plain",
            "textStyle": {"width": NARROWEST_CHART - 60, "overflow": "truncate"},
            "tooltip": {"show": True},
        },
        "grid": {
            "left": 8,
            "right": 24,
            "top": 56,
            "bottom": 12 + LEGEND_ROW * legend_rows([s["name"] for s in series]),
            "containLabel": True,
        },
        "tooltip": {"trigger": "axis"},
        "xAxis": {
            "type": "category",
            "data": time_axis(end),
            "boundaryGap": False,
            "axisLabel": {"interval": label_every(end) - 1, "hideOverlap": True},
            "axisTick": {"interval": label_every(end) - 1},
        },
        "yAxis": {"type": "value", "axisLabel": {"formatter": axis_template(unit)}},
        "series": series,
    }


def sankey_option(edges: Sequence[tuple[str, str, int]], title: str) -> dict[str, Any]:
    """A Sankey diagram of ``(source, target, count)`` moves; each stage's label has its count.

    A stage's count is the larger of the moves into it and out of it, so the first stage
    (contacts) shows its outflow and the exits their inflow.
    """
    inflow: dict[str, int] = {}
    outflow: dict[str, int] = {}
    for src, dst, n in edges:
        outflow[src] = outflow.get(src, 0) + n
        inflow[dst] = inflow.get(dst, 0) + n
    names = sorted(set(inflow) | set(outflow))
    counts = {n: max(inflow.get(n, 0), outflow.get(n, 0)) for n in names}
    # Small stages sit close together and their labels would run into each other's: they
    # are named when the pointer is on them.
    smallest_labelled = SANKEY_LABEL_SHARE * max(counts.values(), default=0)
    note = (
        "moves between stages; small stages and bands: rest the pointer on them"
        if edges
        else "no moves yet: press Play or Step"
    )
    return {
        "animation": False,
        "title": {"text": title, "subtext": note, "left": 8, "textStyle": {"fontSize": 14}},
        "toolbox": png_toolbox(title),
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "sankey",
                "top": 48,
                "left": 8,
                "right": 190,
                "bottom": 8,
                # Room between stages keeps one stage's label off the next one's.
                "nodeGap": 18,
                "layoutIterations": 64,
                "emphasis": {"focus": "adjacency"},
                "lineStyle": {"color": "gradient", "curveness": 0.5, "opacity": 0.35},
                # A pale backing keeps a label readable where it crosses the bands.
                "label": {
                    "fontSize": 11,
                    "backgroundColor": "rgba(255, 255, 255, 0.8)",
                    "padding": [1, 3],
                    "borderRadius": 2,
                },
                "data": [
                    {
                        "name": n,
                        "label": {
                            "show": counts[n] >= smallest_labelled,
                            "formatter": f"{n}: {counts[n]:,}",
                        },
                        "emphasis": {"label": {"show": True}},
                    }
                    for n in names
                ],
                "links": [{"source": s, "target": t, "value": n} for s, t, n in edges],
            }
        ],
    }


def category_rows(labels: Sequence[str], width: int) -> dict[str, Any]:
    """A y axis of one row per label, first at the top; long labels wrap at ``width`` pixels."""
    return {
        "type": "category",
        "data": list(labels),
        "inverse": True,
        "axisLabel": {"width": width, "overflow": "break", "lineHeight": 13, "fontSize": 11},
    }


def _rows_option(
    title: str, title_style: dict[str, Any], unit: str, labels: Sequence[str], label_width: int
) -> dict[str, Any]:
    """A chart with one row per label and values across (interval and range charts; no series).

    Long labels wrap at ``label_width`` pixels rather than push the plot off the card.
    """
    return {
        "animation": False,
        "title": {"text": title, "left": 8, **title_style},
        "toolbox": png_toolbox(title),
        "tooltip": {"trigger": "item"},
        "grid": {"left": 8, "right": 24, "top": 60, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "scale": True, "axisLabel": {"formatter": axis_template(unit)}},
        "yAxis": category_rows(labels, label_width),
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
    subtext = (f"{unit}: " if unit else "") + "mean (line) and 95% interval (box); dots: runs"
    return _rows_option(title, {"subtext": subtext}, unit, labels, 220) | {
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


def range_option(
    title: str,
    labels: Sequence[str],
    means: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    unit: str = "",
    note: str = "",
) -> dict[str, Any]:
    """Differences with their 5-95% ranges by option: a bar from low to high, a dot at the mean.

    The mean of a skewed difference may lie outside its 5-95% range, so it is a dot of its
    own rather than the middle of the bar. A line at zero marks no difference.

    Args:
        title: chart title (the measure's label).
        labels: option names, one row each.
        means: each option's expected difference.
        lows: each range's 5th percentile.
        highs: each range's 95th percentile.
        unit: what the values count, shown under the title.
        note: more under the title (``lower is better``).
    """
    subtext = "; ".join(t for t in (unit, "expected difference (dot), 90% range (bar)", note) if t)
    title_style = {"subtext": subtext, "textStyle": {"fontSize": 14}}
    return _rows_option(title, title_style, unit, labels, 200) | {
        "series": [
            {
                "name": "90% range",
                "type": "boxplot",
                "boxWidth": [8, 14],
                "itemStyle": {"color": "rgba(21, 101, 192, 0.25)", "borderColor": PALETTE[0]},
                "data": [[lo, lo, lo, hi, hi] for lo, hi in zip(lows, highs, strict=True)],
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "lineStyle": {"color": "#777", "type": "solid"},
                    "label": {"show": False},
                    "data": [{"xAxis": 0}],
                },
            },
            {
                "name": "expected difference",
                "type": "scatter",
                "symbol": "diamond",
                "symbolSize": 11,
                "itemStyle": {"color": PALETTE[1]},
                "data": [[m, label] for m, label in zip(means, labels, strict=True)],
            },
        ],
    }


def tornado_option(
    title: str,
    names: Sequence[str],
    at_low: Sequence[float],
    at_high: Sequence[float],
    unit: str = "",
) -> dict[str, Any]:
    """A tornado: each value's effect on the expected difference, at its 10th and 90th percentile.

    Two bars per row from zero, one to the expected difference with the value at its 10th
    percentile and one at its 90th, drawn over each other; the widest swing first.
    """
    bar = {"type": "bar", "barGap": "-100%", "barWidth": 12}
    return {
        "animation": False,
        "title": {
            "text": title,
            "subtext": "; ".join(
                t for t in (unit, "expected difference from the current arrangement") if t
            ),
            "left": 8,
            "textStyle": {"fontSize": 14},
        },
        "toolbox": png_toolbox(title),
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0, "type": "plain"},
        "grid": {
            "left": 16,
            "right": 24,
            "top": 60,
            "bottom": 12 + LEGEND_ROW * 2,
            "containLabel": True,
        },
        "xAxis": {"type": "value", "axisLabel": {"formatter": axis_template(unit)}},
        "yAxis": category_rows(names, 190),
        "series": [
            {
                **bar,
                "name": "value at its 10th percentile",
                "itemStyle": {"color": "rgba(21, 101, 192, 0.75)"},
                "data": list(at_low),
            },
            {
                **bar,
                "name": "value at its 90th percentile",
                "itemStyle": {"color": "rgba(230, 81, 0, 0.65)"},
                "data": list(at_high),
            },
        ],
    }


def bar_option(
    title: str, names: Sequence[str], values: Sequence[float], unit: str = ""
) -> dict[str, Any]:
    """Horizontal bars, one per name, largest first as given (EVPPI by uncertain value)."""
    return {
        "animation": False,
        "title": {"text": title, "subtext": unit, "left": 8, "textStyle": {"fontSize": 14}},
        "toolbox": png_toolbox(title),
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 56, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "axisLabel": {"formatter": axis_template(unit)}},
        "yAxis": category_rows(names, 190),
        "series": [
            {
                "name": title,
                "type": "bar",
                "barWidth": 12,
                "itemStyle": {"color": "#c55a11"},
                "data": list(values),
            }
        ],
    }


def histogram_option(
    title: str,
    unit: str,
    axis_name: str,
    labels: Sequence[str],
    stacks: dict[str, Sequence[int]],
    *,
    note: str = "",
    marks: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A histogram: how many fall in each bin, as bars stacked by group.

    Args:
        title: the chart's title.
        unit: what the bars count (``workers in post``), on the value axis.
        axis_name: what the bins are (``open cases``), under the bins.
        labels: each bin's label, left to right.
        stacks: group name -> count in each bin; the groups stack in each bar.
        note: a line under the unit, below the title (``min 2, median 9, ...``).
        marks: label -> the bin a dashed line marks (a limit such as a manageable caseload).
    """
    series: list[dict[str, Any]] = [
        {"name": name, "type": "bar", "stack": "all", "barCategoryGap": "15%", "data": list(v)}
        for name, v in stacks.items()
    ]
    if marks and series:
        series[0]["markLine"] = {
            "silent": True,
            "symbol": "none",
            "lineStyle": {"color": "#616161", "type": "dashed"},
            "label": {
                "formatter": "{b}",
                "position": "insideEndTop",
                "color": "#444",
                "fontSize": 11,
            },
            "data": [{"name": name, "xAxis": at} for name, at in marks.items()],
        }
    return {
        "animation": False,
        "color": list(PALETTE),
        "title": {
            "text": title,
            "subtext": "\n".join(t for t in (unit, note) if t),
            "left": 8,
            "textStyle": {"fontSize": 14},
            # Wrapped to a phone's chart, a line apart, with the grid's top below three lines.
            "subtextStyle": {"width": NARROWEST_CHART - 40, "overflow": "break", "lineHeight": 15},
        },
        "toolbox": png_toolbox(title),
        "legend": {"bottom": 0, "type": "plain"},
        "grid": {
            "left": 8,
            "right": 24,
            "top": 84,
            # Room for the bins' name between the axis labels and the legend.
            "bottom": 32 + LEGEND_ROW * legend_rows(list(stacks)),
            "containLabel": True,
        },
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {
            "type": "category",
            "data": list(labels),
            "name": axis_name,
            "nameLocation": "middle",
            "nameGap": 24,
            "axisLabel": {"hideOverlap": True},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": series,
    }
