"""Decompositional rule extraction: rules read off the network's hidden layers (ECLAIRE-style).

The hidden layers are read by :mod:`symdistill.teachers.activations`: linear layers (``nn.Linear``,
an ONNX Gemm or MatMul + Add) each followed by an element-wise activation (ReLU, Sigmoid, Tanh,
GELU, LeakyReLU, ELU, SiLU, Softplus), possibly through a per-unit batch normalisation in eval mode
(Linear -> BatchNorm1d -> activation), and the hidden layers of a scikit-learn MLPClassifier (alone
or last in a Pipeline); a layer's activations are its activation's outputs.

For every hidden layer the learner fits a small tree from that layer's activations to the network's
labels; each leaf is a *clause*, a conjunction of conditions on hidden units that implies a class.
Each distinct clause is then rewritten over the input features: a tree learns from the inputs when
the clause holds, and its leaves where the clause holds become input-level rules with the clause's
class (clause-wise substitution, as ECLAIRE does: one small problem per clause, instead of the
term-by-term substitution of DeepRED whose products explode). Substitutions run in parallel
(joblib threads) behind a progress bar.

The union of the substituted rules from all layers is a pool of candidates. Candidates that are
wrong too often on the teacher's labels or cover too few rows are dropped, duplicates removed, and a
decision list of at most ``max_size`` rules is chosen from the pool greedily for fidelity to the
network (each step adds the rule that makes the list agree with the network on the most rows, the
default being the majority of rows no rule decides). The list is then polished: rules that earn
too little are removed, and every bound of every rule moves to where the whole list agrees most
with the network, or goes when it is not needed. Substituted rules are often fragments of one
region (each layer cuts it differently); polishing grows them back into it. The rules it drops free
budget, which greedy selection fills again from the pool after the polished rules, polished in turn,
while that gains.

A list of ``max_size`` rules is not always more faithful than a shorter one (polishing a longer
greedy list can end in a worse optimum, and trees of more leaves read finer clauses, losing the
coarse ones), so lists of 1, 2, 4, ... rules below ``max_size`` are built too, each as that budget
alone would build it (from layer trees of 8, 16, ... leaves, its own size), and the list that agrees
most with the network on the teacher-labelled rows wins: a larger budget never agrees less there.

With ``layer=`` the same machinery stops at that layer: the rules read the layer's units (named by
``concept_names``) instead of the input features, so they say how concepts combine into the
prediction. Such a rule set's domain *is* the concept layer: its ``predict`` takes activations of
that layer (see :func:`symdistill.teachers.activations.read_activations`), not input rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .._progress import progress_bar
from ..domain import Domain, Feature, is_real
from ..models.region import Box
from ..models.rules import Condition, Rule, RuleSet, box_conditions
from ..sampling import RegionSampler
from ..teachers.activations import ActivationReader, HiddenLayer, SklearnActivations, _width, activation_reader
from ..teachers.oracle import Answer, Oracle
from ._splits import _midpoints, midpoint
from .base import Learner, register_learner


@dataclass
class _Boxes:
    """Candidate rules as boxes ``lo < x <= hi`` with a class each, and the rows each covers."""

    lo: np.ndarray  # (R, d)
    hi: np.ndarray  # (R, d)
    cls: np.ndarray  # (R,)
    cover: np.ndarray  # (R, n) bool

    @classmethod
    def empty(cls, d: int, n: int) -> _Boxes:
        return cls(np.empty((0, d)), np.empty((0, d)), np.empty(0, dtype=np.int64), np.empty((0, n), dtype=bool))

    def __len__(self) -> int:
        return len(self.cls)

    def take(self, idx: np.ndarray) -> _Boxes:
        return _Boxes(self.lo[idx], self.hi[idx], self.cls[idx], self.cover[idx])


@dataclass(frozen=True)
class _Table:
    """Rows as the learner reads them, column by column: ``x`` as given (bounds and their midpoints
    come from its values) and ``x32``, the float32 copy scikit-learn's tree builder reads (made once
    here, where each fit would convert the rows again, and column-major, as the builder reads a column
    at a time: faster than row-major on wide tables).

    ``x32`` holds each column less its median: float32 keeps 24 bits, so a column far from zero for
    its spread lost its resolution (a Unix timestamp, 1.7e9 + seconds, in steps of 128 seconds, and
    a band of 20 seconds went unseen; a column whose distance from its median passes float32's range,
    -3e38 to 3e38, is read uncentred). A tree's thresholds, cuts between ``x32`` values, are mapped
    back to ``x`` by :meth:`thresholds`, which reads each column split on sorted (``x`` and ``x32`` as
    float64), sorted once at its first split: sorting every column up front kept two more copies of the
    table (a 200,000 x 128 layer: 684 MiB where the two are 293, and 6 s more) for columns that the
    trees may never split."""

    x: np.ndarray
    x32: np.ndarray
    # column j: x[:, j] and x32[:, j] (as float64), sorted; filled by ``thresholds`` (threads may add a column
    # twice, alike)
    _sorted: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, F: np.ndarray, what: str, names: Sequence[str]) -> _Table:
        """The table of ``F``, whose column ``j`` is ``what.format(repr(names[j]))`` in the error refusing a
        value beyond float32's range (sklearn's own said only "Input X contains infinity or a value too large
        for dtype('float32')", of no column, to a user who had given no float32)."""
        x = np.asfortranarray(F)
        # column by column: np.median(x, axis=0) of a column-major x took 2.5 s on 200,000 x 128, these 0.5
        centre = np.array([np.median(x[:, j]) for j in range(x.shape[1])]) if len(x) else np.zeros(x.shape[1])
        centre[~np.isfinite(centre)] = 0.0  # an infinite column is refused below, as it was uncentred
        with np.errstate(over="ignore", invalid="ignore"):
            x32 = np.asfortranarray(x - centre, dtype=np.float32)
        beyond = ~np.isfinite(x32).all(axis=0)
        if beyond.any():  # a column within float32's range whose difference from its median is not (-3e38 to 3e38)
            with np.errstate(over="ignore", invalid="ignore"):
                x32[:, beyond] = x[:, beyond]  # read uncentred, as before centring
            beyond = ~np.isfinite(x32).all(axis=0)
        if beyond.any():
            j = int(np.argmax(beyond))
            peak = x[np.argmax(np.abs(x[:, j])), j]
            raise ValueError(f"decompositional extraction fits scikit-learn trees, which read float32 numbers, and "
                             f"{what.format(repr(names[j]))} reaches {peak:.3g}, beyond float32's range "
                             f"({float(np.finfo(np.float32).max):.3g}): scale the network's inputs down (the "
                             "pedagogical rules, form='rules' without method='decompositional', read float64)")
        return cls(x, x32)

    def thresholds(self, feature: np.ndarray, threshold: np.ndarray) -> np.ndarray:
        """A tree's thresholds (cuts ``x32 <= t`` of nodes splitting ``feature``, negative at leaves) as
        cuts of ``x``: the midpoint of the largest ``x`` whose ``x32`` is at most ``t`` and the least whose
        ``x32`` is above it, so every row goes the way the tree sent it (float32's own midpoints, compared
        with float64 rows, could send a row rounded up to the upper value the other way)."""
        out = np.array(threshold, dtype=np.float64)
        for j in np.unique(feature[feature >= 0]):
            at = feature == j
            xs, xs32 = self._column(int(j))
            m = np.searchsorted(xs32, out[at], side="right")  # rows at or below each cut
            out[at] = _midpoints(xs[m - 1], xs[m])
        return out

    def _column(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Column ``j`` of ``x`` and of ``x32`` (as float64), each sorted: x - centre and its rounding to
        float32 never reorder two rows, so the sorted ``x32`` is ``x32`` in the order of the sorted ``x``."""
        if j not in self._sorted:
            self._sorted[j] = (np.sort(self.x[:, j], kind="stable"),
                               np.sort(self.x32[:, j], kind="stable").astype(np.float64))
        return self._sorted[j]


@register_learner("rules", method="decompositional")
class DecompositionalRuleLearner(Learner):
    """Distill a network into a decision list by reading its hidden layers (ECLAIRE-style).

    Parameters
    ----------
    max_size : int
        Most rules in the decision list (the default not counted).
    n_samples : int
        Teacher-labelled rows: the user's rows plus rows sampled like them, up to this number.
    layers : list of str or int, optional
        Hidden layers to extract from (names or positions); all of them when None.
    layer : str or int, optional
        Stop at this layer and return rules over its units (concept rules) instead of input rules.
    concept_names : list of str, optional
        Names of the units of ``layer``, one per unit; ``<layer>[i]`` when None.
    layer_leaves : int, optional
        Leaves of the tree fitted on each layer's activations (clauses per layer); when None,
        ``max_size`` (at least 8) for the list of ``max_size`` rules and 8, 16, ... for the shorter
        lists tried beside it.
    clause_leaves : int
        Leaves of each substitution tree (input rules per clause, at most).
    min_confidence : float
        Rules and clauses that agree with the network on a smaller share of the rows they cover are
        dropped from the candidates (a rule of the final list, polished and deciding only the rows
        no earlier rule took, may agree on a smaller share of those).
    min_support : float
        Smallest share of the rows a clause, a rule or a tree leaf may cover.
    n_jobs : int
        Threads for the clause substitutions (joblib semantics: -1 for all cores).

    Examples
    --------
    >>> import numpy as np, torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.ReLU(), torch.nn.Linear(1, 2))
    >>> with torch.no_grad():
    ...     _ = net[0].weight.copy_(torch.tensor([[10.0, 0.0]])); _ = net[0].bias.fill_(-5.0)
    ...     _ = net[2].weight.copy_(torch.tensor([[-1.0], [1.0]])); _ = net[2].bias.copy_(torch.tensor([0.1, 0.0]))
    >>> X = np.random.default_rng(0).uniform(size=(1000, 2))
    >>> rules = DecompositionalRuleLearner(max_size=4, random_state=0).fit(net, X).model_
    >>> print(rules)  # doctest: +ELLIPSIS
    RuleSet (classification, 1 rule, 1 literal)
    IF x0 <= 0.505... THEN 0   (coverage ...%, teacher agreement 100%)
    ELSE 1   (coverage ...%, teacher agreement 100%)
    # thresholds rounded down to the digits shown ...
    """

    model_: RuleSet

    def __init__(self, *, max_size: int = 20, n_samples: int = 5000, layers: Sequence[str | int] | None = None,
                 layer: str | int | None = None, concept_names: Sequence[str] | None = None,
                 layer_leaves: int | None = None, clause_leaves: int = 16, min_confidence: float = 0.6,
                 min_support: float = 0.002, n_jobs: int = 1, random_state: int | None = None,
                 **options: Any) -> None:
        super().__init__(max_size=max_size, n_samples=n_samples, random_state=random_state, **options)
        self.layers = layers
        self.layer = layer
        self.concept_names = concept_names
        self.layer_leaves = layer_leaves
        self.clause_leaves = clause_leaves
        self.min_confidence = min_confidence
        self.min_support = min_support
        self.n_jobs = n_jobs

    # -- validation ----------------------------------------------------------------------------
    def _validate_params(self) -> None:
        super()._validate_params()
        for name in ("clause_leaves",) + (("layer_leaves",) if self.layer_leaves is not None else ()):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 2:
                raise ValueError(f"{name} must be an integer >= 2, got {v!r}")
        for name, closed in (("min_confidence", True), ("min_support", False)):
            v = getattr(self, name)
            if not is_real(v) or not (0.0 <= v <= 1.0 if closed else 0.0 <= v < 1.0):
                raise ValueError(f"{name} must be a number in [0, 1{']' if closed else ')'}, got {v!r}")
        if not isinstance(self.n_jobs, (int, np.integer)) or isinstance(self.n_jobs, bool) or self.n_jobs == 0:
            raise ValueError(f"n_jobs must be a non-zero integer (-1 for all cores), got {self.n_jobs!r}")
        for name in ("layers", "concept_names"):
            v = getattr(self, name)  # a generator would be used up by these checks before the fit reads it
            if v is not None and not isinstance(v, (str, int, Sequence, np.ndarray)):
                raise TypeError(f"{name} must be a list, got {type(v).__name__} {v!r}; pass list(...)")
        if self.layers is not None and (isinstance(self.layers, (str, int)) or not len(self.layers)):
            # on the command line, --option layers=2 reads as a number and layers=0,2 as the text '0,2'
            hint = " (on the command line a JSON list: --option 'layers=[\"0\", 2]', a name as text, a position " \
                "as a number)" if isinstance(self.layers, (str, int)) else ""
            raise ValueError(f"layers must be a non-empty list of layer names or positions, got {self.layers!r}{hint}")
        if self.layer is not None and self.layers is not None:
            raise ValueError("give either layer= (concept rules over one layer) or layers= (input rules), not both")
        if self.concept_names is not None:
            if self.layer is None:
                raise ValueError("concept_names names the units of layer=; give layer= too")
            if isinstance(self.concept_names, str) or not all(isinstance(c, str) for c in self.concept_names):
                # on the command line, --option concept_names=a,b reads as the text 'a,b'
                hint = " (on the command line a JSON list: --option 'concept_names=[\"a\", \"b\"]')" \
                    if isinstance(self.concept_names, str) else ""
                raise TypeError(f"concept_names must be a list of strings, got {self.concept_names!r}{hint}")

    def fit(self, teacher: Any, X: Any, domain: Domain | None = None) -> DecompositionalRuleLearner:
        """Read ``teacher``'s hidden layers and distill it over rows ``X``; the result is ``model_``.

        ``teacher`` must be a network whose activations can be read (see
        :func:`~symdistill.teachers.activations.activation_reader`): a torch module, an ONNX model
        given as a path, bytes or ``onnx.ModelProto``, a fitted scikit-learn ``MLPClassifier`` (alone
        or last in a ``Pipeline``), or a teacher made of one.
        """
        self._validate_params()
        self.reader_: ActivationReader
        self.layers_: list[HiddenLayer]
        self.reader_, self.layers_ = self._read_layers(teacher, X)
        self._refuse_a_regressor(teacher, self.reader_)
        return super().fit(teacher, X, domain)

    def check_fit(self, X: Any, domain: Domain | None = None, teacher: Any = None) -> None:
        """As :meth:`Learner.check_fit`, and with ``teacher``, that its hidden layers can be read and
        hold those asked for (``layers``, ``layer``, ``concept_names``) and that it is not a declared
        regressor, as :meth:`fit` checks them before the teacher is asked anything (a torch network is
        traced on a few rows, as there)."""
        super().check_fit(X, domain, teacher)
        if teacher is not None:
            self._refuse_a_regressor(teacher, self._read_layers(teacher, X)[0])

    def _refuse_a_regressor(self, teacher: Any, reader: ActivationReader) -> None:
        """Refuse a teacher that says it is a regressor before it is asked (``task="regression"``, a
        scikit-learn regressor); one that says so only in its answers is refused once it has answered."""
        t = self._teacher(teacher)
        if (t.task or self.task) == "regression":
            raise self._regressor_error(t, reader)

    def _regressor_error(self, teacher: Any, reader: ActivationReader) -> ValueError:
        if self.task is not None:
            hint = ""
        elif isinstance(reader, SklearnActivations):  # an MLPRegressor: its output is a number
            hint = "; to read the rules of a scikit-learn network, fit an MLPClassifier on the class labels"
        elif getattr(teacher, "_task_given", False):  # declared a regressor (task=, output='values'): no guess to undo
            hint = ""
        else:
            hint = ("; a network with one output is read as a regressor: if that output is class 1's logit or "
                    "probability, pass task='classification' (on the command line: --task classification)")
        if self.layer is not None:  # the pedagogical rules read no layer: what they offer is the inputs' rules
            return ValueError(f"concept rules (layer=) need a classifier; {teacher.name} is a regressor (for "
                              f"regression, distil the input features: leave out layer=, with form='rules', 'tree' "
                              f"or 'linear'){hint}")
        return ValueError(f"decompositional rule extraction needs a classifier; {teacher.name} is a "
                          f"regressor (for regression use the pedagogical rules, form='rules' without "
                          f"method='decompositional', or form='tree' or 'linear'){hint}")

    def _read_layers(self, teacher: Any, X: Any) -> tuple[ActivationReader, list[HiddenLayer]]:
        """The reader of ``teacher``'s hidden layers and the layers to read, checked against the options."""
        reader = activation_reader(teacher, n_features=_width(X))
        if self.layer is not None:
            chosen = [reader.layer(self.layer)]
            names = self.concept_names
            if names is not None and len(names) != chosen[0].width:
                raise ValueError(f"concept_names has {len(names)} names but layer {chosen[0].name!r} has "
                                 f"{chosen[0].width} units; give one name per unit")
            if names is not None and len(set(names)) != len(names):
                raise ValueError(f"concept_names must be distinct, got {list(names)}")
        else:
            chosen = list(reader.layers) if self.layers is None else [reader.layer(k) for k in self.layers]
            if len({h.index for h in chosen}) != len(chosen):
                raise ValueError(f"layers names a layer twice: {list(self.layers or [])}")
        return reader, chosen

    # -- learning ------------------------------------------------------------------------------
    def _fit(self, oracle: Oracle, Z: np.ndarray, answer: Answer, sampler: RegionSampler) -> RuleSet:
        if not oracle.is_classifier:
            raise self._regressor_error(oracle.teacher, self.reader_)
        Z, answer = self.augment(oracle, Z, answer, sampler)
        y = answer.y
        k = answer.proba.shape[1]
        n = len(Z)
        self._min_rows = max(2, int(np.ceil(self.min_support * n)))
        self._min_gain = max(1.0, 3e-4 * n)  # a rule must add at least 0.03% agreement
        acts = self.reader_.read(oracle.domain.decode(Z), self.layers_)  # rows as the net takes them
        layers = [_Table.of(H, f"unit {{}} of hidden layer {h.name!r}", self._unit_names(h))
                  for H, h in zip(acts, self.layers_)]
        levels = [int(self.layer_leaves)] if self.layer_leaves is not None else _levels(max(8, self.max_size))
        if self.layer is not None:
            return self._concept_rules(layers[0], y, k, levels, oracle)

        # Every layer's tree at every level (one tree per layer, grown to the largest level). A best-first
        # tree of 8 leaves is the start of that of 16, so many of a level's clauses are an earlier
        # level's: each is substituted once.
        trees = [self._tree_boxes(H, y, levels, self._seed(10 + li)) for li, H in enumerate(layers)]
        holds, cls, level = [], [], []
        for at, m in enumerate(levels):
            for boxes in trees:
                c = self._filter(boxes[at], y)
                holds.append(c.cover)
                cls.append(c.cls)
                level += [m] * len(c)
        holds_all, cls_all = np.vstack(holds), np.concatenate(cls)
        rep = _representatives(holds_all, cls_all, self._min_rows)
        distinct = sorted(set(rep.tolist()))
        jobs = [(holds_all[i], int(cls_all[i]), self._seed(1000 + i)) for i in distinct]
        table = _Table.of(Z, "input feature {}", oracle.domain.feature_names)
        results = dict(zip(distinct, self._substitute_all(table, jobs)))
        parts = [(m, results[i]) for m in levels for i in dict.fromkeys(rep[np.asarray(level) == m].tolist())
                 if len(results[i])]
        self.n_clauses_ = len(jobs)
        self.n_candidates_ = sum(len(r) for r in results.values())
        chosen, default = self._choose(parts, levels, table.x, y, k)
        model = self._rule_set(oracle.domain, oracle, chosen, default, y, k)
        model.meta.update({"layers": [h.name for h in self.layers_], "clauses": len(jobs),
                           "candidate_rules": self.n_candidates_, "substitution": "clause-wise"})
        return model

    def _concept_rules(self, table: _Table, y: np.ndarray, k: int, levels: list[int], oracle: Oracle) -> RuleSet:
        h = self.layers_[0]
        H = table.x
        names = self._unit_names(h)
        domain = Domain(tuple(Feature(name, "numeric", float(H[:, j].min()), float(H[:, j].max()))
                              for j, name in enumerate(names)))
        # Trees of several sizes give the list both coarse and fine clauses to choose from: the tree of
        # ``leaves`` leaves is the first of a level's three sizes to ask for it, grown with that size's
        # seed; the trees of one seed are one tree, grown to the most leaves.
        seeds: dict[int, int] = {}
        for m in levels:
            for i, leaves in enumerate(sorted({max(2, m // 2), m, 2 * m})):
                seeds.setdefault(leaves, i)
        trees: dict[int, _Boxes] = {}
        for i in sorted(set(seeds.values())):
            sizes = sorted(leaves for leaves, s in seeds.items() if s == i)
            trees.update(zip(sizes, self._tree_boxes(table, y, sizes, self._seed(10 + i))))
        parts = [(m, trees[leaves]) for m in levels for leaves in sorted({max(2, m // 2), m, 2 * m})]
        self.n_clauses_ = self.n_candidates_ = sum(len(t) for t in trees.values())
        chosen, default = self._choose(parts, levels, H, y, k)
        model = self._rule_set(domain, oracle, chosen, default, y, k)
        model.meta.update({"layer": h.name, "input": f"activations of hidden layer {h.name!r}",
                           "concept_names": names, "candidate_rules": self.n_candidates_,
                           "input_features": list(oracle.domain.feature_names)})
        return model

    def _unit_names(self, h: HiddenLayer) -> list[str]:
        """The names of layer ``h``'s units: ``concept_names`` (given with ``layer=``, for its one layer), or
        ``h``'s own."""
        return list(self.concept_names) if self.concept_names is not None else h.unit_names()

    def _choose(self, parts: list[tuple[int, _Boxes]], levels: list[int], F: np.ndarray, y: np.ndarray,
                k: int) -> tuple[_Boxes, int]:
        """The decision list that agrees most with ``y`` among lists of every size ``s`` in 1, 2, 4, ...
        below ``max_size`` and ``max_size`` itself (the shorter on a tie); returns it and its default.

        The list of ``s`` rules is the one ``max_size=s`` alone would build: chosen greedily from the
        candidates ``parts`` ((level, boxes) pairs) of level ``max(8, s)`` (8, 16, ... or ``max_size``;
        ``layer_leaves`` when given), then polished, and refilled to ``s`` rules (:meth:`_fill`). Neither step is monotone in the budget, so a larger
        ``max_size`` tries every list a smaller one tries (the powers of two) and keeps the best: its
        agreement with the teacher on these rows is never lower.
        """
        sizes = sorted({2**j for j in range(int(self.max_size).bit_length()) if 2**j < self.max_size}
                       | {int(self.max_size)})
        groups: dict[int, list[int]] = {}
        for s in sizes:
            groups.setdefault(max(m for m in levels if m <= max(levels[0], s)), []).append(s)
        tried: list[tuple[int, int, _Boxes, int]] = []
        for top, group in groups.items():
            pool = _concat([b for m, b in parts if m == top], F.shape[1], len(y))
            listed = self._select(pool, y, k, max(group))  # a greedy list's prefixes are the shorter lists
            for n_rules in sorted({min(s, len(listed)) for s in group}):
                rules, default = self._fill(pool, *self._simplify(listed.take(np.arange(n_rules)), F, y, k),
                                            F, y, k, n_rules)
                tried.append((_list_agreement(rules, y, k), -len(rules), rules, default))
        _, _, rules, default = max(tried, key=lambda t: t[:2])
        return rules, default

    def _fill(self, pool: _Boxes, rules: _Boxes, default: int, F: np.ndarray, y: np.ndarray, k: int,
              max_rules: int) -> tuple[_Boxes, int]:
        """The polished list ``rules`` (default ``default``) with the budget polishing freed used again:
        rules from ``pool`` appended greedily up to ``max_rules`` and the list polished once more, while
        that raises its agreement with ``y`` (four rounds at most, as polishing's own).

        Polishing grows fragments into regions and drops the rules the grown ones make idle, so a list
        chosen for its budget came back shorter (letters, 26 classes: 31 rules of 40, at 0.56 agreement),
        and the rows of the classes whose rules went were left to the default although the pool still
        held rules that gained on them (refilled: 37 rules, 0.61)."""
        score = _list_agreement(rules, y, k)
        for _ in range(4):
            if len(rules) >= max_rules:
                break
            longer = self._select(pool, y, k, max_rules, start=rules)
            if len(longer) == len(rules):  # no rule of the pool gains enough after these
                break
            polished, polished_default = self._simplify(longer, F, y, k)
            polished_score = _list_agreement(polished, y, k)
            if polished_score <= score:
                break
            rules, default, score = polished, polished_default, polished_score
        return rules, default

    def _seed(self, stream: int) -> int:
        # Drawn from the learner's own stream also without a random_state (fresh entropy then): a
        # scikit-learn tree given random_state=None draws from NumPy's global generator, the user's.
        return int(self._rng(stream).integers(2**31 - 1))

    def _tree_boxes(self, table: _Table, target: np.ndarray, sizes: Sequence[int], seed: int | None,
                    keep: int | None = None) -> list[_Boxes]:
        """Leaves of the best-first trees of each number of leaves in ``sizes`` on ``table`` -> ``target``,
        as boxes with their majority class; ``keep`` keeps only leaves whose majority is that class.

        One tree is grown, of the most leaves: best-first growth makes the same splits in the same order
        whatever its leaf budget (same seed), so the tree of ``m`` leaves is that tree stopped after its
        first ``m - 1`` splits (:func:`_first_leaves`).
        """
        from sklearn.tree import DecisionTreeClassifier

        tree = DecisionTreeClassifier(max_leaf_nodes=int(max(sizes)), min_samples_leaf=self._min_rows,
                                      random_state=seed).fit(table.x32, target).tree_
        lo, hi = _node_bounds(tree, table.x.shape[1], table.thresholds(tree.feature, tree.threshold))
        leaves = [_first_leaves(tree, m) for m in sizes]
        nodes = np.unique(np.concatenate(leaves))  # the leaves of any of the trees, each covered once
        boxes = _Boxes(lo[nodes], hi[nodes], np.empty(0, dtype=np.int64), _box_cover(lo[nodes], hi[nodes], table.x))
        labels = np.flatnonzero(np.bincount(target))  # the tree's classes_ (np.unique of the codes), in O(n)
        counts = np.stack([(boxes.cover & (target == c)).sum(axis=1) for c in labels], axis=1)
        boxes.cls = labels[np.argmax(counts, axis=1)]
        ok = boxes.cover.sum(axis=1) >= self._min_rows
        if keep is not None:
            ok &= boxes.cls == keep
        return [boxes.take(i[ok[i]]) for i in (np.searchsorted(nodes, at) for at in leaves)]

    def _substitute_all(self, Z: _Table, jobs: list[tuple[np.ndarray, int, int | None]]) -> list[_Boxes]:
        """Rewrite every clause over the input features, in parallel, behind a progress bar."""
        from joblib import Parallel, delayed

        out: list[_Boxes] = []
        with progress_bar(len(jobs), "substituting clauses", self.progress) as bar:
            run = Parallel(n_jobs=int(self.n_jobs), prefer="threads", return_as="generator")
            for boxes in run(delayed(self._substitute)(Z, holds, cls, seed) for holds, cls, seed in jobs):
                out.append(boxes)
                bar.update(1)
        return out

    def _substitute(self, Z: _Table, holds: np.ndarray, cls: int, seed: int | None) -> _Boxes:
        """Input-feature boxes where the clause holds, each predicting the clause's class."""
        n, d = Z.x.shape
        n_holds = int(holds.sum())
        if n_holds == n:
            return _Boxes(np.full((1, d), -np.inf), np.full((1, d), np.inf), np.array([cls]),
                          np.ones((1, n), dtype=bool))
        if min(n_holds, n - n_holds) < self._min_rows:
            return _Boxes.empty(d, n)
        boxes = self._tree_boxes(Z, holds.astype(np.int64), [self.clause_leaves], seed, keep=1)[0]
        boxes.cls = np.full(len(boxes), cls, dtype=np.int64)
        return boxes

    # -- choosing the decision list ------------------------------------------------------------
    def _filter(self, pool: _Boxes, y: np.ndarray) -> _Boxes:
        """Drop duplicate boxes and rules that are wrong too often or cover too few rows."""
        support = pool.cover.sum(axis=1)
        right = (pool.cover & (y[None, :] == pool.cls[:, None])).sum(axis=1)
        ok = (support >= self._min_rows) & (right >= self.min_confidence * np.maximum(support, 1))
        idx = np.nonzero(ok)[0]
        seen: set[bytes] = set()
        keep = []
        for i in idx:
            key = pool.lo[i].tobytes() + pool.hi[i].tobytes() + int(pool.cls[i]).to_bytes(4, "little")
            if key not in seen:
                seen.add(key)
                keep.append(i)
        return pool.take(np.asarray(keep, dtype=np.int64))

    def _select(self, pool: _Boxes, y: np.ndarray, k: int, max_rules: int, start: _Boxes | None = None) -> _Boxes:
        """Greedy decision list of at most ``max_rules`` rules: each step appends the rule that most
        raises agreement with ``y``; the list begins with the rules of ``start`` when given (counted in
        ``max_rules``), which decide their rows first."""
        pool = self._filter(pool, y)
        n = len(y)
        onehot = np.eye(k, dtype=np.float32)[y]
        cover = pool.cover.astype(np.float32)
        right = (pool.cover & (y[None, :] == pool.cls[:, None])).astype(np.float32)
        start = _Boxes.empty(pool.lo.shape[1], n) if start is None else start
        pred, is_open = _list_prediction(start, n)
        open_ = is_open.astype(np.float32)
        chosen: list[int] = []
        decided_right = float(np.sum(pred == y))  # rows ``start`` decides as ``y`` does (-1, undecided, never)
        max_rules -= len(start)
        min_gain = self._min_gain
        while len(chosen) < max_rules and len(pool):
            counts = onehot.T @ open_  # rows each class holds among the undecided
            default = int(np.argmax(counts))
            base = decided_right + counts[default]
            gain_fixed = right @ open_ - cover @ (open_ * onehot[:, default])
            gain_fixed[chosen] = -np.inf
            top = np.argsort(-gain_fixed, kind="stable")[:32]
            top = top[np.isfinite(gain_fixed[top])]
            if not top.size:
                break
            # Exact score for the best few: the default is re-chosen among the rows still undecided.
            left = counts[None, :] - cover[top] @ (open_[:, None] * onehot)
            score = decided_right + right[top] @ open_ + left.max(axis=1)
            best = int(top[int(np.argmax(score))])
            if score.max() - base < min_gain:
                break
            chosen.append(best)
            decided_right += float(right[best] @ open_)
            open_ *= 1.0 - cover[best]
        return _concat([start, pool.take(np.asarray(chosen, dtype=np.int64))], pool.lo.shape[1], n)

    def _simplify(self, rules: _Boxes, F: np.ndarray, y: np.ndarray, k: int) -> tuple[_Boxes, int]:
        """Polish the list by coordinate ascent on agreement with ``y``; returns it and its default.

        Rules whose removal costs less than the least gain selection asks of a rule go; then every
        bound of every rule moves to the position that makes the whole list agree most (the exact
        optimum given the other rules, found with one sort), or goes when that costs nothing. A bound
        loosened at no cost can leave a later rule deciding nothing: after the last moves, rules that
        no longer earn their place go as well.
        """
        best = _list_agreement(rules, y, k)
        moved = False
        for _ in range(4):
            before = best
            rules, best = self._drop_idle(rules, y, k, best)
            lo, hi = rules.lo.copy(), rules.hi.copy()
            for i in range(len(rules)):
                rest = _Rest.of(rules, i, y, k)  # moving rule i's bounds leaves the other rules as they are
                for j in range(F.shape[1]):
                    for upper in (False, True):
                        if np.isfinite(rules.hi[i, j] if upper else rules.lo[i, j]):
                            best = _refit_bound(rules, i, j, upper, F, y, k, best, rest)
            moved = not (np.array_equal(lo, rules.lo) and np.array_equal(hi, rules.hi))
            if best == before:
                break
        if moved:
            rules, best = self._drop_idle(rules, y, k, best)
        return _majority_classes(rules, y, k), _list_default(rules, y, k)

    def _drop_idle(self, rules: _Boxes, y: np.ndarray, k: int, best: int) -> tuple[_Boxes, int]:
        """Remove, last first, the rules whose removal costs less than the least gain selection asks
        of a rule; returns the list and its agreement with ``y``."""
        for i in range(len(rules) - 1, -1, -1):
            trial = rules.take(np.delete(np.arange(len(rules)), i))
            score = _list_agreement(trial, y, k)
            if score > best - self._min_gain:  # a rule must earn its place, as in selection
                rules, best = trial, score
        return rules, best

    # -- output --------------------------------------------------------------------------------
    def _rule_set(self, domain: Domain, oracle: Oracle, rules: _Boxes, default: int, y: np.ndarray,
                  k: int) -> RuleSet:
        n = len(y)
        open_ = np.ones(n, dtype=bool)
        out: list[Rule] = []
        for i in range(len(rules)):
            rows = rules.cover[i] & open_
            open_ &= ~rules.cover[i]
            out.append(_rule(domain, rules.lo[i], rules.hi[i], int(rules.cls[i]), y[rows], k, n))
        return RuleSet(domain, "classification", oracle.classes, out, _rule(domain, None, None, default, y[open_], k, n))


# -- helpers --------------------------------------------------------------------------------------
def _levels(leaves: int) -> list[int]:
    """Leaves of the clause trees: 8, 16, 32, ... below ``leaves``, then ``leaves`` itself."""
    return [m for m in (8 * 2**j for j in range(max(int(leaves), 8).bit_length())) if m < leaves] + [int(leaves)]


def _node_bounds(tree: Any, d: int, thr: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``lo < x <= hi`` bounds of every node of a fitted scikit-learn tree, in node order, its nodes
    cutting at ``thr`` (its own thresholds by default)."""
    left, right = tree.children_left, tree.children_right
    feat, thr = tree.feature, tree.threshold if thr is None else thr
    lo_all = np.full((tree.node_count, d), -np.inf)
    hi_all = np.full((tree.node_count, d), np.inf)
    for i in range(tree.node_count):  # parents precede children in scikit-learn's node order
        if left[i] < 0:
            continue
        for child, side in ((left[i], "hi"), (right[i], "lo")):
            lo_all[child], hi_all[child] = lo_all[i], hi_all[i]
            if side == "hi":
                hi_all[child, feat[i]] = min(hi_all[i, feat[i]], thr[i])
            else:
                lo_all[child, feat[i]] = max(lo_all[i, feat[i]], thr[i])
    return lo_all, hi_all


def _first_leaves(tree: Any, m: int) -> np.ndarray:
    """Nodes, in node order, that are the leaves of a best-first scikit-learn tree stopped after its
    first ``m - 1`` splits: the tree ``max_leaf_nodes=m`` grows with the same data and seed.

    Best-first growth numbers nodes as it makes them, the two children of its ``s``-th split (from 0)
    being nodes ``2s + 1`` and ``2s + 2``; a node's split is chosen when the node is made, whatever
    the budget, so the first ``m - 1`` splits are those of the smaller tree, made in the same order.
    """
    ids = np.arange(min(tree.node_count, 2 * int(m) - 1))
    left = tree.children_left[ids]
    return ids[(left < 0) | (left >= 2 * int(m) - 1)]


def _box_cover(lo: np.ndarray, hi: np.ndarray, F: np.ndarray) -> np.ndarray:
    """``(R, n)`` mask: row ``i`` of ``F`` lies in box ``r``."""
    out = np.ones((len(lo), len(F)), dtype=bool)
    for r in range(len(lo)):
        for j in np.nonzero(np.isfinite(lo[r]))[0]:
            out[r] &= F[:, j] > lo[r, j]
        for j in np.nonzero(np.isfinite(hi[r]))[0]:
            out[r] &= F[:, j] <= hi[r, j]
    return out


def _representatives(cover: np.ndarray, cls: np.ndarray, tolerance: int) -> np.ndarray:
    """For each clause, the index of the first clause that is the same: one of the same class whose rows
    differ on fewer than ``tolerance`` rows (layers, and a layer's trees of several sizes, often repeat
    one another), and would be rewritten into the same input rules."""
    c = cover.astype(np.float32)
    sizes = c.sum(axis=1)
    differ = sizes[:, None] + sizes[None, :] - 2.0 * (c @ c.T)
    rep = np.arange(len(cls))
    keep = np.empty(0, dtype=np.int64)
    for i in range(len(cls)):
        same = keep[(cls[keep] == cls[i]) & (differ[i, keep] < tolerance)]
        if same.size:
            rep[i] = same[0]
        else:
            keep = np.append(keep, i)
    return rep


def _concat(parts: list[_Boxes], d: int, n: int) -> _Boxes:
    if not parts:
        return _Boxes.empty(d, n)
    return _Boxes(np.vstack([p.lo for p in parts]), np.vstack([p.hi for p in parts]),
                  np.concatenate([p.cls for p in parts]), np.vstack([p.cover for p in parts]))


def _list_prediction(rules: _Boxes, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Class decided for each row (-1 for none) and the mask of undecided rows."""
    pred = np.full(n, -1, dtype=np.int64)
    open_ = np.ones(n, dtype=bool)
    for i in range(len(rules)):
        fire = rules.cover[i] & open_
        pred[fire] = rules.cls[i]
        open_ &= ~fire
    return pred, open_


@dataclass
class _Rest:
    """A decision list without its rule ``i``, as :func:`_refit_bound` reads it for every bound of ``i``."""

    cls: int  # rule i's class
    pred: np.ndarray  # class the other rules decide for each row, -1 for none
    open_: np.ndarray  # rows no other rule decides
    later: np.ndarray  # ``pred``, and the list-without-i's default where it is -1
    before: np.ndarray  # rows no rule before i decides

    @classmethod
    def of(cls, rules: _Boxes, i: int, y: np.ndarray, k: int) -> _Rest:
        pred, open_ = _list_prediction(rules.take(np.delete(np.arange(len(rules)), i)), len(y))
        later = pred.copy()
        later[open_] = _default(y, open_, k)
        _, before = _list_prediction(rules.take(np.arange(i)), len(y))
        return cls(int(rules.cls[i]), pred, open_, later, before)

    def agreement(self, cover: np.ndarray, y: np.ndarray, k: int) -> int:
        """:func:`_list_agreement` of the list whose rule ``i`` covers ``cover``."""
        pred = np.where(self.before & cover, self.cls, self.pred)
        open_ = self.open_ & ~cover
        pred[open_] = _default(y, open_, k)
        return int(np.sum(pred == y))


def _refit_bound(rules: _Boxes, i: int, j: int, upper: bool, F: np.ndarray, y: np.ndarray, k: int,
                 best: int, rest: _Rest) -> int:
    """Move bound ``j`` (``hi`` when ``upper``, else ``lo``) of rule ``i`` to where the list agrees
    most with ``y`` (removing it on a tie); updates ``rules`` in place and returns the new agreement.
    ``rest`` is the list without rule ``i`` (:meth:`_Rest.of`)."""
    bounds = rules.hi if upper else rules.lo
    old, old_cover = bounds[i, j], rules.cover[i].copy()
    bounds[i, j] = np.inf if upper else -np.inf
    others = _box_cover(rules.lo[i:i + 1], rules.hi[i:i + 1], F)[0]
    later = rest.later
    rows = np.nonzero(others & rest.before)[0]
    base = int(np.sum(later[~(others & rest.before)] == y[~(others & rest.before)]))
    x = F[rows, j]
    order = np.argsort(x if upper else -x, kind="stable")
    xs = x[order]
    gain_in = (rules.cls[i] == y[rows][order]).astype(np.int64)
    gain_out = (later[rows][order] == y[rows][order]).astype(np.int64)
    # Taking the first m sorted rows into the rule: agreement = base + in[:m] + out[m:].
    score = base + np.concatenate([[0], np.cumsum(gain_in)]) + gain_out.sum() - np.concatenate([[0], np.cumsum(gain_out)])
    cut_ok = np.ones(len(xs) + 1, dtype=bool)
    cut_ok[1:-1] = xs[1:] != xs[:-1]  # a bound cannot separate equal values
    score = np.where(cut_ok, score, -1)
    if score[-1] >= score[1:].max(initial=-1):
        new = np.inf if upper else -np.inf  # the literal is not needed
    else:
        inner = score[1:-1]  # keeping no row is left to rule removal
        m = len(inner) - int(np.argmax(inner[::-1]))  # on ties the loosest bound: later rules may go
        new = midpoint(xs[m - 1], xs[m]) if upper else midpoint(xs[m], xs[m - 1])
    bounds[i, j] = new
    # _box_cover of the new box: the others' rows within the new bound (an infinite bound is none)
    rules.cover[i] = others & ((F[:, j] <= new) if upper else (F[:, j] > new)) if np.isfinite(new) else others
    score_now = rest.agreement(rules.cover[i], y, k)
    if score_now < best:  # the default may have moved: keep the old bound
        bounds[i, j] = old
        rules.cover[i] = old_cover
        return best
    return score_now


def _majority_classes(rules: _Boxes, y: np.ndarray, k: int) -> _Boxes:
    """The list with each rule's class the most frequent among the rows it decides (its own on a tie).

    A rule keeps the class of the hidden-layer clause it was rewritten from; once polishing has moved
    its bounds and its neighbours', the rows it decides can be mostly of another class (letters, 12
    rules: 'THEN 20 (teacher agreement 2%)'), so the list agreed less than it could and ``predict``
    contradicted the rule's own probabilities (``predict_proba``'s argmax, on 31% of rows). The rows a
    rule decides do not depend on its class, so each change only adds agreement."""
    cls = rules.cls.copy()
    open_ = np.ones(len(y), dtype=bool)
    for i in range(len(rules)):
        fire = rules.cover[i] & open_
        open_ &= ~fire
        counts = np.bincount(y[fire], minlength=k)
        if counts.max() > counts[cls[i]]:
            cls[i] = int(np.argmax(counts))
    return _Boxes(rules.lo, rules.hi, cls, rules.cover)


def _default(y: np.ndarray, open_: np.ndarray, k: int) -> int:
    """Default class of a decision list: the majority of the rows no rule decides (of all when none)."""
    return int(np.argmax(np.bincount(y[open_] if open_.any() else y, minlength=k)))


def _list_default(rules: _Boxes, y: np.ndarray, k: int) -> int:
    return _default(y, _list_prediction(rules, len(y))[1], k)


def _list_agreement(rules: _Boxes, y: np.ndarray, k: int) -> int:
    """Rows where the decision list (with its best default) gives ``y``."""
    pred, open_ = _list_prediction(rules, len(y))
    pred[open_] = _default(y, open_, k)
    return int(np.sum(pred == y))


def _rule(domain: Domain, lo: np.ndarray | None, hi: np.ndarray | None, cls: int, y_rows: np.ndarray, k: int,
          n: int) -> Rule:
    conds: tuple[Condition, ...] = ()
    if lo is not None and hi is not None:
        # The trees split category codes as numbers: a box holds the codes within its bounds.
        cats = {j: frozenset(int(c) for c in range(len(f.categories)) if lo[j] < c <= hi[j])
                for j, f in enumerate(domain.features) if f.is_categorical}
        conds = box_conditions(Box(lo, hi, cats), domain)
    m = len(y_rows)
    counts = np.bincount(y_rows, minlength=k).astype(float)
    proba = tuple(counts / m) if m else None
    return Rule(conds, int(cls), proba=proba, coverage=m / max(n, 1),
                agreement=float(counts[cls] / m) if m else None)
