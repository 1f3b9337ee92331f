"""Damaged, incomplete and untrusted stores: one line naming the file, and nothing lost."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from carepath.experiments.design import design_arms
from carepath.experiments.runs import checksum
from carepath.experiments.spec import MAX_RUNS, ExperimentError, arm_count, read_experiment
from carepath.experiments.store import (
    LOCK,
    MANIFEST,
    RUNS,
    SERIES,
    StoreError,
    audit,
    part_name,
    plan_fingerprint,
    read_runs,
)
from carepath.experiments.sweep import load_plan, reproduce, sweep

from carepath.cli import main
from tests.experiments.conftest import TINY


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """A finished tiny experiment (2 arms x 2 levels x 1 replication = 4 runs) and its file."""
    folder = tmp_path_factory.mktemp("damage")
    path = folder / "tiny.toml"
    path.write_text(
        TINY.format(replications=1, model="carepath.sim.model:CarePathwayModel", ftes="[60, 80]")
    )
    assert sweep(load_plan(path), folder / "out", workers=1).ok == 4
    return path, folder / "out"


@pytest.fixture
def store(original, tmp_path):
    """A fresh copy of the finished store, to damage."""
    copy = tmp_path / "out"
    shutil.copytree(original[1], copy)
    return copy


def _set_status(folder: Path, run_id: int, status: str) -> None:
    part = folder / RUNS / part_name(run_id)
    table = pq.read_table(part)
    column = table.schema.get_field_index("status")
    pq.write_table(table.set_column(column, "status", pa.array([status])), part)


def _edit_manifest(folder: Path, edit) -> None:
    path = folder / MANIFEST
    path.write_text(json.dumps(edit(json.loads(path.read_text()))))


def _refingerprint(manifest: dict) -> dict:
    """The manifest as a sweep of its (edited) spec and arms would have fingerprinted it."""
    manifest["fingerprint"] = plan_fingerprint(manifest["experiment"]["spec"], manifest["arms"])
    return manifest


def _one_error_line(err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("carepath: error: "), err
    for needle in needles:
        assert needle in lines[0], lines[0]


# -- 1. the store is verified whole against the manifest -----------------------------------
def test_reproduce_names_missing_and_status_changed_runs_and_fails(store, capsys):
    (store / RUNS / part_name(0)).unlink()
    (store / RUNS / part_name(3)).unlink()
    _set_status(store, 1, "failed")
    assert main(["reproduce", str(store), "--workers", "1"]) == 1
    printed = capsys.readouterr()
    assert "1 of 4 runs reproduced exactly" in printed.out
    assert (
        f"{store / RUNS / part_name(0)}: missing; the manifest records run 0 as ok" in printed.err
    )
    assert f"{store / RUNS / part_name(3)}: missing" in printed.err
    assert "run 1 is failed on disk but ok in the manifest" in printed.err
    assert "is not whole (2 missing, 1 status changed)" in printed.err
    verdicts = {c.run_id: c.verdict for c in reproduce(store, workers=1)}
    assert verdicts == {0: "missing", 1: "status changed", 2: "match", 3: "missing"}


def test_altered_and_extra_parts_are_named(store, capsys):
    # A result altered along with its own checksum: only the manifest's checksum shows it.
    part = store / RUNS / part_name(2)
    row = pq.read_table(part).to_pylist()[0]
    row["cost.total_per_year"] *= 1.01
    factors = {k: row[k] for k in ("organisation.preset", "workforce.establishment_fte")}
    kpis = {k: row[k] for k in row if "." in k and k not in factors}
    series = pq.read_table(store / SERIES / part_name(2)).to_pandas()
    series = series.drop(columns=["run_id", "arm", "replication"])
    row["checksum"] = checksum(factors, kpis, series)
    pq.write_table(pa.Table.from_pylist([row], schema=pq.read_schema(part)), part)
    extra = pq.read_table(store / RUNS / part_name(1))
    column = extra.schema.get_field_index("run_id")
    pq.write_table(extra.set_column(column, "run_id", pa.array([7])), store / RUNS / part_name(7))
    checked = audit(store)
    assert [(p.kind, p.run_id) for p in checked.problems] == [("altered", 2), ("extra", 7)]
    assert "checksum differs from the manifest's" in str(checked.problems[0])
    assert "run 7 is not a run of this experiment (it plans runs 0-3)" in str(checked.problems[1])
    assert main(["report", str(store)]) == 1
    assert not (store / "report.md").exists()  # a report is not made from a store not whole
    assert str(store / RUNS / part_name(2)) in capsys.readouterr().err


def test_report_refuses_a_store_that_is_not_whole_and_accepts_a_whole_one(store, capsys):
    _edit_manifest(store, lambda m: {**m, "runs": {k: v for k, v in m["runs"].items() if k != "2"}})
    assert main(["report", str(store)]) == 1
    err = capsys.readouterr().err
    assert "run 2 is on disk but not in the manifest" in err and "no report written" in err
    assert not (store / "report.md").exists()


def test_a_stored_value_altered_without_its_checksum_is_named(store):
    part = store / SERIES / part_name(1)
    series = pq.read_table(part).to_pandas()
    series.loc[0, "waiting_for_assessment"] += 1
    pq.write_table(pa.Table.from_pandas(series, preserve_index=False), part)
    (problem,) = audit(store).problems
    assert problem.kind == "altered" and problem.run_id == 1
    assert "stored values do not match their checksum" in str(problem)


def test_parts_a_running_sweep_has_not_noted_yet_are_not_problems(store):
    _edit_manifest(store, lambda m: {**m, "runs": {k: v for k, v in m["runs"].items() if k != "2"}})
    assert [p.kind for p in audit(store).problems] == ["unrecorded"]
    with open(store / LOCK, "a+") as held:  # as a sweep holds it while it writes
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        checked = audit(store)
    assert checked.live and checked.whole
    assert not audit(store).live


# -- 2. damaged files: one line, exit 2; a resumed sweep sets them aside -----------------------
def test_a_junk_part_is_one_line_and_exit_2(store, capsys):
    junk = store / RUNS / part_name(1)
    junk.write_bytes(b"not parquet at all")
    for command in (["reproduce", str(store), "--workers", "1"], ["report", str(store)]):
        assert main(command) == 2
        _one_error_line(capsys.readouterr().err, str(junk), "not a readable Parquet part")
    with pytest.raises(StoreError, match="not a readable Parquet part"):
        read_runs(store)


def test_a_part_whose_column_name_is_not_utf8_is_one_line_and_exit_2(original, store, capsys):
    # Found by the store fuzz campaign (issue 18): one flipped byte in a column's name; Parquet
    # reads the file and the audit's first look at the names raised UnicodeDecodeError.
    part = store / RUNS / part_name(1)
    table = pq.read_table(part)
    pq.write_table(table.rename_columns([*table.column_names[:-1], "zzzzzz"]), part,
                   store_schema=False)  # fmt: skip
    part.write_bytes(part.read_bytes().replace(b"zzzzzz", b"\xe3zzzzz"))
    for command in (["reproduce", str(store), "--workers", "1"], ["report", str(store)]):
        assert main(command) == 2
        _one_error_line(capsys.readouterr().err, str(part), "UnicodeDecodeError")
    assert sweep(load_plan(original[0]), store, workers=1).ok == 1  # set aside and made again
    assert audit(store).whole


def test_a_junk_series_part_is_exit_2_and_a_resumed_sweep_remakes_its_run(original, store, capsys):
    junk = store / SERIES / part_name(2)
    junk.write_bytes(b"\x00" * 64)
    assert main(["report", str(store)]) == 2
    _one_error_line(capsys.readouterr().err, str(junk), "not a readable Parquet part")
    (store / SERIES / part_name(3)).unlink()
    notes = sweep(load_plan(original[0]), store, workers=1).notes
    notes = [n for n in notes if n.startswith(str(store))]  # not a commit made meanwhile
    assert [n.split(": ", 1)[0] for n in notes] == [str(junk), str(store / SERIES / part_name(3))]
    assert "run 2 runs again" in notes[0] and "run 3 runs again" in notes[1]
    assert audit(store).whole


def _set_run(run: str, **fields):
    """An edit giving one run's manifest record these fields."""

    def edit(manifest):
        manifest["runs"][run].update(fields)
        return manifest

    return edit


def _set_level(manifest):
    manifest["arms"][1]["values"]["workforce.establishment_fte"] = 61  # one flipped digit
    return manifest


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # Issue 18, found by the store fuzz campaign: a checksum that is not text was a
        # traceback in reproduce's table.
        (_set_run("0", checksum=5), "runs: '0' needs checksum as text or null, not int"),
        (_set_run("0", checksum=["sha256:0"]), "needs checksum as text or null, not list"),
        (_set_run("2", error={"x": 1}), "runs: '2' needs error as text or null, not dict"),
        # ... an arm's level changed: a resumed sweep remade the run, exited 0 and left the
        # store not whole (the manifest's arm still disowned it).
        (_set_level, "fingerprint: does not match the manifest's experiment spec and arms"),
        # ... a run's arm or replication changed: report and reproduce went on regardless.
        (
            _set_run("1", arm=0),
            "runs: '1' records arm 0 replication 0; in this experiment's "
            "plan it is arm 1 replication 0",
        ),
        (_set_run("3", replication=1), "runs: '3' records arm 3 replication 1; in this"),
        (_set_run("1", arm=True), "runs: '1' needs arm and replication as whole numbers"),
        (lambda m: {**m, "seed": 8}, "seed: 8 is not the experiment spec's 7"),
        (lambda m: {k: v for k, v in m.items() if k != "factor_types"}, "factor_types: missing"),
        (lambda m: [m], "a JSON list, not an object"),
        (lambda m: {**m, "runs": {"0": "ok"}}, "runs: '0' needs a run number and a status"),
        (lambda m: {**m, "arms": m["arms"][:1]}, "runs_planned: 4 is not 1 arms × 1 replications"),
    ],
)
def test_a_damaged_manifest_is_one_line_and_exit_2(original, store, capsys, edit, message):
    _edit_manifest(store, edit)
    sweep_again = ["sweep", str(original[0]), "--out", str(store), "--workers", "1"]
    for command in (["reproduce", str(store)], ["report", str(store)], sweep_again):
        assert main(command) == 2
        _one_error_line(capsys.readouterr().err, str(store / MANIFEST), message)


def test_a_resumed_sweep_sets_damaged_runs_aside_and_makes_them_again(original, store, capsys):
    before = read_runs(store)
    junk = store / RUNS / part_name(0)
    junk.write_bytes(b"junk")
    (store / RUNS / part_name(3)).unlink()
    _set_status(store, 1, "failed")
    assert main(["sweep", str(original[0]), "--out", str(store), "--workers", "1"]) == 0
    printed = capsys.readouterr()
    notes = [n for n in printed.err.splitlines() if n.startswith(f"carepath: note: {store}")]
    assert len(notes) == 3, printed.err
    assert "run 0 runs again" in notes[0] and "set aside in" in notes[0]
    assert "run 1 is failed on disk but ok in the manifest" in notes[1]
    assert "missing" in notes[2] and "run 3 runs again" in notes[2]
    assert "3 runs ok, 0 failed, 1 already done" in printed.out
    (kept,) = (store / "damaged").iterdir()
    assert (kept / RUNS / part_name(0)).read_bytes() == b"junk"  # kept for inspection
    assert (kept / RUNS / part_name(1)).exists() and (kept / SERIES / part_name(1)).exists()
    assert audit(store).whole
    assert read_runs(store).equals(before)  # remade digit for digit
    assert main(["report", str(store)]) == 0


# -- 3. experiment files and --scheduler are refused before anything is made -----------------
@pytest.mark.parametrize(("ftes", "repeated"), [("[60, 60]", "'60'"), ('[1, "1", 1.0]', "'1'")])
def test_duplicate_levels_are_refused_at_load(write_experiment, tmp_path, capsys, ftes, repeated):
    path = write_experiment(ftes=ftes)
    with pytest.raises(ExperimentError, match="levels must differ"):
        read_experiment(path)
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    _one_error_line(
        capsys.readouterr().err,
        "design.factors.workforce.establishment_fte: levels must differ",
        f"{repeated} appears more than once",
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("not a url", "expected a Dask scheduler address"),
        ("http://127.0.0.1:8786", "expected a Dask scheduler address"),
        ("tcp://127.0.0.1:99999", "expected a Dask scheduler address"),
        ("tcp://127.0.0.1:1", "cannot connect"),
    ],
)
def test_a_bad_scheduler_is_refused_quickly_and_leaves_no_folder(
    write_experiment, tmp_path, capsys, address, message
):
    path = write_experiment(replications=1)
    out = tmp_path / "out"
    started = time.monotonic()
    assert main(["sweep", str(path), "--out", str(out), "--scheduler", address]) == 2
    assert time.monotonic() - started < 15
    _one_error_line(capsys.readouterr().err, f"--scheduler {address!r}", message)
    assert not out.exists()


def test_a_refused_folder_gets_no_lock_file(write_experiment, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    assert main(["sweep", str(write_experiment(replications=1)), "--out", str(out)]) == 2
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]


# -- 4. run ranges and design sizes ---------------------------------------------------------
def test_a_design_over_the_budget_is_refused_before_it_is_built(tmp_path, capsys):
    path = tmp_path / "huge.toml"
    path.write_text(
        """
seed = 1
replications = 10000
[design]
kind = "latin_hypercube"
samples = 1000
factors = { "workforce.establishment_fte" = { low = 30, high = 90 } }
"""
    )
    started = time.monotonic()
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    assert time.monotonic() - started < 5
    _one_error_line(
        capsys.readouterr().err,
        f"design: 1,000 arms × 10,000 replications = 10,000,000 runs; "
        f"an experiment may plan at most {MAX_RUNS:,} runs",
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "design",
    [
        'kind = "factorial"\nfactors = { a = [1, 2, 3], b = ["x", "y"] }',
        'kind = "latin_hypercube"\nsamples = 7\nfactors = { a = { low = 0, high = 1 } }',
        'kind = "morris"\ntrajectories = 3\nfactors = { a = { low = 0, high = 1 }, '
        "b = { low = 0, high = 1 } }",
        'kind = "sobol"\nsamples = 4\nfactors = { a = { low = 0, high = 1 }, '
        "b = { low = 0, high = 1 } }",
        'kind = "sobol"\nsamples = 4\nsecond_order = true\nfactors = { a = { low = 0, high = 1 }, '
        "b = { low = 0, high = 1 }, c = { low = 0, high = 1 } }",
    ],
)
def test_the_budget_counts_arms_as_the_design_makes_them(tmp_path, design):
    path = tmp_path / "x.toml"
    path.write_text(f"seed = 1\n[design]\n{design}\n")
    experiment, _ = read_experiment(path)
    assert arm_count(experiment.design) == len(design_arms(experiment))


# -- 5. a model that is not carepath's own needs --trust-model --------------------------------
def test_an_untrusted_model_is_refused_before_it_is_imported(write_experiment, tmp_path, capsys):
    path = write_experiment(replications=1, model="tests.experiments.models:RaisingModel")
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    _one_error_line(
        capsys.readouterr().err,
        "model: 'tests.experiments.models:RaisingModel' is not one of carepath's models",
        "--trust-model",
    )
    assert not out.exists()
    with pytest.raises(ExperimentError, match="not one of carepath's models"):
        load_plan(path)


def test_reproduce_needs_trust_for_a_manifest_naming_another_model(store, capsys):
    model = "tests.experiments.models:SlowModel"

    # Fingerprinted again: a shared manifest may be made consistent, and trust is the gate.
    def rename(manifest):
        manifest["model"] = model
        manifest["experiment"]["spec"]["model"] = model
        return _refingerprint(manifest)

    def rename_spec_only(manifest):
        manifest["experiment"]["spec"]["model"] = model
        return _refingerprint(manifest)

    for edit in (rename_spec_only, rename):  # the spec's model is the one runs import
        _edit_manifest(store, edit)
        assert main(["reproduce", str(store), "--runs", "0"]) == 2
        _one_error_line(capsys.readouterr().err, f"manifest model: {model!r} is not one of")
    assert main(["reproduce", str(store), "--runs", "0", "--workers", "1", "--trust-model"]) == 0


def test_pre_namespace_model_names_are_trusted(store, capsys):
    def rename(manifest):
        manifest["model"] = manifest["experiment"]["spec"]["model"] = "sim.model:CarePathwayModel"
        return _refingerprint(manifest)  # as the sweep that recorded the old name made it

    _edit_manifest(store, rename)
    assert main(["reproduce", str(store), "--runs", "3", "--workers", "1"]) == 0


# -- 6. files and folders follow the umask ---------------------------------------------------
@pytest.mark.parametrize(
    ("umask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)]
)
def test_the_store_honours_the_umask(write_experiment, tmp_path, umask, file_mode, folder_mode):
    previous = os.umask(umask)
    try:
        sweep(load_plan(write_experiment(replications=1, ftes="[60]")), tmp_path / "o", workers=1)
    finally:
        os.umask(previous)
    out = tmp_path / "o"
    for path in (out, out / RUNS, out / SERIES):
        assert stat.S_IMODE(path.stat().st_mode) == folder_mode, path
    for path in (out / MANIFEST, out / LOCK, *(out / RUNS).iterdir(), *(out / SERIES).iterdir()):
        assert stat.S_IMODE(path.stat().st_mode) == file_mode, path
