"""Small experiments that run in seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY = """
name = "tiny"
seed = 7
replications = {replications}
model = "{model}"

[scenario]
years = 0.1
warmup_days = 0

[design]
kind = "factorial"
factors = {{ "organisation.preset" = ["in_house", "outsourced"], "workforce.establishment_fte" = {ftes} }}

[outputs]
kpis = [
  "assessment.wait_median_days",
  "demand.requests_per_year",
  "demand.share_repeat_requests",
  "cost.total_per_year",
]
timeseries = ["waiting_for_assessment", "delayed_discharges"]
timeseries_every_days = 5
"""


@pytest.fixture
def write_experiment(tmp_path: Path):
    """Write a tiny experiment file; returns its path."""

    def write(
        *,
        replications: int = 2,
        model: str = "carepath.sim.model:CarePathwayModel",
        ftes: str = "[60, 80]",
        text: str | None = None,
        name: str = "tiny.toml",
    ) -> Path:
        path = tmp_path / name
        body = (
            text
            if text is not None
            else TINY.format(replications=replications, model=model, ftes=ftes)
        )
        path.write_text(body)
        return path

    return write
