"""Counterexamples put to the teacher, counterexample-guided refinement, automata, and the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main
from symdistill.domain import Domain, Feature
from symdistill.models import Tree
from symdistill.models.automata import DFA

DOM = Domain((Feature("x0", "numeric", 0.0, 1.0), Feature("x1", "numeric", 0.0, 1.0)))


def bump_tree(meta: dict | None = None, domain: Domain = DOM) -> Tree:
    """0 below 0.5, 1 on (0.5, 0.7], 0 above: not monotonic in the first feature."""
    return Tree(domain, "classification", np.array([0, 1]), children_left=[1, -1, 3, -1, -1],
                children_right=[2, -1, 4, -1, -1], feature=[0, -1, 0, -1, -1], threshold=[0.5, 0, 0.7, 0, 0],
                value=[[0.5, 0.5], [1, 0], [0.5, 0.5], [0, 1], [1, 0]], meta=meta)


def step(X: np.ndarray) -> np.ndarray:
    return (X[:, 0] > 0.5).astype(int)


def test_artefact_when_the_teacher_keeps_the_property() -> None:
    v = sd.verify(bump_tree(), sd.monotonic("x0"), teacher=step, search_budget=500)
    assert not v.holds
    assert v.teacher.status == "artefact" and not v.teacher.teacher_violates
    assert v.teacher.found is None and 0 < v.teacher.queries <= 502
    assert "distillation artefact" in str(v)
    # The count is every query of the check, the counterexample's too (it read as the search's alone,
    # 2,002 after a search_budget of 2,000).
    assert f"no teacher violation found nearby ({v.teacher.queries} teacher queries in all, the counterexample's " \
           "included)" in str(v)
    # The search sampled inside the violating region: pairs the model orders wrongly.
    pairs = v.teacher.rows
    assert len(pairs) and len(pairs) % 2 == 0
    p = bump_tree().predict(pairs)
    assert np.all(p[0::2] > p[1::2]) and np.all(pairs[0::2, 0] < pairs[1::2, 0])


@pytest.mark.parametrize("seed", [-1, 1.5, "3", True, np.random.default_rng(0)])
@pytest.mark.parametrize("constraint", [sd.monotonic("x0"), "x0 >= 0"])  # searched near an artefact; holds
def test_a_bad_random_state_is_refused_naming_it(seed: Any, constraint: Any) -> None:
    """verify handed random_state to NumPy only when it searched near an artefact: -1 failed with NumPy's
    "expected non-negative integer", 1.5 and "3" with a TypeError about SeedSequence, neither naming the
    option; True was taken for the seed 1 and a Generator was used as given, where distill refuses both.
    It is now checked first, as distill checks it, whatever the verdict."""
    with pytest.raises(ValueError, match=r"^random_state must be a non-negative integer or None, got "):
        sd.verify(bump_tree(), constraint, teacher=step, random_state=seed)


def test_teacher_violation_when_the_teacher_shares_it() -> None:
    bump = lambda X: ((X[:, 0] > 0.5) & (X[:, 0] <= 0.7)).astype(int)  # noqa: E731
    v = sd.verify(bump_tree(), sd.monotonic("x0"), teacher=bump)
    assert v.teacher.status == "teacher violation" and v.teacher.teacher_violates
    assert v.teacher.teacher_outputs == (1, 0)


def test_search_finds_a_teacher_violation_near_an_artefact() -> None:
    tree = Tree(DOM, "classification", np.array([0, 1]), children_left=[1, -1, -1], children_right=[2, -1, -1],
                feature=[0, -1, -1], threshold=[0.6, 0, 0], value=[[0.5, 0.5], [1, 0], [0, 1]])
    narrow = lambda X: ((X[:, 0] > 0.62) & (X[:, 0] < 0.66)).astype(int)  # noqa: E731
    v = sd.verify(tree, "prediction == 0", teacher=narrow, search_budget=2000, random_state=1)
    assert v.teacher.status == "artefact"  # at the counterexample (x0 = 0.8) the teacher says 0
    found = v.teacher.found
    assert found is not None and 0.62 < found.row["x0"] < 0.66
    assert v.teacher.teacher_violates and v.teacher.found_outputs == (1,)


def test_teacher_checks_are_deterministic_for_a_seed() -> None:
    a = sd.verify(bump_tree(), sd.monotonic("x0"), teacher=step, random_state=3)
    b = sd.verify(bump_tree(), sd.monotonic("x0"), teacher=step, random_state=3)
    assert np.array_equal(a.teacher.rows, b.teacher.rows)


def test_refine_turns_artefacts_into_queries_until_the_constraint_holds() -> None:
    X = np.random.default_rng(0).uniform(size=(400, 2))
    tree = bump_tree({"form": "tree", "method": "pedagogical", "random_state": 0})
    better = sd.refine(tree, step, X, constraints=[sd.monotonic("x0")], max_rounds=3, n_samples=1000)
    report = better.meta["refinement"]
    assert report["holds"] == {"the prediction is monotonically increasing in x0": True}
    assert report["rounds"] >= 1 and report["query_rows_added"] > 0
    assert report["fidelity_after"] > report["fidelity_before"]
    assert sd.verify(better, sd.monotonic("x0")).holds
    assert better.size <= tree.size and better.kind == "tree"


def test_refine_counts_every_teacher_query_it_spent() -> None:
    """A refined model's meta['n_queries'] was its last re-distill's alone: the fidelity figures, every
    round's verification queries near the artefacts and the earlier rounds' fits were left out. It is
    now what refine asked the teacher in all, as distill's counts its own fit's; the last fit's own
    count is meta['refinement']['fit_queries']."""
    X = np.random.default_rng(0).uniform(size=(400, 2))
    asked: list[int] = []

    def counted(X: np.ndarray) -> np.ndarray:
        asked.append(len(X))
        return step(X)

    tree = bump_tree({"form": "tree", "method": "pedagogical", "random_state": 0})
    better = sd.refine(tree, counted, X, constraints=[sd.monotonic("x0")], max_rounds=3, n_samples=1000)
    assert better.meta["refinement"]["rounds"] >= 1
    assert better.meta["n_queries"] == sum(asked)
    assert 0 < better.meta["refinement"]["fit_queries"] < sum(asked)
    # a teacher given as a Teacher has counted earlier work: only refine's own queries are counted
    t = sd.as_teacher(step, classes=[0, 1])
    t.predict(X)
    again = sd.refine(tree, t, X, constraints=[sd.monotonic("x0")], max_rounds=3, n_samples=1000)
    assert again.meta["n_queries"] == t.n_queries - len(X) == better.meta["n_queries"]
    # no round ran: the queries of the verification and the fidelity figures, none of a fit, and the 32 rows
    # the first figure's check that the teacher is deterministic asks twice
    fitted = sd.distill(step, X, max_size=2, random_state=0, n_samples=1000)
    asked.clear()
    same = sd.refine(fitted, counted, X, constraints=[sd.monotonic("x0")])
    assert same.meta["refinement"]["rounds"] == 0 and same.meta["n_queries"] == sum(asked) == 2 * len(X) + 2 * 32
    assert same.meta["refinement"]["fit_queries"] == fitted.meta["n_queries"]


def test_refine_keeps_a_dataframe_column_declared_categorical() -> None:
    # categorical=["g"] on a DataFrame's integer column: the re-distilled model must read g as the
    # categories the user declared, not as an integer feature split at g <= 1.5.
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x0": rng.uniform(size=600), "g": rng.integers(0, 3, 600)})

    def net(frame: Any) -> np.ndarray:
        frame = pd.DataFrame(frame)
        return ((frame["x0"].to_numpy(float) > 0.5) | (frame["g"].to_numpy(float) == 1)).astype(int)

    fitted = sd.distill(net, X, max_size=4, random_state=0, n_samples=1000, categorical=["g"])
    assert fitted.domain.features[1].kind == "categorical"
    better = sd.refine(bump_tree(dict(fitted.meta), fitted.domain), net, X, constraints=[sd.monotonic("x0")],
                       max_rounds=3, n_samples=1000)
    assert better.meta["refinement"]["rounds"] >= 1
    assert better.domain == fitted.domain
    assert sd.fidelity(better, net, X).value == 1.0


def test_refine_of_rows_whose_columns_come_in_another_order_keeps_the_models_feature_order() -> None:
    """A DataFrame's columns are read by name, in any order, but a re-distill took the features in X's order:
    the model refined from X[['x1', 'x0']] had its features the other way round, and its predict on an array
    in the given model's order read x0 as x1."""
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(np.random.default_rng(0).uniform(size=(400, 2)), columns=["x0", "x1"])
    fitted = sd.distill(lambda f: step(pd.DataFrame(f).to_numpy()), X, max_size=2, random_state=0, n_samples=400)
    tree = bump_tree(dict(fitted.meta), fitted.domain)
    better = sd.refine(tree, lambda f: step(pd.DataFrame(f)[["x0", "x1"]].to_numpy()), X[["x1", "x0"]],
                       constraints=[sd.monotonic("x0")], max_rounds=3, n_samples=1000)
    assert better.meta["refinement"]["rounds"] >= 1
    assert better.domain.feature_names == ["x0", "x1"]
    A = X.to_numpy()
    assert np.array_equal(better.predict(A), step(A))


def test_refine_of_a_dataframe_model_takes_the_rows_as_an_array_as_predict_does() -> None:
    """A model distilled from a DataFrame reads an array's columns in its features' order (predict,
    sd.fidelity); refine joined the query rows to such an X by column name and raised AttributeError
    ('numpy.ndarray' object has no attribute 'columns') once a round had run."""
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(np.random.default_rng(0).uniform(size=(400, 2)), columns=["x0", "x1"])
    fitted = sd.distill(lambda f: step(np.asarray(f, dtype=float)), X, max_size=2, random_state=0, n_samples=400)
    tree = bump_tree(dict(fitted.meta), fitted.domain)
    better = sd.refine(tree, lambda f: step(np.asarray(f, dtype=float)), X.to_numpy(),
                       constraints=[sd.monotonic("x0")], max_rounds=3, n_samples=1000)
    assert better.meta["refinement"]["rounds"] >= 1
    assert better.meta["refinement"]["holds"] == {"the prediction is monotonically increasing in x0": True}
    assert better.domain.feature_names == ["x0", "x1"]
    assert np.array_equal(better.predict(X), step(X.to_numpy()))


def test_refine_re_distills_over_the_models_own_domain() -> None:
    """A model fitted over a given domain (fit(net, X, domain=d)) wider than its rows was re-distilled over
    the domain sd.distill infers from X and the counterexample rows: the refined tree's x0 began at X's
    least value, so its verdicts covered a narrower domain than the given model's, with no word."""
    wide = Domain((Feature("x0", "numeric", -5.0, 5.0), Feature("x1", "numeric", -5.0, 5.0)))
    X = np.random.default_rng(0).uniform(size=(400, 2))
    tree = bump_tree({"form": "tree", "method": "pedagogical", "random_state": 0}, wide)
    better = sd.refine(tree, step, X, constraints=[sd.monotonic("x0")], max_rounds=3, n_samples=1000)
    assert better.meta["refinement"]["rounds"] >= 1
    assert better.domain == wide
    assert sd.verify(better, sd.monotonic("x0")).holds


def test_refine_s_query_rows_keep_values_a_narrow_column_type_cannot_hold() -> None:
    """refine joins its query rows to a DataFrame X in X's column types: over a domain wider than a uint8
    column's values (a model fitted with domain=), a query at x0 = 300 became 44 (uint8 wraps), and the
    re-distill learnt from the teacher's answer at 44 instead. Types that hold the values are kept."""
    import pandas as pd

    from symdistill.verify.refine import _with_rows

    X = pd.DataFrame({"x0": np.array([0, 10, 200], dtype=np.uint8), "x1": np.array([0.5, 0.2, 0.1], dtype=np.float32),
                      "x2": pd.array([1, 2, 3], dtype="Int64")})
    wide = Domain.from_data(pd.DataFrame({"x0": [0, 300], "x1": [0.0, 1e39], "x2": [1, 3]}))
    out = _with_rows(X, np.array([[300.0, 1e39, 2.0], [100.0, 0.25, 3.0]]), wide)
    assert out["x0"].tolist() == [0, 10, 200, 300, 100] and out["x1"].iloc[3] == 1e39
    assert out["x2"].dtype == "Int64" and out["x2"].tolist() == [1, 2, 3, 2, 3]
    narrow = _with_rows(X, np.array([[100.0, 0.25, 3.0]]), Domain.from_data(X))
    assert narrow.dtypes.tolist() == X.dtypes.tolist()


def test_refine_re_distills_with_the_sampler_the_model_records() -> None:
    """refine re-distilled with the model's form, method and seed but the default query sampler: a tree
    distilled with sampler_kernel='correlated', sampler_bandwidth=0.3 came back recording 'diagonal kernel,
    bandwidth 0.5', re-distilled other than it was unless the user repeated both options. The sampler
    that meta['sampler'] records is now used too; options given to refine still win."""
    X = np.random.default_rng(0).uniform(size=(400, 2))
    fitted = sd.distill(step, X, max_size=4, random_state=0, n_samples=1000, sampler_kernel="correlated",
                        sampler_bandwidth=0.3)
    assert fitted.meta["sampler"] == "correlated kernel, bandwidth 0.3"
    better = sd.refine(bump_tree(dict(fitted.meta)), step, X, constraints=[sd.monotonic("x0")], max_rounds=3,
                       n_samples=1000)
    assert better.meta["refinement"]["rounds"] >= 1
    assert better.meta["sampler"] == "correlated kernel, bandwidth 0.3"
    again = sd.refine(bump_tree(dict(fitted.meta)), step, X, constraints=[sd.monotonic("x0")], max_rounds=3,
                      n_samples=1000, sampler_bandwidth=0.7)
    assert again.meta["sampler"] == "correlated kernel, bandwidth 0.7"
    third = sd.distill(step, X, max_size=4, random_state=0, n_samples=1000, sampler_bandwidth=1 / 3)
    exact = sd.refine(bump_tree(dict(third.meta)), step, X, constraints=[sd.monotonic("x0")], max_rounds=1,
                      n_samples=1000)
    assert exact.meta["sampler"] == third.meta["sampler"] == f"diagonal kernel, bandwidth {1 / 3!r}"  # not 0.333333
    for text in ("gaussian kernel, bandwidth 0.3", "correlated kernel, bandwidth -1", 3):
        with pytest.raises(ValueError, match=r"refine re-distills with the query sampler the model's meta\['sampler'\]"):
            sd.refine(bump_tree({**fitted.meta, "sampler": text}), step, X, constraints=[sd.monotonic("x0")])


def test_refine_re_distills_with_the_learner_options_the_model_records() -> None:
    """refine re-distilled with the model's form, size, seed and sampler but the learner's default options:
    a tree distilled with max_depth=1 came back two deep, a rule list of max_literals=1 with longer rules,
    a linear model of hinges=True without hinges, unless the user gave each option again. distill now
    records the options given other than their defaults in meta['options'] (kept by the JSON round trip),
    and refine gives them again; options given to refine win."""
    X = np.random.default_rng(0).uniform(size=(400, 2))
    both = lambda X: ((X[:, 0] > 0.5) & (X[:, 1] > 0.5)).astype(int)  # noqa: E731 (two deep)
    fitted = sd.distill(both, X, max_size=4, random_state=0, n_samples=1000, max_depth=1, progress=False)
    assert fitted.meta["options"] == {"max_depth": 1, "n_samples": 1000}
    assert sd.load(fitted.to_json()).meta["options"] == fitted.meta["options"]
    assert "options" not in sd.distill(both, X, max_size=4, random_state=0).meta  # none given
    better = sd.refine(bump_tree(dict(fitted.meta)), both, X, constraints=[sd.monotonic("x0")], max_rounds=2)
    assert better.meta["refinement"]["rounds"] >= 1
    assert better.depth == 1 and better.meta["options"] == fitted.meta["options"]
    deeper = sd.refine(bump_tree(dict(fitted.meta)), both, X, constraints=[sd.monotonic("x0")], max_rounds=2,
                       max_depth=None)
    assert deeper.depth == 2 and deeper.meta["options"] == {"n_samples": 1000}
    rules = sd.distill(both, X, form="rules", max_size=4, max_literals=1, random_state=0, n_samples=1000)
    assert rules.meta["options"] == {"max_literals": 1, "n_samples": 1000}
    for bad in ([["max_depth", 1]], "max_depth=1"):
        with pytest.raises(ValueError, match=r"learner options the model's meta\['options'\] records, which should be a dict"):
            sd.refine(bump_tree({**fitted.meta, "options": bad}), both, X, constraints=[sd.monotonic("x0")])


def test_refine_reads_a_pyarrow_table_as_distill_does() -> None:
    # X as a pyarrow Table, as distill, fidelity and predict take it: the rows refine adds are joined to it.
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    X = pa.Table.from_pandas(pd.DataFrame(np.random.default_rng(0).uniform(size=(400, 2)), columns=["x0", "x1"]))
    net = lambda F: step(np.asarray(F, dtype=float))  # noqa: E731
    tree = sd.distill(net, X, max_size=2, random_state=0, n_samples=1000)
    assert tree.domain.input_format == "dataframe"
    better = sd.refine(bump_tree(dict(tree.meta), tree.domain), net, X, constraints=[sd.monotonic("x0")],
                       max_rounds=3, n_samples=1000, X_eval=X)
    assert better.meta["refinement"]["rounds"] >= 1
    assert better.meta["refinement"]["holds"] == {"the prediction is monotonically increasing in x0": True}


def test_refine_grows_a_model_of_no_rules() -> None:
    # A rule list of the default alone (size 0) whose constraint fails as an artefact: the model is
    # re-distilled at the least size distill takes, 1 rule, not refused for a max_size=0 the user never gave.
    from symdistill.models.rules import Rule, RuleSet

    always = RuleSet(DOM, "classification", np.array([0, 1]), [], Rule((), 0),
                     meta={"form": "rules", "method": "pedagogical", "random_state": 0})
    X = np.random.default_rng(0).uniform(size=(400, 2))
    better = sd.refine(always, step, X, constraints=["x0 > 0.9 -> prediction == 1"], max_rounds=2, n_samples=1000)
    assert better.meta["refinement"]["rounds"] >= 1
    assert better.meta["refinement"]["holds"] == {"x0 > 0.9 -> prediction == 1": True}
    assert better.size == 1


def test_refine_refuses_concept_rules_naming_refine() -> None:
    # Concept rules read a hidden layer's activations: refine cannot put their counterexamples to the
    # network, and says so itself, not as verify's advice to leave out a teacher= it was never given.
    from symdistill.models.rules import Condition, Rule, RuleSet

    concept = RuleSet(DOM, "classification", np.array([0, 1]), [Rule((Condition(0, ">", 0.5),), 1)], Rule((), 0),
                      meta={"form": "rules", "method": "decompositional", "layer": "concepts", "random_state": 0})
    with pytest.raises(TypeError, match=r"refine works on models of input rows.*concept rules.*'concepts'"):
        sd.refine(concept, step, np.random.default_rng(0).uniform(size=(50, 2)), constraints=[sd.monotonic("x0")])


def test_refine_leaves_teacher_violations_alone() -> None:
    bump = lambda X: ((X[:, 0] > 0.5) & (X[:, 0] <= 0.7)).astype(int)  # noqa: E731
    X = np.random.default_rng(0).uniform(size=(300, 2))
    tree = bump_tree({"form": "tree", "method": "pedagogical", "random_state": 0})
    saved = tree.to_dict()
    out = sd.refine(tree, bump, X, constraints=[sd.monotonic("x0")], max_rounds=3)
    assert out.meta["refinement"]["rounds"] == 0
    # No round ran: the result is a copy; the user's model is left as it was.
    assert tree.to_dict() == saved and "refinement" not in tree.meta and out is not tree
    assert out.meta["refinement"]["teacher_violations"] == ["the prediction is monotonically increasing in x0"]


def test_refine_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="at least one constraint"):
        sd.refine(bump_tree(), step, np.zeros((3, 2)), constraints=[])
    with pytest.raises(ValueError, match="max_rounds must be a non-negative integer"):
        sd.refine(bump_tree(), step, np.zeros((3, 2)), constraints=["x0 < 2"], max_rounds=-1)


@pytest.mark.parametrize("option, match", [({"n_sample": 300}, "unknown option 'n_sample'.*did you mean 'n_samples'"),
                                           ({"n_samples": -3}, "n_samples")])
def test_refine_refuses_a_bad_learner_option_before_asking_the_teacher(option: dict, match: str) -> None:
    """An option only a re-distill reads was left unread where no round ran (a teacher violation, a
    constraint that holds): refine returned as if it had been taken."""
    asked = []

    def counted(X: np.ndarray) -> np.ndarray:
        asked.append(len(X))
        return step(X)

    X = np.random.default_rng(0).uniform(size=(50, 2))
    with pytest.raises((TypeError, ValueError), match=match):
        sd.refine(bump_tree(), counted, X, constraints=["x0 < 2"], **option)
    assert asked == []


def test_automata_properties() -> None:
    no000 = DFA.from_regex("(1|01|001)*(|0|00)", "01")  # Tomita 4: no 000
    assert sd.verify(no000, sd.never_accepts(".*000.*")).holds
    v = sd.verify(no000, sd.never_accepts(".*00.*"))
    assert not v.holds and v.counterexample.word == "00" and no000.accepts(v.counterexample.word)
    assert sd.verify(no000, sd.always_accepts("1*")).holds
    a = sd.verify(no000, sd.always_accepts("0*"))
    assert not a.holds and a.counterexample.word == "000" and not no000.accepts("000")
    assert sd.verify(no000, sd.included_in("(0|1)*")).holds
    inc = sd.verify(no000, sd.included_in(DFA.from_regex("1*", "01")))
    assert not inc.holds and inc.counterexample.word == "0"
    assert sd.verify(no000, sd.equivalent(DFA.from_regex("((0|00)?1)*(0|00)?", "01"))).holds
    assert "word '00'" in str(v)
    with pytest.raises(ValueError, match="z3 backend covers tabular models"):
        sd.verify(no000, sd.never_accepts("0"), backend="z3")
    with pytest.raises(TypeError, match="applies to tabular models"):
        sd.verify(no000, sd.monotonic("x0"))


def test_cli_verify_exit_codes(tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "tree.json"
    bump_tree().to_json(path)
    assert main(["verify", str(path), "-c", "x0 <= 0.5 -> prediction == 0"]) == 0
    assert "HOLDS" in capsys.readouterr().out
    assert main(["verify", str(path), "-c", "x0 <= 0.5 -> prediction == 0", "--monotonic", "x0"]) == 1
    out = capsys.readouterr().out
    assert "VIOLATED" in out and "1 of 2 constraints hold" in out
    assert main(["verify", str(path), "--invariant", "x1", "--backend", "z3"]) == 0
    assert main(["verify", str(path), "-c", "x0 <"]) == 2
    err = capsys.readouterr().err
    assert "expected a number" in err and "^" in err
    assert main(["verify", str(path)]) == 2
    dfa = tmp_path / "dfa.json"
    DFA.from_regex("1*", "01").to_json(dfa)
    assert main(["verify", str(dfa), "--never-accepts", ".*0.*"]) == 0
    assert main(["verify", str(dfa), "--always-accepts", "0"]) == 1


def test_dataframe_models_teachers_and_refine() -> None:
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.integers(18, 80, 600), "income": rng.uniform(0, 100, 600),
                       "sex": rng.choice(["F", "M"], 600)})

    def net(frame: "pd.DataFrame") -> np.ndarray:
        return np.where((frame["income"] > 50) & (frame["age"] > 30), "approve", "deny")

    tree = sd.distill(net, df, max_size=4, random_state=0, n_samples=2000)
    v = sd.verify(tree, "age <= 30 -> prediction == 'deny'", teacher=net)
    assert v.holds
    inv = sd.verify(tree, sd.invariant("sex"), teacher=net)
    assert inv.holds
    mono = sd.verify(tree, sd.monotonic("income", target="approve"), teacher=net)
    assert mono.holds
    bad = sd.verify(tree, "income > 60 -> prediction == 'deny'", teacher=net)
    assert not bad.holds and bad.teacher.status == "teacher violation"
    X = bad.counterexample.X
    assert list(X.columns) == ["age", "income", "sex"] and tree.predict(X)[0] == "approve"
    assert bad.counterexample.row["sex"] in ("F", "M") and isinstance(bad.counterexample.row["age"], int)
    again = sd.refine(tree, net, df, constraints=["age <= 30 -> prediction == 'deny'"], n_samples=2000)
    assert again.meta["refinement"]["rounds"] == 0 and again.meta["refinement"]["holds"] == {
        "age <= 30 -> prediction == 'deny'": True}


def test_torch_teacher_end_to_end(blobs, torch_mlp) -> None:
    X = blobs[0]
    tree = sd.distill(torch_mlp, X, max_size=8, random_state=0, n_samples=3000)
    for prop in (sd.monotonic("x0"), sd.invariant("x2"), "x2 > 0.95 -> prediction == 1"):
        v = sd.verify(tree, prop, teacher=torch_mlp, search_budget=300)
        if not v.holds:
            assert v.teacher.status in ("teacher violation", "artefact")
            assert v.teacher.queries >= len(v.counterexample.rows)
    better = sd.refine(tree, torch_mlp, X, constraints=[sd.monotonic("x0"), sd.monotonic("x1")], max_rounds=2,
                       budget=600, n_samples=3000)
    report = better.meta["refinement"]
    assert set(report) == {"rounds", "query_rows_added", "holds", "teacher_violations", "fidelity_before",
                           "fidelity_after", "fit_queries"}
    assert report["query_rows_added"] <= 600 and 0 <= report["fidelity_after"] <= 1
    assert better.size <= tree.size
    assert {"verify", "refine", "monotonic", "invariant", "output_range", "robust", "equivalent",
            "never_accepts", "always_accepts", "included_in"} <= set(sd.__all__)


SIZES = ["S", "M", "L"]  # an ordered Categorical's order, not alphabetical


def sized_rows(ordered: bool = True) -> Any:
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    return pd.DataFrame({"size": pd.Categorical(rng.choice(SIZES, 600), categories=SIZES, ordered=ordered),
                         "w": rng.uniform(0, 10, 600)})


def bump_in_size(task: str) -> Any:
    """Highest at size M: not monotonic in size."""
    if task == "classification":
        return lambda X: np.where((X["size"] == "M") & (X["w"] > 5), "yes", "no")
    return lambda X: 2.0 * (X["size"] == "M").to_numpy() + 0.1 * X["w"].to_numpy()


def rising_in_size(task: str) -> Any:
    if task == "classification":
        return lambda X: np.where(X["size"].map(SIZES.index).to_numpy() * 3 + X["w"].to_numpy() > 6, "yes", "no")
    return lambda X: 2.0 * X["size"].map(SIZES.index).to_numpy().astype(float) + 0.1 * X["w"].to_numpy()


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_monotonic_in_an_ordered_categorical(form: str, task: str) -> None:
    """``sd.monotonic("size")`` on an ordered Categorical S < M < L was refused ("use a numeric,
    integer or binary feature"). Now each backend decides it in the Categorical's order: a model
    that rises with size holds; one peaked at M is violated by a pair of rows that differ only in
    size, the first the smaller, named by category, on which the model's own predict and the teacher
    both break monotonicity."""
    X = sized_rows()
    target = "yes" if task == "classification" else None
    backends = ["direct", "z3"]
    bump = bump_in_size(task)
    peaked = sd.distill(bump, X, form=form, max_size=6, random_state=0)
    rising = sd.distill(rising_in_size(task), X, form=form, max_size=6, random_state=0)
    assert peaked.domain.column_dtypes[0] == "category[ordered]"
    for backend in backends:
        assert sd.verify(rising, sd.monotonic("size", target=target), backend=backend).holds
        v = sd.verify(peaked, sd.monotonic("size", target=target), backend=backend, teacher=bump)
        assert not v.holds and v.backend == backend
        first, second = v.counterexample.pair
        assert first["w"] == second["w"] and SIZES.index(first["size"]) < SIZES.index(second["size"]), str(v)
        rows = v.counterexample.X
        assert list(rows["size"].cat.categories) == SIZES and rows["size"].cat.ordered
        out = peaked.predict(rows)
        assert tuple(out) == v.counterexample.outputs
        g = (out == "yes").astype(float) if target else out
        assert g[0] > g[1], str(v)
        assert v.teacher.teacher_violates and v.teacher.teacher_outputs == tuple(bump(rows)), str(v)
        assert f"size={first['size']!r}" in str(v.counterexample)


def test_monotonic_refuses_unordered_categoricals(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """An unordered Categorical (or categories named in an array) has no order to be monotonic in."""
    unordered = sized_rows(ordered=False)
    net = bump_in_size("classification")
    message = "feature 'size' is categorical and unordered: its categories have no order"
    tree = sd.distill(net, unordered, max_size=4, random_state=0)
    with pytest.raises(ValueError, match=message):
        sd.verify(tree, sd.monotonic("size", target="yes"), backend="z3")
    array = unordered.astype({"size": object}).to_numpy()
    arr_tree = sd.distill(lambda Z: np.where((Z[:, 0] == "M") & (Z[:, 1].astype(float) > 5), "yes", "no"), array,
                          max_size=4, random_state=0, feature_names=["size", "w"], categorical=["size"])
    with pytest.raises(ValueError, match=message):
        sd.verify(arr_tree, sd.monotonic("size", target="yes"))
    path = tmp_path / "tree.json"
    tree.to_json(path)
    assert main(["verify", str(path), "--monotonic", "size", "--target", "yes"]) == 2
    assert message in capsys.readouterr().err


def test_cli_monotonic_in_an_ordered_categorical(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A saved model keeps the Categorical's order: --monotonic follows it."""
    X = sized_rows()
    tree = sd.distill(bump_in_size("classification"), X, max_size=4, random_state=0)
    path = tmp_path / "tree.json"
    tree.to_json(path)
    assert main(["verify", str(path), "--monotonic", "size", "--target", "yes"]) == 1
    out = capsys.readouterr().out
    assert "VIOLATED: prediction == 'yes' is monotonically increasing in size" in out
    assert "[size='M', w=" in out and "vs [size='L', w=" in out
    assert main(["verify", str(path), "--monotonic", "size:decreasing", "--target", "no"]) == 1


def test_a_category_no_row_holds_is_part_of_the_domain() -> None:
    """A Categorical may declare a category no row holds (XL): the domain keeps it, verdicts cover
    it, and constraints and counterexamples name it; the verdict agrees with predict there."""
    pd = pytest.importorskip("pandas")
    X = sized_rows()
    X["size"] = X["size"].cat.add_categories(["XL"])
    net = bump_in_size("classification")
    tree = sd.distill(net, X, max_size=6, random_state=0)
    assert tree.domain.features[0].categories == ("S", "M", "L", "XL")
    xl = pd.DataFrame({"size": pd.Categorical(["XL"] * 50, categories=SIZES + ["XL"], ordered=True),
                       "w": np.linspace(0, 10, 50)})
    says_yes = bool(np.any(tree.predict(xl) == "yes"))
    for backend in ("direct", "z3"):
        v = sd.verify(tree, "size == 'XL' -> prediction == 'no'", backend=backend)
        assert v.holds == (not says_yes)
        if not v.holds:
            assert v.counterexample.row["size"] == "XL" and tree.predict(v.counterexample.X)[0] == "yes"
        assert sd.verify(tree, "size > 'L' -> size == 'XL'", backend=backend).holds


def test_robustness_judges_the_teacher_against_its_own_answer_at_the_point() -> None:
    """Robustness of the teacher is about the teacher's answer at the point, not the model's: a
    teacher answering 1 on the whole domain is robust everywhere, though the model answers 0 at the
    point (it was reported a 'teacher violation' since its 1 differed from the model's 0)."""
    tree = Tree(DOM, "classification", np.array([0, 1]), children_left=[1, -1, -1], children_right=[2, -1, -1],
                feature=[0, -1, -1], threshold=[0.3, 0, 0], value=[[0.5, 0.5], [1, 0], [0, 1]])
    prop = sd.robust({"x0": 0.2, "x1": 0.5}, 0.3)
    ones = lambda X: np.ones(len(X), dtype=int)  # noqa: E731
    v = sd.verify(tree, prop, teacher=ones, search_budget=200)
    assert not v.holds and v.counterexample.outputs == (1,)
    assert v.teacher.status == "artefact" and not v.teacher.teacher_violates
    assert v.teacher.point_output == 1
    assert "answers 1 there and 1 at the given point, and keeps the constraint" in str(v)
    # a teacher that answers 1 at the point and 0 at the counterexample does break it there
    split = lambda X: (X[:, 0] <= 0.21).astype(int)  # noqa: E731
    v = sd.verify(tree, prop, teacher=split, search_budget=200)
    assert v.teacher.status == "teacher violation" and v.teacher.teacher_outputs == (0,)
    assert "teacher violation: the teacher answers 0 there and 1 at the given point" in str(v)


def test_robustness_of_a_regressor_judges_the_teacher_against_its_own_value_at_the_point() -> None:
    tree = Tree(DOM, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1],
                feature=[0, -1, -1], threshold=[0.3, 0, 0], value=[[0.0], [0.0], [5.0]])
    shifted = lambda X: 5.0 + 0.1 * X[:, 0]  # noqa: E731  (moves at most 0.1 on the domain)
    v = sd.verify(tree, sd.robust({"x0": 0.2, "x1": 0.5}, 0.3, tolerance=0.5), teacher=shifted, search_budget=200)
    assert not v.holds and v.teacher.status == "artefact" and v.teacher.found is None


def test_a_teacher_with_equivalence_is_refused_whatever_the_verdict(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """teacher= with equivalence was refused only when the models differed: two equal models gave
    'holds' (exit 0) and two that differ an error (exit 2), so the exit status told the verdict."""
    other = Tree(DOM, "classification", np.array([0, 1]), children_left=[1, -1, -1], children_right=[2, -1, -1],
                 feature=[0, -1, -1], threshold=[0.6, 0, 0], value=[[0.5, 0.5], [1, 0], [0, 1]])
    for model in (bump_tree(), other):
        with pytest.raises(ValueError, match="not to equivalence of two; verify equivalence without teacher="):
            sd.verify(bump_tree(), sd.equivalent(model), teacher=step)
    (tmp_path / "stepteacher.py").write_text("def step(X):\n    return (X[:, 0] > 0.5).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    bump_tree().to_json(tmp_path / "a.json")
    other.to_json(tmp_path / "b.json")
    for second in ("a.json", "b.json"):
        code = main(["verify", str(tmp_path / "a.json"), "--equivalent", str(tmp_path / second),
                     "--teacher", "stepteacher:step"])
        captured = capsys.readouterr()
        assert code == 2 and captured.out == ""
        assert "give --equivalent without --teacher" in captured.err


def named_step(X: np.ndarray) -> np.ndarray:
    return np.where(X[:, 0] > 0.5, "h", "g")


def step_proba(X: np.ndarray) -> np.ndarray:
    p = (X[:, 0] > 0.5).astype(float)
    return np.column_stack([1 - p, p])


def test_a_teacher_answering_other_classes_than_the_models_is_refused_as_fidelity_refuses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """A model of classes 'g' and 'h' (MAGIC's) checked on a teacher answering 0 and 1: verify declared the
    model's classes for the teacher, which renamed its columns in order (0 read as 'g'), and gave a verdict
    where sd.fidelity and evaluate refuse the pair, saying to declare the teacher's classes; a teacher answering
    labels 0 and 1 was refused with advice about a classes= the user never gave. Both are refused now, as
    fidelity refuses them, naming --classes g,h; a teacher answering the model's classes, or declared so, is
    checked as before."""
    X = np.random.default_rng(0).uniform(size=(400, 2))
    model = sd.distill(named_step, X, max_size=2, random_state=0)
    assert model.classes.tolist() == ["g", "h"]
    constraint = "x0 < 0.3 -> prediction == 'h'"
    with pytest.raises(sd.DataError, match="--classes g,h"):
        sd.fidelity(model, step_proba, X)
    for teacher in (step_proba, step):
        with pytest.raises(sd.TeacherError, match=r"predicts class 0, which the model does not know .*"
                                                  r"on the command line: --classes g,h\)"):
            sd.verify(model, constraint, teacher=teacher)
    for teacher in (named_step, sd.as_teacher(step_proba, classes=["g", "h"])):
        v = sd.verify(model, constraint, teacher=teacher)
        assert not v.holds and v.teacher.teacher_violates and v.teacher.teacher_outputs == ("g",)
    # a teacher answering labels, asked a row of one class first, answers the other later
    near = lambda X: np.where((X[:, 0] > 0.5) & (np.abs(X[:, 1] - 0.25) > 0.01), "h", "g")  # noqa: E731
    v = sd.verify(model, "x1 < 0.5 -> prediction == 'g'", teacher=near)
    assert v.teacher.status == "artefact" and v.teacher.teacher_outputs == ("g",) and v.teacher.found_outputs == ("h",)
    # the command line: the same refusal, and --classes declares them
    path = tmp_path / "m.json"
    model.to_json(path)
    (tmp_path / "zero_one.py").write_text("import numpy as np\n\ndef proba(X):\n    p = (X[:, 0] > 0.5).astype(float)\n"
                                          "    return np.column_stack([1 - p, p])\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    verify = ["verify", str(path), "-c", constraint, "--teacher", "zero_one:proba"]
    assert main(verify) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "on the command line: --classes g,h)" in captured.err
    assert main(verify + ["--classes", "g,h"]) == 1
    assert "teacher violation: the teacher answers 'g' there too" in capsys.readouterr().out


def test_refine_reads_the_teacher_in_its_own_classes_as_verify_does() -> None:
    """sd.refine declared the model's classes for a teacher not made a Teacher: one answering probabilities of
    0 and 1, given a model of 'g' and 'h', had its columns renamed in order and was re-distilled from as if it
    were the model's teacher (its fidelity before, 0.03 here, the only sign). It is refused as sd.fidelity and
    sd.verify refuse it, naming how to declare its classes; declared, or answering the model's labels, it is
    refined as before."""
    X = np.random.default_rng(0).uniform(size=(400, 2))
    model = sd.distill(named_step, X, max_size=2, random_state=0, n_samples=600)
    reversed_proba = lambda X: step_proba(X)[:, ::-1]  # noqa: E731  column 0 is where named_step says 'h'
    with pytest.raises(sd.DataError, match=r"none of the teacher's labels \(0, 1, \.\.\.\) is one of the model's "
                                           r"classes \['g', 'h'\].*--classes g,h"):
        sd.refine(model, reversed_proba, X, constraints="x0 < 0.3 -> prediction == 'g'", n_samples=600)
    for teacher in (named_step, sd.as_teacher(step_proba, classes=["g", "h"])):
        out = sd.refine(model, teacher, X, constraints="x0 < 0.3 -> prediction == 'g'", n_samples=600)
        assert out.classes.tolist() == ["g", "h"] and out.meta["refinement"]["fidelity_before"] > 0.95


def test_a_teacher_made_of_labels_answers_a_class_later_than_its_first_answer() -> None:
    """sd.verify(model, c, teacher=sd.as_teacher(f)) of a function answering labels: the Teacher read its
    classes off its first answer, the counterexample's one row ('g'), and the search near it failed on the first
    'h' with "returned label 'h', which is not among its classes ['g']; pass classes=[...] to as_teacher",
    where the function itself (or sd.as_teacher(f, classes=['g', 'h'])) was checked. It is checked alike now."""
    X = np.random.default_rng(0).uniform(size=(400, 2))
    model = sd.distill(named_step, X, max_size=2, random_state=0)

    def near(X: np.ndarray) -> np.ndarray:
        return np.where((X[:, 0] > 0.5) & (np.abs(X[:, 1] - 0.25) > 0.01), "h", "g")

    for teacher in (near, sd.as_teacher(near), sd.as_teacher(near, classes=["g", "h"])):
        v = sd.verify(model, "x1 < 0.5 -> prediction == 'g'", teacher=teacher)
        assert v.teacher.status == "artefact" and v.teacher.teacher_outputs == ("g",)
        assert v.teacher.found_outputs == ("h",) and v.teacher.queries > 1
