"""Documentation generated from the model's own data, so that it cannot drift from the code.

The documentation lives beside the values it documents:

- ``sim/presets.toml``: every preset's values with their reasons and sources, each
  mechanism parameter's notes (unit, where the code uses it, evidence, uncertainty, a range
  for sensitivity analysis) and each preset's evidence and uncertainty;
- ``sim/scenario.py``: a ``Field(description=...)`` for every scenario parameter, with its
  source or "assumption";
- ``experiments/calibration/targets.toml``: the calibration targets;
- ``sim/client_groups.toml``: every client group's values with their evidence grade, source
  and reason, and the services added for the groups.

This module only writes them out: ``docs/organisational_models.md`` and
``docs/client_groups.md`` whole, and two marked blocks of the otherwise hand-written
``docs/ODD.md`` (the scenario parameters and the calibration targets).

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

from carepath.sim.client_groups import GRADES, Entry, GroupsTable, load_table
from carepath.sim.evidence import GRADES as EVIDENCE_GRADES
from carepath.sim.evidence import SHAPES
from carepath.sim.model import LEVERS
from carepath.sim.presets import (
    MECHANISM_NOTES,
    PRESETS,
    SOURCES,
    MechanismNote,
    Preset,
    PresetParameter,
)
from carepath.sim.scenario import (
    AGE_BANDS,
    BandValues,
    ClientGroup,
    Demand,
    NeedDistribution,
    Scenario,
    contact_need_mean,
)

# The folder that holds the package folder: the repository in a checkout, site-packages when
# installed (where nothing may be written).
REPO = Path(__file__).resolve().parents[1]
ORG_MODELS_FILE = REPO / "docs" / "organisational_models.md"
ODD_FILE = REPO / "docs" / "ODD.md"
CLIENT_GROUPS_DOC = REPO / "docs" / "client_groups.md"
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
    """(top-level section, dotted path, default, schema description) of every scenario field."""
    fields = []
    defaults = Scenario()

    def walk(model: BaseModel, prefix: str, section: str) -> None:
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            path = f"{prefix}{name}"
            if isinstance(value, BaseModel) and not isinstance(
                value, BandValues | NeedDistribution
            ):
                # Nested sections (each client group) stay under their top-level section.
                walk(value, f"{path}.", name if section == "scenario" else section)
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
    """A field's description, with the reason the client-group data gives for it.

    A value inside a table (one age band of a group's request weights) has its field's.
    """
    from carepath.sim.client_groups import load_table

    fields = {field_path: schema for _, field_path, _, schema in _scenario_fields()}
    field = path if path in fields else path.rpartition(".")[0]
    if field not in fields:
        raise DocsError(f"{path}: not a scenario field")
    text = _description(field, fields[field])
    entry = load_table().entries.get(field)
    return f"{text} {entry.reason}" if entry is not None else text


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
release and a council news item about *proposals*. They give the direction of each mechanism but
not its size (Birmingham's £4.8m is a savings target, not a result). The reference figures add a
few evaluations (Hussein et al. 2014; SCIE 2012; King's Fund 2011), none with a number for a
mechanism here. So every value below carries an evidence grade (see
[Evidence grades](#evidence-grades)), and a value cited to an article that gives no number is
graded `assumption`, however specific its reason. Read differences between presets as *what
follows if the claims behind them hold*, compare each model with the
[variants that bracket it](#variants-that-bracket-the-models), and sample the distributions
rather than quoting one run.
"""

_GRADES_TEXT = """\
Each value's grade says what its size rests on; its distribution says how unsure that size is,
centred on the value the point runs use (the mode of a triangular distribution, the centre of a
uniform one), inside the mechanism's range for sensitivity analysis and the scenario's bounds.
A switch has no distribution, nor has a value the in-house service fixes by being the reference
(no contract, no margin); a `baseline` value shares the in-house value's distribution, so a
sampler gives both the same draw and the comparison is not blurred by uncertainty the option
does not add.
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


def _distribution(p: PresetParameter) -> str:
    """A value's distribution in a table cell (``-`` for a fixed value or a switch)."""
    dist = p.distribution
    if dist is None:
        return "-"
    where = "mode" if dist.shape == "triangular" else "centre"
    shared = f" (as `{BASELINE}`)" if p.grade == "baseline" else ""
    return f"{dist.shape} {fmt(dist.low)} to {fmt(dist.high)}, {where} {fmt(dist.point)}{shared}"


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
        for p in preset.parameters:
            if p.grade not in EVIDENCE_GRADES:
                raise DocsError(
                    f"preset {name!r}: {p.path} has grade {p.grade!r}; "
                    f"allowed: {', '.join(EVIDENCE_GRADES)}"
                )
        if preset.variant_of is not None and preset.variant_of not in presets:
            raise DocsError(f"preset {name!r}: variant of {preset.variant_of!r}, not a preset")
    for path in mechanisms:
        if path not in notes:
            raise DocsError(f'{path}: no notes; add [mechanisms."{path}"] to sim/presets.toml')
    values = {name: {p.path: p for p in preset.parameters} for name, preset in presets.items()}
    base = values[BASELINE]
    models = [name for name, preset in presets.items() if preset.variant_of is None]
    variants = [name for name, preset in presets.items() if preset.variant_of is not None]

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
        [
            [
                f"`{name}`",
                presets[name].title,
                presets[name].summary,
                ", ".join(presets[name].sources),
            ]
            for name in models
        ],
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
        for name in models:
            value = values[name][path].value
            text = fmt(value)
            row.append(text if value == base[path].value else f"**{text}**")
        rows.append(row)
    out += _table(["parameter", "unit", *models], rows, "ll" + "r" * len(models))
    out += ["", "## Evidence grades", "", _GRADES_TEXT.rstrip(), ""]
    out += _table(["grade", "meaning"], [[f"`{g}`", text] for g, text in EVIDENCE_GRADES.items()])
    out += [""]
    out += _table(["shape", "parameters"], [[f"`{shape}`", text] for shape, text in SHAPES.items()])
    out += [
        "",
        f"How many of each preset's {len(mechanisms)} values have each grade (a variant's "
        "include those it keeps from its model). An article usually fixes only the direction "
        "of a value; its size is then graded `assumption`.",
        "",
    ]
    out += _table(
        ["preset", *(f"`{g}`" for g in EVIDENCE_GRADES), "with a distribution"],
        [
            [
                f"`{name}`",
                *(str(sum(p.grade == g for p in preset.parameters)) for g in EVIDENCE_GRADES),
                str(sum(p.distribution is not None for p in preset.parameters)),
            ]
            for name, preset in presets.items()
        ],
        "l" + "r" * (len(EVIDENCE_GRADES) + 1),
    )
    sized = [
        p
        for name in models
        for p in presets[name].parameters
        if not p.switch and p.grade != "baseline"
    ]
    out += [
        "",
        f"Of the {len(sized)} sizes the organisational models set (values that are neither "
        f"switches nor graded `baseline`), {sum(p.grade == 'published' for p in sized)} are "
        f"published for the option, {sum(p.grade == 'analogous' for p in sized)} analogous, "
        f"{sum(p.grade == 'assumption' for p in sized)} assumptions with a direction from a "
        f"source and {sum(p.grade == 'none' for p in sized)} without even that.",
    ]
    if variants:
        out += [
            "",
            "## Variants that bracket the models",
            "",
            "A variant keeps a model's values except those it changes, and runs like any preset "
            "(`carepath run --preset NAME`); `experiments/org_models_brackets.toml` (the "
            "canonical models) and `experiments/org_models_more.toml` (Swindon's other options) "
            "run each beside its model on common random numbers.",
            "",
        ]
        out += _table(
            ["variant", "brackets", "what changes", "changed values"],
            [
                [
                    f"`{name}`",
                    f"`{presets[name].variant_of}`",
                    presets[name].summary,
                    "; ".join(
                        f"`{path}` {fmt(values[str(presets[name].variant_of)][path].value)} → "
                        f"{fmt(p.value)}"
                        for path, p in values[name].items()
                        if p.value != values[str(presets[name].variant_of)][path].value
                    ),
                ]
                for name in variants
            ],
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
        model = values.get(str(preset.variant_of))
        brackets = (
            [
                f"- **Brackets** `{preset.variant_of}`: it keeps that model's values except those below."
            ]
            if model is not None
            else []
        )
        out += [
            f"### `{name}`: {preset.title}",
            "",
            preset.summary,
            "",
            *brackets,
            f"- **Evidence.** {preset.evidence}",
            f"- **Uncertainty.** {preset.uncertainty}",
            f"- **Sources cited:** {', '.join(f'`{k}`' for k in _sources_cited(preset))}.",
            f"- **Run it:** `carepath run --preset {name}`; "
            f"see its values with `carepath presets {name}`.",
            "",
        ]
        shown = [p for p in preset.parameters if model is None or p.value != model[p.path].value]
        out += _table(
            ["parameter", "value", "baseline", "grade", "distribution", "source", "reason"],
            [
                [
                    f"`{p.path}`",
                    fmt(p.value),
                    "same" if p.value == base[p.path].value else fmt(base[p.path].value),
                    f"`{p.grade}`",
                    _distribution(p),
                    f"`{p.source}`",
                    p.reason,
                ]
                for p in shown
            ],
            "lrrllll",
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


# -- client groups ----------------------------------------------------------------------------
_BAND_LABELS = dict(zip(AGE_BANDS, ("18-64", "65-84", "85+"), strict=True))
_BASELINE_GROUP = "physical_support"
# Summary columns after the request shares (one per age band) and the need at contact.
_SUMMARY = (
    ("drift_factor", "drift factor"),
    ("care_home_offset", "care-home offset"),
    ("supported_living_share", "supported-living share"),
    ("direct_payment_share", "direct-payment share"),
    ("reablement_factor", "re-ablement factor"),
    ("mortality_factor", "mortality factor"),
)

_GROUPS_INTRO = """\
A client group is a person's *primary support reason*, the main reason they need support, as
ASC-FR reports clients and spending. It is drawn once, when a person first asks for support or
is referred from hospital, from the mix of new contacts in their age band (`request_share`;
patients referred on discharge lean to the groups admitted more often), and kept for life; a
young person arriving from children's services is in learning disability support. The group never names a result: it scales the
rates of the model's baseline client, **{baseline}**, whose rates are the scenario's own
(`demand`, `mortality`, `hospital`, `eligibility`). So for {baseline} every factor is 1 and the
care-home offset 0; a drift factor of 2 means need rises twice as fast as the baseline's at the
same age, an offset of 0.2 that a care home is proposed at a need 0.2 higher. How each value
acts in the model is described in [ODD.md](ODD.md) (sections 7.1, 7.2, 7.4, 7.6, 7.8 and 7.9).

Every value below carries an evidence grade, the source it comes from and the reasoning; the
ranges are for sensitivity analysis. The scenario takes its defaults for `clients`,
`supported_living` and `direct_payments` from the same file, so these are the values a run uses
unless a scenario or `--set` changes them (`--set clients.learning_disability.drift_factor=0.2`).
"""

_GROUPS_GAPS = """\
What the evidence does not show: requests are not published by primary support reason (only
long-term clients and spending are), so each group's share of new contacts is inferred from its
share of clients; no national unit cost of supported living or average rate of a direct
payment was found; and the sources give 65+ as one band, so 65-84 and 85+ are not split.
"""

_GROUPS_FOOTER = """\
## Regenerating this file

Edit the data, not this file: values, grades, sources and reasons are in
`sim/client_groups.toml`; what each value means is its `Field(description=...)` in
`sim/scenario.py`.

```bash
python -m carepath.docs          # rewrite docs/client_groups.md (and the other generated docs)
python -m carepath.docs --check  # exit status 1 if they are out of date (run by the tests)
```
"""


def _value(value: Any) -> str:
    """A client-group value; request shares by age band with readable band names."""
    if isinstance(value, dict):
        return "; ".join(f"{_BAND_LABELS.get(k, k)}: {fmt(v)}" for k, v in value.items())
    return fmt(value)


def _link(title: str, url: str | None) -> str:
    if not url:
        return title
    # Escaped brackets keep a "[secondary]" in a title from ending the link text.
    text = title.replace("[", "\\[").replace("]", "\\]")
    return f"[{text}]({url})"


def _source_keys(entry: Entry) -> list[str]:
    return entry.source.replace(",", " ").split()


def _entry_rows(entries: list[Entry], sources: Mapping[str, Mapping[str, str]]) -> list[list[str]]:
    rows = []
    for e in entries:
        cited = "; ".join(
            _link(sources[k]["title"], sources[k].get("url")) for k in _source_keys(e)
        )
        span = f"{fmt(e.range[0])} to {fmt(e.range[1])}" if e.range else "none"
        rows.append([f"`{e.path}`", _value(e.value), e.grade, span, cited, e.reason])
    return rows


def _grade_counts(entries: list[Entry]) -> str:
    counts = {grade: sum(e.grade == grade for e in entries) for grade in GRADES}
    return ", ".join(f"{n} {grade}" for grade, n in counts.items() if n)


def _fitted_client_values() -> list[str]:
    """A line naming the client-group values `carepath calibrate` fits over this table's."""
    from carepath.sim.scenario import calibrated_values

    fitted = {k: v for k, v in calibrated_values().items() if k.startswith("clients.")}
    if not fitted:
        return []
    listed = ", ".join(f"`{k}` = {fmt(v)}" for k, v in fitted.items())
    return [
        f"`carepath calibrate` fits {listed} (`sim/calibrated.toml`); runs use the fitted "
        "value, the table gives where the fit starts.",
        "",
    ]


def client_groups_markdown(table: GroupsTable | None = None) -> str:
    """The whole of ``docs/client_groups.md``.

    Args:
        table: the client-groups file as loaded (default: ``sim/client_groups.toml``).

    Raises:
        DocsError: if a group lacks a value the scenario schema needs.
    """
    table = load_table() if table is None else table
    fields = list(ClientGroup.model_fields)
    groups: dict[str, list[Entry]] = {}
    for name in table.titles:
        missing = [f for f in fields if f"clients.{name}.{f}" not in table.entries]
        if missing:
            raise DocsError(
                f"clients.{name}: no {', '.join(missing)}; add them to "
                f"[groups.{name}] in sim/client_groups.toml"
            )
        groups[name] = [table.entries[f"clients.{name}.{f}"] for f in fields]
    services = [e for path, e in table.entries.items() if not path.startswith("clients.")]
    if _BASELINE_GROUP not in groups:
        raise DocsError(f"client groups: the baseline {_BASELINE_GROUP!r} is missing")
    baseline = table.titles[_BASELINE_GROUP][0].lower()

    out = [
        "<!-- Generated by `python -m carepath.docs` from sim/client_groups.toml and "
        "sim/scenario.py. Do not edit: edit those and regenerate. -->",
        "",
        "# Client groups",
        "",
        _GROUPS_INTRO.format(baseline=baseline).rstrip(),
        "",
        "What each value means (from the scenario schema):",
        "",
    ]
    out += _table(
        ["value", "meaning"],
        [
            [f"`{f}`", _description(f"clients.*.{f}", i.description)]
            for f, i in ClientGroup.model_fields.items()
        ],
    )
    out += ["", "## The groups at a glance", ""]
    demand = Demand()
    rows = []
    for name, entries in groups.items():
        value = {e.path.rsplit(".", 1)[1]: e.value for e in entries}
        shares = [fmt(value["request_share"][band]) for band in AGE_BANDS]
        # The model's own arithmetic, so the column shows the mean a run draws from.
        shift = ClientGroup.model_construct(need_shift=value["need_shift"])
        need = round(contact_need_mean(demand, shift), 6)
        rows.append(
            [table.titles[name][0], *shares, fmt(need), *(fmt(value[f]) for f, _ in _SUMMARY)]
        )
    out += _table(
        [
            "group",
            *(f"requests {label}" for label in _BAND_LABELS.values()),
            "need at contact",
            *(header for _, header in _SUMMARY),
        ],
        rows,
        "l" + "r" * (len(AGE_BANDS) + 1 + len(_SUMMARY)),
    )
    out += [
        "",
        "Request shares are weights of each group among its age band's new contacts, "
        "normalised within the band (here they add up to 1). Need at contact is the mean need "
        "score of a first contact from the community: `demand.need_at_contact.mean` "
        f"({fmt(demand.need_at_contact.mean)}) plus the group's `need_shift`.",
        "",
        *_fitted_client_values(),
        "## The groups",
        "",
    ]
    header = ["parameter", "value", "grade", "range", "source", "reason"]
    for name, entries in groups.items():
        title, summary = table.titles[name]
        out += [f"### {title} (`{name}`)", "", summary, ""]
        out += _table(header, _entry_rows(entries, table.sources), "lrllll")
        out.append("")

    out += [
        "## Services added for the groups",
        "",
        "Supported living (a tenancy with support, places the council buys) and direct payments "
        "(the person is paid and arranges their own care). Their other parameters (how long a "
        "person waits for a place, how long a payment takes to set up) are in the ODD's "
        "parameter table.",
        "",
    ]
    out += _table(header, _entry_rows(services, table.sources), "lrllll")

    everything = [e for entries in groups.values() for e in entries] + services
    out += ["", "## Evidence grades", ""]
    out += [f"- **{grade}**: {meaning}." for grade, meaning in GRADES.items()]
    out += ["", "Values by grade:", ""]
    out += [
        f"- {table.titles[name][0].lower()}: {_grade_counts(entries)}"
        for name, entries in groups.items()
    ]
    out += [
        f"- services: {_grade_counts(services)}",
        f"- all {len(everything)} values: {_grade_counts(everything)}",
        "",
        _GROUPS_GAPS.rstrip(),
    ]
    # Worked out from the grades, so the sentence cannot outlive a value that gains a source.
    guessed = [
        f"`{f}`"
        for i, f in enumerate(fields)
        if all(entries[i].grade == "assumption" for entries in groups.values())
    ]
    if guessed:
        listed = ", ".join(guessed[:-1]) + " and " + guessed[-1] if len(guessed) > 1 else guessed[0]
        out.append(f"Every group's {listed} is graded assumption.")
    out += [
        "",
        "## Sources",
        "",
    ]
    cited = {key: sum(key in _source_keys(e) for e in everything) for key in table.sources}
    out += _table(
        ["key", "source", "values citing it"],
        [
            [f"`{key}`", _link(body["title"], body.get("url")), str(cited[key])]
            for key, body in table.sources.items()
        ],
        "llr",
    )
    out += ["", _GROUPS_FOOTER.rstrip(), ""]
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
        rows: dict[str, list[str]] = {}
        for _, path, value, schema in fields:
            default = fmt(value)
            if section == "clients":
                # One row per field of a group: each group's values, with their evidence, are
                # in client_groups.md.
                path = "clients.<group>." + path.rsplit(".", 1)[1]
                default = "by group: [client_groups.md](client_groups.md)"
            rows.setdefault(path, [f"`{path}`", default, _description(path, schema)])
        out += _table(["parameter", "default", "description and source"], [*rows.values()], "lrl")
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
            ``organisational_models.md`` and ``client_groups.md``, and its ``ODD.md`` with the
            generated blocks brought up to date (started with those blocks alone when the
            folder has none).
    """
    if out is None:
        files = {
            ORG_MODELS_FILE: organisational_models_markdown(),
            CLIENT_GROUPS_DOC: client_groups_markdown(),
        }
        if ODD_FILE.exists():
            files[ODD_FILE] = render_odd(ODD_FILE.read_text(encoding="utf-8"))
        return files
    odd = out / "ODD.md"
    start = odd.read_text(encoding="utf-8") if odd.exists() else _ODD_SKELETON
    return {
        out / "organisational_models.md": organisational_models_markdown(),
        out / "client_groups.md": client_groups_markdown(),
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
            "Regenerate the documentation generated from presets, client groups, scenario and "
            "targets. In a repository checkout it rewrites docs/; from an installed package it "
            "prints the files unless --out is given."
        ),
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file is out of date"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help=(
            "write (or --check) organisational_models.md, client_groups.md and ODD.md in DIR "
            "instead of docs/"
        ),
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
                Path("client_groups.md"): client_groups_markdown(),
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
