"""Vectorised split search shared by the learners.

Targets are "channels": per-row weighted class indicators or probabilities for classification,
``[w, w*y, w*y^2]`` for regression. Impurity of a channel sum ``S`` is weighted Gini
(``W - sum(S^2)/W``) or the sum of squared errors; a split's gain is the parent's impurity minus
its children's.

:func:`best_cuts` finds every feature's best numeric cut in one vectorised pass per kind of
feature (binary, small-range integer, continuous); categorical features are handled by their
callers (subset splits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CHUNK_ELEMENTS = 250_000  # per block of columns: 2 MB of float64 stays in cache (4M took 1.7x as long on 500 features)
# A subset of a PresortedPool under 1/_OWN_SORT of it sorts itself; from 1/_PASS it takes a pass over
# the pool's order, between the two a bitmap of it (the fastest of the three there, on 1M rows).
_OWN_SORT = 32
_PASS = 3


def impurity(S: np.ndarray, regression: bool) -> np.ndarray:
    """Impurity of channel sums along the last axis (weighted Gini or SSE), >= 0."""
    if regression:
        w = S[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            out = S[..., 2] - np.where(w > 0, S[..., 1] ** 2 / w, 0.0)
        return np.maximum(out, 0.0)
    W = S.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = W - np.where(W > 0, np.einsum("...i,...i->...", S, S) / W, 0.0)
    return np.maximum(out, 0.0)


def impurity_planes(S, regression: bool) -> np.ndarray:
    """:func:`impurity` with the channel axis first (``S[i]``: channel i's sums, any shape), to the
    same bits: the sums over channels are spelled out in the order numpy's ``sum`` and ``einsum``
    add up a few channels (the sum in order; the squares in two lanes, even and odd channels, then
    added); from eight channels numpy sums pairwise, so it is left to do them on channel-last rows."""
    if regression:
        w = S[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            out = S[2] - np.where(w > 0, S[1] ** 2 / w, 0.0)
        return np.maximum(out, 0.0)
    c = len(S)
    if c >= 8:
        return impurity(np.ascontiguousarray(np.moveaxis(np.asarray(S), 0, -1)), regression)
    W = np.add(S[0], S[1]) if c > 1 else np.array(S[0], dtype=float)
    for i in range(2, c):
        W += S[i]
    even = np.multiply(S[0], S[0])
    sq = np.empty_like(even) if c > 2 else None
    for i in range(2, c, 2):
        even += np.multiply(S[i], S[i], out=sq)
    if c > 1:
        odd = np.multiply(S[1], S[1])
        for i in range(3, c, 2):
            odd += np.multiply(S[i], S[i], out=sq)
        even += odd
    with np.errstate(divide="ignore", invalid="ignore"):
        even /= W
    np.copyto(even, 0.0, where=~(W > 0))
    W -= even
    return np.maximum(W, 0.0, out=W)


def channels(target: np.ndarray, w: np.ndarray, regression: bool) -> np.ndarray:
    if regression:
        return np.column_stack([w, w * target, w * target * target])
    return target * w[:, None]


@dataclass
class Split:
    feature: int
    threshold: float  # numeric: x <= threshold goes left
    left_codes: frozenset[int] | None  # categorical: codes that go left
    gain: float

    def goes_left(self, Z: np.ndarray, rows: np.ndarray | None = None, transposed: bool = False) -> np.ndarray:
        """Which rows of ``Z`` (of ``Z[rows]`` when given) go left; ``rows`` spares copying every
        column of wide data to look at one. ``transposed``: ``Z`` holds one row per feature."""
        if transposed:
            x = Z[self.feature] if rows is None else Z[self.feature].take(rows)
        else:
            x = Z[:, self.feature] if rows is None else Z[rows, self.feature]
        if self.left_codes is None:
            return x <= self.threshold
        return np.isin(x, list(self.left_codes))


@dataclass
class FeatureInfo:
    """How each feature is searched: categorical sizes, and integer offsets/ranges of discrete ones."""

    categorical: dict[int, int]  # feature -> number of categories
    discrete: dict[int, tuple[float, int]]  # feature -> (lowest value, number of integer values)

    @classmethod
    def from_domain(cls, domain, max_range: int = 256) -> FeatureInfo:
        cats, disc = {}, {}
        for j, f in enumerate(domain.features):
            if f.is_categorical:
                cats[j] = len(f.categories)
            elif f.kind in ("binary", "integer") and f.upper - f.lower < max_range:
                disc[j] = (float(f.lower), int(f.upper - f.lower) + 1)
        return cls(cats, disc)


class PresortedPool:
    """Each feature of a pool of rows sorted once, so that a subset of the pool (a node) gets its rows
    in sorted order without a sort of its own. A large subset (a node near the root) takes a pass over
    the pool's order: on a million rows a sort took 84 ms a feature, the pass 11 ms. A medium one marks
    its rows' places in that order (their ranks) in a bitmap of the pool and reads them back in order:
    a pass over the bitmap and a few over the subset, 2 to 4 times faster than the subset's own sort
    from 100,000 of a million rows (a tree's nodes below the root's fifth sorted themselves, and their
    sorts were a third of a fit on 1M rows). A subset under ``1 / _OWN_SORT`` of the pool is sorted on
    its own (reading the bitmap costs the pool's size).

    Only features whose values in the pool are all distinct are served: a subset's sorted order is
    then the only one, the order ``np.argsort`` gives it. Where values tie, ``np.argsort`` orders the
    tied rows its own way, and the channel sums over them, added in another order, could round to
    other bits, so those features are sorted per subset as before. ``ZT`` holds one row per feature;
    ``update`` gives the pool after rows were appended (stale orders are sorted again when used).
    """

    def __init__(self, ZT: np.ndarray) -> None:
        self._ZT = ZT
        # feature -> (the pool's rows in its order, each row's place in that order); None: values tie
        self._orders: dict[int, tuple[np.ndarray, np.ndarray] | None] = {}
        self._marks = np.zeros(0, dtype=bool)  # the bitmap over the pool's order, all False between uses
        self._slots = np.zeros(0, dtype=np.int32)  # each marked place's row in the subset

    def update(self, ZT: np.ndarray) -> None:
        self._ZT = ZT

    def _order(self, j: int) -> tuple[np.ndarray, np.ndarray] | None:
        n_pool = self._ZT.shape[1]
        got = self._orders.get(j, ())
        if got is not None and (not got or len(got[0]) != n_pool):
            o = np.argsort(self._ZT[j])
            xs = self._ZT[j].take(o)
            got = None
            if (xs[1:] > xs[:-1]).all():
                o = o.astype(_index_type(n_pool))
                rank = np.empty_like(o)
                rank[o] = np.arange(n_pool, dtype=o.dtype)
                got = (o, rank)
            self._orders[j] = got
        return got

    def sorter(self, rows: np.ndarray):
        """``order(j)``: the positions in ``rows`` sorted by feature j's value, or None where the
        feature is not served or ``rows`` is too small a part of the pool for the pool's order to pay."""
        n_pool = self._ZT.shape[1]
        if len(rows) * _OWN_SORT < n_pool:
            return None
        kind = _index_type(n_pool)
        if len(rows) * _PASS < n_pool:
            if len(self._marks) != n_pool:
                self._marks = np.zeros(n_pool, dtype=bool)
                self._slots = np.empty(n_pool, dtype=kind)
            at = np.arange(len(rows), dtype=kind)

            def marked(j: int) -> np.ndarray | None:
                got = self._order(j)
                if got is None:
                    return None
                places = got[1].take(rows)
                self._marks[places] = True
                ranked = np.flatnonzero(self._marks)
                self._marks[ranked] = False  # in order: faster than at random
                self._slots[places] = at
                return self._slots.take(ranked)

            return marked
        # each row's place in ``rows`` (-1: not there), gathered in each feature's order; 32 bits
        # where they fit halve the memory that gather reads at random
        pos = np.full(n_pool, -1, dtype=kind)
        pos[rows] = np.arange(len(rows))

        def passed(j: int) -> np.ndarray | None:
            got = self._order(j)
            if got is None:
                return None
            p = pos.take(got[0])
            return p[p >= 0]

        return passed


def _index_type(n: int) -> type:
    return np.int32 if n < 2**31 else np.intp


def best_cuts(Z: np.ndarray, C: np.ndarray, info: FeatureInfo, score, features: np.ndarray | None = None,
              presorted=None) -> tuple[np.ndarray, np.ndarray]:
    """The best numeric cut of every non-categorical feature: ``(score, threshold)`` per feature.

    A cut ``x[j] <= threshold`` must leave rows on both sides. ``score(left_sums, left_counts)``
    rates cuts, vectorised over the trailing axes of the channel sums on the left, whose first axis
    is the channel (``left_sums[i]``; higher is better; -inf rules a cut out). Features with no cut
    score -inf. Binary features cost a matrix product, small-range integers a histogram,
    continuous ones a sort (a row of the transposed data per feature, channels gathered as planes:
    every pass then runs over contiguous memory). ``presorted`` (a :meth:`PresortedPool.sorter` of
    ``Z``'s rows) gives a continuous feature's sorted order where it can, in place of the sort.
    """
    n, d = Z.shape
    c = C.shape[1]
    best = np.full(d, -np.inf)
    thr = np.full(d, np.nan)
    feats = np.arange(d) if features is None else np.asarray(features)
    Cx = np.column_stack([C, np.ones(n)])
    binary = [j for j in feats if j in info.discrete and info.discrete[j][1] == 2]
    disc = [j for j in feats if j in info.discrete and info.discrete[j][1] > 2]
    cont = [j for j in feats if j not in info.discrete and j not in info.categorical]

    def keep(js: list[int], val: np.ndarray, thresholds) -> None:
        """``val`` (cuts, columns): store each column's best cut; ``thresholds(rows, cols)``."""
        cols = np.arange(len(js))
        i = np.argmax(val, axis=0)
        top = val[i, cols]
        ok = np.isfinite(top)
        best[np.asarray(js)[ok]] = top[ok]
        thr[np.asarray(js)[ok]] = thresholds(i[ok], cols[ok])

    if binary:
        # One cut per binary feature: the rows at its lower value go left.
        lows = np.array([info.discrete[j][0] for j in binary])
        left = ((Z[:, binary] <= lows + 0.5).astype(float).T @ Cx)[None]
        val = np.where((left[..., -1] > 0) & (left[..., -1] < n),
                       score(np.moveaxis(left[..., :c], -1, 0), left[..., -1]), -np.inf)
        keep(binary, val, lambda i, m: lows[m] + 0.5)
    if disc:
        lows = np.array([info.discrete[j][0] for j in disc])
        R = int(max(info.discrete[j][1] for j in disc))
        V = np.clip(np.rint(Z[:, disc] - lows).astype(np.int64), 0, R - 1) + np.arange(len(disc)) * R
        keys = (V[:, :, None] * (c + 1) + np.arange(c + 1)).ravel()
        w = np.broadcast_to(Cx[:, None, :], (n, len(disc), c + 1)).ravel()
        H = np.bincount(keys, weights=w, minlength=len(disc) * R * (c + 1)).reshape(len(disc), R, c + 1)
        left = np.cumsum(H, axis=1).transpose(1, 0, 2)  # (values, features, channels)
        cnt = left[..., -1]
        # A cut after value v is useful if v itself is present and rows lie on both sides.
        valid = (H[..., -1].T > 0) & (cnt > 0) & (cnt < n)
        val = np.where(valid, score(np.moveaxis(left[..., :c], -1, 0), cnt), -np.inf)
        # Threshold halfway to the next integer: exact for integer inputs, readable.
        keep(disc, val, lambda i, m: lows[m] + i + 0.5)
    if cont:
        ZT = Z.T[cont]  # (features, rows)
        CT = np.ascontiguousarray(C.T)  # (channels, rows)
        cnt = np.arange(1.0, n)  # rows left of each cut: the running count of ones, exactly
        step = max(1, _CHUNK_ELEMENTS // max(1, n * (c + 1)))
        for s in range(0, len(cont), step):
            cols = cont[s:s + step]
            Zc = ZT[s:s + step]
            given = [presorted(j) for j in cols] if presorted is not None else [None] * len(cols)
            own = [i for i, g in enumerate(given) if g is None]
            # ties need no order: cuts fall only between distinct values
            if len(own) == len(cols):
                order = np.argsort(Zc, axis=1)
            else:
                order = np.empty(Zc.shape, dtype=np.intp)
                for i, g in enumerate(given):
                    if g is not None:
                        order[i] = g
                if own:  # a batch's argsort sorts each row alone: these rows get the same order
                    order[own] = np.argsort(Zc[own], axis=1)
            # one feature (a large node): take is 4x faster than take_along_axis, the same values
            sk = Zc[0].take(order[0])[None] if len(cols) == 1 else np.take_along_axis(Zc, order, axis=1)
            L = np.take(CT, order, axis=1)  # (channels, features, rows); 3x faster than CT[:, order]
            L = np.cumsum(L, axis=2, out=L)[:, :, :-1]  # (channels, features, cuts)
            val = np.where(sk[:, 1:] > sk[:, :-1], score(L, cnt), -np.inf)
            keep(cols, val.T, lambda i, m, sk=sk: _midpoints(sk[m, i], sk[m, i + 1]))
    return best, thr


def _midpoints(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Thresholds t with a <= t < b (the float midpoint can round up to b; values more than the largest
    double apart, -1.7e308 and 1.7e308, are halved first)."""
    with np.errstate(over="ignore"):
        t = a + (b - a) / 2.0
    t = np.where(np.isfinite(t), t, a / 2.0 + b / 2.0)
    return np.where((a <= t) & (t < b), t, a)


def stable_argsort(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.argsort(X, axis=-1, kind="stable")`` and the sorted values, about 3x faster where rows
    hold no ties: distinct values have one sorted order, which the default sort finds; rows with
    ties (or NaN) are sorted again stably."""
    order = np.argsort(X, axis=-1)
    xs = np.take_along_axis(X, order, axis=-1)
    tied = ~(xs[..., 1:] > xs[..., :-1]).all(axis=-1)
    if tied.any():
        if X.ndim == 1:
            order = np.argsort(X, kind="stable")
            xs = X[order]
        else:
            order[tied] = np.argsort(X[tied], axis=-1, kind="stable")
            xs[tied] = np.take_along_axis(X[tied], order[tied], axis=-1)
    return order, xs


def midpoint(a: float, b: float) -> float:
    return float(_midpoints(np.array([a]), np.array([b]))[0])


def category_ranks(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Order categories by their mean target ``num / den`` (share of the node's largest class, or
    mean value), the classic trick that makes the best subset split a cut in that order."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(den > 0, num / den, -1.0)
    return np.argsort(mean, kind="stable")


def category_sums(codes: np.ndarray, C: np.ndarray, n_codes: int) -> np.ndarray:
    """Each category's channel sums and row count, ``(n_codes, channels + 1)``: a ``bincount`` per
    channel adds the rows in order, as ``np.add.at`` did to the same bits, at a tenth of its time."""
    H = np.empty((n_codes, C.shape[1] + 1))
    for i in range(C.shape[1]):
        H[:, i] = np.bincount(codes, weights=C[:, i], minlength=n_codes)
    H[:, -1] = np.bincount(codes, minlength=n_codes)
    return H


def best_splits(Z: np.ndarray, C: np.ndarray, info: FeatureInfo, regression: bool, min_leaf: int = 1,
                features: np.ndarray | None = None, presorted=None) -> tuple[Split | None, np.ndarray]:
    """Best split of rows ``Z`` with channel rows ``C``; also the best gain per feature
    (``presorted``: see :func:`best_cuts`)."""
    n, d = Z.shape
    per_feature = np.full(d, -np.inf)
    if n < 2 * max(min_leaf, 1):
        return None, per_feature
    total = C.sum(axis=0)
    parent = float(impurity(total, regression))
    best: Split | None = None
    best_gain = 1e-12 * max(parent, 1e-300)

    def score(L: np.ndarray, cnt: np.ndarray) -> np.ndarray:  # L: channels first
        gain = np.subtract(parent, impurity_planes(L, regression))
        gain -= impurity_planes(total.reshape((-1,) + (1,) * (L.ndim - 1)) - L, regression)
        np.copyto(gain, -np.inf, where=(cnt < min_leaf) | (n - cnt < min_leaf))
        return gain

    gains, thresholds = best_cuts(Z, C, info, score, features, presorted)
    per_feature = gains
    if np.isfinite(gains).any():
        j = int(np.argmax(gains))
        if gains[j] > best_gain:
            best_gain = float(gains[j])
            best = Split(j, float(thresholds[j]), None, best_gain)
    feats = range(d) if features is None else features
    cat_feats = [j for j in feats if j in info.categorical]
    top = int(np.argmax(total))
    row_sums = C.sum(axis=1) if cat_feats and not regression else None
    for j in cat_feats:
        k_codes = info.categorical[j]
        codes = Z[:, j].astype(int)
        H = category_sums(codes, C, k_codes)
        if regression:
            order = category_ranks(H[:, 1], H[:, 0])
        else:
            order = category_ranks(H[:, top], np.bincount(codes, weights=row_sums, minlength=k_codes))
        cum = np.cumsum(H[order], axis=0)[:-1]
        gain = parent - impurity(cum[:, :-1], regression) - impurity(total - cum[:, :-1], regression)
        gain[(cum[:, -1] < max(min_leaf, 1)) | (n - cum[:, -1] < max(min_leaf, 1))] = -np.inf
        if gain.size == 0:
            continue
        m = int(np.argmax(gain))
        per_feature[j] = gain[m]
        if gain[m] > best_gain:
            best_gain = float(gain[m])
            best = Split(j, 0.0, frozenset(int(x) for x in order[: m + 1]), best_gain)
    return best, per_feature


def best_routing_split(Z: np.ndarray, want_left: np.ndarray, weight: np.ndarray, info: FeatureInfo,
                       presorted=None) -> tuple[Split | None, bool, float]:
    """The split that misroutes the least weight, given which side each row should go to.

    Returns ``(split, swap, cost)``; ``swap`` says the subtrees should trade places (rows that the
    split sends left should reach today's right subtree). Both sides keep at least one row.
    ``presorted``: see :func:`best_cuts`.
    """
    n, d = Z.shape
    if n < 2:
        return None, False, np.inf
    C = np.column_stack([np.where(want_left, weight, 0.0), np.where(want_left, 0.0, weight)])
    tot_l, tot_r = C.sum(axis=0)
    best: tuple[Split | None, bool, float] = (None, False, np.inf)
    def costs(L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # L: channels first
        # want-right rows sent left + want-left rows sent right; or the reverse, subtrees swapped
        return L[1] + (tot_l - L[0]), L[0] + (tot_r - L[1])

    def score(L: np.ndarray, cnt: np.ndarray) -> np.ndarray:
        """``-min(costs(L))`` in place, to the same bits (a sum's two terms commute exactly)."""
        cost = np.subtract(tot_l, L[0])
        cost += L[1]
        cost_swap = np.subtract(tot_r, L[1])
        cost_swap += L[0]
        return np.negative(np.minimum(cost, cost_swap, out=cost), out=cost)

    scores, thresholds = best_cuts(Z, C, info, score, presorted=presorted)
    if np.isfinite(scores).any():
        j = int(np.argmax(scores))
        t = float(thresholds[j])
        cost, cost_swap = costs(C[Z[:, j] <= t].sum(axis=0))
        best = (Split(j, t, None, 0.0), bool(cost_swap < cost), float(min(cost, cost_swap)))
    for j, k_codes in info.categorical.items():
        codes = Z[:, j].astype(int)
        a = np.bincount(codes, weights=C[:, 0], minlength=k_codes)
        b = np.bincount(codes, weights=C[:, 1], minlength=k_codes)
        present = np.bincount(codes, minlength=k_codes) > 0
        go_left = present & (a > b)
        if not go_left.any() or go_left.sum() == present.sum():
            continue  # everything one way: not a split
        c = float(np.minimum(a, b)[present].sum())
        if c < best[2]:
            best = (Split(j, 0.0, frozenset(int(x) for x in np.nonzero(go_left)[0]), 0.0), False, c)
    return best
