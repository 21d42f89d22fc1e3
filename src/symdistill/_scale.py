"""Numbers at the edges of the float range: column statistics and squared errors that neither
overflow nor underflow, shared by the learners, the sampler and the metrics."""

from __future__ import annotations

from typing import Callable

import numpy as np


def mean_std(A: np.ndarray, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations; columns whose sums or squares overflow (values near
    1e308) or underflow (a spread below 1e-150, whose squares are subnormal or 0) are computed on
    the column divided by its largest magnitude, then scaled back.

    With ``rows``, those of ``A``'s rows (in that order): the statistics of ``A[rows]``, to the bit,
    without copying it (see :func:`_row_stats`).

    >>> [float(v) for v in mean_std(np.array([[1e308], [-1e308]]))[1]]
    [1e+308]
    >>> [float(v) for v in mean_std(np.array([[1e-300], [-1e-300]]))[1]]
    [1e-300]
    """
    if rows is not None and (A.ndim != 2 or A.shape[1] < 2 or not len(rows)):
        A, rows = A[rows], None
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        mu, sd = (A.mean(axis=0), A.std(axis=0)) if rows is None else _row_stats(A, rows)
    bad = ~(np.isfinite(mu) & np.isfinite(sd)) | (sd < 1e-150)
    if bad.any():
        # With rows, in the layout A[rows][:, bad] has (a column after another), which its sums follow.
        cols = A[:, bad] if rows is None else np.asfortranarray(A[:, bad][rows])
        top = np.max(np.abs(cols), axis=0)
        top = np.where(top > 0, top, 1.0)  # a column of zeros stays one
        scaled = cols / top
        mu[bad], sd[bad] = scaled.mean(axis=0) * top, scaled.std(axis=0) * top
    return mu, sd


_BLOCK_VALUES = 2**17  # values of the rows _row_stats copies at a time


def _row_stats(A: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A[rows].mean(axis=0)`` and ``A[rows].std(axis=0)`` (``A`` of two columns or more), to the bit,
    from a block of rows at a time. NumPy sums the rows of such an array one after another (a column
    alone it sums pairwise, so that one is copied), and ``std`` squares the rows less their mean, which
    each block does on its own rows: the sums go on from block to block in the same order. The linear
    learner's training rows were copied whole for these (1.2 GB on 1M rows of 206 terms), and ``std``
    made a second copy."""
    step = max(1, _BLOCK_VALUES // A.shape[1])

    def total(rows_less: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        out = None
        for a in range(0, len(rows), step):
            block = rows_less(A[rows[a:a + step]])
            out = block.sum(axis=0) if out is None else np.add.reduce(np.concatenate([out[None], block]), axis=0)
        return out

    mu = total(lambda block: block) / len(rows)

    def squared(block: np.ndarray) -> np.ndarray:
        block -= mu
        return np.multiply(block, block, out=block)

    return mu, np.sqrt(total(squared) / len(rows))


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
