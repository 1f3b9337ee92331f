"""Distributions of preset values: unit-interval draws map to the declared marginals."""

import math

import numpy as np
import pytest
from carepath.sim.evidence import Distribution
from carepath.sim.presets import PRESETS
from scipy import stats
from scipy.stats import qmc


def triangular_cdf(x: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """The triangular CDF written out, independent of scipy's parametrisation."""
    x = np.clip(np.asarray(x, dtype=float), low, high)
    rising = (x - low) ** 2 / ((high - low) * (mode - low)) if mode > low else 0 * x
    falling = 1 - (high - x) ** 2 / ((high - low) * (high - mode)) if high > mode else 0 * x + 1
    return np.where(x <= mode, rising, falling)


def uniform_cdf(x: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip((np.asarray(x, dtype=float) - low) / (high - low), 0.0, 1.0)


def declared_cdf(dist: Distribution):
    if dist.shape == "triangular":
        return lambda x: triangular_cdf(x, dist.low, dist.point, dist.high)
    return lambda x: uniform_cdf(x, dist.low, dist.high)


SHAPES = [
    Distribution("triangular", 0.2, 0.35, 0.25),
    Distribution("triangular", 0.0, 0.15, 0.15),  # mode at the top
    Distribution("triangular", 0.0, 1.0, 0.0),  # mode at the bottom
    Distribution("triangular", 100_000.0, 700_000.0, 300_000.0),
    Distribution("uniform", 0.25, 0.45, 0.35),
    Distribution("uniform", -0.1, 0.1, 0.0),
]


@pytest.mark.parametrize("dist", SHAPES, ids=lambda d: d.describe())
def test_latin_hypercube_draws_have_the_declared_marginal(dist):
    draws = qmc.LatinHypercube(d=1, rng=np.random.default_rng(7)).random(2000)[:, 0]
    values = dist.ppf(draws)
    assert values.shape == (2000,)
    assert values.min() >= dist.low and values.max() <= dist.high
    # Kolmogorov-Smirnov against the CDF written out above, not scipy's own.
    assert stats.kstest(values, declared_cdf(dist)).pvalue > 0.01


@pytest.mark.parametrize("dist", SHAPES, ids=lambda d: d.describe())
def test_independent_draws_match_the_declared_moments_and_quantiles(dist):
    values = dist.ppf(np.random.default_rng(11).random(20_000))
    mean = (dist.low + dist.point + dist.high) / 3 if dist.shape == "triangular" else dist.point
    spread = dist.high - dist.low
    assert abs(values.mean() - mean) < 0.02 * spread
    for q in (0.1, 0.5, 0.9):
        # The declared CDF at the empirical quantile is close to q.
        assert abs(declared_cdf(dist)(np.quantile(values, q)) - q) < 0.02


@pytest.mark.parametrize("dist", SHAPES, ids=lambda d: d.describe())
def test_the_point_value_is_the_mode_or_median_as_declared(dist):
    frozen = dist.frozen()
    if dist.shape == "uniform":
        assert math.isclose(dist.ppf(0.5), dist.point, rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(frozen.median(), dist.point, abs_tol=1e-12)
    else:
        grid = np.linspace(dist.low, dist.high, 1001)
        peak = grid[np.argmax(frozen.pdf(grid))]
        assert abs(peak - dist.point) <= (dist.high - dist.low) / 1000
        assert math.isclose(
            dist.ppf(triangular_cdf(dist.point, dist.low, dist.point, dist.high)),
            dist.point,
            abs_tol=1e-9 * (dist.high - dist.low),
        )


def test_ppf_maps_the_ends_of_the_unit_interval_to_the_bounds_and_keeps_shape():
    dist = Distribution("triangular", 0.2, 0.35, 0.25)
    assert dist.ppf(0.0) == 0.2 and dist.ppf(1.0) == 0.35
    assert isinstance(dist.ppf(0.5), float)
    assert dist.ppf([[0.0, 1.0], [0.5, 0.5]]).shape == (2, 2)
    assert np.all(np.diff(dist.ppf(np.linspace(0, 1, 50))) >= 0)  # monotone


@pytest.mark.parametrize("u", [-0.01, 1.01, float("nan"), [0.5, 2.0]])
def test_ppf_refuses_quantiles_outside_the_unit_interval(u):
    with pytest.raises(ValueError, match=r"quantiles must lie in \[0, 1\]"):
        Distribution("uniform", 0.0, 1.0, 0.5).ppf(u)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pert", 0.0, 1.0, 0.5), "shape 'pert' is unknown; allowed: triangular, uniform"),
        (("triangular", 1.0, 0.0, 0.5), "low 1.0 must be below high 0.0"),
        (("triangular", 0.0, 1.0, 1.5), r"\[0.0, 1.0\] does not contain the value 1.5"),
        (("uniform", 0.0, 1.0, 0.4), "a uniform range must be centred on the value 0.4"),
        (("triangular", 0.0, math.inf, 0.5), "low, high and the value must be finite numbers"),
        (("triangular", 0.0, 1.0, True), "low, high and the value must be finite numbers"),
    ],
)
def test_an_inconsistent_distribution_is_refused_in_one_line(args, message):
    with pytest.raises(ValueError, match=message) as caught:
        Distribution(*args)
    assert "\n" not in str(caught.value)


def test_describe_reads_like_the_docs():
    assert Distribution("triangular", 0.2, 0.35, 0.25).describe() == (
        "triangular 0.2 to 0.35, mode 0.25"
    )
    assert Distribution("uniform", 100_000.0, 500_000.0, 300_000.0).describe() == (
        "uniform 100,000 to 500,000, centre 300,000"
    )


def test_every_shipped_distribution_samples_its_declared_shape_around_the_point():
    dists = {
        p.distribution
        for preset in PRESETS.values()
        for p in preset.parameters
        if p.distribution is not None
    }
    assert len(dists) > 20
    draws = qmc.LatinHypercube(d=len(dists), rng=np.random.default_rng(3)).random(500)
    for column, dist in zip(draws.T, sorted(dists, key=repr), strict=True):
        values = dist.ppf(column)
        assert stats.kstest(values, declared_cdf(dist)).pvalue > 0.01, dist
        below = np.mean(values <= dist.point)
        expected = declared_cdf(dist)(dist.point)
        assert abs(below - expected) < 0.05, dist
