"""Vectorised split search shared by the tree and rule learners.

Targets are "channels": per-row weighted class indicators or probabilities for classification,
``[w, w*y, w*y^2]`` for regression. Impurity of a channel sum ``S`` is weighted Gini
(``W - sum(S^2)/W``) or the sum of squared errors; a split's gain is the parent's impurity minus
its children's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CHUNK_ELEMENTS = 4_000_000


def impurity(S: np.ndarray, regression: bool) -> np.ndarray:
    """Impurity of channel sums along the last axis (weighted Gini or SSE), >= 0."""
    if regression:
        w = S[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            out = S[..., 2] - np.where(w > 0, S[..., 1] ** 2 / w, 0.0)
        return np.maximum(out, 0.0)
    W = S.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = W - np.where(W > 0, (S * S).sum(axis=-1) / W, 0.0)
    return np.maximum(out, 0.0)


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

    def goes_left(self, Z: np.ndarray) -> np.ndarray:
        if self.left_codes is None:
            return Z[:, self.feature] <= self.threshold
        return np.isin(Z[:, self.feature], list(self.left_codes))


def category_ranks(Zc: np.ndarray, C: np.ndarray, n_codes: int, regression: bool) -> np.ndarray:
    """Order categories by their mean target (share of the node's largest class, or mean value),
    the classic trick that makes the best subset split a cut in that order."""
    codes = Zc.astype(int)
    if regression:
        num = np.bincount(codes, weights=C[:, 1], minlength=n_codes)
        den = np.bincount(codes, weights=C[:, 0], minlength=n_codes)
    else:
        top = int(np.argmax(C.sum(axis=0)))
        num = np.bincount(codes, weights=C[:, top], minlength=n_codes)
        den = np.bincount(codes, weights=C.sum(axis=1), minlength=n_codes)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(den > 0, num / den, -1.0)
    rank = np.empty(n_codes)
    rank[np.argsort(mean, kind="stable")] = np.arange(n_codes)
    return rank


def best_splits(Z: np.ndarray, C: np.ndarray, cat_sizes: dict[int, int], regression: bool,
                min_leaf: int = 1, features: np.ndarray | None = None) -> tuple[Split | None, np.ndarray]:
    """Best split of rows ``Z`` with channel rows ``C``; also the best gain per feature.

    ``cat_sizes`` maps categorical feature index -> number of categories.
    """
    n, d = Z.shape
    per_feature = np.full(d, -np.inf)
    if n < 2 * min_leaf:
        return None, per_feature
    feats = np.arange(d) if features is None else np.asarray(features)
    total = C.sum(axis=0)
    parent = float(impurity(total, regression))
    best: Split | None = None
    best_gain = 1e-12 * max(parent, 1e-300)
    keys = Z[:, feats].copy()
    for col, j in enumerate(feats):
        if j in cat_sizes:
            keys[:, col] = category_ranks(Z[:, j], C, cat_sizes[j], regression)[Z[:, j].astype(int)]
    order = np.argsort(keys, axis=0, kind="stable")
    sorted_keys = np.take_along_axis(keys, order, axis=0)
    step = max(1, _CHUNK_ELEMENTS // max(1, n * C.shape[1]))
    for s in range(0, len(feats), step):
        cols = np.arange(s, min(s + step, len(feats)))
        cs = np.cumsum(C[order[:, cols]], axis=0)[:-1]  # (n-1, m, c): left sums after row i
        gain = parent - impurity(cs, regression) - impurity(total - cs, regression)
        valid = sorted_keys[1:, cols] > sorted_keys[:-1, cols]
        if min_leaf > 1:
            pos = np.arange(1, n)[:, None]
            valid &= (pos >= min_leaf) & (pos <= n - min_leaf)
        gain = np.where(valid, gain, -np.inf)
        per_feature[feats[cols]] = gain.max(axis=0) if len(gain) else -np.inf
        i, m = np.unravel_index(int(np.argmax(gain)), gain.shape)
        if gain[i, m] > best_gain:
            best_gain = float(gain[i, m])
            col = int(cols[m])
            j = int(feats[col])
            lo_key, hi_key = sorted_keys[i, col], sorted_keys[i + 1, col]
            if j in cat_sizes:
                ranks = category_ranks(Z[:, j], C, cat_sizes[j], regression)
                left = frozenset(int(c) for c in np.nonzero(ranks <= lo_key)[0])
                best = Split(j, 0.0, left, best_gain)
            else:
                best = Split(j, midpoint(lo_key, hi_key), None, best_gain)
    return best, per_feature


def midpoint(a: float, b: float) -> float:
    """A threshold t with a <= t < b (the float midpoint can round up to b)."""
    t = a + (b - a) / 2.0
    return float(t) if a <= t < b else float(a)


def best_routing_split(Z: np.ndarray, want_left: np.ndarray, weight: np.ndarray, cat_sizes: dict[int, int],
                       ) -> tuple[Split | None, bool, float]:
    """The split that misroutes the least weight, given which side each row should go to.

    Returns ``(split, swap, cost)``; ``swap`` says the subtrees should trade places (rows that the
    split sends left should reach today's right subtree). Both sides keep at least one row.
    """
    n, d = Z.shape
    if n < 2:
        return None, False, np.inf
    wl = np.where(want_left, weight, 0.0)
    wr = np.where(want_left, 0.0, weight)
    tot_l, tot_r = wl.sum(), wr.sum()
    best: tuple[Split | None, bool, float] = (None, False, np.inf)
    num = [j for j in range(d) if j not in cat_sizes]
    if num:
        Zn = Z[:, num]
        order = np.argsort(Zn, axis=0, kind="stable")
        sk = np.take_along_axis(Zn, order, axis=0)
        cl = np.cumsum(wl[order], axis=0)[:-1]
        cr = np.cumsum(wr[order], axis=0)[:-1]
        # normal: left side should hold want-left rows; cost = want-right on left + want-left on right
        cost = cr + (tot_l - cl)
        cost_swap = cl + (tot_r - cr)
        valid = sk[1:] > sk[:-1]
        cost = np.where(valid, cost, np.inf)
        cost_swap = np.where(valid, cost_swap, np.inf)
        for arr, swap in ((cost, False), (cost_swap, True)):
            if arr.size:
                i, m = np.unravel_index(int(np.argmin(arr)), arr.shape)
                if arr[i, m] < best[2]:
                    best = (Split(num[m], midpoint(sk[i, m], sk[i + 1, m]), None, 0.0), swap, float(arr[i, m]))
    for j, k in cat_sizes.items():
        codes = Z[:, j].astype(int)
        a = np.bincount(codes, weights=wl, minlength=k)
        b = np.bincount(codes, weights=wr, minlength=k)
        present = np.bincount(codes, minlength=k) > 0
        go_left = present & (a > b)
        if not go_left.any() or go_left.sum() == present.sum():
            continue  # everything one way: not a split
        c = float(np.minimum(a, b)[present].sum())
        if c < best[2]:
            best = (Split(j, 0.0, frozenset(int(x) for x in np.nonzero(go_left)[0]), 0.0), False, c)
    return best
