"""Pedagogical decision-tree learner.

Growth is best-first up to ``max_size`` leaves. Every node is topped up with queries sampled in
its region and labelled by the teacher, so deep nodes never run out of data (sampled rows share
the node's probability mass, so the data distribution is kept). Splits are scored on the teacher's
answers (class indicators or probabilities, or values) with a two-level lookahead on shallow
nodes, which finds interaction-only structure such as XOR where no single split gains. After
growth, every internal split is re-fitted against the fixed subtrees below it (alternating
optimisation in the manner of TAO), splits whose children predict the same class are pruned (and
splits with a leaf whose region the other subtree predicts alike), and the freed leaves are regrown.
Leaves still unused at the end go to the splits that, with each side predicting its majority, gain
most agreement with the teacher; where no single split changes a prediction, to a split and a stump
under it that together do.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._progress import progress_bar
from ..models.region import Box
from ..models.tree import Tree
from ..sampling import RegionSampler
from ..teachers.oracle import Answer, Oracle
from .._scale import mean_value, value_unit
from ._splits import (FeatureInfo, PresortedPool, Split, best_routing_split, best_splits, channels, impurity,
                      midpoint)
from .base import Learner, check_int, register_learner


@dataclass
class _Node:
    idx: np.ndarray
    box: Box
    depth: int
    split: Split | None = None
    left: int = -1
    right: int = -1
    candidate: Split | None = None
    priority: float = 0.0
    evaluated: bool = False
    settled: bool = False  # refinement found nothing to change, and nothing below or above changed since
    parent: int = -1
    value: np.ndarray = field(default_factory=lambda: np.zeros(1))


@register_learner("tree")
class TreeLearner(Learner):
    """Distill a teacher into a decision tree of at most ``max_size`` leaves.

    Parameters
    ----------
    max_size : int
        Most leaves.
    n_samples : int or None
        Teacher-labelled rows at the root: the user's rows plus sampled ones up to this number
        (None: ten times the user's rows, within [5,000, 20,000]).
    min_node_samples : int
        Rows every node holds at least; missing ones are sampled in the node's region.
    criterion : {"hard", "soft"}
        Score splits on the teacher's labels ("hard") or on its class probabilities ("soft").
    lookahead_depth : int
        Nodes up to this depth choose their split by a two-level lookahead (0 turns it off).
    refine_passes : int
        Passes of split re-fitting after growth (0 turns it off).
    min_leaf : int
        Fewest rows on each side of a split.
    max_depth : int or None
        Most splits from the root to a leaf (None: no bound).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).uniform(size=(2000, 4))
    >>> xor = lambda X: (np.round(X[:, 0]) != np.round(X[:, 1])).astype(int)
    >>> tree = TreeLearner(max_size=4, random_state=0).fit(xor, X).model_
    >>> tree.size, float((tree.predict(X) == xor(X)).mean()) > 0.97
    (4, True)
    """

    model_: Tree

    # Leaves left unused after pruning go to stumps that change a prediction (_fill_budget). The
    # rule learner turns this off for its candidate trees, whose lists it optimises itself: there
    # the stumps cost fidelity (breast-cancer at 8 and 16 rules: 0.965 -> 0.959, 0.977 -> 0.965).
    _fills_budget = True

    def __init__(self, *, max_size: int = 16, n_samples: int | None = None, min_node_samples: int = 400,
                 criterion: str = "hard", lookahead_depth: int = 2, refine_passes: int = 3,
                 min_leaf: int = 5, max_depth: int | None = None, random_state: int | None = None,
                 **options: Any) -> None:
        super().__init__(max_size=max_size, n_samples=n_samples, random_state=random_state, **options)
        self.min_node_samples = min_node_samples
        self.criterion = criterion
        self.lookahead_depth = lookahead_depth
        self.refine_passes = refine_passes
        self.min_leaf = min_leaf
        self.max_depth = max_depth

    _POOL_OPTIONS = ("n_samples", "min_node_samples")

    def _validate_params(self) -> None:
        super()._validate_params()
        if self.criterion not in ("hard", "soft"):
            raise ValueError(f"criterion must be 'hard' or 'soft', got {self.criterion!r}")
        for name in ("min_node_samples", "lookahead_depth", "refine_passes", "min_leaf"):
            check_int(name, getattr(self, name), 0)
        check_int("max_depth", self.max_depth, 1, allow_none=True)

    # ------------------------------------------------------------------------------------------
    def _fit(self, oracle: Oracle, Z: np.ndarray, answer: Answer, sampler: RegionSampler) -> Tree:
        self._oracle, self._sampler = oracle, sampler
        self._regression = not oracle.is_classifier
        if self._regression and self.criterion == "soft":  # it was ignored: the tree was the one without it
            raise ValueError(f"criterion='soft' scores splits on a classifier's probabilities, and "
                             f"{oracle.teacher.name} is a regressor, whose splits are scored on the variance of its "
                             "values: leave criterion out (on the command line, the --option that sets it)")
        Z, answer = self.augment(oracle, Z, answer, sampler)
        self._Z = Z
        self._Z_buffer: np.ndarray | None = None  # see _append_rows
        self._ZT = np.ascontiguousarray(Z.T)  # one row per feature: see _goes_left
        self._ZT_buffer: np.ndarray | None = None
        self._presorted = PresortedPool(self._ZT)
        self._w = np.ones(len(Z))
        self._set_targets(answer)
        d = Z.shape[1]
        self._info = FeatureInfo.from_domain(oracle.domain)
        self._cat_sizes = self._info.categorical
        self._edges = self._bin_edges(Z, 16)
        self._nodes: list[_Node] = [_Node(np.arange(len(Z)), Box.full(d), 0)]
        with progress_bar(self.max_size, "distilling tree", self.progress) as bar:
            self._bar = bar
            self._grow()
            self._polish()
            # Leaves freed by pruning are regrown, then refined: two rounds at most (more gained
            # nothing measurable on the benchmark suite and cost time).
            for _ in range(2):
                if not (self._collapse() and self._n_leaves() < self.max_size):
                    break
                self._grow()
                self._polish()
            self._collapse()
            if self._fills_budget:
                self._fill_budget()
        return self._to_model()

    def _polish(self) -> None:
        """Refine the splits, or (``refine_passes=0``) just give every leaf its value: pruning
        compares the leaves' values, so they must be set either way."""
        if self.refine_passes:
            self._refine()
        else:
            self._set_leaf_values()

    # -- data ----------------------------------------------------------------------------------
    def _set_targets(self, answer: Answer) -> None:
        if self._regression:
            self._y = answer.values.astype(float)
            # Split scores work on values minus a typical one: sums of squares of raw values cancel
            # catastrophically for targets like 1e9 + signal (and a constant target gives exact zeros).
            # Values and offset are also scaled by a power of two where their squares would overflow
            # or underflow (value_unit); the leaves hold the raw values.
            self._unit = value_unit(self._y)
            self._offset = float(np.median(self._y)) * self._unit if len(self._y) else 0.0
            self._target = self._y * self._unit - self._offset
            # A row's loss in the target's units: the squared error of predicting the pool's mean
            # (a classifier's is 1, one wrong row). Rounding floors are shares of it, not fixed amounts.
            t = self._target
            self._loss_unit = float(np.mean((t - t.mean()) ** 2)) if len(t) else 0.0
        else:
            self._loss_unit = 1.0
            self._y = answer.y
            k = answer.proba.shape[1]
            self._target = answer.proba if self.criterion == "soft" else np.eye(k)[self._y]
        self._k = 1 if self._regression else answer.proba.shape[1]

    def _channels(self, idx: np.ndarray) -> np.ndarray:
        return channels(self._target[idx], self._w[idx], self._regression)

    def _top_up(self, *nodes: _Node) -> None:
        """Sample rows in each node's region until it holds ``min_node_samples``; keep its mass.

        The nodes' rows go to the teacher in one batch (a split's two children: half the calls,
        which is what a teacher with a fixed cost per call, such as a pipeline, pays for)."""
        parts = []
        for node in nodes:
            missing = self.min_node_samples - len(node.idx)
            if missing <= 0 or node.box.is_empty():
                continue
            Zs = self._sampler.sample(node.box, missing)
            Zs = Zs[node.box.contains(Zs)]
            if len(Zs):
                parts.append((node, Zs))
        if not parts:
            return
        ans = self._oracle.label(np.vstack([Zs for _, Zs in parts]))
        if self._regression:
            self._y = np.concatenate([self._y, ans.values])
            self._target = np.concatenate([self._target, ans.values * self._unit - self._offset])
        else:
            self._y = np.concatenate([self._y, ans.y])
            new_t = ans.proba if self.criterion == "soft" else np.eye(self._k)[ans.y]
            self._target = np.vstack([self._target, new_t])
        for node, Zs in parts:
            mass = self._w[node.idx].sum() if len(node.idx) else 0.0
            start = len(self._Z)
            self._Z = self._append_rows(Zs)
            new_idx = np.arange(start, len(self._Z))
            node.idx = np.concatenate([node.idx, new_idx])
            self._w = np.concatenate([self._w, np.zeros(len(new_idx))])
            if mass > 0:
                self._w[node.idx] = mass / len(node.idx)
            else:  # an empty region: give sampled rows the weight of one real row in all
                self._w[new_idx] = 1.0 / len(new_idx)

    def _append_rows(self, Zs: np.ndarray) -> np.ndarray:
        """``self._Z`` with ``Zs`` appended, as a view of a buffer that doubles when full (top-ups
        come by the hundred; copying the whole pool for each cost a tenth of a large fit)."""
        n, buf = len(self._Z), self._Z_buffer
        if buf is None or n + len(Zs) > len(buf):
            buf = np.empty((2 * (n + len(Zs)), self._Z.shape[1]))
            buf[:n] = self._Z
            self._Z_buffer = buf
            cols = np.empty((self._Z.shape[1], len(buf)))
            cols[:, :n] = self._ZT
            self._ZT_buffer = cols
        buf[n:n + len(Zs)] = Zs
        self._ZT_buffer[:, n:n + len(Zs)] = Zs.T
        self._ZT = self._ZT_buffer[:, :n + len(Zs)]
        self._presorted.update(self._ZT)
        return buf[:n + len(Zs)]

    def _goes_left(self, split: Split, rows: np.ndarray) -> np.ndarray:
        """``split.goes_left`` on the pool's ``rows``, read from the transposed pool: a feature of many
        rows is then contiguous (7-10x faster to gather than a column of ``self._Z`` on 1M rows)."""
        return split.goes_left(self._ZT, rows, transposed=True)

    # -- growth --------------------------------------------------------------------------------
    def _n_leaves(self) -> int:
        return sum(1 for nd in self._nodes if nd.split is None and nd.depth >= 0)  # depth -1: detached

    def _grow(self) -> None:
        heap: list[tuple[float, int]] = []
        for i, nd in enumerate(self._nodes):
            if nd.split is None and nd.depth >= 0:
                if not nd.evaluated:
                    self._evaluate(nd)
                if nd.candidate is not None:
                    heapq.heappush(heap, (-nd.priority, i))
        leaves = self._n_leaves()
        self._show_phase("distilling tree", self.max_size, leaves)
        while heap and leaves < self.max_size:
            _, i = heapq.heappop(heap)
            nd = self._nodes[i]
            self._apply_split(i, nd.candidate)
            leaves += 1
            self._bar.update(1)
            self._top_up(self._nodes[nd.left], self._nodes[nd.right])
            for c in (nd.left, nd.right):
                child = self._nodes[c]
                self._evaluate(child)
                if child.candidate is not None:
                    heapq.heappush(heap, (-child.priority, c))

    def _show_phase(self, desc: str, total: int, done: int = 0) -> None:
        """Start the bar on a phase: growth counts the leaves (of ``max_size``), refinement the splits
        it re-fits. Refinement on 1M rows ran for 25 s after growth, the bar full and still."""
        self._bar.set_description(desc, refresh=False)
        self._bar.reset(total=total)
        if done:
            self._bar.update(done)

    def _apply_split(self, i: int, split: Split) -> None:
        nd = self._nodes[i]
        go = self._goes_left(split, nd.idx)
        lb, rb = self._child_boxes(split, nd.box)
        nd.split = split
        nd.candidate = None
        nd.left = len(self._nodes)
        nd.right = nd.left + 1
        self._nodes.append(_Node(nd.idx[go], lb, nd.depth + 1, parent=i))
        self._nodes.append(_Node(nd.idx[~go], rb, nd.depth + 1, parent=i))
        self._unsettle_up(i)

    def _child_boxes(self, split: Split, box: Box) -> tuple[Box, Box]:
        """The regions of ``box`` that ``split`` sends left and right."""
        if split.left_codes is None:
            return box.split_numeric(split.feature, split.threshold)
        return box.split_categorical(split.feature, split.left_codes, frozenset(range(self._cat_sizes[split.feature])))

    def _unsettle_up(self, i: int) -> None:
        """Node ``i``'s subtree changed: it and its ancestors must be refined again."""
        while i >= 0:
            self._nodes[i].settled = False
            i = self._nodes[i].parent

    def _evaluate(self, nd: _Node) -> None:
        """Find the node's best split and its priority (gain per added leaf)."""
        nd.candidate, nd.priority, nd.evaluated = None, 0.0, True
        if self.max_depth is not None and nd.depth >= self.max_depth:
            return
        if len(nd.idx) < 2 * max(self.min_leaf, 1):
            return
        if np.all(self._y[nd.idx] == self._y[nd.idx[0]]):
            # The teacher gives one class (or one value) everywhere here: nothing to gain. For values
            # this is not left to the split scores: sums of a repeated value such as 0.1 round, and
            # the rounding was read as gain, so a step teacher of 0.1 got junk splits that a step of
            # 1.0 did not.
            return
        Zn = self._Z[nd.idx]
        C = self._channels(nd.idx)
        split, per_feature = best_splits(Zn, C, self._info, self._regression, self.min_leaf,
                                         presorted=self._presorted.sorter(nd.idx))
        gain1 = split.gain if split is not None else 0.0
        best, priority = split, gain1
        # Lookahead only where single splits are weak (remove under a fifth of the node's impurity):
        # that is where interactions hide, and elsewhere it never changed the split on the suite.
        weak = gain1 < 0.2 * float(impurity(C.sum(axis=0), self._regression))
        if nd.depth < self.lookahead_depth and weak:
            la = self._lookahead(nd.idx, C, per_feature)
            if la is not None and la.gain / 2.0 > gain1 * 1.05:
                best, priority = la, la.gain / 2.0
        if best is not None and priority > 0:
            nd.candidate, nd.priority = best, priority

    # -- lookahead -----------------------------------------------------------------------------
    @staticmethod
    def _bin_edges(Z: np.ndarray, n_bins: int) -> list[np.ndarray]:
        qs = np.linspace(0, 1, n_bins + 1)[1:-1]
        edges = []
        for j in range(Z.shape[1]):
            e = np.unique(np.quantile(Z[:, j], qs, method="lower"))
            edges.append(e[e < Z[:, j].max()])
        return edges

    def _lookahead(self, idx: np.ndarray, C: np.ndarray, per_feature: np.ndarray) -> Split | None:
        """Best first split judged by the best two-level subtree under it (on binned features)."""
        B = 16
        c = C.shape[1]
        d = self._Z.shape[1]
        n_feats = min(d, 24)
        feats = np.arange(d) if d <= n_feats else np.argsort(-np.nan_to_num(per_feature, neginf=-1e300))[:n_feats]
        feats = np.array([j for j in feats if len(self._edges[j]) > 0])
        if feats.size == 0:
            return None
        F = len(feats)
        budget = 8_000_000  # cells x rows: enough rows to see an interaction, bounded cost
        n_sub = int(min(len(idx), max(5000, budget // max(1, F * F * c))))
        rng = np.random.default_rng(len(idx))
        sub = np.arange(len(idx)) if n_sub >= len(idx) else rng.choice(len(idx), n_sub, replace=False)
        Zs = self._Z[idx[sub]][:, feats]
        Cs = C[sub] * (C.shape[0] / len(sub))
        bins = np.empty(Zs.shape, dtype=np.int64)
        for m, j in enumerate(feats):
            bins[:, m] = np.searchsorted(self._edges[j], Zs[:, m], side="left")
        # H[f, g, bf, bg, ch]: channel sums of rows by (bin of f, bin of g).
        g_off = (np.arange(F) * B)[None, :]
        H = np.empty((F, F, B, B, c))
        for f in range(F):
            cell = (bins[:, f:f + 1] + g_off) * B + bins  # (n, F) -> g, bf, bg
            flat = (cell[:, :, None] * c + np.arange(c)[None, None, :]).ravel()
            w = np.broadcast_to(Cs[:, None, :], (len(Cs), F, c)).ravel()
            H[f] = np.bincount(flat, weights=w, minlength=F * B * B * c).reshape(F, B, B, c)
        L = np.cumsum(H, axis=2)  # left of a cut after bin bf of feature f
        total = L[:, :, -1:, :, :]
        R = total - L
        parent = impurity(total[0, 0, 0, :, :].sum(axis=0), self._regression)

        def best_child(S: np.ndarray) -> np.ndarray:
            # S: (F, F, B, B, c) sums by (f, g, cut bf, bin bg); best of "no split" and a cut on g.
            cum = np.cumsum(S, axis=3)
            tot = cum[:, :, :, -1:, :]
            split_imp = impurity(cum[:, :, :, :-1, :], self._regression) + \
                impurity(tot - cum[:, :, :, :-1, :], self._regression)
            best_split = split_imp.min(axis=(1, 3)) if split_imp.shape[3] else np.full(S.shape[0:3:2], np.inf)
            no_split = impurity(tot[:, 0, :, 0, :], self._regression)
            return np.minimum(best_split, no_split)  # (F, B)

        after = best_child(L) + best_child(R)
        after = after[:, :-1]  # a cut after the last bin sends everything left
        valid = np.zeros_like(after, dtype=bool)
        for m, j in enumerate(feats):
            valid[m, : len(self._edges[j])] = True
        after = np.where(valid, after, np.inf)
        f, b = np.unravel_index(int(np.argmin(after)), after.shape)
        gain = float(parent - after[f, b])
        if not np.isfinite(gain) or gain <= 0:
            return None
        j = int(feats[f])
        t = float(self._edges[j][b])
        split = Split(j, 0.0, frozenset(range(int(np.floor(t)) + 1)), gain) if j in self._cat_sizes \
            else Split(j, t, None, gain)
        # The bins are judged on a subsample: the cut must still leave min_leaf rows (and at least
        # one) on each side of the node's own rows, as every other split does.
        n_left = int(self._goes_left(split, idx).sum())
        if min(n_left, len(idx) - n_left) < max(self.min_leaf, 1):
            return None
        return split

    # -- refinement ----------------------------------------------------------------------------
    def _loss_at(self, nd: _Node, rows: np.ndarray) -> np.ndarray:
        """Loss of each of ``rows`` under leaf ``nd`` (squared error, or 1 where the leaf's class is
        not the teacher's)."""
        y = self._y[rows]
        if self._regression:
            return (y * self._unit - nd.value[0] * self._unit) ** 2
        return (y != np.argmax(nd.value)).astype(float)

    def _leaf_loss(self, start: int, rows: np.ndarray) -> np.ndarray:
        """Loss of each of ``rows`` under the leaf it reaches from node ``start``; each leaf scores
        the rows it receives."""
        loss = np.empty(len(rows))
        stack = [(start, np.arange(len(rows)))]
        while stack:
            i, pos = stack.pop()
            nd = self._nodes[i]
            if nd.split is None or not len(pos):
                loss[pos] = self._loss_at(nd, rows[pos])
                continue
            go = self._goes_left(nd.split, rows[pos])
            stack.append((nd.left, pos[go]))
            stack.append((nd.right, pos[~go]))
        return loss

    def _reassign(self, start: int = 0) -> list[int]:
        """Recompute the rows, regions and values of the nodes under ``start`` (the root: all of
        them); returns the nodes whose rows or values were recomputed.

        From the root every node is recomputed: growth appends sampled rows to leaves only and
        pruning merges values, so below the root nothing can be trusted. Below another node
        (refinement changed its split) the tree was consistent before: a child that keeps its rows
        keeps its subtree's rows and values, and only its region is passed on."""
        if start == 0:
            root = self._nodes[0]
            root.idx, root.box, root.depth = np.arange(len(self._Z)), Box.full(self._Z.shape[1]), 0
        recomputed = [start]
        stack = [(start, True)]  # (node, whether its rows must be routed again)
        while stack:
            i, moved = stack.pop()
            nd = self._nodes[i]
            if nd.split is None:
                continue
            s = nd.split
            lb, rb = self._child_boxes(s, nd.box)
            go = self._goes_left(s, nd.idx) if moved else None
            for c, box, side in ((nd.left, lb, go), (nd.right, rb, None if go is None else ~go)):
                child = self._nodes[c]
                child.box, child.depth = box, nd.depth + 1
                child_moved = moved and (self._move_rows(child, nd.idx[side]) or start == 0)
                if child_moved:
                    recomputed.append(c)
                stack.append((c, child_moved))
        for i in recomputed:
            self._set_value(self._nodes[i])
        return recomputed

    @staticmethod
    def _move_rows(child: _Node, rows: np.ndarray) -> bool:
        """Give ``child`` its ``rows``; True when they differ from its old ones."""
        if len(rows) == len(child.idx) and np.array_equal(rows, child.idx):
            return False
        child.evaluated = False  # its rows changed: its best split must be searched again
        child.settled = False
        child.idx = rows
        return True

    def _set_leaf_values(self, start: int = 0) -> None:
        stack = [start]
        while stack:
            nd = self._nodes[stack.pop()]
            if nd.split is not None:
                stack += [nd.left, nd.right]
            self._set_value(nd)

    def _set_value(self, nd: _Node) -> None:
        """The node's prediction from its rows (weighted mean value, or class shares)."""
        if not len(nd.idx) and nd.value.shape == (self._k,):
            return  # no rows reach it any more: keep what it predicted
        w = self._w[nd.idx]
        if self._regression:
            nd.value = np.array([mean_value(self._y[nd.idx], w, self._unit) if len(nd.idx) else 0.0])
        else:
            counts = np.bincount(self._y[nd.idx], weights=w, minlength=self._k)
            nd.value = counts / counts.sum() if counts.sum() > 0 else np.full(self._k, 1.0 / self._k)

    def _refine(self) -> None:
        """Re-fit each internal split against its fixed subtrees (deepest first), a few passes.

        ``row_loss`` keeps each row's loss under its leaf (see _side_losses), updated where a
        changed split moved rows."""
        row_loss = np.empty(len(self._Z))
        self._set_row_losses(row_loss, self._reassign())
        n_splits = sum(1 for nd in self._nodes if nd.split is not None and nd.depth >= 0)
        self._show_phase("refining tree", n_splits * self.refine_passes)
        for _ in range(self.refine_passes):
            changed = False
            order = sorted((i for i, nd in enumerate(self._nodes) if nd.split is not None and nd.depth >= 0),
                           key=lambda i: -self._nodes[i].depth)
            for i in order:
                changed = self._refit_split(i, row_loss) or changed
                self._bar.update(1)
            if not changed:
                break
        self._bar.update(self._bar.total - self._bar.n)  # passes left out: nothing changed

    def _refit_split(self, i: int, row_loss: np.ndarray) -> bool:
        """Re-fit node ``i``'s split against its fixed subtrees (see _refine); True when it changed."""
        nd = self._nodes[i]
        rows = nd.idx
        if nd.settled or len(rows) < 2:
            return False
        nd.settled = True
        loss_l, loss_r, go = self._side_losses(nd, row_loss)
        weight = np.abs(loss_l - loss_r) * self._w[rows]
        care = weight > 0
        if not care.any():
            return False
        want_left = loss_l < loss_r
        current = float(weight[go != want_left].sum())
        split, swap, cost = best_routing_split(self._Z[rows[care]], want_left[care], weight[care], self._info,
                                               self._presorted.sorter(rows[care]))
        # Gains below 1e-9 of the misrouted loss, or of one row's loss where that is less
        # (self._loss_unit: a fixed 1.0 was most gains in small target units), are rounding.
        if split is None or cost >= current - 1e-9 * max(self._loss_unit, current):
            return False
        go_new = self._goes_left(split, rows)
        if go_new.all() or not go_new.any():
            return False
        nd.split = split
        if swap:
            nd.left, nd.right = nd.right, nd.left
        self._set_row_losses(row_loss, self._reassign(i))
        self._unsettle_up(i)
        return True

    def _side_losses(self, nd: _Node, row_loss: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Loss of each of the node's rows under its left and under its right subtree, and which rows
        its split sends left. The rows sent left reach their own leaf through the left subtree, so
        their loss there is ``row_loss`` (likewise right): only the rows sent the other way walk the
        other subtree."""
        rows = nd.idx
        go = self._goes_left(nd.split, rows)
        loss_l, loss_r = row_loss[rows], row_loss[rows]
        loss_l[~go] = self._leaf_loss(nd.left, rows[~go])
        loss_r[go] = self._leaf_loss(nd.right, rows[go])
        return loss_l, loss_r, go

    def _set_row_losses(self, row_loss: np.ndarray, nodes: list[int]) -> None:
        """Write the loss of each row of the leaves among ``nodes`` under its leaf into ``row_loss``."""
        for i in nodes:
            nd = self._nodes[i]
            if nd.split is None:
                row_loss[nd.idx] = self._loss_at(nd, nd.idx)

    def _collapse(self) -> bool:
        """Prune splits whose two leaves predict the same class; True when any was pruned."""
        if self._regression:
            return False
        pruned = False
        again = True
        while again:
            again = False
            for nd in self._nodes:
                if nd.split is None or nd.depth < 0:
                    continue
                a, b = self._nodes[nd.left], self._nodes[nd.right]
                if a.split is None and b.split is None and np.argmax(a.value) == np.argmax(b.value):
                    # The node keeps evaluated=True with no candidate, so regrowth spends the freed
                    # leaf elsewhere instead of making the same useless split again.
                    nd.split = None
                    a.depth = b.depth = -1  # detached
                    counts = a.value * self._w[a.idx].sum() + b.value * self._w[b.idx].sum()
                    nd.value = counts / counts.sum() if counts.sum() > 0 else a.value
                    again = pruned = True
            if not again and self._lift_redundant():
                self._reassign()
                again = pruned = True
        return pruned

    def _lift_redundant(self) -> bool:
        """Replace each split one of whose children is a leaf by its other subtree where that subtree,
        over the leaf's region, predicts only the leaf's class: the tree predicts the same everywhere
        with a leaf fewer (``x0 <= 3.0858 -> 0``, then ``x0 <= 3.0903 -> 0``, else 1: the first split
        does nothing that the second does not). Pruning sibling leaves alone kept such splits. True when
        any was lifted; the rows are then routed again (_reassign)."""
        lifted = False
        for i, nd in enumerate(self._nodes):
            if nd.split is None or nd.depth < 0:
                continue
            for leaf, keep in ((nd.left, nd.right), (nd.right, nd.left)):
                a, b = self._nodes[leaf], self._nodes[keep]
                if a.split is not None or b.split is None:
                    continue
                if self._predicts_only(keep, a.box, int(np.argmax(a.value))):
                    a.depth = b.depth = -1  # detached
                    nd.split, nd.left, nd.right = b.split, b.left, b.right
                    self._nodes[nd.left].parent = self._nodes[nd.right].parent = i
                    self._unsettle_up(i)
                    lifted = True
                    break
        return lifted

    def _predicts_only(self, start: int, region: Box, cls: int) -> bool:
        """Whether every leaf under node ``start`` that ``region`` reaches predicts class ``cls``."""
        stack = [(start, region)]
        while stack:
            i, box = stack.pop()
            nd = self._nodes[i]
            if nd.split is None:
                if int(np.argmax(nd.value)) != cls:
                    return False
                continue
            lb, rb = self._child_boxes(nd.split, box)
            stack += [(c, b) for c, b in ((nd.left, lb), (nd.right, rb)) if not b.is_empty()]
        return True

    def _fill_budget(self) -> None:
        """Spend leaves that growth left unused on splits that change a prediction.

        Growth scores splits by impurity, which can prefer a split that purifies one side without
        changing any prediction; pruning removes it, and where nothing else was worth a split the
        tree ends under ``max_size`` (adult at ``max_size=2``: married or not, ``<=50K`` on both
        sides, so one leaf). Each unused leaf then goes, best first, to the split whose two sides'
        majorities disagree with the teacher least, while that beats the leaf alone. Where no split
        does, two unused leaves go to the best pair of a split and a stump under it (_best_pair).
        """
        if self._regression:
            return
        found: dict[int, tuple[float, Split] | None] = {}
        pairs: dict[int, tuple[float, Split, bool, Split] | None] = {}
        if self._n_leaves() < self.max_size:
            self._show_phase("distilling tree", self.max_size, self._n_leaves())
        while self._n_leaves() < self.max_size:
            for i, nd in enumerate(self._nodes):
                if nd.split is None and nd.depth >= 0 and i not in found:
                    found[i] = self._best_stump(nd)
            options = [(r[0], i) for i, r in found.items() if r is not None]
            if options:
                _, i = max(options, key=lambda o: (o[0], -o[1]))
                split = found.pop(i)[1]  # type: ignore[index]
                self._apply_split(i, split)
                self._set_leaf_values(i)
                self._bar.update(1)
                continue
            if self._n_leaves() + 2 > self.max_size:
                return
            for i in found:
                if i not in pairs:
                    pairs[i] = self._best_pair(self._nodes[i])
            options = [(r[0], i) for i, r in pairs.items() if r is not None]
            if not options:
                return
            _, i = max(options, key=lambda o: (o[0], -o[1]))
            _, split, left, stump = pairs.pop(i)  # type: ignore[misc]
            found.pop(i)
            self._apply_split(i, split)
            self._set_leaf_values(i)
            side = self._nodes[i].left if left else self._nodes[i].right
            self._apply_split(side, stump)
            self._set_leaf_values(side)
            self._bar.update(2)

    def _best_pair(self, nd: _Node) -> tuple[float, Split, bool, Split] | None:
        """A split of leaf ``nd``, the side it puts a stump on (True: left) and that stump, which
        together change a prediction where no single split does, with their gain over the leaf alone;
        None when no pair gains. A class confined to a corner (``x0 > 2 and x1 > 1.5``, 0.14% of the
        rows) is the majority on neither side of any one split, so _best_stump finds nothing there."""
        if self.max_depth is not None and nd.depth + 1 >= self.max_depth:
            return None
        best: tuple[float, Split, bool, Split] | None = None
        for split, left in self._pair_cuts(nd):
            lb, rb = nd.box.split_numeric(split.feature, split.threshold)
            go = self._goes_left(split, nd.idx)
            stump = self._best_stump(_Node(nd.idx[go if left else ~go], lb if left else rb, nd.depth + 1))
            if stump is not None and (best is None or stump[0] > best[0]):
                best = (stump[0], split, left, stump[1])
        return best

    def _pair_cuts(self, nd: _Node, n_best: int = 8) -> list[tuple[Split, bool]]:
        """First splits for _best_pair, with the side (True: left) that gets the stump: cuts of a
        numeric feature just below or just above all of a minority class's rows, the ``n_best`` whose
        side holds the least weight of the other classes. The stump then works where the class is
        densest; trying every such cut (a best_routing_split each) took 40 s on 50 features."""
        rows = nd.idx
        w, y = self._w[rows], self._y[rows]
        counts = np.bincount(y, weights=w, minlength=self._k)
        minority = [int(c) for c in np.flatnonzero(counts > 0) if c != np.argmax(counts)]
        n, least = len(rows), max(self.min_leaf, 1)
        scored: list[tuple[float, int, float, bool]] = []
        for j in range(self._Z.shape[1] if minority else 0):
            if j in self._cat_sizes:
                continue
            x = self._ZT[j, rows]
            order = np.argsort(x, kind="stable")
            xs = x[order]
            values = np.unique(xs)
            for c in minority:
                cum = np.cumsum(np.where(y == c, w, -w)[order])  # the class's weight less the others'
                lo, hi = np.searchsorted(values, [x[y == c].min(), x[y == c].max()])
                cuts = [(midpoint(values[lo - 1], values[lo]), False)] if lo > 0 else []
                cuts += [(midpoint(values[hi], values[hi + 1]), True)] if hi + 1 < len(values) else []
                for t, left in cuts:
                    n_left = int(np.searchsorted(xs, t, side="right"))
                    if min(n_left, n - n_left) < least:
                        continue
                    score = float(cum[n_left - 1]) if left else float(cum[-1] - cum[n_left - 1])
                    scored.append((score, j, t, left))
        scored.sort(key=lambda s: -s[0])
        return [(Split(j, t, None, 0.0), left) for _, j, t, left in scored[:n_best]]

    def _best_stump(self, nd: _Node) -> tuple[float, Split] | None:
        """The split of leaf ``nd`` whose sides, each predicting its own majority, disagree with the
        teacher least (weighted), with its gain over the leaf alone; None when none gains. Candidates
        route one of the leaf's four heaviest classes left and another right."""
        if self.max_depth is not None and nd.depth >= self.max_depth:
            return None
        rows = nd.idx
        if len(rows) < 2 * max(self.min_leaf, 1):
            return None
        w, y = self._w[rows], self._y[rows]
        counts = np.bincount(y, weights=w, minlength=self._k)
        total = float(counts.sum())
        alone = total - float(counts.max())
        if alone <= 0:
            return None
        heavy = [int(c) for c in np.argsort(-counts, kind="stable")[:4] if counts[c] > 0]
        best: tuple[float, Split] | None = None
        for n_a, ca in enumerate(heavy):
            for cb in heavy[n_a + 1:]:
                pair = (y == ca) | (y == cb)
                split, _, _ = best_routing_split(self._Z[rows[pair]], y[pair] == ca, w[pair], self._info,
                                                 self._presorted.sorter(rows[pair]))
                if split is None:
                    continue
                go = self._goes_left(split, rows)
                if min(int(go.sum()), int((~go).sum())) < max(self.min_leaf, 1):
                    continue
                left = np.bincount(y[go], weights=w[go], minlength=self._k)
                right = np.bincount(y[~go], weights=w[~go], minlength=self._k)
                if np.argmax(left) == np.argmax(right):
                    continue  # a third class is the majority of a side: the split changes nothing
                gain = alone - (total - float(left.max() + right.max()))
                if gain > 1e-9 * total and (best is None or gain > best[0]):
                    best = (gain, split)
        return best

    # -- output --------------------------------------------------------------------------------
    def _to_model(self) -> Tree:
        self._reassign()
        order: list[int] = []
        remap: dict[int, int] = {}
        stack = [0]
        while stack:  # pre-order: parents before children
            i = stack.pop()
            remap[i] = len(order)
            order.append(i)
            nd = self._nodes[i]
            if nd.split is not None:
                stack += [nd.right, nd.left]
        left, right, feat, thr, cats, val, cnt = [], [], [], [], [], [], []
        for i in order:
            nd = self._nodes[i]
            s = nd.split
            left.append(remap[nd.left] if s else -1)
            right.append(remap[nd.right] if s else -1)
            feat.append(s.feature if s else -1)
            thr.append(s.threshold if s and s.left_codes is None else 0.0)
            cats.append(self._reachable_codes(nd) if s and s.left_codes is not None else None)
            val.append(nd.value)
            cnt.append(int(round(self._w[nd.idx].sum())))
        oracle = self._oracle
        classes = None if self._regression else oracle.classes
        return Tree(oracle.domain, oracle.task, classes, children_left=left, children_right=right, feature=feat,
                    threshold=thr, value=np.array(val), left_categories=cats, n_samples=cnt)

    @staticmethod
    def _reachable_codes(nd: _Node) -> list[int]:
        """The codes a categorical split sends left, less those its ancestors sent elsewhere: the split
        ranks every category, and a category no row of the node holds ranks first, so a second split on
        a feature listed categories that cannot reach it (``c in {'a', 'b', 'e', 'f'}`` under
        ``c in {'a', 'b', 'c', 'd'}``). The rows are routed as before."""
        codes = nd.split.left_codes  # type: ignore[union-attr]
        allowed = nd.box.cats.get(nd.split.feature)  # type: ignore[union-attr]
        return sorted(codes if allowed is None else codes & allowed)
