"""The committee report of an appraisal: Markdown, self-contained HTML, CSV tables and charts.

Written into ``OUT/appraisal/`` beside the experiment's store, so ``carepath report OUT``
can still write its own ``report.md`` in the folder itself.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from carepath.experiments.appraise.analysis import (
    COST_PV,
    NET_BENEFIT,
    Sensitivity,
    best_without_each_level,
    better_of,
    difference_table,
    level_effects,
    level_values,
    most_influential_levels,
    paired_differences,
    places_without_each_level,
    ranking,
    run_measures,
    sensitivity,
    verdict,
)
from carepath.experiments.appraise.draws import COUNCIL
from carepath.experiments.appraise.plan import AppraisalPlan
from carepath.experiments.store import read_runs, read_timeseries, write_atomic
from carepath.sim.measure.kpis import CATALOGUE, DASH
from carepath.sim.presets import MECHANISM_NOTES, PRESETS

FOLDER = "appraisal"
# A level whose leaving out moves an option's expected net benefit by less than a pound
# carries nothing for it (an option that does not depend on the levels at all).
CARRIES = 0.5
_MONEY = CATALOGUE["cost.total_per_year"].number_format
_LABELS = {
    COST_PV: "Council spend over the horizon, discounted (£)",
    NET_BENEFIT: "Net benefit over the horizon, discounted (£)",
}


def label(kpi: str) -> str:
    """What a councillor would call a measure."""
    return _LABELS.get(kpi) or CATALOGUE[kpi].title


def fmt(kpi: str, value: float, *, signed: bool = False) -> str:
    """A value or a difference in the measure's own format."""
    if not math.isfinite(value):
        return DASH
    if kpi in _LABELS:
        return _MONEY.render(value, signed=signed)
    return CATALOGUE[kpi].format(value, signed=signed)


def title(option: str) -> str:
    """A preset's title (its key when it has none)."""
    return PRESETS[option].title if option in PRESETS else option


def plain(kpi: str) -> str:
    """A measure's name in a sentence: lower case, without its unit."""
    return re.sub(r" \([^)]*\)$", "", label(kpi)).lower()


def scope_note(planned: AppraisalPlan, option: str) -> str:
    """`` (taking over learning disability and half the cases)``; empty for the whole service."""
    scope = planned.appraisal.scope.get(option)
    if scope is None or scope.whole:
        return ""
    parts = []
    if scope.groups:
        parts.append(listed([g.replace("_", " ") for g in scope.groups]))
    if scope.share < 1.0:
        parts.append(f"{scope.share:.0%} of {'their' if scope.groups else 'the'} cases")
    return f" (taking over {', '.join(parts)} only)"


def listed(items: list[str]) -> str:
    """``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def plural(count: int, word: str) -> str:
    """``1 draw``, ``2 draws``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def parameter_title(path: str, planned: AppraisalPlan) -> str:
    """A mechanism's title, or the title an appraisal gives a council value (else its path)."""
    if path in MECHANISM_NOTES:
        return MECHANISM_NOTES[path].title
    entry = planned.appraisal.uncertain.get(path)
    return entry.title if entry is not None and entry.title else path


def parameter_unit(path: str) -> str:
    """What a value measures, for a threshold (empty for a council value)."""
    return f" ({MECHANISM_NOTES[path].unit})" if path in MECHANISM_NOTES else ""


def value_name(option: str, value_of: str, path: str, planned: AppraisalPlan) -> str:
    """An uncertain value as a councillor would name it: the option's, the current's, the council's."""
    name = parameter_title(path, planned)
    name = name[0].lower() + name[1:]
    if value_of == option:
        return name
    if value_of == COUNCIL:
        return f"the {name}" if name.startswith("council") else f"the council's {name}"
    return f"{title(value_of)}'s {name}"


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _differences_chart(table: pd.DataFrame, measures: list[str]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(measures), 1, figsize=(7.5, 1.1 + 0.45 * len(measures) * 3))
    axes = np.atleast_1d(axes)
    for ax, kpi in zip(axes, measures, strict=True):
        rows = table[table["kpi"] == kpi]
        y = np.arange(len(rows))
        # The mean of a skewed difference may lie outside its 5-95% range: a line and a dot.
        ax.hlines(y, rows["low"], rows["high"], color="#1f4e79", lw=2)
        ax.plot(rows["mean_difference"], y, "o", color="#1f4e79")
        ax.axvline(0.0, color="grey", lw=0.8)
        ax.set_yticks(y, [title(o) for o in rows["option"]], fontsize=8)
        ax.set_title(f"{label(kpi)}: {better_of(kpi).value} is better", fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
    fig.suptitle("Difference from the current arrangement (mean, 90% range)", fontsize=10)
    fig.tight_layout()
    return _svg(fig)


def _bars_chart(names: list[str], values: list[float], heading: str, xlabel: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 0.6 + 0.32 * max(len(names), 1)))
    y = np.arange(len(names))
    ax.barh(y, values, color="#c55a11")
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_title(heading, fontsize=10)
    fig.tight_layout()
    return _svg(fig)


def _tornado_chart(
    tornado: pd.DataFrame, kpi: str, planned: AppraisalPlan, top: int = 12
) -> str | None:
    rows = tornado[tornado["kpi"] == kpi]
    rows = rows.loc[rows["swing"].astype(float).sort_values(ascending=False).index[:top]]
    if rows.empty:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 0.8 + 0.34 * len(rows)))
    y = np.arange(len(rows))
    low, high = rows["at_low"].to_numpy(), rows["at_high"].to_numpy()
    ax.barh(y, high - low, left=low, color="#2e75b6")
    ax.axvline(0.0, color="grey", lw=0.8)
    names = [
        f"{title(o)}: {value_name(o, v, p, planned)}"
        for o, v, p in zip(rows["option"], rows["value_of"], rows["parameter"], strict=True)
    ]
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(
        f"{label(kpi)}: expected difference with the value at its 10th → 90th percentile",
        fontsize=9,
    )
    fig.tight_layout()
    return _svg(fig)


def committee_summary(
    planned: AppraisalPlan, table: pd.DataFrame, pairs: pd.DataFrame, found: Sensitivity
) -> list[str]:
    """Paragraphs a councillor can read, generated from the numbers.

    The overall finding; one paragraph per option; what decides the choice (EVPPI and the
    clearest thresholds); and how far to trust the values.
    """
    a = planned.appraisal
    current = title(a.current)
    options = [o for o in planned.options if o != a.current]
    # A draw where a run failed has no net benefit for that option: the draw is left out.
    ranked = ranking(pairs, a.current, options)
    lead = ranked.loc[0]
    often = ranked.loc[ranked["p_best"].idxmax()]
    counted = "council spend" + (
        " and the NHS cost of delayed discharges" if a.decision.count_nhs_delay_cost else ""
    )
    if a.decision.value_per_person_waiting_day:
        counted += f", and £{a.decision.value_per_person_waiting_day:g} per person-day waiting"
    levels = planned.current_levels
    drawn = f"{a.draws} draws of the options' uncertain values" + (
        f" (and {plural(levels, 'draw')} of the current arrangement's own)" if levels else ""
    )
    if lead["option"] == a.current:
        finding = (
            f"keeping {current} has the highest expected net benefit: every option is "
            f"expected to do worse than {current} over the horizon"
        )
    else:
        finding = (
            f"{title(lead['option'])} has the highest expected net benefit, "
            f"{fmt(NET_BENEFIT, lead['expected_net_benefit'], signed=True)} against keeping "
            f"{current}"
        )
    best = f"It is the best choice in {lead['p_best']:.0%} of the draws"
    if often["option"] != lead["option"]:
        best += (
            f"; {'keeping ' + current if often['option'] == a.current else title(often['option'])}"
            f" is best most often ({often['p_best']:.0%}), but by less where it wins than it "
            "loses elsewhere"
        )
    lines = [
        f"Over {a.horizon_years} years from the change, discounted at "
        f"{a.discount_rate * 100:g}% a year, the appraisal compares "
        f"{plural(len(options), 'option')} with keeping {current}, over {drawn} and "
        f"{plural(a.replications, 'replication')} of each. On "
        f"net benefit ({counted}), {finding}. {best}."
    ]
    for option in options:
        mine = table[table["option"] == option].set_index("kpi")
        cost = mine.loc[COST_PV]
        better = [
            plain(k)
            for k in a.kpis
            if verdict(mine.loc[k, "p_better"], mine.loc[k, "p_worse"]) == "likely better"
        ]
        worse = [
            plain(k)
            for k in a.kpis
            if verdict(mine.loc[k, "p_better"], mine.loc[k, "p_worse"]) == "likely worse"
        ]
        word = "more" if cost["mean_difference"] > 0 else "less"
        sentence = (
            f"{title(option)}{scope_note(planned, option)} would cost {fmt(COST_PV, abs(cost['mean_difference']))} {word} "
            f"than {current} (90% range {fmt(COST_PV, cost['low'], signed=True)} to "
            f"{fmt(COST_PV, cost['high'], signed=True)}); its chance of better net benefit is "
            f"{mine.loc[NET_BENEFIT, 'p_better']:.0%}."
        )
        if better:
            sentence += f" It is likely better on {listed(better)}."
        if worse:
            sentence += f" It is likely worse on {listed(worse)}."
        if not better and not worse:
            sentence += " On waits, delays and staff turnover no difference is clear."
        lines.append(sentence)
    deciding: list[str] = []
    if not found.evppi.empty and found.evpi <= 0:
        deciding.append(
            "In every draw the same choice had the highest net benefit, so learning any "
            "assumption's true value would not change it (every EVPPI is £0)."
        )
    top = found.evppi.iloc[0] if not found.evppi.empty else None
    if top is not None and found.evpi > 0 and top["share_of_evpi"] < 0.01:
        deciding.append(
            "No single assumption, learnt alone, would change the choice on average (each "
            f"EVPPI is under 1% of the {fmt(NET_BENEFIT, found.evpi)} that knowing everything "
            "would be worth): the choice turns on several assumptions together, or on luck "
            "that more draws and replications would average out."
        )
    elif top is not None and found.evpi > 0:
        deciding.append(
            "The assumption that most decides the choice is "
            f"{parameter_title(top['parameter'], planned).lower()}: "
            f"knowing it before deciding is worth {fmt(NET_BENEFIT, top['evppi'])} in expected net "
            f"benefit (of {fmt(NET_BENEFIT, found.evpi)} for knowing everything)."
        )
    # The clearest thresholds (smallest p-value) first: what a committee should ask about.
    for _, row in found.thresholds.sort_values("p_value").head(4).iterrows():
        name = value_name(row["option"], row["value_of"], row["parameter"], planned)
        if row["value_of"] == row["option"]:
            name = f"its {name}"
        deciding.append(
            f"{title(row['option'])} is expected to do better than {current} on "
            f"{plain(row['kpi'])} only if {name} is "
            f"{row['better_when']} {row['threshold']:.3g}{parameter_unit(row['parameter'])}."
        )
    if deciding:
        lines.append(" ".join(deciding))
    own = sorted(
        {MECHANISM_NOTES[c.path].title.lower() for c in planned.columns if c.option == a.current}
    )
    council = [
        parameter_title(c.path, planned).lower() for c in planned.columns if c.option == COUNCIL
    ]
    lines.append(
        "Every option's value here is an assumption graded in docs/organisational_models.md. "
        + (
            f"The current arrangement's own uncertain values ({listed(own)}) are drawn at "
            f"{plural(levels, 'level')}, and every option's value moves with them, as each is "
            "set relative to the current arrangement's."
            if levels
            else f"{current}'s own values are held at their point values in every draw, so the "
            "ranges leave out how unsure those are."
        )
        + (
            f" The council's own uncertain values ({listed(council)}) are drawn too "
            "(appraisal file, [uncertain])."
            if council
            else ""
        )
    )
    return lines


def scorecard(table: pd.DataFrame, kpis: list[str]) -> pd.DataFrame:
    """Options by measure: the expected difference and how sure, one cell each."""
    marks = {"likely better": "better", "likely worse": "worse", "no difference": "same"}
    rows = []
    for option, mine in table.groupby("option", sort=False):
        mine = mine.set_index("kpi")
        row = {"Option": title(option)}
        for kpi in kpis:
            r = mine.loc[kpi]
            reading = marks.get(verdict(r["p_better"], r["p_worse"]), "uncertain")
            row[label(kpi)] = (
                f"{fmt(kpi, r['mean_difference'], signed=True)} "
                f"({reading}, P(better) {r['p_better']:.0%})"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``13th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _millions(value: float) -> str:
    return DASH if not math.isfinite(value) else f"{value / 1e6:+.1f}"


def _level_value_heading(owner: str, path: str, planned: AppraisalPlan) -> str:
    """A level's value as a column heading: the council's by its title, others by their owner."""
    name = parameter_title(path, planned)
    if owner == COUNCIL:
        return name
    return f"{title(owner)}: {name[0].lower() + name[1:]}{parameter_unit(path)}"


def _choice(option: str, current: str) -> str:
    """A choice in a sentence: an option's title, or keeping the current arrangement."""
    return f"keeping {title(current)}" if option == current else title(option)


def _extremes(drawn: pd.DataFrame, level: int, name: Callable[[str], str]) -> str:
    """`` (the lowest x of the levels, 1.3)``: where a level's drawn values are at an end.

    ``drawn``: what each level drew, indexed by level, ``owner:path`` columns; ``name`` gives a
    value's title by its path.
    """
    if len(drawn) < 3:
        return ""  # with two levels, every value is at one end or the other
    ends = []
    for column, value in drawn.loc[level].items():
        low, high = drawn[column].min(), drawn[column].max()
        end = "lowest" if value == low else "highest" if value == high else None
        if end is not None:
            ends.append(f"the {end} {name(column.split(':', 1)[1]).lower()}, {value:.3g}")
    return f" (of the levels, it has {listed(ends)})" if ends else ""


def level_findings(
    effects: pd.DataFrame,
    influence: pd.DataFrame,
    current: str,
    best: str,
    drawn: pd.DataFrame,
    name: Callable[[str], str],
) -> list[str]:
    """Whether one level decides the best choice, then what leaving out each level changes.

    One sentence on the best choice (``best``, the choice with the highest expected net
    benefit), then one per level that carries most for some option, the level that does so for
    the most options first. ``drawn`` and ``name`` as ``_extremes`` takes them.
    """
    changed = {
        level: other
        for level, other in best_without_each_level(effects, current).items()
        if other != best
    }
    findings = []
    if changed:
        findings.append(
            " ".join(
                f"Without level {level} alone, {_choice(other, current)} would have the highest expected "
                f"net benefit instead of {_choice(best, current)}."
                for level, other in changed.items()
            )
        )
    else:
        findings.append(
            f"Leaving out any one level, {_choice(best, current)} keeps the highest expected net benefit."
        )
    places = places_without_each_level(effects, current)
    carried = influence[influence["shift"].abs() >= CARRIES]
    # The level that carries most for the most options first.
    groups = sorted(carried.groupby("level", sort=False), key=lambda group: -len(group[1]))
    for level, mine in groups:
        at = places[places["level"] == level]
        flipped = at[np.sign(at["expected_net_benefit"]) != np.sign(at["without_level"])]
        moved = at[at["rank"] != at["rank_without_level"]].sort_values("rank_without_level")
        said = (
            f"Level {level} carries most for "
            + (plural(len(mine), "option") if len(mine) > 1 else title(mine["option"].iloc[0]))
            + _extremes(drawn, level, name)
        )
        clauses = []
        for beats, rows in (
            (True, flipped[flipped["without_level"] > 0]),
            (False, flipped[flipped["without_level"] <= 0]),
        ):
            if not rows.empty:
                named = [
                    f"{title(r['option'])} ({fmt(NET_BENEFIT, r['expected_net_benefit'], signed=True)}"
                    f" → {fmt(NET_BENEFIT, r['without_level'], signed=True)})"
                    for _, r in rows.iterrows()
                ]
                clauses.append(
                    f"{listed(named)} would {'beat' if beats else 'no longer beat'} keeping {title(current)}"
                )
        if not moved.empty:
            clauses.append(
                "places change: "
                + ", ".join(
                    f"{title(r['option'])} {ordinal(r['rank'])} → {ordinal(r['rank_without_level'])}"
                    for _, r in moved.iterrows()
                )
            )
        findings.append(
            f"{said}. Without it, {'; '.join(clauses)}."
            if clauses
            else f"{said}; without it, no place in the ranking changes."
        )
    return findings


def level_table(effects: pd.DataFrame, influence: pd.DataFrame) -> pd.DataFrame:
    """Options × levels, £m over keeping the current arrangement, and each without one level.

    After the levels: the level that moves each option most, the option without it, and its
    place without it; rows in ``influence``'s order.
    """
    wide = effects.pivot_table(index="option", columns="level", values="at_level")
    return pd.DataFrame(
        {
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
            "Place → without it": [
                f"{ordinal(r)} → {ordinal(w)}"
                for r, w in zip(influence["rank"], influence["rank_without_level"], strict=True)
            ],
        }
    )


def level_section(
    planned: AppraisalPlan, effects: pd.DataFrame, ranked: pd.DataFrame
) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """How much one level of the current arrangement carries: paragraphs and two tables.

    The tables: options by level (expected net benefit over keeping the current arrangement,
    £m, with the level that moves each option most left out), and what each level drew.
    Both are empty when the current arrangement was not drawn at levels.
    """
    a = planned.appraisal
    current = title(a.current)
    influence = most_influential_levels(effects, a.current)
    if influence.empty:
        return (
            [
                f"{current}'s own values were held at their point values (one level), so no "
                "level can be left out."
            ],
            pd.DataFrame(),
            pd.DataFrame(),
        )
    drawn = level_values(planned)
    owners = [name.split(":", 1) for name in drawn.columns if name != "level"]
    council = [parameter_title(path, planned).lower() for owner, path in owners if owner == COUNCIL]
    draws = effects.drop_duplicates("level").set_index("level")["draws"]
    shared = (
        f"{plural(int(draws.iloc[0]), 'draw')}"
        if draws.nunique() == 1
        else f"{int(draws.min())} to {int(draws.max())} draws"
    )
    lines = [
        f"Each level is one draw of {current}'s own uncertain values"
        + (f" and of the council's ({listed(council)})" if council else "")
        + f", with its own warm-up, shared by {shared}. A level far from the others can "
        "decide an option's expected net benefit alone. The table gives each option's expected "
        f"net benefit over keeping {current} at each level and over all of them (£m; + is "
        "better), then with the level that moves it most left out, and the option's place "
        "among all choices with that level left out for every choice."
    ]
    by_level = drawn.set_index("level")
    findings = level_findings(
        effects,
        influence,
        a.current,
        ranked.loc[0, "option"],
        by_level,
        lambda path: parameter_title(path, planned),
    )
    lines.append(" ".join(findings))
    table = level_table(effects, influence)
    described = pd.DataFrame(
        {
            "Level": drawn["level"],
            "Draws": [int(draws.get(level, 0)) for level in drawn["level"]],
            **{
                _level_value_heading(owner, path, planned): [
                    f"{v:.3g}" for v in drawn[f"{owner}:{path}"]
                ]
                for owner, path in owners
            },
        }
    )
    return lines, table, described


def _table_md(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _readable_differences(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _, r in table.iterrows():
        rows.append(
            {
                "Option": title(r["option"]),
                "Measure": label(r["kpi"]),
                "Expected difference": fmt(r["kpi"], r["mean_difference"], signed=True),
                "90% range": f"{fmt(r['kpi'], r['low'], signed=True)} to {fmt(r['kpi'], r['high'], signed=True)}",
                "P(better)": f"{r['p_better']:.0%}",
                "Reading": verdict(r["p_better"], r["p_worse"]),
            }
        )
    return pd.DataFrame(rows)


def build_appraisal_report(folder: str | Path, planned: AppraisalPlan) -> Path:
    """Analyse the runs in ``folder`` and write the report; returns ``report.html``'s path.

    Raises:
        StoreError: for a folder that is not this appraisal's store.
        ValueError: when no run of a pair has finished.
    """
    folder = Path(folder)
    out = folder / FOLDER
    out.mkdir(exist_ok=True)
    a = planned.appraisal
    runs = read_runs(folder)
    series = read_timeseries(folder)
    if series is None or not (runs["status"] == "ok").any():
        raise ValueError(f"{folder}: no successful runs to appraise yet")
    measures = run_measures(runs, series, a)
    pairs = paired_differences(measures, planned)
    options = [o for o in planned.options if o != a.current]
    names = [*a.kpis, COST_PV, NET_BENEFIT]
    table = difference_table(
        pairs, [a.current, *options] if a.current in a.options else options, names
    )
    found = sensitivity(pairs, planned, [*a.kpis, NET_BENEFIT])
    summary = committee_summary(planned, table, pairs, found)
    ranked = ranking(pairs, a.current, options)
    effects = level_effects(pairs, planned)
    level_lines, level_table, level_rows = level_section(planned, effects, ranked)
    kept = measures.merge(runs[["run_id", "arm_label", "checksum"]], on="run_id")
    for name, frame in (
        ("measures.csv", kept),
        ("ranking.csv", ranked),
        ("differences.csv", table),
        ("pairs.csv", pairs),
        ("evppi.csv", found.evppi),
        ("tornado.csv", found.tornado),
        ("thresholds.csv", found.thresholds),
        ("levels.csv", effects.merge(level_values(planned), on="level", how="left")),
    ):
        write_atomic(out / name, frame.to_csv(index=False, float_format="%.17g").encode())
    readable = _readable_differences(table)
    ranked_rows = pd.DataFrame(
        {
            "Option": [title(o) for o in ranked["option"]],
            "Expected net benefit over keeping the current arrangement": [
                fmt(NET_BENEFIT, v, signed=True) for v in ranked["expected_net_benefit"]
            ],
            "Chance of being the best choice": [f"{v:.0%}" for v in ranked["p_best"]],
        }
    )
    card = scorecard(table, names)
    evppi_rows = found.evppi.assign(
        parameter=[parameter_title(p, planned) for p in found.evppi["parameter"]],
        evppi=[fmt(NET_BENEFIT, v) for v in found.evppi["evppi"]],
        share_of_evpi=[f"{v:.0%}" for v in found.evppi["share_of_evpi"]],
    )
    threshold_rows = found.thresholds.drop(columns=["value_of"]).rename(
        columns={"better_when": "better when"}
    )
    threshold_rows = threshold_rows.assign(
        option=[title(o) for o in found.thresholds["option"]],
        parameter=[
            value_name(o, v, p, planned)
            for o, v, p in zip(
                found.thresholds["option"],
                found.thresholds["value_of"],
                found.thresholds["parameter"],
                strict=True,
            )
        ],
        kpi=[label(k) for k in found.thresholds["kpi"]],
        threshold=[f"{v:.4g}" for v in found.thresholds["threshold"]],
        p_value=[f"{v:.2g}" for v in found.thresholds["p_value"]],
    )
    failed = int((runs["status"] != "ok").sum())
    charts = [("Differences", _differences_chart(table, names))]
    tornado = _tornado_chart(found.tornado, NET_BENEFIT, planned)
    if tornado:
        charts.append(("Tornado: net benefit", tornado))
    if not found.evppi.empty:
        charts.append(
            (
                "EVPPI",
                _bars_chart(
                    list(evppi_rows["parameter"]),
                    list(found.evppi["evppi"]),
                    "Expected value of partial perfect information, net benefit",
                    "£ (discounted, over the horizon)",
                ),
            )
        )
    method = (
        f"{a.draws} Latin-hypercube draws (seed {a.seed}) of every option's uncertain values "
        f"(`sim/presets.toml`)"
        + (
            f", nested with {planned.current_levels} Latin-hypercube levels of "
            f"{title(a.current)}'s own (each level has its own warm-up and is shared by a "
            "block of draws; an option's value moves by its level's distance from the point "
            "value, kept inside the scenario field's limits, so an option's own value in "
            "the tornado and thresholds is read with the current arrangement at its point "
            "value),"
            if planned.current_levels
            else ""
        )
        + f" × {a.replications} replication(s); replication k of every option "
        "in every draw and of the current arrangement shares its random numbers (pairs are "
        "compared on the same people's luck, which only the replications vary). Each option "
        "starts on the day "
        f"after a {a.warmup_days}-day warm-up under {title(a.current)} (set-up and transition "
        f"fall in the horizon). Ranges are the 5th to 95th percentile of the paired differences "
        "over draws and replications. EVPPI, tornado and thresholds come from penalised-spline "
        "metamodels of the draw-mean differences (Strong, Oakley & Brennan 2014); a fit the "
        "parameter does not explain beyond chance (F test, p ≥ 0.05) counts as flat in EVPPI, "
        "and a threshold is shown only from a fit with p < 0.01 that crosses zero once. With "
        "few draws, chance correlations still bias EVPPI upwards (an estimate above EVPI is "
        "shown as EVPI). Costs are discounted year by "
        f"year from the change at {a.discount_rate:.1%} (the first year undiscounted); net "
        "benefit is minus the discounted council spend"
        + (
            ", minus the NHS cost of delayed discharges (the scenario's bed-night cost)"
            if a.decision.count_nhs_delay_cost
            else ""
        )
        + (
            f", minus £{a.decision.value_per_person_waiting_day:g} per person-day waiting"
            if a.decision.value_per_person_waiting_day
            else ""
        )
        + f". {failed} run(s) failed and are left out."
    )
    md = [
        f"# Options appraisal: {a.name}",
        "",
        "## Summary for the committee",
        "",
        "\n\n".join(summary),
        "",
        "## Ranking on net benefit",
        "",
        _table_md(ranked_rows),
        "",
        "## How much one level of the current arrangement carries",
        "",
        "\n\n".join(level_lines),
        *(
            ["", _table_md(level_table), "", "What each level drew:", "", _table_md(level_rows)]
            if not level_table.empty
            else []
        ),
        "",
        "## Differences from the current arrangement",
        "",
        _table_md(card),
        "",
        "In detail, with 90% ranges over draws and replications:",
        "",
        _table_md(readable),
        "",
        "## Which assumptions decide the ranking (EVPPI, net benefit)",
        "",
        _table_md(evppi_rows) if not evppi_rows.empty else "No uncertain values.",
        "",
        "## Thresholds",
        "",
        _table_md(threshold_rows)
        if not threshold_rows.empty
        else "No expected difference changes sign within the drawn ranges.",
        "",
        "## Method",
        "",
        method,
        "",
        "Tables: ranking.csv, differences.csv, evppi.csv, tornado.csv, thresholds.csv, "
        "levels.csv (net benefit by level of the current arrangement, with each level left "
        "out, and the level's drawn values), pairs.csv, and measures.csv (each run's measures "
        "and content checksum).",
    ]
    write_atomic(out / "report.md", "\n".join(md).encode())
    body = [
        f"<h1>Options appraisal: {html.escape(a.name)}</h1>",
        "<h2>Summary for the committee</h2>",
        *(f"<p>{html.escape(paragraph)}</p>" for paragraph in summary),
        "<h2>Ranking on net benefit</h2>",
        ranked_rows.to_html(index=False, border=0),
        "<h2>How much one level of the current arrangement carries</h2>",
        *(f"<p>{html.escape(paragraph)}</p>" for paragraph in level_lines),
        *(
            [
                level_table.to_html(index=False, border=0),
                "<p>What each level drew:</p>",
                level_rows.to_html(index=False, border=0),
            ]
            if not level_table.empty
            else []
        ),
        "<h2>Differences from the current arrangement</h2>",
        card.to_html(index=False, border=0),
        "<p>In detail, with 90% ranges over draws and replications:</p>",
        readable.to_html(index=False, border=0),
        "<h2>Which assumptions decide the ranking</h2>",
        evppi_rows.to_html(index=False, border=0)
        if not evppi_rows.empty
        else "<p>No uncertain values.</p>",
        "<h2>Thresholds</h2>",
        threshold_rows.to_html(index=False, border=0)
        if not threshold_rows.empty
        else "<p>None within the drawn ranges.</p>",
        "<h2>Charts</h2>",
        *(
            f"<figure>{svg}<figcaption>{html.escape(name)}</figcaption></figure>"
            for name, svg in charts
        ),
        "<h2>Method</h2>",
        f"<p>{html.escape(method)}</p>",
    ]
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse;font-size:0.85em}td,th{padding:0.2em 0.6em;"
        "border-bottom:1px solid #ddd;text-align:left}svg{max-width:100%;height:auto}"
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Options appraisal: {html.escape(a.name)}</title><style>{style}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )
    path = out / "report.html"
    write_atomic(path, page.encode())
    return path
