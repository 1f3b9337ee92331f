"""The ``carepath`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from carepath.dashboards import cli as dashboard_cli
from carepath.experiments import cli as experiment_cli
from carepath.experiments.appraise import cli as appraise_cli
from carepath.experiments.calibration import cli as calibration_cli
from carepath.experiments.report import ReportError
from carepath.experiments.spec import ExperimentError
from carepath.experiments.store import StoreError
from carepath.sim.measure import kpis
from carepath.sim.measure.outputs import OutputError
from carepath.sim.presets import MECHANISMS, PRESETS, SOURCES
from carepath.sim.scenario import ScenarioError, load_scenario, parse_assignment

EXIT_USAGE = 2


class CliError(Exception):
    """A user error: printed as one line per problem, exit status 2."""


def _scenario_from_args(args: argparse.Namespace):
    overrides = dict(parse_assignment(s) for s in args.set or [])
    if args.years is not None:
        overrides["run.years"] = args.years
    if args.seed is not None:
        overrides["run.seed"] = args.seed
    if args.warmup is not None:
        overrides["run.warmup_days"] = args.warmup
    if args.population is not None:
        # Read as --set reads a value, so a bad one is refused by the schema in one line
        # naming population.total and its limits.
        overrides["population.total"] = parse_assignment(f"population.total={args.population}")[1]
    return load_scenario(args.scenario, preset=args.preset, overrides=overrides)


def _run(args: argparse.Namespace, console: Console) -> int:
    from carepath.sim.measure.outputs import check_output_dir, write_results
    from carepath.sim.model import CarePathwayModel

    scenario = _scenario_from_args(args)
    out = Path(args.out) if args.out else None
    if out is not None:
        check_output_dir(out)  # refuse before spending the run's time
    if args.from_snapshot:
        from carepath.sim.snapshot import SnapshotError, load_snapshot

        try:
            model = load_snapshot(args.from_snapshot, scenario=scenario)
        except SnapshotError as exc:
            raise CliError(str(exc)) from None
    else:
        model = CarePathwayModel(scenario=scenario)
    save_at = _snapshot_day(args, model)
    errors = Console(stderr=True)
    show = not args.quiet and errors.is_terminal
    with Progress(
        TextColumn(f"[bold]{scenario.organisation.preset}[/]"),
        BarColumn(),
        TextColumn("day {task.completed:.0f}/{task.total:.0f}"),
        TimeRemainingColumn(),
        console=errors,
        disable=not show,
        transient=True,
    ) as bar:
        task = bar.add_task("run", total=model.horizon, completed=model.steps)
        if save_at is not None:
            model.run(progress=lambda day: bar.update(task, completed=day), until=save_at)
            from carepath.sim.snapshot import save_snapshot

            try:
                save_snapshot(model, args.save_snapshot)
            except OSError as exc:
                raise CliError(
                    f"--save-snapshot: cannot write {args.save_snapshot} ({exc.strerror})"
                ) from None
        results = model.run(progress=lambda day: bar.update(task, completed=day))
    if out is not None:
        write_results(results, out, scenario.model_dump(mode="json"))
    if not args.quiet:
        console.print(kpi_table(results.summary))
        if save_at is not None:
            console.print(f"snapshot of day {save_at} written to {args.save_snapshot}")
        if out is not None:
            console.print(
                f"results written to {out}/ (summary.json, timeseries.parquet, events.parquet)"
            )
    return 0


def _snapshot_day(args: argparse.Namespace, model: Any) -> int | None:
    """The day to save a snapshot on (None: no snapshot), checked against the run."""
    if args.save_snapshot is None:
        if args.snapshot_at is not None:
            raise CliError("--snapshot-at: give --save-snapshot PATH too")
        return None
    target = Path(args.save_snapshot)
    if target.is_dir() or (target.parent.exists() and not target.parent.is_dir()):
        raise CliError(f"--save-snapshot: {target} is a folder or inside a file; give a file path")
    day = args.snapshot_at
    if day is None:
        if model.change_day is None:
            raise CliError(
                "--save-snapshot: give --snapshot-at DAY (the scenario has no change day to "
                "default to; set change.enabled=true for one)"
            )
        day = model.change_day - 1  # the eve of the change: options fork from here
    if not model.steps <= day <= model.horizon:
        raise CliError(
            f"--snapshot-at: day {day} is outside the run still to come (days {model.steps} to "
            f"{model.horizon})"
        )
    return day


def kpi_table(summary: dict[str, Any]) -> Table:
    """The run's headline KPIs (``carepath.sim.measure.kpis``) as a table, area by area."""
    run = summary["run"]
    table = Table(
        title=f"{run['preset']} · {run['years']:g} years · seed {run['seed']} "
        f"(KPIs after {run['warmup_days']}-day warm-up)",
        caption="Every KPI is in summary.json; `carepath kpis` lists their names.",
    )
    table.add_column("KPI")
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("unit")
    area = None
    for key in kpis.HEADLINE:
        kpi = kpis.lookup(key)
        if area is not None and kpi.area != area:
            table.add_section()  # a rule between areas: demand, waiting, hospital, ...
        area = kpi.area
        table.add_row(kpi.label, kpi.format(kpis.read(summary, key)), kpi.unit)
    return table


def _presets(args: argparse.Namespace, console: Console) -> int:
    if args.name and args.name not in PRESETS:
        raise CliError(f"preset {args.name!r}: unknown; allowed: {', '.join(PRESETS)}")
    chosen = [PRESETS[args.name]] if args.name else list(PRESETS.values())
    if args.name is None:
        overview = Table(title="Organisational models (carepath run --preset NAME)")
        overview.add_column("preset")
        overview.add_column("title")
        overview.add_column("sources")
        for preset in chosen:
            overview.add_row(preset.name, preset.title, ", ".join(preset.sources))
        console.print(overview)
        grid = Table(title="Mechanism parameters by preset")
        grid.add_column("parameter")
        for preset in chosen:
            grid.add_column(preset.name, justify="right")
        for path in MECHANISMS:
            values = [{p.path: p.value for p in preset.parameters}[path] for preset in chosen]
            grid.add_row(path, *(str(v) for v in values))
        console.print(grid)
        console.print("Details, reasons and sources: carepath presets NAME")
        return 0
    preset = chosen[0]
    console.print(f"[bold]{preset.name}[/] — {preset.title}\n{preset.summary}\n")
    if preset.variant_of:
        console.print(f"A variant that brackets {preset.variant_of}.\n")
    table = Table()
    for column in ("parameter", "value", "grade", "distribution"):
        table.add_column(column, overflow="fold")
    for p in preset.parameters:
        spread = p.distribution.describe() if p.distribution is not None else "-"
        table.add_row(p.path, str(p.value), p.grade, spread)
    console.print(table)
    # Reasons are prose: printed in full below the table rather than folded into a narrow column.
    for p in preset.parameters:
        # escape: rich would read a source key such as [assumption] as a style tag and drop it
        console.print(f"[bold]{p.path}[/] {escape(f'[{p.source}]')}: {p.reason}", highlight=False)
    for key in preset.sources:
        console.print(f"  {escape(f'[{key}]')} {SOURCES[key]}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``carepath``."""
    parser = argparse.ArgumentParser(
        prog="carepath",
        description="Agent-based simulation of adult social care pathways in England.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run one scenario and print its KPIs")
    run.add_argument(
        "--scenario", metavar="FILE", help="scenario TOML file (default: typical council)"
    )
    run.add_argument("--preset", metavar="NAME", help=f"organisational model: {', '.join(PRESETS)}")
    run.add_argument("--years", type=float, metavar="N", help="simulated years")
    run.add_argument("--seed", type=int, metavar="N", help="random seed")
    run.add_argument("--warmup", type=int, metavar="DAYS", help="days left out of the KPIs")
    run.add_argument(
        "--population",
        metavar="N",
        help="residents (population.total); staff, places, home-care hours and budget not "
        "given are scaled per head (--set population.provision=absolute keeps them as they are)",
    )
    run.add_argument(
        "--set", action="append", metavar="PATH=VALUE", help="override a scenario field"
    )
    run.add_argument("--out", metavar="DIR", help="write summary.json and Parquet files here")
    run.add_argument(
        "--save-snapshot",
        metavar="PATH",
        help="save the model on the --snapshot-at day (default: the eve of change.day) and "
        "carry on",
    )
    run.add_argument(
        "--snapshot-at", type=int, metavar="DAY", help="the day --save-snapshot saves on"
    )
    run.add_argument(
        "--from-snapshot",
        metavar="PATH",
        help="carry on from a saved snapshot of this scenario's warm-up (another option or "
        "change settings may follow the change day)",
    )
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")
    presets = commands.add_parser(
        "presets", help="list the organisational models and their parameters"
    )
    presets.add_argument("name", nargs="?", help="show one preset with reasons and sources")
    experiment_cli.add_parsers(commands)
    calibration_cli.add_parsers(commands)
    appraise_cli.add_parsers(commands)
    dashboard = commands.add_parser(
        "dashboard", help="serve the dashboards (live run, compare, results explorer)"
    )
    dashboard_cli.add_arguments(dashboard)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``carepath`` console script."""
    args = build_parser().parse_args(argv)
    console = Console()
    handlers = {
        "run": _run,
        "presets": _presets,
        "dashboard": lambda args, _console: dashboard_cli.main(args),
        **experiment_cli.HANDLERS,
        **calibration_cli.HANDLERS,
        **appraise_cli.HANDLERS,
    }
    try:
        return handlers[args.command](args, console)
    except (
        ScenarioError,
        CliError,
        OutputError,
        ExperimentError,
        StoreError,
        ReportError,
        experiment_cli.UsageError,
        calibration_cli.CalibrationError,
    ) as exc:
        for line in str(exc).splitlines():
            print(f"carepath: error: {line}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("carepath: interrupted; no results were written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
