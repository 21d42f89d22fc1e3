"""A demanding user's audit of the public API's annotations (the package ships py.typed): code written as the
README writes it must type-check under ``mypy --strict`` and ``pyright --strict`` without false errors, a misuse
must be one, and the functions must return what their annotations promise. The mypy checks run in `make test`
(mypy is a test extra) and are skipped without it; the pyright ones run where pyright is on PATH (it is no PyPI
package that runs without fetching Node). Each test failed before the fix it names."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import types
import typing
from collections import abc
from pathlib import Path

import numpy as np
import pytest

import symdistill as sd
from symdistill.learners import RuleLearner
from symdistill.models import DFA, Condition, LinearModel, MooreMachine, Rule, RuleSet, Tree

# Each section is the body of a function of a user's script, checked by mypy --strict and pyright --strict;
# reveal_type lines say what mypy must see there. mypy leaves torch, ONNX and the like unread (their stubs take
# most of a minute).
SECTIONS = {
    "distill": """
        X = np.random.default_rng(0).uniform(size=(200, 2))
        tree = sd.distill(net, X, max_size=4, random_state=0)
        reveal_type(tree)
        reveal_type(sd.distill(net, X, form="rules", max_size=4))
        reveal_type(sd.distill(net, X, form="linear", max_size=2))
        print(tree.predict(X), tree.predict_proba(X), tree.meta["n_queries"], tree.domain.feature_names, tree.depth)
        form: str = "rules"
        print(sd.distill(net, X, form=form).predict(X))
        print(TreeLearner(max_size=4).fit(net, X).model_.depth)
        better = sd.refine(tree, net, X, constraints=[sd.monotonic("x0")])
        reveal_type(better)
        print(better.meta["refinement"])
        front = sd.frontier(net, X, sizes=[2, 4])
        print(front.best(min_fidelity=0.9).predict(X), front.points[0].model.meta)
    """,
    "load": """
        X = np.random.default_rng(0).uniform(size=(200, 2))
        tree = sd.distill(net, X, max_size=4, random_state=0)
        model = sd.load(tree.to_json())
        print(model.predict(X), model.meta, model.size)
        if isinstance(model, sd.DFA):
            print(model.accepts("01"))
        else:
            print(model.classes)
        print(sd.load(bytearray(tree.to_json(), "utf-8")).predict(X))
        reveal_type(tree.copy())
        reveal_type(Tree.from_dict(tree.to_dict()))
    """,
    "export": """
        X = np.random.default_rng(0).uniform(size=(200, 2))
        tree = sd.distill(net, X, max_size=4, random_state=0)
        with open("model.c", "w") as c_file:
            c_file.write(sd.export(tree, "c"))
        with open("tree.onnx", "wb") as onnx_file:
            onnx_file.write(sd.export(tree, "onnx"))
        reveal_type(sd.export(tree, "python"))
        reveal_type(sd.export(tree, "onnx"))
    """,
    "automata": """
        dfa = sd.distill_automaton(parity, alphabet=["0", "1"], output="dfa", random_state=0)
        print(dfa.accepts("0110"), dfa.complement().is_empty())
        moore = sd.distill_automaton(sd.as_sequence_teacher(parity, alphabet=["0", "1"]), output="moore")
        print(moore.output("01"), moore.state_outputs)
        reveal_type(sd.distill_automaton(parity, alphabet=["0", "1"]))
    """,
    "scores": """
        X = np.random.default_rng(0).uniform(size=(200, 2))
        tree = sd.distill(net, X, max_size=4, random_state=0)
        for each in sd.class_fidelity(tree, net, X):
            reveal_type(each)

        def lowest_recall(model: Tree) -> float:
            return min(each.recall.value for each in sd.class_fidelity(model, net, X))

        print(lowest_recall(tree), RuleLearner(max_size=4, tree_sizes=(4, 8)).fit(net, X).model_.size)
    """,
    "frontier": """
        X = np.random.default_rng(0).uniform(size=(200, 2))
        print(sd.frontier(net, X, sizes=2 ** np.arange(1, 4)).table())
        print(sd.frontier(net, X, sizes=[np.int64(2), 4]).knee)
        front = sd.frontier(net, X, sizes=[2])
        print(front.teacher.n_queries + front.teacher.n_calls, front.best_point().model.size)
    """,
    "verify": """
        X = np.random.default_rng(0).uniform(size=(200, 2))
        tree = sd.distill(net, X, max_size=4, random_state=0)
        print(sd.verify(tree, "x0 < 0.2 -> prediction == False").holds, sd.verify(tree, sd.monotonic("x0")).holds)
        sd.verify(tree, ["x0 < 0.2 -> prediction == False", sd.invariant("x1")])
    """,
    "domain": """
        colour = sd.Feature("colour", "categorical", categories=["red", "green"])
        print(sd.Domain((colour, sd.Feature("age", "integer", 18, 90))).feature_names, colour.categories[0])
        X = np.random.default_rng(0).uniform(size=(200, 2))
        tree = sd.distill(net, X, max_size=4, random_state=0)
        program = build(tree)
        print(tree.domain.column_labels, tree.domain.column_dtypes, program.classes, program.features[0].categories)
    """,
    "rules": """
        rule = Rule([Condition(0, ">", 5.0), Condition(1, "<=", 2.0)], 1, proba=[0.25, 0.75])
        print(rule.n_literals, rule.conditions[0].describe())
    """,
    "decorated": """
        X = np.random.default_rng(0).uniform(size=(200, 2))
        teacher = sd.as_teacher(net, classes=[False, True])
        print(teacher.classes_, sd.DFA.from_regex(".*00.*", "01").accepts("100"))
        tree = TreeLearner(max_size=4, lookahead_depth=1).fit(teacher, X).model_
        rules = RuleSet(tree.domain, "classification", [False, True], [Rule([Condition(0, ">", 0.5)], 1)], Rule([], 0))
        print(rules.predict(X), shifted_fidelity(rules, net, X), sd.report)
    """,
    "params": """
        X = np.random.default_rng(0).uniform(size=(200, 2))
        print(TreeLearner(max_size=8).set_params(max_size=4).fit(net, X).model_.depth)
    """,
}
PRELUDE = """
    from __future__ import annotations

    import numpy as np
    import numpy.typing as npt

    import symdistill as sd
    from symdistill.export import build
    from symdistill.learners import RuleLearner, TreeLearner
    from symdistill.models import Condition, Rule, RuleSet, Tree
    from symdistill.shift import shifted_fidelity


    def net(X: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        return X[:, 0] > 0.5


    def parity(words: list[str]) -> list[bool]:
        return [word.count("1") % 2 == 0 for word in words]
"""
_SKIPPED = "torch.*,onnx.*,onnxscript.*,onnx_ir.*,onnxruntime.*,matplotlib.*,scipy.*,sklearn.*,z3.*,polars.*,pyarrow.*"


def _user_script(folder) -> dict[str, tuple[int, int]]:
    """Write the sections as functions of one script, folder/user.py; each one's lines (first, last], from 1."""
    lines, spans = textwrap.dedent(PRELUDE).splitlines(), {}
    for name, body in SECTIONS.items():
        lines += ["", "", f"def {name}() -> None:"]
        start = len(lines)
        lines += ["    " + line for line in textwrap.dedent(body).strip("\n").splitlines()]
        spans[name] = (start, len(lines))
    (folder / "user.py").write_text("\n".join(lines) + "\n")
    return spans


def _by_section(spans: dict[str, tuple[int, int]], found: list[tuple[int, str]]) -> dict[str, list[str]]:
    """Messages ``(line, text)`` as 'line: text' by section, the line counted in the section ("preamble": the
    imports and helpers before the first, by their own line)."""
    said: dict[str, list[str]] = {name: [] for name in ("preamble", *SECTIONS)}
    for line, text in found:
        name = next((n for n, (a, b) in spans.items() if a < line <= b), "preamble")
        said[name].append(f"{line - spans.get(name, (0, 0))[0]}: {text}")
    return said


@pytest.fixture(scope="module")
def mypy_says(tmp_path_factory) -> dict[str, list[str]]:
    """mypy --strict's messages on each section."""
    api = pytest.importorskip("mypy.api")
    folder = tmp_path_factory.mktemp("typed_user")
    spans = _user_script(folder)
    (folder / "mypy.ini").write_text(f"[mypy]\nstrict = True\nfollow_imports = silent\n[mypy-{_SKIPPED}]\n"
                                     "follow_imports = skip\n")
    out, err, _ = api.run([str(folder / "user.py"), "--config-file", str(folder / "mypy.ini"),
                           "--cache-dir", os.devnull, "--no-error-summary", "--python-executable", sys.executable])
    assert not err, err
    found = [re.match(r".*user\.py:(\d+): (.*)", message) for message in out.splitlines()]
    assert all(found), out
    return _by_section(spans, [(int(m.group(1)), m.group(2)) for m in found])


@pytest.fixture(scope="module")
def pyright_says(tmp_path_factory) -> dict[str, list[str]]:
    """pyright's errors (strict) on each section."""
    pyright = shutil.which("pyright")
    if pyright is None:
        pytest.skip("pyright is not installed")
    folder = tmp_path_factory.mktemp("typed_user")
    spans = _user_script(folder)
    # pyright asks the interpreter for its paths in isolated mode, without PYTHONPATH: name the package's folder
    package = str(Path(sd.__file__).resolve().parents[1])
    (folder / "pyrightconfig.json").write_text(json.dumps({"include": ["user.py"], "typeCheckingMode": "strict",
                                                           "extraPaths": [package]}))
    run = subprocess.run([pyright, "--outputjson", "--pythonpath", sys.executable], cwd=folder, capture_output=True,
                         text=True, timeout=300)
    found = json.loads(run.stdout)["generalDiagnostics"]
    return _by_section(spans, [(d["range"]["start"]["line"] + 1, d["message"]) for d in found
                               if d["severity"] == "error"])


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _revealed(messages: list[str]) -> list[str]:
    """The types reveal_type showed, as mypy 2 writes them (earlier versions wrote 'builtins.str')."""
    return [m.split('Revealed type is "')[1][:-1].replace("builtins.", "") for m in messages if "Revealed type" in m]


def test_a_distilled_model_is_typed_as_its_form_so_its_predict_and_meta_type_check(mypy_says) -> None:
    """sd.distill was annotated to return SymbolicModel, the base class, which has no predict, predict_proba,
    meta or domain: the README's `tree = sd.distill(...); tree.predict(X)` failed mypy --strict ('"SymbolicModel"
    has no attribute "predict"'), as did sd.refine's `better.meta[...]`, front.best()'s predict and
    TreeLearner(...).fit(net, X).model_ (fit was typed to return a Learner). distill is now typed by its form
    (a Tree by default, a RuleSet for form='rules', a LinearModel for form='linear', one of the three for a
    form held in a str), refine returns the model's own type, a learner's fit returns the learner."""
    said = mypy_says["distill"]
    assert [m for m in said if "error" in m] == []
    assert _revealed(said) == ["symdistill.models.tree.Tree", "symdistill.models.rules.RuleSet",
                               "symdistill.models.linear.LinearModel", "symdistill.models.tree.Tree"]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.get_overloads is Python 3.11's")
def test_each_form_gives_the_model_its_overload_promises() -> None:
    """The overloads that type sd.distill by its form say what it returns: each form's model is an instance of
    the class its overload names (none was declared before: every form was a SymbolicModel)."""
    promised = {}
    for overload in typing.get_overloads(sd.distill):
        hints = typing.get_type_hints(overload, vars(sd.api))
        form = typing.get_args(hints["form"])
        if form:
            promised[form[0]] = hints["return"]
    assert promised == {"tree": Tree, "rules": RuleSet, "linear": LinearModel}
    X = np.random.default_rng(0).uniform(size=(200, 2))
    for form, cls in promised.items():
        model = sd.distill(lambda X: X[:, 0] > 0.5, X, form=form, max_size=2, random_state=0, n_samples=300)
        assert type(model) is cls


def test_a_loaded_model_predicts_and_a_copy_keeps_its_type_when_type_checked(mypy_says) -> None:
    """sd.load was annotated to return SymbolicModel: `sd.load("tree.json").predict(X)`, and its `meta`, failed
    mypy --strict, though every model it loads predicts; `tree.copy()` and `Tree.from_dict(d)` were a
    SymbolicModel too, and a bytearray, which load reads, was refused. load now returns one of the five model
    classes (narrowed with isinstance where one's own methods are wanted), copy and from_dict their own class."""
    said = mypy_says["load"]
    assert [m for m in said if "error" in m] == []
    assert _revealed(said) == ["symdistill.models.tree.Tree", "symdistill.models.tree.Tree"]


def test_export_is_typed_text_or_bytes_by_its_target(mypy_says) -> None:
    """sd.export was annotated `-> str | bytes` whatever the target: the README's
    `open("model.c", "w").write(sd.export(tree, "c"))` failed mypy --strict (a text file takes no bytes), as
    did writing the ONNX bytes to a binary file. Its overloads now give bytes for "onnx", str for the text
    targets, and str | bytes only for a target held in a str."""
    said = mypy_says["export"]
    assert [m for m in said if "error" in m] == []
    assert _revealed(said) == ["str", "bytes"]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.get_overloads is Python 3.11's")
def test_each_export_target_gives_the_type_its_overload_promises() -> None:
    """What sd.export's overloads promise for each target named there is what it returns (there were none)."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    tree = sd.distill(lambda X: X[:, 0] > 0.5, X, max_size=2, random_state=0, n_samples=300)
    dfa = sd.DFA.from_regex(".*00.*", "01")
    promised = {}
    for overload in typing.get_overloads(sd.export):
        hints = typing.get_type_hints(overload)
        for target in typing.get_args(hints["target"]):
            promised[target] = hints["return"]
    assert promised == {"onnx": bytes, "c": str, "python": str, "prolog": str, "json": str, "dot": str}
    for target, kind in promised.items():
        if target == "onnx" and not all(map(_installed, ("onnx", "onnxruntime"))):
            continue
        assert type(sd.export(dfa if target == "dot" else tree, target)) is kind


def test_an_automaton_asked_for_as_a_dfa_or_a_moore_machine_is_typed_so(mypy_says) -> None:
    """sd.distill_automaton was annotated `-> DFA | MooreMachine` whatever its output=: with output="dfa",
    `dfa.accepts(word)` failed mypy --strict ('Item "MooreMachine" of "DFA | MooreMachine" has no attribute
    "accepts"'), and with output="moore" `moore.output(word)` ('Item "DFA" ...'). Its overloads now give a DFA
    for output="dfa", a MooreMachine for output="moore", and either for "auto" (the default), which decides
    by the teacher's labels."""
    said = mypy_says["automata"]
    assert [m for m in said if "error" in m] == []
    assert _revealed(said) == ["symdistill.models.automata.DFA | symdistill.models.automata.MooreMachine"]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.get_overloads is Python 3.11's")
def test_each_automaton_output_gives_the_class_its_overload_promises() -> None:
    """What sd.distill_automaton's overloads promise for output="dfa" and "moore" is what it returns."""
    promised = {}
    for overload in typing.get_overloads(sd.distill_automaton):
        hints = typing.get_type_hints(overload, vars(sd.automata_api))
        for output in typing.get_args(hints["output"]):
            promised[output] = hints["return"]
    assert promised == {"dfa": DFA, "moore": MooreMachine}
    for output, cls in promised.items():
        learnt = sd.distill_automaton(lambda ws: [w.count("1") % 2 == 0 for w in ws], alphabet=["0", "1"],
                                      output=output, random_state=0)
        assert type(learnt) is cls


def test_the_classes_of_a_class_fidelity_and_a_rule_learners_tree_sizes_type_check(mypy_says) -> None:
    """Iterating sd.class_fidelity's result gave Any (its __iter__ was annotated `-> Any`), so a user's
    `min(c.recall.value for c in by_class)` returned from a function declared `-> float` failed mypy --strict
    ('Returning Any from function declared to return "float"'); the classes are ClassScores, and now typed so.
    RuleLearner(tree_sizes=(4, 8)), a tuple, which fit takes, was refused: tree_sizes was `list[int]`."""
    said = mypy_says["scores"]
    assert [m for m in said if "error" in m] == []
    assert _revealed(said) == ["symdistill.metrics.ClassScore"]


def test_frontier_sizes_may_be_an_array_when_type_checked(mypy_says) -> None:
    """sd.frontier's sizes was annotated Sequence[int], though it takes any iterable of whole numbers, NumPy's
    too: `sd.frontier(net, X, sizes=2 ** np.arange(1, 4))` failed mypy --strict (an array is no Sequence), as did
    sizes=[np.int64(2), 4]. It is now Iterable[int | np.integer]."""
    assert mypy_says["frontier"] == []


def test_verify_given_a_list_of_constraints_is_a_type_error(mypy_says) -> None:
    """sd.verify takes one constraint, a string or a property, and refuses a list (sd.refine's, the report's
    form) with a TypeError when run, but its constraint was annotated Any, so mypy --strict let
    `sd.verify(tree, [...])` through. It is now `str | Property`: the list is an error there, one constraint
    of either kind is not."""
    said = [m for m in mypy_says["verify"] if "error" in m]
    assert len(said) == 1 and said[0].startswith('4: error: Argument 2 to "verify" has incompatible type "list[')
    X = np.random.default_rng(0).uniform(size=(200, 2))
    tree = sd.distill(lambda X: X[:, 0] > 0.5, X, max_size=2, random_state=0, n_samples=300)
    with pytest.raises(TypeError, match="a constraint must be a string or a property"):
        sd.verify(tree, ["x0 < 0.2 -> prediction == False"])


def test_a_categorical_features_categories_may_be_a_list_when_type_checked(mypy_says) -> None:
    """sd.Feature's categories was annotated `tuple`, though it takes a list or any sequence of labels (and
    keeps a tuple): `sd.Feature("colour", "categorical", categories=["red", "green"])` failed mypy --strict
    ('incompatible type "list[str]"; expected "tuple[Any, ...]"'). It is now Sequence[Any]."""
    assert mypy_says["domain"] == []
    assert sd.Feature("colour", "categorical", categories=["red", "green"]).categories == ("red", "green")


def test_a_rule_built_from_lists_type_checks(mypy_says) -> None:
    """Rule's conditions and proba were annotated as tuples, though a rule takes any sequence of each (and keeps
    tuples): `Rule([Condition(0, ">", 5.0)], 1, proba=[0.25, 0.75])` failed mypy --strict ('incompatible type
    "list[Condition]"; expected "tuple[Condition, ...]"', and so for proba). They are now Sequence[Condition]
    and Sequence[float] | None."""
    assert mypy_says["rules"] == []
    rule = Rule([Condition(0, ">", 5.0)], 1, proba=[0.25, 0.75])
    assert rule.conditions == (Condition(0, ">", 5.0),) and rule.proba == (0.25, 0.75)


def test_pyright_reads_the_model_and_learner_classes_as_themselves(pyright_says) -> None:
    """register_model was annotated `(cls: type[SymbolicModel]) -> type[SymbolicModel]` and register_learner's
    decorator `type[Learner] -> type[Learner]`; pyright (which, unlike mypy, applies a class decorator's type)
    then read every registered class as the base: `sd.DFA.from_regex` was unknown, `RuleSet(domain, ...)`
    'Expected 0 positional arguments', `TreeLearner(...).fit(...).model_` a SymbolicModel. Both decorators now
    return the class they are given (a TypeVar). Pyright's strict mode also found `sd.report` and
    `shifted_fidelity` partially unknown (a bare `tuple` in their shifts) and a teacher's classes_ partly
    unknown (assigned from an untyped tuple): they are now tuple[Any, ...] and declared np.ndarray | None.
    Every section type-checks under pyright --strict but the misuse the verify section makes on purpose."""
    errors = {name: said for name, said in pyright_says.items() if said}
    assert list(errors) == ["verify"] and len(errors["verify"]) == 1 and errors["verify"][0].startswith("4: ")


def test_pyright_reads_a_frontiers_teacher_counts_as_numbers(pyright_says) -> None:
    """`front.teacher.n_queries`, which the README adds the frontier's `new` column up to, was partially unknown
    to pyright --strict (a frontier's SharedTeacher adds its inner teacher's counts, of no declared type):
    Teacher now declares n_queries and n_calls as int."""
    assert pyright_says["frontier"] == []


def test_pyright_reads_a_domains_columns_and_an_exported_programs_classes(pyright_says) -> None:
    """A Domain's column_labels and column_dtypes, and an export Program's classes and its features'
    categories, were annotated a bare `tuple`, which pyright --strict reads as a tuple of unknowns ('Type of
    "column_labels" is partially unknown'); they are now tuple[Any, ...]."""
    assert pyright_says["domain"] == []


def _admits(hint: typing.Any, value: typing.Any) -> bool:
    """Whether ``value`` is of the type ``hint``: a union's member, a generic's origin, and a sequence's or
    iterable's items each of its item type."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return any(_admits(member, value) for member in typing.get_args(hint))
    if hint is typing.Any:
        return True
    origin, args = typing.get_origin(hint) or hint, typing.get_args(hint)
    if not isinstance(value, origin):
        return False
    return not (args and origin in (abc.Sequence, abc.Iterable)) or all(_admits(args[0], item) for item in value)


@pytest.mark.parametrize("owner, name, value", [
    (sd.Feature, "categories", ["red", "green"]),
    (Rule, "conditions", [Condition(0, ">", 5.0)]),
    (Rule, "proba", [0.25, 0.75]),
    (RuleLearner.__init__, "tree_sizes", (2, 4)),
    (sd.frontier, "sizes", np.array([2, 4])),
    (Tree.__init__, "classes", ["no", "yes"]),
    (sd.Domain.from_data, "categorical", [0.0]),
])
def test_a_sequence_argument_is_annotated_as_what_it_takes(owner, name, value) -> None:
    """Feature's categories and Rule's conditions and proba (tuples), RuleLearner's tree_sizes (a list),
    frontier's sizes (a Sequence, which an array is not), Tree's classes (an array) and Domain.from_data's
    categorical (str | int, though the README names a DataFrame's column labelled 0.0 by 0.0) were annotated
    narrower than what each takes: the annotation now admits the value, which each takes when run."""
    assert _admits(typing.get_type_hints(owner)[name], value)
    X = np.random.default_rng(0).uniform(size=(300, 2))
    net = lambda X: X[:, 0] > 0.5  # noqa: E731
    if owner is sd.Feature:
        assert sd.Feature("colour", "categorical", categories=value).categories == ("red", "green")
    elif owner is Rule:
        assert getattr(Rule([Condition(0, ">", 5.0)], 1, proba=[0.25, 0.75]), name) == tuple(value)
    elif owner == sd.Domain.from_data:  # (a classmethod is bound anew at each look-up)
        import pandas as pd

        domain = sd.Domain.from_data(pd.DataFrame({0.0: [1, 2, 1], "b": [0.5, 0.2, 0.1]}), categorical=value)
        assert [f.kind for f in domain.features] == ["categorical", "numeric"]
    elif owner is Tree.__init__:
        tree = Tree(sd.Domain((sd.Feature("a"),)), "classification", value, children_left=[1, -1, -1],
                    children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[0.5, 0, 0],
                    value=[[1, 1], [1, 0], [0, 1]])
        assert tree.predict(np.array([[0.2], [0.8]])).tolist() == value
    elif owner is sd.frontier:
        assert sd.frontier(net, X, forms=["tree"], sizes=value, n_samples=300, progress=False).sizes == [2, 4]
    else:
        assert RuleLearner(max_size=2, tree_sizes=value, n_samples=300, random_state=0).fit(net, X).model_.size <= 2


def test_the_registering_decorators_are_annotated_to_return_the_class_they_are_given() -> None:
    """register_model was annotated `type[SymbolicModel] -> type[SymbolicModel]` and register_learner's decorator
    `type[Learner] -> type[Learner]` (register_learner itself unannotated), so pyright read every registered model
    and learner class as the base class. Both now take and give back the same type variable, the class itself,
    and the classes they decorate are still registered under their kind and form."""
    from symdistill.learners.base import get_learner, register_learner
    from symdistill.models.base import _REGISTRY, register_model

    hints = typing.get_type_hints(register_model)
    (given,) = typing.get_args(hints["cls"])
    assert isinstance(given, typing.TypeVar) and hints["return"] == hints["cls"]
    deco = typing.get_type_hints(register_learner)["return"]
    (takes,), gives = typing.get_args(deco)
    assert isinstance(typing.get_args(takes)[0], typing.TypeVar) and takes == gives
    assert _REGISTRY["dfa"] is DFA and get_learner("rules") is RuleLearner


def test_set_params_gives_back_the_learner_when_type_checked(mypy_says) -> None:
    """A learner's set_params (scikit-learn's, which the README names) was annotated to return Params, the
    base that holds the options: `TreeLearner(max_size=8).set_params(max_size=4).fit(net, X)` failed mypy
    --strict ('"Params" has no attribute "fit"'). It returns the learner it is called on (a TypeVar), as it
    does when run."""
    assert mypy_says["params"] == []
    hints = typing.get_type_hints(RuleLearner.set_params)
    assert isinstance(hints["return"], typing.TypeVar) and hints["return"] == hints["self"]
    learner = RuleLearner(max_size=8)
    assert learner.set_params(max_size=4) is learner and learner.max_size == 4


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.get_overloads is Python 3.11's")
@pytest.mark.parametrize("function", [sd.distill, sd.export, sd.distill_automaton], ids=lambda f: f.__name__)
def test_each_overload_takes_the_parameters_the_function_takes(function) -> None:
    """The overloads that type distill, export and distill_automaton by form, target and output repeat the
    function's parameters: distill_automaton's gained lstar_states, walks_per_transition and max_refinements
    after its overloads were written, which then took them only through **teacher_options (any type, the
    three unchecked). Each overload lists the function's parameters, in its order and of its kinds."""
    import inspect

    def shape(f: typing.Any) -> list[tuple[str, typing.Any]]:
        return [(p.name, p.kind) for p in inspect.signature(f).parameters.values()]

    overloads = typing.get_overloads(function)
    assert overloads and all(shape(o) == shape(function) for o in overloads)


def test_every_public_functions_annotations_resolve_at_run_time() -> None:
    """typing.get_type_hints(sd.load) raised NameError ('Tree' is not defined) once load's return was typed by
    the model classes models.base imports only for type checkers; tools that read annotations at run time
    (typer, pydantic's validate_call, sphinx-autodoc-typehints) call it."""
    import inspect
    import typing

    import symdistill as sd

    for name in sd.__all__:
        obj = getattr(sd, name)
        if not callable(obj):
            continue
        for target in [obj] + ([m for _, m in inspect.getmembers(obj, inspect.isfunction)] if inspect.isclass(obj) else []):
            typing.get_type_hints(target)
    assert typing.get_type_hints(sd.load)["return"] is not None
