"""Fidelity (agreement with the teacher) and accuracy, with confidence intervals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Score:
    """A proportion or statistic with its 95% interval. ``float(score)`` gives the value."""

    value: float
    low: float
    high: float
    n: int
    name: str = "fidelity"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        s = f"{self.name} {self.value:.4f} [{self.low:.4f}, {self.high:.4f}] (n={self.n})"
        for k, v in self.extra.items():
            s += f", {k} {v:.4g}" if isinstance(v, float) else f", {k} {v}"
        return s


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    >>> lo, hi = wilson_interval(95, 100)
    >>> round(lo, 3), round(hi, 3)
    (0.888, 0.978)
    """
    if n == 0:
        return 0.0, 1.0
    z = stats.norm.ppf(0.5 + confidence / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def agreement(a: np.ndarray, b: np.ndarray, name: str = "fidelity") -> Score:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare predictions of shapes {a.shape} and {b.shape}")
    hits = int(np.sum(a == b))
    lo, hi = wilson_interval(hits, len(a))
    return Score(hits / max(len(a), 1), lo, hi, len(a), name)


def regression_agreement(pred: np.ndarray, ref: np.ndarray, name: str = "fidelity R2",
                         n_boot: int = 200, random_state: int = 0) -> Score:
    """R² of ``pred`` against ``ref`` with a bootstrap 95% interval; MAE (and its interval) in ``extra``."""
    pred, ref = np.asarray(pred, dtype=float), np.asarray(ref, dtype=float)
    if pred.shape != ref.shape:
        raise ValueError(f"cannot compare predictions of shapes {pred.shape} and {ref.shape}")
    n = len(ref)

    def r2(p: np.ndarray, r: np.ndarray) -> float:
        ss = np.sum((r - r.mean()) ** 2)
        return 1.0 - np.sum((r - p) ** 2) / ss if ss > 0 else float(np.allclose(p, r))

    rng = np.random.default_rng(random_state)
    idx = rng.integers(0, n, size=(n_boot, n))
    r2s = np.array([r2(pred[i], ref[i]) for i in idx])
    maes = np.abs(pred - ref)[idx].mean(axis=1)
    mae = float(np.mean(np.abs(pred - ref)))
    return Score(r2(pred, ref), float(np.percentile(r2s, 2.5)), float(np.percentile(r2s, 97.5)), n, name,
                 {"MAE": mae, "MAE low": float(np.percentile(maes, 2.5)), "MAE high": float(np.percentile(maes, 97.5))})
