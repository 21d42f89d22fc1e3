"""The neutral expression form every exporter reads: one :class:`Program` per model.

A program holds the input schema (feature names, categories), the output labels and a *body* in
one of four shapes, each plain frozen data:

* a decision tree of :class:`Branch` / :class:`Leaf` nodes (trees);
* a :class:`DecisionList`: ordered rules, the first one whose literals all hold decides (rule sets,
  and the root-to-leaf paths of a tree, see :func:`tree_rules`);
* :class:`LinearScores`: weighted terms, an intercept per score row and a link (linear models);
* an :class:`Automaton` table (DFA and Moore machines).

Tests on encoded rows are :class:`LessEq` (``x[j] <= t``) and :class:`IsIn` (``x[j]`` equals one of
a set of category codes); a :class:`Literal` is a test or its negation. Leaf outputs are class
*indices* for classifiers and values for regressors. Emitters only render this form; nothing here
looks at a model object except the ``build_*`` functions, and nothing learns.

>>> import numpy as np
>>> from symdistill.domain import Domain
>>> from symdistill.models import Tree
>>> dom = Domain.from_data(np.array([[0.0], [1.0]]), feature_names=["age"])
>>> tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
...             children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
...             value=[[0.5, 0.5], [1, 0], [0, 1]])
>>> program = build(tree)
>>> program.body
Branch(test=LessEq(feature=0, threshold=0.5), yes=Leaf(output=0), no=Leaf(output=1))
>>> [str(r.literals[0]) for r in tree_rules(program.body).rules]
['x[0] <= 0.5', 'x[0] > 0.5']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Union

import numpy as np

# -- tests and literals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LessEq:
    """``x[feature] <= threshold`` on the encoded row."""

    feature: int
    threshold: float


@dataclass(frozen=True)
class IsIn:
    """``x[feature]`` equals one of ``codes`` (category codes, sorted, as exact numbers)."""

    feature: int
    codes: tuple[int, ...]


Test = Union[LessEq, IsIn]


@dataclass(frozen=True)
class Literal:
    """A test, or its negation (``x > t`` / ``x not in codes``)."""

    test: Test
    negated: bool = False

    def __str__(self) -> str:
        t = self.test
        if isinstance(t, LessEq):
            return f"x[{t.feature}] {'>' if self.negated else '<='} {t.threshold!r}"
        return f"x[{t.feature}] {'not in' if self.negated else 'in'} {set(t.codes) or '{}'}"


# -- bodies ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """An output: a class index (classifiers) or a value (regressors)."""

    output: int | float


@dataclass(frozen=True)
class Branch:
    """``yes`` when ``test`` holds, else ``no``."""

    test: Test
    yes: Node
    no: Node


Node = Union[Branch, Leaf]


@dataclass(frozen=True)
class Rule:
    """``output`` when every literal holds (an empty conjunction always holds)."""

    literals: tuple[Literal, ...]
    output: int | float


@dataclass(frozen=True)
class DecisionList:
    """The first rule whose literals all hold gives the output; ``default`` when none does.

    ``exclusive`` is True when at most one rule can hold for any row (the paths of a tree), so the
    order does not matter and a logic engine needs no cut.
    """

    rules: tuple[Rule, ...]
    default: int | float | None
    exclusive: bool = False


@dataclass(frozen=True)
class Value:
    """The feature's value ``x[feature]``."""

    feature: int


@dataclass(frozen=True)
class Indicator:
    """``1.0`` when ``x[feature] == code``, else ``0.0``."""

    feature: int
    code: int


@dataclass(frozen=True)
class Hinge:
    """``max(0, direction * (x[feature] - knot))``."""

    feature: int
    knot: float
    direction: int


Factor = Union[Value, Indicator, Hinge]


@dataclass(frozen=True)
class LinearScores:
    """``score[r] = (sum_t coef[r][t] * term_t(x)) + intercept[r]``, summed in term order.

    ``link`` decides the output: "identity" (the value is score 0), "logistic" (class 1 when
    score 0 > 0, else class 0) or "softmax" (the first class with the highest score). A term is a
    product of factors, multiplied left to right.
    """

    terms: tuple[tuple[Factor, ...], ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    link: str


@dataclass(frozen=True)
class Automaton:
    """A complete automaton: ``transitions[state][symbol index]``; ``outputs[state]`` is a class
    index (for a DFA: 1 accepting, 0 rejecting)."""

    alphabet: tuple[str, ...]
    transitions: tuple[tuple[int, ...], ...]
    initial: int
    outputs: tuple[int, ...]
    acceptor: bool


Body = Union[Branch, Leaf, DecisionList, LinearScores, Automaton]


@dataclass(frozen=True)
class ProbaTable:
    """The class probabilities of a tree or rule set: ``rows[i]`` is one probability per class, the
    doubles ``predict_proba`` gives, and ``index`` is the body's own tree or decision list with each
    output replaced by the number of its row (a leaf's class shares, a rule's distribution, the
    default's last), so an emitter renders it as it renders the body and looks the row up. Rows that
    are the same doubles are written once.
    """

    rows: tuple[tuple[float, ...], ...]
    index: Node | DecisionList


# -- program --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureInfo:
    """What an exporter needs about one input feature."""

    name: str
    kind: str
    categories: tuple[Any, ...] = ()

    @property
    def is_categorical(self) -> bool:
        return self.kind == "categorical"


@dataclass(frozen=True)
class Program:
    """One model in neutral form.

    ``task`` is "classification" (outputs are indices into ``classes``) or "regression" (outputs
    are values, ``classes`` is empty). ``features`` is empty for automata, whose input is a word.
    ``proba`` holds the class probabilities of a classification tree or rule set (None otherwise: a
    linear model's come from its scores, see :func:`has_proba`).
    """

    kind: str
    task: str
    features: tuple[FeatureInfo, ...]
    classes: tuple[Any, ...]
    body: Body
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    proba: ProbaTable | None = None

    def __post_init__(self) -> None:
        # A model made with its constructor keeps its task as given: a NumPy string would be written
        # ``np.str_('regression')`` into the Python module, which then fails on import.
        object.__setattr__(self, "task", str(self.task))

    @property
    def is_classifier(self) -> bool:
        return self.task == "classification"

    @property
    def n_features(self) -> int:
        return len(self.features)

    @property
    def has_proba(self) -> bool:
        """Whether the exports give class probabilities: classification trees, rule sets and linear
        models (not automata, nor regressors)."""
        return self.proba is not None or (self.is_classifier and isinstance(self.body, LinearScores))


# -- building from models -------------------------------------------------------------------------

_BUILDERS: dict[str, Callable[[Any], Program]] = {}


def builder(kind: str) -> Callable[[Callable[[Any], Program]], Callable[[Any], Program]]:
    """Register the function that turns models of ``kind`` into a :class:`Program`."""

    def deco(fn: Callable[[Any], Program]) -> Callable[[Any], Program]:
        _BUILDERS[kind] = fn
        return fn

    return deco


def exportable_kinds() -> list[str]:
    return sorted(_BUILDERS)


def check_exportable(model: Any) -> str:
    """The kind of ``model``, or a TypeError when it is no symbolic model that exports."""
    kind = getattr(model, "kind", None)
    if not isinstance(kind, str) or kind not in _BUILDERS:
        what = f"kind {kind!r}" if isinstance(kind, str) else f"a {type(model).__name__}"
        raise TypeError(f"cannot export {what}: expected a symbolic model of kind "
                        f"{', '.join(exportable_kinds())}")
    return kind


def build(model: Any) -> Program:
    """The neutral form of a symbolic model (a tree, rule set, linear model or automaton)."""
    return _BUILDERS[check_exportable(model)](model)


def _label(c: Any) -> Any:
    value = c.item() if isinstance(c, np.generic) else c
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"class label {value!r} is not a finite number; exporters need finite labels")
    if not isinstance(value, (str, int, float, bool)):
        raise TypeError(f"class label {value!r} is a {type(value).__name__}; expected strings or numbers")
    if isinstance(value, str):
        _text(value, "class label")
    return value


def _text(name: str, what: str) -> str:
    """``name`` as a plain ``str`` (a NumPy string would be written ``np.str_('age')`` into the Python
    module) if it is valid Unicode text (every target writes names as UTF-8), else a ValueError."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{what} {name!r} is not valid Unicode text (character {exc.start} is a lone "
                         "surrogate); rename it before exporting") from None
    return str(name)


def _features(domain: Any) -> tuple[FeatureInfo, ...]:
    return tuple(FeatureInfo(_text(f.name, "feature name"), f.kind, tuple(_label(c) for c in f.categories))
                 for f in domain.features)


def _finite(x: float, what: str) -> float:
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{what} is {x!r}; exported code needs finite numbers")
    return x


@builder("tree")
def build_tree(tree: Any) -> Program:
    """Branch / Leaf nodes from a :class:`~symdistill.models.Tree` (built bottom-up, no recursion)."""
    regression = tree.task == "regression"
    outputs = tree.value[:, 0] if regression else tree.leaf_class
    body = _tree_nodes(tree, lambda i: _finite(outputs[i], f"leaf {i} value") if regression else int(outputs[i]))
    classes = () if regression else tuple(_label(c) for c in tree.classes)
    proba = None
    if not regression:
        table, shares = _RowTable(), tree.class_shares
        rows = {i: table.row(shares[i]) for i in _topological(tree.children_left, tree.children_right)
                if tree.children_left[i] < 0}  # numbered in the order of the leaves, left to right
        proba = table.finish(_tree_nodes(tree, rows.__getitem__))
    return Program("tree", tree.task, _features(tree.domain), classes, body, dict(tree.meta), proba)


def _tree_nodes(tree: Any, output: Callable[[int], int | float]) -> Node:
    """The tree as Branch / Leaf nodes, leaf ``i`` giving ``output(i)``."""
    nodes: list[Node | None] = [None] * tree.n_nodes
    order = _topological(tree.children_left, tree.children_right)
    for i in reversed(order):
        left, right = int(tree.children_left[i]), int(tree.children_right[i])
        if left < 0:
            nodes[i] = Leaf(output(i))
            continue
        j = int(tree.feature[i])
        cats = tree.left_categories[i]
        if cats is not None and len(cats) == 0:
            nodes[i] = nodes[right]  # no category goes left: the test always sends rows right
            continue
        test: Test = (LessEq(j, _finite(tree.threshold[i], f"node {i} threshold")) if cats is None
                      else IsIn(j, tuple(sorted({int(c) for c in cats}))))
        nodes[i] = Branch(test, nodes[left], nodes[right])  # type: ignore[arg-type]
    return nodes[0]  # type: ignore[return-value]


class _RowTable:
    """Probability rows numbered as they are first met, a row of the same doubles (compared by their
    exact text, so -0.0 is not 0.0) given the number it has."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, ...], int] = {}
        self.rows: list[tuple[float, ...]] = []

    def row(self, values: Any) -> int:
        row = tuple(float(v) for v in values)
        key = tuple(map(float.hex, row))
        if key not in self.numbers:
            for v in row:
                _finite(v, "a class probability")
            self.numbers[key] = len(self.rows)
            self.rows.append(row)
        return self.numbers[key]

    def finish(self, index: Node | DecisionList) -> ProbaTable:
        return ProbaTable(tuple(self.rows), index)


def _topological(left: np.ndarray, right: np.ndarray) -> list[int]:
    """Node indices with every parent before its children."""
    order, stack = [], [0]
    while stack:
        i = stack.pop()
        order.append(i)
        if left[i] >= 0:
            stack += [int(right[i]), int(left[i])]
    return order


@builder("linear")
def build_linear(model: Any) -> Program:
    """Terms, weights and link from a :class:`~symdistill.models.linear.LinearModel`."""
    terms = []
    for term in model.terms:
        factors: list[Factor] = []
        for f in term.factors:
            if f.category is not None:
                factors.append(Indicator(int(f.feature), int(f.category)))
            elif f.knot is None:
                factors.append(Value(int(f.feature)))
            else:
                factors.append(Hinge(int(f.feature), _finite(f.knot, "hinge knot"), int(f.direction)))
        terms.append(tuple(factors))
    coef = tuple(tuple(_finite(w, "a weight") for w in row) for row in model.coef)
    intercept = tuple(_finite(b, "an intercept") for b in model.intercept)
    classes = () if model.task == "regression" else tuple(_label(c) for c in model.classes)
    body = LinearScores(tuple(terms), coef, intercept, model.link)
    return Program("linear", model.task, _features(model.domain), classes, body, dict(model.meta))


@builder("rules")
def build_rules(model: Any) -> Program:
    """An ordered :class:`DecisionList` from a :class:`~symdistill.models.rules.RuleSet`."""
    regression = model.task == "regression"

    def output(prediction: int | float, what: str) -> int | float:
        return _finite(prediction, what) if regression else int(prediction)

    rules = []
    for i, rule in enumerate(model.rules):
        literals = []
        for c in rule.conditions:
            if c.is_categorical:
                literals.append(Literal(IsIn(c.feature, tuple(sorted(c.value))), c.op == "not in"))
            else:
                literals.append(Literal(LessEq(c.feature, _finite(c.value, f"rule {i} threshold")), c.op == ">"))
        rules.append(Rule(tuple(literals), output(rule.prediction, f"rule {i} prediction")))
    classes = () if regression else tuple(_label(c) for c in model.classes)
    body = DecisionList(tuple(rules), output(model.default.prediction, "the default prediction"))
    proba = None
    if not regression:
        table = _RowTable()
        numbers = [table.row(p) for p in model._proba_table()]  # a row per rule, the default's last
        proba = table.finish(DecisionList(tuple(Rule(r.literals, k) for r, k in zip(rules, numbers)), numbers[-1]))
    return Program("rules", model.task, _features(model.domain), classes, body, dict(model.meta), proba)


def _build_automaton(model: Any) -> Program:
    body = Automaton(tuple(_text(str(a), "symbol") for a in model.alphabet), tuple(tuple(int(t) for t in row) for row in model.transitions),
                     int(model.initial), tuple(int(o) for o in model.outputs), model.kind == "dfa")
    return Program(model.kind, "classification", (), tuple(_label(c) for c in model.classes), body,
                   dict(model.meta))


builder("dfa")(_build_automaton)
builder("moore")(_build_automaton)


# -- transformations ------------------------------------------------------------------------------


def tree_rules(root: Node) -> DecisionList:
    """The root-to-leaf paths of a tree as mutually exclusive rules, conditions merged per feature.

    Two bounds on one feature become the tighter one (``x <= 3`` and ``x <= 5`` give ``x <= 3``);
    category tests combine into one set (``in A`` and ``not in B`` give ``in A - B``). The rewrite
    is exact for every finite input, so a rule holds exactly when the tree reaches its leaf. Paths
    that no input can follow (empty interval or empty set) are left out.
    """
    rules: list[Rule] = []
    stack: list[tuple[Node, tuple[Literal, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Leaf):
            merged = merge_literals(path)
            if merged is not None:
                rules.append(Rule(merged, node.output))
            continue
        stack.append((node.no, path + (Literal(node.test, True),)))
        stack.append((node.yes, path + (Literal(node.test, False),)))
    return DecisionList(tuple(rules), None, exclusive=True)


def merge_literals(literals: tuple[Literal, ...]) -> tuple[Literal, ...] | None:
    """An equivalent, shorter conjunction (features in order of first mention), or None when no
    input satisfies it.

    >>> a = Literal(LessEq(0, 5.0)); b = Literal(LessEq(0, 3.0)); c = Literal(LessEq(0, 1.0), True)
    >>> [str(x) for x in merge_literals((a, b, c))]
    ['x[0] > 1.0', 'x[0] <= 3.0']
    >>> merge_literals((Literal(LessEq(0, 1.0)), Literal(LessEq(0, 2.0), True))) is None
    True
    """
    lower: dict[int, float] = {}
    upper: dict[int, float] = {}
    inside: dict[int, set[int]] = {}
    outside: dict[int, set[int]] = {}
    order: list[int] = []
    for lit in literals:
        t = lit.test
        if t.feature not in order:
            order.append(t.feature)
        if isinstance(t, LessEq):
            if lit.negated:
                lower[t.feature] = max(lower.get(t.feature, -math.inf), t.threshold)
            else:
                upper[t.feature] = min(upper.get(t.feature, math.inf), t.threshold)
        elif lit.negated:
            outside.setdefault(t.feature, set()).update(t.codes)
        else:
            inside[t.feature] = inside[t.feature] & set(t.codes) if t.feature in inside else set(t.codes)
    out: list[Literal] = []
    for j in order:
        lo, hi = lower.get(j), upper.get(j)
        if lo is not None and hi is not None and lo >= hi:
            return None
        if lo is not None:
            out.append(Literal(LessEq(j, lo), True))
        if hi is not None:
            out.append(Literal(LessEq(j, hi), False))
        if j in inside:
            codes = inside[j] - outside.get(j, set())
            if not codes:
                return None
            out.append(Literal(IsIn(j, tuple(sorted(codes)))))
        elif j in outside:
            out.append(Literal(IsIn(j, tuple(sorted(outside[j]))), True))
    return tuple(out)


def tree_depth(root: Node) -> int:
    """Number of tests on the longest path (0 for a single leaf)."""
    best, stack = 0, [(root, 0)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, Branch):
            stack += [(node.yes, d + 1), (node.no, d + 1)]
        else:
            best = max(best, d)
    return best


@dataclass(frozen=True)
class Jump:
    """Stands for a subtree rendered apart, as piece number ``piece`` of :func:`split_deep`."""

    piece: int


def split_deep(root: Node, max_depth: int) -> list[Node | Jump]:
    """Cut a tree into pieces no deeper than ``max_depth``: piece 0 holds the root, and a
    :class:`Jump` in a piece means "continue with that piece".

    Emitters render each piece as its own function, so that deep trees stay within the nesting
    limits of compilers and parsers (C99 guarantees 127 nested blocks, CPython 100 indents).

    >>> t = Branch(LessEq(0, 1.0), Branch(LessEq(0, 0.0), Leaf(0), Leaf(1)), Leaf(2))
    >>> split_deep(t, 1)
    [Branch(test=LessEq(feature=0, threshold=1.0), yes=Jump(piece=1), no=Leaf(output=2)), \
Branch(test=LessEq(feature=0, threshold=0.0), yes=Leaf(output=0), no=Leaf(output=1))]
    """
    if max_depth < 1:
        raise ValueError(f"max_depth must be at least 1, got {max_depth}")
    pieces: list[Node | Jump] = []
    pending: list[Node] = [root]
    while pending:
        top = pending.pop(0)
        pieces.append(_cut(top, max_depth, len(pieces), pending))
    return pieces


def _cut(node: Node, budget: int, index: int, pending: list[Node]) -> Node | Jump:
    if isinstance(node, Leaf):
        return node
    if budget == 0:
        pending.append(node)
        return Jump(index + len(pending))  # pieces are taken from ``pending`` in order after ``index``
    return Branch(node.test, _cut(node.yes, budget - 1, index, pending),  # type: ignore[arg-type]
                  _cut(node.no, budget - 1, index, pending))  # type: ignore[arg-type]


class BodyEmitter:
    """What the emitters share: one method per form of model body.

    Subclasses implement ``_automaton``, ``_tables`` (names and categories of the features),
    ``_linear``, ``_decision_list``, ``_tree`` and ``_proba_table`` (the class probabilities of a
    tree or rule set: the table and the walk of its index); ``_emit_body`` calls the right ones. A
    linear classifier's ``_linear`` gives its probabilities too, from the scores.
    """

    program: Program

    def _emit_body(self, body: Node | DecisionList | LinearScores | Automaton) -> None:
        if isinstance(body, Automaton):
            self._automaton(body)
            return
        self._tables()
        if isinstance(body, LinearScores):
            self._linear(body)
        elif isinstance(body, DecisionList):
            self._decision_list(body)
        else:
            self._tree(body)
        if self.program.proba is not None:
            self._proba_table(self.program.proba)
