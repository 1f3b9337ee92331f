"""The ``carepath appraise APPRAISAL.toml`` command."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from carepath.experiments.cli import EXIT_FAILED_RUNS, _bar, add_executor_options
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
    from carepath.experiments.sweep import sweep

    planned = load_appraisal(args.file)
    name = planned.appraisal.name
    out = Path(args.out) if args.out else Path("out") / name
    errors = Console(stderr=True)
    show = not args.quiet and errors.is_terminal
    started = time.monotonic()
    with _bar(errors, name, show) as bar:
        task = bar.add_task("appraise", total=None, failed=0)
        failed = 0

        def on_start(todo: int, skipped: int, notes: list[str]) -> None:
            bar.update(task, total=todo)
            for note in notes:
                errors.print(f"carepath: note: {note}", soft_wrap=True, markup=False)
            if skipped and not args.quiet:
                errors.print(f"resuming: {skipped} runs already in {out}, {todo} to do")

        def progress(outcome, done: int, total: int) -> None:
            nonlocal failed
            failed += not outcome.ok
            bar.update(task, completed=done, failed=failed)
            if not show and not args.quiet and (done == total or done % max(1, total // 20) == 0):
                print(f"{name}: {done}/{total} runs ({failed} failed)", file=sys.stderr)

        try:
            report = sweep(
                planned.plan,
                out,
                workers=args.workers,
                scheduler=args.scheduler,
                progress=progress,
                on_start=on_start,
            )
        except KeyboardInterrupt:
            print(
                f"carepath: interrupted; finished runs are saved in {out}; "
                "run the same command again to resume",
                file=sys.stderr,
            )
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
