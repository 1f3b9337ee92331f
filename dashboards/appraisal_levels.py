"""How much one level of the current arrangement carries, read from ``levels.csv`` (no Solara).

``carepath appraise`` draws the current arrangement's own uncertain values at a few levels,
each with its own warm-up and shared by a block of draws, and writes ``levels.csv``: per option
and level, the expected net benefit over keeping the current arrangement at the level and
with it left out (``analysis.LEVEL_COLUMNS``), then what the level drew (``owner:path``
columns). The table and sentences here are the report's ("How much one level of the current
arrangement carries"), built with the same analysis functions from that file alone, since the
page has no appraisal plan. Folders written before ``levels.csv`` existed have none.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
from carepath.experiments.appraise.analysis import (
    LEVEL_COLUMNS,
    NET_BENEFIT,
    best_without_each_level,
    most_influential_levels,
    places_without_each_level,
)
from carepath.experiments.appraise.report import CARRIES, fmt, listed, ordinal, plural, title
from carepath.experiments.store import StoreError
from carepath.sim.measure.kpis import DASH

LEVELS = "levels.csv"
# Said on the page instead of the table when the folder has no levels.csv.
PREDATES = (
    "This folder predates the level table (no levels.csv); `carepath appraise` now writes it "
    "beside the other tables."
)


class LevelsError(StoreError):
    """A ``levels.csv`` the page cannot read: one line, the rest of the appraisal still shown."""


def read_levels(folder: Path, shown: str) -> pd.DataFrame | None:
    """``levels.csv`` in ``folder`` as written, or None when the folder has none.

    Raises:
        LevelsError: the file is not a readable table or lacks one of ``LEVEL_COLUMNS``.
    """
    path = folder / LEVELS
    if not path.is_file():
        return None
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame(columns=list(LEVEL_COLUMNS))
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise LevelsError(f"{shown}/{LEVELS}: not a readable table ({exc})") from None
    missing = [c for c in LEVEL_COLUMNS if c not in frame.columns]
    if missing:
        raise LevelsError(f"{shown}/{LEVELS}: not a level table (no column {missing[0]!r})")
    return frame


def _millions(value: float) -> str:
    return DASH if not math.isfinite(value) else f"{value / 1e6:+.1f}"


def level_rows(effects: pd.DataFrame, current: str) -> pd.DataFrame:
    """Options × levels, £m over keeping ``current``, then with the level that moves each most left out.

    The report's table: one row per option in order of expected net benefit; ``option`` keeps
    the preset key. Empty when the current arrangement was held at one level.
    """
    influence = most_influential_levels(effects[list(LEVEL_COLUMNS)], current)
    if influence.empty:
        return pd.DataFrame()
    wide = effects.pivot_table(index="option", columns="level", values="at_level")
    return pd.DataFrame(
        {
            "option": influence["option"],
            "Option": [title(o) for o in influence["option"]],
            **{
                f"Level {level}": [_millions(wide.loc[o, level]) for o in influence["option"]]
                for level in wide.columns
            },
            "All levels": [_millions(v) for v in influence["expected_net_benefit"]],
            "Level left out": [
                str(v) if abs(d) >= CARRIES else DASH
                for v, d in zip(influence["level"], influence["shift"], strict=True)
            ],
            "Without it": [_millions(v) for v in influence["without_level"]],
            "Place \u2192 without it": [
                f"{ordinal(r)} \u2192 {ordinal(w)}"
                for r, w in zip(influence["rank"], influence["rank_without_level"], strict=True)
            ],
        }
    )


def levels_html(rows: pd.DataFrame) -> str:
    """``level_rows`` as the inside of an HTML ``<table>``: the levels under one heading.

    The level columns are headed by their number alone under one "at each level" heading, so
    the grid fits a laptop's screen; each cell is still named by its column (``data-label``).
    """
    columns = [c for c in rows.columns if c != "option"]
    at_levels = [c for c in columns if c.startswith("Level ") and c.split()[1].isdigit()]
    after = columns[columns.index(at_levels[-1]) + 1 :] if at_levels else columns[1:]
    head = (
        f"<tr><th rowspan='2'>{escape(columns[0])}</th>"
        f"<th colspan='{len(at_levels)}' class='levels-group'>At each level (£m; + is better)</th>"
        + "".join(f"<th rowspan='2'>{escape(c)}</th>" for c in after)
        + "</tr><tr>"
        + "".join(f"<th class='level-number'>{escape(c.split()[1])}</th>" for c in at_levels)
        + "</tr>"
    )
    body = "".join(
        f"<tr><th class='kpi-name'>{escape(str(row[columns[0]]))}</th>"
        + "".join(
            f"<td data-label='{escape(c, quote=True)}'>{escape(str(row[c]))}</td>"
            for c in columns[1:]
        )
        + "</tr>"
        for _, row in rows.iterrows()
    )
    return f"<thead>{head}</thead><tbody>{body}</tbody>"


def _choice(option: str, current: str) -> str:
    return f"keeping {title(current)}" if option == current else title(option)


def _drawn(effects: pd.DataFrame) -> pd.DataFrame:
    """What each level drew: one row per level, the ``owner:path`` columns levels.csv keeps."""
    values = [c for c in effects.columns if ":" in c]
    return effects.drop_duplicates("level").set_index("level")[values]


def _extremes(drawn: pd.DataFrame, level: int, name: Callable[[str], str]) -> str:
    """`` (of the levels, it has the lowest x, 1.3)``: where a level's drawn values are at an end."""
    if len(drawn) < 3:
        return ""  # with two levels, every value is at one end or the other
    ends = []
    for column, value in drawn.loc[level].items():
        low, high = drawn[column].min(), drawn[column].max()
        end = "lowest" if value == low else "highest" if value == high else None
        if end is not None:
            ends.append(f"the {end} {name(column.split(':', 1)[1]).lower()}, {value:.3g}")
    return f" (of the levels, it has {listed(ends)})" if ends else ""


def level_sentences(
    effects: pd.DataFrame, current: str, name: Callable[[str], str] = str
) -> list[str]:
    """Whether leaving out one level changes the best choice, and what the weightiest level does.

    The report's words for the best choice, then for the level that carries most for the
    most options (what leaving it out does to the options' standing against ``current`` and
    to their places). ``name`` gives an uncertain value's title by its path. Empty when the
    current arrangement was held at one level.
    """
    base = effects[list(LEVEL_COLUMNS)]
    influence = most_influential_levels(base, current)
    if influence.empty:
        return []
    overall = base.drop_duplicates("option").set_index("option")["expected_net_benefit"]
    best = overall.idxmax() if overall.max() > 0 else current
    changed = {
        level: other
        for level, other in best_without_each_level(base, current).items()
        if other != best
    }
    if changed:
        first = " ".join(
            f"Without level {level} alone, {_choice(other, current)} would have the highest "
            f"expected net benefit instead of {_choice(best, current)}."
            for level, other in changed.items()
        )
    else:
        first = (
            f"Leaving out any one level, {_choice(best, current)} keeps the highest expected "
            "net benefit."
        )
    carried = influence[influence["shift"].abs() >= CARRIES]
    if carried.empty:
        return [first + " No level moves any option's expected net benefit."]
    counts = carried.groupby("level", sort=False).size()
    level = int(counts.idxmax())  # the first of the most carried, as the report orders them
    mine = carried[carried["level"] == level]
    places = places_without_each_level(base, current)
    at = places[places["level"] == level]
    flipped = at[np.sign(at["expected_net_benefit"]) != np.sign(at["without_level"])]
    moved = at[at["rank"] != at["rank_without_level"]].sort_values("rank_without_level")
    said = (
        f"Level {level} carries most for "
        + (plural(len(mine), "option") if len(mine) > 1 else title(mine["option"].iloc[0]))
        + _extremes(_drawn(effects), level, name)
    )
    clauses = []
    for beats, rows in (
        (True, flipped[flipped["without_level"] > 0]),
        (False, flipped[flipped["without_level"] <= 0]),
    ):
        if not rows.empty:
            named = [
                f"{title(r['option'])} ({fmt(NET_BENEFIT, r['expected_net_benefit'], signed=True)}"
                f" \u2192 {fmt(NET_BENEFIT, r['without_level'], signed=True)})"
                for _, r in rows.iterrows()
            ]
            clauses.append(
                f"{listed(named)} would {'beat' if beats else 'no longer beat'} keeping "
                f"{title(current)}"
            )
    if not moved.empty:
        clauses.append(
            "places change: "
            + ", ".join(
                f"{title(r['option'])} {ordinal(r['rank'])} \u2192 {ordinal(r['rank_without_level'])}"
                for _, r in moved.iterrows()
            )
        )
    second = (
        f"{said}. Without it, {'; '.join(clauses)}."
        if clauses
        else f"{said}; without it, no place in the ranking changes."
    )
    return [first, second]


def levels_csv(effects: pd.DataFrame) -> str:
    """``levels.csv`` as CSV, raw numbers kept, with each option's title beside its key."""
    frame = effects.copy()
    frame.insert(1, "option_title", [title(str(o)) for o in frame["option"]])
    return frame.to_csv(index=False, float_format="%.10g")
