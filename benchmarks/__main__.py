"""``python -m benchmarks``: time the model against naive Mesa and SimPy, and write the results.

Examples:
    python -m benchmarks --quick                 # a few minutes, one simulated year
    python -m benchmarks                         # the full suite (about a quarter of an hour)
    python -m benchmarks --only headline --sizes 250000,1100000 --years 10
    python -m benchmarks --only profile          # pyinstrument reports of the real model
    python -m benchmarks --only record           # re-measure benchmarks/results/headline.json
    python -m benchmarks --only fork             # runs forked from a warmed-up snapshot
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from benchmarks.harness import Plan, run_suite

PARTS = ("record", "headline", "compare", "kpis", "scaling", "fork", "profile")


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(float(s)) for s in text.split(",") if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected numbers like 250000,1100000"
        ) from None
    if not sizes or min(sizes) < 1000:
        raise argparse.ArgumentTypeError("populations must be at least 1000")
    return sizes


def _parts(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(PARTS)}")
    return parts


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the chosen parts and print the results as Markdown."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, one year, few replications"
    )
    parser.add_argument(
        "--sizes", type=_sizes, help="populations of the headline and side-by-side runs"
    )
    parser.add_argument("--scaling-sizes", type=_sizes, help="populations of the scaling curve")
    parser.add_argument("--years", type=float, help="simulated years (default 10; --quick: 1)")
    parser.add_argument("--reps", type=int, help="repeats of each headline run")
    parser.add_argument("--only", type=_parts, help=f"comma-separated parts: {', '.join(PARTS)}")
    parser.add_argument("--profile", action="store_true", help="also write pyinstrument profiles")
    parser.add_argument(
        "--record",
        action="store_true",
        help="also re-measure the recorded headline (headline.json in the results folder)",
    )
    parser.add_argument("--out", type=Path, help="results folder (default benchmarks/results)")
    args = parser.parse_args(argv)

    plan = Plan.quick() if args.quick else Plan()
    if args.sizes:
        plan = replace(plan, headline_sizes=args.sizes, compare_sizes=args.sizes)
    if args.scaling_sizes:
        plan = replace(plan, scaling_sizes=args.scaling_sizes)
    if args.years:
        plan = replace(plan, years=args.years)
    if args.reps:
        plan = replace(plan, reps=args.reps)
    if args.only:
        plan = replace(plan, parts=args.only)
    else:
        if args.profile:
            plan = replace(plan, parts=(*plan.parts, "profile"))
        if args.record:
            plan = replace(plan, parts=("record", *plan.parts))
    if args.out:
        plan = replace(plan, out=args.out.resolve())
    results = run_suite(plan)
    from benchmarks.harness import report

    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
