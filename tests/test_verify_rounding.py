"""Where exact arithmetic (how linear scores and constraint arithmetic are decided) and floating-point
``predict`` part ways within rounding of a tie: a confirmed counterexample when one lies next to the
exact one, else a RoundingAmbiguity naming the point; never an "internal error"."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain, Feature
from symdistill.models import Tree
from symdistill.models.linear import LinearModel, Term
from symdistill.verify import RoundingAmbiguity

DOM = Domain((Feature("x", "numeric", 0.0, 1.0), Feature("y", "numeric", 0.0, 1.0)))
STUMP = Tree(DOM, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1], children_right=[2, -1, -1],
             feature=[0, -1, -1], threshold=[0.5, 0, 0], value=[[1, 0], [1, 0], [0, 1]])


def test_a_float_violation_next_to_the_exact_one_is_found():
    # 0.1 + 0.2 > 0.3 both exactly (the doubles' values) and in floating point, at (1, 1)
    v = sd.verify(STUMP, "0.1*x + 0.2*y <= 0.3")
    assert not v.holds
    x, y = v.counterexample.X[0]
    assert 0.1 * x + 0.2 * y > 0.3


def test_a_violation_only_in_exact_arithmetic_is_an_ambiguity_not_an_internal_error():
    # x - y == 0.1 has exact solutions with x > 0.5, none that floating point confirms
    with pytest.raises(RoundingAmbiguity, match="exact arithmetic"):
        sd.verify(STUMP, "x - y != 0.1 or prediction == 'no'")


@pytest.mark.parametrize("backend", ["auto", "direct", "z3"])
def test_weights_below_rounding_are_an_ambiguity(backend):
    # 1e-20 * x + 1 depends on x exactly, never in floating point
    m = LinearModel(Domain((Feature("x", "numeric", 0.0, 1.0),)), "regression", None, terms=[0], coef=[1e-20],
                    intercept=1.0)
    with pytest.raises(RoundingAmbiguity):
        sd.verify(m, sd.invariant("x"), backend=backend)
    assert issubclass(RoundingAmbiguity, RuntimeError)


@pytest.mark.parametrize("offset, low", [(1e9, -0.09), (0.0, -0.1)])
def test_a_float_violation_where_the_exact_property_holds_is_found_by_both_backends(offset, low):
    # The exact maximum of the score, at a corner of the domain, lies just below the value predict
    # gives there, so "prediction < that value" holds exactly but not in floating point.
    dom = Domain((Feature("x0", "numeric", -1.0, 0.9), Feature("x1", "numeric", -10.0, 9.9),
                  Feature("x2", "numeric", low, 0.1)))
    m = LinearModel(dom, "regression", None, terms=[0, 1, 2], coef=[0.1, 0.3, -7.0], intercept=offset)
    hi = float(m.predict(np.array([[0.9, 9.9, low]]))[0])
    for backend in ("direct", "z3"):
        v = sd.verify(m, f"prediction < {hi!r}", backend=backend)
        assert not v.holds, backend
        assert m.predict(v.counterexample.X)[0] >= hi


def test_a_float_violation_at_a_corner_is_found_next_to_a_relaxed_point_off_it():
    # 1.5*a*e takes predict's value v at the corner (a low, e high) only in floating point; z3's
    # point within rounding of v lies on the curve 1.5*a*e = v, with no coordinate at its bound.
    dom = Domain((Feature("a", "numeric", -1.0400691675832783, -0.9398483625475594),
                  Feature("e", "numeric", 404.7351203033451, 1166.340335808067)))
    m = LinearModel(dom, "regression", None, terms=[Term.product(0, 1)], coef=[1.5], intercept=0.0)
    v = float(m.predict(np.array([[dom.lower[0], dom.upper[1]]]))[0])
    verdict = sd.verify(m, f"prediction != {v!r}", backend="z3")
    assert not verdict.holds
    assert m.predict(verdict.counterexample.X)[0] == v


@pytest.mark.parametrize("backend", ["direct", "z3"])
def test_an_exact_minimum_below_the_one_predict_gives_holds_in_predicts_floats(backend):
    # At the corner (0.2, 3.7), 0.1*x0 + 0.1*x1 + 0.1 is below 0.4900000000000001 exactly, but predict
    # gives that value, its least (its rounded sum never falls as x0 or x1 grows): "prediction >=
    # 0.4900000000000001" fails in exact arithmetic only, and holds for predict (it was a RoundingAmbiguity).
    dom = Domain((Feature("x0", "numeric", 0.2, 1.0), Feature("x1", "numeric", 3.7, 5.0)))
    m = LinearModel(dom, "regression", None, terms=[0, 1], coef=[0.1, 0.1], intercept=0.1)
    assert m.predict(np.array([[0.2, 3.7]]))[0] == 0.4900000000000001
    assert sd.verify(m, "prediction >= 0.4900000000000001", backend=backend).holds
    v = sd.verify(m, "prediction > 0.4900000000000001", backend=backend)
    assert not v.holds and m.predict(v.counterexample.X)[0] == 0.4900000000000001


@pytest.mark.parametrize("backend", ["direct", "z3"])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_violation_predict_confirms_wins_over_one_in_exact_arithmetic_only(backend, sign):
    # At (2, 2), +-(0.1*i + 0.2*j + 0.3) lies beyond +-0.9000000000000001 only exactly (as above; no
    # float point next to it on integers); beyond +-1.5 in floating point too, up to +-1.8.
    dom = Domain((Feature("i", "integer", 2.0, 5.0), Feature("j", "integer", 2.0, 5.0)))
    m = LinearModel(dom, "regression", None, terms=[0, 1], coef=[0.1 * sign, 0.2 * sign], intercept=0.3 * sign)
    assert m.predict(np.array([[2, 2]]))[0] == 0.9000000000000001 * sign
    v = sd.verify(m, sd.output_range(*sorted([0.9000000000000001 * sign, 1.5 * sign])), backend=backend)
    assert not v.holds
    assert abs(m.predict(v.counterexample.X)[0]) > 1.5


@pytest.mark.parametrize("prop", [sd.invariant("x"), sd.monotonic("x", "increasing")])
def test_monotonicity_and_invariance_of_a_linear_model_are_decided_exactly_by_both_backends(prop):
    # -0.5*x + 0.5*max(0, x - 1e-323) is 0 at x = 0 and -0.5e-323 at x = 1 exactly (so neither
    # invariant nor increasing), but 0 at every integer in floating point: an ambiguity, as z3 says;
    # the direct checker summed each feature's contribution in floating point and said "holds".
    dom = Domain((Feature("x", "integer", 0.0, 2.0),))
    m = LinearModel(dom, "regression", None, terms=[Term.numeric(0), Term.hinge(0, 1e-323, 1)], coef=[-0.5, 0.5],
                    intercept=0.0)
    assert np.all(m.predict(np.array([[0.0], [1.0], [2.0]])) == 0.0)
    for backend in ("direct", "z3"):
        with pytest.raises(RoundingAmbiguity, match="exact arithmetic"):
            sd.verify(m, prop, backend=backend)


@pytest.mark.parametrize("prop", [sd.invariant("x"), sd.monotonic("x", "increasing")])
def test_a_pair_predict_confirms_wins_over_one_in_exact_arithmetic_only(prop):
    # -2*max(0, x + 1e-323) + 1 falls by 2e-323 from x = -1 to x = 0 only exactly (predict gives 1
    # at both), and from 1 to -1 at x = 1 in floating point too: the direct checker took the first
    # pair and called the whole question ambiguous.
    dom = Domain((Feature("x", "integer", -1.0, 2.0),))
    m = LinearModel(dom, "regression", None, terms=[Term.hinge(0, -1e-323, 1)], coef=[-2.0], intercept=1.0)
    assert m.predict(np.array([[-1.0], [0.0]])).tolist() == [1.0, 1.0]
    for backend in ("direct", "z3"):
        v = sd.verify(m, prop, backend=backend)
        assert not v.holds, backend
        a, b = m.predict(v.counterexample.X)
        assert (a > b) if hasattr(prop, "direction") else (a != b), backend



def test_a_zero_weight_on_a_term_reaching_past_the_floats_is_no_rounding():
    # a*b reaches 1e600 on this domain, but its weight is 0: predict skips it, and the bound on
    # rounding must too (0 * inf made it NaN, which the z3 backend failed to read as a number).
    dom = Domain((Feature("a", "numeric", -1e300, 1e300), Feature("b", "numeric", -1e300, 1e300),
                  Feature("c", "numeric", 0.0, 1.0)))
    m = LinearModel(dom, "classification", np.array(["no", "yes"]), terms=[Term.product(0, 1), Term.numeric(2)],
                    coef=[0.0, 1.0], intercept=-2.0)
    for backend in ("auto", "z3"):
        assert sd.verify(m, "prediction == 'no'", backend=backend).holds, backend
        assert not sd.verify(m, "c > 0.5 -> prediction == 'yes'", backend=backend).holds, backend



@pytest.mark.parametrize("backend", ["auto", "z3"])
def test_sums_that_overflow_on_the_domain_are_checked_where_they_overflow(backend):
    # 1e10*x - 1e10*y + 1 is 1 wherever x == y in exact arithmetic, but predict's sum at x = y = 1e300 is
    # inf - inf = NaN, so it answers 'neg' there. The bound on rounding was infinite, and z3 failed on
    # it ("OverflowError: cannot convert Infinity to integer ratio"); now predict's violation is found.
    pytest.importorskip("z3")
    dom = Domain((Feature("x", "numeric", 1.0, 1e300), Feature("y", "numeric", 1.0, 1e300)))
    m = LinearModel(dom, "classification", np.array(["neg", "pos"]), terms=[Term.numeric(0), Term.numeric(1)],
                    coef=[[1e10, -1e10]], intercept=[1.0], link="logistic")
    v = sd.verify(m, "x == y -> prediction == 'pos'", backend=backend)
    assert not v.holds
    (x, y), = v.counterexample.X
    with np.errstate(over="ignore", invalid="ignore"):
        assert x == y and m.predict(v.counterexample.X).tolist() == ["neg"]
    assert sd.verify(m, "x == y and x < 1e290 -> prediction == 'pos'", backend=backend).holds
    # a constraint's own arithmetic past the largest double on a tree's domain failed alike
    tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1], children_right=[2, -1, -1],
                feature=[0, -1, -1], threshold=[0.5, 0, 0], value=[[1, 0], [1, 0], [0, 1]])
    assert sd.verify(tree, "1e300*x > 0", backend=backend).holds
    assert not sd.verify(tree, "1e300*x > 1e300*y -> prediction == 'no'", backend=backend).holds

def test_auto_hands_a_direct_ambiguity_to_z3_which_finds_a_confirmed_pair() -> None:
    # The direct checker tries one point for the other features (a = -1, where 0.5*a swallows any
    # change of t below 1e-300); it had no verdict, while z3 finds a pair predict confirms at a = 0.
    pytest.importorskip("z3")
    dom = Domain((Feature("a", "integer", -3, 1), Feature("t", "numeric", 5e-324, 1e-300)))
    m = LinearModel(dom, "regression", None, terms=[Term.numeric(0), Term.numeric(1)], coef=[[0.5, 1.0]],
                    intercept=[0.0], link="identity")
    with pytest.raises(RoundingAmbiguity):
        sd.verify(m, sd.invariant("t"), backend="direct")
    v = sd.verify(m, sd.invariant("t"))
    assert not v.holds and v.backend == "z3"
    a, b = m.predict_encoded(v.counterexample.encoded)
    assert a != b
