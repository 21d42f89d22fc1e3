"""Prolog emitter: clauses that SWI-Prolog (or any ISO Prolog) consults.

Models over feature rows define ``predict(Features, Output)``: ``Features`` is a list of numbers in
the model's feature order, a categorical feature given by its category *code* (the index of its
label, listed by ``feature_category(Feature, Code, Label)``); ``Output`` is the class label (an
atom for string labels, a number for numeric ones, ``true`` / ``false`` for booleans) or, for
regressors, the value (labels Prolog cannot tell apart, True and 'true', are refused: see
``distinct_terms``). The name tables are facts: ``feature_name(Index, Name)`` and
``class_label(Index, Label)``. Classifiers also define ``predict_proba(Features, Probs)``, ``Probs`` a
list of ``Label-P`` pairs in class order, ``predict_proba``'s numbers: a tree's or rule set's rows are
facts ``symdistill_proba(Row, Probs)`` (exact doubles), reached by the clauses
``symdistill_proba_row/2`` (the body's own tests); a linear model's are computed with ``exp/1``.

* A tree becomes one Horn clause per leaf, its path conditions merged per feature
  (``predict([X0_age, _], yes) :- X0_age > 30.0, X0_age =< 65.0.``); the clauses exclude each
  other, so no cut is needed.
* An ordered rule list becomes one clause per rule with a cut (first match wins) and a last
  clause for the default.
* A category test ``code in {...}`` is a disjunction ``( X =:= 3 ; X =:= 7 )`` for up to 8 codes; a
  larger set is a table of facts, ``symdistill_codes_K(Code)``, that SWI-Prolog indexes, reached through
  ``symdistill_in_K(X)``, which answers every value as the disjunction would (a disjunction of 16,000
  codes took seconds to consult).
* A linear model computes its scores with ``is/2`` in the same order as the model.
* An automaton becomes facts ``initial/1``, ``delta(State, Symbol, Next)``, ``accepting/1`` (DFA)
  or ``output(State, Label)`` (Moore), and ``accepts(Symbols)`` / ``predict(Symbols, Label)``
  over a list of symbols (atoms, e.g. ``['0', '1']``).

Numbers are written as the exact shortest decimal (always with a dot, as ISO asks), so
comparisons agree with the model's ``predict``, on thresholds too. User names appear only as quoted
atoms with every character outside printable ASCII written as ``\\xHEX\\``; variable names keep
only the letters and digits of a feature's name. ``module="name"`` wraps the clauses in a module so
that several models can be loaded together.
"""

from __future__ import annotations

import re
from typing import Sequence

from .._version import __version__
from ._text import check_distinct, check_identifier, concept_note, exact_float
from .ir import (
    Automaton, BodyEmitter, DecisionList, Hinge, Indicator, IsIn, LessEq, LinearScores, Literal, Node, ProbaTable,
    Program, Value, tree_rules,
)


def prolog_atom(text: str) -> str:
    """A quoted atom for ``text`` that no content can break out of.

    >>> print(prolog_atom("it's \\\\ '); halt.\\n\u00e9"))
    'it\\'s \\\\ \\'); halt.\\xa\\\\xe9\\'
    """
    out = []
    for ch in text:
        if ch in "\\'":
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):x}\\")
    return "'" + "".join(out) + "'"


def prolog_number(x: float) -> str:
    """A float literal that reads back as exactly ``x``, with a dot before any exponent.

    >>> prolog_number(1e-05), prolog_number(0.1 + 0.2), prolog_number(2)
    ('1.0e-05', '0.30000000000000004', '2.0')
    """
    text = exact_float(x)
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exponent


def prolog_term(value: object) -> str:
    """A class label as a Prolog term: quoted atom, integer, float, or ``true`` / ``false``.

    >>> prolog_term("yes"), prolog_term(3), prolog_term(2.5), prolog_term(True)
    ("'yes'", '3', '2.5', 'true')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return prolog_number(value)
    return prolog_atom(str(value))


def distinct_terms(labels: Sequence[object], what: str) -> list[str]:
    """``prolog_term`` of each label, refused when two labels are one term: Prolog's ``true`` is both
    the boolean True and the string 'true' (``'true'`` and ``true`` are one atom), so an answer could
    not say which label it is.

    >>> distinct_terms([True, "True"], "class labels")
    ['true', "'True'"]
    >>> distinct_terms([True, "true"], "class labels")
    Traceback (most recent call last):
    ...
    ValueError: class labels True and 'true' are both the Prolog term true, so the exported program could not tell them apart; rename one of them before exporting to Prolog
    """
    check_distinct(labels, _term_key, lambda a, b: f"{what} {a!r} and {b!r} are both the Prolog term {prolog_term(a)}, "
                   "so the exported program could not tell them apart; rename one of them before exporting to Prolog")
    return [prolog_term(label) for label in labels]


def _term_key(label: object) -> object:
    """The term a label reads as: an atom by its name (quoted or not), a number by its type and value."""
    if isinstance(label, (bool, str)):
        return "atom", str(label).lower() if isinstance(label, bool) else label
    return type(label).__name__, label


# A category set of up to this many codes is tested inline (``( X =:= 3 ; X =:= 7 )``), a larger one
# through a table of facts (see ``_code_set_tables``).
_INLINE_CODES = 8

_SYSTEM_MODULES = frozenset({"user", "system", "prolog"})

# The modules of SWI-Prolog's (9.0) autoload libraries, as its library INDEX.pl files name them: a model
# file declaring one of them cannot be loaded beside that library, which a call of one of its predicates
# (member/2: lists) loads behind the user's back ("No permission to redefine module `lists'").
_LIBRARY_MODULES = frozenset("""
    aggregate ansi_term apply apply_macros archive arithmetic assoc atom authenticate backward_compatibility
    base32 base64 bounds broadcast c14n2 cgi charsio check check_installation checklast checkselect chr
    clib_rlimit clp_distinct clp_events clpb clpfd clpq clpr codesio coinduction crypt crypto crypto_hash csv
    ctypes date dcg_basics dcg_high_order dicts dif double_metaphone edinburgh editline error fastrw files
    files_ex format_style gensym git graphql hash_stream hashtable heaps html_head html_quasi_quotations
    html_text html_write http_ax http_client http_cookie http_cors http_digest http_dirindex http_dispatch
    http_exception http_files http_header http_host http_json http_log http_open http_openid http_parameters
    http_path http_pwp http_server http_server_files http_session http_stream http_unix_daemon httpd_wrapper hub
    inclpr increval intercept iostream iso_639 isub javascript javascript_grammar json json_convert lazy_lists
    lists make md5 memory_file mime_pack mimetype modules mqi nb_rbtrees nb_set occurs optparse ordsets oset
    pairs paxos pcre pdt_console pengines pengines_io persistency pldoc pldoc_files pldoc_http pldoc_latex
    plunit porter_stem portray_text predicate_options process prolog_autoload prolog_breakpoints prolog_clause
    prolog_code prolog_codewalk prolog_colour prolog_config prolog_cover prolog_debug prolog_debug_tools
    prolog_deps prolog_dialect prolog_edit prolog_explain prolog_format prolog_help prolog_history prolog_hotfix
    prolog_install prolog_jiti prolog_listing prolog_main prolog_metainference prolog_operator prolog_pack
    prolog_pretty_print prolog_server prolog_source prolog_stack prolog_statistics prolog_stream prolog_trace
    prolog_versions prolog_vm prolog_wrap prolog_xref protobufs pure_input pwp qp_foreign qsave quasi_quotations
    quintus random rbtrees rdf rdf11 rdf11_containers rdf_cache rdf_compare rdf_db rdf_diagram rdf_edit
    rdf_library rdf_litindex rdf_ntriples rdf_parser rdf_persistency rdf_portray rdf_prefixes rdf_triple
    rdf_turtle rdf_turtle_write rdf_write rdfa rdfs read_util readline readln record redis redis_streams
    rewrite_term saml sandbox settings sgml sgml_write shell shlib simplex snowball socket solution_sequences
    sort sparql_client ssl stomp stream_info stream_pool streams strings sweep_link swi_option
    swi_system_utilities syslog table table_util tables term_html term_to_json terms test_wizard text_format
    thread thread_httpd thread_pool thread_util time tipc tipc_broadcast tipc_linda tipc_paxos tty turtle
    udp_broadcast ugraphs uid unicode unicode_blocks unicode_data unix uri url utf8 uuid varnumbers websocket
    wfs when writef www_browser xmldsig xmlenc xpath xsdp_type yadis yall yaml zip zlib
""".split())


def emit(program: Program, *, module: str | None = None) -> str:
    """Prolog source for ``program`` (see the module docstring for the contract).

    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> from symdistill.models import Tree
    >>> from symdistill.export.ir import build
    >>> dom = Domain.from_data(np.array([[0.0], [1.0]]), feature_names=["age"])
    >>> tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
    ...             children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
    ...             value=[[0.5, 0.5], [1, 0], [0, 1]])
    >>> print("\\n".join(line for line in emit(build(tree)).splitlines() if line.startswith("predict(")))
    predict([X0_age], 'no') :- X0_age =< 0.5.
    predict([X0_age], 'yes') :- X0_age > 0.5.
    """
    if module is not None:
        check_identifier(module, "module")
        if not module[0].islower():
            raise ValueError(f"module must start with a lowercase letter (Prolog reads {module!r} as a "
                             "variable, not a module name)")
        if module in _SYSTEM_MODULES:
            raise ValueError(f"module {module!r} is one of SWI-Prolog's own modules; choose another name")
        if module in _LIBRARY_MODULES:
            raise ValueError(f"module {module!r} is the module of an SWI-Prolog library, which loads itself when "
                             "one of its predicates is called and then cannot be loaded beside this file (\"No "
                             "permission to redefine module\"); choose another name")
    return _PrologEmitter(program, module).render()


class _PrologEmitter(BodyEmitter):
    def __init__(self, program: Program, module: str | None) -> None:
        self.program = program
        self.module = module
        self.lines: list[str] = []
        self.exports: list[str] = []
        self.code_sets: dict[tuple[int, ...], int] = {}  # large category sets tested, numbered from 1

    def render(self) -> str:
        prog = self.program
        body = prog.body
        self._emit_body(body)
        self._code_set_tables()
        head = [f"% Generated by symdistill {__version__} from a {prog.kind} model ({prog.task})."]
        if isinstance(body, Automaton):
            entry = "accepts(Symbols) / predict(Symbols, Label)" if body.acceptor else "predict(Symbols, Label)"
            head.append(f"% {entry}: Symbols is a list of atoms from symbol/2.")
        else:
            head.append("% predict(Features, Output): Features is a list of numbers in feature order;")
            head.append("% a categorical feature is its category code (see feature_category/3).")
            note = concept_note(prog)
            if note is not None:
                head.append(f"% {note}")
        if self.module is not None:
            head.append(f":- module({self.module}, [{', '.join(self.exports)}]).")
        return "\n".join(head + self.lines) + "\n"

    # -- tables --------------------------------------------------------------------------------
    def _tables(self) -> None:
        prog = self.program
        self.exports += ["feature_name/2", "feature_category/3", "predict/2"]
        if prog.has_proba:
            self.exports.append("predict_proba/2")
        for j, f in enumerate(prog.features):
            self.lines.append(f"feature_name({j}, {prolog_atom(f.name)}).")
        for f in prog.features:
            distinct_terms(f.categories, f"categories of feature {f.name!r}")
        cats = [(j, c, label) for j, f in enumerate(prog.features) for c, label in enumerate(f.categories)]
        for j, c, label in cats:
            self.lines.append(f"feature_category({j}, {c}, {prolog_term(label)}).")
        if not cats:
            self.lines.append(":- dynamic(feature_category/3).")
        self._class_labels()

    def _class_labels(self) -> None:
        if not self.program.is_classifier:
            return
        self.exports.append("class_label/2")
        for i, term in enumerate(distinct_terms(self.program.classes, "class labels")):
            self.lines.append(f"class_label({i}, {term}).")

    # -- expressions ---------------------------------------------------------------------------
    def _var(self, j: int) -> str:
        clean = re.sub(r"[^A-Za-z0-9]", "", self.program.features[j].name)[:24]
        return f"X{j}_{clean}" if clean else f"X{j}"

    def _head_list(self, used: set[int]) -> str:
        return "[" + ", ".join(self._var(j) if j in used else "_" for j in range(self.program.n_features)) + "]"

    def _test(self, lit: Literal) -> str:
        t = lit.test
        x = self._var(t.feature)
        if isinstance(t, LessEq):
            return f"{x} {'>' if lit.negated else '=<'} {prolog_number(t.threshold)}"
        if not t.codes:
            return "true" if lit.negated else "fail"
        if len(t.codes) > _INLINE_CODES:
            inside = f"{self._code_set(t.codes)}({x})"
            return f"\\+ {inside}" if lit.negated else inside
        inside = " ; ".join(f"{x} =:= {c}" for c in t.codes)
        return f"\\+ ( {inside} )" if lit.negated else f"( {inside} )"

    def _code_set(self, codes: tuple[int, ...]) -> str:
        """The name of the predicate that tests membership of ``codes`` (one per distinct set)."""
        return f"symdistill_in_{self.code_sets.setdefault(codes, len(self.code_sets) + 1)}"

    def _code_set_tables(self) -> None:
        """Each large set as a table of facts, reached through a test that answers exactly as the
        disjunction ``X =:= C1 ; X =:= C2 ; ...`` written for small sets: a disjunction of 16,000 codes
        took SWI-Prolog 7 s to consult (26 s at 32,000), where it indexes a fact table on its argument.

        ``V is X`` evaluates the feature as ``=:=`` would (an unbound or non-numeric one raises the same
        error); an integer is looked up as it is (one beyond the codes is in no fact), and any other
        number (a float such as 3.0 or -0.0, a rational) only where it lies within the codes' range and
        equals its truncation, so that NaN, the infinities and fractions are in no set, as ``=:=`` has it.
        """
        for codes, k in self.code_sets.items():
            name, table = f"symdistill_in_{k}", f"symdistill_codes_{k}"
            self.lines += [
                f"% {name}(X): X is one of the {len(codes)} category codes of {table}/1.",
                f"{name}(X) :-",
                "    V is X,",
                f"    (   integer(V) -> {table}(V)",
                f"    ;   V >= {codes[0]}, V =< {codes[-1]}, C is truncate(V), C =:= V, {table}(C)",
                "    ).",
            ]
            self.lines += [f"{table}({c})." for c in codes]

    def _output(self, out: int | float) -> str:
        if self.program.is_classifier:
            return prolog_term(self.program.classes[int(out)])
        return prolog_number(out)

    # -- trees and rules -----------------------------------------------------------------------
    def _tree(self, root: Node, name: str = "predict") -> None:
        self._decision_list(tree_rules(root), name)

    def _decision_list(self, dl: DecisionList, name: str = "predict") -> None:
        """Clauses ``name(Features, Output)``; ``predict`` writes the outputs as class labels or values,
        any other (the index of the class probabilities) as the numbers they are."""
        output = self._output if name == "predict" else str
        for rule in dl.rules:
            # ``in {}`` / ``not in {}`` read no variable (``fail`` / ``true``): in the head it would be a singleton
            used = {lit.test.feature for lit in rule.literals if not isinstance(lit.test, IsIn) or lit.test.codes}
            conds = ", ".join(self._test(lit) for lit in rule.literals)
            head = self._head_list(used)
            if dl.exclusive:
                self.lines.append(f"{name}({head}, {output(rule.output)}){' :- ' + conds if conds else ''}.")
            else:
                goal = f"{conds}, !" if conds else "!"
                self.lines.append(f"{name}({head}, Output) :- {goal}, Output = {output(rule.output)}.")
        if dl.default is not None:
            self.lines.append(f"{name}({self._head_list(set())}, {output(dl.default)}).")

    # -- class probabilities -------------------------------------------------------------------
    def _pairs(self, probabilities: Sequence[str]) -> str:
        """The list ``[Class-P, ...]`` in class order, ``probabilities`` each a number or a variable."""
        return "[" + ", ".join(f"{prolog_term(c)}-{'' if p[0].isalnum() else ' '}{p}"  # '--0.0' would be one atom
                               for c, p in zip(self.program.classes, probabilities)) + "]"

    def _proba_table(self, proba: ProbaTable) -> None:
        """``predict_proba(Features, Probs)``: the row of facts ``symdistill_proba(Row, Probs)`` (exact
        doubles) that the clauses ``symdistill_proba_row/2``, the body's own tests, give."""
        if isinstance(proba.index, DecisionList):
            self._decision_list(proba.index, "symdistill_proba_row")
        else:
            self._tree(proba.index, "symdistill_proba_row")
        self.lines += [f"symdistill_proba({i}, {self._pairs([prolog_number(v) for v in row])})."
                       for i, row in enumerate(proba.rows)]
        self.lines.append("predict_proba(Features, Probs) :- "
                          "symdistill_proba_row(Features, Row), symdistill_proba(Row, Probs).")

    # -- linear models -------------------------------------------------------------------------
    def _factor(self, f: Value | Indicator | Hinge, goals: list[str], counter: list[int]) -> str:
        x = self._var(f.feature)
        if isinstance(f, Value):
            return x
        if isinstance(f, Indicator):
            counter[0] += 1
            name = f"I{counter[0]}"
            goals.append(f"( {x} =:= {f.code} -> {name} = 1.0 ; {name} = 0.0 )")
            return name
        # 0.0 on the knot's side, tested before the difference is taken: ``is/2`` raises float_overflow
        # where ``x - knot`` passes the largest double (x = -1e308, knot = 1e308), a hinge predict gives
        # as 0.0 (the difference rounds to -inf there). A NaN fails the test and raises, as before.
        counter[0] += 1
        name, knot = f"H{counter[0]}", prolog_number(f.knot)
        if f.direction == 1:
            goals.append(f"( {x} =< {knot} -> {name} = 0.0 ; {name} is {x} - {knot} )")
        else:
            goals.append(f"( {x} >= {knot} -> {name} = 0.0 ; {name} is -({x} - {knot}) )")
        return name

    def _linear(self, lin: LinearScores) -> None:
        goals: list[str] = []
        counter = [0]
        scores = []
        for r, row in enumerate(lin.coef):
            parts = []
            for term, w in zip(lin.terms, row):
                if w == 0.0:
                    continue
                factors = [self._factor(f, goals, counter) for f in term]
                if len(factors) > 1:  # Prolog multiplies integers exactly; predict multiplies their doubles
                    factors[0] = f"float({factors[0]})"
                parts.append(f"{prolog_number(w)} * ({' * '.join(factors)})")
            # Summed in term order, intercept last (``+`` is left-associative): the model's order.
            parts.append(prolog_number(lin.intercept[r]))
            goals.append(f"S{r} is {' + '.join(parts)}")
            scores.append(f"S{r}")
        used = {f.feature for term, w_col in zip(lin.terms, zip(*lin.coef)) if any(w != 0.0 for w in w_col)
                for f in term}
        if lin.link == "identity":
            goals.append("Output = S0")
        elif lin.link == "logistic":
            goals.append(f"( S0 > 0.0 -> Output = {self._output(1)} ; Output = {self._output(0)} )")
        else:
            goals.append(f"symdistill_argmax([{', '.join(scores)}], Index)")
            goals.append("class_label(Index, Output)")
            self.lines += [
                "symdistill_argmax([S|Ss], Index) :- symdistill_argmax(Ss, 1, S, 0, Index).",
                "symdistill_argmax([], _, _, Index, Index).",
                "symdistill_argmax([S|Ss], K, Best, BestIndex, Index) :-",
                "    K1 is K + 1,",
                "    (   S > Best",
                "    ->  symdistill_argmax(Ss, K1, S, K, Index)",
                "    ;   symdistill_argmax(Ss, K1, Best, BestIndex, Index)",
                "    ).",
            ]
        body = ",\n    ".join(goals)
        self.lines.append(f"predict({self._head_list(used)}, Output) :-\n    {body}.")
        if lin.link != "identity":
            body = ",\n    ".join(goals[:len(goals) - (1 if lin.link == "logistic" else 2)] + self._link_proba(lin, scores))
            self.lines.append(f"predict_proba({self._head_list(used)}, Probs) :-\n    {body}.")

    def _link_proba(self, lin: LinearScores, scores: list[str]) -> list[str]:
        """Goals binding ``Probs`` from the scores, predict_proba's formulas (see the C emitter's
        ``_link_proba``; a score past the largest double raises float_overflow here, as predict does)."""
        if lin.link == "logistic":
            return ["( S0 >= 0.0 -> P1 is 1.0 / (1.0 + exp(-S0)) ; E is exp(S0), P1 is E / (1.0 + E) )",
                    "P0 is 1.0 - P1", f"Probs = {self._pairs(['P0', 'P1'])}"]
        self.lines += [
            "symdistill_top([], Top, Top).",
            "symdistill_top([S|Ss], T0, Top) :- ( S > T0 -> symdistill_top(Ss, S, Top) ; symdistill_top(Ss, T0, Top) ).",
            "symdistill_exps([], _, []).",
            "symdistill_exps([S|Ss], Top, [E|Es]) :- E is exp(S - Top), symdistill_exps(Ss, Top, Es).",
            "symdistill_sum([], Total, Total).",
            "symdistill_sum([E|Es], T0, Total) :- T1 is T0 + E, symdistill_sum(Es, T1, Total).",
            "symdistill_shares([], _, [], []).",
            "symdistill_shares([E|Es], Total, [C|Cs], [C-P|Ps]) :- P is E / Total, symdistill_shares(Es, Total, Cs, Ps).",
        ]
        classes = "[" + ", ".join(prolog_term(c) for c in self.program.classes) + "]"
        return [f"Scores = [{', '.join(scores)}]", "symdistill_top(Scores, S0, Top)",
                "symdistill_exps(Scores, Top, Es)", "symdistill_sum(Es, 0.0, Total)",
                f"symdistill_shares(Es, Total, {classes}, Probs)"]

    # -- automata ------------------------------------------------------------------------------
    def _automaton(self, a: Automaton) -> None:
        self.exports += ["symbol/2", "initial/1", "delta/3", "final_state/2", "predict/2"]
        for i, symbol in enumerate(a.alphabet):
            self.lines.append(f"symbol({i}, {prolog_atom(symbol)}).")
        self._class_labels()
        self.lines.append(f"initial({a.initial}).")
        for s, row in enumerate(a.transitions):
            for i, t in enumerate(row):
                self.lines.append(f"delta({s}, {prolog_atom(a.alphabet[i])}, {t}).")
        if a.acceptor:
            self.exports += ["accepting/1", "accepts/1"]
            accepting = [s for s, o in enumerate(a.outputs) if o == 1]
            self.lines += [f"accepting({s})." for s in accepting]
            if not accepting:
                self.lines.append(":- dynamic(accepting/1).")
        else:
            self.exports.append("output/2")
            self.lines += [f"output({s}, {self._output(o)})." for s, o in enumerate(a.outputs)]
        self.lines += [
            "final_state(Symbols, State) :- initial(S0), symdistill_walk(Symbols, S0, State).",
            "symdistill_walk([], State, State).",
            "symdistill_walk([A|As], S0, State) :- delta(S0, A, S1), symdistill_walk(As, S1, State).",
        ]
        if a.acceptor:
            self.lines += [
                "accepts(Symbols) :- final_state(Symbols, State), accepting(State).",
                "predict(Symbols, Output) :-",
                "    final_state(Symbols, State), ( accepting(State) -> Output = true ; Output = false ).",
            ]
        else:
            self.lines.append("predict(Symbols, Output) :- final_state(Symbols, State), output(State, Output).")
