"""Vacuity: an implication ``A -> B`` that holds because no input of the model's domain meets ``A``
is said to hold vacuously (``Verdict.vacuous``, a note naming ``A`` and the domain's bounds), on every
model form and backend; a premise met by a single input is not vacuous."""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main
from symdistill.domain import Domain, Feature
from symdistill.models import Tree
from symdistill.models.linear import LinearModel, Term
from symdistill.models.rules import Condition, Rule, RuleSet
from symdistill.verify import smt

# age is integer, 18 .. 90: nobody is under 18.
DOM = Domain((Feature("age", "integer", 18.0, 90.0), Feature("income", "numeric", 0.0, 100.0)))
CLASSES = np.array(["no", "yes"])
BACKENDS = ["direct", "auto", pytest.param("z3", marks=pytest.mark.skipif(
    importlib.util.find_spec("z3") is None, reason="z3 not installed"))]


def tree() -> Tree:
    """'yes' only where income > 150, which the domain (income <= 100) never reaches."""
    return Tree(DOM, "classification", CLASSES, children_left=[1, -1, -1], children_right=[2, -1, -1],
                feature=[1, -1, -1], threshold=[150.0, 0.0, 0.0], value=[[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]])


def rules() -> RuleSet:
    return RuleSet(DOM, "classification", CLASSES, [Rule((Condition(1, ">", 150.0),), 1)], Rule((), 0))


def linear_classifier() -> LinearModel:
    """score = 0.01 * income - 5 < 0 on the whole domain: always 'no'."""
    return LinearModel(DOM, "classification", CLASSES, terms=[Term.numeric(1)], coef=[0.01], intercept=-5.0)


def linear_regressor() -> LinearModel:
    """value = 2 * age: 36 .. 180 on the domain."""
    return LinearModel(DOM, "regression", None, terms=[Term.numeric(0)], coef=[2.0], intercept=0.0)


def each_classifier_and_backend(test: Any) -> Any:
    """Run ``test(make, backend)`` on the tree, the rule list and the linear classifier, each backend."""
    return pytest.mark.parametrize("backend", BACKENDS)(
        pytest.mark.parametrize("make", [tree, rules, linear_classifier])(test))


@each_classifier_and_backend
def test_a_premise_no_input_meets_holds_vacuously(make: Any, backend: str) -> None:
    v = sd.verify(make(), "age < 18 -> prediction == 'yes'", backend=backend)
    assert v.holds and v.vacuous is True
    assert v.vacuity == "no input in the model's domain meets age < 18 (the domain has age in [18, 90])"
    assert str(v).startswith("HOLDS (vacuously): age < 18 -> prediction == 'yes'\n")
    assert "vacuously: no input in the model's domain meets age < 18" in str(v)


@each_classifier_and_backend
def test_a_premise_met_by_a_single_input_is_not_vacuous(make: Any, backend: str) -> None:
    """age == 18 is met only at the domain's least age (an integer): the implication is tested there."""
    v = sd.verify(make(), "age == 18 -> prediction == 'no'", backend=backend)
    assert v.holds and v.vacuous is False and v.vacuity == ""
    assert str(v).startswith("HOLDS: ") and "vacuous" not in str(v)


@each_classifier_and_backend
def test_a_premise_on_the_prediction_the_model_never_gives_is_vacuous(make: Any, backend: str) -> None:
    v = sd.verify(make(), "prediction == 'yes' -> age > 30", backend=backend)
    assert v.holds and v.vacuous is True
    assert v.vacuity == "no input in the model's domain meets prediction == 'yes'"
    met = sd.verify(make(), "prediction == 'no' -> income <= 100", backend=backend)
    assert met.holds and met.vacuous is False


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_regressor_s_premise_on_its_value(backend: str) -> None:
    reg = linear_regressor()
    v = sd.verify(reg, "prediction < 36 -> income > 1000", backend=backend)
    assert v.holds and v.vacuous is True
    assert v.vacuity == "no input in the model's domain meets prediction < 36"
    single = sd.verify(reg, "prediction <= 36 -> age == 18", backend=backend)  # met at age 18 only
    assert single.holds and single.vacuous is False
    v = sd.verify(reg, "age < 18 or income > 100 -> prediction > 1000", backend=backend)
    assert v.holds and v.vacuous is True
    assert v.vacuity == ("no input in the model's domain meets age < 18 or income > 100 (the domain has "
                         "age in [18, 90], income in [0.0, 100.0])")


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_implication_of_a_conjunction_is_checked(backend: str) -> None:
    v = sd.verify(tree(), "(age < 18 -> prediction == 'yes') and (income < 50 -> prediction == 'no')",
                  backend=backend)
    assert v.holds and v.vacuous is True
    assert v.vacuity == "no input in the model's domain meets age < 18 (the domain has age in [18, 90])"
    v = sd.verify(tree(), "(age >= 18 -> prediction == 'no') and (income < 50 -> prediction == 'no')",
                  backend=backend)
    assert v.holds and v.vacuous is False


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_chain_of_implications_takes_every_premise_together(backend: str) -> None:
    """a -> b -> c reads a -> (b -> c): it holds vacuously when no input meets a and b together,
    although each alone is met."""
    v = sd.verify(tree(), "age < 30 -> age > 40 -> prediction == 'yes'", backend=backend)
    assert v.holds and v.vacuous is True
    assert v.vacuity.startswith("no input in the model's domain meets age < 30 and age > 40 ")


@pytest.mark.skipif(importlib.util.find_spec("z3") is None, reason="z3 not installed")
@pytest.mark.parametrize("backend", ["auto", "z3"])
def test_a_premise_with_arithmetic_is_decided_by_z3(backend: str) -> None:
    v = sd.verify(tree(), "age + income < 18 -> prediction == 'yes'", backend=backend)
    assert v.holds and v.vacuous is True and "age + income < 18" in v.vacuity
    v = sd.verify(tree(), "age + income <= 18 -> prediction == 'no'", backend=backend)  # met at age 18, income 0
    assert v.holds and v.vacuous is False


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_vacuity_where_there_is_no_implication_or_no_holds(backend: str) -> None:
    t = tree()
    assert sd.verify(t, "age >= 18", backend=backend).vacuous is None
    assert sd.verify(t, "not (age < 18 -> prediction == 'no')", backend=backend).vacuous is None
    # a conjunct that is no implication is checked whatever the premise: the constraint is not vacuous (it
    # said "HOLDS (vacuously)" for an unmet premise beside it; found by the verify differential audit)
    mixed = sd.verify(t, "(age < 18 -> prediction == 'yes') and age >= 18", backend=backend)
    assert mixed.holds and mixed.vacuous is None and "vacuous" not in str(mixed)
    assert sd.verify(t, sd.monotonic("income"), backend=backend).vacuous is None
    violated = sd.verify(t, "age > 20 -> prediction == 'yes'", backend=backend)
    assert not violated.holds and violated.vacuous is None and "vacuous" not in str(violated)


def test_a_categorical_premise_names_the_categories() -> None:
    dom = Domain((Feature("colour", "categorical", 0.0, 1.0, ("red", "blue")),
                  Feature("income", "numeric", 0.0, 100.0)))
    m = LinearModel(dom, "regression", None, terms=[Term.numeric(1)], coef=[1.0], intercept=0.0)
    v = sd.verify(m, "colour == 'red' and income > 100 -> prediction < 0")
    assert v.holds and v.vacuous is True
    assert v.vacuity == ("no input in the model's domain meets colour == 'red' and income > 100 (the domain has "
                         "colour in {'red', 'blue'}, income in [0.0, 100.0])")


def test_the_verify_command_prints_vacuity(tmp_path: Any, monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.chdir(tmp_path)
    tree().to_json("tree.json")
    code = main(["verify", "tree.json", "-c", "age < 18 -> prediction == 'yes'", "-c",
                 "age == 18 -> prediction == 'no'"])
    out = capsys.readouterr().out
    assert code == 0
    assert "HOLDS (vacuously): age < 18 -> prediction == 'yes'" in out
    assert "vacuously: no input in the model's domain meets age < 18 (the domain has age in [18, 90])" in out
    assert "HOLDS: age == 18 -> prediction == 'no'" in out


def test_a_premise_the_direct_checker_does_not_cover_is_left_undecided_there(monkeypatch: Any) -> None:
    """The constraint holds on every backend (its conclusion is true); its premise has arithmetic, which
    only z3 decides: under "auto" z3 decides it, under "direct" (or without z3) vacuous stays None and
    the verdict stands."""
    text = "age + income < 10 -> true"
    direct = sd.verify(tree(), text, backend="direct")
    assert direct.holds and direct.vacuous is None and str(direct).startswith("HOLDS: ")
    if importlib.util.find_spec("z3") is not None:
        auto = sd.verify(tree(), text, backend="auto")
        assert auto.holds and auto.vacuous is True and "age + income < 10" in auto.vacuity

    def no_z3() -> Any:
        raise ImportError("the z3 backend needs the z3-solver package")

    monkeypatch.setattr(smt, "_z3", no_z3)
    auto = sd.verify(tree(), text, backend="auto")
    assert auto.holds and auto.vacuous is None
