"""Reading an experiment folder for the results explorer (no Solara here)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd
from carepath.experiments.analysis import arm_table, kpi_columns
from carepath.experiments.store import MANIFEST, RUNS, StoreError, read_manifest, read_runs
from carepath.sim.measure import kpis as catalogue
from carepath.sim.presets import PRESETS

# `carepath dashboard --experiment DIR` opens the explorer on DIR.
EXPERIMENT_ENV = "CAREPATH_EXPERIMENT"
# `carepath dashboard --root DIR`: the explorer opens experiment folders inside DIR only
# (without it, inside the folder the server was started in).
ROOT_ENV = "CAREPATH_ROOT"
_SKIP_DIRS = {".venv", ".git", "node_modules", "__pycache__"}


@dataclass(frozen=True)
class Experiment:
    """An experiment's runs and what its columns mean.

    Attributes:
        folder: where it is (symlinks resolved).
        shown: how the page names it: relative to the root it was opened under, so that the
            page does not tell a visitor where the server keeps its files.
    """

    folder: Path
    name: str
    runs: pd.DataFrame
    factors: list[str]
    kpis: list[str]
    shown: str = ""

    @property
    def headline(self) -> list[str]:
        """The KPIs to show first: the headline ones this experiment kept, else the first few."""
        return catalogue.headline(self.kpis) or self.kpis[:6]

    @property
    def labels(self) -> dict[str, str]:
        """Each KPI's label for people, by key (a KPI the catalogue lacks keeps its key)."""
        return {key: catalogue.describe(key).label for key in self.kpis}


class OutsideRootError(StoreError):
    """A folder the explorer may not open: it is not inside the root folder."""


def root_folder() -> Path:
    """The folder the explorer may open experiments in: ``CAREPATH_ROOT``, else the working one."""
    return Path(os.environ.get(ROOT_ENV) or os.getcwd()).resolve()


def inside(root: Path, text: str | Path) -> Path:
    """The real folder ``text`` names (relative to ``root``, or absolute), if inside ``root``.

    Symlinks and ``..`` are resolved first, so neither leads out of ``root``.

    Raises:
        OutsideRootError: if the folder is not ``root`` or below it.
    """
    root = root.resolve()
    # No ``~``: the server's home folder means nothing to a visitor.
    try:
        path = (root / str(text).strip()).resolve()
    except (ValueError, OSError, RuntimeError):  # a NUL byte, a loop of symlinks
        raise StoreError(f"{str(text).strip()!r}: not a folder name") from None
    if not path.is_relative_to(root):
        raise OutsideRootError(
            f"{str(text).strip()}: outside the folder the dashboards may open; "
            "give a folder inside it (one of those listed, or a path relative to it)"
        )
    return path


def relative(root: Path, path: str | Path) -> str:
    """``path`` relative to ``root`` when inside it (``.`` for the root itself), else as given."""
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


def plain(message: str, root: Path | None) -> str:
    """A store's message with paths under ``root`` made relative, its lines joined into one."""
    # The file system's root hides nothing, and its name, "/", is in every path.
    if root is not None and root != root.parent:
        message = message.replace(f"{root}{os.sep}", "").replace(str(root), ".")
    return "; ".join(line for line in message.splitlines() if line.strip())


def load(folder: str | Path, root: Path | None = None) -> Experiment:
    """Read an experiment folder.

    Args:
        folder: the folder; relative to ``root`` if one is given.
        root: if given, refuse folders (and manifests or parts, through symlinks) outside it,
            and name the folder relative to it. The explorer always gives one; without it
            (scripts, tests) any folder is read.

    Raises:
        StoreError: if ``folder`` is not an experiment folder or holds no finished run; its
            message names paths relative to ``root``. ``OutsideRootError`` if it is outside.
    """
    if root is None:
        folder = Path(str(folder).strip()).expanduser()
        shown = str(folder)
    else:
        root = root.resolve()
        folder = inside(root, folder)
        shown = relative(root, folder)
    try:
        if not str(folder) or not folder.is_dir():
            raise StoreError(f"{folder}: no such folder")
        if root is not None:
            # A manifest or part may itself be a symlink to a file elsewhere.
            for path in [folder / MANIFEST, *sorted((folder / RUNS).glob("*"))]:
                if path.exists() and not path.resolve().is_relative_to(root):
                    raise OutsideRootError(f"{path}: a link to a file outside the root folder")
        manifest = read_manifest(folder)
        runs = read_runs(folder)
    except StoreError as exc:
        raise type(exc)(plain(str(exc), root)) from None
    factors = [f for f in manifest.get("factor_types", {}) if f in runs.columns]
    numeric = [c for c in kpi_columns(runs, factors) if pd.api.types.is_numeric_dtype(runs[c])]
    if "status" not in runs or not (runs["status"] == "ok").any():
        raise StoreError(f"{shown}: no finished run yet")
    name = manifest.get("experiment", {}).get("name") or folder.name
    return Experiment(folder, str(name), runs, factors, numeric, shown)


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


def bounds(kpi: str) -> tuple[float, float]:
    """The values KPI ``kpi`` can take: ``(0, 1)`` for a share of a whole, ``(0, inf)`` else.

    Every KPI of the catalogue counts, costs or shares something, so none is below zero; a
    share of a whole (``share of requests``) is at most 1, while a ratio such as spend to
    budget may pass 1. A KPI the catalogue lacks has no known bounds.
    """
    entry = catalogue.CATALOGUE.get(kpi)
    if entry is None or not entry.numeric:
        return -math.inf, math.inf
    whole = entry.number_format.kind == "share" and entry.unit.startswith("share of")
    return 0.0, 1.0 if whole and "budget" not in entry.unit else math.inf


def summary(runs: pd.DataFrame, kpis: list[str]) -> pd.DataFrame:
    """Per arm and KPI: mean, 95% interval and paired difference from the first arm shown.

    A t-interval is symmetric, so for a KPI near a bound it can reach values the KPI cannot
    take (a turnover rate below zero): each interval is cut at the KPI's ``bounds``, and
    ``cut`` says which were.
    """
    if runs.empty or not kpis:
        return pd.DataFrame()
    first = runs.sort_values("arm")["arm_label"].iloc[0]
    table = arm_table(runs, kpis=kpis, baseline=str(first))
    limits = table["kpi"].map(bounds)
    low = limits.map(lambda b: b[0]).astype(float)
    high = limits.map(lambda b: b[1]).astype(float)
    table["cut"] = (table["ci_low"] < low) | (table["ci_high"] > high)
    table["ci_low"] = table["ci_low"].clip(lower=low)
    table["ci_high"] = table["ci_high"].clip(upper=high)
    return table


def chart_scale(kpi: str) -> tuple[float, str]:
    """What to multiply a KPI's values by for a chart axis, and the axis's unit.

    Shares are drawn as percentages, pounds in millions; everything else in its own unit.
    """
    entry = catalogue.describe(kpi)
    if entry.number_format.kind == "share":
        return 100.0, f"% ({entry.unit})"
    if entry.number_format.kind == "money":
        return 1e-6, "£ million" + entry.unit.removeprefix("£")
    return 1.0, entry.unit


# Factors' names for people, where the lever's label does not serve.
_FACTOR_NAMES = {"organisation.preset": "Organisational model"}


def factor_name(factor: str) -> str:
    """A factor's name for people: the dashboards' lever label, else its last part in words."""
    if factor in _FACTOR_NAMES:
        return _FACTOR_NAMES[factor]
    from carepath.dashboards.levers import MAIN_LEVERS

    for lever in MAIN_LEVERS:
        if lever.path == factor:
            return lever.label
    return factor.rpartition(".")[2].replace("_", " ").capitalize()


def value_name(factor: str, value: object) -> str:
    """A factor's value for people: a preset's title, ``yes``/``no``, else the value as text."""
    text = str(value)
    if factor == "organisation.preset" and text in PRESETS:
        return PRESETS[text].title
    return {"True": "yes", "False": "no"}.get(text, text)


def arm_names(experiment: Experiment) -> dict[str, str]:
    """Each arm's label (``preset=in_house, strengths_based=True``) in words, by label.

    ``Council in-house (reformed); Strengths-based practice: yes``: the organisational model
    by its title, every other factor as ``name: value``.
    """
    names = {}
    for _, row in experiment.runs.drop_duplicates("arm").iterrows():
        parts = [
            value_name(f, row[f])
            if f == "organisation.preset"
            else f"{factor_name(f)}: {value_name(f, row[f])}"
            for f in experiment.factors
        ]
        names[str(row["arm_label"])] = "; ".join(parts) or str(row["arm_label"])
    return names


def table_html(table: pd.DataFrame, kpi: str, names: dict[str, str] | None = None) -> str:
    """The rows of ``summary`` for one KPI as an HTML table: one row per arm.

    Values are printed in the KPI's catalogue format (shares as %, money in £); differences
    carry a sign, and those of a share are in percentage points. An interval cut at the
    KPI's bounds is marked with an asterisk.

    Args:
        table: from ``summary``.
        kpi: the KPI's key.
        names: arm label -> the arm's name for people (``arm_names``); default the label.
    """
    entry = catalogue.describe(kpi)
    value = entry.format
    names = names or {}
    rows = table[table["kpi"] == kpi]
    body = "".join(
        "<tr>"
        f"<th>{escape(names.get(str(r.arm_label), str(r.arm_label)))}</th>"
        f"<td data-label='runs'>{r.n}</td>"
        f"<td data-label='mean'>{escape(value(r.mean))}</td>"
        f"<td data-label='95% interval'>[{escape(value(r.ci_low))}, {escape(value(r.ci_high))}]"
        + ("*" if getattr(r, "cut", False) else "")
        # Every replication gave the same value: the interval is honest but says so.
        + (" (all runs equal)" if r.n > 1 and r.ci_low == r.ci_high else "")
        + "</td>"
        f"<td data-label='difference (95%)'>{escape(value(r.diff, signed=True))}"
        + (
            ""
            if math.isnan(r.diff_low)
            else f" [{escape(value(r.diff_low, signed=True))}, "
            f"{escape(value(r.diff_high, signed=True))}]"
        )
        + "</td></tr>"
        for r in rows.itertuples()
    )
    unit = f" ({escape(entry.unit)})" if entry.unit else ""
    head = (
        f"<th>arm</th><th>runs</th><th>mean{unit}</th><th>95% interval</th>"
        "<th>difference from the first arm (95%)</th>"
    )
    cut = rows["cut"].any() if "cut" in rows else False
    low, high = bounds(kpi)
    note = (
        f"<tfoot><tr><td colspan='5'>* interval cut at {escape(value(low))}"
        + ("" if math.isinf(high) else f" / {escape(value(high))}")
        + ", the bounds of what this KPI can be</td></tr></tfoot>"
        if cut
        else ""
    )
    return f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{note}"


def table_csv(table: pd.DataFrame, names: dict[str, str] | None = None) -> str:
    """``summary`` as CSV: one row per arm and KPI, with the KPI's label and unit, raw numbers."""
    names = names or {}
    out = table.assign(
        arm_name=table["arm_label"].map(lambda a: names.get(str(a), str(a))),
        kpi_label=table["kpi"].map(lambda k: catalogue.describe(k).label),
        unit=table["kpi"].map(lambda k: catalogue.describe(k).unit),
    )
    columns = ["arm_name", "arm_label", "kpi_label", "unit", "kpi"]
    columns += [c for c in table.columns if c not in columns]
    return out[columns].to_csv(index=False)


def find_folders(
    root: str | Path, holds: Callable[[Path, list[str]], bool], depth: int, limit: int
) -> list[str]:
    """Folders under ``root`` for which ``holds(folder, its file names)``, nearest first.

    Symlinked folders are not entered, so that every folder found is inside ``root``; hidden
    folders and those in ``_SKIP_DIRS`` are not searched. Paths are relative to ``root``.
    """
    found: list[str] = []
    root = Path(root).resolve()
    for current, dirs, files in os.walk(root):
        level = len(Path(current).relative_to(root).parts)
        dirs[:] = (
            sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
            if level < depth
            else []
        )
        if holds(Path(current), files):
            found.append(relative(root, current))
            if len(found) >= limit:
                break
    return found


def find_experiments(root: str | Path = ".", depth: int = 3, limit: int = 50) -> list[str]:
    """Experiment folders (holding a manifest and runs) under ``root``, nearest first."""

    def is_experiment(folder: Path, files: list[str]) -> bool:
        return MANIFEST in files and (folder / RUNS).is_dir()

    return find_folders(root, is_experiment, depth, limit)
