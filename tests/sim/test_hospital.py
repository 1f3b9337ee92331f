"""The hospital's count of delayed patients waiting for long-term support, kept as people move."""

from __future__ import annotations

from carepath.sim import CarePathwayModel
from carepath.sim.hospital import _AWAITING_LONG_TERM_CARE


def _counted(model: CarePathwayModel) -> int:
    return sum(p.state in _AWAITING_LONG_TERM_CARE for p in model.hospital.delayed_people)


def test_kept_count_equals_the_delayed_patients_counted_every_day():
    # Scarce home care and care homes: patients wait in beds for long-term support.
    model = CarePathwayModel(
        years=0.5,
        rng=4,
        scenario={
            "run": {"warmup_days": 0},
            "population": {"total": 60_000},
            "home_care": {"capacity_hours_per_week": 500.0},
            "care_homes": {"places": 40},
        },
    )
    seen = []
    while model.running:
        model.step()
        kept = model.hospital.delayed_awaiting_long_term_care()
        assert kept == _counted(model), f"day {model.steps}"
        seen.append(kept)
    assert max(seen) > 5  # the test saw delayed patients waiting, not only zeros
    assert model.hospital.delayed_now >= model.hospital.delayed_awaiting_long_term_care()
