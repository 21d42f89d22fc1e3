"""Query generation that follows the data's distribution inside a region (TREPAN-style).

``RegionSampler.sample(box, n)`` draws ``n`` new rows inside ``box`` (a tree node, a rule's cover,
the whole domain): a smoothed bootstrap of the user's rows that fall inside the box (pick a row,
jitter its numeric features with a Gaussian kernel, reflect it back into the box), so dependencies
between features are kept. The kernel has each feature's width; ``kernel="correlated"`` also gives it
the numeric features' correlations, so that on strongly correlated data (sizes, areas and perimeters
of one object) the jitter stays near the data instead of asking the teacher about rows no user sends.
When the box holds few rows, the nearest rows are projected into it first, so deep regions never run
dry. Integer, binary and categorical features keep their kind.
"""

from __future__ import annotations

import numpy as np

from .._scale import mean_std, value_unit
from ..domain import Domain
from ..models.region import Box


KERNELS = ("diagonal", "correlated")


class RegionSampler:
    """Draw rows that look like ``Z`` (encoded data) inside a region.

    Parameters
    ----------
    domain : Domain
    Z : ndarray (n, d)
        Encoded rows the density is built from.
    bandwidth : float
        Kernel width as a multiple of each feature's spread times ``n ** (-1 / (d + 4))``.
    kernel : {"diagonal", "correlated"}
        "diagonal": independent jitter per feature; "correlated": the jitter of the numeric features
        has the data's correlation matrix (each feature keeps its width).
    min_support : int
        A box holding fewer rows than this borrows the nearest outside rows, projected in.
    random_state : int or Generator

    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> Z = np.random.default_rng(0).uniform(size=(200, 2))
    >>> s = RegionSampler(Domain.from_data(Z), Z, random_state=0)
    >>> box = Box.full(2); box.hi[0] = 0.3
    >>> bool((s.sample(box, 50)[:, 0] <= 0.3).all())
    True
    """

    def __init__(self, domain: Domain, Z: np.ndarray, *, bandwidth: float = 0.5, min_support: int = 30,
                 kernel: str = "diagonal", random_state: int | np.random.Generator | None = None) -> None:
        if isinstance(bandwidth, bool) or not isinstance(bandwidth, (int, float)) or not bandwidth > 0:
            raise ValueError(f"bandwidth must be a positive number, got {bandwidth!r}")
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
        self.domain = domain
        self.Z = np.asarray(Z, dtype=float)
        self.rng = np.random.default_rng(random_state)
        self.min_support = int(min_support)
        n, d = self.Z.shape
        spread = mean_std(self.Z)[1]  # 1e-300s have a spread, not one whose square underflowed to 0
        with np.errstate(over="ignore"):  # quartiles +-1.7e308 apart: an inf IQR, and the spread is taken
            iqr = np.subtract(*np.percentile(self.Z, [75, 25], axis=0)) / 1.349
        spread = np.where((iqr > 0) & (iqr < spread), iqr, spread)
        self.scale = np.where(spread > 0, spread, 1.0)
        self.h = bandwidth * self.scale * max(n, 2) ** (-1.0 / (d + 4))
        self.kinds = [f.kind for f in domain.features]
        self.kernel = kernel
        self._numeric = np.nonzero([k in ("numeric", "integer") for k in self.kinds])[0]
        # Features with two values (a {3, 7} flag, or a {0, 1} one standardised to {-0.87, 1.15}) are
        # not jittered: values between them never occur, so each sampled row keeps its data row's value,
        # as binary features do.
        self._two_valued = _two_valued(self.Z, self._numeric)
        # A value half the rows or more hold (adult's capital-gain is 0 on 92% of them) is a point mass:
        # rows drawn around it keep it, where jitter spread it over values almost no row has.
        self._point_mass = _point_masses(self.Z, [j for j in self._numeric if j not in self._two_valued])
        self._shape = self._correlation_root() if kernel == "correlated" else None
        self.lower, self.upper = domain.lower, domain.upper
        self._beyond_domain = ((self.Z < self.lower) | (self.Z > self.upper)).any(axis=0)
        self._cat_freq = {
            j: np.bincount(self.Z[:, j].astype(int), minlength=len(f.categories)) + 1.0
            for j, f in enumerate(domain.features) if f.is_categorical
        }

    def sample(self, box: Box | None = None, n: int = 1000) -> np.ndarray:
        """``n`` encoded rows inside ``box`` (the whole domain when None)."""
        return self.sample_with_origin(box, n)[0]

    def sample_with_origin(self, box: Box | None = None, n: int = 1000) -> tuple[np.ndarray, np.ndarray]:
        """As :meth:`sample`, with each sampled row's origin: the index of the data row it was drawn
        around. A learner that holds some data rows out to judge its fits leaves out the sampled rows
        drawn around them too (they lie within a bandwidth of the rows held out).

        >>> import numpy as np
        >>> from symdistill.domain import Domain
        >>> Z = np.array([[0.0], [10.0], [20.0]] * 10)
        >>> rows, origin = RegionSampler(Domain.from_data(Z), Z, random_state=0).sample_with_origin(None, 4)
        >>> bool((np.abs(rows - Z[origin]) < 5).all())
        True
        """
        if n <= 0:
            return np.empty((0, self.Z.shape[1])), np.empty(0, dtype=np.intp)
        box = box or Box.full(self.Z.shape[1])
        inside = np.nonzero(box.contains(self.Z))[0]
        if inside.size >= self.min_support:
            origin = self.rng.choice(inside, size=n)
            base = self.Z[origin]
        else:
            base, origin = self._nearest_projected(box, n)
        return self._jitter(base, box), origin

    def _nearest_projected(self, box: Box, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows closest to the box (in units of each feature's spread), moved inside it."""
        lo = np.maximum(box.lo, self.lower)
        hi = np.minimum(box.hi, self.upper)
        # Only features the box bounds (or that have rows outside the domain) can have a gap.
        cols = np.nonzero((box.lo > self.lower) | (box.hi < self.upper) | self._beyond_domain)[0]
        Zc = self.Z[:, cols]
        gap = np.maximum(lo[cols] - Zc, 0) + np.maximum(Zc - hi[cols], 0)
        dist = (gap / self.scale[cols]).sum(axis=1)
        for j, codes in box.cats.items():
            dist += ~np.isin(self.Z[:, j], list(codes))
        k = min(len(self.Z), max(self.min_support, 1))
        near = np.argpartition(dist, k - 1)[:k]
        origin = self.rng.choice(near, size=n)
        return self._project(self.Z[origin], box), origin

    def _project(self, Z: np.ndarray, box: Box) -> np.ndarray:
        lo, hi = self._open_bounds(box)
        Z = np.clip(Z, lo, hi)
        for j, codes in box.cats.items():
            allowed = np.array(sorted(codes))
            bad = ~np.isin(Z[:, j], allowed)
            if bad.any():
                p = self._cat_freq[j][allowed]
                Z[bad, j] = self.rng.choice(allowed, size=int(bad.sum()), p=p / p.sum())
        return self._fix_kinds(Z, box)

    def _open_bounds(self, box: Box) -> tuple[np.ndarray, np.ndarray]:
        """Closed bounds approximating ``lo < x <= hi`` within the domain's observed range."""
        lo = np.where(box.lo >= self.lower, np.nextafter(box.lo, np.inf), self.lower)
        hi = np.minimum(box.hi, self.upper)
        hi = np.maximum(hi, lo)  # a box lying outside the observed range keeps its own bounds
        return lo, hi

    def _correlation_root(self) -> np.ndarray | None:
        """A matrix ``L`` with ``L @ L.T`` the numeric features' correlation matrix (None: nothing to
        correlate). Constant features and undefined correlations count as uncorrelated."""
        cols = self._numeric
        if len(cols) < 2 or len(self.Z) < 3:
            return None
        # Each column times a power of two (exact, so the correlations do not change) that brings values
        # near 1e300 or 1e-300 near 1: their products overflowed or underflowed, and correlations were 0.
        X = self.Z[:, cols] * np.array([value_unit(self.Z[:, j]) for j in cols])
        R = np.eye(len(cols))
        live = np.nonzero(X.std(axis=0) > 0)[0]
        if len(live) >= 2:
            with np.errstate(invalid="ignore", divide="ignore"):
                C = np.corrcoef(X[:, live], rowvar=False)
            R[np.ix_(live, live)] = np.nan_to_num(C, nan=0.0)
            np.fill_diagonal(R, 1.0)
        w, V = np.linalg.eigh(R)
        return V * np.sqrt(np.clip(w, 0.0, None))

    def _jitter(self, base: np.ndarray, box: Box) -> np.ndarray:
        Z = base.copy()
        n = len(Z)
        lo, hi = self._open_bounds(box)
        # Drawn for every column and used for the numeric ones, so "diagonal" keeps its stream.
        noise = self.rng.standard_normal((n, Z.shape[1]))[:, self._numeric]
        if self._shape is not None:
            noise = noise @ self._shape.T
        with np.errstate(over="ignore"):
            # Rows near the largest float can jitter past it; kept finite, they are reflected and
            # clipped like any other (an infinity became NaN there: inf - inf).
            big = np.finfo(float).max
            Z[:, self._numeric] = np.clip(Z[:, self._numeric] + noise * self.h[self._numeric], -big, big)
        for j in self._two_valued:
            Z[:, j] = base[:, j]
        for j, value in self._point_mass.items():
            Z[:, j] = np.where(base[:, j] == value, value, Z[:, j])
        # Reflect at the bounds once, then clip: keeps the density smooth near a split.
        with np.errstate(over="ignore", invalid="ignore"):
            Z = np.where(Z < lo, 2 * lo - Z, Z)
            Z = np.where(Z > hi, 2 * hi - Z, Z)
        Z = np.clip(Z, lo, hi)
        # Binary and categorical values are copied from the data row, never flipped: one-hot groups
        # and other dependencies between them stay valid (flipping made impossible rows).
        return self._snap_two_valued(self._fix_kinds(Z, box), box)

    def _snap_two_valued(self, Z: np.ndarray, box: Box) -> np.ndarray:
        """Two-valued features take one of their two values; when the box admits only one
        of them (a borrowed row projected in), that one."""
        for j, values in self._two_valued.items():
            inside = values[(values > box.lo[j]) & (values <= box.hi[j])]
            if len(inside) == 1:
                Z[:, j] = inside[0]
        return Z

    def _fix_kinds(self, Z: np.ndarray, box: Box) -> np.ndarray:
        for j, kind in enumerate(self.kinds):
            if kind in ("integer", "binary"):
                box_min = np.floor(box.lo[j]) + 1 if np.isfinite(box.lo[j]) else -np.inf
                box_max = np.floor(box.hi[j]) if np.isfinite(box.hi[j]) else np.inf
                imin = max(box_min, np.ceil(self.lower[j]))
                imax = min(box_max, np.floor(self.upper[j]))
                if imin > imax and kind == "integer":
                    # A box holding no integer of the observed range keeps its own bounds, as it does
                    # for numeric features (binary features have no values beyond theirs).
                    imin, imax = box_min, box_max
                col = np.rint(Z[:, j])
                if imin <= imax:
                    col = np.clip(col, imin, imax)
                Z[:, j] = col
        return Z


def _two_valued(Z: np.ndarray, cols: np.ndarray) -> dict[int, np.ndarray]:
    """The columns ``cols`` of ``Z`` that hold exactly two values, each with its two values in order
    (in one pass over the rows: wide data has many columns to look at)."""
    A = Z[:, cols]
    if not A.size:
        return {}
    first = A[0]
    differs = A != first
    second = A[differs.argmax(axis=0), np.arange(A.shape[1])]
    two = differs.any(axis=0) & (~differs | (A == second)).all(axis=0)
    return {int(cols[k]): np.sort([first[k], second[k]]) for k in np.nonzero(two)[0]}


def _point_masses(Z: np.ndarray, cols: list[int]) -> dict[int, float]:
    """The columns ``cols`` of ``Z`` in which one value is held by half the rows or more, each with
    that value. Such a value is one of the two middle values of the sorted column, so only those are
    counted (no sort of the column)."""
    n = len(Z)
    out: dict[int, float] = {}
    if n < 2 or not cols:
        return out
    middle = sorted({(n - 1) // 2, n // 2})
    for j in cols:
        col = Z[:, j]
        for value in np.unique(np.partition(col, middle)[middle]):
            if 2 * int(np.count_nonzero(col == value)) >= n:
                out[int(j)] = float(value)
                break
    return out
