"""The statistics of change, all through SciPy: paired t (interval and test), Cohen's
dz, Welch's t on two groups' changes, Hedges' g with its interval, Spearman's rho.

Figures that cannot be worked out (too few people, no spread) are ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# NumPy and SciPy (a second of imports) are imported by the functions that use them, so
# that modules reaching this one (the ToC's indicators, the commands) start fast.

CONFIDENCE = 0.95


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _interval(result) -> list[float | None] | None:
    low, high = result.confidence_interval(CONFIDENCE)
    low, high = _finite(low), _finite(high)
    return None if low is None or high is None else [low, high]


@dataclass(frozen=True)
class Paired:
    n: int
    mean_start: float | None
    mean_last: float | None
    mean_change: float | None
    ci95: list[float] | None  # paired t interval of the mean change
    effect_size_dz: float | None  # mean change / SD of the changes
    p_value: float | None  # paired t-test


def paired(start: Sequence[float], last: Sequence[float]) -> Paired:
    """Change from ``start`` to ``last`` (same people, same order)."""
    import numpy as np
    from scipy import stats

    a, b = np.asarray(start, dtype=float), np.asarray(last, dtype=float)
    n = len(a)
    if n == 0:
        return Paired(0, None, None, None, None, None, None)
    change = b - a
    mean = float(np.mean(change))
    if n < 2:
        return Paired(n, float(np.mean(a)), float(np.mean(b)), mean, None, None, None)
    sd = float(np.std(change, ddof=1))
    if sd == 0:
        return Paired(n, float(np.mean(a)), float(np.mean(b)), mean, None, None, None)
    result = stats.ttest_rel(b, a)
    return Paired(
        n, float(np.mean(a)), float(np.mean(b)), mean, _interval(result), mean / sd,
        _finite(result.pvalue),
    )  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    difference: float | None  # mean of the first minus mean of the second
    ci95: list[float] | None  # Welch's interval of that difference
    p_value: float | None  # Welch's t-test
    hedges_g: float | None
    hedges_g_ci95: list[float] | None


def compare(first: Sequence[float], second: Sequence[float]) -> Comparison:
    """Two independent groups: Welch's t (unequal variances) and Hedges' g."""
    import numpy as np
    from scipy import stats

    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if len(a) == 0 or len(b) == 0:
        return Comparison(None, None, None, None, None)
    difference = float(np.mean(a) - np.mean(b))
    if len(a) < 2 or len(b) < 2 or (np.var(a) == 0 and np.var(b) == 0):
        return Comparison(difference, None, None, None, None)
    result = stats.ttest_ind(a, b, equal_var=False)
    g, g_ci = hedges_g(a, b)
    return Comparison(difference, _interval(result), _finite(result.pvalue), g, g_ci)


def hedges_g(first: Sequence[float], second: Sequence[float]) -> tuple[float, list[float]]:
    """Hedges' g (Cohen's d on the pooled SD, times the small-sample correction J) and its
    95 % interval from the large-sample variance of d (Borenstein et al. 2009, ch. 4:
    V_d = (n1+n2)/(n1 n2) + d^2 / (2 (n1+n2)), J = 1 - 3/(4 df - 1), V_g = J^2 V_d)."""
    import numpy as np
    from scipy import stats

    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    n1, n2 = len(a), len(b)
    df = n1 + n2 - 2
    pooled = math.sqrt(((n1 - 1) * np.var(a, ddof=1) + (n2 - 1) * np.var(b, ddof=1)) / df)
    d = float(np.mean(a) - np.mean(b)) / pooled
    j = 1 - 3 / (4 * df - 1)
    se = j * math.sqrt((n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2)))
    z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
    g = j * d
    return g, [g - z * se, g + z * se]


@dataclass(frozen=True)
class Correlation:
    n: int
    rho: float | None
    p_value: float | None


def spearman(x: Sequence[float], y: Sequence[float]) -> Correlation:
    """Spearman's rank correlation; its p-value is SciPy's (t distribution, n - 2 df)."""
    from scipy import stats

    n = len(x)
    if n < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return Correlation(n, None, None)
    result = stats.spearmanr(x, y)
    return Correlation(n, _finite(result.statistic), _finite(result.pvalue))
