"""PNG charts of an experiment: KPIs by arm, paired differences, time series, sensitivity."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window, also on machines without a display
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from carepath.sim.measure import kpis as catalogue
from matplotlib.ticker import FuncFormatter
from scipy import stats

_COLUMNS = 3


def _grid(count: int, rows_of_arms: int) -> tuple[plt.Figure, np.ndarray]:
    cols = min(_COLUMNS, count)
    rows = math.ceil(count / cols)
    height = max(2.2, 0.32 * rows_of_arms + 1.0)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, height * rows), squeeze=False)
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return fig, axes


def _title(kpi: str, *, diff: bool = False) -> str:
    """The KPI's label over its unit; shares are drawn as percentages (differences in points)."""
    entry = catalogue.describe(kpi)
    if entry.number_format.kind == "share":
        unit = "percentage points" if diff else "%"
    else:
        unit = entry.unit or kpi
    return f"{entry.label}\n({unit})"


def _scale(kpi: str) -> float:
    return 100.0 if catalogue.describe(kpi).number_format.kind == "share" else 1.0


def kpis_by_arm(table: pd.DataFrame, kpis: list[str], path: Path, *, diff: bool = False) -> Path:
    """One panel per KPI: each arm's mean with its 95% interval (or its paired difference)."""
    arms = table.drop_duplicates("arm").sort_values("arm")
    fig, axes = _grid(len(kpis), len(arms))
    for ax, kpi in zip(axes.flat, kpis, strict=False):
        rows = table[table["kpi"] == kpi].sort_values("arm")
        y = np.arange(len(rows))[::-1]
        scale = _scale(kpi)
        centre = rows["diff" if diff else "mean"].to_numpy(dtype=float) * scale
        low = rows["diff_low" if diff else "ci_low"].to_numpy(dtype=float) * scale
        high = rows["diff_high" if diff else "ci_high"].to_numpy(dtype=float) * scale
        errors = np.nan_to_num(np.vstack([centre - low, high - centre]), nan=0.0)
        ax.errorbar(centre, y, xerr=errors, fmt="o", color="#1f5f8b", ecolor="#6a9fc7", capsize=3)
        if diff:
            ax.axvline(0.0, color="grey", linewidth=0.8)
        ax.set_yticks(y, rows["arm_label"].tolist(), fontsize=8)
        ax.set_title(_title(kpi, diff=diff), fontsize=9)
        entry = catalogue.describe(kpi)
        if entry.number_format.kind == "money":  # £1.20m, not 1200000
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _, e=entry: e.format(v)))
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    suptitle = "Paired difference from the baseline arm (95% CI)" if diff else "Mean (95% CI)"
    fig.suptitle(suptitle, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def daily_band(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """A series over replications, day by day: years, mean and the 95% interval's half-width.

    Days with a single replication get a zero half-width rather than no band.
    """
    grouped = frame.groupby("day")[name]
    mean = grouped.mean()
    n = grouped.count().to_numpy(dtype=float)
    sem = grouped.std(ddof=1).to_numpy(dtype=float) / np.sqrt(np.maximum(n, 1.0))
    half = np.nan_to_num(stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sem, nan=0.0)
    return mean.index.to_numpy(dtype=float) / 365.0, mean, half


def series_bands(
    series: pd.DataFrame, name: str, labels: dict[int, str], path: Path, warmup: float | None
) -> Path:
    """Mean over replications of one series per arm, with a 95% band."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    for arm, frame in series.groupby("arm"):
        years, mean, half = daily_band(frame, name)
        line = ax.plot(years, mean.to_numpy(), linewidth=1.2, label=labels.get(int(arm), arm))
        ax.fill_between(
            years, mean - half, mean + half, color=line[0].get_color(), alpha=0.18, linewidth=0
        )
    if warmup:
        ax.axvline(warmup / 365.0, color="grey", linestyle="--", linewidth=0.8, label="warm-up")
    ax.set_xlabel("simulated years")
    ax.set_title(f"{name.replace('_', ' ')}: mean over replications, 95% band", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def sensitivity_bars(frame: pd.DataFrame, kpi: str, path: Path) -> Path:
    """Ranked sensitivity indices of one KPI (Morris mu* or Sobol S1 and ST)."""
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(frame) + 1.4))
    y = np.arange(len(frame))[::-1]
    if "mu_star" in frame:
        ax.barh(y, frame["mu_star"], xerr=frame["mu_star_conf"], color="#1f5f8b", capsize=3)
        ax.set_xlabel("Morris mu* (KPI units per full factor range)")
    else:
        ax.barh(y + 0.2, frame["ST"], height=0.4, xerr=frame["ST_conf"], label="total (ST)")
        ax.barh(y - 0.2, frame["S1"], height=0.4, xerr=frame["S1_conf"], label="first order (S1)")
        ax.set_xlabel("share of variance")
        ax.legend(fontsize=8)
    ax.set_yticks(y, frame["factor"].tolist(), fontsize=8)
    ax.set_title(catalogue.describe(kpi).title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
