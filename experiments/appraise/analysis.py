"""What an appraisal's runs say: paired differences, discounted cost, EVPPI, tornado, thresholds.

Every function here takes tables and returns tables; ``appraise.report`` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from carepath.experiments.appraise.draws import COUNCIL, Column, acts_in_warmup, level_of
from carepath.experiments.appraise.metamodel import (
    decile_effects,
    evpi,
    evppi,
    fit_smooth,
    thresholds,
)
from carepath.experiments.appraise.plan import SPEND_SERIES, AppraisalPlan
from carepath.experiments.appraise.spec import Appraisal
from carepath.sim.measure.kpis import CATALOGUE, Better

# Pseudo-KPIs the appraisal adds: pounds over the horizon, discounted (lower cost is better,
# higher net benefit is better).
COST_PV = "appraisal.cost_present_value"
NET_BENEFIT = "appraisal.net_benefit"
DERIVED = {COST_PV: Better.LOWER, NET_BENEFIT: Better.HIGHER}
INTERVAL = (0.05, 0.95)
# A threshold is reported only from a fit the parameter explains beyond chance (approximate
# F test; strict, since every option, parameter and KPI is tried) that crosses zero once.
THRESHOLD_P = 0.01
# A metamodel enters EVPPI only when its parameters explain the net benefit beyond chance.
EVPPI_P = 0.05
# value_of: whose value it is, the option's own or the current arrangement's (its level).
TORNADO_COLUMNS = (
    "option",
    "value_of",
    "parameter",
    "grade",
    "kpi",
    "value_low",
    "value_high",
    "at_low",
    "at_high",
    "swing",
    "p_value",
)
LEVEL_COLUMNS = (
    "option",
    "level",
    "draws",
    "expected_net_benefit",
    "at_level",
    "without_level",
    "shift",
)
INFLUENCE_COLUMNS = (
    "option",
    "expected_net_benefit",
    "level",
    "at_level",
    "without_level",
    "shift",
    "rank",
    "rank_without_level",
)
THRESHOLD_COLUMNS = (
    "option",
    "value_of",
    "parameter",
    "kpi",
    "threshold",
    "better_when",
    "p_value",
)


def better_of(kpi: str) -> Better:
    """Which way is better for a KPI or one of the appraisal's own measures."""
    return DERIVED.get(kpi) or CATALOGUE[kpi].better


def discount_factors(years: int, rate: float) -> np.ndarray:
    """Green Book discounting: year ``t`` after the change (the first is year 0) by (1+r)^-t."""
    return (1.0 + rate) ** -np.arange(years, dtype=float)


def yearly_spend(series: pd.DataFrame, warmup_days: int, years: int) -> pd.DataFrame:
    """Council spend in each year after the change, one row per run (columns 0..years-1).

    The change comes the day after the warm-up, so year ``t`` is the spend between the
    warm-up's end plus ``t`` years and plus ``t + 1`` years (set-up and transition included).
    """
    marks = [warmup_days + 365 * t for t in range(years + 1)]
    wide = series.pivot_table(index="run_id", columns="day", values=SPEND_SERIES)
    missing = [m for m in marks if float(m) not in wide.columns]
    if missing:
        raise ValueError(f"spend_to_date has no value on day {missing[0]}")
    at = wide[[float(m) for m in marks]].to_numpy()
    return pd.DataFrame(np.diff(at, axis=1), index=wide.index)


def run_measures(runs: pd.DataFrame, series: pd.DataFrame, appraisal: Appraisal) -> pd.DataFrame:
    """Each successful run's KPIs with its discounted cost and net benefit over the horizon."""
    ok = runs[runs["status"] == "ok"].set_index("run_id")
    factors = discount_factors(appraisal.horizon_years, appraisal.discount_rate)
    annuity = float(factors.sum())
    spend = yearly_spend(series, appraisal.warmup_days, appraisal.horizon_years)
    cost = pd.Series(spend.to_numpy() @ factors, index=spend.index).reindex(ok.index)
    decision = appraisal.decision
    burden = cost.copy()
    if decision.count_nhs_delay_cost:
        burden += ok["hospital.delayed_discharge_cost_per_year"] * annuity
    if decision.value_per_person_waiting_day:
        waiting_days = ok["assessment.people_waiting_mean"] * 365.0 * annuity
        burden += decision.value_per_person_waiting_day * waiting_days
    out = ok[["arm", "replication", *appraisal.kpis]].copy()
    out[COST_PV] = cost
    out[NET_BENEFIT] = -burden
    return out.reset_index()


def paired_differences(measures: pd.DataFrame, planned: AppraisalPlan) -> pd.DataFrame:
    """Each option's difference from the current arrangement, pair by pair.

    Draw by draw and replication by replication (common random numbers), in long form:
    draw, option, replication, then one column per measure.
    """
    appraisal = planned.appraisal
    names = [*appraisal.kpis, COST_PV, NET_BENEFIT]
    by_arm = measures.set_index(["arm", "replication"])[names]
    rows = []
    for (draw, option), arm in planned.arm_of.items():
        current = planned.arm_of[(draw, appraisal.current)]
        for replication in range(appraisal.replications):
            key, base = (arm, replication), (current, replication)
            if key not in by_arm.index or base not in by_arm.index:
                continue  # a failed run: its pair is left out, and the report counts them
            diff = by_arm.loc[key].to_numpy() - by_arm.loc[base].to_numpy()
            rows.append((draw, option, replication, *diff))
    return pd.DataFrame(rows, columns=["draw", "option", "replication", *names])


def difference_table(pairs: pd.DataFrame, options: list[str], kpis: list[str]) -> pd.DataFrame:
    """Per option and measure: the mean difference, its 90% range and P(better), P(worse).

    The range is the 5th to 95th percentile over draws × replications, so it holds the
    parameter uncertainty and the replications' luck.
    """
    rows = []
    for option in options:
        mine = pairs[pairs["option"] == option]
        for kpi in kpis:
            values = mine[kpi].dropna().to_numpy()
            if not len(values):
                continue
            better = better_of(kpi)
            sign = 1.0 if better is Better.HIGHER else -1.0
            low, high = np.quantile(values, INTERVAL)
            rows.append(
                {
                    "option": option,
                    "kpi": kpi,
                    "mean_difference": float(values.mean()),
                    "low": float(low),
                    "high": float(high),
                    "p_better": float(np.mean(sign * values > 0)),
                    "p_worse": float(np.mean(sign * values < 0)),
                    "pairs": len(values),
                }
            )
    return pd.DataFrame(rows)


def verdict(p_better: float, p_worse: float, level: float = 0.8) -> str:
    """How a committee would read one row: better, worse, no difference or uncertain."""
    if p_better == 0.0 and p_worse == 0.0:
        return "no difference"
    if p_better >= level:
        return "likely better"
    if p_worse >= level:
        return "likely worse"
    return "uncertain"


def draw_means(pairs: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Draws × options: each option's difference averaged over replications."""
    return pairs.pivot_table(index="draw", columns="option", values=measure, aggfunc="mean")


def ranking(pairs: pd.DataFrame, current: str, options: list[str]) -> pd.DataFrame:
    """Each choice's expected net benefit over the current arrangement and P(it is best).

    P(best) is the share of draws in which the choice has the highest draw-mean net benefit
    (the current arrangement's is 0), the probability that it is the right decision given
    what is known: the acceptability curve's value at the decision rule's prices. A draw where
    a run failed is left out.
    """
    others = [o for o in options if o != current]
    nb = draw_means(pairs, NET_BENEFIT).reindex(columns=others).dropna()
    matrix = np.column_stack([np.zeros(len(nb)), nb.to_numpy()])
    best = np.bincount(np.argmax(matrix, axis=1), minlength=len(others) + 1) / max(len(nb), 1)
    frame = pd.DataFrame(
        {
            "option": [current, *others],
            "expected_net_benefit": matrix.mean(axis=0) if len(nb) else np.nan,
            "p_best": best,
        }
    )
    return frame.sort_values("expected_net_benefit", ascending=False).reset_index(drop=True)


def level_values(planned: AppraisalPlan) -> pd.DataFrame:
    """What each level of the current arrangement drew: one row per level, one column per value.

    The current arrangement's own values and the council's values drawn with its levels
    (those acting in the warm-up), named ``option:path``; a level's value is that of its
    first draw, as every draw at the level repeats it.
    """
    a = planned.appraisal
    kept = [
        j
        for j, c in enumerate(planned.columns)
        if c.option == a.current or (c.option == COUNCIL and acts_in_warmup(c.path, a.current))
    ]
    first: dict[int, int] = {}
    for draw in range(a.draws):
        first.setdefault(level_of(draw, a.draws, planned.current_levels), draw)
    frame = pd.DataFrame(
        {planned.columns[j].name: [planned.values[d, j] for d in first.values()] for j in kept},
        index=pd.Index(list(first), name="level"),
    )
    return frame.reset_index()


def level_effects(pairs: pd.DataFrame, planned: AppraisalPlan) -> pd.DataFrame:
    """Each option's expected net benefit over the current arrangement at each level, and without it.

    A level is one draw of the current arrangement's own values (and of the council's values
    drawn with them) with its own warm-up, shared by a block of draws; when one level is far
    from the others it can decide an option's expected net benefit alone. Per option and
    level: the draws at the level, the mean draw-mean net benefit at the level, the mean over
    every other level's draws (NaN when there is no other), and ``shift``, how far leaving the
    level out moves the option's expected net benefit. The draws are the ranking's: a draw
    where a run failed is left out for every option. With no levels drawn, all draws are one
    level, 0.
    """
    a = planned.appraisal
    options = [o for o in planned.options if o != a.current]
    nb = draw_means(pairs, NET_BENEFIT).reindex(columns=options).dropna()
    levels = np.array([level_of(int(d), a.draws, planned.current_levels) for d in nb.index])
    rows = []
    for option in options:
        values = nb[option].to_numpy()
        expected = float(values.mean())
        for level in np.unique(levels):
            at = levels == level
            without = float(values[~at].mean()) if (~at).any() else np.nan
            rows.append(
                {
                    "option": option,
                    "level": int(level),
                    "draws": int(at.sum()),
                    "expected_net_benefit": expected,
                    "at_level": float(values[at].mean()),
                    "without_level": without,
                    "shift": without - expected,
                }
            )
    return pd.DataFrame(rows, columns=LEVEL_COLUMNS)


def most_influential_levels(effects: pd.DataFrame, current: str) -> pd.DataFrame:
    """Per option, the level whose leaving out moves its expected net benefit most.

    With the option's rank among all choices (the current arrangement at 0) over every level
    and with that level left out for every choice: where the two differ, one level decides
    the option's place in the ranking. Options in order of expected net benefit.
    """
    if effects.empty or effects["without_level"].isna().all():
        return pd.DataFrame(columns=INFLUENCE_COLUMNS)
    overall = effects.drop_duplicates("option").set_index("option")["expected_net_benefit"]
    ranks = _ranks(overall, current)
    rows = []
    for option, mine in effects.groupby("option", sort=False):
        top = mine.loc[mine["shift"].abs().idxmax()]
        without = effects[effects["level"] == top["level"]].set_index("option")["without_level"]
        rows.append(
            {
                "option": option,
                "expected_net_benefit": top["expected_net_benefit"],
                "level": int(top["level"]),
                "at_level": top["at_level"],
                "without_level": top["without_level"],
                "shift": top["shift"],
                "rank": ranks[option],
                "rank_without_level": _ranks(without, current)[option],
            }
        )
    frame = pd.DataFrame(rows, columns=INFLUENCE_COLUMNS)
    return frame.sort_values("expected_net_benefit", ascending=False).reset_index(drop=True)


def places_without_each_level(effects: pd.DataFrame, current: str) -> pd.DataFrame:
    """Each option's place among all choices (1 is best), over every level and without each.

    The level is left out for every choice alike (the current arrangement stays at 0). One
    row per option and level: ``rank``, ``rank_without_level``, and the expected net benefit
    over every level and without the level.
    """
    columns = ["option", "level", "expected_net_benefit", "without_level"]
    overall = effects.drop_duplicates("option").set_index("option")["expected_net_benefit"]
    ranks = _ranks(overall, current)
    frames = []
    for _, at in effects.groupby("level"):
        without = at.set_index("option")["without_level"]
        if without.isna().any():
            continue
        moved = _ranks(without, current)
        frames.append(
            at[columns].assign(
                rank=[ranks[o] for o in at["option"]],
                rank_without_level=[moved[o] for o in at["option"]],
            )
        )
    if not frames:
        return pd.DataFrame(columns=[*columns, "rank", "rank_without_level"])
    return pd.concat(frames, ignore_index=True)


def best_without_each_level(effects: pd.DataFrame, current: str) -> pd.Series:
    """The choice with the highest expected net benefit with each level left out, by level."""
    best = {}
    for level, at in effects.groupby("level"):
        without = at.set_index("option")["without_level"]
        if without.notna().all():
            ranks = _ranks(without, current)
            best[int(level)] = min(ranks, key=ranks.__getitem__)
    return pd.Series(best, dtype=object)


def _ranks(net_benefit: pd.Series, current: str) -> dict[str, int]:
    """Each choice's place (1 is best) by expected net benefit, the current arrangement at 0."""
    values = {current: 0.0, **net_benefit.to_dict()}
    order = sorted(values, key=lambda o: -values[o])
    return {o: i + 1 for i, o in enumerate(order)}


@dataclass
class Sensitivity:
    """Which assumptions decide the ranking."""

    evppi: pd.DataFrame  # group, evppi (£), share of EVPI
    tornado: pd.DataFrame  # option, parameter, kpi, at_low, at_high, value_low, value_high, swing
    thresholds: pd.DataFrame  # option, parameter, kpi, threshold, better_when
    evpi: float


def sensitivity(pairs: pd.DataFrame, planned: AppraisalPlan, kpis: list[str]) -> Sensitivity:
    """EVPPI per mechanism (net benefit), tornado and thresholds per option, value and KPI."""
    columns, values = planned.columns, planned.values
    current = planned.appraisal.current
    options = [o for o in planned.options if o != current]

    def acts_on(column: Column, option: str) -> bool:
        # The current arrangement's level and the council's values move every option's.
        return column.option in (option, current, COUNCIL)

    # A draw where a run failed has no net benefit for that option: the draw is left out.
    nb = draw_means(pairs, NET_BENEFIT).reindex(columns=options).dropna()
    draws = nb.index.to_numpy()
    # The current arrangement is the zero column: the decision is between it and each option.
    nb_matrix = np.column_stack([np.zeros(len(nb)), nb.to_numpy()])
    groups = list(dict.fromkeys(c.path for c in columns))
    evppi_rows = []
    total = evpi(nb_matrix) if len(nb) else 0.0
    for group in groups:
        fitted = [np.zeros(len(nb))]
        for option in options:
            own = [j for j, c in enumerate(columns) if acts_on(c, option) and c.path == group]
            y = nb[option].to_numpy()
            smooth = fit_smooth(values[draws][:, own], y) if own else None
            # A fit chance explains as well as the parameters is noise, and noise in the fitted
            # values only ever adds to EVPPI (the mean of a maximum): such a fit counts as flat.
            keep = smooth is not None and smooth.p_value < EVPPI_P
            fitted.append(smooth.fitted if keep else np.full_like(y, y.mean()))
        # Partial information is never worth more than perfect information; an estimate above
        # EVPI is the metamodel's error with few draws, so it is shown at EVPI.
        value = min(evppi(nb_matrix, np.column_stack(fitted)), total)
        evppi_rows.append(
            {
                "parameter": group,
                "evppi": value,
                "share_of_evpi": value / total if total > 0 else 0.0,
            }
        )
    tornado_rows, threshold_rows = [], []
    for kpi in kpis:
        means = draw_means(pairs, kpi).reindex(columns=options)
        sign = 1.0 if better_of(kpi) is Better.HIGHER else -1.0
        for j, column in enumerate(columns):
            for option in options:
                if not acts_on(column, option) or option not in means:
                    continue
                y = means[option].to_numpy()
                keep = np.isfinite(y)
                x = values[means.index.to_numpy()][keep, j]
                if len(np.unique(x)) < 4:
                    continue
                tornado, threshold = _one_value(column, option, kpi, sign, x, y[keep])
                tornado_rows.append(tornado)
                if threshold is not None:
                    threshold_rows.append(threshold)
    return Sensitivity(
        evppi=pd.DataFrame(evppi_rows, columns=["parameter", "evppi", "share_of_evpi"])
        .sort_values("evppi", ascending=False)
        .reset_index(drop=True),
        tornado=pd.DataFrame(tornado_rows, columns=TORNADO_COLUMNS),
        thresholds=pd.DataFrame(threshold_rows, columns=THRESHOLD_COLUMNS),
        evpi=total,
    )


def _one_value(
    column: Column, option: str, kpi: str, sign: float, x: np.ndarray, y: np.ndarray
) -> tuple[dict, dict | None]:
    """The tornado row of one value on one option's difference, and its threshold if clear."""
    smooth = fit_smooth(x, y)
    at_low, at_high = decile_effects(smooth, x)
    q10, q90 = np.quantile(x, [0.1, 0.9])
    tornado = {
        "option": option,
        "value_of": column.option,
        "parameter": column.path,
        "grade": column.grade,
        "kpi": kpi,
        "value_low": float(q10),
        "value_high": float(q90),
        "at_low": at_low,
        "at_high": at_high,
        "swing": abs(at_high - at_low),
        "p_value": smooth.p_value,
    }
    found = thresholds(smooth, float(x.min()), float(x.max()))
    if smooth.p_value >= THRESHOLD_P or len(found) != 1:
        return tornado, None
    # One crossing, and the ends differ in sign: the top end says which side is which.
    above = float(smooth.predict(np.array([x.max()]))[0])
    return tornado, {
        "option": option,
        "value_of": column.option,
        "parameter": column.path,
        "kpi": kpi,
        "threshold": found[0],
        "better_when": "above" if sign * above > 0 else "below",
        "p_value": smooth.p_value,
    }
