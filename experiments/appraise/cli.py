"""The ``carepath appraise APPRAISAL.toml`` command."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from carepath.experiments.cli import EXIT_FAILED_RUNS, add_executor_options, run_with_progress
from rich.console import Console


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add ``appraise`` to ``carepath``'s sub-command parser."""
    appraise = commands.add_parser(
        "appraise",
        help="appraise options against the current arrangement under parameter uncertainty "
        "(resumable; writes OUT/appraisal/report.html)",
    )
    appraise.add_argument(
        "file", metavar="FILE", help="appraisal TOML, e.g. experiments/appraisal.toml"
    )
    appraise.add_argument("--out", metavar="DIR", help="results folder (default: out/NAME)")
    add_executor_options(appraise)
    appraise.add_argument("--quiet", action="store_true", help="print nothing but errors")


def appraise_command(args: argparse.Namespace, console: Console) -> int:
    """``carepath appraise FILE``: run what is not yet in ``--out``, then write the report."""
    from carepath.experiments.appraise.plan import load_appraisal
    from carepath.experiments.appraise.report import build_appraisal_report

    planned = load_appraisal(args.file)
    out = Path(args.out) if args.out else Path("out") / planned.appraisal.name
    started = time.monotonic()
    report = run_with_progress(planned.plan, out, args, label="appraise")
    if report is None:
        return 130
    path = build_appraisal_report(out, planned)
    if not args.quiet:
        console.print(
            f"{report.ok} runs ok, {report.failed} failed, {report.skipped} already done "
            f"({report.planned} planned) in {time.monotonic() - started:.0f} s.\n"
            f"Report: {path} (tables beside it)",
            soft_wrap=True,
        )
    if report.failed:
        print(
            f"carepath: {report.failed} runs failed and are left out of the appraisal; their "
            f"errors are in {out}/manifest.json",
            file=sys.stderr,
        )
        return EXIT_FAILED_RUNS
    return 0


HANDLERS = {"appraise": appraise_command}
