"""One measurement in a fresh process: ``python -m benchmarks.runner IMPL POPULATION YEARS``.

Prints one JSON object: wall and CPU seconds of the run (model construction included, results
extraction for the real model included), peak resident memory, events, KPIs. The parent
starts one process per measurement so that each sees a cold heap and its own peak memory.

Peak memory is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read in this process at the end
(Linux reports kilobytes): the high-water mark of the whole process, Python and imported
libraries included. ``rss_import_kb`` is the same reading taken before the model is built, so
``rss_peak_kb - rss_import_kb`` is what the simulation itself added.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from typing import Any

from carepath.sim.engine.gcpolicy import fewer_collections

from benchmarks.scaling import core_scenario, scale_scenario

IMPLEMENTATIONS = ("ours", "simpy", "naive")


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _run_ours(scenario: Any, seed: int, days: float | None) -> dict[str, Any]:
    from carepath.sim import CarePathwayModel

    from benchmarks.core import real_model_kpis

    collect_seconds = 0.0
    started = time.perf_counter()
    cpu = time.process_time()
    model = CarePathwayModel(scenario=scenario, rng=seed)
    # Time the daily DataCollector.collect: the model calls it through the instance attribute.
    collect = model.datacollector.collect

    def timed_collect(target: Any) -> None:
        nonlocal collect_seconds
        t = time.perf_counter()
        collect(target)
        collect_seconds += time.perf_counter() - t

    model.datacollector.collect = timed_collect  # type: ignore[method-assign]
    if days is None:
        results = model.run()
        kpis = real_model_kpis(results.summary)
    else:
        model.run_for(days)
        kpis = {}
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "transitions": len(model.log),
        "timers_fired": model.calendar.fired,
        "collect_s": collect_seconds,
        "kpis": kpis,
    }


def _run_reference(impl: str, scenario: Any, seed: int, days: float | None) -> dict[str, Any]:
    from benchmarks.core import CoreParams

    params = CoreParams.from_scenario(scenario)
    if days is not None:
        params = _with_days(params, days)
    started = time.perf_counter()
    cpu = time.process_time()
    if impl == "simpy":
        from benchmarks.simpy_model import SimpyPathway

        model: Any = SimpyPathway(params, seed)
    else:
        from benchmarks.naive_mesa import NaivePathway

        model = NaivePathway(params, seed)
    # The same garbage-collector setting as the real model's run(), so that the comparison is
    # between engines, not between collector settings.
    with fewer_collections():
        kpis = model.run()
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - started
    out = {
        "wall_s": wall,
        "cpu_s": cpu,
        "transitions": kpis.pop("transitions"),
        "kpis": kpis if days is None else {},
    }
    if impl == "naive":
        out["agent_steps"] = model.agent_steps
    return out


def _with_days(params: Any, days: float) -> Any:
    from dataclasses import replace

    return replace(params, days=round(days), warmup=min(params.warmup, round(days) // 4))


def measure(
    impl: str, population: int, years: float, *, scenario: str, seed: int, days: float | None
) -> dict[str, Any]:
    """Run one implementation once and describe the run."""
    build = core_scenario if scenario == "core" else scale_scenario
    sc = build(population, years=years, seed=seed)
    load_before = os.getloadavg()[0]
    rss_import = _peak_kb()
    out = _run_ours(sc, seed, days) if impl == "ours" else _run_reference(impl, sc, seed, days)
    simulated_days = days if days is not None else round(years * 365)
    out.update(
        impl=impl,
        population=population,
        years=years,
        days=simulated_days,
        scenario=scenario,
        seed=seed,
        rss_import_kb=rss_import,
        rss_peak_kb=_peak_kb(),
        load_before=load_before,
        load_after=os.getloadavg()[0],
        person_days=population * simulated_days,
    )
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line of the child process."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.runner")
    parser.add_argument("impl", choices=IMPLEMENTATIONS)
    parser.add_argument("population", type=int)
    parser.add_argument("years", type=float)
    parser.add_argument("--scenario", choices=("default", "core"), default="default")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--days", type=float, default=None, help="stop after this many days (timing only)"
    )
    args = parser.parse_args(argv)
    result = measure(
        args.impl,
        args.population,
        args.years,
        scenario=args.scenario,
        seed=args.seed,
        days=args.days,
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
