"""Numbers at the edges of the float range: column statistics and squared errors that neither
overflow nor underflow, shared by the learners, the sampler and the metrics."""

from __future__ import annotations

import numpy as np


def mean_std(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations; columns whose sums or squares overflow (values near
    1e308) or underflow (a spread below 1e-150, whose squares are subnormal or 0) are computed on
    the column divided by its largest magnitude, then scaled back.

    >>> [float(v) for v in mean_std(np.array([[1e308], [-1e308]]))[1]]
    [1e+308]
    >>> [float(v) for v in mean_std(np.array([[1e-300], [-1e-300]]))[1]]
    [1e-300]
    """
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        mu, sd = A.mean(axis=0), A.std(axis=0)
    bad = ~(np.isfinite(mu) & np.isfinite(sd)) | (sd < 1e-150)
    if bad.any():
        top = np.max(np.abs(A[:, bad]), axis=0)
        top = np.where(top > 0, top, 1.0)  # a column of zeros stays one
        scaled = A[:, bad] / top
        mu[bad], sd[bad] = scaled.mean(axis=0) * top, scaled.std(axis=0) * top
    return mu, sd


def value_unit(values: np.ndarray) -> float:
    """A power of two to multiply regression values by before squaring them: 1.0 for values within
    2**+-256 of 1 (their squares and sums of squares are finite and not subnormal), else one that
    brings the largest near 1, so teachers answering 1e200s or 1e-300s are fitted as 1s are (their
    squares overflowed to inf or underflowed to 0, and every split or weight looked worthless).
    Powers of two scale exactly: the models learnt do not change. Subnormal values (below 2**-1022)
    are scaled by 2**1023, up to about 1e-13.

    >>> value_unit(np.array([3.0, -40.0])), value_unit(np.array([1e200])) * 1e200, value_unit(np.zeros(2))
    (1.0, 0.6532..., 1.0)
    """
    top = float(np.max(np.abs(values))) if len(values) else 0.0
    if not 0 < top < np.inf:
        return 1.0
    exp = int(np.frexp(top)[1])
    # At most 2**1023, the largest power of two a double holds: values below the smallest normal one
    # (1e-310) asked for 2**1030, which was inf, and every fit of them failed.
    return float(np.ldexp(1.0, min(-exp, 1023))) if abs(exp) > 256 else 1.0


def mean_value(values: np.ndarray, weights: np.ndarray, unit: float = 1.0) -> float:
    """The weighted mean of regression values (computed times ``unit``, see :func:`value_unit`), kept
    within their range: a sum of one repeated value rounds (a weighted mean of 0.1s can be
    0.10000000000000003, of 7.25s 7.250000000000054), so a leaf or rule where the teacher answers
    one value predicts that value exactly. Unit weights are used where the weights sum to zero.

    >>> mean_value(np.full(7, 0.1), np.full(7, 1 / 7)), mean_value(np.array([1.0, 3.0]), np.zeros(2))
    (0.1, 2.0)
    """
    y = values * unit
    mean = float(np.average(y, weights=weights)) if weights.sum() > 0 else float(y.mean())
    out = float(np.clip(mean / unit, values.min(), values.max()))
    # A sum of -0.0s is +0.0: a teacher answering -0.0 throughout is answered with its sign, as the
    # linear model's intercept keeps it.
    return -0.0 if out == 0 and np.signbit(values).all() else out
