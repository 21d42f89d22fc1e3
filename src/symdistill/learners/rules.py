"""Pedagogical rule learner: a decision list of at most ``max_size`` rules, grown from teacher queries.

The learner works on a pool of teacher-labelled rows (the user's rows plus rows sampled to look like
them), each with a weight so that weighted shares estimate shares of the data distribution.

1. Candidates. Trees are distilled with :class:`~symdistill.learners.tree.TreeLearner` on the pool
   (best-first growth with per-node sampling and lookahead, so interaction-only structure such as
   XOR is found). A tree becomes a decision list by keeping the leaves of every class but one as
   rules; that class is the default. Since only non-default leaves cost a rule, a list of ``k``
   rules can hold a tree of far more than ``k`` leaves: a small tree and a larger one are tried.
   With ``max_literals`` (classifiers) each tree also gives a list whose default is the runner-up
   class: short rules may only be able to say where the majority class is.
2. Optimisation of the list, by coordinate ascent on weighted agreement with the teacher:
   every bound of every rule is re-fitted given the rest of the list (a bound whose removal costs
   less than ``min_gain`` is pruned, which is how literals go), a rule may gain the literal that
   best excludes rows it gets wrong, consequents become the teacher's majority (or mean) on the
   rows each rule decides, and rules that do not change any decision are removed. Two bounds on
   one feature and direction never coexist: a rule is kept as a box, so intervals merge.
3. Sampling. Before every pass each rule's decided region is topped up to ``min_rule_samples``
   teacher-labelled rows sampled inside the rule's box (the way the tree learner tops up a node);
   the region's weight is kept, so rare regions get enough queries without distorting shares.
4. While the list holds more than ``max_size`` rules, the rule whose removal costs least goes, and
   the list is re-optimised.
5. Budgets. Above 64 rules (automatic tree sizes), steps 1-4 run for budgets 64, 128, 256, ... up
   to ``max_size``, and stop at the first budget the lists did not need (see :meth:`RuleLearner.fit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .._progress import progress_bar
from ..domain import Domain, is_real
from ..models.region import Box
from ..models.rules import Rule, RuleSet, box_conditions
from ..models.tree import Tree
from ..sampling import RegionSampler
from ..teachers.oracle import Answer, Oracle
from .._scale import mean_value, value_unit
from ._splits import midpoint, stable_argsort
from .base import Learner, check_int, register_learner
from .tree import TreeLearner


@dataclass
class _Rule:
    """A working rule: its region as a box and its consequent (class index or value)."""

    box: Box
    pred: float


# A working list as a cut step's stages pass it on: its rules, their fire matrix and the default.
_List = tuple[list[_Rule], np.ndarray, float]


def _box_bytes(box: Box) -> tuple:
    """A box as plain bytes and sets: equal exactly when every test of the box is the same."""
    return box.lo.tobytes(), box.hi.tobytes(), tuple(sorted((j, tuple(sorted(c))) for j, c in box.cats.items()))


class _Tests:
    """The tests of a box (those of :meth:`Box.contains`) on rows ``rows`` of the pool, kept one by
    one: which rows pass each, and how many tests each row fails. The rows inside the box with one
    bound lifted are then those failing nothing but that bound, where ``contains`` on the relaxed
    box would test every other bound again (re-fitting a rule of ``m`` bounds tested them ``m``
    times over). ``ZT`` is the pool transposed (one row per feature)."""

    def __init__(self, ZT: np.ndarray, box: Box, rows: np.ndarray) -> None:
        self._ZT, self._rows = ZT, rows
        self._cols: dict[int, np.ndarray] = {}
        self._passed: dict[tuple[int, str], np.ndarray] = {}
        self._fails = np.zeros(len(rows), dtype=np.int64)
        keys = [(int(j), "lo") for j in np.nonzero(box.lo > -np.inf)[0]]
        keys += [(int(j), "hi") for j in np.nonzero(box.hi < np.inf)[0]]
        for j, side in keys + [(j, "cats") for j in box.cats]:
            self.set(j, side, box)

    def column(self, j: int) -> np.ndarray:
        """Feature ``j`` of the rows."""
        if j not in self._cols:
            self._cols[j] = self._ZT[j, self._rows]
        return self._cols[j]

    def set(self, j: int, side: str, box: Box) -> None:
        """Test bound (j, side) of ``box`` again: it changed, or went."""
        old = self._passed.pop((j, side), None)
        if old is not None:
            self._fails -= ~old
        if side == "lo" and box.lo[j] > -np.inf:
            ok = self.column(j) > box.lo[j]
        elif side == "hi" and box.hi[j] < np.inf:
            ok = self.column(j) <= box.hi[j]
        elif side == "cats" and j in box.cats:
            ok = np.isin(self.column(j), list(box.cats[j]))
        else:
            return
        self._passed[(j, side)] = ok
        self._fails += ~ok

    def inside(self) -> np.ndarray:
        """Which rows are inside the box."""
        return self._fails == 0

    def inside_without(self, j: int, side: str) -> np.ndarray:
        """Which rows are inside the box with bound (j, side) lifted."""
        ok = self._passed.get((j, side))
        return self._fails == (0 if ok is None else ~ok)


@register_learner("rules")
class RuleLearner(Learner):
    """Distill a teacher into an ordered list of at most ``max_size`` rules plus a default.

    Parameters
    ----------
    max_size : int
        Most rules, not counting the default.
    max_literals : int or None
        Most conditions per rule (None: no limit beyond what the data supports).
    n_samples : int or None
        Teacher-labelled rows in the pool: the user's rows plus sampled ones up to this number
        (None: ten times the user's rows, within [5,000, 20,000]).
    min_rule_samples : int
        Rows each rule's decided region holds at least; missing ones are sampled in the rule's box.
    min_gain : float
        Share of the data a literal or a rule must win to be kept; pruning drops anything below.
    refine_passes : int
        Most optimisation passes over the list per candidate (0 keeps the converted trees).
    tree_sizes : sequence of int or None
        Leaf budgets of the candidate trees. None (classifiers): one tree whose list needs about
        ``max_size`` rules and one needing about 1.6 times that; regressors: ``max_size + 1`` leaves.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).uniform(size=(2000, 4))
    >>> xor = lambda X: (np.round(X[:, 0]) != np.round(X[:, 1])).astype(int)
    >>> rules = RuleLearner(max_size=2, random_state=0, n_samples=4000).fit(xor, X).model_
    >>> rules.size, float((rules.predict(X) == xor(X)).mean()) > 0.97
    (2, True)
    """

    model_: RuleSet

    _FIRST_BUDGET = 64  # see fit

    def __init__(self, *, max_size: int = 16, max_literals: int | None = None, n_samples: int | None = None,
                 min_rule_samples: int = 300, min_gain: float = 1e-4, refine_passes: int = 4,
                 tree_sizes: Sequence[int] | None = None, random_state: int | None = None, **options: Any) -> None:
        super().__init__(max_size=max_size, n_samples=n_samples, random_state=random_state, **options)
        self.max_literals = max_literals
        self.min_rule_samples = min_rule_samples
        self.min_gain = min_gain
        self.refine_passes = refine_passes
        self.tree_sizes = tree_sizes

    _POOL_OPTIONS = ("n_samples", "min_rule_samples")

    def _validate_params(self) -> None:
        super()._validate_params()
        check_int("max_literals", self.max_literals, 1, allow_none=True)
        for name in ("min_rule_samples", "refine_passes"):
            check_int(name, getattr(self, name), 0)
        if not is_real(self.min_gain) or not 0 <= self.min_gain < 1:
            raise ValueError(f"min_gain must be a number in [0, 1), got {self.min_gain!r}")
        if self.tree_sizes is not None:
            sizes = self.tree_sizes
            if (isinstance(sizes, (str, bytes)) or not isinstance(sizes, (Sequence, np.ndarray)) or not len(sizes)
                    or any(not isinstance(s, (int, np.integer)) or isinstance(s, bool) or s < 2 for s in sizes)):
                raise ValueError(f"tree_sizes must be a non-empty list of integers >= 2, got {self.tree_sizes!r}")

    # ------------------------------------------------------------------------------------------
    def fit(self, teacher: Any, X: Any, domain: Domain | None = None) -> RuleLearner:
        """Distill ``teacher`` over rows ``X``; the result is ``self.model_``.

        With automatic tree sizes and ``max_size`` above the first budget (64), budgets 64, 128,
        256, ... up to ``max_size`` are fitted in turn, each as ``max_size`` alone would be, until
        one leaves room: no candidate list had to be cut down to it and the best holds fewer rules.
        The optimisation then pruned even the larger candidate tree's list (about 1.6 times the
        budget in rules) below the budget by itself; a larger budget only grows larger trees,
        whose cost grows faster than their size, for lists pruned back as far (breast-cancer: 27
        rules at 64 in 9 s; 30 at 256 in 190 s, and 30 at 1024 in 280 s, each less faithful on
        held-out rows). The model is the one that budget gives, and its meta's ``stopped_at``
        names it. Budgets up to 64 are fitted directly: below that the trees are cheap.
        """
        self._validate_params()  # max_size before the budgets are laid out up to it
        budgets = self._budgets()
        if len(budgets) == 1:
            return super().fit(teacher, X, domain)
        asked, queries = self.max_size, 0
        try:
            for budget in budgets:
                self.max_size = budget
                super().fit(teacher, X, domain)
                queries += self.n_queries_
                if not self._full:
                    break
        finally:
            self.max_size = asked
        self.n_queries_ = queries
        self.model_.meta.update({"max_size": int(asked), "n_queries": queries})
        if budget < asked:
            self.model_.meta["stopped_at"] = budget
        return self

    def _budgets(self) -> list[int]:
        """The budgets :meth:`fit` tries in turn: 64, 128, ... below ``max_size``, then ``max_size``
        (only ``max_size`` when that is 64 or less, or when ``tree_sizes`` fixes the trees)."""
        out, budget = [], self._FIRST_BUDGET
        if self.tree_sizes is None:
            while budget < self.max_size:
                out.append(budget)
                budget *= 2
        return out + [int(self.max_size)]

    def _fit(self, oracle: Oracle, Z: np.ndarray, answer: Answer, sampler: RegionSampler) -> RuleSet:
        self._oracle, self._sampler = oracle, sampler
        self._regression = not oracle.is_classifier
        self._ncodes = {j: len(f.categories) for j, f in enumerate(oracle.domain.features) if f.is_categorical}
        Z, answer = self.augment(oracle, Z, answer, sampler)
        self._Z = Z
        self._ZT_buffer, self._ZT_rows = None, 0  # see _columns
        self._orders: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # see _order
        self._w = np.ones(len(Z))
        self._y = answer.values.astype(float) if self._regression else answer.y
        # Squared errors, means and utilities are taken on values times a power of two where raw
        # squares would overflow or underflow (value_unit; 1.0 for ordinary values).
        self._unit = value_unit(self._y) if self._regression else 1.0
        self._k = 1 if self._regression else answer.proba.shape[1]
        self._max_lit = np.inf if self.max_literals is None else int(self.max_literals)

        auto = self.tree_sizes is None
        # With k classes about (k-1)/k of a tree's leaves become rules: the first tree is sized so
        # that its list needs about ``max_size`` rules, the second from the first's actual share.
        first = self.max_size + 1 if self._regression else int(np.ceil(self.max_size * self._k / max(self._k - 1, 1))) + 1
        sizes = [first] if auto else [int(s) for s in self.tree_sizes]
        grow_second = auto and not self._regression
        candidates, trees = [], []
        with progress_bar(len(sizes) + grow_second, "distilling rules", self.progress) as bar:
            for leaves in sizes:
                trees.append(tree := self._grow_tree(leaves, Z, answer))
                candidates.append(self._from_tree(tree))
                bar.update(1)
            if grow_second:
                trees.append(tree := self._grow_tree(self._second_size(tree, len(candidates[0][0])), Z, answer))
                candidates.append(self._from_tree(tree))
                bar.update(1)
            if self.max_literals is not None and not self._regression:
                # Short rules may only say what the default's class is not: with one literal per rule,
                # 'x > 6 AND colour in {red, blue} -> pos' cannot be kept, while 'x <= 6 -> neg, colour
                # not in {red, blue} -> neg, else pos' can. Lists with the runner-up class as default
                # are tried too (last, so that ties keep the usual list).
                candidates += [c for c in (self._from_tree(t, runner_up=True) for t in trees) if c is not None]
            # Candidates are optimised after every tree is grown: the trees see the pool unweighted,
            # before rule top-ups give sampled rows weights. On large pools this takes longer than
            # growing the trees: the bar goes on counting the candidates optimised.
            bar.total += len(candidates)
            bar.set_description("optimising rules")
            optimised = []
            for rules, default in candidates:
                optimised.append(self._optimise(rules, default))
                bar.update(1)
        # Later candidates' top-ups re-weight the pool: a list optimised earlier can hold a rule whose
        # class is no longer the one most of its rows have (and that predict_proba's argmax contradicts).
        optimised = [(*self._settle(r, d, F), cut) for r, d, F, cut in optimised]
        scores = [(self._score(F, r, d), -len(r)) for r, d, F, _ in optimised]
        rules, default, _, _ = optimised[max(range(len(optimised)), key=lambda c: scores[c])]
        # The budget held the list back when any candidate had to be cut down to it, or the best
        # list fills it (see fit).
        self._full = any(cut for *_, cut in optimised) or len(rules) >= self.max_size
        return self._to_model(rules, default)

    # -- candidates ----------------------------------------------------------------------------
    def _grow_tree(self, leaves: int, Z: np.ndarray, answer: Answer) -> Tree:
        # The tree learner's hook is called directly so that it shares this learner's oracle,
        # labelled pool and sampler instead of asking the teacher about the user's rows again.
        # One refinement pass: the rules are re-optimised afterwards anyway, and it saves about a
        # quarter of the time at the same fidelity (measured on MAGIC at 8, 16 and 64 rules).
        # Its bar (growth, then refinement) shows below this learner's: a tree on 1M rows took a minute.
        tl = TreeLearner(max_size=int(leaves), n_samples=0, refine_passes=1, random_state=self.random_state,
                         progress=self.progress)
        tl._validate_params()
        tl._fills_budget = False  # see TreeLearner._fills_budget
        return tl._fit(self._oracle, Z, answer, self._sampler)

    def _second_size(self, tree: Tree, n_rules: int) -> int:
        """Leaves of the larger candidate tree: enough that its list needs about 1.6 x ``max_size`` rules."""
        per_leaf = max(n_rules, 1) / max(tree.size, 1)
        return int(np.clip(round(1.6 * self.max_size / per_leaf), tree.size + 2, 4 * self.max_size + 1))

    def _from_tree(self, tree: Tree, runner_up: bool = False) -> tuple[list[_Rule], float] | None:
        """A decision list with the tree's function: one rule per leaf outside the default, the
        class with the most leaves (then the most rows), or with ``runner_up`` the class after it
        (None when the leaves hold one class)."""
        leaves = list(tree.leaf_regions())
        mass = np.array([max(int(tree.n_samples[i]), 0) for i, _ in leaves], dtype=float)
        if self._regression:
            values = np.array([tree.value[i, 0] for i, _ in leaves])
            d = int(np.argmax(mass))
            keep = [m for m in range(len(leaves)) if m != d]
            default = float(values[d])
            preds = values
        else:
            preds = np.array([tree.leaf_class[i] for i, _ in leaves])
            count = np.bincount(preds, minlength=self._k).astype(float)
            weight = np.bincount(preds, weights=mass, minlength=self._k)
            ranked = np.lexsort((weight, count))
            if runner_up and (len(ranked) < 2 or count[ranked[-2]] == 0):
                return None
            default = int(ranked[-2] if runner_up else ranked[-1])
            keep = [m for m in range(len(leaves)) if preds[m] != default]
        keep.sort(key=lambda m: -mass[m])
        return [_Rule(leaves[m][1], float(preds[m])) for m in keep], float(default)

    # -- scoring -------------------------------------------------------------------------------
    def _columns(self) -> np.ndarray:
        """The pool transposed (one row per feature), kept in a buffer that grows with the pool
        (which only ever gains rows): reading a feature of many rows is then contiguous, where on
        wide data each row of ``self._Z`` costs a cache miss."""
        n, d = self._Z.shape
        buf, done = self._ZT_buffer, self._ZT_rows
        if buf is None or n > buf.shape[1]:
            grown = np.empty((d, 2 * n))
            if buf is not None:
                grown[:, :done] = buf[:, :done]
            buf = self._ZT_buffer = grown
        if done < n:
            buf[:, done:n] = self._Z[done:n].T
            self._ZT_rows = n
        return buf[:, :n]

    def _order(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """The pool's rows in the stable order of feature ``j`` and their values of it, kept as the
        pool grows (rows drawn by top-ups are merged in, after the rows of equal value before them).
        The values are kept beside the order so that reading a subset's values in order is a pass
        over them, not a read scattered over the feature's column."""
        ZT = self._columns()
        order, xs = self._orders.get(j, (None, None))
        done = 0 if order is None else len(order)
        if done < ZT.shape[1]:
            new = ZT[j, done:]
            o = np.argsort(new, kind="stable")
            if order is None:
                order, xs = o, new[o]
            else:
                at = np.searchsorted(xs, new[o], side="right")
                order, xs = np.insert(order, at, o + done), np.insert(xs, at, new[o])
            self._orders[j] = order, xs
        return order, xs

    def _through_order(self, n_rows: int) -> bool:
        """Whether ``n_rows`` rows of the pool are sorted faster by reading them off the pool's
        order (a pass over the pool) than by sorting them (n log n)."""
        return 32 * n_rows >= len(self._Z)

    def _sorted(self, j: int, rows: np.ndarray, x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``x``, feature ``j`` of pool rows ``rows`` (ascending), and ``g`` of each, in the stable
        order of ``x``."""
        if not self._through_order(len(rows)):
            order, xs = stable_argsort(x)
            return xs, g[order]
        span = (x.min(), x.max()) if len(x) else ()
        return self._in_order(j, *self._scatter(rows, g), *span)

    def _scatter(self, rows: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows ``rows`` of the pool as a mask, and ``g`` at those rows of an array the pool's length."""
        mask = np.zeros(len(self._Z), dtype=bool)
        mask[rows] = True
        G = np.empty(len(self._Z))
        G[rows] = g
        return mask, G

    def _in_order(self, j: int, mask: np.ndarray, G: np.ndarray, lo: float = -np.inf, hi: float = np.inf
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Feature ``j`` of the pool's rows in ``mask``, and ``G`` of them, in feature ``j``'s stable
        order: a stable sort of a subset is the sorted whole with the rest left out. The rows' values
        lie in [``lo``, ``hi``]: only that stretch of the order is read."""
        order, xs = self._order(j)
        if lo <= hi:  # not NaN
            a, b = np.searchsorted(xs, lo, side="left"), np.searchsorted(xs, hi, side="right")
            order, xs = order[a:b], xs[a:b]
        # Positions then takes: indexing with a mask as scattered as this one was about 5x slower.
        keep = np.flatnonzero(mask.take(order))
        return xs.take(keep), G.take(order.take(keep))

    def _inside(self, box: Box, rows: np.ndarray | None = None) -> np.ndarray:
        """``box.contains`` on the pool (its rows ``rows`` when given)."""
        return box.contains(self._columns(), rows, transposed=True)

    def _fire_matrix(self, rules: list[_Rule], Z: np.ndarray | None = None) -> np.ndarray:
        F = np.zeros((len(self._Z) if Z is None else len(Z), len(rules)), dtype=bool)
        for i, r in enumerate(rules):
            F[:, i] = self._inside(r.box) if Z is None else r.box.contains(Z)
        return F

    def _grown(self, F: np.ndarray, rules: list[_Rule]) -> np.ndarray:
        """``F``, the fire matrix of ``rules`` on the pool as it was, for the pool as it is: rows only
        ever join the pool at its end, and a rule's test of a row does not depend on the others."""
        if len(F) == len(self._Z):
            return F
        return np.vstack([F, self._fire_matrix(rules, self._Z[len(F):])])

    @staticmethod
    def _decide(F: np.ndarray) -> np.ndarray:
        """Index of the first firing column of each row; ``F.shape[1]`` (the default) when none fires."""
        if F.shape[1] == 0:
            return np.zeros(len(F), dtype=np.int64)
        first = F.argmax(axis=1)  # whether that column fires says whether any does, at half any's cost
        return np.where(np.take_along_axis(F, first[:, None], axis=1)[:, 0], first, F.shape[1])

    @staticmethod
    def _by_decision(dec: np.ndarray, k: int) -> list[np.ndarray]:
        """The rows each of ``k`` rules and the default (last) decides, ascending: ``np.flatnonzero(dec
        == i)`` for each ``i``, from one stable sort of ``dec`` rather than ``k + 1`` passes over it."""
        order = np.argsort(dec.astype(np.int16) if k < 2**15 else dec, kind="stable")  # a radix sort
        return np.split(order, np.cumsum(np.bincount(dec, minlength=k + 1))[:-1])

    def _utility(self, pred: np.ndarray | float, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Per-row weighted utility of predicting ``pred``: agreement, or minus the squared error."""
        return self._utility_of(pred, self._y[rows], self._w[rows])

    def _utility_of(self, pred: np.ndarray | float, y: np.ndarray, w: np.ndarray) -> np.ndarray:
        """:meth:`_utility` of rows with answers ``y`` and weights ``w``."""
        if self._regression:
            return -w * (y * self._unit - pred * self._unit) ** 2
        return w * (y == pred)

    def _score(self, F: np.ndarray, rules: list[_Rule], default: float) -> float:
        cons = np.array([r.pred for r in rules] + [default])
        return float(self._utility(cons[self._decide(F)]).sum())

    # -- optimisation --------------------------------------------------------------------------
    def _optimise(self, rules: list[_Rule], default: float) -> tuple[list[_Rule], float, np.ndarray, bool]:
        """The optimised list, its default, its fire matrix on the pool and whether it had to be cut
        down to ``max_size``. The fire matrix is kept up to date through the passes (a changed rule's
        column, top-ups' rows) rather than made again."""
        rules = [_Rule(r.box.copy(), r.pred) for r in rules]
        passes = max(self.refine_passes, 1)
        # One candidate's optimisation took 100 s on 1M MAGIC rows with the learner's bar still: this
        # bar, below it, counts each rule's region topped up (then the teacher's answers to the rows
        # drawn), each rule's bounds re-fitted and each rule specialised, a share of three times the
        # first list's rules (and one) a pass (filled at its end: rules dropped, or no refinement, or
        # passes left out as nothing changed), then the cut down to ``max_size`` (see _cut_stages).
        k = len(rules)
        per_pass = self._top_up_ticks(k) + 2 * self._per_rule_ticks(k) if self.refine_passes else 1
        with progress_bar(passes * per_pass, "refining rules", self.progress) as bar:
            F = self._fire_matrix(rules)
            for p in range(passes):
                before = self._signature(rules, default)
                if self.refine_passes:
                    F = self._top_up(rules, F, bar)
                self._enforce_literals(rules, F, default)
                if self.refine_passes:
                    self._refit_bounds(rules, F, default, bar)
                    self._specialise(rules, F, default, bar)
                default = self._set_consequents(rules, F, default)
                rules, F = self._drop_idle(rules, F, default)
                if self._signature(rules, default) == before:
                    break
                if bar.n < (p + 1) * per_pass:
                    bar.update((p + 1) * per_pass - bar.n)
            if bar.n < bar.total:
                bar.update(bar.total - bar.n)
            cut = len(rules) > self.max_size
            if cut:
                bar.set_description("cutting rules", refresh=False)
                bar.reset(total=self._cut_ticks(len(rules), self.max_size))
            rules, F, default = self._cut(rules, F, default, bar)
        return rules, default, F, cut

    def _cut(self, rules: list[_Rule], F: np.ndarray, default: float, bar: Any) -> _List:
        """Remove the cheapest rule, re-fitting the rest, until the list holds ``max_size`` rules.
        Each removal is a step running the stages of :meth:`_cut_stages`, which move ``bar`` as they
        go; its total, :meth:`_cut_ticks`, is read off the same stages."""
        stages = self._cut_stages()
        while len(rules) > self.max_size:
            for run, _ in stages:
                rules, F, default = run(rules, F, default, bar)
            # New consequents can leave a rule deciding as the rest of the list would (one that now
            # predicts the default's class before it): it goes, with or without refinement, and the
            # steps that would have removed it are skipped on the bar.
            left = len(rules)
            rules, F = self._drop_idle(rules, F, default)
            if len(rules) < left:
                bar.update(self._cut_ticks(left, len(rules)))
        return rules, F, default

    def _cut_stages(self) -> list[tuple[Callable[..., _List], Callable[[int], int]]]:
        """The stages of a cut step in order, each as ``(run, ticks)``: ``run(rules, F, default, bar)``
        returns the three after the stage, having moved ``bar`` by ``ticks(k)`` for the ``k`` rules the
        step leaves. The cheapest rule is removed (one tick), then with refinement the regions of the
        rules left are topped up and every rule re-fitted (see :meth:`_top_up_ticks`). A step counted
        as one took 1.3 s on 200,000 MAGIC rows (16 rules), most of it the re-fits."""
        stages: list[tuple[Callable[..., _List], Callable[[int], int]]] = [(self._cut_remove, lambda k: 1)]
        if self.refine_passes:
            stages += [(self._cut_top_up, self._top_up_ticks), (self._cut_refit, self._per_rule_ticks)]
        return stages

    def _cut_remove(self, rules: list[_Rule], F: np.ndarray, default: float, bar: Any) -> _List:
        rules, F = self._remove_cheapest(rules, F, default)
        bar.update(1)
        return rules, F, self._set_consequents(rules, F, default)

    def _cut_top_up(self, rules: list[_Rule], F: np.ndarray, default: float, bar: Any) -> _List:
        return rules, self._top_up(rules, F, bar), default

    def _cut_refit(self, rules: list[_Rule], F: np.ndarray, default: float, bar: Any) -> _List:
        self._refit_bounds(rules, F, default, bar)
        return rules, F, self._set_consequents(rules, F, default)

    def _cut_ticks(self, n: int, left: int) -> int:
        """Ticks of the 'cutting rules' bar for cutting a list of ``n`` rules down to ``left`` (not
        below ``max_size``): the ticks of every stage of the step leaving ``k`` rules, for each ``k``."""
        return sum(ticks(k) for k in range(max(left, self.max_size), n) for _, ticks in self._cut_stages())

    @staticmethod
    def _signature(rules: list[_Rule], default: float) -> tuple:
        return (default,) + tuple((r.pred, r.box.lo.tobytes(), r.box.hi.tobytes(), tuple(sorted(
            (j, tuple(sorted(c))) for j, c in r.box.cats.items()))) for r in rules)

    def _spread(self) -> float:
        """The utility that shares are taken of: the rows' weight (classifiers) or the squared error
        of predicting the mean everywhere (regressors, so that it does not depend on the target's scale)."""
        if self._regression:
            w = self._w
            y = self._y * self._unit
            mean = float(np.average(y, weights=w)) if w.sum() > 0 else 0.0
            return float(np.sum(w * (y - mean) ** 2))
        return float(self._w.sum())

    def _tolerance(self) -> float:
        """``min_gain`` as utility: a share of :meth:`_spread`."""
        return self.min_gain * self._spread()

    def _rounding(self) -> float:
        """Utility differences below this are rounding, not gains: 1e-12 of :meth:`_spread` (a fixed
        amount would be most of a regressor's gains in small units and none in large ones)."""
        return 1e-12 * max(self._spread(), 1e-300)

    def _n_literals(self, box: Box) -> int:
        n = int(np.isfinite(box.lo).sum() + np.isfinite(box.hi).sum())
        return n + sum(1 for j, c in box.cats.items() if len(c) < self._ncodes[j])

    def _gain(self, rules: list[_Rule], F: np.ndarray, i: int, default: float, dec: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        """Rows not taken by earlier rules, and the utility each gains when rule ``i`` (rather than
        the rest of the list) decides it; ``dec`` is ``_decide(F)``, kept by :meth:`_redecide`."""
        open_rows = np.flatnonzero(dec >= i)
        later = dec[open_rows] - (i + 1)  # a row no rule up to i takes goes to the first after i
        mine = np.flatnonzero(later < 0)  # rows rule i takes: the first rule after it that fires
        later[mine] = self._decide(F[open_rows[mine], i + 1:])
        cons = np.array([r.pred for r in rules[i + 1:]] + [default])
        y, w = self._y.take(open_rows), self._w.take(open_rows)
        g = self._utility_of(rules[i].pred, y, w) - self._utility_of(cons[later], y, w)
        return open_rows, g

    def _redecide(self, F: np.ndarray, dec: np.ndarray, i: int) -> None:
        """Keep ``dec`` equal to ``_decide(F)`` once column ``i`` of ``F`` changed: only rows that
        rule ``i`` now takes, or no longer takes, move."""
        fires = F[:, i]
        dec[fires & (dec > i)] = i
        lost = np.flatnonzero(~fires & (dec == i))
        if len(lost):
            dec[lost] = i + 1 + self._decide(F[lost, i + 1:])

    def _bounds(self, box: Box) -> list[tuple[int, str]]:
        """The bounds (literals) of a box: (feature, "lo" | "hi" | "cats")."""
        out = [(int(j), "lo") for j in np.nonzero(np.isfinite(box.lo))[0]]
        out += [(int(j), "hi") for j in np.nonzero(np.isfinite(box.hi))[0]]
        out += [(j, "cats") for j, c in box.cats.items() if len(c) < self._ncodes[j]]
        return out

    def _best_bound(self, box: Box, j: int, side: str, rows: np.ndarray, g: np.ndarray,
                    tests: _Tests | None = None) -> tuple[float, float, Any]:
        """For rows inside ``box`` with bound (j, side) lifted: (utility now, best utility, best bound).
        ``tests``, when given, are the box's tests on ``rows``, which tell the rows inside at once.

        The best bound is None when lifting the bound is as good as any setting of it.
        """
        if tests is None:
            relaxed = box.copy()
            self._set_bound(relaxed, j, side, None)
            inside = np.flatnonzero(self._inside(relaxed, rows))
            x = self._columns()[j].take(rows.take(inside))
        else:
            inside = np.flatnonzero(tests.inside_without(j, side))
            x = tests.column(j).take(inside)
        gg = g.take(inside)
        total = float(gg.sum())
        tol = self._tolerance()
        if side == "cats":
            codes = x.astype(np.int64)
            per = np.bincount(codes, weights=gg, minlength=self._ncodes[j])
            present = np.bincount(codes, minlength=self._ncodes[j]) > 0
            now_set = box.cats.get(j, frozenset(range(self._ncodes[j])))
            now = float(per[sorted(now_set)].sum()) if now_set else 0.0
            keep = frozenset(int(c) for c in range(self._ncodes[j]) if (present[c] and per[c] > 0)
                             or (not present[c] and c in now_set))
            best = float(per[sorted(keep)].sum()) if keep else 0.0
            if total >= best - tol or len(keep) == self._ncodes[j]:
                return now, total, None
            return now, best, keep
        xs, gs = self._sorted(j, rows.take(inside), x, gg)
        cs = np.cumsum(gs)
        if side == "hi":
            now = float(gg.take(np.flatnonzero(x <= box.hi[j])).sum())
            vals = cs[:-1]  # keep rows up to position k
        else:
            now = float(gg.take(np.flatnonzero(x > box.lo[j])).sum())
            vals = total - cs[:-1]  # keep rows after position k
        cut = xs[1:] > xs[:-1]
        if not cut.any():
            return now, total, None
        vals = np.where(cut, vals, -np.inf)
        k = int(np.argmax(vals))
        best = float(vals[k])
        if total >= best - tol:
            return now, total, None
        return now, best, midpoint(float(xs[k]), float(xs[k + 1]))

    def _set_bound(self, box: Box, j: int, side: str, value: Any) -> None:
        if side == "lo":
            box.lo[j] = -np.inf if value is None else value
        elif side == "hi":
            box.hi[j] = np.inf if value is None else value
        elif value is None:
            box.cats.pop(j, None)
        else:
            box.cats[j] = value

    @staticmethod
    def _per_rule_ticks(k: int) -> int:
        """Ticks :meth:`_refit_bounds` and :meth:`_specialise` make on a list of ``k`` rules: one a rule."""
        return k

    def _refit_bounds(self, rules: list[_Rule], F: np.ndarray, default: float, bar: Any = None) -> None:
        """Re-fit every bound of every rule given the rest of the list; prune bounds that do not pay.
        ``bar``, when given, counts the rules."""
        eps = self._rounding()
        dec = self._decide(F)
        for i, r in enumerate(rules):
            rows, g = self._gain(rules, F, i, default, dec)
            was = _box_bytes(r.box)
            tests = _Tests(self._columns(), r.box, rows)
            for j, side in self._bounds(r.box):
                now, best, bound = self._best_bound(r.box, j, side, rows, g, tests)
                if bound is None or best > now + eps:
                    self._set_bound(r.box, j, side, bound)
                    tests.set(j, side, r.box)
            if _box_bytes(r.box) != was:  # else its column and the decisions stand
                # The kept tests tell the rows no earlier rule takes; only the others are tested.
                taken = np.flatnonzero(dec < i)
                F[rows, i] = tests.inside()
                F[taken, i] = self._inside(r.box, taken)
                self._redecide(F, dec, i)
            if bar is not None:
                bar.update(1)

    def _enforce_literals(self, rules: list[_Rule], F: np.ndarray, default: float) -> None:
        """Drop the cheapest literals of rules longer than ``max_literals``."""
        dec = None
        for i, r in enumerate(rules):
            while self._n_literals(r.box) > self._max_lit:
                dec = self._decide(F) if dec is None else dec
                rows, g = self._gain(rules, F, i, default, dec)
                options = []
                for j, side in self._bounds(r.box):
                    now, _, _ = self._best_bound(r.box, j, side, rows, g)
                    relaxed = r.box.copy()
                    self._set_bound(relaxed, j, side, None)
                    options.append((float(g[self._inside(relaxed, rows)].sum()) - now, j, side))
                _, j, side = max(options, key=lambda o: o[0])
                self._set_bound(r.box, j, side, None)
                F[:, i] = self._inside(r.box)
                self._redecide(F, dec, i)

    def _specialise(self, rules: list[_Rule], F: np.ndarray, default: float, bar: Any = None) -> None:
        """Give each rule the one new bound that best excludes rows it decides wrongly, if it pays.
        ``bar``, when given, counts the rules."""
        tol = max(self._tolerance(), self._rounding())
        dec = self._decide(F)
        for i in range(len(rules)):
            self._specialise_rule(rules, F, default, dec, i, tol)
            if bar is not None:
                bar.update(1)

    def _specialise_rule(self, rules: list[_Rule], F: np.ndarray, default: float, dec: np.ndarray, i: int,
                         tol: float) -> None:
        """Rule ``i``'s step of _specialise (``dec``: the deciding column of ``F``, kept up to date)."""
        r = rules[i]
        if self._n_literals(r.box) >= self._max_lit:
            return
        rows, g = self._gain(rules, F, i, default, dec)
        mine = np.flatnonzero(F[rows, i])
        rows, g = rows.take(mine), g.take(mine)
        if len(rows) < 2 or g.min() >= 0:
            return
        total = float(g.sum())
        best = (total + tol, -1, "", None)
        ZT = self._columns()
        cuts = self._best_cuts(rows, g, total, r.box)
        for j in range(len(ZT)):
            if j in self._ncodes:
                per = np.bincount(ZT[j, rows].astype(np.int64), weights=g, minlength=self._ncodes[j])
                keep = frozenset(int(c) for c in np.nonzero(per > 0)[0])
                val = float(per[per > 0].sum())
                if val > best[0] and keep:
                    best = (val, j, "cats", keep & r.box.cats.get(j, frozenset(range(self._ncodes[j]))))
                continue
            for side, (val, a, b) in cuts.get(j, {}).items():
                if val > best[0]:
                    best = (float(val), j, side, midpoint(a, b))
        if best[1] >= 0:
            _, j, side, bound = best
            if side == "hi":
                r.box.hi[j] = min(r.box.hi[j], bound)
            elif side == "lo":
                r.box.lo[j] = max(r.box.lo[j], bound)
            else:
                r.box.cats[j] = bound
            # The box only shrank by this bound: the rows it holds are those it held that pass it.
            fired, test = np.flatnonzero(F[:, i]), Box.full(len(r.box.lo))
            self._set_bound(test, j, side, r.box.cats[j] if side == "cats" else getattr(r.box, side)[j])
            F[fired, i] = self._inside(test, fired)
            self._redecide(F, dec, i)

    def _best_cuts(self, rows: np.ndarray, g: np.ndarray, total: float, box: Box) -> dict[int, dict[str, tuple]]:
        """Per numeric feature with a cut among pool rows ``rows`` (ascending, inside ``box``): the
        best new upper bound ("hi", keeping x <= t) and lower bound ("lo", keeping x > t) for rows with
        gains ``g``, each as (gain kept, the values the cut falls between). Many rows are read off the
        pool's order of each feature (the stretch within the box's bounds); few are gathered and
        sorted in blocks of features, stably."""
        num = [j for j in range(self._Z.shape[1]) if j not in self._ncodes]
        out: dict[int, dict[str, tuple]] = {}
        if not num:
            return out
        if self._through_order(len(rows)):
            mask, G = self._scatter(rows, g)
            for j in num:
                xs, gs = self._in_order(j, mask, G, box.lo[j], box.hi[j])
                self._cut_values([j], xs[None], gs[None], total, out)
            return out
        XT = self._columns()[:, rows]  # (features, rows)
        XT = XT[num] if len(num) < len(XT) else XT
        step = max(1, 250_000 // max(1, len(g)))
        for s in range(0, len(num), step):
            order, xs = stable_argsort(XT[s:s + step])
            self._cut_values(num[s:s + step], xs, np.take(g, order), total, out)
        return out

    @staticmethod
    def _cut_values(feats: list[int], xs: np.ndarray, gs: np.ndarray, total: float,
                    out: dict[int, dict[str, tuple]]) -> None:
        """The cuts of :meth:`_best_cuts` for features ``feats``, given each one's values sorted
        (``xs``, one row a feature) and the gains in that order (``gs``)."""
        cs = np.cumsum(gs, axis=1)[:, :-1]
        cut = xs[:, 1:] > xs[:, :-1]
        lo_keep = np.where(cut, cs, -np.inf)  # keep x <= t
        hi_keep = np.where(cut, total - cs, -np.inf)  # keep x > t
        k_lo, k_hi = np.argmax(lo_keep, axis=1), np.argmax(hi_keep, axis=1)
        at = np.arange(len(xs))
        v_lo, v_hi = lo_keep[at, k_lo], hi_keep[at, k_hi]
        for m in np.nonzero(cut.any(axis=1))[0]:
            out[feats[m]] = {"hi": (v_lo[m], xs[m, k_lo[m]], xs[m, k_lo[m] + 1]),
                             "lo": (v_hi[m], xs[m, k_hi[m]], xs[m, k_hi[m] + 1])}

    def _set_consequents(self, rules: list[_Rule], F: np.ndarray, default: float) -> float:
        """Each rule predicts the teacher's majority class (mean value) on the rows it decides."""
        groups = self._by_decision(self._decide(F), len(rules))
        for r, rows in zip(rules + [None], groups):
            w = self._w.take(rows)
            if w.sum() <= 0:
                continue
            if self._regression:
                value = mean_value(self._y.take(rows), w, self._unit)
            else:
                value = float(np.argmax(np.bincount(self._y.take(rows), weights=w, minlength=self._k)))
            if r is None:
                default = value
            else:
                r.pred = value
        return default

    def _settle(self, rules: list[_Rule], default: float, F: np.ndarray
                ) -> tuple[list[_Rule], float, np.ndarray]:
        """Consequents made the teacher's majority (mean) on the rows each rule decides in the pool as
        it is now, and rules that then change no decision dropped, until neither moves; ``F`` is the
        list's fire matrix on the pool as it was, and the list's on the pool as it is comes back."""
        F = self._grown(F, rules)
        while True:
            before = [r.pred for r in rules] + [default]
            default = self._set_consequents(rules, F, default)
            if [r.pred for r in rules] + [default] == before:
                return rules, default, F
            rules, F = self._drop_idle(rules, F, default)

    def _drop_idle(self, rules: list[_Rule], F: np.ndarray, default: float) -> tuple[list[_Rule], np.ndarray]:
        """Remove rules whose removal costs less than ``min_gain`` (last first)."""
        tol = self._tolerance()
        cons = np.array([r.pred for r in rules] + [default])
        dec = self._decide(F)
        util = self._utility(cons[dec])
        score = float(util.sum())
        alive = list(range(len(rules)))
        # Removing a rule moves its rows to rules after it: the rows of the rules before it stand.
        groups = self._by_decision(dec, len(rules))
        for i in range(len(rules) - 1, -1, -1):
            rows = groups[i]
            nxt, u = self._without(F, rows, alive[alive.index(i) + 1:], cons)
            s = float(self._swap_sum(util, rows, u))
            if s >= score - tol:
                alive.remove(i)
                util[rows] = u
                score = s
        if len(alive) == len(rules):
            return rules, F
        return [rules[m] for m in alive], F[:, alive]

    def _remove_cheapest(self, rules: list[_Rule], F: np.ndarray, default: float) -> tuple[list[_Rule], np.ndarray]:
        cons = np.array([r.pred for r in rules] + [default])
        dec = self._decide(F)
        util = self._utility(cons[dec])
        costs = []
        for i, rows in enumerate(self._by_decision(dec, len(rules))[:-1]):
            _, u = self._without(F, rows, list(range(i + 1, len(rules))), cons)
            costs.append(float(self._swap_sum(util, rows, u)))
        i = int(np.argmax(costs))
        keep = [m for m in range(len(rules)) if m != i]
        return [rules[m] for m in keep], F[:, keep]

    def _without(self, F: np.ndarray, rows: np.ndarray, after: list[int], cons: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
        """For ``rows``, the rows a rule decides: the column deciding each once the rule is gone (the
        first of ``after``, the rules after it still in the list, that fires, else the default,
        ``len(cons) - 1``), and their utility then. Removing a rule changes only the rows it decides:
        scoring the list without it costs those rows, not a copy of the whole fire matrix."""
        later = np.asarray(after + [len(cons) - 1], dtype=np.int64)
        nxt = later[self._decide(F[np.ix_(rows, later[:-1])])]
        return nxt, self._utility(cons[nxt], rows)

    @staticmethod
    def _swap_sum(util: np.ndarray, rows: np.ndarray, u: np.ndarray) -> float:
        """Sum of ``util`` with ``util[rows]`` replaced by ``u``, added as numpy adds the whole array."""
        if not len(rows):
            return util.sum()
        changed = util.copy()
        changed[rows] = u
        return changed.sum()

    # -- sampling ------------------------------------------------------------------------------
    @staticmethod
    def _top_up_ticks(k: int) -> int:
        """Ticks :meth:`_top_up` makes on a list of ``k`` rules: one a region, then one for the answers."""
        return k + 1

    def _top_up(self, rules: list[_Rule], F: np.ndarray, bar: Any = None) -> np.ndarray:
        """Sample in each rule's box until the region it decides holds ``min_rule_samples`` rows.
        ``F`` is the rules' fire matrix on the pool; theirs on the pool with the rows drawn comes back.
        ``bar``, when given, counts each rule's region, then the teacher's answers to the rows drawn
        (which show their own bar where they take more than one of its batches)."""
        dec = self._decide(F)
        groups = self._by_decision(dec, len(rules))
        new_Z, new_dec = [], []
        for i in range(len(rules)):
            Zs = self._draw_in(rules, i, groups[i])
            if len(Zs):
                new_Z.append(Zs)
                new_dec.append(np.full(len(Zs), i))
            if bar is not None:
                bar.update(1)
        if new_Z:
            self._add_labelled(np.vstack(new_Z), np.concatenate(new_dec), dec, len(rules))
        if bar is not None:
            bar.update(1)
        return self._grown(F, rules)

    def _draw_in(self, rules: list[_Rule], i: int, region: np.ndarray) -> np.ndarray:
        """Rows sampled in rule ``i``'s box that it decides, as many as its region (the pool's rows
        ``region``) lacks of ``min_rule_samples`` (none for a region full, empty or of no weight)."""
        missing = self.min_rule_samples - len(region)
        if missing <= 0 or rules[i].box.is_empty() or self._w.take(region).sum() <= 0:
            return np.zeros((0, self._Z.shape[1]))
        Zs = self._sampler.sample(rules[i].box, missing)
        return Zs[self._decide(self._fire_matrix(rules[: i + 1], Zs)) == i]

    def _add_labelled(self, Zs: np.ndarray, ds: np.ndarray, dec: np.ndarray, n_rules: int) -> None:
        """Add rows ``Zs`` (drawn for the rules ``ds``) to the pool with the teacher's answers; each
        topped-up region keeps its weight (``dec``: the deciding rule of each row of the pool)."""
        ans = self._oracle.label(Zs, progress=self.progress)
        mass = np.bincount(dec, weights=self._w, minlength=n_rules + 1)
        self._Z = np.vstack([self._Z, Zs])
        self._y = np.concatenate([self._y, ans.values.astype(float) if self._regression else ans.y])
        self._w = np.concatenate([self._w, np.zeros(len(Zs))])
        dec = np.concatenate([dec, ds])
        for i in np.unique(ds):
            m = dec == i
            self._w[m] = mass[i] / m.sum()

    # -- output --------------------------------------------------------------------------------
    def _to_model(self, rules: list[_Rule], default: float) -> RuleSet:
        # A rule whose literals were all pruned decides every row that reaches it: it is the list's
        # real default, and the rules after it and the old default decide nothing.
        for i, r in enumerate(rules):
            if self._n_literals(r.box) == 0:
                rules, default = rules[:i], r.pred
                break
        F = self._fire_matrix(rules)
        dec = self._decide(F)
        total = float(self._w.sum())
        out = []
        domain = self._oracle.domain
        for i, r in enumerate(rules + [_Rule(Box.full(domain.n_features), default)]):
            m = dec == i
            w = self._w[m]
            mass = float(w.sum())
            conds = box_conditions(r.box, domain)
            stats: dict[str, Any] = {"coverage": mass / total if total > 0 else 0.0}
            if self._regression:
                err = np.abs(self._y[m] * self._unit - r.pred * self._unit)
                stats["error"] = float(np.average(err, weights=w)) / self._unit if mass > 0 else 0.0
                out.append(Rule(conds, float(r.pred), **stats))
            else:
                counts = np.bincount(self._y[m], weights=w, minlength=self._k)
                proba = counts / mass if mass > 0 else np.eye(self._k)[int(r.pred)]
                stats["agreement"] = float(proba[int(r.pred)])
                out.append(Rule(conds, int(r.pred), proba=tuple(float(p) for p in proba), **stats))
        oracle = self._oracle
        return RuleSet(domain, oracle.task, None if self._regression else oracle.classes, out[:-1], out[-1])
