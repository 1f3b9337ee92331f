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

from collections.abc import Callable
from html import escape
from pathlib import Path

import pandas as pd
from carepath.experiments.appraise.analysis import LEVEL_COLUMNS, most_influential_levels
from carepath.experiments.appraise.report import level_findings, level_table, title
from carepath.experiments.store import StoreError

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


def level_rows(effects: pd.DataFrame, current: str) -> pd.DataFrame:
    """Options × levels, £m over keeping ``current``, then with the level that moves each most left out.

    The report's table (``report.level_table``), with ``option`` keeping the preset key. Empty
    when the current arrangement was held at one level.
    """
    influence = most_influential_levels(effects[list(LEVEL_COLUMNS)], current)
    if influence.empty:
        return pd.DataFrame()
    table = level_table(effects, influence)
    table.insert(0, "option", influence["option"].to_numpy())
    return table


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


def _drawn(effects: pd.DataFrame) -> pd.DataFrame:
    """What each level drew: one row per level, the ``owner:path`` columns levels.csv keeps."""
    values = [c for c in effects.columns if ":" in c]
    return effects.drop_duplicates("level").set_index("level")[values]


def level_sentences(
    effects: pd.DataFrame, current: str, name: Callable[[str], str] = str
) -> list[str]:
    """Whether leaving out one level changes the best choice, and what the weightiest level does.

    The report's words (``report.level_findings``) for the best choice, then for the level that
    carries most for the most options. ``name`` gives an uncertain value's title by its path.
    Empty when the current arrangement was held at one level.
    """
    base = effects[list(LEVEL_COLUMNS)]
    influence = most_influential_levels(base, current)
    if influence.empty:
        return []
    overall = base.drop_duplicates("option").set_index("option")["expected_net_benefit"]
    best = overall.idxmax() if overall.max() > 0 else current
    findings = level_findings(base, influence, current, best, _drawn(effects), name)
    if len(findings) == 1:
        return [findings[0] + " No level moves any option's expected net benefit."]
    return findings[:2]


def levels_csv(effects: pd.DataFrame) -> str:
    """``levels.csv`` as CSV, raw numbers kept, with each option's title beside its key."""
    frame = effects.copy()
    frame.insert(1, "option_title", [title(str(o)) for o in frame["option"]])
    return frame.to_csv(index=False, float_format="%.10g")
