"""Does a long sweep hold memory flat? Runs a 200-run sweep and samples resident memory.

    python -m benchmarks.sweep_memory [--runs 200] [--workers 2] [--years 0.1]

Samples the sweeping process and its worker processes after every run; writes
``benchmarks/results/sweep_memory.csv`` and prints the growth from the first tenth of the
sweep to the end. Memory is flat when the sweeping process grows by less than a few MB, as
it must: each run is written to disk as it finishes and nothing about it is kept.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from pathlib import Path

from carepath.experiments.sweep import load_plan, sweep

EXPERIMENT = """
name = "memory"
seed = 1
replications = {replications}
[scenario]
years = {years}
warmup_days = 0
[design]
factors = {{ "organisation.preset" = ["in_house", "outsourced"], "reablement.places" = [60, 90] }}
[outputs]
timeseries = ["waiting_for_assessment", "delayed_discharges"]
"""


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 if it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def children(pid: int) -> list[int]:
    """Direct child processes (the sweep's workers)."""
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        path = task / "children"
        if path.exists():
            kids += [int(p) for p in path.read_text().split()]
    return kids


def main() -> None:
    """Run the sweep and print the memory table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--years", type=float, default=0.1)
    parser.add_argument("--out", default="benchmarks/results/sweep_memory.csv")
    args = parser.parse_args()

    samples: list[dict[str, float]] = []
    started = time.perf_counter()
    me = os.getpid()

    def progress(_outcome, done: int, _total: int) -> None:
        workers = [rss_mb(p) for p in children(me)]
        samples.append(
            {
                "run": done,
                "seconds": round(time.perf_counter() - started, 2),
                "sweep_mb": round(rss_mb(me), 1),
                "worker_mb_max": round(max(workers, default=0.0), 1),
            }
        )

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "memory.toml"
        path.write_text(EXPERIMENT.format(replications=max(1, args.runs // 4), years=args.years))
        sweep(load_plan(path), Path(scratch) / "out", workers=args.workers, progress=progress)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(samples[0]))
        writer.writeheader()
        writer.writerows(samples)
    early = samples[max(0, len(samples) // 10 - 1)]
    last = samples[-1]
    print(f"{len(samples)} runs in {last['seconds']:.0f} s with {args.workers} workers")
    print(
        "                      after run {:>4}   after run {:>4}   growth".format(
            early["run"], last["run"]
        )
    )
    for key, name in (("sweep_mb", "sweeping process MB"), ("worker_mb_max", "largest worker MB")):
        print(f"{name:<22}{early[key]:>14.1f}{last[key]:>17.1f}{last[key] - early[key]:>+10.1f}")
    print(f"samples: {out}")


if __name__ == "__main__":
    main()
