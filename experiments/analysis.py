"""Statistics of an experiment: intervals, paired differences, replications and warm-up."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

NON_KPI = {"run_id", "arm", "arm_label", "replication", "status", "error", "checksum"}


def kpi_columns(runs: pd.DataFrame, factors: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The KPI columns of a runs table (everything but identifiers and factors)."""
    return [c for c in runs.columns if c not in NON_KPI and c not in set(factors)]


def t_interval(values: Any, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of ``values`` (NaNs dropped).

    Returns:
        ``(mean, low, high)``; the interval is NaN with fewer than two values.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if len(x) < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return mean, mean - half, mean + half


def arm_table(
    runs: pd.DataFrame,
    kpis: list[str] | None = None,
    baseline: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per arm and KPI: mean, interval, and the paired difference from the baseline arm.

    Differences pair each arm's replication ``k`` with the baseline's replication ``k`` (they
    share random numbers), so they are usually far tighter than the two intervals suggest.

    Args:
        runs: from ``experiments.store.read_runs``.
        kpis: columns to summarise (default: every KPI column).
        baseline: label of the reference arm (default: the arm numbered 0).
        level: confidence level of the intervals.

    Returns:
        Columns ``arm, arm_label, kpi, n, mean, sd, ci_low, ci_high, diff, diff_low, diff_high``.
    """
    ok = runs[runs["status"] == "ok"]
    kpis = kpis or kpi_columns(runs)
    labels = runs.drop_duplicates("arm").sort_values("arm")[["arm", "arm_label"]]
    if baseline is None and len(labels):
        baseline = str(labels.iloc[0]["arm_label"])
    base = ok[ok["arm_label"] == baseline].set_index("replication")
    rows = []
    for arm, label in labels.itertuples(index=False):
        mine = ok[ok["arm"] == arm].set_index("replication")
        for kpi in kpis:
            values = mine[kpi].to_numpy(dtype=float) if kpi in mine else np.array([])
            finite = values[np.isfinite(values)]
            mean, low, high = t_interval(finite, level)
            if kpi in base and kpi in mine:
                paired = (mine[kpi] - base[kpi].reindex(mine.index)).to_numpy(dtype=float)
            else:
                paired = np.array([])
            diff, diff_low, diff_high = t_interval(paired, level)
            if label == baseline:
                diff, diff_low, diff_high = 0.0, math.nan, math.nan
            rows.append(
                {
                    "arm": int(arm),
                    "arm_label": label,
                    "kpi": kpi,
                    "n": len(finite),
                    "mean": mean,
                    "sd": float(finite.std(ddof=1)) if len(finite) > 1 else math.nan,
                    "ci_low": low,
                    "ci_high": high,
                    "diff": diff,
                    "diff_low": diff_low,
                    "diff_high": diff_high,
                }
            )
    return pd.DataFrame(rows)


def replications_needed(
    values: Any,
    *,
    half_width: float | None = None,
    relative: float | None = None,
    level: float = 0.95,
    max_n: int = 100_000,
) -> int | None:
    """Replications that give a confidence interval no wider than asked (Law's method).

    Uses the sample's standard deviation as an estimate for the population's, and the
    smallest ``n`` with ``t(n-1) * s / sqrt(n) <= half_width``.

    Args:
        values: a pilot sample of the KPI (one value per replication; at least two).
        half_width: the wanted half-width in the KPI's units, or
        relative: the wanted half-width as a fraction of the mean (0.05 for ±5%).
        level: confidence level.
        max_n: give up (return None) beyond this.

    Returns:
        The number of replications, or None if the pilot is too small or the mean is zero.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) < 2 or (half_width is None) == (relative is None):
        return None
    target = half_width if half_width is not None else abs(float(x.mean())) * float(relative)
    s = float(x.std(ddof=1))
    if s == 0.0:
        return 2
    if target <= 0.0:
        return None
    # Start from the normal approximation, then walk up to where the t quantile agrees.
    n = max(2, math.ceil((stats.norm.ppf(0.5 + level / 2) * s / target) ** 2))
    while n <= max_n:
        if stats.t.ppf(0.5 + level / 2, n - 1) * s / math.sqrt(n) <= target:
            return n
        n += 1
    return None


def mser(series: Any, batch: int = 5) -> int:
    """MSER-``batch`` warm-up (White 1997): observations to delete from the start of a series.

    The series is cut into batch means; the truncation point ``d`` minimises the squared
    standard error of the mean of what is left, searched over the first half only.

    Returns:
        The number of original observations to delete (a multiple of ``batch``).
    """
    y = np.asarray(series, dtype=float)
    y = y[np.isfinite(y)]
    blocks = len(y) // batch
    if blocks < 4:
        return 0
    means = y[: blocks * batch].reshape(blocks, batch).mean(axis=1)
    # Suffix sums give every truncation's mean and variance in one pass.
    tail_n = np.arange(blocks, 0, -1, dtype=float)
    tail_sum = np.cumsum(means[::-1])[::-1]
    tail_sq = np.cumsum((means**2)[::-1])[::-1]
    sse = tail_sq - tail_sum**2 / tail_n
    statistic = sse / tail_n**2
    half = blocks // 2
    return int(np.argmin(statistic[: half + 1])) * batch


def warmup_table(series: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """MSER-5 warm-up of each level series, on the mean over replications of each arm.

    Args:
        series: from ``experiments.store.read_timeseries`` (``arm, replication, day, ...``).
        names: series to examine (running totals, which never settle, are left out).

    Returns:
        Columns ``arm, series, warmup_days``.
    """
    rows = []
    for arm, frame in series.groupby("arm"):
        mean = frame.groupby("day")[names].mean().sort_index()
        days = mean.index.to_numpy(dtype=float)
        for name in names:
            cut = mser(mean[name].to_numpy())
            rows.append({"arm": int(arm), "series": name, "warmup_days": float(days[cut])})
    return pd.DataFrame(rows, columns=["arm", "series", "warmup_days"])
