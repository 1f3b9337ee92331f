"""From an appraisal to an experiment plan the existing runner, store and executors run.

The appraisal becomes an experiment with a list design: one arm per level of the current
arrangement and one arm per draw and option, each a scenario with the change event on (warm-up
under the current arrangement at its level, the option from the day after the warm-up, so
set-up and transition fall inside the horizon). Replication ``k`` of every arm uses the same
seed (``runs.make_tasks``): the options in a draw, every draw, and the current arrangement meet
the same people with the same luck, so each option's difference from the current arrangement
is paired. The current arrangement depends on the draw only through its level (``draws``), so
it is run once per level and replication and compared with every draw at that level, which
saves a run per draw; sharing seeds across draws also keeps the metamodels' noise to the
interaction of luck and parameters. The stochastic part of the
uncertainty is therefore sampled by the replications alone: an appraisal with one replication
reports parameter uncertainty on one population's luck.

Because the plan is an ordinary experiment, ``--out`` holds an ordinary experiment folder:
resume, ``--scheduler``, ``carepath reproduce`` and ``carepath report`` work on it unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from carepath.experiments.appraise.draws import (
    COUNCIL,
    Column,
    council_values,
    current_values,
    level_of,
    make_draws,
    option_values,
)
from carepath.experiments.appraise.forking import MODEL as FORKING_MODEL
from carepath.experiments.appraise.spec import Appraisal, AppraisalError, read_appraisal
from carepath.experiments.design import PRESET_PATH, resolve_arms
from carepath.experiments.spec import DEFAULT_MODEL, ExperimentError, parse_experiment
from carepath.experiments.sweep import Plan, plan_experiment
from carepath.sim.evidence import Distribution

# What the analysis needs besides the KPIs appraised: spend and the decision's terms.
NEEDED_KPIS = (
    "cost.total_per_year",
    "cost.one_off_setup_total",
    "hospital.delayed_discharge_cost_per_year",
    "assessment.people_waiting_mean",
)
SPEND_SERIES = "spend_to_date"


@dataclass
class AppraisalPlan:
    """An appraisal ready to run.

    Attributes:
        appraisal: the validated file.
        plan: the experiment plan (arms, tasks, manifest) the runner takes.
        columns: the uncertain values, one per Latin-hypercube column: the options', then the
            current arrangement's (``draws.current_columns``).
        unit: the draws on the unit cube (draws × columns).
        values: the drawn values (draws × columns), an option's before the current
            arrangement's level shifts it (``draws.option_values``).
        arm_of: the arm index of each (draw, option), and of the current arrangement's level
            arm that each draw is paired with.
        current_levels: how many levels of the current arrangement's values were drawn (0:
            none, held at the preset's values).
    """

    appraisal: Appraisal
    plan: Plan
    columns: list[Column]
    unit: np.ndarray
    values: np.ndarray
    arm_of: dict[tuple[int, str], int]
    current_levels: int = 0

    @property
    def options(self) -> list[str]:
        """The options appraised, the current arrangement first if it is one of them."""
        a = self.appraisal
        return [a.current] + [o for o in a.options if o != a.current]


def series_every(warmup_days: int) -> int:
    """Days between kept spend values: a divisor of 365 and of the warm-up.

    Then the change's eve and every anniversary of it fall on a kept day, and the spend of
    each appraised year is a difference of two kept values.
    """
    return math.gcd(365, warmup_days) if warmup_days else 365


def _experiment_data(
    appraisal: Appraisal, arms: list[dict[str, Any]], kpis: list[str]
) -> dict[str, Any]:
    council = {"set": {**appraisal.scenario.set, "change.enabled": True}}
    council["set"]["change.current"] = appraisal.current
    if appraisal.scenario.file is not None:
        council["file"] = appraisal.scenario.file
    return {
        "name": appraisal.name,
        "description": appraisal.description,
        "seed": appraisal.seed,
        "replications": appraisal.replications,
        # `carepath report` compares arms with the first level of the current arrangement.
        "baseline": arms[0]["label"],
        "model": FORKING_MODEL if appraisal.fork_warmup else DEFAULT_MODEL,
        "scenario": {
            **council,
            "years": appraisal.years,
            "warmup_days": appraisal.warmup_days,
        },
        "design": {"kind": "list", "arms": arms},
        "outputs": {
            "kpis": kpis,
            "timeseries": [SPEND_SERIES],
            "timeseries_every_days": series_every(appraisal.warmup_days),
        },
    }


def plan_appraisal(appraisal: Appraisal, text: str, source: str) -> AppraisalPlan:
    """Draw the parameters and plan every run.

    Arms come level by level of the current arrangement (``draws``): the level's own arm,
    then every option of every draw that uses that level. Runs are numbered replication by
    replication and arm by arm, so the runs that share a warm-up come together.

    Raises:
        AppraisalError: naming the field, for a council or option the scenario refuses.
    """
    a = appraisal
    council = council_columns(a, source)
    drawn = make_draws(a.options, a.current, a.draws, a.current_levels, a.seed, council)
    arms: list[dict[str, Any]] = []
    arm_of: dict[tuple[int, str], int] = {}
    width = max(3, len(str(a.draws - 1)))
    for draw in range(a.draws):
        level = level_of(draw, a.draws, drawn.levels)
        if draw == 0 or level != level_of(draw - 1, a.draws, drawn.levels):
            own = current_values(drawn, draw, a.current)
            place = council_values(drawn, draw, warmup_only=True)
            label = f"{a.current} level {level:0{width}d}" if drawn.levels else a.current
            # The level's values both before and after the change day: no change at all.
            arms.append(
                {
                    "label": label,
                    "set": {PRESET_PATH: a.current, **own, **place, **_warmed(own)},
                }
            )
            current_arm = len(arms) - 1
        arm_of[(draw, a.current)] = current_arm
        for option in a.options:
            if option == a.current:
                continue
            arm_of[(draw, option)] = len(arms)
            values = option_values(drawn, draw, option, a.current)
            arms.append(
                {
                    "label": f"{option} draw {draw:0{width}d}",
                    "set": {
                        PRESET_PATH: option,
                        **values,
                        **council_values(drawn, draw),
                        **_warmed(own),
                        **_scoped(a, option),
                    },
                }
            )
    kpis = list(dict.fromkeys([*appraisal.kpis, *NEEDED_KPIS]))
    try:
        experiment = parse_experiment(_experiment_data(appraisal, arms, kpis))
        plan = plan_experiment(experiment, text, source)
    except ExperimentError as exc:
        raise AppraisalError(str(exc)) from None
    plan.manifest["appraisal"] = {
        "spec": appraisal.model_dump(mode="json"),
        "columns": [c.name for c in drawn.columns],
        "current_levels": drawn.levels,
    }
    return AppraisalPlan(
        appraisal, plan, drawn.columns, drawn.unit, drawn.values, arm_of, drawn.levels
    )


def council_columns(appraisal: Appraisal, source: str) -> list[Column]:
    """The council's own uncertain values (``[uncertain]``), centred on the council's values.

    Raises:
        AppraisalError: naming the entry, when its distribution does not hold its value.
    """
    if not appraisal.uncertain:
        return []
    one = [{"label": appraisal.current, "set": {PRESET_PATH: appraisal.current}}]
    try:
        experiment = parse_experiment(_experiment_data(appraisal, one, list(NEEDED_KPIS)))
        ((_, scenario),) = resolve_arms(experiment, Path(source).parent)
    except ExperimentError as exc:
        raise AppraisalError(str(exc)) from None
    columns = []
    for path, entry in appraisal.uncertain.items():
        value = scenario
        for key in path.split("."):
            value = value[key]
        if entry.value is not None:
            point = entry.value
        elif entry.shape == "uniform":
            point = (entry.low + entry.high) / 2
        else:
            point = float(value)
        if not entry.low <= point <= entry.high:
            raise AppraisalError(
                f"uncertain.{path}: [{entry.low:g}, {entry.high:g}] does not hold the "
                f"council's value {point:g}; widen it or give `value`"
            )
        try:
            distribution = Distribution(entry.shape, entry.low, entry.high, point)
        except ValueError as exc:
            raise AppraisalError(f"uncertain.{path}: {exc}") from None
        columns.append(Column(COUNCIL, path, "assumption", distribution))
    return columns


def _scoped(appraisal: Appraisal, option: str) -> dict[str, Any]:
    """The option's scope as scenario paths (none for the whole service)."""
    scope = appraisal.scope.get(option)
    if scope is None:
        return {}
    return {
        f"change.scope.{k}": list(v) if isinstance(v, tuple) else v
        for k, v in scope.model_dump(exclude_unset=True).items()
    }


def _warmed(level: dict[str, float]) -> dict[str, Any]:
    """The warm-up's share of a level: the current arrangement's drawn values, if any."""
    return {"change.current_values": level} if level else {}


def load_appraisal(path: str | Path) -> AppraisalPlan:
    """Read, validate and plan an appraisal file.

    Raises:
        AppraisalError: one line per problem, each naming the file.
    """
    appraisal, text = read_appraisal(path)
    try:
        return plan_appraisal(appraisal, text, str(path))
    except AppraisalError as exc:
        lines = (f"{path}: {line}" for line in str(exc).splitlines())
        raise AppraisalError("\n".join(lines)) from None
