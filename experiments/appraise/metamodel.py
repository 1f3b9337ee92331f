"""Regression metamodels of simulated differences: EVPPI, tornado values and thresholds.

The expected value of partial perfect information (EVPPI) of a group of parameters is what a
decision maker would gain, on average, by learning their true values before choosing:

    EVPPI(θ) = E_θ[ max_d E(NB_d | θ) ] − max_d E(NB_d)

The inner conditional expectation is estimated, as in Strong, Oakley and Brennan (2014,
Medical Decision Making 34:311), by regressing each option's simulated net benefit on the
parameters of the group and taking the fitted values; the regression here is a penalised
cubic spline (additive across a group's parameters), its smoothness chosen by generalised
cross-validation as ``mgcv``'s GAMs choose theirs, written with numpy so that it adds no
dependency. The same fits give a tornado (the expected difference at the low and high decile
of a parameter) and thresholds (where the expected difference changes sign).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Interior knots of each parameter's spline: at quantiles, as many as the data support.
MAX_KNOTS = 8
# Fewer points than this and a cubic would chase noise (four points fit any cubic): a line.
MIN_FOR_CUBIC = 12
_LAMBDAS = np.logspace(-8, 4, 25)


@dataclass(frozen=True)
class Smooth:
    """A fitted penalised spline ``y ≈ f(x)`` (additive over the columns of ``x``)."""

    centre: np.ndarray
    scale: np.ndarray
    knots: tuple[np.ndarray, ...]
    coef: np.ndarray
    fitted: np.ndarray
    edf: float = 1.0
    p_value: float = 1.0

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The fitted function at new points (rows of ``x``, or a vector for one column)."""
        basis, _ = _basis(_as_matrix(x), self.centre, self.scale, self.knots)
        return basis @ self.coef


def _as_matrix(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x[:, None] if x.ndim == 1 else x


def _basis(
    x: np.ndarray, centre: np.ndarray, scale: np.ndarray, knots: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Truncated-power cubic basis and its penalty (on the knot terms: the wiggliness)."""
    z = (x - centre) / scale
    blocks, penalised = [np.ones((len(x), 1))], [0.0]
    for j, kj in enumerate(knots):
        col = z[:, j : j + 1]
        blocks.append(np.hstack([col, col**2, col**3]))
        penalised += [0.0, 0.0, 0.0]
        if len(kj):
            blocks.append(np.clip(col - kj[None, :], 0.0, None) ** 3)
            penalised += [1.0] * len(kj)
    return np.hstack(blocks), np.diag(penalised)


def fit_smooth(x: np.ndarray, y: np.ndarray) -> Smooth:
    """Fit ``y`` on ``x`` (a vector, or rows × parameters) by a GCV-chosen penalised spline.

    A parameter that does not vary contributes nothing; with no varying parameter the fit is
    the mean of ``y``.
    """
    x, y = _as_matrix(x), np.asarray(y, dtype=float)
    n = len(y)
    centre = x.mean(axis=0)
    spread = x.std(axis=0)
    varying = spread > 0
    scale = np.where(varying, spread, 1.0)
    z = (x - centre) / scale
    knots = []
    for j in range(x.shape[1]):
        if not varying[j]:
            knots.append(np.empty(0))
            continue
        count = int(min(MAX_KNOTS, max(0, n // 10 - 1))) if n >= MIN_FOR_CUBIC else 0
        inner = np.unique(np.quantile(z[:, j], np.linspace(0, 1, count + 2)[1:-1]))
        knots.append(inner)
    knots_t = tuple(knots)
    basis, penalty = _basis(x, centre, scale, knots_t)
    cubic = n >= MIN_FOR_CUBIC
    # In _basis's order: the intercept, then each parameter's x, x², x³ and its knot terms.
    flags = [True]
    for v, kj in zip(varying, knots_t, strict=True):
        flags += [bool(v), bool(v and cubic), bool(v and cubic)] + [bool(v)] * len(kj)
    keep = np.array(flags)
    basis, penalty = basis[:, keep], penalty[np.ix_(keep, keep)]
    gram, rhs = basis.T @ basis, basis.T @ y
    # A tiny ridge on every term keeps the cubic terms of a nearly collinear basis solvable.
    jitter = 1e-9 * np.trace(gram) / max(len(gram), 1) * np.eye(len(gram))
    jitter[0, 0] = 0.0
    best: tuple[float, np.ndarray, float, float] | None = None
    for lam in _LAMBDAS:
        a = gram + lam * n * penalty + jitter
        coef = np.linalg.solve(a, rhs)
        hat_trace = float(np.trace(np.linalg.solve(a, gram)))
        rss = float(np.sum((y - basis @ coef) ** 2))
        gcv = n * rss / max(n - hat_trace, 1e-9) ** 2
        if best is None or gcv < best[0]:
            best = (gcv, coef, hat_trace, rss)
    assert best is not None
    _, coef, edf, rss = best
    full = np.zeros(len(keep))
    full[keep] = coef
    return Smooth(centre, scale, knots_t, full, basis @ coef, edf, _p_value(y, rss, edf))


def _p_value(y: np.ndarray, rss: float, edf: float) -> float:
    """An approximate F test of the fit against the mean alone (as mgcv reports for a smooth).

    Small when the parameters explain more of ``y`` than chance would with ``edf - 1``
    effective degrees of freedom: a threshold read off a fit that chance explains as well is
    noise.
    """
    from scipy import stats

    n = len(y)
    df_model, df_resid = edf - 1.0, n - edf
    rss0 = float(np.sum((y - y.mean()) ** 2))
    if df_model <= 1e-6 or df_resid <= 0 or rss0 <= 0:
        return 1.0
    if rss <= 1e-12 * rss0:
        return 0.0
    f = ((rss0 - rss) / df_model) / (rss / df_resid)
    return float(stats.f.sf(f, df_model, df_resid))


def evppi(net_benefit: np.ndarray, fitted: np.ndarray) -> float:
    """EVPPI from each option's net benefit and its fit on the parameters of interest.

    Args:
        net_benefit: draws × options (the current arrangement may be a column of zeros when
            the net benefits are differences from it).
        fitted: the same shape: each option's conditional expectation given the parameters.

    Returns:
        ``mean(max over options of fitted) − max over options of mean(net benefit)``; never
        below 0 up to rounding, since the mean of a maximum is at least the maximum of means.
    """
    fitted = np.asarray(fitted, dtype=float)
    value = float(np.mean(fitted.max(axis=1)) - np.max(np.mean(net_benefit, axis=0)))
    return max(value, 0.0)


def evpi(net_benefit: np.ndarray) -> float:
    """Expected value of perfect information on every parameter (an upper bound on EVPPI).

    Estimated from the draws directly, so any simulation noise left in ``net_benefit`` makes
    it an overestimate.
    """
    nb = np.asarray(net_benefit, dtype=float)
    return float(np.mean(nb.max(axis=1)) - np.max(nb.mean(axis=0)))


def thresholds(smooth: Smooth, low: float, high: float, points: int = 401) -> list[float]:
    """Where a one-parameter fit crosses zero between ``low`` and ``high`` (interpolated).

    Only a fit whose sign differs at the two ends has a threshold: a wiggle that dips across
    zero and back is noise in the metamodel, not a value that decides the sign. Callers
    should also check ``smooth.p_value``.
    """
    grid = np.linspace(low, high, points)
    values = smooth.predict(grid)
    if values[0] * values[-1] >= 0:
        return []
    found = []
    for i in range(points - 1):
        a, b = values[i], values[i + 1]
        if a == 0.0 and (i == 0 or values[i - 1] != 0.0):
            found.append(float(grid[i]))
        elif a * b < 0:
            found.append(float(grid[i] + (grid[i + 1] - grid[i]) * a / (a - b)))
    return found


def decile_effects(smooth: Smooth, x: np.ndarray) -> tuple[float, float]:
    """The fitted value at the 10th and the 90th percentile of one parameter's draws."""
    low, high = np.quantile(np.asarray(x, dtype=float), [0.1, 0.9])
    low_value, high_value = smooth.predict(np.array([low, high]))
    return float(low_value), float(high_value)
