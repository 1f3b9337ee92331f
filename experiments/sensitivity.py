"""Morris screening and Sobol indices (SALib) from a morris or sobol experiment's runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from carepath.experiments.design import salib_problem, sensitivity_sample
from carepath.experiments.spec import Experiment

# Fixed so that the bootstrap intervals in a report are reproducible.
_BOOTSTRAP_SEED = 20_261_122


class SensitivityError(ValueError):
    """The runs cannot give sensitivity indices (for example an arm with no successful run)."""


def arm_means(runs: pd.DataFrame, kpi: str, arms: int) -> np.ndarray:
    """The KPI's mean over replications for each arm, in arm order.

    Raises:
        SensitivityError: if an arm has no successful run with a value for the KPI.
    """
    ok = runs[(runs["status"] == "ok")]
    means = ok.groupby("arm")[kpi].mean().reindex(range(arms))
    missing = means.index[~np.isfinite(means.to_numpy(dtype=float))].tolist()
    if missing:
        raise SensitivityError(
            f"{kpi}: no value for sample(s) {', '.join(map(str, missing[:5]))}; "
            "re-run the failed runs (carepath sweep --retry-failed) before analysing"
        )
    return means.to_numpy(dtype=float)


def indices(experiment: Experiment, runs: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """Sensitivity of one KPI to each factor, most influential first.

    Morris gives ``mu_star`` (mean absolute elementary effect, in the KPI's units),
    its interval and ``sigma`` (interaction or non-linearity); Sobol gives first-order ``S1``
    and total ``ST`` shares of variance with intervals. Factors are on the unit interval
    between their ``low`` and ``high``, so effects compare across factors.

    Raises:
        SensitivityError: if the design is not morris or sobol, or runs are missing.
    """
    design = experiment.design
    problem = salib_problem(experiment)
    sample = sensitivity_sample(experiment)
    y = arm_means(runs, kpi, len(sample))
    if design.kind == "morris":
        from SALib.analyze import morris

        result = morris.analyze(problem, sample, y, num_levels=design.levels, seed=_BOOTSTRAP_SEED)
        frame = pd.DataFrame(
            {
                "factor": problem["names"],
                "mu_star": result["mu_star"],
                "mu_star_conf": result["mu_star_conf"],
                "sigma": result["sigma"],
            }
        )
        return frame.sort_values("mu_star", ascending=False, ignore_index=True)
    if design.kind == "sobol":
        from SALib.analyze import sobol

        result = sobol.analyze(
            problem, y, calc_second_order=design.second_order, seed=_BOOTSTRAP_SEED
        )
        frame = pd.DataFrame(
            {
                "factor": problem["names"],
                "S1": result["S1"],
                "S1_conf": result["S1_conf"],
                "ST": result["ST"],
                "ST_conf": result["ST_conf"],
            }
        )
        return frame.sort_values("ST", ascending=False, ignore_index=True)
    raise SensitivityError(f"design.kind: {design.kind!r} gives no sensitivity indices")
