"""Constraints bound to a model: names resolved, labels turned into codes, negations pushed inward.

Binding turns the syntax tree of :mod:`~symdistill.verify.language` into a formula over the
*encoded* input (feature columns, category codes) and the model's output (class index or value),
in negation normal form. Every atom is a closed set of float values, which is exact because inputs
are floats: ``x < 18`` is ``x <= nextafter(18, -inf)``, so a range and its complement never share
a float and never leave a gap.

Atoms: ``FeatureRange`` (``lo <= x_j <= hi``), ``CategorySet`` (``x_j`` in a set of codes),
``ClassSet`` (the predicted class index in a set), ``ValueRange`` (a regressor's output in
``[lo, hi]``) and ``LinearAtom`` (a linear inequality over several features and the output).

>>> import numpy as np
>>> from symdistill.domain import Domain
>>> dom = Domain.from_data(np.array([[10.0, 1.5], [70.0, 3.0]]), feature_names=["age", "income"])
>>> f = bind_text("age < 18 -> prediction != 'yes'", dom, "classification", np.array(["no", "yes"]))
>>> Z = np.array([[12.0, 2.0], [40.0, 2.0]])
>>> evaluate(f, Z, np.array([1, 1])).tolist()
[False, True]
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np

from ..domain import Domain, Feature, is_bare_word
from . import language as L
from .language import ConstraintError

INF = math.inf


@dataclass(frozen=True)
class FeatureRange:
    j: int
    lo: float
    hi: float


@dataclass(frozen=True)
class CategorySet:
    j: int
    codes: frozenset[int]


@dataclass(frozen=True)
class ClassSet:
    classes: frozenset[int]


@dataclass(frozen=True)
class ValueRange:
    lo: float
    hi: float


@dataclass(frozen=True)
class LinearAtom:
    """``coef . x + pred_coef * prediction + const  op  0`` with op one of ``<=``, ``<``, ``==``."""

    coef: tuple[float, ...]
    pred_coef: float
    const: float
    op: str


@dataclass(frozen=True)
class BAnd:
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class BOr:
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class BConst:
    value: bool


Atom = Union[FeatureRange, CategorySet, ClassSet, ValueRange, LinearAtom]
Formula = Union[Atom, BAnd, BOr, BConst]


@contextmanager
def _backticks_named(text: str, domain: Domain) -> Iterator[None]:
    """Where ``text`` fails to parse or bind and writes a feature whose name needs backticks without
    them (adult's `capital-gain` read as ``capital - gain``), the error names that feature and says
    to quote it, rather than naming a part of it ("unknown feature 'capital'") or what it became."""
    try:
        yield
    except ConstraintError as e:
        found = unquoted_name(text, domain.feature_names)
        if found is None:
            word = _keyword_named(text, domain.feature_names)
            if word is None:
                raise
            # the bare word may be meant as the keyword: the error stands, and the feature is named
            raise type(e)(f"{e.message}; the feature named {word!r} is written `{word}`", text, e.position) from None
        raise type(e)(backticks_message(found[1]), text, found[0]) from None


def _keyword_named(text: str, names: list[str]) -> str | None:
    """A feature named ``prediction``, ``true`` or ``false`` that ``text`` writes bare, where the word is the
    keyword (the model's output, a boolean), or None. (A bare ``in`` or ``and`` standing for a feature is a
    syntax error that names the backticks already.)"""
    try:
        tokens = L.tokenize(text)
    except ConstraintError:
        return None
    return next((t.text for t in tokens if t.kind == "keyword" and t.text in ("prediction", "true", "false")
                 and t.text in names), None)


def backticks_message(name: str) -> str:
    """What to write for the feature ``name`` that a constraint wrote without the backticks it needs."""
    return (f"{name!r} is a feature: write its name between backticks, {Feature(name).display_name} (a bare "
            "name holds only ASCII letters, digits, '_' and '.')")


def unquoted_name(text: str, names: list[str]) -> tuple[int, str] | None:
    """The first place outside quotes where ``text`` writes out one of ``names`` that a bare name cannot
    spell (the longest first), and that name; None where there is none.

    >>> unquoted_name("`age` > 3 and capital-gain > 0", ["age", "capital-gain", "capital"])
    (14, 'capital-gain')
    """
    wanted = sorted(filter(_only_quoted, names), key=len, reverse=True)

    def word(c: str) -> bool:
        return c.isalnum() or c in "_."

    i = 0
    while wanted and i < len(text):
        if text[i] in "'\"`":
            try:
                i = L._read_quoted(text, i)[0]
            except ConstraintError:  # unterminated: the rest is quoted
                return None
            continue
        if i == 0 or not word(text[i - 1]):
            for n in wanted:
                end = i + len(n)
                if text.startswith(n, i) and (end == len(text) or not word(text[end])):
                    return i, n
        i += 1
    return None


def _only_quoted(name: str) -> bool:
    """Whether a constraint can write the feature ``name`` only between backticks, and some unquoted text
    spells it (not a word, not a number, no space at its ends)."""
    return bool(name) and name == name.strip() and not is_bare_word(name) and not L._WORD.fullmatch(name) \
        and not L._NUMBER.fullmatch(name)


def arithmetic_naming_a_feature(text: str, names: list[str]) -> tuple[int, str, str] | None:
    """The first place where ``text`` writes, as arithmetic, exactly the name of one of ``names`` that a
    bare name cannot spell (with features x and `x-1`, ``x-1`` reads as x minus 1, yet spells the
    feature), that name and the arithmetic spaced out; None where there is none. Inside ``{...}`` only
    literals stand, so a set of values is not searched.

    >>> arithmetic_naming_a_feature("`x-1` > 0 or x-1 > 0", ["x", "x-1"])
    (13, 'x-1', 'x - 1')
    """
    arithmetic = {"name", "number"}
    spelled = {}
    for n in filter(_only_quoted, names):
        try:
            tokens = L.tokenize(n)[:-1]
        except ConstraintError:
            continue
        operand = [t.kind in arithmetic or t.text == "prediction" for t in tokens]
        if any(operand) and all(o or t.text in ("+", "-", "*") for o, t in zip(operand, tokens)):  # not `-`
            spelled[n] = [t.text for t in tokens]
    if not spelled:
        return None
    try:
        tokens = L.tokenize(text)
    except ConstraintError:
        return None
    braces = 0
    for k, t in enumerate(tokens):
        braces += {"{": 1, "}": -1}.get(t.text, 0) if t.kind == "symbol" else 0
        if braces:
            continue
        for n, parts in sorted(spelled.items(), key=lambda item: -len(item[0])):
            run = tokens[k:k + len(parts)]
            if [u.text for u in run] == parts and text[t.pos:run[-1].pos + len(run[-1].text)] == n:
                spaced = " ".join(parts)
                return t.pos, n, spaced if spaced != n else "".join(parts)
    return None


def arithmetic_message(name: str, arithmetic: str) -> str:
    """What to write where a constraint's arithmetic spells the feature ``name`` (see
    :func:`arithmetic_naming_a_feature`)."""
    shown = Feature(name).display_name
    return (f"{name!r} here is both the feature {shown} and the arithmetic {arithmetic}: write {shown} for the "
            f"feature, or {arithmetic} for the arithmetic")


def _refuse_arithmetic_naming_a_feature(text: str, domain: Domain) -> None:
    found = arithmetic_naming_a_feature(text, domain.feature_names)
    if found is not None:
        raise ConstraintError(arithmetic_message(found[1], found[2]), text, found[0])


@dataclass(frozen=True)
class Target:
    """What ``prediction`` means for the model a constraint is bound to."""

    domain: Domain
    task: str
    classes: tuple = ()
    text: str = field(default="", compare=False)


def bind_text(text: str, domain: Domain, task: str, classes: Any = None, *, negate: bool = False) -> Formula:
    """Parse and bind ``text``; ``negate`` gives the formula of its violations."""
    labels = tuple(_py(c) for c in classes) if classes is not None else ()
    with _backticks_named(text, domain):
        formula = bind(L.parse(text), Target(domain, task, labels, text), negate=negate)
    _refuse_arithmetic_naming_a_feature(text, domain)  # after binding: every name it reads is a feature
    return formula


def bind_premises(text: str, domain: Domain, task: str, classes: Any = None) -> list[tuple[Formula, str, list[int]]]:
    """The premises of the implications ``text`` states at its top level (see
    :func:`~symdistill.verify.language.premises`), each bound (the inputs that meet it), with its text
    as written and the columns of the features it names, in order of first mention.

    >>> dom = Domain.from_data(np.array([[18.0, 1.5], [70.0, 3.0]]), feature_names=["age", "income"])
    >>> [(t, js) for _, t, js in bind_premises("age < 18 and age > income -> prediction == 1", dom, "regression")]
    [('age < 18 and age > income', [0, 1])]
    """
    labels = tuple(_py(c) for c in classes) if classes is not None else ()
    target = Target(domain, task, labels, text)
    out = []
    with _backticks_named(text, domain):
        premises = L.premises(L.parse(text), text)
    for node, written in premises:
        names: list[int] = []
        stack: list[Any] = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, L.Name):
                j = _feature(n, target)
                names += [] if j in names else [j]
            elif isinstance(n, (L.And, L.Or)):
                stack.extend(reversed(n.items))
            elif isinstance(n, (L.Compare, L.BinOp)):
                stack += [n.right, n.left]
            elif isinstance(n, (L.Not, L.Neg)):
                stack.append(n.operand)
            elif isinstance(n, L.Member):
                stack.append(n.expr)
            elif isinstance(n, L.Implies):
                stack += [n.right, n.left]
        out.append((bind(node, target), written, names))
    return out


def bind(node: L.Node, target: Target, *, negate: bool = False) -> Formula:
    """Bind a syntax tree to ``target``, in negation normal form (negated when ``negate``)."""
    if isinstance(node, L.Bool):
        return BConst(node.value != negate)
    if isinstance(node, L.Not):
        return bind(node.operand, target, negate=not negate)
    if isinstance(node, L.Implies):
        return bind(L.Or((L.Not(node.left), node.right)), target, negate=negate)
    if isinstance(node, (L.And, L.Or)):
        items = tuple(bind(n, target, negate=negate) for n in node.items)
        conj = isinstance(node, L.And) != negate
        return simplify(BAnd(items) if conj else BOr(items))
    if isinstance(node, L.Member):
        return _bind_member(node, target, negate)
    if isinstance(node, L.Compare):
        return _bind_compare(node, target, negate)
    raise TypeError(f"not a constraint node: {node!r}")  # pragma: no cover - parser output only


def simplify(f: Formula) -> Formula:
    """Flatten nested and/or and fold constants."""
    if isinstance(f, (BAnd, BOr)):
        is_and = isinstance(f, BAnd)
        out: list[Formula] = []
        for item in (simplify(i) for i in f.items):
            if isinstance(item, BConst):
                if item.value != is_and:  # false in an and, true in an or: decides it
                    return item
                continue
            if isinstance(item, type(f)):
                out.extend(item.items)
            else:
                out.append(item)
        if not out:
            return BConst(is_and)
        if len(out) == 1:
            return out[0]
        return BAnd(tuple(out)) if is_and else BOr(tuple(out))
    return f


# -- comparisons --------------------------------------------------------------------------------
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _refuse_a_label_column(left: L.Expr, right: L.Expr, target: Target) -> None:
    """A ConstraintError for a name that is no feature compared with a class of the model: the data's
    label column (adult's ``Salary == '>50K'``), which a constraint writes as ``prediction``; the list of
    features alone did not say so."""
    if target.task != "classification":
        return
    classes = {c for c in map(_py, target.classes) if isinstance(c, str)}
    for name, other in ((left, right), (right, left)):
        if isinstance(name, L.Name) and name.name not in target.domain.feature_names and \
                isinstance(other, L.String) and other.value in classes:
            raise ConstraintError(f"unknown feature {name.name!r}: {other.value!r} is a class of the model, whose "
                                  f"output a constraint names prediction: prediction == {other.value!r}",
                                  target.text, name.pos)


def _bind_compare(node: L.Compare, target: Target, negate: bool) -> Formula:
    op = _NEGATE[node.op] if negate else node.op
    left, right = node.left, node.right
    _refuse_a_label_column(left, right, target)
    if isinstance(left, L.Bool):  # `true == x` reads as `x == true`
        left, right, op = right, left, _FLIP[op]
    if isinstance(right, L.Bool) and not _is_label_side(left, target):
        right = _truth_number(left, right, target)
        if node.op not in ("==", "!="):
            raise ConstraintError(f"true and false have no order: use == or !=, not {node.op!r}", target.text,
                                  node.pos)
    if _is_label_side(right, target) and not _is_label_side(left, target):
        left, right, op = right, left, _FLIP[op]
    if _is_label_side(left, target) or isinstance(right, L.String):
        if not _is_label_side(left, target):
            bad = right if isinstance(right, L.String) else left
            other = left if bad is right else right
            _refuse_number_naming_a_feature(other, target, "not a feature")
            binary = isinstance(other, L.Name) and target.domain.features[_feature(other, target)].kind == "binary"
            raise ConstraintError("a string can only be compared with a categorical feature or a classifier's "
                                  "prediction" + (f"; {_kind_of(other, target)}: compare it with true or false"
                                                  if binary else ""), target.text, _pos(bad))
        value = _literal(right, target, left)
        if op not in ("==", "!="):
            if not _is_ordered(left, target):
                raise ConstraintError(f"{_describe(left, target)} is unordered: use ==, != or 'in', not "
                                      f"{node.op!r}", target.text, node.pos)
            # An ordered Categorical: its categories are kept in their declared order, codes follow it.
            j = _feature(left, target)
            k = _category_code(j, value, target)
            n = len(target.domain.features[j].categories)
            return CategorySet(j, frozenset(i for i in range(n) if _ORDER[op](i, k)))
        return _label_atom(left, [value], op == "!=", target)
    num = _number(right)
    if num is not None and isinstance(left, (L.Name, L.Prediction)) or (
            _number(left) is not None and isinstance(right, (L.Name, L.Prediction))):
        if num is None:
            left, right, op = right, left, _FLIP[op]
            num = _number(right)
        assert num is not None
        lo, hi, split = _interval(op, num)
        if isinstance(left, L.Prediction):
            return _ranges(lambda a, b: ValueRange(a, b), lo, hi, split)
        j = _feature(left, target)
        return _ranges(lambda a, b, j=j: FeatureRange(j, a, b), lo, hi, split)
    return _linear_atom(left, right, op, node.pos, target)


def _bind_member(node: L.Member, target: Target, negate: bool) -> Formula:
    expr = node.expr
    exclude = node.negated != negate
    if _is_label_side(expr, target):
        return _label_atom(expr, [_literal(v, target) for v in node.values], exclude, target)
    if not isinstance(expr, (L.Name, L.Prediction)):
        _refuse_number_naming_a_feature(expr, target, "not a feature")
        raise ConstraintError("'in' needs a feature or 'prediction' on its left", target.text, node.pos)
    nums = []
    for v in node.values:
        if isinstance(v, L.Bool):
            v = _truth_number(expr, v, target)
        if not isinstance(v, L.Number):
            raise ConstraintError(f"{_kind_of(expr, target)}: its set must hold numbers, got {v.value!r}",
                                  target.text, v.pos)
        nums.append(v.value)
    if isinstance(expr, L.Prediction):
        make: Any = lambda a, b: ValueRange(a, b)  # noqa: E731
    else:
        j = _feature(expr, target)
        make = lambda a, b: FeatureRange(j, a, b)  # noqa: E731
    if not exclude:
        return simplify(BOr(tuple(make(v, v) for v in sorted(set(nums)))))
    # Outside every point: the gaps between consecutive values.
    cuts = sorted(set(nums))
    pieces = [make(-INF, _prev(cuts[0]))]
    pieces += [make(_next(a), _prev(b)) for a, b in zip(cuts, cuts[1:]) if _next(a) <= _prev(b)]
    pieces.append(make(_next(cuts[-1]), INF))
    return simplify(BOr(tuple(pieces)))


def _label_atom(side: L.Expr, values: list[Any], exclude: bool, target: Target) -> Formula:
    if isinstance(side, L.Prediction):
        labels = target.classes
        codes = {_match(v, labels, "class", "the model's classes", target) for v in values}
        keep = frozenset(range(len(labels))) - codes if exclude else frozenset(codes)
        return ClassSet(keep)
    j = _feature(side, target)
    codes = {_category_code(j, v, target) for v in values}
    keep = frozenset(range(len(target.domain.features[j].categories))) - codes if exclude else frozenset(codes)
    return CategorySet(j, keep)


def _category_code(j: int, lit: L.Number | L.String | L.Bool, target: Target) -> int:
    feat = target.domain.features[j]
    return _match(lit, tuple(_py(c) for c in feat.categories), "category", f"categories of {feat.name!r}", target)


def _is_ordered(e: L.Expr, target: Target) -> bool:
    """Whether ``e`` is a feature read from an ordered pandas Categorical (``column_dtypes``)."""
    return isinstance(e, L.Name) and target.domain.is_ordered(_feature(e, target))


def _match(lit: L.Number | L.String | L.Bool, labels: tuple, what: str, where: str, target: Target) -> int:
    for i, lab in enumerate(labels):
        if isinstance(lit, L.Bool):  # true and false name the labels True and False only
            if isinstance(lab, bool) and lab == lit.value:
                return i
        elif isinstance(lab, str) == isinstance(lit, L.String) and lab == (lit.exact if isinstance(lit, L.Number)
                                                                          else lit.value):
            return i
    shown = ", ".join(repr(x) for x in labels[:12]) + (", ..." if len(labels) > 12 else "")
    hint = _meant(lit, labels)
    raise ConstraintError(f"unknown {what} {_show(lit)}{f' ({hint})' if hint else ''}; {where}: {shown}",
                          target.text, lit.pos)


def _meant(lit: L.Number | L.String | L.Bool, labels: tuple) -> str:
    """A hint naming the label an unknown ``lit`` probably means, or '': the shown list of labels
    stops at 12, and some near misses print alike (other Unicode code points, '1' and 1)."""
    import difflib
    import unicodedata

    texts = [lab for lab in labels if isinstance(lab, str)]
    if isinstance(lit, L.Bool):  # true is the label True; a class or category 'true' is a string
        word = "true" if lit.value else "false"
        same = [lab for lab in texts if lab.strip().casefold() == word]
        return f"did you mean {same[0]!r}? it is a string: quote it" if same else ""
    value = lit.value
    if isinstance(value, str):
        flags = [lab for lab in labels if isinstance(lab, bool) and value.strip().casefold() == str(lab).casefold()]
        if flags:
            return f"did you mean {flags[0]!r}? it is a boolean: write {str(flags[0]).lower()}, without quotes"
    if isinstance(value, float):
        written = {f"{value:g}", repr(value), str(lit.exact)}  # 100000000000000001 prints 1e+17 as a float
        same = [lab for lab in texts if lab.strip() in written]
        return f"did you mean {same[0]!r}? it is a string: quote it" if same else ""
    numbers = [lab for lab in labels if isinstance(lab, (int, float)) and not isinstance(lab, bool)
               and value.strip() in (str(lab), f"{lab:g}")]
    if numbers:
        return f"did you mean {numbers[0]!r}? it is a number: write it without quotes"
    nfc = unicodedata.normalize("NFC", value)
    for lab in texts:
        if unicodedata.normalize("NFC", lab) == nfc:
            return f"did you mean {ascii(lab)}? it is written {ascii(value)}, with other Unicode code points"
    close = [lab for lab in texts if lab.casefold() == value.casefold()] or \
        difflib.get_close_matches(value, texts, n=1)
    return f"did you mean {close[0]!r}?" if close else ""


def label_hint(value: Any, labels: Any) -> str:
    """" (did you mean ...)" for a label given as a value (a property's ``target=``) that is none of
    ``labels``, as the constraint language names the label an unknown one likely means, or ""."""
    if isinstance(value, (bool, np.bool_)):
        lit: L.Number | L.String | L.Bool = L.Bool(bool(value))
    elif isinstance(value, str):
        lit = L.String(value)
    elif isinstance(value, (int, np.integer)):
        lit = L.Number(float(value), 0, int(value))
    elif isinstance(value, (float, np.floating)):
        lit = L.Number(float(value))
    else:
        return ""
    hint = _meant(lit, tuple(_py(c) for c in labels))
    return f" ({hint})" if hint else ""


def _is_label_side(e: L.Expr, target: Target) -> bool:
    if isinstance(e, L.Prediction):
        return target.task == "classification"
    if isinstance(e, L.Name):
        return target.domain.features[_feature(e, target)].is_categorical
    return False


def _literal(e: L.Expr, target: Target, side: L.Expr | None = None) -> L.Number | L.String | L.Bool:
    """``e`` as a label; ``side``: what it is compared with, which the error names."""
    if isinstance(e, (L.Number, L.String, L.Bool)):
        return e
    if isinstance(e, L.Neg) and isinstance(e.operand, L.Number):
        return e.operand.negated()
    if side is None:
        raise ConstraintError("expected a label (a string or number) here", target.text, _pos(e))
    what = (f"feature {e.name!r}" if isinstance(e, L.Name) else "the prediction" if isinstance(e, L.Prediction)
            else "an expression")
    raise ConstraintError(f"{_describe(side, target)} compares with a label (a string or number), not with {what}",
                          target.text, _pos(e))


def _truth_number(side: L.Expr, b: L.Bool, target: Target) -> L.Number:
    """``true`` or ``false`` compared with ``side`` (not a label): a binary feature's 1 or 0."""
    if isinstance(side, L.Name) and target.domain.features[_feature(side, target)].kind == "binary":
        return L.Number(float(b.value), b.pos)
    raise ConstraintError(f"true and false compare with a binary feature or a label True or False; "
                          f"{_kind_of(side, target)}", target.text, b.pos)


def _kind_of(e: L.Expr, target: Target) -> str:
    """What a side that is not a label is, for messages: "feature 'age' is integer", ..."""
    if isinstance(e, L.Name):
        return f"feature {e.name!r} is {target.domain.features[_feature(e, target)].kind}"
    return "a regressor's prediction is a number" if isinstance(e, L.Prediction) else "not with an expression"


def _number(e: L.Expr) -> float | None:
    if isinstance(e, L.Number):
        return e.value
    if isinstance(e, L.Neg):
        inner = _number(e.operand)
        return None if inner is None else -inner
    return None


def _interval(op: str, v: float) -> tuple[float, float, bool]:
    """``x op v`` as the closed float range ``[lo, hi]``; ``split`` means "outside" (for !=)."""
    return {
        "<": (-INF, _prev(v), False), "<=": (-INF, v, False),
        ">": (_next(v), INF, False), ">=": (v, INF, False),
        "==": (v, v, False), "!=": (v, v, True),
    }[op]


def _ranges(make: Any, lo: float, hi: float, outside: bool) -> Formula:
    if not outside:
        return make(lo, hi)
    return BOr((make(-INF, _prev(lo)), make(_next(hi), INF)))


def _feature(e: L.Name, target: Target) -> int:
    names = target.domain.feature_names
    if e.name in names:
        return names.index(e.name)
    hint = _label_meant(e.name, target)
    if not hint and e.name.casefold() in ("true", "false"):  # Python's True
        hint = f"; did you mean {e.name.lower()}? booleans are written in lower case"
    hint = hint or meant_feature(e.name, names)
    if not hint and e.name.casefold() in ("nan", "inf", "infinity"):
        hint = "; numbers must be finite, and a bare word is a feature's name"
    # as constraints write them: a name holding ', ', a newline or nothing at all reads one way only
    shown = ", ".join(f.display_name for f in target.domain.features[:12]) + (", ..." if len(names) > 12 else "")
    raise ConstraintError(f"unknown feature {e.name!r}{hint} (features: {shown})", target.text, e.pos)


def _label_meant(name: str, target: Target) -> str:
    """"; did you mean the class 'approve'? ..." for an unknown feature ``name`` that is a class or a
    category written without quotes (in its case or another): a tree prints its leaves bare
    (``-> approve``), so ``prediction == approve`` is what a user writes; else ""."""
    labels = [(c, f"the class {c!r}") for c in target.classes if target.task == "classification"]
    labels += [(c, f"the category {c!r} of {f.display_name}") for f in target.domain.features
               if f.is_categorical for c in map(_py, f.categories)]
    texts = [(lab, meant) for lab, meant in labels if isinstance(lab, str)]
    same = [m for lab, m in texts if lab == name] or [m for lab, m in texts if lab.casefold() == name.casefold()]
    return f"; did you mean {same[0]}? it is a string: quote it" if same else ""


def meant_feature(name: str, names: list[str]) -> str:
    """"; did you mean 'age'?" for an unknown feature ``name`` close to one of ``names`` (in other case,
    or a letter off), else ""."""
    import difflib

    close = [n for n in names if n.casefold() == name.casefold()] or difflib.get_close_matches(name, names, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def feature_index(domain: Domain, name: Any, where: str) -> int:
    """The column of the feature a property (``where``: "monotonic", ...) names (or its position), or a
    ``DataError`` naming the property, the feature meant and the features."""
    from .._errors import DataError

    if isinstance(name, (int, np.integer)) and not isinstance(name, bool):
        try:
            return domain.index(name)  # a column by position, as Domain.index reads it
        except DataError as exc:
            raise DataError(f"{where}: {exc}") from None
    names = domain.feature_names
    if name in names:
        return names.index(name)
    raise DataError(f"{where}: unknown feature {name!r}{meant_feature(str(name), names)} (features: "
                    f"{', '.join(map(repr, names[:12]))}{', ...' if len(names) > 12 else ''})")


def _linear_atom(left: L.Expr, right: L.Expr, op: str, pos: int, target: Target) -> Formula:
    _refuse_numbers_naming_features(left, right, target)
    d = target.domain.n_features
    lc, lp, lk = _linear(left, target, d)
    rc, rp, rk = _linear(right, target, d)
    with np.errstate(over="ignore", invalid="ignore"):
        coef = lc - rc
        pc, const = lp - rp, lk - rk
    _check_finite((coef, pc, const), pos, target)
    if op in (">", ">="):
        coef, pc, const, op = -coef, -pc, -const, "<" if op == ">" else "<="
    if op == "!=":
        return BOr((LinearAtom(tuple(coef), pc, const, "<"), LinearAtom(tuple(-coef), -pc, -const, "<")))
    if not np.any(coef) and pc == 0:
        return BConst(bool({"<": const < 0, "<=": const <= 0, "==": const == 0}[op]))
    return LinearAtom(tuple(float(c) for c in coef), float(pc), float(const), op)


def _refuse_numbers_naming_features(left: L.Expr, right: L.Expr, target: Target) -> None:
    """A comparison of numbers alone (``2 > 100``, a constant) whose number is a feature's name: the
    feature 2 of ``pd.DataFrame(X)`` is written `` `2` ``; bare, it is the number, and a constraint
    meant about it would be proven of a constant instead."""
    leaves, stack = [], [left, right]
    while stack:
        e = stack.pop()
        if isinstance(e, L.BinOp):
            stack += [e.left, e.right]
        elif isinstance(e, L.Neg):
            stack.append(e.operand)
        else:
            leaves.append(e)
    if all(isinstance(e, L.Number) for e in leaves):
        for e in sorted(leaves, key=lambda e: e.pos):  # the first, as written
            _refuse_number_naming_a_feature(e, target, "so this compares numbers only")


def _refuse_number_naming_a_feature(e: L.Expr, target: Target, why: str) -> None:
    if not isinstance(e, L.Number):
        return
    # A DataFrame's column labelled 1.5 or 1000.0 is the feature '1.5' or '1000.0': the number of its value,
    # however written (1000, 1e3), is taken for it, as 0 is for the column labelled 0.
    value = abs(e.exact)
    name = next((n for n in target.domain.feature_names
                 if L._NUMBER.fullmatch(n) and (int(n) if n.isdigit() else float(n)) == value), None)
    if name is not None:
        written = L._NUMBER.match(target.text, e.pos)
        shown = written.group(0) if written else name
        raise ConstraintError(f"{shown} here is the number {shown}, {why}; the feature named {name!r} is written "
                              f"between backticks: `{name}`", target.text, e.pos)


def _linear(e: L.Expr, target: Target, d: int) -> tuple[np.ndarray, float, float]:
    """(feature coefficients, prediction coefficient, constant) of a linear expression.

    A chain ``a + b - c * 2 ...`` is a left-leaning tree as deep as it is long: its left spine is
    walked in a loop, so only parentheses and signs (limited by the parser) recurse."""
    spine: list[L.BinOp] = []
    while isinstance(e, L.BinOp):
        spine.append(e)
        e = e.left
    acc = _linear_leaf(e, target, d)
    for node in reversed(spine):
        a, b = acc, _linear(node.right, target, d)
        a_const = not np.any(a[0]) and a[1] == 0
        b_const = not np.any(b[0]) and b[1] == 0
        with np.errstate(over="ignore", invalid="ignore"):
            if node.op == "+":
                acc = a[0] + b[0], a[1] + b[1], a[2] + b[2]
            elif node.op == "-":
                acc = a[0] - b[0], a[1] - b[1], a[2] - b[2]
            else:
                if not (a_const or b_const):
                    raise ConstraintError("only linear arithmetic is supported: one side of '*' must be a number",
                                          target.text, node.pos)
                k, (c, p, q) = (a[2], b) if a_const else (b[2], a)
                acc = c * k, p * k, q * k
        shown = f" ({a[2]:g} {node.op} {b[2]:g} = {acc[2]:g})" if a_const and b_const else ""
        _check_finite(acc, node.pos, target, shown)
    return acc


def _linear_leaf(e: L.Expr, target: Target, d: int) -> tuple[np.ndarray, float, float]:
    if isinstance(e, L.Number):
        return np.zeros(d), 0.0, e.value
    if isinstance(e, L.Name):
        j = _feature(e, target)
        if target.domain.features[j].is_categorical:
            if _is_ordered(e, target):
                raise ConstraintError(f"ordered categorical feature {e.name!r} cannot be used in arithmetic; "
                                      "compare it with one of its categories", target.text, e.pos)
            raise ConstraintError(f"categorical feature {e.name!r} cannot be used in arithmetic or ordered "
                                  "comparisons; use ==, != or 'in'", target.text, e.pos)
        c = np.zeros(d)
        c[j] = 1.0
        return c, 0.0, 0.0
    if isinstance(e, L.Prediction):
        if target.task == "classification":
            raise ConstraintError("a classifier's prediction is a label: compare it with ==, != or 'in'",
                                  target.text, e.pos)
        return np.zeros(d), 1.0, 0.0
    if isinstance(e, L.Neg):
        c, p, k = _linear(e.operand, target, d)
        return -c, -p, -k
    if isinstance(e, L.Bool):
        raise ConstraintError("true and false cannot be used in arithmetic; compare a binary feature with them "
                              "by == or !=", target.text, e.pos)
    raise ConstraintError(f"a string cannot be used in arithmetic: {_show(e)}", target.text, _pos(e))


def _check_finite(result: tuple[np.ndarray, float, float], pos: int, target: Target, shown: str = "") -> None:
    """Arithmetic that leaves the floats (``1e308 * 10``) is an error, not an infinite bound."""
    c, p, k = result
    if np.all(np.isfinite(c)) and math.isfinite(p) and math.isfinite(k):
        return
    raise L.ConstraintSyntaxError(f"the arithmetic at position {pos} is not a finite number{shown}: "
                                  "numbers must stay within the range of a float (about 1.8e308)", target.text, pos)


# -- evaluation on concrete rows ----------------------------------------------------------------
def evaluate(f: Formula, Z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Truth of ``f`` on encoded rows ``Z`` whose model outputs are ``out`` (class indices or values)."""
    n = len(Z)
    if isinstance(f, BConst):
        return np.full(n, f.value)
    if isinstance(f, BAnd):
        return np.logical_and.reduce([evaluate(i, Z, out) for i in f.items])
    if isinstance(f, BOr):
        return np.logical_or.reduce([evaluate(i, Z, out) for i in f.items])
    if isinstance(f, FeatureRange):
        return (Z[:, f.j] >= f.lo) & (Z[:, f.j] <= f.hi)
    if isinstance(f, CategorySet):
        return np.isin(Z[:, f.j], list(f.codes))
    if isinstance(f, ClassSet):
        return np.isin(out, list(f.classes))
    if isinstance(f, ValueRange):
        return (out >= f.lo) & (out <= f.hi)
    # Sums past the largest double are +-inf, as predict's own (a constraint's 1e300*x at x = 1e300 is
    # decided there, see verify's exactness notes): no overflow warning for what is meant.
    with np.errstate(over="ignore"):
        s = Z @ np.asarray(f.coef) + f.pred_coef * np.asarray(out, dtype=float) + f.const
    return {"<": s < 0, "<=": s <= 0, "==": s == 0}[f.op]


# -- disjunctive normal form (for region-by-region checking) ------------------------------------
@dataclass
class Conj:
    """A conjunction of atoms: per-feature closed ranges, category sets, an output condition."""

    lo: np.ndarray
    hi: np.ndarray
    cats: dict[int, frozenset[int]]
    classes: frozenset[int] | None = None
    value: tuple[float, float] = (-INF, INF)
    linear: tuple[LinearAtom, ...] = ()

    def empty(self) -> bool:
        return (bool(np.any(self.lo > self.hi)) or any(not c for c in self.cats.values())
                or (self.classes is not None and not self.classes) or self.value[0] > self.value[1])

    def meet(self, other: Conj) -> Conj:
        cats = dict(self.cats)
        for j, c in other.cats.items():
            cats[j] = cats[j] & c if j in cats else c
        classes = other.classes if self.classes is None else (
            self.classes if other.classes is None else self.classes & other.classes)
        value = (max(self.value[0], other.value[0]), min(self.value[1], other.value[1]))
        return Conj(np.maximum(self.lo, other.lo), np.minimum(self.hi, other.hi), cats, classes, value,
                    self.linear + other.linear)


class TooLarge(ValueError):
    """The formula's disjunctive normal form exceeds the direct checker's limit."""


def to_dnf(f: Formula, d: int, limit: int = 4096) -> list[Conj]:
    """Disjuncts of ``f`` (empty ones dropped); raises ``TooLarge`` beyond ``limit`` of them."""
    def top() -> Conj:
        return Conj(np.full(d, -INF), np.full(d, INF), {})

    def go(g: Formula) -> list[Conj]:
        if isinstance(g, BConst):
            return [top()] if g.value else []
        if isinstance(g, BOr):
            out = [c for item in g.items for c in go(item)]
        elif isinstance(g, BAnd):
            out = [top()]
            for item in g.items:
                parts = go(item)
                out = [c for a in out for b in parts if not (c := a.meet(b)).empty()]
                if len(out) > limit:
                    raise TooLarge(f"the constraint expands to more than {limit} cases")
        else:
            c = top()
            if isinstance(g, FeatureRange):
                c.lo[g.j], c.hi[g.j] = g.lo, g.hi
            elif isinstance(g, CategorySet):
                c.cats[g.j] = g.codes
            elif isinstance(g, ClassSet):
                c.classes = g.classes
            elif isinstance(g, ValueRange):
                c.value = (g.lo, g.hi)
            else:
                c.linear = (g,)
            out = [] if c.empty() else [c]
        if len(out) > limit:
            raise TooLarge(f"the constraint expands to more than {limit} cases")
        return out

    return go(simplify(f))


def has_linear(f: Formula) -> bool:
    if isinstance(f, (BAnd, BOr)):
        return any(has_linear(i) for i in f.items)
    return isinstance(f, LinearAtom)


# -- helpers ------------------------------------------------------------------------------------
def _prev(v: float) -> float:
    with np.errstate(over="ignore"):  # below -1.7976931348623157e308: -inf, and no value is there
        return float(np.nextafter(v, -INF))


def _next(v: float) -> float:
    with np.errstate(over="ignore"):
        return float(np.nextafter(v, INF))


def _py(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _pos(e: Any) -> int | None:
    return getattr(e, "pos", None)


def _show(e: Any) -> str:
    if isinstance(e, L.Bool):
        return "true" if e.value else "false"
    if isinstance(e, L.String):
        return repr(e.value)
    if isinstance(e, L.Number):
        return f"{e.value:g}" if e.integer is None else str(e.integer)
    return type(e).__name__


def _describe(e: L.Expr, target: Target) -> str:
    if isinstance(e, L.Prediction):
        return "a classifier's prediction"
    if isinstance(e, L.Name):
        return f"categorical feature {e.name!r}"
    return "this expression"

