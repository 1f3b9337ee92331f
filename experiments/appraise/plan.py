"""From an appraisal to an experiment plan the existing runner, store and executors run.

The appraisal becomes an experiment with a list design: one arm for the current arrangement
and one arm per draw and option, each a scenario with the change event on (warm-up under the
current arrangement, the option from the day after the warm-up, so set-up and transition fall
inside the horizon). Replication ``k`` of every arm uses the same seed (``runs.make_tasks``):
the options in a draw, every draw, and the current arrangement meet the same people with the
same luck, so each option's difference from the current arrangement is paired. The current
arrangement does not depend on the draw (``draws``), so it is run once per replication and
compared with every draw, which saves a run per draw; sharing seeds across draws also keeps
the metamodels' noise to the interaction of luck and parameters. The stochastic part of the
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
    Column,
    draw_values,
    option_values,
    uncertain_columns,
    unit_draws,
)
from carepath.experiments.appraise.forking import MODEL as FORKING_MODEL
from carepath.experiments.appraise.spec import Appraisal, AppraisalError, read_appraisal
from carepath.experiments.design import PRESET_PATH
from carepath.experiments.spec import DEFAULT_MODEL, ExperimentError, parse_experiment
from carepath.experiments.sweep import Plan, plan_experiment

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
        columns: the uncertain values, one per Latin-hypercube column.
        unit: the draws on the unit cube (draws × columns).
        values: the drawn values (draws × columns).
        arm_of: the arm index of each (draw, option); the current arrangement's for every draw.
    """

    appraisal: Appraisal
    plan: Plan
    columns: list[Column]
    unit: np.ndarray
    values: np.ndarray
    arm_of: dict[tuple[int, str], int]

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
        "baseline": appraisal.current,
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

    Raises:
        AppraisalError: naming the field, for a council or option the scenario refuses.
    """
    columns = uncertain_columns(appraisal.options, appraisal.current)
    unit = unit_draws(columns, appraisal.draws, appraisal.seed)
    values = draw_values(columns, unit)
    arms: list[dict[str, Any]] = [
        {"label": appraisal.current, "set": {PRESET_PATH: appraisal.current}}
    ]
    arm_of: dict[tuple[int, str], int] = {}
    width = max(3, len(str(appraisal.draws - 1)))
    for draw in range(appraisal.draws):
        arm_of[(draw, appraisal.current)] = 0
        for option in appraisal.options:
            if option == appraisal.current:
                continue
            arm_of[(draw, option)] = len(arms)
            drawn = option_values(columns, values, draw, option)
            arms.append(
                {"label": f"{option} draw {draw:0{width}d}", "set": {PRESET_PATH: option, **drawn}}
            )
    kpis = list(dict.fromkeys([*appraisal.kpis, *NEEDED_KPIS]))
    try:
        experiment = parse_experiment(_experiment_data(appraisal, arms, kpis))
        plan = plan_experiment(experiment, text, source)
    except ExperimentError as exc:
        raise AppraisalError(str(exc)) from None
    plan.manifest["appraisal"] = {
        "spec": appraisal.model_dump(mode="json"),
        "columns": [c.name for c in columns],
    }
    return AppraisalPlan(appraisal, plan, columns, unit, values, arm_of)


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
