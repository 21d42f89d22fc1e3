"""Vectorised split search shared by the learners.

Targets are "channels": per-row weighted class indicators or probabilities for classification,
``[w, w*y, w*y^2]`` for regression. Impurity of a channel sum ``S`` is weighted Gini
(``W - sum(S^2)/W``) or the sum of squared errors; a split's gain is the parent's impurity minus
its children's.

Candidate cuts are enumerated once per node by :func:`cut_table`: discrete features (binary,
small-range integers) by a histogram of their values, continuous ones by sorting; categorical
features are handled by their callers (subset splits).
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
        out = W - np.where(W > 0, np.einsum("...i,...i->...", S, S) / W, 0.0)
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


def cut_table(Z: np.ndarray, C: np.ndarray, info: FeatureInfo, features: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate numeric cut of the rows: ``(feature, threshold, left sums, left counts)``.

    A cut ``x[feature] <= threshold`` with at least one row on each side; ``left sums`` are the
    channel sums of the rows it sends left (``C`` summed), ``left counts`` their number.
    """
    n, d = Z.shape
    c = C.shape[1]
    feats = np.arange(d) if features is None else np.asarray(features)
    feats = feats[[j not in info.categorical for j in feats]] if len(feats) else feats
    Cx = np.column_stack([C, np.ones(n)])
    out_f, out_t, out_s = [], [], []
    binary = [j for j in feats if j in info.discrete and info.discrete[j][1] == 2]
    disc = [j for j in feats if j in info.discrete and info.discrete[j][1] > 2]
    cont = [j for j in feats if j not in info.discrete]
    if binary:
        # One cut per binary feature: the rows at its lower value go left (a matrix product).
        lows = np.array([info.discrete[j][0] for j in binary])
        at_low = (Z[:, binary] <= lows + 0.5).astype(float)
        left = at_low.T @ Cx
        ok = (left[:, -1] > 0) & (left[:, -1] < n)
        out_f.append(np.asarray(binary)[ok])
        out_t.append(lows[ok] + 0.5)
        out_s.append(left[ok])
    if disc:
        lows = np.array([info.discrete[j][0] for j in disc])
        sizes = np.array([info.discrete[j][1] for j in disc])
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        V = np.clip(np.rint(Z[:, disc] - lows).astype(np.int64), 0, sizes - 1) + offsets
        keys = (V[:, :, None] * (c + 1) + np.arange(c + 1)).ravel()
        w = np.broadcast_to(Cx[:, None, :], (n, len(disc), c + 1)).ravel()
        H = np.bincount(keys, weights=w, minlength=int(sizes.sum()) * (c + 1)).reshape(-1, c + 1)
        cum = np.cumsum(H, axis=0)
        seg_start = np.repeat(np.concatenate([[np.zeros(c + 1)], cum[offsets[1:] - 1]]) if len(disc) > 1
                              else np.zeros((1, c + 1)), sizes, axis=0)
        left = cum - seg_start
        feat_of = np.repeat(np.arange(len(disc)), sizes)
        value = np.arange(int(sizes.sum())) - np.repeat(offsets, sizes)
        total = np.repeat(left[offsets + sizes - 1], sizes, axis=0)
        # A cut after value v is useful if rows lie on both sides and v itself is present.
        ok = (H[:, -1] > 0) & (left[:, -1] > 0) & (total[:, -1] - left[:, -1] > 0)
        idx = np.nonzero(ok)[0]
        if idx.size:
            js = np.asarray(disc)[feat_of[idx]]
            # Threshold halfway to the next integer: exact for integer inputs, readable.
            out_f.append(js)
            out_t.append(lows[feat_of[idx]] + value[idx] + 0.5)
            out_s.append(left[idx])
    if cont:
        step = max(1, _CHUNK_ELEMENTS // max(1, n * (c + 1)))
        for s in range(0, len(cont), step):
            cols = cont[s:s + step]
            Zc = Z[:, cols]
            order = np.argsort(Zc, axis=0)  # ties need no order: cuts fall only between distinct values
            sk = np.take_along_axis(Zc, order, axis=0)
            cs = np.cumsum(Cx[order], axis=0)[:-1]
            i, m = np.nonzero(sk[1:] > sk[:-1])
            if i.size:
                out_f.append(np.asarray(cols)[m])
                out_t.append(_midpoints(sk[i, m], sk[i + 1, m]))
                out_s.append(cs[i, m])
    if not out_f:
        return np.empty(0, dtype=np.int64), np.empty(0), np.empty((0, c)), np.empty(0)
    S = np.concatenate(out_s)
    return np.concatenate(out_f).astype(np.int64), np.concatenate(out_t), S[:, :c], S[:, c]


def _midpoints(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Thresholds t with a <= t < b (the float midpoint can round up to b)."""
    t = a + (b - a) / 2.0
    return np.where((a <= t) & (t < b), t, a)


def midpoint(a: float, b: float) -> float:
    return float(_midpoints(np.array([a]), np.array([b]))[0])


def category_ranks(codes: np.ndarray, C: np.ndarray, n_codes: int, regression: bool) -> np.ndarray:
    """Order categories by their mean target (share of the node's largest class, or mean value),
    the classic trick that makes the best subset split a cut in that order."""
    codes = codes.astype(int)
    if regression:
        num = np.bincount(codes, weights=C[:, 1], minlength=n_codes)
        den = np.bincount(codes, weights=C[:, 0], minlength=n_codes)
    else:
        top = int(np.argmax(C.sum(axis=0)))
        num = np.bincount(codes, weights=C[:, top], minlength=n_codes)
        den = np.bincount(codes, weights=C.sum(axis=1), minlength=n_codes)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(den > 0, num / den, -1.0)
    return np.argsort(mean, kind="stable")


def best_splits(Z: np.ndarray, C: np.ndarray, info: FeatureInfo, regression: bool, min_leaf: int = 1,
                features: np.ndarray | None = None) -> tuple[Split | None, np.ndarray]:
    """Best split of rows ``Z`` with channel rows ``C``; also the best gain per feature."""
    n, d = Z.shape
    per_feature = np.full(d, -np.inf)
    if n < 2 * max(min_leaf, 1):
        return None, per_feature
    total = C.sum(axis=0)
    parent = float(impurity(total, regression))
    best: Split | None = None
    best_gain = 1e-12 * max(parent, 1e-300)
    f, t, L, cnt = cut_table(Z, C, info, features)
    if f.size:
        gain = parent - impurity(L, regression) - impurity(total - L, regression)
        gain[(cnt < min_leaf) | (n - cnt < min_leaf)] = -np.inf
        np.maximum.at(per_feature, f, gain)
        k = int(np.argmax(gain))
        if gain[k] > best_gain:
            best_gain = float(gain[k])
            best = Split(int(f[k]), float(t[k]), None, best_gain)
    feats = range(d) if features is None else features
    for j in (j for j in feats if j in info.categorical):
        k_codes = info.categorical[j]
        codes = Z[:, j].astype(int)
        order = category_ranks(codes, C, k_codes, regression)
        H = np.zeros((k_codes, C.shape[1] + 1))
        np.add.at(H, codes, np.column_stack([C, np.ones(n)]))
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
                       ) -> tuple[Split | None, bool, float]:
    """The split that misroutes the least weight, given which side each row should go to.

    Returns ``(split, swap, cost)``; ``swap`` says the subtrees should trade places (rows that the
    split sends left should reach today's right subtree). Both sides keep at least one row.
    """
    n, d = Z.shape
    if n < 2:
        return None, False, np.inf
    C = np.column_stack([np.where(want_left, weight, 0.0), np.where(want_left, 0.0, weight)])
    tot_l, tot_r = C.sum(axis=0)
    best: tuple[Split | None, bool, float] = (None, False, np.inf)
    f, t, L, _ = cut_table(Z, C, info)
    if f.size:
        cost = L[:, 1] + (tot_l - L[:, 0])  # want-right rows sent left + want-left rows sent right
        cost_swap = L[:, 0] + (tot_r - L[:, 1])
        for arr, swap in ((cost, False), (cost_swap, True)):
            k = int(np.argmin(arr))
            if arr[k] < best[2]:
                best = (Split(int(f[k]), float(t[k]), None, 0.0), swap, float(arr[k]))
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
