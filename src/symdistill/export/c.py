"""C99 emitter: one self-contained source file, no allocation, recursion or I/O.

The file has a declarations section (macros and prototypes, guarded so it can be included twice,
with C linkage under C++) and an implementation section; define ``<PREFIX>_DECLARATIONS_ONLY`` before ``#include``-ing the
file to use it as a header. Entry points (``prefix`` defaults to ``symdistill``):

* classifiers over feature rows: ``int <prefix>_predict(const double *x)`` returns the class index
  (into ``<prefix>_class_names``);
* regressors: ``double <prefix>_predict_value(const double *x)``;
* for both, a batch entry point over ``n`` rows stored one after another (row-major,
  ``<PREFIX>_N_FEATURES`` numbers per row): ``void <prefix>_predict_batch(const double *rows,
  size_t n, int *out)`` / ``void <prefix>_predict_value_batch(const double *rows, size_t n,
  double *out)``, answering exactly what the one-row function answers for each row. For a tree
  whose tests are all numeric and at most ``BATCH_TABLE_DEPTH`` deep it walks node tables for
  blocks of rows, level by level and without data-dependent branches (a stream of new rows then
  costs no branch mispredictions): up to ``HEAP_DEPTH`` deep the tree padded to its full depth as a
  heap (no table of children to read), deeper a table of each node's children; otherwise it calls
  the one-row function per row. Define
  ``<PREFIX>_NO_BATCH`` to leave the batch entry point and its tables out (smallest object);
* classifiers over feature rows: ``void <prefix>_predict_proba(const double *x, double *out)`` writes
  ``<PREFIX>_N_CLASSES`` class probabilities, ``predict_proba``'s: a tree's and a rule set's are a
  static table of exact doubles, the row reached by the body's own tests; a linear model's are
  computed from its scores with ``predict_proba``'s formulas, calling ``exp`` (link with ``-lm``;
  libm's ``exp`` may round an ulp apart from NumPy's). Define ``<PREFIX>_NO_PROBA`` to leave it out;
* automata: ``int <prefix>_step(int state, int symbol)`` and
  ``int <prefix>_predict(const int *word, size_t length)`` (symbols are indices into
  ``<prefix>_symbols``; the result is a class index, or -1 for a symbol or state out of range);
  a DFA also has ``int <prefix>_accepts(const int *word, size_t length)`` (1, 0 or -1).

``x`` holds the encoded features in the model's order: numbers as they are, a categorical feature
as its category code (the index of its label in ``<prefix>_feature_categories[j]``); a test over
more than ``MAX_CHAIN`` codes looks the code up in a static bit table, and a linear model sums a run
of more than ``MAX_ONE_HOT`` one-hot terms of one feature in a loop over a static table. Thresholds and
values are written with 17 significant digits at most but always as the exact double (shortest
round-trip text, cast to double where that decimal is not the double itself: see ``c_number``),
so the compiled code agrees with ``predict`` bit for bit, on thresholds too.
Every user-provided name becomes an escaped string constant (octal escapes for anything but
printable ASCII; ``?`` escaped against trigraphs; a name holding a NUL character, which would end
the string, is refused); comments carry names only in a JSON-escaped form
without ``/`` or ``?`` (so no ``*/``, ``/*`` or trigraph).
"""

from __future__ import annotations

import json
from fractions import Fraction

from .._version import __version__
from ._text import check_identifier, concept_note, exact_float, label_texts
from .ir import (
    Automaton, BodyEmitter, Branch, DecisionList, Hinge, Indicator, Jump, Leaf, LessEq, LinearScores, Literal,
    Node, ProbaTable, Program, Value, split_deep, tree_depth,
)

MAX_NESTING = 48  # levels of nested ``if`` per function; C99 promises 127 nested blocks
BATCH_TABLE_DEPTH = 32  # deeper trees: every row would walk the full depth, the one-row code is faster
MAX_LITERAL = 4095  # bytes in one string literal that C99 compilers must accept
BATCH_BLOCK = 256  # rows walked together; their node indices live in a local array
HEAP_DEPTH = 10  # trees this shallow walk a full-depth heap: 2**depth slots, about 10 KB of tables at 10
HEAP_UNROLL = 4  # rows a full-depth walk steps together in its inner loop
MAX_CHAIN = 16  # codes a categorical test compares one by one; more are looked up in a bit table
MAX_ONE_HOT = 16  # one-hot terms of a feature a linear model adds statement by statement; more loop over a table


def c_string(text: str) -> str:
    """A C string literal holding ``text`` (UTF-8) that no content can break out of.

    >>> print(c_string('a"b\\\\c?? */\\n\u00e9'))
    "a\\"b\\\\c\\?\\? */\\012\\303\\251"
    """
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def c_number(x: float) -> str:
    """``x`` as a C expression of type double that is exactly ``x`` however the compiler evaluates
    floating constants: the shortest decimal, cast to double unless that decimal is ``x`` itself.
    Where doubles are computed in wider registers (FLT_EVAL_METHOD 2: the x87 unit of 32-bit x86) a
    constant such as ``0.1`` is read to long double precision, and ``x <= 0.1`` then failed for
    ``x`` == 0.1 (the double), a row exactly on the threshold.

    >>> c_number(0.5), c_number(0.1), c_number(-3), c_number(1e300)
    ('0.5', '(double)0.1', '-3.0', '(double)1e+300')
    """
    text = exact_float(x)
    return text if Fraction(text) == Fraction(float(x)) else f"(double){text}"


def c_comment(text: str) -> str:
    """``text`` as safe comment content: JSON-escaped, ASCII, with no ``/`` (so neither ``*/`` nor
    ``/*``) and no ``?`` (so no trigraph).

    >>> print(c_comment('x */ y?? \\n'))
    "x *\\u002f y\\u003f\\u003f \\n"
    """
    return json.dumps(text, ensure_ascii=True).replace("/", "\\u002f").replace("?", "\\u003f")


def emit(program: Program, *, prefix: str = "symdistill") -> str:
    """C99 source for ``program`` (see the module docstring for the contract).

    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> from symdistill.models import Tree
    >>> from symdistill.export.ir import build
    >>> dom = Domain.from_data(np.array([[0.0], [1.0]]), feature_names=["age"])
    >>> tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
    ...             children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
    ...             value=[[0.5, 0.5], [1, 0], [0, 1]])
    >>> source = emit(build(tree), prefix="age_model")
    >>> "int age_model_predict(const double *x)" in source and "if (x[0] <= 0.5) {" in source
    True
    """
    p = check_identifier(prefix, "prefix")
    return _CEmitter(program, p).render()


class _CEmitter(BodyEmitter):
    def __init__(self, program: Program, prefix: str) -> None:
        self.program = program
        self.p = prefix
        self.P = prefix.upper()
        self.decl: list[str] = []
        self.impl: list[str] = []
        self._long_strings = 0
        self._one_hot_tables = 0
        self._code_sets: dict[tuple[int, ...], str] = {}

    # -- layout --------------------------------------------------------------------------------
    def render(self) -> str:
        prog = self.program
        body = prog.body
        self._emit_body(body)
        guard = f"{self.P}_MODEL_DECLARED"
        note = concept_note(prog)
        # the file alone says why a build that linked before now fails with "undefined reference to `exp'"
        libm = (f"\n * {self.p}_predict_proba calls exp: link with -lm, or define {self.P}_NO_PROBA to leave it out."
                if prog.has_proba and prog.proba is None else "")
        head = [
            f"/* Generated by symdistill {__version__} from a {prog.kind} model ({prog.task}).",
            " * C99; no allocation, recursion or I/O. Define " + f"{self.P}_DECLARATIONS_ONLY before including this",
            " * file to use it as a header." + libm + ("" if note is None else f"\n * {note}") + " */",
            f"#ifndef {guard}",
            f"#define {guard}",
        ]
        head.append("#include <stddef.h>")
        # C linkage for a C++ program that includes the file as a header and links gcc's object of it
        cpp = (["#ifdef __cplusplus", 'extern "C" {', "#endif"], ["#ifdef __cplusplus", "}", "#endif"])
        return "\n".join(head + cpp[0] + self.decl + cpp[1] + ["#endif", "", f"#ifndef {self.P}_DECLARATIONS_ONLY"]
                         + self.impl + [f"#endif /* {self.P}_DECLARATIONS_ONLY */", ""])

    def _string(self, text: str) -> str:
        """A C expression for ``text``: a string literal, or, past the 4,095 bytes a C99 compiler must
        accept in one literal, the name of a ``char`` array holding it."""
        if "\0" in text:
            raise ValueError(f"cannot write {text!r} as a C string: a NUL character ends a C string, so the "
                             "name would read cut short; rename it to export to C")
        data = text.encode("utf-8")
        if len(data) <= MAX_LITERAL:
            return c_string(text)
        self._long_strings += 1
        name = f"{self.p}_long_text_{self._long_strings}"
        body = ",".join(f"'\\{b:03o}'" for b in data)  # octal character constants fit any char
        self.impl.append(f"static const char {name}[{len(data) + 1}] = {{{body},0}};")
        return name

    def _string_table(self, name: str, size_macro: str, texts: list[str]) -> None:
        self.decl.append(f"extern const char *const {self.p}_{name}[{size_macro}];")
        rows = ",\n".join(f"    {self._string(t)}" for t in texts)
        self.impl.append(f"const char *const {self.p}_{name}[{size_macro}] = {{\n{rows}\n}};")

    def _class_table(self) -> None:
        prog = self.program
        if not prog.is_classifier:
            return
        self.decl.append(f"#define {self.P}_N_CLASSES {len(prog.classes)}")
        self._string_table("class_names", f"{self.P}_N_CLASSES", label_texts(prog.classes, "class labels", "C"))

    def _tables(self) -> None:
        prog = self.program
        self.decl.append(f"#define {self.P}_N_FEATURES {prog.n_features}")
        self._string_table("feature_names", f"{self.P}_N_FEATURES", [f.name for f in prog.features])
        self._class_table()
        if not any(f.is_categorical for f in prog.features):
            return
        # Category labels, so a caller can turn a label into its code: code = index in this table.
        self.decl.append(f"extern const int {self.p}_n_categories[{self.P}_N_FEATURES];")
        self.decl.append(f"extern const char *const *const {self.p}_feature_categories[{self.P}_N_FEATURES];")
        refs = []
        for j, f in enumerate(prog.features):
            if not f.is_categorical:
                refs.append("0")
                continue
            rows = ",\n".join(f"    {self._string(t)}"
                               for t in label_texts(f.categories, f"categories of {f.name!r}", "C"))
            self.impl.append(f"static const char *const {self.p}_categories_{j}[{len(f.categories)}] = {{\n{rows}\n}};")
            refs.append(f"{self.p}_categories_{j}")
        counts = ", ".join(str(len(f.categories)) for f in prog.features)
        self.impl.append(f"const int {self.p}_n_categories[{self.P}_N_FEATURES] = {{{counts}}};")
        self.impl.append(f"const char *const *const {self.p}_feature_categories[{self.P}_N_FEATURES] = "
                         f"{{{', '.join(refs)}}};")

    def _signature(self) -> tuple[str, str]:
        if self.program.is_classifier:
            return "int", f"{self.p}_predict"
        return "double", f"{self.p}_predict_value"

    def _batch_head(self) -> str:
        rtype, name = self._signature()
        head = f"void {name}_batch(const double *rows, size_t n, {rtype} *out)"
        self.decl += [f"#ifndef {self.P}_NO_BATCH", head + ";", "#endif"]
        return head

    def _batch_by_rows(self) -> None:
        """The batch entry point as a loop over the one-row function."""
        _, name = self._signature()
        self.impl.append("\n".join([
            f"#ifndef {self.P}_NO_BATCH", self._batch_head(), "{", "    size_t i;",
            f"    for (i = 0; i < n; ++i) out[i] = {name}(rows + i * {self.P}_N_FEATURES);", "}", "#endif"]))

    # -- expressions ---------------------------------------------------------------------------
    def _feature(self, j: int) -> str:
        return f"x[{j}]"

    def _test(self, lit: Literal) -> str:
        t = lit.test
        if isinstance(t, LessEq):
            op = ">" if lit.negated else "<="
            return f"{self._feature(t.feature)} {op} {c_number(t.threshold)}"
        if not t.codes:
            return "1" if lit.negated else "0"
        x = self._feature(t.feature)
        if len(t.codes) > MAX_CHAIN:
            hit = self._code_set(x, t.codes)
            return f"!{hit}" if lit.negated else hit
        if lit.negated:
            return " && ".join(f"{x} != {exact_float(c)}" for c in t.codes)
        return " || ".join(f"{x} == {exact_float(c)}" for c in t.codes)

    def _code_set(self, x: str, codes: tuple[int, ...]) -> str:
        """``x`` is one of ``codes`` (whole numbers >= 0), looked up in a static bit table: true exactly
        where the chain ``x == c0 || x == c1 || ...`` is (never for NaN, a fraction or a number out of
        range), without a chain that compilers take time quadratic in its length to compile."""
        name = self._code_sets.get(codes)
        if name is None:
            name = self._code_sets[codes] = f"{self.p}_code_set_{len(self._code_sets) + 1}"
            bits = bytearray(max(codes) // 8 + 1)
            for c in codes:
                bits[c // 8] |= 1 << (c % 8)
            self.impl.append(f"static const unsigned char {name}[{len(bits)}] = {{{', '.join(map(str, bits))}}};")
        return (f"({x} >= 0.0 && {x} <= {exact_float(max(codes))} && {x} == (double)(long){x} && "
                f"({name}[(long){x} / 8] >> ((long){x} % 8) & 1))")

    def _output(self, out: int | float) -> str:
        return str(int(out)) if self.program.is_classifier else c_number(out)

    def _name_comment(self, lit: Literal) -> str:
        return f" /* {c_comment(self.program.features[lit.test.feature].name)} */"

    # -- trees ---------------------------------------------------------------------------------
    def _tree(self, root: Node) -> None:
        rtype, name = self._signature()
        self.decl.append(f"{rtype} {name}(const double *x);")
        self._walk(root, f"{rtype} {name}", f"{self.p}_piece")
        if isinstance(root, Leaf) or tree_depth(root) > BATCH_TABLE_DEPTH or not _all_numeric(root):
            self._batch_by_rows()
        elif tree_depth(root) <= HEAP_DEPTH:
            self._batch_heap(root)
        else:
            self._batch_tables(root)

    def _walk(self, root: Node, head: str, pieces_stem: str) -> None:
        """The function ``head`` (its type and name) that walks ``root`` and returns the output of the
        leaf a row reaches, deep trees cut into static functions ``<pieces_stem>_<k>``."""
        pieces = split_deep(root, MAX_NESTING)
        rtype = head.split()[-2]
        for k in range(1, len(pieces)):
            self.impl.append(f"static {rtype} {pieces_stem}_{k}(const double *x);")
        for k, piece in enumerate(pieces):
            lines: list[str] = []
            self._node(piece, 1, lines, pieces_stem)
            self.impl.append(_function((head if k == 0 else f"static {rtype} {pieces_stem}_{k}") + "(const double *x)",
                                       lines))

    def _batch_heap(self, root: Branch) -> None:
        """Batch prediction over the tree padded to its full depth and laid out as a heap: node ``j``'s
        children are ``2j + 1`` (``x <= t``) and ``2j + 2`` (``!(x <= t)``, as the one-row code's
        ``else``, NaN included), so a step is ``j = 2j + 1 + !(x <= t)`` with no table of children to
        read, and the inner loop steps ``HEAP_UNROLL`` rows at once: on the edge benchmark (depth 9)
        4.4 ns a row where the children table took 5.8 (unrolled, 6.6). A leaf above the last level
        becomes a subtree whose tests (feature 0 <= 0.0) lead, whichever way they fall, to a copy of
        it, so every row takes ``depth`` steps to a slot of the leaf table. The tables grow as
        ``2**depth`` whatever the tree's size, hence only up to ``HEAP_DEPTH`` (about 10 KB), for the
        object's size, not its speed: on random trees of depth 12 and 16 the heap walked a row in 5.7
        and 7.8 ns, the children table in 7.8 and 10.4, but with 40 KB and 640 KB of tables where the
        children table takes a few KB; deeper trees walk :meth:`_batch_tables`."""
        p, P = self.p, self.P
        depth = tree_depth(root)
        n_int = 2 ** depth - 1
        feats, thresholds = ["0"] * n_int, ["0.0"] * n_int
        leaves: list[str] = [""] * (n_int + 1)
        stack: list[tuple[Node, int, int]] = [(root, 0, 0)]
        while stack:
            node, slot, level = stack.pop()
            if level == depth:
                leaves[slot - n_int] = self._output(node.output)  # type: ignore[union-attr]
                continue
            if isinstance(node, Branch):
                feats[slot] = str(node.test.feature)  # type: ignore[union-attr]
                thresholds[slot] = c_number(node.test.threshold)  # type: ignore[union-attr]
                stack += [(node.yes, 2 * slot + 1, level + 1), (node.no, 2 * slot + 2, level + 1)]
            else:
                stack += [(node, 2 * slot + 1, level + 1), (node, 2 * slot + 2, level + 1)]
        self.impl.append(f"#ifndef {P}_NO_BATCH")
        self._node_tables(feats, thresholds, leaves)

        def step(u: int) -> str:  # row i + u takes one step down
            i, row = ("i", "i") if u == 0 else (f"i + {u}", f"(i + {u})")
            x = self._block_row(row, f"{p}_node_feature[j]")
            return f"{{ const unsigned j = k[{i}]; k[{i}] = 2 * j + 1 + !({x} <= {p}_node_threshold[j]); }}"

        first = root.test
        x0 = self._block_row("i", first.feature)  # type: ignore[union-attr]
        self._block_walk("unsigned", f"1 + !({x0} <= {c_number(first.threshold)})", depth,  # type: ignore[union-attr]
                         [f"            for (i = 0; i + {HEAP_UNROLL} <= m; i += {HEAP_UNROLL}) {{",
                          *(f"                {step(u)}" for u in range(HEAP_UNROLL)), "            }",
                          f"            for (; i < m; ++i) {step(0)}"], n_int)

    def _block_row(self, row: str, feature: int | str) -> str:
        return f"r[{row} * {self.P}_N_FEATURES + {feature}]"

    def _block_walk(self, index_t: str, first: str, depth: int, level: list[str], n_int: int) -> None:
        """The batch function around a table walk: blocks of ``BATCH_BLOCK`` rows, ``k[i]`` the node of
        the block's row ``i`` (``r`` its first row), set by ``first`` (the root's test, the same for
        every row: written out, not looked up), moved down a level ``depth - 1`` times by the lines
        ``level``, then the output of leaf slot ``k[i] - n_int``."""
        P = self.P
        self.impl.append("\n".join([
            self._batch_head(), "{",
            f"    {index_t} k[{BATCH_BLOCK}];", "    size_t s, m, i;", "    int d;",
            "    for (s = 0; s < n; s += m) {",
            f"        const double *r = rows + s * {P}_N_FEATURES;",
            f"        m = n - s < {BATCH_BLOCK} ? n - s : {BATCH_BLOCK};",
            f"        for (i = 0; i < m; ++i) k[i] = {first};",
            f"        for (d = 1; d < {depth}; ++d) {{", *level, "        }",
            f"        for (i = 0; i < m; ++i) out[s + i] = {self.p}_leaf_output[k[i] - {n_int}];",
            "    }", "}", "#endif"]))

    def _node_tables(self, feats: list[str], thresholds: list[str], leaves: list[str]) -> None:
        """The static tables of a batch walk: each node's feature and threshold, each leaf's output."""
        p = self.p
        self.impl.append(f"static const {_uint_type(self.program.n_features - 1)} {p}_node_feature[{len(feats)}] = "
                         f"{{{', '.join(feats)}}};")
        self.impl.append(f"static const double {p}_node_threshold[{len(thresholds)}] = {{{', '.join(thresholds)}}};")
        if self.program.is_classifier:
            out_t = _uint_type(max(len(self.program.classes) - 1, 0))
        else:
            out_t = "double"
        self.impl.append(f"static const {out_t} {p}_leaf_output[{len(leaves)}] = {{{', '.join(leaves)}}};")

    def _batch_tables(self, root: Branch) -> None:
        """Batch prediction by node tables: internal nodes in preorder (0 is the root), then the
        leaves, which point to themselves, so every row takes exactly ``depth`` steps. A step goes
        to ``kids[k][1]`` when ``!(x <= t)``, as the one-row code's ``else`` does (NaN included)."""
        p, P = self.p, self.P
        internal: list[Branch] = []
        leaves: list[Leaf] = []
        stack: list[Node] = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, Branch):
                internal.append(node)
                stack += [node.no, node.yes]
            else:
                leaves.append(node)
        index = {id(node): k for k, node in enumerate([*internal, *leaves])}
        n_nodes, n_int = len(index), len(internal)
        kid_t = _uint_type(n_nodes - 1)
        rows = [f"{{{index[id(b.yes)]}, {index[id(b.no)]}}}" for b in internal]
        rows += [f"{{{k}, {k}}}" for k in range(n_int, n_nodes)]
        feats = [str(b.test.feature) for b in internal] + ["0"] * len(leaves)  # type: ignore[union-attr]
        thresholds = [c_number(b.test.threshold) for b in internal] + ["0.0"] * len(leaves)  # type: ignore[union-attr]
        self.impl.append(f"#ifndef {P}_NO_BATCH")
        self.impl.append(f"static const {kid_t} {p}_node_kids[{n_nodes}][2] = {{{', '.join(rows)}}};")
        self._node_tables(feats, thresholds, [self._output(leaf.output) for leaf in leaves])
        first = root.test
        x0 = self._block_row("i", first.feature)  # type: ignore[union-attr]
        x = self._block_row("i", f"{p}_node_feature[j]")
        step = f"k[i] = {p}_node_kids[j][!({x} <= {p}_node_threshold[j])];"
        self._block_walk(kid_t, f"{x0} <= {c_number(first.threshold)} ? "  # type: ignore[union-attr]
                         f"{index[id(root.yes)]} : {index[id(root.no)]}", tree_depth(root),
                         ["            for (i = 0; i < m; ++i) {", f"                const {kid_t} j = k[i];",
                          f"                {step}", "            }"], n_int)

    def _node(self, node: Node | Jump, depth: int, lines: list[str], pieces_stem: str) -> None:
        pad = "    " * depth
        if isinstance(node, Jump):
            lines.append(f"{pad}return {pieces_stem}_{node.piece}(x);")
            return
        if isinstance(node, Leaf):
            lines.append(f"{pad}return {self._output(node.output)};")
            return
        lit = Literal(node.test)
        lines.append(f"{pad}if ({self._test(lit)}) {{{self._name_comment(lit)}")
        self._node(node.yes, depth + 1, lines, pieces_stem)
        lines.append(f"{pad}}} else {{")
        self._node(node.no, depth + 1, lines, pieces_stem)
        lines.append(f"{pad}}}")

    # -- rule lists ----------------------------------------------------------------------------
    def _decision_list(self, dl: DecisionList) -> None:
        rtype, name = self._signature()
        self.decl.append(f"{rtype} {name}(const double *x);")
        self._first_rule(dl, f"{rtype} {name}")
        self._batch_by_rows()

    def _first_rule(self, dl: DecisionList, head: str) -> None:
        """The function ``head`` (its type and name) returning the output of the first rule that holds."""
        lines = []
        for rule in dl.rules:
            cond = " && ".join(f"({self._test(lit)})" for lit in rule.literals) or "1"
            lines.append(f"    if ({cond}) return {self._output(rule.output)};")
        if dl.default is None:
            raise ValueError("a decision list exported to C needs a default output")
        lines.append(f"    return {self._output(dl.default)};")
        self.impl.append(_function(f"{head}(const double *x)", lines))

    # -- class probabilities -------------------------------------------------------------------
    def _proba_function(self, lead: list[str], body: list[str]) -> None:
        """``predict_proba`` after the definitions ``lead`` it needs, all left out where
        ``<PREFIX>_NO_PROBA`` is defined (a linear model's calls ``exp``: no libm to link then)."""
        head = f"void {self.p}_predict_proba(const double *x, double *out)"
        self.decl += [f"#ifndef {self.P}_NO_PROBA", head + ";", "#endif"]
        self.impl += [f"#ifndef {self.P}_NO_PROBA", *lead, _function(head, body), "#endif"]

    def _proba_table(self, proba: ProbaTable) -> None:
        """``predict_proba``: the row of the static table that a walk of the index (the body's own tests)
        reaches, copied out; every number written as the exact double."""
        p = self.p
        rows = ",\n".join("    {" + ", ".join(c_number(v) for v in row) + "}" for row in proba.rows)
        impl, self.impl = self.impl, []  # the walk's functions, gathered to go inside the #ifndef
        self.impl.append(f"static const double {p}_proba_rows[{len(proba.rows)}][{self.P}_N_CLASSES] = {{\n{rows}\n}};")
        if isinstance(proba.index, DecisionList):
            self._first_rule(proba.index, f"static int {p}_proba_row")
        else:
            self._walk(proba.index, f"static int {p}_proba_row", f"{p}_proba_piece")
        lead, self.impl = self.impl, impl
        self._proba_function(lead, [f"    const double *row = {p}_proba_rows[{p}_proba_row(x)];", "    int c;",
                                    f"    for (c = 0; c < {self.P}_N_CLASSES; ++c) out[c] = row[c];"])

    # -- linear models -------------------------------------------------------------------------
    def _factor(self, f: Value | Indicator | Hinge) -> str:
        x = self._feature(f.feature)
        if isinstance(f, Value):
            return x
        if isinstance(f, Indicator):
            return f"({x} == {exact_float(f.code)} ? 1.0 : 0.0)"
        diff = f"{x} - {c_number(f.knot)}"
        return f"{self.p}_relu({diff})" if f.direction == 1 else f"{self.p}_relu(-({diff}))"

    def _linear(self, lin: LinearScores) -> None:
        rtype, name = self._signature()
        self.decl.append(f"{rtype} {name}(const double *x);")
        # A fused multiply-add rounds once where ``predict`` rounds twice. GCC fuses ``s += w * x``
        # unless told not to (-ffp-contract=fast is its default outside -std=c99 and friends, so
        # -march=native or an ARM target changes the answers); Clang fuses within a statement unless
        # the standard pragma (first in each function body, below) says not to.
        self.impl.append("#if defined(__GNUC__) && !defined(__clang__)\n#pragma GCC push_options\n"
                         "#pragma GCC optimize (\"fp-contract=off\")\n#endif")
        live = [term for t, term in enumerate(lin.terms) if any(row[t] != 0.0 for row in lin.coef)]
        if any(isinstance(f, Hinge) for term in live for f in term):  # an unused static function: -Wall
            # a NaN passes, as in predict (``v > 0.0 ? v : 0.0`` made it 0.0)
            self.impl.append(f"static double {self.p}_relu(double v)\n{{\n    return v <= 0.0 ? 0.0 : v;\n}}")
        rows = len(lin.coef)
        lines = ["#ifdef __clang__", "#pragma STDC FP_CONTRACT OFF", "#endif", f"    double s[{rows}];"]
        for r in range(rows):
            # Summed in term order, intercept last: the order of ``design @ coef.T + intercept``.
            live = [(term, w) for term, w in zip(lin.terms, lin.coef[r]) if w != 0.0]
            first = True
            i = 0
            while i < len(live):
                run = 0 if first else _one_hot_run(live, i)
                if run > MAX_ONE_HOT:
                    lines.append(self._one_hot_loop(r, live[i:i + run]))
                    i += run
                    continue
                term, w = live[i]
                # Each product cast to double: where doubles are computed in wider registers (the x87
                # unit of 32-bit x86, FLT_EVAL_METHOD 2), a cast rounds as predict does after every
                # operation (under -std=c99; an assignment rounds too), a bare product is kept wide.
                value = self._factor(term[0])
                for f in term[1:]:
                    value = f"(double)({value} * {self._factor(f)})"
                lines.append(f"    s[{r}] {'=' if first else '+='} (double)({c_number(w)} * ({value}));")
                first = False
                i += 1
            b = c_number(lin.intercept[r])
            lines.append(f"    s[{r}] = {b};" if first else f"    s[{r}] += {b};")
        scores = list(lines)
        if lin.link == "identity":
            lines.append("    return s[0];")
        elif lin.link == "logistic":
            lines.append("    return s[0] > 0.0 ? 1 : 0;")
        else:
            lines += ["    int best = 0;", "    int r;", f"    for (r = 1; r < {rows}; ++r) {{",
                      "        if (s[r] > s[best]) best = r;", "    }", "    return best;"]
        self.impl.append(_function(f"{rtype} {name}(const double *x)", lines))
        if lin.link != "identity":
            self._proba_function(["#include <float.h>", "#include <math.h>"], scores + _link_proba(lin.link, rows))
        self._batch_by_rows()
        self.impl.append("#if defined(__GNUC__) && !defined(__clang__)\n#pragma GCC pop_options\n#endif")

    def _one_hot_loop(self, r: int, run: list[tuple[tuple, float]]) -> str:
        """The statements ``s[r] += (double)(w * (x[j] == code ? 1.0 : 0.0));`` of a run of one-hot terms
        as one loop over a static table of (code, weight) pairs: the same products added in the same
        order, so the same doubles (the sign of a zero included), where GCC took 13 to 18 s at -O2 to compile
        3,000 such statements."""
        self._one_hot_tables += 1
        name = f"{self.p}_one_hot_{self._one_hot_tables}"
        pairs = ",\n".join(f"    {{{exact_float(term[0].code)}, {c_number(w)}}}" for term, w in run)
        self.impl.append(f"static const double {name}[{len(run)}][2] = {{\n{pairs}\n}};")
        x = self._feature(run[0][0][0].feature)
        return (f"    {{ int t; for (t = 0; t < {len(run)}; ++t) s[{r}] += (double)({name}[t][1] * "
                f"({x} == {name}[t][0] ? 1.0 : 0.0)); }}")

    # -- automata ------------------------------------------------------------------------------
    def _automaton(self, a: Automaton) -> None:
        n, k = len(a.transitions), len(a.alphabet)
        P, p = self.P, self.p
        self.decl += [f"#define {P}_N_STATES {n}", f"#define {P}_N_SYMBOLS {k}",
                      f"#define {P}_INITIAL_STATE {a.initial}"]
        self._string_table("symbols", f"{P}_N_SYMBOLS", list(a.alphabet))
        self._class_table()
        state_t = "unsigned char" if n <= 0xFF else "unsigned short" if n <= 0xFFFF else "long"
        out_t = _uint_type(len(self.program.classes) - 1)
        rows = ",\n".join("    {" + ", ".join(str(t) for t in row) + "}" for row in a.transitions)
        self.impl.append(f"static const {state_t} {p}_transitions[{P}_N_STATES][{P}_N_SYMBOLS] = {{\n{rows}\n}};")
        self.impl.append(f"static const {out_t} {p}_outputs[{P}_N_STATES] = {{{', '.join(map(str, a.outputs))}}};")
        self.decl += [f"int {p}_step(int state, int symbol);", f"int {p}_predict(const int *word, size_t length);"]
        self.impl.append("\n".join([
            f"int {p}_step(int state, int symbol)", "{",
            f"    if (state < 0 || state >= {P}_N_STATES || symbol < 0 || symbol >= {P}_N_SYMBOLS) return -1;",
            f"    return (int){p}_transitions[state][symbol];", "}"]))
        self.impl.append("\n".join([
            f"int {p}_predict(const int *word, size_t length)", "{",
            f"    int state = {P}_INITIAL_STATE;", "    size_t i;",
            "    for (i = 0; i < length; ++i) {",
            f"        state = {p}_step(state, word[i]);",
            "        if (state < 0) return -1;", "    }",
            f"    return (int){p}_outputs[state];", "}"]))
        if a.acceptor:
            self.decl.append(f"int {p}_accepts(const int *word, size_t length);")
            self.impl.append("\n".join([
                f"int {p}_accepts(const int *word, size_t length)", "{",
                f"    return {p}_predict(word, length);", "}"]))


def _link_proba(link: str, rows: int) -> list[str]:
    """Statements writing predict_proba of a linear classifier from its scores ``s[0..rows-1]``, with
    predict_proba's formulas: the logistic p = 1 / (1 + exp(-s)) for s >= 0, else e / (1 + e) with
    e = exp(s) (no overflow, no tiny probability lost), giving [1 - p, p]; the softmax exp(s - top) over
    their sum (added in class order), where the top score is +inf 1 for each +inf score and 0 for the
    others, all NaN where a score is NaN (numpy's max is NaN there)."""
    if link == "logistic":
        return ["    if (s[0] >= 0.0) {", "        out[1] = 1.0 / (1.0 + exp(-s[0]));", "    } else {",
                "        const double e = exp(s[0]);", "        out[1] = e / (1.0 + e);", "    }",
                "    out[0] = 1.0 - out[1];"]
    return ["    double top = s[0], total = 0.0;", "    int r;",
            f"    for (r = 1; r < {rows}; ++r) {{", "        if (top == top && !(s[r] <= top)) top = s[r];", "    }",
            f"    for (r = 0; r < {rows}; ++r) {{",
            "        out[r] = top > DBL_MAX ? (s[r] > DBL_MAX ? 1.0 : 0.0) : exp(s[r] - top);",
            "        total += out[r];", "    }",
            f"    for (r = 0; r < {rows}; ++r) out[r] /= total;"]


def _all_numeric(node: Node) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Branch):
            if not isinstance(n.test, LessEq):
                return False
            stack += [n.yes, n.no]
    return True


def _one_hot_run(live: list[tuple[tuple, float]], i: int) -> int:
    """How many terms from ``live[i]`` on are one-hot indicators of the feature of ``live[i]`` (0 if
    it is none)."""
    n = 0
    for term, _ in live[i:]:
        f = term[0]
        if len(term) != 1 or not isinstance(f, Indicator) or f.feature != live[i][0][0].feature:
            break
        n += 1
    return n


def _uint_type(largest: int) -> str:
    """The smallest unsigned C type that holds ``0..largest``."""
    if largest <= 0xFF:
        return "unsigned char"
    return "unsigned short" if largest <= 0xFFFF else "unsigned long"


def _function(head: str, body: list[str]) -> str:
    """A function definition; ``(void)x;`` marks a row parameter the body never reads (a one-leaf
    tree, a linear model with no non-zero weight), which ``-Wextra`` would otherwise report. It goes
    after the body's leading preprocessor lines: a ``#pragma STDC`` must come before every
    declaration and statement of its block (C99 6.10.6)."""
    uses_x = any("x[" in line or "(x)" in line for line in body)
    lead = next((i for i, line in enumerate(body) if not line.startswith("#")), len(body))
    return "\n".join([head, "{", *body[:lead], *([] if uses_x else ["    (void)x;"]), *body[lead:], "}"])
