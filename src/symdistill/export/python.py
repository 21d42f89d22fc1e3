"""Python emitter: a dependency-free module (standard library not even imported, but ``math`` for a
linear classifier's probabilities).

Models over feature rows get ``predict(x)``: ``x`` is one row, a sequence of feature values in the
order of ``FEATURES``, categorical features given by their *labels* (as in ``CATEGORIES[j]``); the
result is the class label (from ``CLASSES``) or, for regressors, the value. ``predict_encoded(z)``
takes categorical features as *codes* instead (the index of the label in ``CATEGORIES[j]``), the
form the C and Prolog exports use; ``encode(x)`` turns one into the other. Classifiers also get
``predict_proba(x)`` / ``predict_proba_encoded(z)``: a list of class probabilities in ``CLASSES`` order,
``predict_proba``'s (a tree's and a rule set's the exact doubles, looked up in ``PROBA``; a linear
model's computed with ``math.exp``, the module's one import, which may round an ulp apart from
NumPy's). Automata get
``predict(word)`` (and ``accepts(word)`` for a DFA): a word is a string when every symbol is one
character, otherwise a sequence of symbols from ``ALPHABET``. Bad input raises ``ValueError`` /
``TypeError`` naming the feature or symbol, where the model's ``predict`` / ``predict_encoded`` refuse it
too: NaN or infinite values, text for a number (``'2.5'``), a code that is no category's (2.5, -1, 3 of 3),
a boolean for a category that is a number or a number for one that is a boolean (``True == 1``), a row
that is text, a dict or a set (not read as its characters or keys).

Numbers are written as their exact shortest text (``repr``) and compared as Python floats, so the
module agrees with the model's ``predict`` exactly. Every user-provided name is written with
``ascii()``, a pure-ASCII literal that nothing can break out of.
"""

from __future__ import annotations

from typing import Iterable

from .._version import __version__
from ._text import concept_note, exact_float
from .ir import (
    Automaton, BodyEmitter, DecisionList, Hinge, Indicator, Jump, Leaf, LessEq, LinearScores, Literal, Node,
    ProbaTable, Program, Value, split_deep,
)

MAX_NESTING = 48  # CPython refuses more than 100 levels of indentation


def emit(program: Program) -> str:
    """Source of a Python module for ``program`` (see the module docstring for the contract).

    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> from symdistill.models import Tree
    >>> from symdistill.export.ir import build
    >>> dom = Domain.from_data(np.array([[0.0], [1.0]]), feature_names=["age"])
    >>> tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
    ...             children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
    ...             value=[[0.5, 0.5], [1, 0], [0, 1]])
    >>> namespace = {}
    >>> exec(emit(build(tree)), namespace)
    >>> namespace["predict"]([0.25]), namespace["predict"]([0.75])
    ('no', 'yes')
    """
    return _PyEmitter(program).render()


def _literal(value: object) -> str:
    """A pure-ASCII Python literal for a label or name."""
    return ascii(value)


def _tuple(values: Iterable[object]) -> str:
    """A tuple literal of pure-ASCII items (a trailing comma, so one item is a tuple too)."""
    return "(" + "".join(_literal(v) + ", " for v in values) + ")"


_ROW_HELPERS = '''
_CODES = tuple(None if labels is None else {label: code for code, label in enumerate(labels)}
               for labels in CATEGORIES)
# What _plain and _plain_encoded read rows by: the numeric features; each categorical feature's codes
# by label, for values that are not booleans and for booleans apart (True == 1, but encode refuses the
# one for the other); and its codes.
_NUMERIC = tuple(j for j, codes in enumerate(_CODES) if codes is None)
_LABELLED = tuple((j, {label: float(code) for label, code in codes.items()
                       if not isinstance(CATEGORIES[j][code], bool)},
                   {label: float(code) for label, code in codes.items() if isinstance(CATEGORIES[j][code], bool)})
                  for j, codes in enumerate(_CODES) if codes is not None)
_CODE_SETS = tuple((j, {float(code) for code in range(len(codes))})
                   for j, codes in enumerate(_CODES) if codes is not None)


def encode(x):
    """One row of feature values (categorical features as labels) -> floats (categories as codes)."""
    row = _row(x)
    z = []
    for j, v in enumerate(row):
        codes = _CODES[j]
        if codes is None:
            z.append(_number(j, v))
            continue
        try:
            code = codes[v]
        except (KeyError, TypeError):  # TypeError: an unhashable value (a list) is no category either
            labels = CATEGORIES[j]  # the first 10 shown, as the model's predict shows them: not 20,000 of a zip code
            raise ValueError("feature %r: unknown category %r; expected one of %r%s"
                             % (FEATURES[j], v, labels[:10], " ... (%d in all)" % len(labels) if len(labels) > 10
                                else "")) from None
        if _is_bool(v) != isinstance(CATEGORIES[j][code], bool):  # True == 1: predict refuses one for the other
            raise ValueError("feature %r: %r would read as the category %r; pass %s"
                             % (FEATURES[j], v, CATEGORIES[j][code],
                                "numbers, not booleans" if _is_bool(v) else "booleans, not numbers"))
        z.append(float(code))
    return z


def _row(x):
    """The values of one row, in feature order; text (its characters), a dict (its keys) and a set (no
    order) are no row, as the model's predict refuses them; nor is a 0-d array (one number)."""
    if isinstance(x, (str, bytes, bytearray, dict, set, frozenset)) or not hasattr(x, "__iter__") \\
            or getattr(x, "ndim", None) == 0:
        raise TypeError("a row must be a sequence of %d feature values (%s), got %s: %r"
                        % (len(FEATURES), ", ".join(FEATURES), type(x).__name__, x))
    row = list(x)
    if len(row) != len(FEATURES):
        raise ValueError("expected %d feature values (%s), got %d" % (len(FEATURES), ", ".join(FEATURES), len(row)))
    return row


def _is_bool(v):
    return isinstance(v, bool) or type(v).__name__ in ("bool", "bool_")  # a NumPy boolean too


def _number(j, v):
    if isinstance(v, (str, bytes, bytearray, memoryview)):  # float() reads '2.5', '1_0' (10.0): the model refuses text
        raise ValueError("feature %r: %r is not a number (text is not read as one)" % (FEATURES[j], v))
    try:
        return float(v)
    except (TypeError, ValueError):
        raise ValueError("feature %r: %r is not a number" % (FEATURES[j], v)) from None
    except OverflowError:  # an int past the largest double; repr of one past 4300 digits fails too
        raise ValueError("feature %r: an integer of %d bits is beyond the largest double"
                         % (FEATURES[j], v.bit_length())) from None


def predict(x):
    """Prediction for one row of feature values (categorical features as labels)."""
    row = _plain(x)
    if row is None:
        row = _checked(encode(x))
    return {result}


def predict_encoded(z):
    """Prediction for one encoded row (categorical features as category codes)."""
    row = _checked(z)
    return {result}


def _plain(x):
    """_checked(encode(x)) in one pass, for a list or tuple of floats, ints and labels (text, numbers or
    booleans) that these tests find good; None for any other row, which encode and _checked read (and refuse)."""
    if type(x) is not list and type(x) is not tuple or len(x) != len(FEATURES):
        return None
    z = list(x)
    try:
        for j in _NUMERIC:
            if type(z[j]) is not float:
                if type(z[j]) is not int and type(z[j]) is not bool:  # a NumPy number, text, ...: _number reads it
                    return None
                z[j] = float(z[j])  # OverflowError: past the largest double
        for j, codes, booleans in _LABELLED:
            t = type(z[j])
            if t is bool:
                z[j] = booleans[z[j]]  # KeyError: no boolean label of this feature's
            elif t is str or t is int or t is float:
                z[j] = codes[z[j]]  # KeyError: no label of this feature's but a boolean
            else:  # a NumPy value, None, a list, ...: encode reads it
                return None
    except (KeyError, OverflowError):
        return None
    s = sum(z)
    return z if s - s == 0.0 else None  # a NaN or an infinity (or a sum past the largest double): _checked


def _plain_encoded(z):
    """_checked(z) for a list or tuple of floats and ints that these tests find good; None for any other."""
    if type(z) is not list and type(z) is not tuple or len(z) != len(FEATURES):
        return None
    row = list(z)
    try:
        for j, v in enumerate(row):
            if type(v) is not float:
                if type(v) is not int:
                    return None
                row[j] = float(v)  # OverflowError: past the largest double
    except OverflowError:
        return None
    for j, codes in _CODE_SETS:
        if row[j] not in codes:
            return None
    s = sum(row)
    return row if s - s == 0.0 else None  # as in _plain


def _checked(z):
    """One encoded row as floats, refused where the model's predict_encoded refuses it."""
    row = _plain_encoded(z)
    if row is not None:
        return row
    row = [_number(j, v) for j, v in enumerate(_row(z))]
    for j, v in enumerate(row):
        if v - v != 0.0:  # NaN or infinite, as the model's predict refuses them
            raise ValueError("feature %r: %r is not a finite number" % (FEATURES[j], v))
        labels = CATEGORIES[j]
        if labels is not None and not (v == int(v) and 0 <= v < len(labels)):  # read as some category otherwise
            raise ValueError("feature %r: %r is no code of its %d categories (0..%d); predict takes the labels"
                             % (FEATURES[j], v, len(labels), len(labels) - 1))
    return row
'''

_PROBA_HELPERS = '''

def predict_proba(x):
    """Class probabilities for one row (categorical features as labels): a list in CLASSES order."""
    row = _plain(x)
    if row is None:
        row = _checked(encode(x))
    return _proba(row)


def predict_proba_encoded(z):
    """Class probabilities for one encoded row (categorical features as category codes)."""
    return _proba(_checked(z))'''

_WORD_HELPERS = '''
_INDEX = {symbol: i for i, symbol in enumerate(ALPHABET)}
_CHARACTERS = all(len(symbol) == 1 for symbol in ALPHABET)


def encode(word):
    """Symbol indices of a word: a string (one-character symbols) or a sequence of symbols."""
    if isinstance(word, (bytes, bytearray, set, frozenset, dict)) or not hasattr(word, "__iter__"):
        raise TypeError("a word must be a string or a sequence of symbols, got %s: %r" % (type(word).__name__, word))
    if isinstance(word, str) and word and not _CHARACTERS:
        raise TypeError("word %r is a string, but the alphabet has multi-character symbols; "
                        "pass a sequence of symbols" % (word,))
    codes = []
    for symbol in word:
        if not isinstance(symbol, str) or symbol not in _INDEX:
            raise ValueError("symbol %r is not in the alphabet %r" % (symbol, ALPHABET))
        codes.append(_INDEX[symbol])
    return codes


def run(word):
    """The state reached by a word."""
    state = INITIAL
    for code in encode(word):
        state = TRANSITIONS[state][code]
    return state


def predict(word):
    """The output label of a word."""
    return CLASSES[OUTPUTS[run(word)]]'''


# A linear classifier's probabilities from its scores, predict_proba's formulas (see the C emitter's
# ``_link_proba``): math.exp never overflows here (its argument is at most 0), a NaN score gives NaN.
_LINK_PROBA = {
    "logistic": '''

def _proba(x):
    s = _scores(x)[0]
    if s >= 0.0:
        p = 1.0 / (1.0 + math.exp(-s))
    else:
        e = math.exp(s)
        p = e / (1.0 + e)
    return [1.0 - p, p]''',
    "softmax": '''

def _proba(x):
    s = _scores(x)
    top = s[0]
    for v in s[1:]:
        if top == top and not v <= top:  # a NaN score stays the top, as in numpy's max
            top = v
    if top == float("inf"):
        e = [1.0 if v == top else 0.0 for v in s]
    else:
        e = [math.exp(v - top) for v in s]
    total = 0.0
    for v in e:
        total += v
    return [v / total for v in e]''',
}


class _PyEmitter(BodyEmitter):
    def __init__(self, program: Program) -> None:
        self.program = program
        self.parts: list[str] = []

    def render(self) -> str:
        prog = self.program
        body = prog.body
        note = concept_note(prog)
        doc = (f'"""Generated by symdistill {__version__} from a {prog.kind} model ({prog.task}).\n\n'
               + ("predict(word): a string of one-character symbols or a sequence of symbols from ALPHABET.\n"
                  if isinstance(body, Automaton) else
                  "predict(x): x is one row in FEATURES order, categorical features as labels (CATEGORIES);\n"
                  "predict_encoded(z): the same row with categorical features as codes (index in CATEGORIES[j]).\n")
               + ("predict_proba(x) / predict_proba_encoded(z): the class probabilities, a list in CLASSES order.\n"
                  if prog.has_proba else "")
               + ("" if note is None else f"{note}\n")
               + ("No dependencies (math, for exp).\n" if self._exp else "No imports, no dependencies.\n") + '"""')
        self.parts.append(doc)
        if self._exp:
            self.parts.append("import math")
        self._emit_body(body)
        if prog.has_proba:
            self.parts.append(_PROBA_HELPERS)
        return "\n".join(self.parts) + "\n"

    @property
    def _exp(self) -> bool:
        """Whether the module needs math.exp: a linear classifier's probabilities."""
        return self.program.has_proba and self.program.proba is None

    # -- models over feature rows ---------------------------------------------------------------
    def _tables(self) -> None:
        prog = self.program
        cats = ", ".join(_tuple(f.categories) if f.is_categorical else "None" for f in prog.features)
        self.parts.append(f"FEATURES = {_tuple(f.name for f in prog.features)}")
        self.parts.append(f"CATEGORIES = ({cats},)")
        self.parts.append(f"CLASSES = {_tuple(prog.classes)}")
        self.parts.append(f"TASK = {_literal(prog.task)}")
        result = "CLASSES[_output(row)]" if prog.is_classifier else "_output(row)"
        self.parts.append(_ROW_HELPERS.replace("{result}", result))

    def _test(self, lit: Literal) -> str:
        t = lit.test
        x = f"x[{t.feature}]"
        if isinstance(t, LessEq):
            return f"{x} {'>' if lit.negated else '<='} {exact_float(t.threshold)}"
        codes = "(" + "".join(exact_float(c) + ", " for c in t.codes) + ")"
        return f"{x} {'not in' if lit.negated else 'in'} {codes}"

    def _output(self, out: int | float) -> str:
        return str(int(out)) if self.program.is_classifier else exact_float(out)

    def _tree(self, root: Node, name: str = "_output", pieces_stem: str = "_piece") -> None:
        """``name(x)``, the output of the leaf row ``x`` reaches; deep trees cut into ``<pieces_stem>_<k>``."""
        pieces = split_deep(root, MAX_NESTING)
        for k, piece in enumerate(pieces):
            lines = [f"def {name if k == 0 else f'{pieces_stem}_{k}'}(x):"]
            self._node(piece, 1, lines, pieces_stem)
            self.parts.append("\n" + "\n".join(lines))

    def _node(self, node: Node | Jump, depth: int, lines: list[str], pieces_stem: str) -> None:
        pad = "    " * depth
        if isinstance(node, Jump):
            lines.append(f"{pad}return {pieces_stem}_{node.piece}(x)")
        elif isinstance(node, Leaf):
            lines.append(f"{pad}return {self._output(node.output)}")
        else:
            feature = self.program.features[node.test.feature].name
            lines.append(f"{pad}if {self._test(Literal(node.test))}:  # {_literal(feature)}")
            self._node(node.yes, depth + 1, lines, pieces_stem)
            lines.append(f"{pad}else:")
            self._node(node.no, depth + 1, lines, pieces_stem)

    def _decision_list(self, dl: DecisionList, name: str = "_output") -> None:
        lines = [f"def {name}(x):"]
        for rule in dl.rules:
            cond = " and ".join(f"({self._test(lit)})" for lit in rule.literals) or "True"
            lines.append(f"    if {cond}:")
            lines.append(f"        return {self._output(rule.output)}")
        if dl.default is None:
            raise ValueError("a decision list exported to Python needs a default output")
        lines.append(f"    return {self._output(dl.default)}")
        self.parts.append("\n" + "\n".join(lines))

    def _factor(self, f: Value | Indicator | Hinge) -> str:
        x = f"x[{f.feature}]"
        if isinstance(f, Value):
            return x
        if isinstance(f, Indicator):
            return f"(1.0 if {x} == {exact_float(f.code)} else 0.0)"
        diff = f"{x} - {exact_float(f.knot)}"
        return f"_relu({diff})" if f.direction == 1 else f"_relu(-({diff}))"

    def _linear(self, lin: LinearScores) -> None:
        if any(isinstance(f, Hinge) for term in lin.terms for f in term):
            self.parts.append("\ndef _relu(v):\n    return v if v > 0.0 else 0.0\n")
        lines = ["def _scores(x):"]
        names = []
        for r, row in enumerate(lin.coef):
            s, first = f"s{r}", True
            names.append(s)
            # Summed in term order, intercept last: the order of ``design @ coef.T + intercept``.
            for term, w in zip(lin.terms, row):
                if w == 0.0:
                    continue
                value = " * ".join(self._factor(f) for f in term)
                lines.append(f"    {s} {'=' if first else '+='} {exact_float(w)} * ({value})")
                first = False
            b = exact_float(lin.intercept[r])
            lines.append(f"    {s} = {b}" if first else f"    {s} += {b}")
        lines.append(f"    return [{', '.join(names)}]")
        self.parts.append("\n" + "\n".join(lines))
        if lin.link == "identity":
            out = "    return _scores(x)[0]"
        elif lin.link == "logistic":
            out = "    return 1 if _scores(x)[0] > 0.0 else 0"
        else:
            out = ("    s = _scores(x)\n    best = 0\n    for r in range(1, len(s)):\n"
                   "        if s[r] > s[best]:\n            best = r\n    return best")
        self.parts.append("\ndef _output(x):\n" + out)
        if lin.link != "identity":
            self.parts.append(_LINK_PROBA[lin.link])

    def _proba_table(self, proba: ProbaTable) -> None:
        """``PROBA``, a tuple of probability rows (exact doubles), and ``_proba_row(x)``, the number of the
        row that the walk of the index (the body's own tests) reaches."""
        rows = "".join("    (" + "".join(exact_float(v) + ", " for v in row) + "),\n" for row in proba.rows)
        self.parts.append(f"\nPROBA = (\n{rows})")
        if isinstance(proba.index, DecisionList):
            self._decision_list(proba.index, "_proba_row")
        else:
            self._tree(proba.index, "_proba_row", "_proba_piece")
        self.parts.append("\n\ndef _proba(x):\n    return list(PROBA[_proba_row(x)])")

    # -- automata --------------------------------------------------------------------------------
    def _automaton(self, a: Automaton) -> None:
        prog = self.program
        self.parts.append(f"ALPHABET = {_tuple(a.alphabet)}")
        self.parts.append(f"CLASSES = {_tuple(prog.classes)}")
        self.parts.append(f"INITIAL = {a.initial}")
        rows = "".join("    (" + "".join(f"{t}, " for t in row) + "),\n" for row in a.transitions)
        self.parts.append(f"TRANSITIONS = (\n{rows})")
        self.parts.append("OUTPUTS = (" + "".join(f"{o}, " for o in a.outputs) + ")")
        self.parts.append(_WORD_HELPERS)
        if a.acceptor:
            self.parts.append('\n\ndef accepts(word):\n    """True when the DFA accepts the word."""\n'
                              "    return OUTPUTS[run(word)] == 1")
