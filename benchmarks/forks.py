"""Runs forked from a warmed-up snapshot: ``python -m benchmarks.forks POPULATION [options]``.

An appraisal runs every option and parameter draw from one warm-up (``sim/snapshot.py``,
``experiments/appraise/forking.py``): the warm-up is paid once, and each run after it costs
only the years after the change. This measures that cost as an appraisal pays it, in one fresh
process: the default council scaled to POPULATION warms up under the in-house service with an
organisational change configured; the model is frozen on the eve of the change; then each fork
unpickles the frozen model, adopts an option, keeps only KPIs and series (``keep_only``, as
sweeps and appraisals do) and runs to the horizon, and its CPU seconds are recorded. Prints one
JSON object.

The options are cycled in the order given (default: the six that are not in-house), so the
figure is an appraisal's mix, not one option's.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import sys
import time
from typing import Any

from benchmarks.scaling import scale_scenario

OPTIONS = (
    "social_enterprise",
    "social_work_practice",
    "care_trust_plus",
    "nhs_shared_service",
    "public_service_mutual",
    "outsourced",
)


def _scenario(population: int, option: str, *, warmup_days: int, after_years: float, seed: int):
    from carepath.sim.scenario import build_scenario

    base = scale_scenario(population, preset=option, seed=seed)
    data = base.model_dump(mode="python")
    return build_scenario(
        data,
        preset=option,
        overrides={
            "run.years": warmup_days / 365 + after_years,
            "run.warmup_days": warmup_days,
            "change.enabled": True,
            "change.current": "in_house",
        },
    )


def measure(
    population: int,
    *,
    forks: int,
    warmup_days: int,
    after_years: float,
    seed: int,
    options: tuple[str, ...] = OPTIONS,
) -> dict[str, Any]:
    """Warm up once, then time ``forks`` runs forked from the frozen warm-up.

    Returns:
        CPU seconds of the warm-up, of freezing it, and of each fork (unpickle, adopt, run,
        results), their median, the frozen model's size and the process's peak memory.
    """
    from carepath.sim import CarePathwayModel
    from carepath.sim.snapshot import freeze

    load_before = os.getloadavg()[0]
    first = _scenario(
        population, options[0], warmup_days=warmup_days, after_years=after_years, seed=seed
    )
    cpu = time.process_time()
    model = CarePathwayModel(scenario=first, rng=seed)
    model.run(until=model.change_day - 1)
    warmup_cpu = time.process_time() - cpu
    cpu = time.process_time()
    frozen = freeze(model)
    freeze_cpu = time.process_time() - cpu
    del model
    rows = []
    for k in range(forks):
        option = options[k % len(options)]
        scenario = _scenario(
            population, option, warmup_days=warmup_days, after_years=after_years, seed=seed
        )
        cpu = time.process_time()
        wall = time.perf_counter()
        fork = pickle.loads(frozen)
        fork.adopt(scenario)
        start = fork.steps
        fork.keep_only(events=False)
        fork.run()
        rows.append(
            {
                "option": option,
                "cpu_s": time.process_time() - cpu,
                "wall_s": time.perf_counter() - wall,
                "days": fork.steps - start,
            }
        )
        del fork
    cpu_each = [r["cpu_s"] for r in rows]
    return {
        "population": population,
        "warmup_days": warmup_days,
        "after_years": after_years,
        "seed": seed,
        "warmup_cpu_s": warmup_cpu,
        "freeze_cpu_s": freeze_cpu,
        "frozen_mb": len(frozen) / 2**20,
        "forks": rows,
        "fork_cpu_s_median": statistics.median(cpu_each),
        "fork_cpu_s_range": [min(cpu_each), max(cpu_each)],
        "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    """Command line of the child process."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.forks", description=__doc__)
    parser.add_argument("population", type=int)
    parser.add_argument("--forks", type=int, default=6, help="forked runs to time (default 6)")
    parser.add_argument("--warmup-days", type=int, default=1825)
    parser.add_argument("--after-years", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.forks < 1:
        parser.error("--forks: must be at least 1")
    result = measure(
        args.population,
        forks=args.forks,
        warmup_days=args.warmup_days,
        after_years=args.after_years,
        seed=args.seed,
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
