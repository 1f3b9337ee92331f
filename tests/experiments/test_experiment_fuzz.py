"""Fuzzing experiment files: each is refused, one line per problem, or sweeps and reports.

Hypothesis writes experiment files as TOML text, well formed and clumsy: every design kind,
unknown keys, wrong types, duplicate and clashing arm labels, empty and huge designs, ranges
that run backwards or hold NaN or infinity, unknown factor paths, partial tables as factors,
unknown outputs, broken TOML. Each file is first validated and planned (``load_plan``, which
runs no model beyond the few-week probe of the outputs). A file that is refused must be
refused by ``carepath sweep FILE --workers 1 --out DIR`` with exit status 2, every line of
standard error naming the file, no traceback, and no folder (nor lock) left at ``DIR``. A
sample of the accepted files that plan a few short runs of a small council is swept
in-process, and ``carepath report DIR`` must then write its report.

The draws are derandomised: CI sees the same cases every time. A campaign draws more:
``CAREPATH_FUZZ_EXAMPLES=1000 pytest tests/experiments/test_experiment_fuzz.py -s``.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

from carepath.experiments.spec import MAX_RUNS, ExperimentError
from carepath.experiments.store import MANIFEST
from carepath.experiments.sweep import load_plan
from carepath.sim.scenario import Scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.experiments.fuzzing import bounded, carepath, examples
from tests.sim.test_scenario_fuzz import LEAVES, SMALL_COUNCIL, _small_enough

CI_EXAMPLES = 300
EXAMPLES = examples(CI_EXAMPLES)
# How many accepted files are swept and reported. Profiled (issue 18): the reports' charts
# (near twenty for a sensitivity design keeping every KPI) took 2-18 s a file, two thirds of a
# CI pass at one file in 25; planning all 300 files, probe runs included, took 6-10 s. So CI
# sweeps three, each checked as before; a campaign sweeps one file in 25.
SWEEPS = 3 if EXAMPLES <= CI_EXAMPLES else EXAMPLES // 25
SWEEP_RUNS = 8  # at most this many runs in a swept file
SWEEP_DAYS = 10  # of at most this many days each
SECONDS_TO_PLAN = 60
SECONDS_TO_SWEEP = 180

# The base every drawn file starts from, so that what runs is small: a council of 20,000.
COUNCIL = {
    f"{section}.{name}": value
    for section, fields in SMALL_COUNCIL.items()
    for name, value in fields.items()
}
KPIS = ["assessment.wait_median_days", "cost.total_per_year", "demand.requests_per_year"]
SERIES = ["waiting_for_assessment", "delayed_discharges"]
UNKNOWN_PATHS = [
    "nope",
    "workforce.nope",
    "workforce",  # a section, not a value
    "population.total.more",
    "population.age_shares",  # a table: partial tables as factor levels
    "",
    ".",
    "a..b",
    "organisation",
    "run.years.x",
]
KINDS = ["factorial", "latin_hypercube", "list", "morris", "sobol"]


class Raw(str):
    """TOML text written as it is (a date, say), not as a string."""


def _key(key: str) -> str:
    return _string(key)


def _string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """A value as inline TOML (NaN and infinity included; None is left out by the caller)."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items() if v is not None)
        return "{ " + items + " }" if items else "{}"
    raise AssertionError(f"no TOML for {value!r}")


def toml_document(doc: dict[str, Any]) -> str:
    """Top-level values, then each table under its header; ``design.arms`` as ``[[...]]``."""
    lines = [f"{_key(k)} = {toml_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for name, table in doc.items():
        if not isinstance(table, dict):
            continue
        arms = table.get("arms") if name == "design" else None
        lines.append(f"\n[{_key(name)}]")
        for key, value in table.items():
            if value is None or (key == "arms" and isinstance(arms, list) and arms):
                continue
            lines.append(f"{_key(key)} = {toml_value(value)}")
        if isinstance(arms, list):
            for arm in arms:
                if not isinstance(arm, dict):
                    continue
                lines.append(f"\n[[{_key(name)}.arms]]")
                lines += [f"{_key(k)} = {toml_value(v)}" for k, v in arm.items() if v is not None]
    return "\n".join(lines) + "\n"


# -- values ----------------------------------------------------------------------------------
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
JUNK = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),  # NaN and infinity among them
    _TEXT,
    st.sampled_from([Raw("1979-05-27"), Raw("07:32:00"), Raw("1979-05-27T07:32:00Z")]),
    st.lists(st.integers(-3, 3), max_size=2),
    st.dictionaries(st.sampled_from(["low", "high", "x", "aged_85_plus"]), st.floats(), max_size=2),
)


def _value(path: str) -> st.SearchStrategy[Any]:
    """A value for a scenario path: mostly one within its limits, sometimes junk."""
    if path in LEAVES:
        good = LEAVES[path].map(lambda v: list(v) if isinstance(v, tuple) else v)
        return st.one_of(good, good, good, JUNK)
    if path == "population.age_shares":  # a partial table where a value is wanted
        return st.dictionaries(
            st.sampled_from(["aged_85_plus", "aged_65_84", "kids"]), st.floats(0, 1), max_size=2
        )
    return JUNK


_PATHS = st.one_of(
    st.sampled_from(sorted(LEAVES)),
    st.sampled_from(sorted(LEAVES)),
    st.sampled_from(sorted(LEAVES)),
    st.sampled_from(UNKNOWN_PATHS),
    _TEXT,
)


@st.composite
def _levels(draw: st.DrawFn, path: str) -> list[Any]:
    size = draw(st.integers(0, 3) if draw(st.integers(0, 9)) else st.integers(4, 6))
    return [draw(_value(path)) for _ in range(size)]


@st.composite
def _range(draw: st.DrawFn, path: str) -> Any:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(JUNK)
    numbers = LEAVES.get(path)
    if numbers is not None and draw(st.booleans()):
        ends = [draw(numbers), draw(numbers)]
    else:
        ends = [draw(st.floats(-1e3, 1e3)), draw(st.floats(-1e3, 1e3))]
    if all(isinstance(e, int | float) and not isinstance(e, bool) for e in ends):
        ends.sort(reverse=kind == 1)  # ordered, but backwards one time in ten
    if kind == 2:
        ends[draw(st.integers(0, 1))] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    factor: dict[str, Any] = {"low": ends[0], "high": ends[1]}
    if draw(st.booleans()):
        factor["integer"] = draw(st.one_of(st.booleans(), JUNK))
    if kind == 3:
        factor[draw(st.sampled_from(["step", "lo", "levels"]))] = draw(JUNK)
    if kind == 4:
        del factor[draw(st.sampled_from(["low", "high"]))]
    return factor


@st.composite
def _factors(draw: st.DrawFn, ranged: bool) -> dict[str, Any]:
    count = draw(st.integers(0, 3) if draw(st.integers(0, 19)) else st.just(0))
    paths = draw(st.lists(_PATHS, min_size=count, max_size=count, unique=True))
    factors = {}
    for path in paths:
        as_range = ranged if draw(st.integers(0, 7)) else not ranged
        factors[path] = draw(_range(path) if as_range else _levels(path))
    return factors


@st.composite
def _arms(draw: st.DrawFn) -> list[Any]:
    count = draw(st.integers(0, 4))
    labels = draw(
        st.lists(
            st.sampled_from(["a", "b", "c", "", " ", "a\nb"]) | _TEXT,
            min_size=count,
            max_size=count,
        )
    )
    arms: list[Any] = []
    for label in labels:
        arm: dict[str, Any] = {"label": draw(st.one_of(st.just(label), st.just(label), JUNK))}
        paths = draw(st.lists(_PATHS, max_size=2, unique=True))
        arm["set"] = {path: draw(_value(path)) for path in paths}
        if not draw(st.integers(0, 9)):
            arm[draw(st.sampled_from(["sett", "name", "values"]))] = draw(JUNK)
        if not draw(st.integers(0, 19)):
            arm["set"] = draw(JUNK)
        arms.append(arm)
    return arms


@st.composite
def _design(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.one_of(st.sampled_from(KINDS), st.sampled_from(KINDS), _TEXT))
    design: dict[str, Any] = {"kind": kind} if draw(st.integers(0, 9)) else {}
    ranged = kind in ("latin_hypercube", "morris", "sobol")
    if kind == "list":
        design["arms"] = draw(_arms())
        if not draw(st.integers(0, 9)):
            design["factors"] = draw(_factors(ranged=False))
    else:
        design["factors"] = draw(_factors(ranged=ranged))
        if not draw(st.integers(0, 19)):
            design["arms"] = draw(_arms())
    small = st.one_of(st.integers(1, 4), st.integers(1, 4), st.integers(-2, 9), JUNK)
    if kind in ("latin_hypercube", "sobol") or not draw(st.integers(0, 9)):
        design["samples"] = draw(small)
    if kind == "morris":
        design["trajectories"] = draw(st.one_of(st.integers(2, 3), st.integers(2, 3), small))
        design["levels"] = draw(st.one_of(st.integers(2, 4), small))
    if kind == "sobol" and draw(st.booleans()):
        design["second_order"] = draw(st.one_of(st.booleans(), st.booleans(), JUNK))
    if not draw(st.integers(0, 9)):
        design["analyse"] = draw(st.lists(st.sampled_from([*KPIS, "nope"]) | _TEXT, max_size=2))
    if not draw(st.integers(0, 14)):
        design[draw(st.sampled_from(["factor", "sample", "kind_", "arm"]))] = draw(JUNK)
    return design


@st.composite
def _huge_design(draw: st.DrawFn) -> tuple[dict[str, Any], int]:
    """A design over the budget of runs, with the replications that take it there."""
    kind = draw(st.sampled_from(["factorial", "latin_hypercube", "morris", "sobol"]))
    paths = ["workforce.establishment_fte", "reablement.places", "care_homes.places"]
    if kind == "factorial":
        width = draw(st.integers(10, 40))
        factors = {p: [float(i) + 1 for i in range(width)] for p in paths}
        design, arms = {"kind": kind, "factors": factors}, width**3
    elif kind == "latin_hypercube":
        samples = draw(st.integers(1_000, 100_000))
        design = {"kind": kind, "samples": samples, "factors": {paths[0]: {"low": 1, "high": 9}}}
        arms = samples
    elif kind == "morris":
        trajectories = draw(st.integers(100, 1000))
        factors = {p: {"low": 1, "high": 9} for p in paths}
        design, arms = (
            {"kind": kind, "trajectories": trajectories, "factors": factors},
            (trajectories * 4),
        )
    else:
        samples = 2 ** draw(st.integers(10, 16))
        factors = {p: {"low": 1, "high": 9} for p in paths}
        design, arms = {"kind": kind, "samples": samples, "factors": factors}, samples * 5
    replications = min(10_000, MAX_RUNS // arms + draw(st.integers(1, 1_000)))
    return design, replications


@st.composite
def _outputs(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.integers(0, 2)):
        return None
    names = st.sampled_from([*KPIS, "nope", "assessment", "run.seed"]) | _TEXT
    outputs: dict[str, Any] = {}
    if draw(st.booleans()):
        outputs["kpis"] = draw(st.one_of(st.just("all"), st.lists(names, max_size=3), JUNK))
    if draw(st.booleans()):
        series = st.sampled_from([*SERIES, "nope", "day"]) | _TEXT
        outputs["timeseries"] = draw(st.one_of(st.lists(series, max_size=2), JUNK))
    if draw(st.booleans()):
        outputs["timeseries_every_days"] = draw(st.one_of(st.integers(1, 5), st.integers(), JUNK))
    if not draw(st.integers(0, 9)):
        outputs[draw(st.sampled_from(["kpi", "series", "every"]))] = draw(JUNK)
    return outputs


SCENARIO_FILES = {
    "council.toml": "[population]\ntotal = 20000\n[workforce]\nestablishment_fte = 6.4\n",
    "bad.toml": "[population\ntotal = ",
    "wrong.toml": '[population]\ntotal = "many"\n',
    "unknown.toml": "[nope]\nx = 1\n",
}


@st.composite
def _scenario(draw: st.DrawFn) -> dict[str, Any]:
    overrides = dict(COUNCIL)
    for path in draw(st.lists(_PATHS, max_size=2, unique=True)):
        overrides[path] = draw(_value(path))
    scenario: dict[str, Any] = {
        "years": draw(st.one_of(*[st.just(d / 365) for d in (2, 3, 5)], st.floats(), JUNK)),
        "warmup_days": draw(st.one_of(st.just(0), st.just(0), st.integers(-2, 3), JUNK)),
        "set": overrides if draw(st.integers(0, 19)) else draw(JUNK),
    }
    if not draw(st.integers(0, 4)):
        scenario["preset"] = draw(_value("organisation.preset") | _TEXT)
    if not draw(st.integers(0, 5)):
        names = [*SCENARIO_FILES, "missing.toml", ".", "../../nope.toml"]
        scenario["file"] = draw(st.sampled_from(names) | JUNK)
    if not draw(st.integers(0, 9)):
        scenario[draw(st.sampled_from(["seed", "year", "sets"]))] = draw(JUNK)
    return scenario


# Factors whose levels keep a small council small, and the ranges they are drawn from.
TAME = {
    "organisation.preset": ["in_house", "outsourced", "social_work_practice", "care_trust_plus"],
    "workforce.establishment_fte": (4.0, 9.0),
    "reablement.places": (3, 10),
    "eligibility.threshold": ["moderate", "substantial", "critical"],
    "practice.strengths_based": [True, False],
    "integration.discharge_to_assess_share": (0.1, 0.9),
    "workforce.admin_share": (0.1, 0.4),
}


@st.composite
def _tame_factors(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    ranged = kind in ("morris", "sobol") or (kind == "latin_hypercube" and draw(st.booleans()))
    choices = [p for p, v in TAME.items() if isinstance(v, tuple)] if ranged else list(TAME)
    paths = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=2, unique=True))
    factors: dict[str, Any] = {}
    for path in paths:
        space = TAME[path]
        if isinstance(space, tuple) and ranged:
            factors[path] = {"low": space[0], "high": space[1]}
            if isinstance(space[0], int):
                factors[path]["integer"] = True
        elif isinstance(space, tuple):
            number = st.integers(*space) if isinstance(space[0], int) else st.floats(*space)
            factors[path] = draw(st.lists(number, min_size=1, max_size=2, unique=True))
        else:
            factors[path] = draw(
                st.lists(st.sampled_from(space), min_size=1, max_size=2, unique=True)
            )
    return factors


@st.composite
def _tame_document(draw: st.DrawFn) -> dict[str, Any]:
    """A valid experiment of a few short runs of a small council."""
    kind = draw(st.sampled_from(KINDS))
    design: dict[str, Any] = {"kind": kind}
    if kind == "list":
        labels = draw(
            st.lists(
                st.sampled_from(["a", "b", "c", "more staff"]), min_size=1, max_size=3, unique=True
            )
        )
        design["arms"] = [
            {"label": label, "set": draw(_tame_factors("factorial"))} for label in labels
        ]
        for arm in design["arms"]:
            arm["set"] = {k: v[0] if isinstance(v, list) else v for k, v in arm["set"].items()}
    else:
        design["factors"] = draw(_tame_factors(kind))
    if kind == "latin_hypercube":
        design["samples"] = draw(st.integers(1, 4))
    if kind == "morris":
        design["trajectories"] = 2
        design["levels"] = draw(st.integers(2, 4))
    if kind == "sobol":
        design["samples"] = draw(st.sampled_from([1, 2]))
    doc: dict[str, Any] = {
        "name": "fuzz",
        "seed": draw(st.integers(0, 2**63 - 1)),
        "replications": 1,
        "scenario": {
            "years": draw(st.sampled_from([2, 3, 5])) / 365,
            "warmup_days": 0,
            "set": dict(COUNCIL),
        },
        "design": design,
    }
    if draw(st.booleans()):
        doc["outputs"] = {
            "kpis": draw(
                st.one_of(st.just("all"), st.lists(st.sampled_from(KPIS), min_size=1, unique=True))
            ),
            "timeseries": draw(st.lists(st.sampled_from(SERIES), unique=True)),
            "timeseries_every_days": draw(st.integers(1, 3)),
        }
    return doc


def _sections(doc: dict[str, Any]) -> list[tuple[str, ...]]:
    """Where a mistake can go: the document and each table in it."""
    where = [()]
    for key, value in doc.items():
        if isinstance(value, dict):
            where.append((key,))
            where += [(key, k) for k, v in value.items() if isinstance(v, dict)]
    return where


def _at(doc: dict[str, Any], where: tuple[str, ...]) -> dict[str, Any]:
    for key in where:
        doc = doc[key]
    return doc


@st.composite
def _one_mistake(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    """The document with one thing wrong (or, some of the time, nothing at all)."""
    mistake = draw(st.integers(0, 14))
    design = doc["design"]
    if mistake == 0:  # an unknown key somewhere
        _at(doc, draw(st.sampled_from(_sections(doc))))[
            draw(st.sampled_from(["nope", "Kind", "samples_"]))
        ] = 1
    elif mistake == 1:  # a value of the wrong type, or out of its limits, somewhere
        table = _at(doc, draw(st.sampled_from(_sections(doc))))
        if table:
            table[draw(st.sampled_from(sorted(table)))] = draw(JUNK)
    elif mistake == 2 and design.get("arms"):  # clashing labels
        design["arms"].append(dict(design["arms"][0]))
    elif mistake == 3 and design.get("factors"):  # a range backwards, or not finite
        path = draw(st.sampled_from(sorted(design["factors"])))
        low = draw(st.sampled_from([9.0, math.nan, -math.inf, 5.0]))
        design["factors"][path] = {"low": low, "high": draw(st.sampled_from([1.0, math.inf, 5.0]))}
    elif mistake == 4:  # an unknown factor path, or a partial table where a value goes
        path = draw(st.sampled_from(UNKNOWN_PATHS))
        if design.get("arms"):
            design["arms"][0]["set"][path] = draw(_value(path))
        else:
            design.setdefault("factors", {})[path] = draw(_levels(path) | _range(path))
    elif mistake == 5:  # an unknown output
        doc["outputs"] = {"kpis": ["nope"]} if draw(st.booleans()) else {"timeseries": ["nope"]}
    elif mistake == 6:  # an empty design
        design.pop(draw(st.sampled_from(["arms", "factors", "kind"])), None)
    elif mistake == 7:  # a level that cannot be a scenario's value
        path = draw(st.sampled_from(sorted(LEAVES)))
        values = draw(st.lists(_value(path), min_size=1, max_size=2))
        if design.get("arms"):
            design["arms"][-1]["set"][path] = values[0]
        elif design["kind"] == "factorial":
            design["factors"][path] = values
    elif mistake == 8:  # a baseline that names an arm, or not
        doc["baseline"] = draw(
            st.sampled_from(["a", "b", "in_house", "outsourced", "sample 000", "4"])
        )
    return doc


@st.composite
def experiment_files(draw: st.DrawFn) -> bytes:
    """The bytes of an experiment file: half close to valid, half clumsy."""
    if draw(st.booleans()):
        return toml_document(draw(_one_mistake(draw(_tame_document())))).encode()
    return draw(_clumsy_files())


@st.composite
def _clumsy_files(draw: st.DrawFn) -> bytes:
    doc: dict[str, Any] = {}
    if draw(st.integers(0, 4)):
        doc["name"] = draw(st.sampled_from(["fuzz", "fuzz-1.a"]) | _TEXT | JUNK)
    if draw(st.integers(0, 19)):
        doc["seed"] = draw(st.one_of(st.integers(0, 2**63 - 1), st.integers(0, 99), JUNK))
    huge = not draw(st.integers(0, 9))
    if huge:
        design, doc["replications"] = draw(_huge_design())
    else:
        design = draw(_design())
        if draw(st.integers(0, 3)):
            doc["replications"] = draw(st.one_of(st.just(1), st.just(1), st.integers(-1, 3), JUNK))
    if not draw(st.integers(0, 4)):
        doc["baseline"] = draw(st.sampled_from(["a", "b", "in_house", "sample 000"]) | JUNK)
    if not draw(st.integers(0, 9)):
        doc["model"] = draw(
            st.sampled_from(
                [
                    "carepath.sim.model:CarePathwayModel",
                    "sim.model:CarePathwayModel",
                    "carepath.sim.model:Nope",
                    "os:system",
                    "not a model",
                ]
            )
            | JUNK
        )
    if not draw(st.integers(0, 9)):
        doc["description"] = draw(_TEXT | JUNK)
    if not draw(st.integers(0, 9)):
        doc[draw(st.sampled_from(["replication", "seeds", "designs"]))] = draw(JUNK)
    doc["scenario"] = draw(_scenario())
    if draw(st.integers(0, 19)):
        doc["design"] = design
    outputs = draw(_outputs())
    if outputs is not None:
        doc["outputs"] = outputs
    text = toml_document(doc).encode()
    clumsy = draw(st.integers(0, 19))
    if clumsy == 0:  # cut short
        return text[: draw(st.integers(0, len(text)))]
    if clumsy == 1:  # a key given twice
        lines = text.splitlines(keepends=True)
        index = draw(st.integers(0, len(lines) - 1))
        return b"".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])
    if clumsy == 2:  # bytes that are not UTF-8
        return text + b"\n# \xff\xfe\n"
    if clumsy == 3:  # a table opened twice
        return text + b"\n[design]\nkind = 'factorial'\n"
    return text


# -- the check -------------------------------------------------------------------------------
def _small(plan) -> bool:
    """True when every run is short and of a small council: cheap to sweep."""
    if len(plan.tasks) > SWEEP_RUNS:
        return False
    for _arm, data in plan.arms:
        scenario = Scenario.model_validate(data)
        if scenario.run.years * 365 > SWEEP_DAYS or not _small_enough(scenario):
            return False
    return True


def _assert_refused(path: Path, out: Path) -> list[str]:
    said = carepath("sweep", str(path), "--workers", "1", "--out", str(out))
    assert said.code == 2, said
    lines = said.error_lines
    assert lines, said
    for line in lines:  # one line per problem, each naming the file
        prefix = f"carepath: error: {path}: "
        assert line.startswith(prefix) and line[len(prefix) :].strip(), said
    assert not out.exists()  # neither a folder nor its lock
    return lines


def _assert_sweeps_and_reports(path: Path, out: Path, runs: int) -> None:
    said = carepath("sweep", str(path), "--workers", "1", "--out", str(out), "--quiet")
    assert said.code == 0, said
    assert (out / MANIFEST).exists()
    assert len(list((out / "runs.parquet").glob("run-*.parquet"))) == runs
    said = carepath("report", str(out))
    assert said.code == 0, said
    assert (out / "report.md").stat().st_size > 0


def test_every_generated_experiment_file_is_refused_in_one_line_per_problem_or_runs(tmp_path):
    outcomes: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(text=experiment_files())
    def check(text: bytes) -> None:
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        for name, body in SCENARIO_FILES.items():
            (folder / name).write_text(body)
        path = folder / "fuzz.toml"
        path.write_bytes(text)
        out = folder / "out"
        with bounded(SECONDS_TO_PLAN):
            try:
                plan = load_plan(path)
            except ExperimentError:
                plan = None
            if plan is None:
                _assert_refused(path, out)
                outcomes["refused"] += 1
        if plan is not None:
            outcomes["accepted"] += 1
            # A spread sample of the small ones, chosen by content so CI sweeps the same files.
            chosen = zlib.crc32(text) % 2 == 0 and outcomes["ran"] < SWEEPS
            if chosen and _small(plan):
                with bounded(SECONDS_TO_SWEEP):
                    _assert_sweeps_and_reports(path, out, len(plan.tasks))
                outcomes["ran"] += 1
        shutil.rmtree(folder)

    check()
    print(f"experiment files: {EXAMPLES} cases, {dict(outcomes)}")
    assert outcomes["refused"] + outcomes["accepted"] >= EXAMPLES
    # The draws must reach the sweep, not only the validators.
    assert outcomes["refused"] >= EXAMPLES // 4, outcomes
    assert outcomes["accepted"] >= EXAMPLES // 20, outcomes
    assert outcomes["ran"] >= SWEEPS // 2, outcomes


def test_a_beta_mean_of_zero_or_one_is_refused_not_crashed(tmp_path):
    # hospital.need_by_pathway = 0 or 1 once passed validation, and every run then failed
    # (numpy's beta needs positive shapes): the scenario fuzz found it at 10,000 examples.
    doc = {
        "name": "edge",
        "seed": 1,
        "scenario": {"years": 2 / 365, "warmup_days": 0, "set": dict(COUNCIL)},
        "design": {
            "kind": "list",
            "arms": [{"label": "zero", "set": {"hospital.need_by_pathway": [0.0, 0.5, 1.0]}}],
        },
    }
    path = tmp_path / "edge.toml"
    path.write_text(toml_document(doc))
    lines = _assert_refused(path, tmp_path / "out")
    assert len(lines) == 2, lines
    for line, index, got in zip(lines, (0, 2), ("0.0", "1.0"), strict=True):
        assert f"arm 'zero': hospital.need_by_pathway.{index}: " in line and f"(got {got})" in line
