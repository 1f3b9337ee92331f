"""EVPPI, tornado and thresholds against a synthetic model whose answers are known exactly."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from carepath.experiments.appraise.metamodel import (
    decile_effects,
    evpi,
    evppi,
    fit_smooth,
    thresholds,
)

N = 3000


@pytest.fixture(scope="module")
def draws() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    return rng.standard_normal(N), rng.standard_normal(N)


def test_evppi_of_a_linear_net_benefit_matches_its_closed_form(draws):
    # INB = a·X1 + b·X2 with X ~ N(0, 1): learning X1 lets one choose the option exactly when
    # a·X1 > 0, worth E[max(0, a·X1)] = |a| / sqrt(2π); both together: sqrt(a² + b²) / sqrt(2π).
    x1, x2 = draws
    a, b = 3.0, 1.0
    nb = np.column_stack([np.zeros(N), a * x1 + b * x2])
    fit1 = fit_smooth(x1, nb[:, 1]).fitted
    fit2 = fit_smooth(x2, nb[:, 1]).fitted
    root = math.sqrt(2 * math.pi)
    assert evppi(nb, np.column_stack([np.zeros(N), fit1])) == pytest.approx(a / root, rel=0.06)
    assert evppi(nb, np.column_stack([np.zeros(N), fit2])) == pytest.approx(b / root, rel=0.15)
    both = fit_smooth(np.column_stack([x1, x2]), nb[:, 1]).fitted
    total = math.hypot(a, b) / root
    assert evppi(nb, np.column_stack([np.zeros(N), both])) == pytest.approx(total, rel=0.06)
    assert evpi(nb) == pytest.approx(total, rel=0.06)


def test_evppi_is_zero_when_the_decision_cannot_change(draws):
    # The option is better by 10 whatever X1 is (|X1| < 4 in these draws): no value in learning it.
    x1, x2 = draws
    nb = np.column_stack([np.zeros(N), 10.0 + x1 + 0.5 * x2])
    fitted = np.column_stack([np.zeros(N), fit_smooth(x1, nb[:, 1]).fitted])
    assert evppi(nb, fitted) == pytest.approx(0.0, abs=1e-9)


def test_evppi_sees_a_nonlinear_effect_through_the_spline(draws):
    # INB = X1² - 1 (mean 0): the option wins when |X1| > 1; E[max(0, X1² - 1)] is
    # 2·[(1 + 1)·(1 - Φ(1)) + φ(1)] - 2·(1 - Φ(1)) = 2·φ(1) ≈ 0.4839 (a linear fit sees 0).
    x1, _ = draws
    nb = np.column_stack([np.zeros(N), x1**2 - 1.0])
    fitted = np.column_stack([np.zeros(N), fit_smooth(x1, nb[:, 1]).fitted])
    expected = 2 * math.exp(-0.5) / math.sqrt(2 * math.pi) - 0.0
    expected -= max(0.0, float(np.mean(nb[:, 1])))  # the sample mean is not exactly 0
    assert evppi(nb, fitted) == pytest.approx(expected, rel=0.08)


def test_threshold_is_where_the_expected_difference_changes_sign(draws):
    # E[INB | X1] = 2 + 4·X1 (X2 averages out): the option pays only when X1 > -0.5.
    x1, x2 = draws
    noisy = 2.0 + 4.0 * x1 + 3.0 * x2
    smooth = fit_smooth(x1, noisy)
    found = thresholds(smooth, float(x1.min()), float(x1.max()))
    assert len(found) == 1
    assert found[0] == pytest.approx(-0.5, abs=0.08)
    low, high = decile_effects(smooth, x1)
    q10, q90 = np.quantile(x1, [0.1, 0.9])
    assert low == pytest.approx(2 + 4 * q10, abs=0.2)
    assert high == pytest.approx(2 + 4 * q90, abs=0.2)


def test_no_threshold_when_the_sign_never_changes(draws):
    x1, _ = draws
    smooth = fit_smooth(x1, 5.0 + 0.1 * x1)
    assert thresholds(smooth, float(x1.min()), float(x1.max())) == []


def test_a_constant_parameter_fits_the_mean():
    y = np.array([1.0, 2.0, 3.0, 6.0])
    smooth = fit_smooth(np.full(4, 0.3), y)
    assert np.allclose(smooth.fitted, 3.0)


def test_a_fit_to_noise_is_not_significant_and_a_real_effect_is(draws):
    x1, _ = draws
    rng = np.random.default_rng(3)
    assert fit_smooth(x1[:100], rng.standard_normal(100)).p_value > 0.01
    assert fit_smooth(x1[:100], 0.5 * x1[:100] + rng.standard_normal(100)).p_value < 1e-4


def test_sensitivity_reads_a_planted_threshold_and_its_direction(tmp_path):
    # The appraisal's own analysis on made-up differences: the option's wait falls by
    # 100·(0.3 - admin share) days, so it is shorter (better) only below an admin share of 0.3.
    from carepath.experiments.appraise.analysis import NET_BENEFIT, sensitivity
    from carepath.experiments.appraise.plan import load_appraisal

    path = tmp_path / "a.toml"
    path.write_text(
        'name = "a"\nseed = 1\noptions = ["in_house", "social_work_practice"]\ndraws = 200\n'
        "horizon_years = 1\nwarmup_days = 180\n"
    )
    planned = load_appraisal(path)
    j = [c.name for c in planned.columns].index("social_work_practice:workforce.admin_share")
    admin = planned.values[:, j]
    wait = "assessment.wait_median_days_community"
    pairs = pd.DataFrame(
        {
            "draw": np.arange(200),
            "option": "social_work_practice",
            "replication": 0,
            wait: 100.0 * (admin - 0.3),
            NET_BENEFIT: 1e5 * (0.3 - admin),
        }
    )
    found = sensitivity(pairs, planned, [wait, NET_BENEFIT])
    row = found.thresholds.set_index(["parameter", "kpi"]).loc[("workforce.admin_share", wait)]
    assert row["threshold"] == pytest.approx(0.3, abs=0.003)
    assert row["better_when"] == "below"
    # Only the admin share moves the net benefit, so it carries all the value of information.
    evppi = found.evppi.set_index("parameter")["evppi"]
    assert evppi["workforce.admin_share"] == pytest.approx(found.evpi, rel=0.02)
    # The others' can only come from chance correlation in the sample (the known upward bias
    # of regression EVPPI at small samples): small beside it.
    assert evppi.drop("workforce.admin_share").max() < 0.05 * found.evpi


def test_a_fit_on_several_parameters_ignores_one_that_does_not_vary(draws):
    x1, x2 = draws
    both = np.column_stack([np.full(N, 0.5), x1, x2])
    smooth = fit_smooth(both, 2.0 * x1 - x2)
    assert np.allclose(smooth.fitted, 2.0 * x1 - x2, atol=1e-3)
    assert smooth.predict(np.array([[0.5, 1.0, 1.0]]))[0] == pytest.approx(1.0, abs=1e-3)
