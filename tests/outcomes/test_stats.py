"""The statistics against worked examples with published answers."""

from __future__ import annotations

import numpy as np
import pytest

from toc_studio.outcomes import stats

# Student's sleep data (Cushny & Peebles 1905, analysed by "Student" 1908): extra hours of
# sleep for ten patients under two drugs; R's datasets::sleep.
DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_paired_t_matches_the_sleep_data_example():
    """R's documented example ``t.test(extra ~ group, data = sleep, paired = TRUE)``
    prints t = -4.0621, df = 9, p-value = 0.002833, 95 percent confidence interval
    -2.4598858 -0.7001142, mean difference -1.58 (group 1 minus group 2; here the change
    is group 2 minus group 1, so the signs flip)."""
    result = stats.paired(DRUG_1, DRUG_2)
    assert result.n == 10
    assert result.mean_change == pytest.approx(1.58)
    assert result.ci95 == pytest.approx([0.7001142, 2.4598858], abs=1e-7)
    assert result.p_value == pytest.approx(0.002833, abs=5e-7)
    # dz = t / sqrt(n) for a paired design: 4.0621 / sqrt(10)
    assert result.effect_size_dz == pytest.approx(4.0621 / np.sqrt(10), abs=1e-4)


def test_welch_matches_the_sleep_data_example():
    """R's ``t.test(extra ~ group, data = sleep)`` (Welch by default): t = -1.8608,
    df = 17.776, p-value = 0.07939, 95 percent CI -3.3654832 0.2054832, means 0.75 and
    2.33."""
    result = stats.compare(DRUG_1, DRUG_2)
    assert result.difference == pytest.approx(-1.58)
    assert result.ci95 == pytest.approx([-3.3654832, 0.2054832], abs=1e-7)
    assert result.p_value == pytest.approx(0.07939, abs=5e-6)


def _sample(mean: float, sd: float, n: int, reverse: bool = False) -> np.ndarray:
    z = np.linspace(-1, 1, n)
    z = (z - z.mean()) / z.std(ddof=1)
    return mean + sd * (z[::-1] if reverse else z)


def test_hedges_g_matches_borenstein_worked_example():
    """Borenstein, Hedges, Higgins & Rothstein (2009) Introduction to Meta-Analysis,
    ch. 4: means 103 and 100, SDs 5.5 and 4.5, n = 50 each: d = 0.5970, J = 0.9923,
    g = 0.5924, SE(g) = 0.2028."""
    g, (low, high) = stats.hedges_g(_sample(103, 5.5, 50), _sample(100, 4.5, 50, True))
    assert g == pytest.approx(0.5924, abs=1e-4)
    assert (high - low) / 2 / 1.959964 == pytest.approx(0.2028, abs=1e-4)
    assert (low + high) / 2 == pytest.approx(g)


def test_spearman_matches_hollander_and_wolfe_example():
    """Hollander & Wolfe (1973, p. 187), R's ``cor.test(x, y, method = "spearman")``
    example: rho = 0.6 (S = 48). SciPy's p-value uses the t distribution with n - 2 = 7
    df: t = 0.6 * sqrt(7 / 0.64) = 1.9843, two-sided p = 0.0876 (R's exact p is 0.0968)."""
    x = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1]
    y = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8]
    result = stats.spearman(x, y)
    assert result.n == 9
    assert result.rho == pytest.approx(0.6)
    assert result.p_value == pytest.approx(0.0876, abs=5e-5)


def test_figures_that_cannot_be_worked_out_are_none():
    assert stats.paired([3], [5]).ci95 is None
    same = stats.paired([3, 4, 5], [4, 5, 6])  # every change is +1: no spread
    assert same.mean_change == 1 and same.p_value is None and same.effect_size_dz is None
    assert stats.compare([1.0], [2.0, 3.0]).p_value is None
    assert stats.spearman([1, 2], [2, 1]).rho is None
