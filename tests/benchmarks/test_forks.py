"""The forked-run benchmark measures forks of one warm-up, each running the years asked for."""

from __future__ import annotations

from benchmarks import forks


def test_forks_run_the_years_after_the_change_for_each_option_in_turn() -> None:
    result = forks.measure(
        20_000,
        forks=3,
        warmup_days=60,
        after_years=0.25,
        seed=3,
        options=("outsourced", "care_trust_plus"),
    )
    assert [r["option"] for r in result["forks"]] == ["outsourced", "care_trust_plus", "outsourced"]
    assert all(r["days"] == round(0.25 * 365) for r in result["forks"])
    assert all(r["cpu_s"] > 0 for r in result["forks"])
    low, high = result["fork_cpu_s_range"]
    assert low <= result["fork_cpu_s_median"] <= high
    assert result["frozen_mb"] > 0 and result["warmup_cpu_s"] > 0
