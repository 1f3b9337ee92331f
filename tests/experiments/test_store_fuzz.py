"""Fuzzing damage to a finished store: every command names it in one line, or is unharmed.

One tiny sweep is made once (two arms, one replication, a few days of a small council, with
kept series). Hypothesis then damages copies of it, one to three blows each: parts truncated,
overwritten, deleted or with bytes flipped; ``manifest.json`` with bytes flipped, replaced by
other JSON, or with a field removed or retyped; a run's status or a KPI changed; stray files
added. On every copy ``carepath reproduce DIR --workers 1``, ``carepath report DIR`` and a
resumed ``carepath sweep`` must exit 0 only when nothing they rely on was damaged, and
otherwise exit 1 or 2 naming the damaged file, never with a traceback. ``reproduce`` must
never say every run reproduced when a run's part or the manifest's record of runs was
damaged; a resumed sweep that succeeds must leave the store whole, holding the original
results digit for digit.

The draws are derandomised: CI sees the same damage every time. A campaign draws more:
``CAREPATH_FUZZ_EXAMPLES=1000 pytest tests/experiments/test_store_fuzz.py -s``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from carepath.experiments.store import MANIFEST, RUNS, SERIES, audit, read_runs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.experiments.fuzzing import bounded, carepath, examples
from tests.experiments.test_experiment_fuzz import COUNCIL, toml_document

EXAMPLES = examples(25)
SECONDS_PER_CASE = 120

EXPERIMENT = {
    "name": "damage",
    "seed": 11,
    "replications": 1,
    "scenario": {"years": 3 / 365, "warmup_days": 0, "set": COUNCIL},
    "design": {"kind": "factorial", "factors": {"organisation.preset": ["in_house", "outsourced"]}},
    "outputs": {
        "kpis": ["assessment.wait_median_days", "cost.total_per_year"],
        "timeseries": ["waiting_for_assessment"],
        "timeseries_every_days": 1,
    },
}
PARTS = [f"{folder}/run-00000{run}.parquet" for folder in (RUNS, SERIES) for run in (0, 1)]


@dataclass(frozen=True)
class Original:
    """The finished store and the experiment file that made it."""

    file: Path
    store: Path
    runs: Any  # its rows, as read_runs gives them


def _sweep(file: Path, store: Path):
    return carepath("sweep", str(file), "--workers", "1", "--out", str(store), "--quiet")


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Original:
    """The store every case damages a copy of (2 runs, each with its kept series)."""
    folder = tmp_path_factory.mktemp("store-fuzz")
    file = folder / "damage.toml"
    file.write_text(toml_document(EXPERIMENT))
    store = folder / "out"
    with bounded(SECONDS_PER_CASE):
        assert _sweep(file, store).code == 0
    assert sorted(str(p.relative_to(store)) for p in store.glob("*/run-*")) == sorted(PARTS)
    return Original(file, store, read_runs(store))


# -- blows -----------------------------------------------------------------------------------
JSON_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(0, 3), max_size=2),
)
MANIFEST_FIELDS = [
    "format", "experiment", "fingerprint", "seed", "replications", "seeding", "model",
    "baseline", "arms", "factor_types", "runs_planned", "runs", "environment", "created",
]  # fmt: skip


def _flip(path: Path, data: st.DataObject) -> None:
    body = bytearray(path.read_bytes())
    if not body:
        return
    for _ in range(data.draw(st.integers(1, 3), label="bytes flipped")):
        at = data.draw(st.integers(0, len(body) - 1), label="at")
        body[at] ^= data.draw(st.integers(1, 255), label="xor")
    path.write_bytes(bytes(body))


def _rewrite_row(path: Path, column: str, value: Any) -> None:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError):
        return  # an earlier blow left it unreadable
    index = table.schema.get_field_index(column)
    if index < 0:
        return  # an earlier blow renamed it
    kind = table.schema.field(index).type
    table = table.set_column(index, column, pa.array([value], type=kind))
    pq.write_table(table, path)


def _edit_manifest(store: Path, edit) -> None:
    path = store / MANIFEST
    path.write_text(json.dumps(edit(json.loads(path.read_text()))))


def _edit_runs(manifest: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    runs = manifest["runs"]
    run = data.draw(st.sampled_from(["0", "1"]), label="run")
    how = data.draw(
        st.sampled_from(["drop", "add", "status", "checksum", "arm", "replication", "seconds"]),
        label="runs edit",
    )
    if how == "drop":
        del runs[run]
    elif how == "add":
        runs[data.draw(st.sampled_from(["2", "7", "-1", "x"]), label="key")] = dict(runs[run])
    elif how == "status":
        runs[run]["status"] = data.draw(st.sampled_from(["failed", "weird"]) | JSON_JUNK)
    elif how == "checksum":
        runs[run]["checksum"] = data.draw(st.sampled_from(["sha256:0", None]) | JSON_JUNK)
    else:
        runs[run][how] = data.draw(st.integers(0, 3) | JSON_JUNK, label=how)
    return manifest


STRAY = [
    "notes.txt",
    f"{RUNS}/README",
    f"{RUNS}/.run-000000.parquet.x.tmp",
    f"{RUNS}/run-000002.parquet",
    f"{RUNS}/run-abc.parquet",
    f"{SERIES}/run-000009.parquet",
    f"{SERIES}/other.parquet",
    "damaged/x/run-000000.parquet",
]


def damage(store: Path, data: st.DataObject) -> None:
    """One blow to the store, drawn."""
    part = store / data.draw(st.sampled_from(PARTS), label="part")
    blow = data.draw(
        st.sampled_from(
            [
                "truncate",
                "overwrite",
                "delete",
                "flip part",
                "flip manifest",
                "manifest other JSON",
                "drop field",
                "retype field",
                "edit runs",
                "status",
                "kpi",
                "stray file",
                "stray folder",
                "delete folder",
            ]
        ),
        label="blow",
    )
    if blow in ("truncate", "overwrite", "delete", "flip part", "status", "kpi") and not (
        part.is_file()
    ):
        return  # already gone
    if blow == "truncate":
        size = part.stat().st_size
        keep = data.draw(st.integers(0, max(0, size - 1)), label="keep")
        part.write_bytes(part.read_bytes()[:keep])
    elif blow == "overwrite":
        part.write_bytes(data.draw(st.binary(max_size=64), label="bytes"))
    elif blow == "delete":
        part.unlink()
    elif blow == "flip part":
        _flip(part, data)
    elif blow == "flip manifest":
        _flip(store / MANIFEST, data)
    elif blow == "manifest other JSON":
        value = data.draw(JSON_JUNK, label="manifest")
        (store / MANIFEST).write_text(json.dumps(value))
    elif blow in ("drop field", "retype field", "edit runs"):
        try:
            json.loads((store / MANIFEST).read_text())
        except (ValueError, UnicodeDecodeError):
            return  # already not JSON
        name = data.draw(st.sampled_from(MANIFEST_FIELDS), label="field")
        value = data.draw(JSON_JUNK, label="value") if blow == "retype field" else None

        def edit(manifest: Any) -> Any:
            if not isinstance(manifest, dict):
                return manifest
            if blow == "drop field":
                manifest.pop(name, None)
            elif blow == "retype field":
                manifest[name] = value
            elif isinstance(manifest.get("runs"), dict) and set(manifest["runs"]) >= {"0", "1"}:
                manifest = _edit_runs(manifest, data)
            return manifest

        _edit_manifest(store, edit)
    elif blow == "status" and part.parent.name == RUNS:
        _rewrite_row(part, "status", data.draw(st.sampled_from(["failed", "ok", "", "done"])))
    elif blow == "kpi" and part.parent.name == RUNS:
        kpi = data.draw(st.sampled_from(EXPERIMENT["outputs"]["kpis"]), label="kpi")
        _rewrite_row(part, kpi, data.draw(st.floats(), label="value"))
    elif blow == "stray file":
        stray = store / data.draw(st.sampled_from(STRAY), label="stray")
        stray.parent.mkdir(parents=True, exist_ok=True)
        source = store / PARTS[0]
        stray.write_bytes(source.read_bytes() if source.exists() else b"stray")
    elif blow == "stray folder":
        # parents: an earlier blow may have deleted runs.parquet (found by the campaign).
        (store / data.draw(st.sampled_from([f"{RUNS}/run-000003.parquet", MANIFEST + ".d"]))).mkdir(
            parents=True, exist_ok=True
        )
    elif blow == "delete folder":
        shutil.rmtree(store / data.draw(st.sampled_from([RUNS, SERIES])), ignore_errors=True)


# -- what was damaged ------------------------------------------------------------------------
@dataclass
class Damage:
    """What a case's blows changed, compared with the original store."""

    parts: list[str] = field(default_factory=list)  # run parts changed, gone or added
    manifest_runs: bool = False  # the manifest unreadable, or its record of runs changed
    manifest: bool = False  # the manifest changed at all

    @property
    def to_runs(self) -> bool:
        """True when a run's part or the manifest's record of runs was damaged."""
        return bool(self.parts) or self.manifest_runs


def _same_part(original: Path, copy: Path) -> bool:
    if not copy.is_file():
        return False
    try:
        table = pq.read_table(copy)
    except (pa.ArrowException, OSError):
        return False
    before = pq.read_table(original)
    return table.schema.remove_metadata() == before.schema.remove_metadata() and (
        table.to_pandas().equals(before.to_pandas())
    )


_RECORD = ("status", "checksum", "arm", "replication")


def assess(original: Path, store: Path) -> Damage:
    """Compare the damaged copy with the original, by content rather than by bytes."""
    found = Damage()
    for name in PARTS:
        if not _same_part(original / name, store / name):
            found.parts.append(name)
    for sub in (RUNS, SERIES):
        for path in (store / sub).glob("run-*.parquet") if (store / sub).is_dir() else ():
            name = f"{sub}/{path.name}"
            if name not in PARTS:
                found.parts.append(name)  # a part no run of this experiment wrote
    before = json.loads((original / MANIFEST).read_text())
    try:
        after = json.loads((store / MANIFEST).read_text())
    except (ValueError, UnicodeDecodeError, OSError):
        found.manifest = found.manifest_runs = True
        return found
    found.manifest = after != before
    runs = after.get("runs") if isinstance(after, dict) else None
    if not isinstance(runs, dict) or set(runs) != set(before["runs"]):
        found.manifest_runs = True
    else:
        found.manifest_runs = any(
            not isinstance(runs[k], dict)
            or any(runs[k].get(f) != before["runs"][k].get(f) for f in _RECORD)
            for k in runs
        )
    return found


def _named(said, store: Path, command: str) -> bool:
    """The damage is named: every error line is carepath's, and one names the store's file."""
    lines = said.error_lines
    if command == "reproduce" and said.code == 1 and not lines:
        return "reproduced exactly" in said.out and any(
            verdict in said.out for verdict in ("differs", "failed now", "was failed")
        )
    return (
        bool(lines)
        and all(line.startswith("carepath: ") for line in lines)
        and any(str(store) in line for line in lines)
        and (said.code != 2 or all(line.startswith("carepath: error: ") for line in lines))
    )


def test_every_damaged_store_is_named_in_one_line_or_unharmed(original, tmp_path):
    outcomes: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        store = Path(tempfile.mkdtemp(dir=tmp_path)) / "out"
        shutil.copytree(original.store, store)
        for _ in range(data.draw(st.integers(1, 3), label="blows")):
            damage(store, data)
        found = assess(original.store, store)
        with bounded(SECONDS_PER_CASE):
            said = {
                "reproduce": carepath("reproduce", str(store), "--workers", "1"),
                "report": carepath("report", str(store)),
                "sweep": _sweep(original.file, store),
            }
        for command, result in said.items():
            assert result.code in (0, 1, 2), (command, result)
            if result.code:
                assert _named(result, store, command), (command, result, found)
        if found.to_runs:
            assert said["reproduce"].code != 0, (found, said["reproduce"])
            assert said["report"].code != 0, (found, said["report"])
        elif not found.manifest:  # nothing a command relies on was damaged
            for command, result in said.items():
                assert result.code == 0, (command, result, found)
            assert "2 of 2 runs reproduced exactly" in said["reproduce"].out
        if said["sweep"].code == 0:  # resumed: whole again, with the very same results
            checked = audit(store)
            assert checked.whole, (found, [str(p) for p in checked.problems])
            assert read_runs(store).equals(original.runs), found
        outcomes[
            "damaged runs" if found.to_runs else "manifest only" if found.manifest else "harmless"
        ] += 1
        outcomes["refused"] += any(r.code for r in said.values())
        outcomes["ran"] += not any(r.code for r in said.values())
        shutil.rmtree(store.parent)

    check()
    print(f"damaged stores: {EXAMPLES} cases, {dict(outcomes)}")
    assert outcomes["damaged runs"] >= EXAMPLES // 3, outcomes
    assert outcomes["harmless"] >= 1, outcomes


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # Found by the campaign: a run recorded past the plan was kept by a resumed sweep,
        # which then said all was well while the store stayed not whole.
        (
            lambda m: {**m, "runs": {**m["runs"], "2": m["runs"]["0"]}},
            "runs: '2' is not a run of this experiment (it plans runs 0-1)",
        ),
        # ... and a factor_types without the factors read a factor as a KPI: a traceback.
        (lambda m: {**m, "factor_types": {}}, "factor_types: must name the arms' factors"),
    ],
)
def test_a_manifest_that_disagrees_with_itself_is_refused_in_one_line(
    original, tmp_path, edit, message
):
    store = tmp_path / "out"
    shutil.copytree(original.store, store)
    _edit_manifest(store, edit)
    for said in (
        carepath("reproduce", str(store), "--workers", "1"),
        carepath("report", str(store)),
        _sweep(original.file, store),
    ):
        assert said.code == 2, said
        (line,) = said.error_lines
        assert line.startswith(f"carepath: error: {store / MANIFEST}: ") and message in line
