"""The ``carepath sweep | report | reproduce | kpis`` commands."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

if TYPE_CHECKING:
    from carepath.experiments.sweep import Plan, SweepReport

EXIT_FAILED_RUNS = 1


class UsageError(ValueError):
    """A bad command-line value: one line naming the option."""


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add the experiment commands to ``carepath``'s sub-command parser."""
    sweep = commands.add_parser(
        "sweep", help="run an experiment file into a results folder (resumable)"
    )
    sweep.add_argument(
        "file", metavar="FILE", help="experiment TOML, e.g. experiments/org_models.toml"
    )
    sweep.add_argument("--out", metavar="DIR", help="results folder (default: out/NAME)")
    add_executor_options(sweep)
    sweep.add_argument(
        "--retry-failed", action="store_true", help="run again the runs recorded as failed"
    )
    sweep.add_argument("--quiet", action="store_true", help="print nothing but errors")
    add_trust_option(sweep, "the experiment file")

    report = commands.add_parser("report", help="write report.md and charts for a results folder")
    report.add_argument("folder", metavar="DIR")
    report.add_argument("--kpis", metavar="A,B", help="KPIs to report (default: headline KPIs)")
    report.add_argument("--baseline", metavar="ARM", help="arm label to compare with")
    report.add_argument(
        "--precision",
        type=_fraction,
        default=0.05,
        metavar="F",
        help="relative CI half-width for the replication helper (default 0.05)",
    )

    reproduce = commands.add_parser(
        "reproduce", help="re-run a results folder from its manifest and compare checksums"
    )
    reproduce.add_argument("folder", metavar="DIR")
    reproduce.add_argument("--runs", metavar="LIST", help="run numbers, e.g. 0-9,12 (default all)")
    add_executor_options(reproduce)
    add_trust_option(reproduce, "the folder's manifest")

    commands.add_parser("kpis", help="list the KPI and time-series names experiments can keep")


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers N`` and ``--scheduler ADDRESS`` for the commands that run batches."""
    parser.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="local worker processes (default: all CPUs)",
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786"
    )


def add_trust_option(parser: argparse.ArgumentParser, source: str) -> None:
    """Add ``--trust-model``: the gate before importing a model that is not carepath's own."""
    parser.add_argument(
        "--trust-model",
        action="store_true",
        help=f"allow {source} to name a model other than carepath's own "
        "(its module is imported and runs; use only for code you trust)",
    )


def positive_int(text: str) -> int:
    """Argparse type: a whole number >= 1.

    Raises:
        argparse.ArgumentTypeError: naming the text when it is not one.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number between 0 and 1, got {text!r}"
        ) from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value}")
    return value


def parse_run_list(text: str, count: int) -> list[int]:
    """``"0-3,7"`` to ``[0, 1, 2, 3, 7]``, for an experiment of ``count`` runs.

    Every part is checked before any range is expanded, so a huge range costs nothing.

    Raises:
        UsageError: for anything else, naming the bad part and the runs there are.
    """
    bounds: list[tuple[int, int]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        low, sep, high = (s.strip() for s in part.partition("-"))
        if not all(s.isascii() and s.isdigit() for s in ((low, high) if sep else (low,))):
            raise UsageError(f"--runs: {part!r} is not a run number or range like 0-9")
        first, last = int(low), int(high) if sep else int(low)
        if last < first:
            raise UsageError(f"--runs: {part!r} runs backwards; write {last}-{first}")
        if last >= count:
            raise UsageError(
                f"--runs: {part!r} goes past the last run, {count - 1} "
                f"(the experiment has runs 0-{count - 1})"
            )
        bounds.append((first, last))
    if not bounds:
        raise UsageError(f"--runs: {text!r} names no run; e.g. 0-9,12")
    return list(dict.fromkeys(r for first, last in bounds for r in range(first, last + 1)))


def _bar(console: Console, title: str, enabled: bool) -> Progress:
    return Progress(
        TextColumn(f"[bold]{title}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs · [red]{task.fields[failed]} failed[/]"),
        TimeRemainingColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )


def run_with_progress(
    plan: Plan, out: Path, args: argparse.Namespace, *, label: str, retry_failed: bool = False
) -> SweepReport | None:
    """Run what ``out`` lacks of ``plan`` with a progress bar; None when interrupted.

    Shared by ``sweep`` and ``appraise``: the same bar, resume notes and plain-text progress
    when the terminal shows no bar.
    """
    from carepath.experiments.sweep import sweep

    name = plan.experiment.name
    errors = Console(stderr=True)
    show = not args.quiet and errors.is_terminal
    with _bar(errors, name, show) as bar:
        task = bar.add_task(label, total=None, failed=0)
        failed = 0

        def on_start(todo: int, skipped: int, notes: list[str]) -> None:
            bar.update(task, total=todo)
            for note in notes:  # said before the runs start: what was set aside, and why
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
            return sweep(
                plan,
                out,
                workers=args.workers,
                scheduler=args.scheduler,
                retry_failed=retry_failed,
                progress=progress,
                on_start=on_start,
            )
        except KeyboardInterrupt:
            print(
                f"carepath: interrupted; finished runs are saved in {out}; "
                "run the same command again to resume",
                file=sys.stderr,
            )
            return None


def sweep_command(args: argparse.Namespace, console: Console) -> int:
    """``carepath sweep FILE``."""
    from carepath.experiments.sweep import load_plan

    plan = load_plan(args.file, trust_model=args.trust_model)
    out = Path(args.out) if args.out else Path("out") / plan.experiment.name
    started = time.monotonic()
    report = run_with_progress(plan, out, args, label="sweep", retry_failed=args.retry_failed)
    if report is None:
        return 130
    if not args.quiet:
        elapsed = time.monotonic() - started
        console.print(
            f"{report.ok} runs ok, {report.failed} failed, {report.skipped} already done "
            f"({report.planned} planned) in {elapsed:.0f} s. Results: {out}/\n"
            f"Next: carepath report {out}",
            soft_wrap=True,
        )
    if report.failed:
        print(
            f"carepath: {report.failed} runs failed; their errors are in {out}/manifest.json "
            "(carepath report lists them; --retry-failed runs them again)",
            file=sys.stderr,
        )
        return EXIT_FAILED_RUNS
    return 0


def _check_whole(folder: str, what: str):
    """The folder's audit; unreadable parts are an error (exit 2), other problems are listed.

    Raises:
        StoreError: for a damaged manifest or part, one line per file.
    """
    from carepath.experiments.store import RESUME_HINT, StoreError, audit

    checked = audit(folder)
    if checked.damaged:
        raise StoreError("\n".join(f"{p}{RESUME_HINT}" for p in checked.damaged))
    for problem in checked.problems:
        print(f"carepath: {problem}", file=sys.stderr)
    if not checked.whole:
        print(
            f"carepath: {folder} is not whole ({checked.summary()}); {what}. Running the "
            "experiment's sweep again into it sets such runs aside and makes them again",
            file=sys.stderr,
        )
    return checked


def report_command(args: argparse.Namespace, console: Console) -> int:
    """``carepath report DIR``: refused (exit 1) unless the folder agrees with its manifest."""
    from carepath.experiments.report import build_report

    if not _check_whole(args.folder, "no report written").whole:
        return EXIT_FAILED_RUNS
    kpis = [k.strip() for k in args.kpis.split(",") if k.strip()] if args.kpis else None
    path = build_report(args.folder, kpis=kpis, baseline=args.baseline, precision=args.precision)
    console.print(f"report written to {path} (charts in {path.parent / 'charts'}/)", soft_wrap=True)
    return 0


def reproduce_command(args: argparse.Namespace, console: Console) -> int:
    """``carepath reproduce DIR``: exit 0 only if the folder is whole and every run matches."""
    from carepath.experiments.store import read_manifest
    from carepath.experiments.sweep import reproduce

    manifest = read_manifest(args.folder)  # --runs is checked before the parts are read
    runs = parse_run_list(args.runs, manifest["runs_planned"]) if args.runs else None
    checked = _check_whole(args.folder, "the runs the manifest records are checked below")
    errors = Console(stderr=True)
    with _bar(errors, "reproduce", errors.is_terminal) as bar:
        task = bar.add_task("reproduce", total=None, failed=0)
        checks = reproduce(
            args.folder,
            runs=runs,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=lambda _o, done, total: bar.update(task, completed=done, total=total),
            trust_model=args.trust_model,
            checked=checked,
        )
    table = Table(title=f"reproduce {manifest['experiment']['name']} ({args.folder})")
    for column in ("run", "arm", "replication", "recorded", "now", "verdict"):
        table.add_column(column)
    for c in checks:
        colour = "green" if c.verdict == "match" else "red"
        table.add_row(
            str(c.run_id),
            c.arm_label,
            str(c.replication),
            (c.recorded or "–")[7:19],
            (c.reproduced or "–")[7:19],
            f"[{colour}]{c.verdict}[/]",
        )
    console.print(table)
    matched = sum(c.verdict == "match" for c in checks)
    console.print(f"{matched} of {len(checks)} runs reproduced exactly")
    whole = checked.whole
    return 0 if whole and checks and matched == len(checks) else EXIT_FAILED_RUNS


def kpis_command(args: argparse.Namespace, console: Console) -> int:
    """``carepath kpis``: the names ``[outputs]`` accepts."""
    from carepath.experiments.runs import probe_outputs
    from carepath.experiments.spec import DEFAULT_MODEL
    from carepath.sim.scenario import build_scenario

    kpis, series = probe_outputs(DEFAULT_MODEL, build_scenario().model_dump(mode="json"))
    console.print("[bold]KPIs[/] ([outputs] kpis = [...]):")
    for name in kpis:
        console.print(f"  {name}")
    from carepath.sim.measure.kpis import CATALOGUE

    some = {k: kpi.only_when for k, kpi in CATALOGUE.items() if kpi.only_when and k not in kpis}
    if some:
        console.print("[bold]KPIs of some runs only[/] (a run without them fails to keep them):")
        for name, when in some.items():
            console.print(f"  {name}  [dim]({when})[/]")
    console.print("[bold]Time series[/] ([outputs] timeseries = [...]):")
    for name in series:
        console.print(f"  {name}")
    return 0


HANDLERS = {
    "sweep": sweep_command,
    "report": report_command,
    "reproduce": reproduce_command,
    "kpis": kpis_command,
}
