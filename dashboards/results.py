"""Reading an experiment folder for the results explorer (no Solara here)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd
from carepath.experiments.analysis import arm_table, kpi_columns
from carepath.experiments.store import MANIFEST, StoreError, read_manifest, read_runs
from carepath.sim.measure import kpis as catalogue

# `carepath dashboard --experiment DIR` opens the explorer on DIR.
EXPERIMENT_ENV = "CAREPATH_EXPERIMENT"
_SKIP_DIRS = {".venv", ".git", "node_modules", "__pycache__"}


@dataclass(frozen=True)
class Experiment:
    """An experiment's runs and what its columns mean."""

    folder: Path
    name: str
    runs: pd.DataFrame
    factors: list[str]
    kpis: list[str]

    @property
    def headline(self) -> list[str]:
        """The KPIs to show first: the headline ones this experiment kept, else the first few."""
        return catalogue.headline(self.kpis) or self.kpis[:6]

    @property
    def labels(self) -> dict[str, str]:
        """Each KPI's label for people, by key (a KPI the catalogue lacks keeps its key)."""
        return {key: catalogue.describe(key).label for key in self.kpis}


def load(folder: str | Path) -> Experiment:
    """Read an experiment folder.

    Raises:
        StoreError: if ``folder`` is not an experiment folder or holds no finished run.
    """
    folder = Path(str(folder).strip()).expanduser()
    if not str(folder) or not folder.is_dir():
        raise StoreError(f"{folder}: no such folder")
    manifest = read_manifest(folder)
    runs = read_runs(folder)
    factors = [f for f in manifest.get("factor_types", {}) if f in runs.columns]
    numeric = [c for c in kpi_columns(runs, factors) if pd.api.types.is_numeric_dtype(runs[c])]
    if "status" not in runs or not (runs["status"] == "ok").any():
        raise StoreError(f"{folder}: no finished run yet")
    name = manifest.get("experiment", {}).get("name") or folder.name
    return Experiment(folder, str(name), runs, factors, numeric)


def filtered(experiment: Experiment, choices: dict[str, list[str]]) -> pd.DataFrame:
    """The runs whose factor values are among ``choices`` (factor -> allowed values as text)."""
    runs = experiment.runs
    keep = pd.Series(True, index=runs.index)
    for factor, allowed in choices.items():
        keep &= runs[factor].astype(str).isin(allowed)
    return runs[keep]


def factor_values(experiment: Experiment, factor: str) -> list[str]:
    """The distinct values of a factor, as text, in the order of the arms."""
    return list(dict.fromkeys(experiment.runs.sort_values("arm")[factor].astype(str)))


def summary(runs: pd.DataFrame, kpis: list[str]) -> pd.DataFrame:
    """Per arm and KPI: mean, 95% interval and paired difference from the first arm shown."""
    if runs.empty or not kpis:
        return pd.DataFrame()
    first = runs.sort_values("arm")["arm_label"].iloc[0]
    return arm_table(runs, kpis=kpis, baseline=str(first))


def chart_scale(kpi: str) -> tuple[float, str]:
    """What to multiply a KPI's values by for a chart axis, and the axis's unit.

    Shares are drawn as percentages; everything else in its own unit.
    """
    entry = catalogue.describe(kpi)
    if entry.number_format.kind == "share":
        return 100.0, f"% ({entry.unit})"
    return 1.0, entry.unit


def table_html(table: pd.DataFrame, kpi: str) -> str:
    """The rows of ``summary`` for one KPI as an HTML table: one row per arm.

    Values are printed in the KPI's catalogue format (shares as %, money in £); differences
    carry a sign, and those of a share are in percentage points.
    """
    entry = catalogue.describe(kpi)
    value = entry.format
    rows = table[table["kpi"] == kpi]
    body = "".join(
        "<tr>"
        f"<th>{escape(str(r.arm_label))}</th><td>{r.n}</td><td>{escape(value(r.mean))}</td>"
        f"<td>[{escape(value(r.ci_low))}, {escape(value(r.ci_high))}]</td>"
        f"<td>{escape(value(r.diff, signed=True))}"
        + (
            ""
            if math.isnan(r.diff_low)
            else f" [{escape(value(r.diff_low, signed=True))}, "
            f"{escape(value(r.diff_high, signed=True))}]"
        )
        + "</td></tr>"
        for r in rows.itertuples()
    )
    head = "<th>arm</th><th>runs</th><th>mean</th><th>95% interval</th><th>difference (95%)</th>"
    return f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"


def find_experiments(root: str | Path = ".", depth: int = 3, limit: int = 50) -> list[str]:
    """Experiment folders (holding a manifest) under ``root``, nearest first."""
    found: list[str] = []
    root = Path(root)
    for current, dirs, files in os.walk(root):
        level = len(Path(current).relative_to(root).parts)
        dirs[:] = (
            sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
            if level < depth
            else []
        )
        if MANIFEST in files and (Path(current) / "runs.parquet").is_dir():
            found.append(str(Path(current)))
            if len(found) >= limit:
                break
    return found
