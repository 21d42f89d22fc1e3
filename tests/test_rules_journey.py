"""The rule-set journey audited end to end as a user of the README: distil, print, verify, export."""

from __future__ import annotations

import importlib
import itertools

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain, Feature
from symdistill.models.rules import Condition, Rule, RuleSet

cells = importlib.import_module("symdistill.verify.cells")


def _one_class_list(n_rules: int, n_features: int = 30, seed: int = 0) -> RuleSet:
    """A list as the learner makes one of a binary teacher: every rule predicts the minority class, each
    with a few bounds on features of its own choosing, and the default is the other class. The
    default's region is what no rule holds, the complement of the union of the rules' boxes."""
    rng = np.random.default_rng(seed)
    dom = Domain(tuple(Feature(f"f{j}", "numeric", 0.0, 1.0) for j in range(n_features)))
    rules = []
    for _ in range(n_rules):
        feats = rng.choice(n_features, size=5, replace=False)
        rules.append(Rule(tuple(Condition(int(j), "<=" if rng.random() < 0.5 else ">", float(rng.uniform(0.2, 0.8)))
                                for j in feats), 1))
    return RuleSet(dom, "classification", np.array(["no", "yes"]), rules, Rule((), 0))


def _check(model: RuleSet, v: sd.Verdict) -> None:
    assert v.holds is False
    pair = np.asarray(v.counterexample.X, dtype=float)
    assert model.predict(pair[:1])[0] != model.predict(pair[1:])[0]


def test_a_list_whose_regions_split_too_far_is_decided_by_z3(monkeypatch) -> None:
    """Carving a rule list's default into boxes outside every rule of another class grows exponentially
    with the rules: breast-cancer's 41-rule list (max_size=200, 30 features) made 1.9 million boxes by 28
    rules and never finished (sd.verify, symdistill verify and the report's constraints hung, memory
    growing), where z3 decides it in 0.3 s. Past a bound on the boxes the direct checker now stops: "auto"
    hands the question to z3, and backend="direct" says why it has no verdict. The bound is lowered
    here so that a 12-rule list (30,000 boxes) reaches it."""
    pytest.importorskip("z3")
    monkeypatch.setattr(cells, "_MAX_CELLS", 5000, raising=False)
    model = _one_class_list(12)
    for prop in (sd.invariant("f3"), sd.monotonic("f3", target="yes")):
        v = sd.verify(model, prop)
        assert v.backend == "z3", v
        if not v.holds:
            _check(model, v)
        with pytest.raises(ValueError, match=r"the direct checker does not cover this: the regions of this rule list "
                                             r"split into more than 5,000 boxes .*use backend='z3' or 'auto'"):
            sd.verify(model, prop, backend="direct")
    assert sd.verify(model, "f0 > 2 -> prediction == 'no'").backend == "direct"  # a vacuous clip: no carving


def test_a_list_of_many_rules_of_one_class_is_verified() -> None:
    """The bound as shipped: a 40-rule list over 30 features, as breast-cancer gives, is decided."""
    pytest.importorskip("z3")
    model = _one_class_list(40)
    v = sd.verify(model, sd.invariant("f3"))
    _check(model, v)
    v = sd.verify(model, sd.monotonic("f3", target="yes"))
    assert v.backend == "z3"
    if not v.holds:
        _check(model, v)


def test_a_dnf_past_the_bound_on_its_terms_is_refused_saying_why(monkeypatch) -> None:
    """as_dnf of breast-cancer's 41-rule list never returned: the default's class is the complement of
    the 41 rules' boxes, millions of terms, built one Python box at a time as memory grew. Past a bound
    on the terms it now says what the DNF would take, and that the list itself states the function. The
    bound is lowered here so that an 8-rule list (about 34,000 terms) reaches it."""
    rules_module = importlib.import_module("symdistill.models.rules")
    monkeypatch.setattr(rules_module, "_MAX_TERMS", 5000, raising=False)
    model = _one_class_list(8)
    with pytest.raises(ValueError, match=r"as_dnf: the DNF passes 5,000 terms \(class 'no', where the default decides, "
                                         r"outside the earlier rules of other classes, takes many\); the decision list's "
                                         r"8 rules and default state the same function"):
        model.as_dnf()
    small = _one_class_list(3)
    dnf = small.as_dnf()  # within the bound: every term, as before
    assert len(dnf["yes"]) == 3 and len(dnf["no"]) > 3
    assert sum(1 for _ in itertools.islice(model.decision_regions(), 6000)) == 6000  # a generator: read as far as wanted
