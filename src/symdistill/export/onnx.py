"""ONNX emitter: a graph that onnxruntime runs, built with the ``onnx`` package's helper API.

The graph has one input ``X``: double, shape ``(N, n_features)``, encoded rows (categorical
features as category codes). Doubles keep the thresholds exact. Outputs:

* classifiers: ``label`` (N,), the class label (string, int64, double or bool tensor, following the
  labels' type), ``class_index`` (N,) int64, the index into the ``classes`` metadata entry, and
  ``probabilities`` (N, n_classes), double, ``predict_proba``'s: for trees and rule sets the exact
  doubles (a table row picked by the leaf's number or the deciding rule), for linear models its
  formulas;
* regressors: ``value`` (N,) double.

Forms:

* a tree is an ``ai.onnx.ml`` ``TreeEnsembleClassifier`` (thresholds as double tensors; one-hot
  leaf weights so that the label is exactly the leaf's class, ties and float32 rounding aside) or
  a ``TreeEnsembleRegressor`` whose leaves hold their leaf *number* (exact in float32), turned into
  the double leaf value by a ``Gather`` (the regressor's float32 output would round the values);
  a classifier's probabilities come the same way, from a regressor over the index tree of its
  probability rows (the classifier's own scores are float32);
  A categorical test "code in {a, b, ...}" becomes a binary search of ``BRANCH_LEQ`` nodes ending in one
  ``BRANCH_EQ`` per code, all sharing one true child; a tree deeper than ``MAX_TREE_DEPTH`` is refused
  (onnxruntime crashes on trees some thousands deep);
* a linear model computes its terms and weighted sums with elementwise operators, term by term
  in the model's order, so scores are the same doubles as ``predict``'s; probabilities follow
  ``predict_proba``'s formulas (onnxruntime's ``exp`` may round them a few ulps apart); the label
  comes from the score's sign or ``ArgMax``;
* an ordered rule list evaluates every literal with comparison operators, ``And``-s them per rule,
  and picks the first rule that fires with ``ArgMax`` (a default column always fires).

Metadata (``metadata_props``): ``symdistill.kind``, ``symdistill.task``, ``symdistill.features``
and ``symdistill.classes`` (JSON), and with categorical features ``symdistill.categories`` (JSON: each
categorical feature's name and its categories, a category's code its place in the list). Automata are
not exported to ONNX.
"""

from __future__ import annotations

import json
from typing import Any, cast

import numpy as np

from .._version import __version__
from .ir import (
    Branch, DecisionList, Hinge, Indicator, IsIn, Leaf, LessEq, LinearScores, Node, ProbaTable, Program, Value,
)
from ._text import concept_note, label_texts

OPSET = 17
ML_OPSET = 3
IR_VERSION = 8
INLINE_CODES = 8  # a rule's category set of more codes is looked up in a table (Prolog writes up to 8 inline too)
MAX_TREE_DEPTH = 1000  # onnxruntime overflowed the stack (a crash) building a tree 2,000 deep in a 1 MB thread


def _onnx() -> Any:
    try:
        import onnx
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("exporting to ONNX needs the onnx package: pip install 'symdistill[onnx]'") from exc
    return onnx


def emit(program: Program) -> bytes:
    """The serialised ONNX model (``ModelProto`` bytes) for ``program``.

    >>> import numpy as np, onnxruntime as ort
    >>> from symdistill.domain import Domain
    >>> from symdistill.models import Tree
    >>> from symdistill.export.ir import build
    >>> dom = Domain.from_data(np.array([[0.0], [1.0]]), feature_names=["age"])
    >>> tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
    ...             children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
    ...             value=[[0.5, 0.5], [1, 0], [0, 1]])
    >>> session = ort.InferenceSession(emit(build(tree)), providers=["CPUExecutionProvider"])
    >>> session.run(["label"], {"X": np.array([[0.5], [0.75]])})[0].tolist()
    ['no', 'yes']
    """
    return _Graph(program).model().SerializeToString()


class _Graph:
    """Collects nodes and constants; names are generated, never taken from user text."""

    def __init__(self, program: Program) -> None:
        self.onnx = _onnx()
        self.helper = self.onnx.helper
        self.program = program
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.outputs: list[Any] = []
        self._count = 0

    # -- plumbing ------------------------------------------------------------------------------
    def name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def const(self, stem: str, array: np.ndarray) -> str:
        n = self.name(stem)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, n))
        return n

    def op(self, op_type: str, inputs: list[str], stem: str, n_outputs: int = 1, domain: str = "",
           **attrs: Any) -> str:
        outs = [self.name(stem) for _ in range(n_outputs)]
        self.nodes.append(self.helper.make_node(op_type, inputs, outs, domain=domain, **attrs))
        return outs[0]

    def arith(self, op_type: str, x: str, value: float, const_stem: str, stem: str) -> str:
        """``x + value``, ``x - value`` or ``x * value`` for ``x`` of shape (N, 1), the same double as
        numpy's. onnxruntime's optimiser drops ``x + b`` and ``x - b`` as no-ops when ``b`` is 0 once
        cast to float32 (1e-300, and 0.0 itself, though -0.0 + 0.0 is 0.0) and ``x * w`` when ``w`` is
        1 so cast (0.9999999999999933, an exactly linear teacher's weight as fitted): such a constant
        goes in as two copies, whose (N, 2) broadcast no optimiser removes, and the first column is taken."""
        identity = 1.0 if op_type == "Mul" else 0.0
        # x + 0.0 and x - (-0.0) are no no-ops either: they turn -0.0 into 0.0 (an intercept of exactly 0).
        exact = value == identity and (op_type == "Mul" or bool(np.signbit(value)) == (op_type == "Add"))
        with np.errstate(over="ignore"):
            dropped = not exact and np.float32(value) == identity
        if not dropped:
            return self.op(op_type, [x, self.const(const_stem, np.array([value], dtype=np.float64))], stem)
        both = self.op(op_type, [x, self.const(const_stem, np.array([value, value], dtype=np.float64))], stem)
        return self.op("Gather", [both, self.const("first", np.array([0], dtype=np.int64))], stem, axis=1)

    def output(self, name: str, source: str, elem_type: int, shape: list[Any]) -> None:
        self.nodes.append(self.helper.make_node("Identity", [source], [name]))
        self.outputs.append(self.helper.make_tensor_value_info(name, elem_type, shape))

    # -- model ---------------------------------------------------------------------------------
    def model(self) -> Any:
        prog = self.program
        body = prog.body
        if isinstance(body, (Branch, Leaf)):
            self._tree(body)
        elif isinstance(body, LinearScores):
            self._linear(body)
        elif isinstance(body, DecisionList):
            self._decision_list(body)
        else:
            raise ValueError(f"a {prog.kind} model cannot be exported to ONNX; export automata to "
                             "'c', 'python', 'prolog', 'json' or 'dot'")
        TP = self.onnx.TensorProto
        x = self.helper.make_tensor_value_info("X", TP.DOUBLE, ["N", prog.n_features])
        graph = self.helper.make_graph(self.nodes, f"symdistill_{prog.kind}", [x], self.outputs, self.initializers)
        model = self.helper.make_model(
            graph, producer_name="symdistill", producer_version=__version__, ir_version=IR_VERSION,
            opset_imports=[self.helper.make_opsetid("", OPSET), self.helper.make_opsetid("ai.onnx.ml", ML_OPSET)])
        note = concept_note(prog)
        model.doc_string = f"symdistill {prog.kind} model ({prog.task}); input X: double (N, {prog.n_features})" + \
            ("" if note is None else f"; {note}")
        meta = {"symdistill.kind": prog.kind, "symdistill.task": prog.task,
                "symdistill.features": json.dumps([f.name for f in prog.features]),
                "symdistill.classes": json.dumps(list(prog.classes))}
        categories = {f.name: list(f.categories) for f in prog.features if f.is_categorical}
        if categories:  # the code of each category is its place in its list
            meta["symdistill.categories"] = json.dumps(categories)
        self.helper.set_model_props(model, meta)
        self.onnx.checker.check_model(model)
        return model

    def _labels(self, index: str) -> None:
        """Outputs ``class_index`` and ``label`` from an int64 index tensor of shape (N,)."""
        TP = self.onnx.TensorProto
        classes = self.program.classes
        if all(isinstance(c, bool) for c in classes):
            table, elem = np.array(classes, dtype=bool), TP.BOOL
        elif all(isinstance(c, int) and not isinstance(c, bool) for c in classes):
            wide = [c for c in classes if not -2**63 <= c < 2**63]
            if wide:
                raise ValueError(f"class label {wide[0]!r} does not fit ONNX's int64 labels; "
                                 "relabel the classes (e.g. as strings) to export to ONNX")
            table, elem = np.array(classes, dtype=np.int64), TP.INT64
        elif all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in classes):
            inexact = [c for c in classes if isinstance(c, int) and not _exact_double(c)]
            if inexact:  # beside a fractional label it would go out as a double, rounded
                raise ValueError(f"class label {inexact[0]!r} is not exactly a double (the labels mix numbers with "
                                 "and without a fraction), as ONNX's double labels hold them; relabel the classes "
                                 "(e.g. as strings) to export to ONNX")
            table, elem = np.array(classes, dtype=np.float64), TP.DOUBLE
        else:
            table, elem = np.array(label_texts(classes, "class labels", "ONNX"), dtype=object), TP.STRING
        label = self.op("Gather", [self.const("classes", table), index], "label", axis=0)
        self.output("label", label, elem, ["N"])
        self.output("class_index", index, TP.INT64, ["N"])

    def _column(self, feature: int) -> str:
        """``X[:, feature]`` with shape (N, 1)."""
        return self.op("Gather", ["X", self.const("feature", np.array([feature], dtype=np.int64))], "column", axis=1)

    def _flat(self, tensor: str) -> str:
        return self.op("Reshape", [tensor, self.const("shape", np.array([-1], dtype=np.int64))], "flat")

    def _rows_of(self, value: np.ndarray) -> str:
        """``value`` (a 1-element array) repeated for every row: shape (N,)."""
        n = self.op("Gather", [self.op("Shape", ["X"], "shape"), self.const("zero", np.array([0], dtype=np.int64))],
                    "n_rows", axis=0)
        return self.op("ConstantOfShape", [n], "filled", value=self.onnx.numpy_helper.from_array(value))

    # -- trees ---------------------------------------------------------------------------------
    def _tree(self, root: Node) -> None:
        prog = self.program
        TP = self.onnx.TensorProto
        if prog.is_classifier and len(prog.classes) == 1:
            # onnxruntime's tree classifier mislabels a one-class ensemble; the answer is constant.
            self._labels(self._rows_of(np.array([0], dtype=np.int64)))
            self._probabilities(self._rows_of(np.array([0], dtype=np.int64)), cast(ProbaTable, prog.proba).rows[:1])
            return
        if not prog.is_classifier:
            number, leaves = self._leaf_number(root)
            values = self.const("leaf_values", np.array([float(out) for _, out in leaves], dtype=np.float64))
            self.output("value", self.op("Gather", [values, number], "value", axis=0), TP.DOUBLE, ["N"])
            return
        attrs, leaves = self._tree_attrs(root)
        k = len(prog.classes)
        # Every leaf votes 1 for its class and 0 for the others: the label is then exactly the
        # leaf's class (onnxruntime reads a two-class ensemble with one voted class differently).
        ids = [i for i, _ in leaves for _ in range(k)]
        attrs.update(class_treeids=[0] * len(ids), class_nodeids=ids, class_ids=list(range(k)) * len(leaves),
                     class_weights=[1.0 if c == int(out) else 0.0 for _, out in leaves for c in range(k)],
                     classlabels_int64s=list(range(k)))
        index = self.op("TreeEnsembleClassifier", ["X"], "tree", n_outputs=2, domain="ai.onnx.ml", **attrs)
        self._labels(index)
        if prog.proba is not None:
            # The index tree (the same tests, each leaf its row of probabilities) as a regressor giving
            # each row its leaf's number, exact in float32: the class-probability outputs of the
            # classifier are float32 and would round the doubles.
            number, leaves = self._leaf_number(prog.proba.index)
            self._probabilities(number, [prog.proba.rows[int(out)] for _, out in leaves])

    def _tree_attrs(self, root: Node) -> tuple[dict[str, Any], list[tuple[int, int | float]]]:
        """The node attributes of a tree ensemble holding ``root``, and its ``(node id, output)`` leaves."""
        rows, leaves = _flatten(root)
        depth = _depth(rows)
        if depth > MAX_TREE_DEPTH:
            raise ValueError(f"the tree is {depth} tests deep as an ONNX tree ensemble (a test of a set of k categories "
                             f"counts about log2(k) + 2); onnxruntime builds a tree recursively and crashes its process "
                             f"on trees some thousands deep (a segmentation fault: 10,000 on an 8 MB stack, 2,000 in a "
                             f"thread's 1 MB), so ONNX exports are refused past {MAX_TREE_DEPTH}: export to 'c' or "
                             f"'python' (which cut deep trees into functions), or distill a shallower tree (max_depth)")
        attrs: dict[str, Any] = {
            "nodes_treeids": [0] * len(rows), "nodes_nodeids": list(range(len(rows))),
            "nodes_featureids": [r[1] for r in rows], "nodes_modes": [r[0] for r in rows],
            "nodes_truenodeids": [r[3] for r in rows], "nodes_falsenodeids": [r[4] for r in rows],
            "nodes_values_as_tensor": self.onnx.numpy_helper.from_array(
                np.array([r[2] for r in rows], dtype=np.float64)),
            "post_transform": "NONE",
        }
        return attrs, leaves

    def _leaf_number(self, root: Node) -> tuple[str, list[tuple[int, int | float]]]:
        """The number of the leaf each row reaches, int64 (N,), from a ``TreeEnsembleRegressor`` whose
        leaves hold their number (exact in float32, whose regressor output would round a double), and
        the leaves ``(node id, output)`` in that numbering."""
        attrs, leaves = self._tree_attrs(root)
        attrs.update(n_targets=1, target_treeids=[0] * len(leaves), target_nodeids=[i for i, _ in leaves],
                     target_ids=[0] * len(leaves), target_weights=[float(n) for n in range(len(leaves))])
        number = self.op("TreeEnsembleRegressor", ["X"], "leaf_number", domain="ai.onnx.ml", **attrs)
        return self._flat(self.op("Cast", [number], "leaf_index", to=self.onnx.TensorProto.INT64)), leaves

    def _probabilities(self, index: str, rows: Any) -> None:
        """Output ``probabilities`` (N, n_classes): row ``index`` (int64, (N,)) of the table ``rows``, the
        exact doubles ``predict_proba`` gives."""
        table = self.const("proba_rows", np.array(rows, dtype=np.float64))
        self.output("probabilities", self.op("Gather", [table, index], "proba", axis=0),
                    self.onnx.TensorProto.DOUBLE, ["N", len(self.program.classes)])

    # -- linear models -------------------------------------------------------------------------
    def _factor(self, f: Value | Indicator | Hinge) -> str:
        TP = self.onnx.TensorProto
        col = self._column(f.feature)
        if isinstance(f, Value):
            return col
        if isinstance(f, Indicator):
            eq = self.op("Equal", [col, self.const("code", np.array([f.code], dtype=np.float64))], "is_code")
            return self.op("Cast", [eq], "indicator", to=TP.DOUBLE)
        diff = self.arith("Sub", col, f.knot, "knot", "diff")
        if f.direction == -1:
            diff = self.op("Neg", [diff], "neg")
        # Max with 0.0 rather than Relu, which answers -0.0 for -0.0 (the hinge at its knot, direction -1)
        # where predict gives 0.0; both let a NaN through.
        return self.op("Max", [diff, self.const("zero", np.array([0.0]))], "hinge")

    def _linear(self, lin: LinearScores) -> None:
        TP = self.onnx.TensorProto
        columns: dict[int, str] = {}

        def column(t: int) -> str:
            if t not in columns:
                term = lin.terms[t]
                col = self._factor(term[0])
                for f in term[1:]:
                    col = self.op("Mul", [col, self._factor(f)], "product")
                columns[t] = col
            return columns[t]

        # One Mul and one Add per non-zero weight, in term order, intercept last: the model's own
        # order, so every score is the same double as ``predict``'s (Gemm would sum in its own order).
        rows = []
        for r, weights in enumerate(lin.coef):
            acc = None
            for t, w in enumerate(weights):
                if w == 0.0:
                    continue
                v = self.arith("Mul", column(t), w, "weight", "weighted")
                acc = v if acc is None else self.op("Add", [acc, v], "sum")
            b = np.array([lin.intercept[r]], dtype=np.float64)
            if acc is None:
                rows.append(self.op("Unsqueeze", [self._rows_of(b), self.const("axis", np.array([1], dtype=np.int64))],
                                    "score"))
            else:
                rows.append(self.arith("Add", acc, float(b[0]), "intercept", "score"))
        scores = rows[0] if len(rows) == 1 else self.op("Concat", rows, "scores", axis=1)
        if lin.link == "identity":
            self.output("value", self._flat(scores), TP.DOUBLE, ["N"])
            return
        if lin.link == "logistic":
            proba = self._sigmoid(scores)
            positive = self.op("Greater", [self._flat(scores), self.const("zero", np.array([0.0]))], "positive")
            index = self.op("Cast", [positive], "index", to=TP.INT64)
        else:
            proba = self._softmax(scores)
            index = self.op("ArgMax", [scores], "index", axis=1, keepdims=0, select_last_index=0)
        self._labels(index)
        self.output("probabilities", proba, TP.DOUBLE, ["N", len(self.program.classes)])

    # onnxruntime's own Sigmoid and Softmax are not predict_proba's: its double Sigmoid loses small
    # probabilities (0.0 at a score of -37, where predict_proba gives 8.5e-17), its Softmax answers NaN
    # where a score is +inf. The graphs below compute predict_proba's formulas, the same doubles but
    # for the rounding of onnxruntime's exp.
    def _sigmoid(self, scores: str) -> str:
        """``[1 - p, p]`` with ``p = 1 / (1 + exp(-s))`` for ``s >= 0``, else ``e / (1 + e)``, ``e = exp(s)``."""
        one = self.const("one", np.array([1.0]))
        e = self.op("Exp", [self.op("Neg", [self.op("Abs", [scores], "abs")], "neg")], "exp")
        total = self.op("Add", [one, e], "one_plus")
        positive = self.op("GreaterOrEqual", [scores, self.const("zero", np.array([0.0]))], "nonnegative")
        p1 = self.op("Where", [positive, self.op("Div", [one, total], "p_pos"), self.op("Div", [e, total], "p_neg")],
                     "p1")
        return self.op("Concat", [self.op("Sub", [one, p1], "p0"), p1], "proba", axis=1)

    def _softmax(self, scores: str) -> str:
        """``exp(s - max s)`` over its sum; where the top score is +inf, 1 for each +inf score, else 0
        (unless the row has a NaN score, which numpy's max, unlike ReduceMax, takes for the top: all NaN)."""
        TP = self.onnx.TensorProto
        top = self.op("ReduceMax", [scores], "top", axes=[1], keepdims=1)
        shifted = self.op("Exp", [self.op("Sub", [scores, top], "shifted")], "exp")
        nan = self.op("ReduceMax", [self.op("Cast", [self.op("IsNaN", [scores], "is_nan")], "nan_f", to=TP.DOUBLE)],
                      "any_nan", axes=[1], keepdims=1)
        sure = self.op("And", [self.op("IsInf", [top], "top_inf", detect_negative=0),
                               self.op("Not", [self.op("Cast", [nan], "nan_b", to=TP.BOOL)], "no_nan")], "sure")
        infinite = self.op("Cast", [self.op("IsInf", [scores], "infinite", detect_negative=0)], "one_hot", to=TP.DOUBLE)
        e = self.op("Where", [sure, infinite, shifted], "weights")
        total = self.op("ReduceSum", [e, self.const("axis", np.array([1], dtype=np.int64))], "total", keepdims=1)
        return self.op("Div", [e, total], "proba")

    # -- rule lists ----------------------------------------------------------------------------
    def _literal(self, test: LessEq | IsIn, negated: bool) -> str:
        col = self._flat(self._column(test.feature))
        if isinstance(test, LessEq):
            t = self.const("threshold", np.array([test.threshold], dtype=np.float64))
            return self.op("Greater" if negated else "LessOrEqual", [col, t], "test")
        if not test.codes:
            return self._rows_of(np.array([negated]))
        if len(test.codes) > INLINE_CODES:
            inside = self._in_table(col, test.codes)
        else:
            hits = [self.op("Equal", [col, self.const("code", np.array([float(c)]))], "is_code") for c in test.codes]
            inside = hits[0]
            for h in hits[1:]:
                inside = self.op("Or", [inside, h], "in_set")
        return self.op("Not", [inside], "not_in_set") if negated else inside

    def _in_table(self, col: str, codes: tuple[int, ...]) -> str:
        """``col`` (N,) is one of the sorted ``codes``, looked up in a table of booleans, one per code up to
        the largest: an ``Equal`` and an ``Or`` per code made a set of 6,691 codes (a zip-code column's)
        13,380 nodes, 2.1 s to load in onnxruntime and a pass over the rows per node. A value that is no
        whole number from 0 to the largest code (NaN, infinity, 2.5, -1) is in no set, as no ``Equal``
        holds for it; it is looked up as 0, so no cast of it reaches ``Gather``."""
        TP = self.onnx.TensorProto
        table = np.zeros(codes[-1] + 1, dtype=bool)
        table[list(codes)] = True
        zero = self.const("zero", np.array([0.0]))
        whole = self.op("Equal", [col, self.op("Floor", [col], "floor")], "whole")
        within = self.op("And", [self.op("GreaterOrEqual", [col, zero], "from_zero"),
                                 self.op("LessOrEqual", [col, self.const("top", np.array([float(codes[-1])]))],
                                         "to_top")], "within")
        code = self.op("And", [whole, within], "a_code")
        index = self.op("Cast", [self.op("Where", [code, col, zero], "code_or_zero")], "code_index", to=TP.INT64)
        hit = self.op("Gather", [self.const("in_set", table), index], "in_table", axis=0)
        return self.op("And", [code, hit], "in_set")

    def _decision_list(self, dl: DecisionList) -> None:
        TP = self.onnx.TensorProto
        if dl.default is None:
            raise ValueError("a decision list exported to ONNX needs a default output")
        fired = []
        for rule in dl.rules:
            tests = [self._literal(lit.test, lit.negated) for lit in rule.literals]
            if not tests:
                tests = [self._rows_of(np.array([True]))]
            both = tests[0]
            for t in tests[1:]:
                both = self.op("And", [both, t], "rule")
            fired.append(self.op("Unsqueeze", [both, self.const("axis", np.array([1], dtype=np.int64))], "fired"))
        fired.append(self.op("Unsqueeze", [self._rows_of(np.array([True])),
                                           self.const("axis", np.array([1], dtype=np.int64))], "default"))
        table = self.op("Cast", [self.op("Concat", fired, "fired_all", axis=1)], "fired_f", to=TP.DOUBLE)
        first = self.op("ArgMax", [table], "first_rule", axis=1, keepdims=0, select_last_index=0)
        outputs = [r.output for r in dl.rules] + [dl.default]
        if self.program.is_classifier:
            index = self.op("Gather", [self.const("rule_class", np.array(outputs, dtype=np.int64)), first],
                            "index", axis=0)
            self._labels(index)
            proba = cast(ProbaTable, self.program.proba)
            listed = cast(DecisionList, proba.index)  # the body's rules, in its order, each giving its row's number
            numbers = [int(r.output) for r in listed.rules] + [int(cast(int, listed.default))]
            self._probabilities(first, [proba.rows[n] for n in numbers])
        else:
            values = self.const("rule_value", np.array(outputs, dtype=np.float64))
            self.output("value", self.op("Gather", [values, first], "value", axis=0), TP.DOUBLE, ["N"])


def _exact_double(n: int) -> bool:
    """Whether the integer ``n`` is a double's value exactly (2**53 + 1 and 10**400 are not)."""
    try:
        return int(float(n)) == n
    except OverflowError:
        return False


def _flatten(root: Node) -> tuple[list[tuple[str, int, float, int, int]], list[tuple[int, int | float]]]:
    """Tree nodes as ONNX rows ``(mode, feature, value, true id, false id)``, and ``(id, output)``
    for every leaf; a set test becomes a binary search ending in a BRANCH_EQ row per code."""
    rows: list[tuple[str, int, float, int, int] | None] = []
    leaves: list[tuple[int, int | float]] = []
    ids: dict[int, int] = {}
    queue: list[Node] = []

    def node_id(n: Node) -> int:
        while isinstance(n, Branch) and isinstance(n.test, IsIn) and not n.test.codes:
            n = n.no  # "code in {}" never holds
        if id(n) not in ids:
            ids[id(n)] = len(rows)
            rows.append(None)
            queue.append(n)
        return ids[id(n)]

    node_id(root)
    while queue:
        n = queue.pop(0)
        i = ids[id(n)]
        if isinstance(n, Leaf):
            rows[i] = ("LEAF", 0, 0.0, 0, 0)
            leaves.append((i, n.output))
            continue
        t = n.test
        yes, no = node_id(n.yes), node_id(n.no)
        if isinstance(t, LessEq):
            rows[i] = ("BRANCH_LEQ", t.feature, t.threshold, yes, no)
            continue
        # A binary search over the sorted codes (BRANCH_LEQ between halves), log2(k) levels where a chain
        # of BRANCH_EQ rows was k deep: onnxruntime builds a tree recursively, and a set of 20,000 codes (a
        # zip code's) crashed it. onnxruntime lays a node's false child right after it, so a node reached by
        # more than one false edge is refused ("False node must always be the next node"): each code's
        # BRANCH_EQ goes to ``yes`` when true, else to a BRANCH_NEQ of its own that goes to ``no`` when true
        # (always, there: a NaN too) and to an unreachable leaf when false. Exact for any double.
        pending = [(i, t.codes)]
        while pending:
            at, codes = pending.pop()
            if len(codes) == 1:
                rows[at] = ("BRANCH_EQ", t.feature, float(codes[0]), yes, len(rows))
                rows += [("BRANCH_NEQ", t.feature, float(codes[0]), no, len(rows) + 1), _UNREACHABLE]
                continue
            half = len(codes) // 2
            rows[at] = ("BRANCH_LEQ", t.feature, float(codes[half - 1]), len(rows), len(rows) + 1)
            pending += [(len(rows), codes[:half]), (len(rows) + 1, codes[half:])]
            rows += [None, None]
    return cast("list[tuple[str, int, float, int, int]]", rows), leaves  # every slot is filled by now


_UNREACHABLE = ("LEAF", 0, 0.0, 0, 0)  # a leaf no row reaches, voting for no class


def _depth(rows: list[tuple[str, int, float, int, int]]) -> int:
    """Levels of tests on the longest path from row 0 (the root) of ``_flatten``'s rows."""
    deepest, level = 0, {0}
    while level:
        level = {k for r in level if rows[r][0] != "LEAF" for k in rows[r][3:5]}
        deepest += bool(level)
    return deepest
