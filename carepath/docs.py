"""Documentation generated from the model's own data, so that it cannot drift from the code.

The documentation lives beside the values it documents:

- ``sim/presets.toml``: every preset's values with their reasons and sources, each
  mechanism parameter's notes (unit, where the code uses it, evidence, uncertainty, a range
  for sensitivity analysis) and each preset's evidence and uncertainty;
- ``sim/scenario.py``: a ``Field(description=...)`` for every scenario parameter, with its
  source or "assumption";
- ``experiments/calibration/targets.toml``: the calibration targets.

This module only writes them out: ``docs/organisational_models.md`` whole, and two marked
blocks of the otherwise hand-written ``docs/ODD.md`` (the scenario parameters and the
calibration targets).

Run ``python -m carepath.docs`` to regenerate, ``python -m carepath.docs --check`` to fail
(exit status 1) when a file is out of date; the test suite runs the check. The files are
written only in a repository checkout; from an installed package the generator prints what it
would write, or writes into ``--out DIR``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from carepath.sim.model import LEVERS
from carepath.sim.presets import MECHANISM_NOTES, PRESETS, SOURCES, MechanismNote, Preset
from carepath.sim.scenario import AGE_BANDS, BandValues, NeedDistribution, Scenario

# The folder that holds the package folder: the repository in a checkout, site-packages when
# installed (where nothing may be written).
REPO = Path(__file__).resolve().parents[1]
ORG_MODELS_FILE = REPO / "docs" / "organisational_models.md"
ODD_FILE = REPO / "docs" / "ODD.md"
BASELINE = "in_house"
BLOCKS = ("parameters", "targets")


class DocsError(ValueError):
    """The documentation cannot be generated (a preset or parameter lacks its notes)."""


# -- formatting -------------------------------------------------------------------------------
def fmt(value: Any) -> str:
    """A parameter value as a reader (and a TOML file) would write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 1000 else str(value)
    if isinstance(value, float):
        if value.is_integer():
            return fmt(int(value))
        return repr(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, BandValues):
        return "; ".join(
            f"{band}: {fmt(v)}" for band, v in zip(AGE_BANDS, value.as_tuple(), strict=True)
        )
    if isinstance(value, NeedDistribution):
        return f"mean {fmt(value.mean)}, concentration {fmt(value.concentration)}"
    if isinstance(value, tuple | list):
        return ", ".join(fmt(v) for v in value)
    if value is None:
        return "(automatic)"
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    aligns = align or "l" * len(header)
    rule = ["---:" if a == "r" else "---" for a in aligns]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _scenario_fields() -> list[tuple[str, str, Any, str | None]]:
    """(section, dotted path, default, schema description) of every scenario field."""
    fields = []
    defaults = Scenario()

    def walk(model: BaseModel, prefix: str, section: str) -> None:
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            path = f"{prefix}{name}"
            if isinstance(value, BaseModel) and not isinstance(
                value, BandValues | NeedDistribution
            ):
                walk(value, f"{path}.", name)
            else:
                fields.append((section, path, value, info.description))

    walk(defaults, "", "scenario")
    return fields


def _description(path: str, schema: str | None) -> str:
    if schema:
        return schema
    raise DocsError(
        f"{path}: no description; add Field(description=...) to it in sim/scenario.py, "
        "with its source or 'assumption'"
    )


def _field_description(path: str) -> str:
    for _, field_path, _, schema in _scenario_fields():
        if field_path == path:
            return _description(path, schema)
    raise DocsError(f"{path}: not a scenario field")


# -- organisational models --------------------------------------------------------------------
_INTRO = """\
An organisational model (a *preset*) is a set of values for {n_mech} mechanism parameters.
Nothing in the model branches on a preset's name: each parameter feeds a mechanism (staff time,
an approval queue, morale and turnover, overheads, prices, discharge routes), and differences in
waiting times, delayed discharges, independence, the workforce and cost emerge from those
mechanisms. Values are layered: schema defaults, then calibrated values (`sim/calibrated.toml`,
when present), then the preset, then a scenario file, then `--set`, so any value here can be overridden (`carepath run --preset social_enterprise --set
organisation.autonomy=0`).

Two presets run on the same seed see the same people arrive with the same latent luck (common
random numbers), so their differences come from the organisational model alone.

**How much to trust this.** The seed articles (`000`-`004`) are news reports, a government press
release and a council news item about *proposals*. They give the direction of each mechanism;
they rarely give a size. The reference figures add a few evaluations (Hussein et al. 2014; SCIE
2012; King's Fund 2011). So most sizes below are the modellers' assumptions, marked `assumption`
or explained in the reason. Read differences between presets as *what follows if the claims
behind them hold*, and explore the ranges given for each mechanism rather than quoting one run.
"""

_FOOTER = """\
## Regenerating this file

Edit the data, not this file: values, reasons and sources, each mechanism's notes and each
preset's evidence and uncertainty are in `sim/presets.toml`; the one-line description of every
scenario parameter is its `Field(description=...)` in `sim/scenario.py`.

```bash
python -m carepath.docs          # rewrite docs/organisational_models.md and ODD.md's tables
python -m carepath.docs --check  # exit status 1 if they are out of date (run by the tests)
```
"""


def _sources_cited(preset: Preset) -> list[str]:
    cited = {p.source for p in preset.parameters}
    return sorted(cited | set(preset.sources))


def organisational_models_markdown(
    presets: Mapping[str, Preset] | None = None,
    sources: Mapping[str, str] | None = None,
    mechanisms: Mapping[str, MechanismNote] | None = None,
) -> str:
    """The whole of ``docs/organisational_models.md``.

    Args:
        presets: organisational models (default: ``sim.presets.PRESETS``).
        sources: source keys and their descriptions (default: ``sim.presets.SOURCES``).
        mechanisms: notes on each mechanism parameter (default:
            ``sim.presets.MECHANISM_NOTES``).

    Raises:
        DocsError: if a preset, mechanism or source lacks its documentation. (The presets
            file is checked as it loads; this repeats the checks for presets built in code.)
    """
    presets = dict(PRESETS if presets is None else presets)
    sources = dict(SOURCES if sources is None else sources)
    notes = dict(MECHANISM_NOTES if mechanisms is None else mechanisms)
    if BASELINE not in presets:
        raise DocsError(f"presets: the baseline {BASELINE!r} is missing")
    mechanisms = [p.path for p in presets[BASELINE].parameters]
    for name, preset in presets.items():
        paths = [p.path for p in preset.parameters]
        if sorted(paths) != sorted(mechanisms):
            raise DocsError(f"preset {name!r}: sets {paths}, not the mechanisms {mechanisms}")
        for part in ("evidence", "uncertainty"):
            if not getattr(preset, part).strip():
                raise DocsError(
                    f"preset {name!r}: no {part}; add it to [presets.{name}] in sim/presets.toml"
                )
        for key in _sources_cited(preset):
            if key not in sources:
                raise DocsError(f"preset {name!r}: source {key!r} is not in [sources]")
    for path in mechanisms:
        if path not in notes:
            raise DocsError(f'{path}: no notes; add [mechanisms."{path}"] to sim/presets.toml')
    values = {name: {p.path: p for p in preset.parameters} for name, preset in presets.items()}
    base = values[BASELINE]

    out = [
        "<!-- Generated by `python -m carepath.docs` from sim/presets.toml and sim/scenario.py. "
        "Do not edit: edit those and regenerate. -->",
        "",
        "# Organisational models",
        "",
        _INTRO.format(n_mech=len(mechanisms)).rstrip(),
        "",
        "## The presets at a glance",
        "",
    ]
    out += _table(
        ["preset", "title", "what changes", "articles"],
        [[f"`{name}`", p.title, p.summary, ", ".join(p.sources)] for name, p in presets.items()],
    )
    out += [
        "",
        "## Mechanism parameters by preset",
        "",
        f"Values that differ from the baseline (`{BASELINE}`) are in bold.",
        "",
    ]
    rows = []
    for path in mechanisms:
        row = [f"`{path}`", notes[path].unit]
        for name in presets:
            value = values[name][path].value
            text = fmt(value)
            row.append(text if value == base[path].value else f"**{text}**")
        rows.append(row)
    out += _table(["parameter", "unit", *presets], rows, "ll" + "r" * len(presets))
    out += [
        "",
        "Where each preset's values come from. An article usually fixes only the direction of a "
        "value; its size is still the modellers' (see each mechanism's uncertainty below).",
        "",
    ]
    out += _table(
        ["preset", "values cited to `assumption`", "values cited to an article or figure"],
        [
            [
                f"`{name}`",
                str(sum(p.source == "assumption" for p in preset.parameters)),
                str(sum(p.source != "assumption" for p in preset.parameters)),
            ]
            for name, preset in presets.items()
        ],
        "lrr",
    )
    out += ["", "## Sources", ""]
    out += _table(["key", "source"], [[f"`{key}`", text] for key, text in sorted(sources.items())])

    out += ["", "## Mechanisms", ""]
    for path in mechanisms:
        note = notes[path]
        by_value: dict[str, list[str]] = {}
        for name in presets:
            by_value.setdefault(fmt(values[name][path].value), []).append(f"`{name}`")
        spread = "; ".join(f"{v}: {', '.join(names)}" for v, names in by_value.items())
        out += [
            f"### `{path}`: {note.title}",
            "",
            f"*{_field_description(path)}* Unit: {note.unit}.",
            "",
            f"- **In the code.** {note.code}",
            f"- **Evidence.** {note.evidence}",
            f"- **Uncertainty.** {note.uncertainty}",
            f"- **Values.** {spread}.",
        ]
        if note.sensitivity_range is not None:
            low, high = note.sensitivity_range
            out.append(
                f"- **Range for sensitivity analysis** (modellers' judgement): "
                f"{fmt(low)} to {fmt(high)}."
            )
        out.append("")

    out += ["## Presets", ""]
    for name, preset in presets.items():
        out += [
            f"### `{name}`: {preset.title}",
            "",
            preset.summary,
            "",
            f"- **Evidence.** {preset.evidence}",
            f"- **Uncertainty.** {preset.uncertainty}",
            f"- **Sources cited:** {', '.join(f'`{k}`' for k in _sources_cited(preset))}.",
            f"- **Run it:** `carepath run --preset {name}`; "
            f"see its values with `carepath presets {name}`.",
            "",
        ]
        out += _table(
            ["parameter", "value", "baseline", "source", "reason"],
            [
                [
                    f"`{p.path}`",
                    fmt(p.value),
                    "same" if p.value == base[p.path].value else fmt(base[p.path].value),
                    f"`{p.source}`",
                    p.reason,
                ]
                for p in preset.parameters
            ],
            "lrrll",
        )
        out.append("")

    out += [
        "## Levers that are not organisational models",
        "",
        "These are set independently of the preset (in a scenario file, with `--set`, or as "
        "keyword arguments of `CarePathwayModel`, as listed in `sim.model.LEVERS`):",
        "",
    ]
    defaults = {path: value for _, path, value, _ in _scenario_fields()}
    out += _table(
        ["keyword", "scenario field", "default", "what it is"],
        [
            [f"`{kw}`", f"`{path}`", fmt(defaults[path]), _field_description(path)]
            for kw, path in LEVERS.items()
        ],
        "llrl",
    )
    out += ["", _FOOTER.rstrip(), ""]
    return "\n".join(out)


# -- ODD blocks -------------------------------------------------------------------------------
def parameters_markdown() -> str:
    """A table of every scenario parameter, its default and its description or source.

    Raises:
        DocsError: if a field has no ``Field(description=...)`` in the schema.
    """
    out: list[str] = []
    for section, fields in itertools.groupby(_scenario_fields(), key=lambda field: field[0]):
        if out:
            out.append("")
        model = Scenario.model_fields.get(section)
        title = (
            (model.annotation.__doc__ or "").strip().splitlines()[0]
            if model is not None and model.annotation is not None
            else "The scenario as a whole."
        )
        out += [f"**`{section}`**: {title}", ""]
        out += _table(
            ["parameter", "default", "description and source"],
            [
                [f"`{path}`", fmt(value), _description(path, schema)]
                for _, path, value, schema in fields
            ],
            "lrl",
        )
    return "\n".join(out)


def targets_markdown(path: str | Path | None = None) -> str:
    """A table of the calibration targets, scaled to the default council."""
    from carepath.experiments.calibration import default_adults, load

    calibration = load(path)
    adults = default_adults()
    rows = []
    for t in calibration.targets:
        per = " + ".join(f"`{k}`" for k in t.per)
        kpi = f"`{t.kpi}`" + (f" ÷ ({per})" if len(t.per) > 1 else f" ÷ {per}" if per else "")
        rows.append(
            [
                f"`{t.name}`",
                t.use,
                kpi,
                f"{t.expected(adults):.4g}",
                str(t.tolerance),
                f"{t.source} ({f'line {t.reference_line}' if t.reference_line else t.url})",
            ]
        )
    out = _table(
        [
            "target",
            "use",
            "KPI",
            "target value",
            "tolerance",
            "source (england_figures.md line, or address)",
        ],
        rows,
        "lllrrl",
    )
    out += [
        "",
        f"Scaled to the default council ({adults:,.0f} adults; England "
        f"{calibration.england_adults:,.0f}). Figures taken directly as inputs: "
        + ", ".join(f"`{i.parameter}`" for i in calibration.inputs)
        + ". Figures without a comparable KPI yet: "
        + ", ".join(f"`{u.name}`" for u in calibration.unmapped)
        + " (see `targets.toml` for what each would need).",
    ]
    return "\n".join(out)


def _markers(block: str) -> tuple[str, str]:
    return (
        f"<!-- generated:{block} (python -m carepath.docs) -->",
        f"<!-- end generated:{block} -->",
    )


def render_odd(text: str) -> str:
    """``text`` (ODD.md) with its generated blocks brought up to date.

    Raises:
        DocsError: if a block's markers are missing.
    """
    content = {"parameters": parameters_markdown, "targets": targets_markdown}
    for block in BLOCKS:
        start, end = _markers(block)
        head, found, rest = text.partition(start)
        _, found_end, tail = rest.partition(end)
        if not found or not found_end:
            raise DocsError(f"ODD.md: markers for the {block!r} block are missing ({start})")
        # Blank lines keep the markers (HTML comments) from running into the tables.
        text = f"{head}{start}\n\n{content[block]()}\n\n{end}{tail}"
    return text


def is_checkout(root: Path) -> bool:
    """Whether ``root`` (the folder that holds the package) is a repository checkout.

    A checkout has its ``docs/`` beside the package folder, and ``.git`` (a folder, or a file
    in a git worktree) or ``pyproject.toml``; site-packages has neither.
    """
    has_docs = (root / "docs").is_dir()
    return has_docs and ((root / ".git").exists() or (root / "pyproject.toml").is_file())


# The start of an ODD.md written away from the checkout (``--out``, or printed): the rest of
# ODD.md is hand-written and lives only in the repository.
_ODD_SKELETON = (
    "# carepath: ODD tables\n\n"
    "The generated tables of carepath's ODD description (`docs/ODD.md` in the repository).\n\n"
    + "\n\n".join(f"{start}\n{end}" for start, end in map(_markers, BLOCKS))
    + "\n"
)


def expected_files(out: Path | None = None) -> dict[Path, str]:
    """Each generated file and the content it should have now.

    Args:
        out: a folder to write into instead of the checkout's ``docs/``: its
            ``organisational_models.md``, and its ``ODD.md`` with the generated blocks brought
            up to date (started with those blocks alone when the folder has none).
    """
    if out is None:
        files = {ORG_MODELS_FILE: organisational_models_markdown()}
        if ODD_FILE.exists():
            files[ODD_FILE] = render_odd(ODD_FILE.read_text(encoding="utf-8"))
        return files
    odd = out / "ODD.md"
    start = odd.read_text(encoding="utf-8") if odd.exists() else _ODD_SKELETON
    return {
        out / "organisational_models.md": organisational_models_markdown(),
        odd: render_odd(start),
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m carepath.docs [--check] [--out DIR]``.

    Returns:
        0 when the files are written or up to date, 1 when ``--check`` finds one out of date,
        2 when the documentation cannot be generated or there is nothing to check.
    """
    parser = argparse.ArgumentParser(
        prog="python -m carepath.docs",
        description=(
            "Regenerate the documentation generated from presets, scenario and targets. In a "
            "repository checkout it rewrites docs/; from an installed package it prints the "
            "files unless --out is given."
        ),
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file is out of date"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="write (or --check) organisational_models.md and ODD.md in DIR instead of docs/",
    )
    args = parser.parse_args(argv)
    # An installed package has no docs/ to keep up to date, and site-packages is no place to
    # write: print instead, unless told where to write.
    printing = args.out is None and not is_checkout(REPO)
    if printing and args.check:
        print(
            f"carepath.docs: error: {REPO} is not a repository checkout, so there are no docs "
            "to check; run it in a checkout, or check a folder with --out DIR",
            file=sys.stderr,
        )
        return 2
    try:
        files = (
            {
                Path("organisational_models.md"): organisational_models_markdown(),
                Path("ODD.md"): render_odd(_ODD_SKELETON),
            }
            if printing
            else expected_files(args.out)
        )
    except DocsError as exc:
        print(f"carepath.docs: error: {exc}", file=sys.stderr)
        return 2
    if printing:
        print(
            f"carepath.docs: {REPO} is not a repository checkout; printing what would be written "
            "instead (use --out DIR to write the files)",
            file=sys.stderr,
        )
        for path, text in files.items():
            print(f"<!-- carepath.docs: {path.name} -->\n{text}", end="")
        return 0
    stale = [
        path
        for path, text in files.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    command = "python -m carepath.docs" + (f" --out {args.out}" if args.out else "")
    if args.check:
        for path in stale:
            print(f"carepath.docs: {_shown(path)} is out of date; run: {command}", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {_shown(path)}")
    return 0


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


if __name__ == "__main__":
    sys.exit(main())
