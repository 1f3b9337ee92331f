"""The ``carepath calibrate | validate`` commands."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from carepath.experiments.calibration import CalibrationError
from carepath.experiments.cli import add_executor_options, positive_int
from rich.console import Console
from rich.table import Table

EXIT_OUTSIDE_TOLERANCE = 1

__all__ = ["HANDLERS", "CalibrationError", "add_parsers"]


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add the calibration commands to ``carepath``'s sub-command parser."""
    calibrate = commands.add_parser(
        "calibrate",
        help="fit the baseline's behavioural parameters to published figures",
        description=(
            "Fit the free behavioural parameters (experiments/calibration/parameters.toml) of "
            "the default scenario to the fit targets (targets.toml) and the stationarity "
            "conditions, with optuna's seeded TPE sampler over replicated runs that share "
            "their random numbers. Writes the best values and their provenance to "
            "sim/calibrated.toml. The same options give the same result."
        ),
    )
    calibrate.add_argument(
        "--trials", type=positive_int, default=60, metavar="N", help="candidates (default 60)"
    )
    calibrate.add_argument(
        "--replications",
        type=positive_int,
        default=4,
        metavar="R",
        help="runs per candidate (default 4)",
    )
    calibrate.add_argument(
        "--years",
        type=_years,
        default=10.0,
        metavar="Y",
        help="years per run, the first half (at most 5) a warm-up (default 10)",
    )
    calibrate.add_argument(
        "--seed", type=_seed, default=1, metavar="N", help="sampler and replication seed (1)"
    )
    calibrate.add_argument(
        "--batch",
        type=positive_int,
        default=4,
        metavar="N",
        help="candidates run together before the sampler learns from them (default 4)",
    )
    calibrate.add_argument(
        "--timeout",
        type=_minutes,
        metavar="MINUTES",
        help="stop after the batch that passes this time (the file records the trials done)",
    )
    calibrate.add_argument(
        "--bound",
        action="append",
        metavar="PATH=LOW..HIGH",
        help="replace a parameter's bounds, e.g. assessment.hours_mean=8..14",
    )
    calibrate.add_argument(
        "--parameters", metavar="FILE", help="free parameters (default: the packaged list)"
    )
    calibrate.add_argument(
        "--start",
        metavar="FILE",
        help="an earlier calibrated file whose values are tried right after the defaults",
    )
    calibrate.add_argument("--out", metavar="FILE", help="where to write (sim/calibrated.toml)")
    _common(calibrate)

    validate = commands.add_parser(
        "validate",
        help="run the baseline with replications and compare it with published figures",
        description=(
            "Run the default scenario with replications and compare each target with its "
            "published figure; write docs/validation.md with charts. Exit status 1 when a fit "
            "target or a stationarity condition is outside its tolerance (out-of-sample checks "
            "are reported only)."
        ),
    )
    validate.add_argument(
        "--replications", type=positive_int, default=10, metavar="R", help="runs (default 10)"
    )
    validate.add_argument(
        "--years",
        type=_years,
        default=10.0,
        metavar="Y",
        help="years per run, the first half (at most 5) a warm-up (default 10)",
    )
    validate.add_argument(
        "--seed", type=_seed, default=2, metavar="N", help="replication seed (default 2)"
    )
    validate.add_argument(
        "--report", metavar="FILE", help="Markdown report (default docs/validation.md)"
    )
    validate.add_argument(
        "--set", action="append", metavar="PATH=VALUE", help="override a baseline field"
    )
    _common(validate)


def _common(parser: argparse.ArgumentParser) -> None:
    add_executor_options(parser)
    parser.add_argument("--targets", metavar="FILE", help="targets (default: the packaged file)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _number(text: str, kind: type) -> float:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 2**63-1, got {value}")
    return value


def _years(text: str) -> float:
    value = _number(text, float)
    if not 0 < value <= 50:
        raise argparse.ArgumentTypeError(f"expected years above 0 and at most 50, got {value:g}")
    return value


def _minutes(text: str) -> float:
    value = _number(text, float)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected positive minutes, got {value:g}")
    return value


def calibrate_command(args: argparse.Namespace, console: Console) -> int:
    """``carepath calibrate``."""
    from carepath.experiments.calibration.fit import Settings, calibrate, write_calibrated
    from carepath.experiments.calibration.parameters import parse_bound
    from carepath.sim.scenario import CALIBRATED_FILE

    bounds = dict(parse_bound(text) for text in args.bound or [])
    settings = Settings(
        trials=args.trials,
        replications=args.replications,
        years=args.years,
        seed=args.seed,
        batch=args.batch,
        workers=args.workers,
        scheduler=args.scheduler,
        timeout_minutes=args.timeout,
    )
    out = Path(args.out) if args.out else CALIBRATED_FILE
    errors = Console(stderr=True)

    def progress(done: int, total: int, best: float, seconds: float) -> None:
        if not args.quiet:
            errors.print(f"calibrate: {done}/{total} trials, best loss {best:.3g}, {seconds:.0f} s")

    result = calibrate(
        settings,
        targets_file=args.targets,
        parameters_file=args.parameters,
        bounds=bounds,
        start_file=args.start,
        progress=progress,
    )
    command = "carepath " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "carepath calibrate"
    path = write_calibrated(result, out, command=command)
    if not args.quiet:
        best = result.best
        table = Table(title=f"Fitted parameters (trial {best.number}, loss {best.loss:.3g})")
        for column in ("parameter", "default", "fitted", "bounds"):
            table.add_column(column, justify="left" if column == "parameter" else "right")
        for p in result.parameters:
            table.add_row(
                p.path,
                f"{result.defaults[p.path]:g}",
                f"{best.values[p.path]:g}",
                f"{p.low:g} to {p.high:g}",
            )
        console.print(table)
        _print_sections(console, best.rows, f"Trial {best.number}: ")
        stopped = " (stopped by --timeout)" if result.stopped_early else ""
        console.print(
            f"{len(result.trials)} trials in {result.seconds:.0f} s{stopped}; loss at the schema "
            f"defaults {result.start.loss:.3g}, best {best.loss:.3g}. Written to {path}\n"
            "Next: carepath validate"
        )
    return 0


def validate_command(args: argparse.Namespace, console: Console) -> int:
    """``carepath validate``: exit 1 when a fit target or stationarity condition is outside."""
    from carepath.experiments.calibration.validate import REPORT_FILE, validate, write_report
    from carepath.sim.scenario import build_scenario, parse_assignment

    overrides = dict(parse_assignment(text) for text in args.set or [])
    build_scenario(overrides={**overrides, "run.years": args.years})  # refuse before running
    started = time.monotonic()
    errors = Console(stderr=True)
    if not args.quiet:
        errors.print(
            f"validate: {args.replications} runs of {args.years:g} years "
            f"(workers: {args.workers or 'all CPUs'})"
        )
    result = validate(
        replications=args.replications,
        years=args.years,
        seed=args.seed,
        workers=args.workers,
        scheduler=args.scheduler,
        targets_file=args.targets,
        overrides=overrides,
    )
    report = write_report(result, args.report or REPORT_FILE)
    if not args.quiet:
        _print_sections(console, result.rows)
        console.print(
            f"{'PASS' if result.passed else 'FAIL'}: {_summary(result)} "
            f"({time.monotonic() - started:.0f} s). Report: {report}"
        )
    for failure in result.failed_runs:
        print(f"carepath: run failed: {failure}", file=sys.stderr)
    return 0 if result.passed else EXIT_OUTSIDE_TOLERANCE


def _summary(result) -> str:
    parts = []
    for kind, label in (("fit", "fit targets"), ("stationarity", "stationarity conditions")):
        rows = result.section(kind)
        parts.append(f"{sum(r.within for r in rows)}/{len(rows)} {label} within")
    checks = result.section("check")
    parts.append(f"{sum(r.within for r in checks)}/{len(checks)} out-of-sample checks within")
    return ", ".join(parts)


def _print_sections(console: Console, rows, prefix: str = "") -> None:
    """One table per kind of row (fit, stationarity, check), for the kinds that have rows."""
    from carepath.experiments.calibration.validate import SECTIONS

    for kind, title in SECTIONS:
        chosen = [r for r in rows if r.kind == kind]
        if chosen:
            console.print(_rows_table(chosen, prefix + title))


def _rows_table(rows, title: str) -> Table:
    from carepath.experiments.calibration.validate import fmt, interval, tolerance

    table = Table(title=title)
    table.add_column("target", no_wrap=True)
    for column in ("published (scaled)", "simulated mean [95% CI]", "tolerance"):
        table.add_column(column, justify="right")
    table.add_column("within", justify="center")
    for row in rows:
        mark = "[green]yes[/]" if row.within else "[red]NO[/]"
        table.add_row(row.name, fmt(row.expected), interval(row), tolerance(row), mark)
    return table


HANDLERS = {"calibrate": calibrate_command, "validate": validate_command}
