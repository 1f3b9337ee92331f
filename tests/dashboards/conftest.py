"""Fixtures for the dashboard tests: a small experiment folder, and rendering helpers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from carepath.experiments.store import plan_fingerprint


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: end-to-end tests in headless Chromium (need /usr/bin/chromium)"
    )


# The committed example of `carepath appraise`'s tables (experiments/expected/appraisal).
EXAMPLE_APPRAISAL = Path(__file__).resolve().parents[2] / "experiments" / "expected" / "appraisal"


@pytest.fixture
def appraisal_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A root folder holding a copy of the committed example as ``OUT/appraisal``."""
    from carepath.dashboards import appraisal_results, results

    shutil.copytree(EXAMPLE_APPRAISAL, tmp_path / "out" / "appraisal")
    monkeypatch.setenv(results.ROOT_ENV, str(tmp_path))
    monkeypatch.delenv(appraisal_results.APPRAISAL_ENV, raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def appraisal_dir(experiment_dir: Path) -> Path:
    """The committed example appraisal as a full run leaves it: ``OUT/appraisal`` with its
    tables and a committee report (``report.html``), beside the test experiment.
    """
    folder = experiment_dir.parent / "appraisal-run" / "appraisal"
    shutil.copytree(EXAMPLE_APPRAISAL, folder)
    # The example keeps report.md only; a full run writes report.html beside it.
    (folder / "report.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Options appraisal: appraisal</title></head><body>"
        "<h1>Options appraisal: appraisal</h1><p>Summary for the committee.</p></body></html>",
        encoding="utf-8",
    )
    return folder.parent


@pytest.fixture(scope="session")
def experiment_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An experiment folder in the store's format: 2 presets x 2 practices x 4 replications."""
    folder = tmp_path_factory.mktemp("experiment") / "tiny"
    (folder / "runs.parquet").mkdir(parents=True)
    rng = np.random.default_rng(3)
    arms = [
        ("in_house", False),
        ("in_house", True),
        ("social_enterprise", False),
        ("social_enterprise", True),
    ]
    for arm, (preset, strengths) in enumerate(arms):
        for rep in range(4):
            run_id = rep * len(arms) + arm  # the store numbers runs replication by replication
            row = {
                "run_id": run_id,
                "arm": arm,
                "arm_label": f"preset={preset}, strengths_based={strengths}",
                "replication": rep,
                "status": "ok",
                "error": None,
                "organisation.preset": preset,
                "practice.strengths_based": strengths,
                "assessment.wait_median_days": 20.0 + 5 * arm + rng.normal(0, 1),
                "hospital.delayed_bed_days_per_year": 15000.0 - 500 * arm + rng.normal(0, 200),
                "cost.total_per_year": 7.5e7 + 1e6 * arm + rng.normal(0, 2e5),
            }
            pd.DataFrame([row]).to_parquet(folder / "runs.parquet" / f"run-{run_id:06d}.parquet")
    # Every field the store checks a manifest for; the spec describes the same 2 x 2 design.
    spec = {
        "name": "tiny",
        "seed": 1,
        "replications": 4,
        "design": {
            "kind": "factorial",
            "factors": {
                "organisation.preset": ["in_house", "social_enterprise"],
                "practice.strengths_based": [False, True],
            },
        },
    }
    labels = [f"preset={p}, strengths_based={s}" for p, s in arms]
    arm_records = [
        {
            "arm": i,
            "label": label,
            "values": {"organisation.preset": p, "practice.strengths_based": s},
            "scenario": {},
        }
        for i, (label, (p, s)) in enumerate(zip(labels, arms, strict=True))
    ]
    manifest = {
        "format": "carepath-experiment/1",
        "experiment": {"name": "tiny", "spec": spec},
        # As a sweep fingerprints its plan, so the store takes the manifest as unedited.
        "fingerprint": plan_fingerprint(spec, arm_records),
        "seed": 1,
        "replications": 4,
        "seeding": "SeedSequence(seed).spawn(replications)",
        "model": "carepath.sim.model:CarePathwayModel",
        "baseline": labels[0],
        "arms": arm_records,
        "factor_types": {"organisation.preset": "string", "practice.strengths_based": "bool"},
        "runs_planned": 16,
        "runs": {
            str(i): {"status": "ok", "arm": i % len(arms), "replication": i // len(arms)}
            for i in range(16)
        },
        "environment": {},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder
