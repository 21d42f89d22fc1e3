"""Regression targets far from zero, very small or very large, integer-valued or constant: the
learned models must not depend on where the target sits or on its units."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd

X = np.random.default_rng(0).uniform(-1, 1, size=(500, 3))


def _r2(model, f):
    return float(sd.fidelity(model, sd.as_teacher(f, task="regression"), X))


@pytest.mark.parametrize("form", ["tree", "rules"])
def test_an_offset_does_not_change_the_model(form):
    fits = []
    for offset in (0.0, 1e7, 1e9):
        f = lambda X, o=offset: o + np.sin(3 * X[:, 0]) + X[:, 1]  # noqa: E731
        m = sd.distill(f, X, form=form, max_size=6, task="regression", random_state=0)
        fits.append((m.size, round(_r2(m, f), 3)))
    assert fits[0] == fits[1] == fits[2] and fits[0][1] > 0.8  # a 1e9 offset left 1 leaf at R2 0


def test_rule_pruning_does_not_depend_on_the_units():
    sizes = []
    for scale in (1e-6, 1.0, 1e3):
        f = lambda X, s=scale: s * (np.sin(3 * X[:, 0]) + X[:, 1])  # noqa: E731
        sizes.append(sd.distill(f, X, form="rules", max_size=6, task="regression", random_state=0).size)
    assert sizes == [6, 6, 6]  # 1e-6: min_gain was an absolute error and pruned every rule


def test_a_constant_teacher_gives_one_leaf():
    tree = sd.distill(lambda X: np.full(len(X), 3.7), X, form="tree", max_size=6, task="regression", random_state=0)
    assert tree.size == 1 and tree.predict(X[:3]).tolist() == [3.7, 3.7, 3.7]


@pytest.mark.parametrize("form", ["tree", "rules"])
def test_where_the_teacher_answers_one_value_the_model_predicts_it_exactly(form):
    # a weighted mean of 7.25s rounded to 7.250000000000054, so the model of a teacher that is
    # 7.25 everywhere broke "prediction == 7.25", and one that is 0.1 on a region predicted
    # 0.09999999999999999 there
    const = sd.distill(lambda X: np.full(len(X), 7.25), X, form=form, max_size=6, task="regression",
                       random_state=0)
    assert set(const.predict(X).tolist()) == {7.25} and sd.verify(const, "prediction == 7.25").holds
    step = sd.distill(lambda X: 0.1 * (X[:, 0] > 0.3), X, form=form, max_size=6, task="regression",
                      random_state=0)
    assert set(step.predict(X).tolist()) == {0.0, 0.1}


@pytest.mark.parametrize("value", [0.1, 7.25])
def test_a_linear_model_of_a_constant_teacher_is_that_constant(value):
    # the rounding of sums of a repeated 0.1 read as signal: 5 weights of about 1e-17 and an
    # intercept of 0.09999999999999931 (7.25: no weights, but 7.250000000000054)
    lin = sd.distill(lambda X: np.full(len(X), value), X, form="linear", max_size=4, task="regression",
                     random_state=0)
    assert lin.size == 0 and set(lin.predict(X).tolist()) == {value}
    assert sd.verify(lin, f"prediction == {value!r}", backend="z3").holds


@pytest.mark.parametrize("scale", [0.1, 1e-6, 1.0, 3.0])
def test_a_step_teacher_gives_two_leaves_whatever_its_height(scale):
    # sums of a repeated 0.1 or 1e-6 round, and the rounding was scored as gain: those steps got
    # 8 leaves, seven of them splitting regions where the teacher answers one value, where 1.0 got 2
    f = lambda X: scale * (X[:, 0] > 0.3)  # noqa: E731
    tree = sd.distill(f, X, form="tree", max_size=8, task="regression", random_state=0)
    assert tree.size == 2 and _r2(tree, f) == 1.0


def test_integer_values_are_values_when_the_task_says_so():
    f = lambda X: np.round(5 * X[:, 0] + 3 * X[:, 1]).astype(np.int64)  # noqa: E731
    tree = sd.distill(f, X, form="tree", max_size=8, task="regression", random_state=0)
    assert tree.task == "regression" and _r2(tree, f) > 0.8
    with pytest.raises(sd.TeacherError, match="or task='regression' if these numbers are values"):
        sd.distill(f, X, form="tree", max_size=8, random_state=0)  # read as labels: -8 was not seen first


def test_whole_numbers_read_as_classes_draw_one_warning_naming_the_rows_classes():
    """The determinism check asks the first 32 rows twice before the rows are labelled: their classes
    drew the warning too, so a teacher of ages drew two, the first naming the classes of those 32
    rows ('24 classes (18 to 79)', then '63 classes (18 to 80)')."""
    import warnings

    rows = np.column_stack([np.arange(500) % 60 + 18.0, X[:, 1]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sd.distill(lambda X: X[:, 0].astype(int), rows, form="tree", max_size=4, random_state=0)
    counts = [str(w.message) for w in caught if "answers whole numbers" in str(w.message)]
    assert len(counts) == 1 and "read as 60 classes (18 to 77)" in counts[0]


def test_no_refinement_still_grows_a_tree():
    f = lambda X: (X[:, 0] + X[:, 1] > 1).astype(int)  # noqa: E731
    tree = sd.distill(f, X, form="tree", max_size=8, refine_passes=0, random_state=0, n_samples=1000)
    assert tree.size >= 4 and float(sd.fidelity(tree, f, X)) > 0.9  # it collapsed to 1 leaf


def test_values_print_with_the_digits_that_tell_them_apart():
    f = lambda X: 1e6 + np.sin(3 * X[:, 0]) + X[:, 1]  # noqa: E731
    for form in ("tree", "rules"):
        text = str(sd.distill(f, X, form=form, max_size=4, task="regression", random_state=0))
        shown = [w for w in text.split() if w.startswith(("99999", "100000"))]
        assert len(shown) >= 4 and len(set(shown)) == len(shown) and "1e+06" not in text


def test_fidelity_r2_does_not_depend_on_the_units():
    from symdistill.metrics import regression_agreement

    ref = np.sin(3 * X[:, 0]) + X[:, 1]
    pred = ref + 0.3 * np.cos(5 * X[:, 2])
    base = regression_agreement(pred, ref)
    assert 0.5 < base.value < 0.99
    for scale in (1e-12, 1e-100, 1e200):
        s = regression_agreement(scale * pred, scale * ref)
        assert s.value == pytest.approx(base.value, rel=1e-9)  # 1e-12: 'constant', R2 1.0; 1e200: NaN
        assert (s.low, s.high) == pytest.approx((base.low, base.high), rel=1e-9)
    assert regression_agreement(np.zeros(500), 1e-12 * ref).value < 0  # a constant 0 scored 1.0


@pytest.mark.parametrize("offset", [1e9, 1e12])
def test_fidelity_r2_does_not_depend_on_an_offset(offset):
    """Values that vary by less than 1e-9 of their size (1e9 + a signal under 1) were taken for a
    constant: every model within 1e-9 of them, a constant one too, scored R2 1.0."""
    from symdistill.metrics import regression_agreement

    ref = 0.5 * (X[:, 0] > 0) + 0.1 * X[:, 1]
    pred = ref + 0.05 * np.cos(5 * X[:, 2])
    base, mean = regression_agreement(pred, ref), regression_agreement(np.full(500, ref.mean()), ref)
    assert 0.5 < base.value < 0.99 and mean.value == pytest.approx(0.0, abs=1e-12)
    assert regression_agreement(offset + pred, offset + ref).value == pytest.approx(base.value, abs=1e-3)
    assert regression_agreement(np.full(500, offset + ref.mean()), offset + ref).value == pytest.approx(0.0, abs=1e-3)
    f = lambda X: offset + 0.5 * (X[:, 0] > 0) + 0.1 * X[:, 1]  # noqa: E731
    const = sd.distill(lambda X: np.full(len(X), offset), X, form="tree", max_size=1, task="regression")
    assert _r2(const, f) < 0  # was 1.0: R2 against its own values read the teacher as a constant


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_huge_and_tiny_values_give_the_same_model(form):
    fits = []
    for scale in (1.0, 1e200, 1e-300):
        f = lambda X, s=scale: s * (np.sin(3 * X[:, 0]) + X[:, 1])  # noqa: E731
        m = sd.distill(f, X, form=form, max_size=6, task="regression", random_state=0, n_samples=2000)
        assert np.isfinite(m.predict(X)).all()
        fits.append((m.size, round(_r2(m, f), 3)))
        sd.load(m.to_json())  # a NaN validation score made the JSON refuse the model
    assert fits[0] == fits[1] == fits[2] and fits[0][1] > 0.7  # 1e200: squares overflowed, 1 leaf at R2 0


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_subnormal_values_are_fitted(form):
    """Values below the smallest normal double (1e-310, held with fewer digits) were to be scaled by
    2**1030, which is no double: the unit was inf, and every form failed inside ("tree 'value' holds
    non-finite numbers", "cannot convert float NaN to integer"); the MAE of such errors was NaN."""
    from symdistill.metrics import regression_agreement

    f = lambda X: 1e-310 * (np.sin(3 * X[:, 0]) + X[:, 1] + 2)  # noqa: E731
    m = sd.distill(f, X, form=form, max_size=6, task="regression", random_state=0, n_samples=2000)
    pred = m.predict(X)
    assert np.isfinite(pred).all() and 0 < np.abs(pred).max() < 1e-308 and _r2(m, f) > 0.7
    assert regression_agreement(np.array([1e-320, 0.0]), np.zeros(2)).extra["MAE"] == 5e-321


def test_regression_trees_do_not_depend_on_the_targets_units():
    """Refinement moved a split only when it gained more than ``1e-9 * max(1, current)``: a fixed
    floor in squared target units whenever the misrouted loss is under 1, so values times 2**-30 or
    1e-8 were never refined and got other thresholds than the same values times 1 or 2**30."""
    f = lambda X: np.sin(3 * X[:, 0]) + X[:, 1] * X[:, 2]  # noqa: E731
    trees = {s: sd.distill(sd.as_teacher(lambda X, s=s: s * f(X), task="regression"), X, form="tree",
                           max_size=8, random_state=0, n_samples=2000) for s in (1.0, 2.0 ** -30, 2.0 ** 30, 1e-8)}
    base = trees[1.0]
    for s, t in trees.items():
        assert t.children_left.tolist() == base.children_left.tolist(), s
        assert t.feature.tolist() == base.feature.tolist(), s
        assert t.threshold.tolist() == base.threshold.tolist(), s  # 2**-30, 1e-8: other cuts
        if s != 1e-8:  # powers of two scale exactly
            assert t.value.tolist() == (s * base.value).tolist(), s
        assert t.value == pytest.approx(s * base.value, rel=1e-9), s


def test_regression_rules_grown_from_trees_do_not_depend_on_the_targets_units():
    """The rule learner grows its candidates with the tree learner, whose refinement floor was fixed."""
    f = lambda X: np.sin(3 * X[:, 0]) + X[:, 1] * X[:, 2]  # noqa: E731
    models = {s: sd.distill(sd.as_teacher(lambda X, s=s: s * f(X), task="regression"), X, form="rules",
                            max_size=6, random_state=0, n_samples=2000) for s in (1.0, 2.0 ** -30, 1e-8)}
    base = models[1.0]
    for s, m in models.items():
        assert [r.conditions for r in m.rules] == [r.conditions for r in base.rules], s
        preds = [r.prediction for r in m.rules + [m.default]]
        assert preds == pytest.approx([s * r.prediction for r in base.rules + [base.default]], rel=1e-9), s
