"""Reading a ``carepath appraise`` result folder for the appraisal page (no Solara here).

``carepath appraise`` writes its tables into ``OUT/appraisal/``: ``ranking.csv``,
``differences.csv``, ``evppi.csv``, ``tornado.csv``, ``thresholds.csv``, ``levels.csv`` (read
by ``appraisal_levels``; older folders have none), ``measures.csv``, ``report.md`` and, from a
full run, ``pairs.csv`` and ``report.html``. The page opens either that folder or ``OUT`` itself, inside the dashboards' root folder only (as the results explorer does).
Names come from where the report takes them: options by their preset's title, measures by the
KPI catalogue's title and unit, uncertain values by their mechanism's title or the appraisal
file's ``[uncertain]`` title.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
from carepath.dashboards.appraisal_levels import LevelsError, read_levels
from carepath.dashboards.results import find_folders, inside, plain, relative
from carepath.experiments.appraise.analysis import COST_PV, NET_BENEFIT, better_of, verdict
from carepath.experiments.appraise.draws import COUNCIL
from carepath.experiments.appraise.report import FOLDER, fmt, label, title
from carepath.experiments.store import MANIFEST, StoreError
from carepath.sim.measure.kpis import Better
from carepath.sim.presets import MECHANISM_NOTES

# `carepath dashboard --appraisal DIR` opens the appraisal page on DIR.
APPRAISAL_ENV = "CAREPATH_APPRAISAL"
# Each table and the columns the page reads from it (``carepath appraise`` writes more).
TABLES: dict[str, tuple[str, ...]] = {
    "ranking": ("option", "expected_net_benefit", "p_best"),
    "differences": ("option", "kpi", "mean_difference", "low", "high", "p_better", "p_worse"),
    "evppi": ("parameter", "evppi", "share_of_evpi"),
    "tornado": ("option", "value_of", "parameter", "kpi", "value_low", "value_high"),
    "thresholds": ("option", "value_of", "parameter", "kpi", "threshold", "better_when"),
}
REPORT_HTML = "report.html"
REPORT_MD = "report.md"
PAIRS = "pairs.csv"
TORNADO_TOP = 12  # the report's tornado shows the 12 widest swings too


class NotAnAppraisalError(StoreError):
    """A folder that holds no ``carepath appraise`` result."""


@dataclass(frozen=True)
class Appraisal:
    """An appraisal's tables and the names to show them by.

    Attributes:
        folder: the folder holding the tables (``OUT/appraisal``).
        shown: the folder relative to the root it was opened under.
        name: the appraisal's name (``Options appraisal: NAME`` in its report).
        current: the current arrangement every option is compared with.
        tables: ``ranking``, ``differences``, ``evppi``, ``tornado``, ``thresholds``.
        evpi: the expected value of perfect information (£), NaN when the folder cannot tell.
        titles: each uncertain value's name for people, by path.
        report_html: the committee report's HTML, when the folder has it.
        levels: ``levels.csv`` as written, None when the folder predates it or cannot be read.
        levels_problem: why ``levels.csv`` could not be read (one line), else None.
    """

    folder: Path
    shown: str
    name: str
    current: str
    tables: dict[str, pd.DataFrame]
    evpi: float
    titles: dict[str, str] = field(default_factory=dict)
    report_html: str | None = None
    levels: pd.DataFrame | None = None
    levels_problem: str | None = None

    @property
    def measures(self) -> list[str]:
        """The measures compared, in the report's order (KPIs, then cost and net benefit)."""
        return list(dict.fromkeys(self.tables["differences"]["kpi"]))

    @property
    def options(self) -> list[str]:
        """The options other than the current arrangement, in the report's order."""
        found = dict.fromkeys(self.tables["differences"]["option"])
        return [o for o in found if o != self.current]

    def parameter(self, path: str) -> str:
        """An uncertain value's name for people (its path when nothing names it)."""
        return self.titles.get(path) or _words(path)

    def value_name(self, option: str, value_of: str, path: str) -> str:
        """Whose value it is, as the report says it: the option's, the current's, the council's."""
        name = self.parameter(path)
        name = name[0].lower() + name[1:]
        if value_of == option:
            return f"its {name}"
        if value_of == COUNCIL:
            return f"the {name}" if name.startswith("council") else f"the council's {name}"
        return f"{title(value_of)}'s {name}"


def _words(path: str) -> str:
    """``change.transition_days`` -> ``Transition days``: a path as a last-resort name."""
    return path.rpartition(".")[2].replace("_", " ").capitalize()


def appraisal_folder(folder: Path) -> Path:
    """The folder holding the tables: ``folder`` itself, or its ``appraisal/`` when it has one."""
    nested = folder / FOLDER
    if not (folder / "ranking.csv").is_file() and (nested / "ranking.csv").is_file():
        return nested
    return folder


def _read_table(folder: Path, name: str, shown: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    if not path.is_file():
        raise NotAnAppraisalError(
            f"{shown}: not an appraisal result (no {name}.csv); open the folder "
            "`carepath appraise` wrote (OUT or OUT/appraisal)"
        )
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=list(TABLES[name]))
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise NotAnAppraisalError(f"{shown}/{name}.csv: not a readable table ({exc})") from None
    missing = [c for c in TABLES[name] if c not in frame.columns]
    if missing:
        raise NotAnAppraisalError(
            f"{shown}/{name}.csv: not an appraisal table (no column {missing[0]!r})"
        )
    return frame


def _uncertain_titles(folder: Path, evppi: pd.DataFrame) -> dict[str, str]:
    """Titles of the uncertain values: mechanisms', then the appraisal file's, then its report's."""
    titles = {path: note.title for path, note in MECHANISM_NOTES.items() if note.title}
    # A full run keeps its appraisal file's text in the experiment's manifest, beside it.
    manifest = folder.parent / MANIFEST
    try:
        text = json.loads(manifest.read_text(encoding="utf-8"))["experiment"]["text"]
        uncertain = tomllib.loads(text).get("uncertain", {})
        for path, entry in uncertain.items():
            if isinstance(entry, dict) and entry.get("title"):
                titles.setdefault(path, str(entry["title"]))
    except (OSError, ValueError, KeyError, TypeError, tomllib.TOMLDecodeError):
        pass
    # The report's EVPPI table names every value, row for row in evppi.csv's order.
    for path, name in zip(evppi["parameter"], _report_evppi_names(folder), strict=False):
        titles.setdefault(str(path), name)
    return titles


def _report_evppi_names(folder: Path) -> list[str]:
    try:
        text = (folder / REPORT_MD).read_text(encoding="utf-8")
    except OSError:
        return []
    section = text.partition("## Which assumptions decide the ranking")[2].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [row.split("|")[1].strip() for row in rows[1:]]  # the first row is the heading


def _name(folder: Path) -> str:
    try:
        first = (folder / REPORT_MD).read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return folder.parent.name if folder.name == FOLDER else folder.name
    return first.removeprefix("# ").strip()


def _evpi(folder: Path, current: str, evppi: pd.DataFrame) -> float:
    """EVPI from the pairs (a full run), else from an EVPPI and its share of EVPI, else NaN."""
    pairs_path = folder / PAIRS
    if pairs_path.is_file():
        try:
            pairs = pd.read_csv(pairs_path)
            nb = pairs.pivot_table(
                index="draw", columns="option", values=NET_BENEFIT, aggfunc="mean"
            )
            nb = nb.drop(columns=[current], errors="ignore").dropna()
            if len(nb):
                matrix = np.column_stack([np.zeros(len(nb)), nb.to_numpy()])
                return float(np.mean(matrix.max(axis=1)) - np.max(matrix.mean(axis=0)))
        except (KeyError, ValueError, OSError, pd.errors.ParserError):
            pass
    shared = evppi[evppi["share_of_evpi"] > 0]
    if len(shared):
        return float((shared["evppi"] / shared["share_of_evpi"]).max())
    return math.nan


def load(folder: str | Path, root: Path) -> Appraisal:
    """Read an appraisal result folder inside ``root``.

    Raises:
        StoreError: one line, paths relative to ``root``: no such folder, outside the root, or
            not an appraisal result (``NotAnAppraisalError``).
    """
    root = root.resolve()
    path = inside(root, folder)
    shown = relative(root, path)
    if not str(folder).strip() or not path.is_dir():
        raise StoreError(f"{shown if str(folder).strip() else '(no folder)'}: no such folder")
    path = appraisal_folder(path)
    shown = relative(root, path)
    for file in path.glob("*"):
        if file.is_symlink() and not file.resolve().is_relative_to(root):
            raise StoreError(f"{relative(root, file)}: a link to a file outside the root folder")
    try:
        tables = {name: _read_table(path, name, shown) for name in TABLES}
    except StoreError as exc:
        raise type(exc)(plain(str(exc), root)) from None
    ranking = tables["ranking"]
    if ranking.empty or tables["differences"].empty:
        raise NotAnAppraisalError(f"{shown}: the appraisal has no finished pair of runs")
    # The current arrangement is the ranking's option with no difference from itself: the
    # one whose expected net benefit over keeping it is exactly zero and is not in options.
    zero = ranking[ranking["expected_net_benefit"] == 0]["option"].tolist()
    compared = set(tables["differences"]["option"])
    fallback = zero[0] if zero else ranking["option"].iloc[0]
    current = next((o for o in zero if o not in compared or _all_zero(tables, o)), fallback)
    report = path / REPORT_HTML
    try:
        report_html = report.read_text(encoding="utf-8") if report.is_file() else None
    except (OSError, UnicodeDecodeError):
        report_html = None
    # A damaged levels.csv leaves its panel saying so; the rest of the appraisal still shows.
    try:
        levels, levels_problem = read_levels(path, shown), None
    except LevelsError as exc:
        levels, levels_problem = None, plain(str(exc), root)
    return Appraisal(
        folder=path,
        shown=shown,
        name=_name(path),
        current=str(current),
        tables=tables,
        evpi=_evpi(path, str(current), tables["evppi"]),
        titles=_uncertain_titles(path, tables["evppi"]),
        report_html=report_html,
        levels=levels,
        levels_problem=levels_problem,
    )


def _all_zero(tables: dict[str, pd.DataFrame], option: str) -> bool:
    mine = tables["differences"][tables["differences"]["option"] == option]
    return bool((mine[["mean_difference", "low", "high"]] == 0).all().all())


def find_appraisals(root: Path, depth: int = 4, limit: int = 50) -> list[str]:
    """Appraisal folders (holding ``ranking.csv`` and ``differences.csv``) under ``root``."""
    return find_folders(
        root, lambda _, files: {"ranking.csv", "differences.csv"} <= set(files), depth, limit
    )


# -- what the page shows ----------------------------------------------------------------------


def percent(value: float) -> str:
    """A probability as a whole percentage: ``42%`` (a dash when there is none)."""
    return "\u2013" if value is None or not math.isfinite(value) else f"{value:.0%}"


def signed_range(kpi: str, low: float, high: float) -> str:
    """A 5-95% range in the measure's format: ``-£20.78m to +£2.15m``."""
    return f"{fmt(kpi, low, signed=True)} to {fmt(kpi, high, signed=True)}"


def ranking_rows(a: Appraisal) -> pd.DataFrame:
    """Every choice ranked on expected net benefit, with its chances and its cost over the horizon.

    Columns in words and in the report's formats; ``option`` keeps the preset key.
    """
    diffs = a.tables["differences"].set_index(["option", "kpi"])
    rows = []
    for r in a.tables["ranking"].itertuples():
        option = str(r.option)
        cost = diffs.loc[(option, COST_PV)] if (option, COST_PV) in diffs.index else None
        nb = diffs.loc[(option, NET_BENEFIT)] if (option, NET_BENEFIT) in diffs.index else None
        is_current = option == a.current
        rows.append(
            {
                "option": option,
                "Option": title(option) + (" (current arrangement)" if is_current else ""),
                "Expected net benefit over the current arrangement": fmt(
                    NET_BENEFIT, float(r.expected_net_benefit), signed=True
                ),
                "Chance of better net benefit than the current arrangement": (
                    "\u2013" if is_current or nb is None else percent(float(nb["p_better"]))
                ),
                "Chance of being the best choice": percent(float(r.p_best)),
                "Cost over the horizon, discounted: difference": (
                    "\u2013" if cost is None else fmt(COST_PV, cost["mean_difference"], signed=True)
                ),
                "Cost: 90% range (5th to 95th percentile)": (
                    "\u2013" if cost is None else signed_range(COST_PV, cost["low"], cost["high"])
                ),
            }
        )
    return pd.DataFrame(rows)


def best_sentence(a: Appraisal) -> str:
    """Expected best against best most often, in the committee report's words."""
    ranked = a.tables["ranking"]
    lead = ranked.iloc[0]
    often = ranked.loc[ranked["p_best"].idxmax()]

    def named(option: str) -> str:
        return f"keeping {title(option)}" if option == a.current else title(option)

    if lead["option"] == a.current:
        text = (
            f"Expected best: keeping {title(a.current)}: every option is expected to do worse "
            "than it over the horizon"
        )
    else:
        text = (
            f"Expected best: {title(lead['option'])}, "
            f"{fmt(NET_BENEFIT, lead['expected_net_benefit'], signed=True)} of net benefit "
            f"against keeping {title(a.current)}"
        )
    text += f". It is the best choice in {lead['p_best']:.0%} of the draws"
    if often["option"] != lead["option"]:
        text += (
            f"; best most often: {named(often['option'])} ({often['p_best']:.0%}), but by "
            "less where it wins than it loses elsewhere"
        )
    return text + "."


def reading(p_better: float, p_worse: float) -> str:
    """The report's reading of one difference: likely better / worse, uncertain, no difference."""
    return verdict(p_better, p_worse)


def difference_rows(a: Appraisal, kpi: str | None = None) -> pd.DataFrame:
    """Each option's difference from the current arrangement per measure, in words and formats."""
    table = a.tables["differences"]
    table = table[table["option"] != a.current]
    if kpi is not None:
        table = table[table["kpi"] == kpi]
    return pd.DataFrame(
        [
            {
                "Option": title(str(r.option)),
                "Measure": label(str(r.kpi)),
                "Expected difference": fmt(str(r.kpi), r.mean_difference, signed=True),
                "90% range (5th to 95th percentile)": signed_range(str(r.kpi), r.low, r.high),
                "P(better)": percent(r.p_better),
                "P(worse)": percent(r.p_worse),
                "Reading": reading(r.p_better, r.p_worse),
            }
            for r in table.itertuples()
        ]
    )


def better_words(kpi: str) -> str:
    """``lower is better`` for a measure (the appraisal's own included)."""
    return {Better.LOWER: "lower is better", Better.HIGHER: "higher is better"}.get(
        better_of(kpi), "neither way is better"
    )


def tornado_rows(a: Appraisal, kpi: str, top: int = TORNADO_TOP) -> pd.DataFrame:
    """The ``top`` widest swings of ``kpi``'s expected difference, widest first, named."""
    rows = a.tables["tornado"]
    rows = rows[rows["kpi"] == kpi].copy()
    rows["swing"] = (rows["at_high"] - rows["at_low"]).abs()
    rows = rows.sort_values("swing", ascending=False).head(top)
    return rows.assign(
        name=[
            f"{title(o)}: {a.value_name(o, v, p)}"
            for o, v, p in zip(rows["option"], rows["value_of"], rows["parameter"], strict=True)
        ]
    )


def threshold_rows(a: Appraisal) -> pd.DataFrame:
    """The thresholds in words: the option does better than the current only if a value is past one."""
    table = a.tables["thresholds"]
    # Measure by measure in the report's order, the clearest fit (smallest p-value) first.
    order = {kpi: i for i, kpi in enumerate(a.measures)}
    keys = table["kpi"].map(order).fillna(len(order))
    sort = ["_order", "p_value"] if "p_value" in table else ["_order"]
    table = table.assign(_order=keys).sort_values(sort, kind="stable")
    return pd.DataFrame(
        [
            {
                "Option": title(str(r.option)),
                "Measure": label(str(r.kpi)),
                "Better than the current arrangement only if": (
                    f"{a.value_name(str(r.option), str(r.value_of), str(r.parameter))} is "
                    f"{r.better_when} {r.threshold:.3g}{_unit(str(r.parameter))}"
                ),
                "Fit's p-value": f"{r.p_value:.2g}" if hasattr(r, "p_value") else "\u2013",
            }
            for r in table.itertuples()
        ]
    )


def _unit(path: str) -> str:
    note = MECHANISM_NOTES.get(path)
    return f" ({note.unit})" if note is not None and note.unit else ""


def evppi_rows(a: Appraisal) -> pd.DataFrame:
    """EVPPI per uncertain value, largest first, in pounds and as a share of EVPI."""
    table = a.tables["evppi"].sort_values("evppi", ascending=False)
    return pd.DataFrame(
        [
            {
                "Uncertain value": a.parameter(str(r.parameter)),
                "EVPPI (net benefit, £)": fmt(NET_BENEFIT, r.evppi),
                "Share of EVPI": percent(r.share_of_evpi),
            }
            for r in table.itertuples()
        ]
    )


def evpi_sentence(a: Appraisal) -> str:
    """What knowing everything would be worth, and which value most decides the choice."""
    if not math.isfinite(a.evpi):
        head = "This folder does not say what perfect information would be worth (no pairs.csv)."
    elif a.evpi <= 0:
        return (
            "In every draw the same choice had the highest net benefit: learning any value "
            "would not change it (EVPI £0)."
        )
    else:
        head = (
            f"Knowing every uncertain value before deciding would be worth "
            f"{fmt(NET_BENEFIT, a.evpi)} in expected net benefit (EVPI)."
        )
    table = a.tables["evppi"].sort_values("evppi", ascending=False)
    if table.empty or table["evppi"].iloc[0] <= 0:
        return head + " No single value, learnt alone, would change the choice on average."
    top = table.iloc[0]
    return (
        f"{head} The value that most decides the choice is "
        f"{a.parameter(str(top['parameter'])).lower()}: knowing it alone is worth "
        f"{fmt(NET_BENEFIT, top['evppi'])} (EVPPI)."
    )


def rows_html(frame: pd.DataFrame, skip: tuple[str, ...] = ("option",)) -> str:
    """A table of text cells as the inside of an HTML ``<table>``, its first column a heading.

    Each cell is named by its column (``data-label``), so on a phone the rows stack readably.
    """
    columns = [c for c in frame.columns if c not in skip]
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<th class='kpi-name'>{escape(str(row[c]))}</th>"
            if i == 0
            else f"<td data-label='{escape(c, quote=True)}'>{escape(str(row[c]))}</td>"
            for i, c in enumerate(columns)
        )
        + "</tr>"
        for _, row in frame.iterrows()
    )
    return f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"


def table_csv(frame: pd.DataFrame) -> str:
    """A table as CSV."""
    return frame.to_csv(index=False)


def raw_csv(a: Appraisal, name: str, names: bool = True) -> str:
    """One of the folder's tables as CSV, raw numbers kept, with names for people beside keys."""
    frame = a.tables[name].copy()
    if names and "option" in frame:
        frame.insert(1, "option_title", [title(str(o)) for o in frame["option"]])
    if names and "kpi" in frame:
        frame.insert(
            frame.columns.get_loc("kpi") + 1, "kpi_title", [label(str(k)) for k in frame["kpi"]]
        )
    if names and "parameter" in frame:
        at = frame.columns.get_loc("parameter") + 1
        frame.insert(at, "parameter_title", [a.parameter(str(p)) for p in frame["parameter"]])
    return frame.to_csv(index=False, float_format="%.10g")


def chart_scale(kpi: str) -> tuple[float, str]:
    """What to multiply a measure's values by for a chart axis, and the axis's unit."""
    if kpi in (COST_PV, NET_BENEFIT):
        return 1e-6, "£ million over the horizon, discounted"
    from carepath.dashboards.results import chart_scale as kpi_scale

    scale, unit = kpi_scale(kpi)
    # A difference of shares is in percentage points.
    return scale, unit.replace("% (", "percentage points (", 1) if unit.startswith("%") else unit


def file_slug(text: str) -> str:
    """A file-name part made of ``text``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "appraisal"
