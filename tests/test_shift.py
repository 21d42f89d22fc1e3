"""Shifted fidelity: documented shifts, deterministic rows, and disagreement found off the data."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.domain import Domain
from symdistill.shift import DEFAULT_SHIFTS, Shift, ShiftResults, shifted_fidelities, shifted_fidelity, shifted_rows


def _data(n: int = 600, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x0 = rng.uniform(size=n)
    x1 = x0 + 0.05 * rng.standard_normal(n)  # strongly tied to x0
    x2 = rng.integers(0, 5, size=n).astype(float)  # integer feature
    x3 = rng.integers(0, 2, size=n).astype(float)  # binary feature
    return np.column_stack([x0, x1, x2, x3])


def test_outside_moves_exactly_one_feature_out_of_range_by_at_most_the_margin() -> None:
    X = _data()
    dom = Domain.from_data(X)
    out = shifted_rows(dom, X, Shift("outside", 0.2), random_state=1)
    lo, hi = dom.lower, dom.upper
    outside = (out < lo) | (out > hi)
    assert np.all(outside.sum(axis=1) == 1)
    assert not outside[:, 3].any()  # binary features have no outside
    span = hi - lo
    excess = np.maximum(lo - out, 0) + np.maximum(out - hi, 0)
    assert np.all(excess[:, :2] <= 0.2 * span[:2] + 1e-12)
    assert np.all(excess[:, 2] <= np.ceil(0.2 * span[2]))
    assert np.all(out[:, 2] == np.round(out[:, 2]))  # integers stay integers
    changed = out != X
    assert np.all(changed.sum(axis=1) == 1)  # everything else is a real row
    for j in range(3):
        assert outside[:, j].any()  # every numeric and integer feature is used


def test_marginal_keeps_each_column_but_breaks_dependencies() -> None:
    X = _data()
    out = shifted_rows(Domain.from_data(X), X, "marginal", random_state=0)
    for j in range(X.shape[1]):
        assert sorted(out[:, j]) == sorted(X[:, j])
    assert np.corrcoef(X[:, 0], X[:, 1])[0, 1] > 0.9
    assert abs(np.corrcoef(out[:, 0], out[:, 1])[0, 1]) < 0.2


def test_noise_scales_with_each_features_spread() -> None:
    X = _data(2000)
    X[:, 1] *= 1000
    dom = Domain.from_data(X)
    out = shifted_rows(dom, X, Shift("noise", 0.5), random_state=0)
    diff = out - X
    for j in (0, 1):
        assert np.std(diff[:, j]) == pytest.approx(0.5 * X[:, j].std(), rel=0.1)
    assert np.all(out[:, 2] == np.round(out[:, 2]))
    assert set(np.unique(out[:, 3])) <= {0.0, 1.0}
    assert 0.1 < np.mean(out[:, 3] != X[:, 3]) < 0.4  # replaced with probability 0.5 by a marginal draw


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    X = _data()
    dom = Domain.from_data(X)
    for shift in ("noise", "outside", "marginal"):
        a = shifted_rows(dom, X, shift, random_state=5)
        assert np.array_equal(a, shifted_rows(dom, X, shift, random_state=5))
        assert not np.array_equal(a, shifted_rows(dom, X, shift, random_state=6))
    assert np.array_equal(shifted_rows(dom, X, "none"), X)


def test_disagreement_off_the_data_is_found() -> None:
    X = np.random.default_rng(0).uniform(size=(800, 2))

    def net(X: np.ndarray) -> np.ndarray:
        # On the data (x1 <= 1) this is just x0 > 0.5; above the observed range of x1 it is always 1.
        return ((X[:, 0] > 0.5) | (X[:, 1] > 1.02)).astype(int)

    tree = sd.distill(net, X, max_size=2, random_state=0, n_samples=2000)
    res = shifted_fidelity(tree, net, X, shifts=["none", ("outside", 0.5), "marginal"])
    assert isinstance(res, ShiftResults) and len(res) == 3
    assert res[0].score.value == 1.0 and res[2].score.value == 1.0
    assert res[1].score.value < 0.95  # rows with x1 pushed above its range disagree when x0 <= 0.5
    assert res[1].score.high < 1.0


def test_default_shifts_table() -> None:
    X = _data(300)
    net = lambda X: (X[:, 0] > 0.5).astype(int)  # noqa: E731
    tree = sd.distill(net, X, max_size=2, random_state=0, n_samples=600)
    res = shifted_fidelity(tree, net, X)
    assert [r.shift for r in res] == list(DEFAULT_SHIFTS)
    text = res.to_text()
    assert "outside range (margin 0.25)" in text and "noise (0.5 sd)" in text
    assert res.to_markdown().startswith("| shift |")


def test_a_regressors_shift_table_says_its_fidelity_is_r2() -> None:
    """The column read 'fidelity [95% interval]' for R2 as for a share of agreeing rows."""
    X = _data(300)
    net = sd.as_teacher(lambda X: X[:, 0] + 0.5 * X[:, 1], task="regression")
    model = sd.distill(net, X, max_size=4, n_samples=400, random_state=0)
    res = shifted_fidelity(model, net, X, shifts=["none", "marginal"])
    assert res.to_text().splitlines()[0].split()[1:3] == ["fidelity", "R2"]
    assert res.to_markdown().startswith("| shift | fidelity R2 [95% interval] | n |")


def test_outside_on_a_domain_without_numeric_range_is_reported_not_applicable() -> None:
    X = np.random.default_rng(0).integers(0, 2, size=(200, 2)).astype(float)
    net = lambda X: X[:, 0].astype(int)  # noqa: E731
    tree = sd.distill(net, X, max_size=2, random_state=0, n_samples=300)
    res = shifted_fidelity(tree, net, X, shifts=["outside", "marginal"])
    assert res[0].score is None and "no numeric feature" in res[0].note
    assert "n/a" in res.to_text()
    assert res[1].score is not None


def test_a_class_the_teacher_first_answers_off_the_data_is_named_in_that_shift() -> None:
    X = np.random.default_rng(0).uniform(size=(500, 2))
    net = lambda X: (X[:, 0] * 3).astype(int)  # noqa: E731  label 3 above the range
    teacher = sd.as_teacher(net)
    tree = sd.distill(teacher, X, max_size=4, random_state=0, n_samples=600)
    res = shifted_fidelity(tree, teacher, X, shifts=["none", "outside", "marginal"])
    assert res[0].score is not None and res[2].score is not None
    assert res[1].score is None
    assert "label 3" in res[1].note and "[0, 1, 2]" in res[1].note and "classes=" in res[1].note
    assert "label 3" in res.to_text()
    declared = shifted_fidelity(tree, sd.as_teacher(net, classes=[-1, 0, 1, 2, 3]), X, shifts=["outside"])
    assert declared[0].score is not None and declared[0].score.value < 1


def test_a_teacher_answering_nan_off_the_data_leaves_that_shift_unscored() -> None:
    """A regressor of log(x) is undefined below the data: the 'outside' shift made shifted_fidelity
    (and so sd.report and symdistill report, after every fit) stop with the TeacherError; that shift
    is now unscored with the reason, as one where a classifier answers a new class, and the others
    are measured."""
    X = np.random.default_rng(0).uniform(0.1, 1.0, size=(400, 2))

    def net(X: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.log(X[:, 0] - 0.05) + X[:, 1]

    tree = sd.distill(net, X, max_size=4, random_state=0, n_samples=600)
    res = shifted_fidelity(tree, net, X, shifts=["none", "outside", "marginal"])
    assert res[0].score is not None and res[2].score is not None
    assert res[1].score is None
    assert res[1].note.startswith("the teacher answered NaN or infinity on ")
    assert "of the 400 rows it was asked, first row " in res[1].note
    assert "n/a (the teacher answered NaN" in res.to_text()


def test_a_teacher_that_raises_off_the_data_leaves_that_shift_unscored() -> None:
    """A teacher that refuses rows off the data (a scikit-learn pipeline whose log gives NaN there and whose
    estimator then raises 'Input X contains NaN') stopped shifted_fidelity, and so sd.report and symdistill
    report after every fit, with no report written; that shift is now unscored with the error, as one where
    the teacher answers NaN, and the others are measured. On the rows as given it is still an error."""
    X = np.random.default_rng(0).uniform(size=(300, 2))
    asked = []

    def net(X: np.ndarray) -> np.ndarray:
        asked.append(len(X))
        if X.max() > 1 or X.min() < 0:
            raise RuntimeError("out of range")
        return (X[:, 0] > 0.5).astype(int)

    trees = [sd.distill(net, X, max_size=k, random_state=0, n_samples=300) for k in (2, 3)]
    teacher = sd.as_teacher(net)
    asked.clear()
    res = shifted_fidelities(trees, teacher, X, shifts=["none", "outside", "marginal"])
    assert asked.count(300) == 3  # each shift's rows asked once for both models, the failing ones too
    for r in res:
        assert r[0].score is not None and r[2].score is not None
        assert r[1].score is None
        assert r[1].note.startswith("the teacher raised an error on these rows: callable ")
        assert r[1].note.endswith("net raised RuntimeError on a batch of 300 rows: out of range")
        assert "n/a (the teacher raised an error on these rows" in r.to_text()
    with pytest.raises(sd.TeacherError, match="out of range"):
        shifted_fidelity(trees[0], net, X + 1, shifts=["none", "outside"])


@pytest.mark.parametrize("args, error, match", [
    (("wobble",), ValueError, "shift kind must be one of"),
    (("noise", -1.0), ValueError, "positive number"),
    (("marginal", 0.5), ValueError, "takes no severity"),
])
def test_bad_shifts_are_named(args: tuple, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Shift(*args)


@pytest.mark.parametrize("shifts, match", [
    ("noise", r"shifts must be a list of shifts, got the string 'noise' \(write shifts=\['noise'\]\)"),
    (Shift("noise", 0.5), r"got one shift, Shift\(kind='noise', severity=0.5\) \(write shifts=\[Shift"),
    (("noise", 0.5), r"got the pair \('noise', 0.5\) \(write shifts=\[\('noise', 0.5\)\]\)"),
])
def test_one_shift_where_a_list_is_expected_is_named(shifts: object, match: str) -> None:
    """A string was read letter by letter ('shift kind must be one of ..., got 'n''), a Shift raised
    ''Shift' object is not iterable', and a pair 'a shift must be ..., got 0.5'."""
    X = _data(50)
    tree = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0, n_samples=100)
    with pytest.raises(TypeError, match=match):
        shifted_fidelity(tree, lambda X: (X[:, 0] > 0.5).astype(int), X, shifts=shifts)  # type: ignore[arg-type]
    assert [r.shift.kind for r in shifted_fidelity(tree, lambda X: (X[:, 0] > 0.5).astype(int), X,
                                                   shifts=("noise", "outside"))] == ["noise", "outside"]


def test_shift_coercion_and_model_check() -> None:
    assert Shift.coerce(("noise", 0.3)) == Shift("noise", 0.3)
    with pytest.raises(TypeError, match="a shift must be"):
        Shift.coerce(3)
    with pytest.raises(TypeError, match="tabular model"):
        shifted_fidelity(object(), lambda X: X[:, 0], np.zeros((3, 1)))


@pytest.mark.parametrize("margin", [1e-12, 1e-300])
def test_outside_with_a_margin_below_rounding_still_leaves_the_range(margin: float) -> None:
    """Values near 1e6 with a spread of 1: a 1e-12 margin is below their rounding, and rows stayed on
    the bound, inside the range; integers are still rounded away from it."""
    X = _data()
    X[:, 0] += 1e6
    dom = Domain.from_data(X)
    out = shifted_rows(dom, X, Shift("outside", margin), random_state=0)
    outside = (out < dom.lower) | (out > dom.upper)
    assert np.all(outside.sum(axis=1) == 1)
    assert set(np.unique(out[outside[:, 2], 2])) == {-1.0, 5.0}


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0", np.random.default_rng(0)])
def test_bad_random_state_is_named(seed: object) -> None:
    X = _data(50)
    with pytest.raises(ValueError, match="random_state must be a non-negative integer or None"):
        shifted_rows(Domain.from_data(X), X, "noise", random_state=seed)  # type: ignore[arg-type]


def test_numpy_numbers_are_severities() -> None:
    assert Shift("noise", np.int64(2)).label == "noise (2 sd)"
    assert Shift("outside", np.float32(0.5)).severity == 0.5
    X = _data(50)
    assert np.array_equal(shifted_rows(Domain.from_data(X), X, ("noise", np.int64(2)), random_state=np.int64(3)),
                          shifted_rows(Domain.from_data(X), X, ("noise", 2), random_state=3))


def test_a_huge_severity_is_a_severity() -> None:
    """Any finite positive severity is accepted; past 1e302 its random stream's key overflowed
    (OverflowError: cannot convert float infinity to integer)."""
    X = _data(50)
    dom = Domain.from_data(X)
    a = shifted_rows(dom, X, ("outside", 1e305), random_state=0)
    assert np.array_equal(a, shifted_rows(dom, X, ("outside", 1e305), random_state=0))
    assert np.isfinite(a).all() and np.all(((a < dom.lower) | (a > dom.upper)).sum(axis=1) == 1)


@pytest.mark.parametrize("scale", [1e200, 1e-300])
def test_noise_scales_with_the_spread_of_features_at_the_edges_of_the_float_range(scale: float) -> None:
    """The spread was a plain standard deviation: at 1e200 its squares overflowed and every noisy value
    was inf (shifted_fidelity raised 'non-finite value (inf)'); at 1e-300 they underflowed and the
    feature got no noise at all."""
    X = _data(2000)
    X[:, 0] *= scale
    out = shifted_rows(Domain.from_data(X), X, Shift("noise", 0.5), random_state=0)
    assert np.isfinite(out).all()
    assert np.std((out[:, 0] - X[:, 0]) / scale) == pytest.approx(0.5 * (X[:, 0] / scale).std(), rel=0.1)


def test_shifted_rows_of_features_spanning_the_float_range_stay_finite() -> None:
    """A range from -1e308 to 1e308 is wider than the largest double: 'outside' moved rows to inf (and a
    strong noise past the largest double), which the teacher and the model then refused."""
    X = _data(500)
    X[:, 0] = np.where(X[:, 0] > 0.5, 1.0, -1.0) * X[:, 0] * 1.5e308
    dom = Domain.from_data(X)
    for shift in (Shift("outside", 0.25), Shift("noise", 3.0)):
        out = shifted_rows(dom, X, shift, random_state=0)
        assert np.isfinite(out).all(), shift
    out = shifted_rows(dom, X, Shift("outside", 0.25), random_state=0)
    assert np.all(((out < dom.lower) | (out > dom.upper)).sum(axis=1) == 1)
    tree = sd.distill(lambda X: (X[:, 0] > 0).astype(int), X, max_size=2, random_state=0, n_samples=600)
    res = shifted_fidelity(tree, lambda X: (X[:, 0] > 0).astype(int), X)
    assert all(r.score is not None for r in res)


def test_outside_leaves_a_range_that_reaches_the_largest_double_on_the_side_with_room() -> None:
    """A feature whose upper bound is the largest double has no float above it: a row sent that way was held
    at the bound, inside the range, and counted as a row outside it. Such a feature now leaves on the side
    with room, and one whose range holds every float is not chosen; every row has one feature outside."""
    big = np.finfo(float).max
    X = _data(400)
    X[:, 0] = np.where(X[:, 0] > 0.5, big, X[:, 0])  # x0 up to the largest double
    X[:, 1] = np.where(X[:, 1] > 0.5, big, -big)  # x1 over every float
    dom = Domain.from_data(X)
    out = shifted_rows(dom, X, Shift("outside", 0.25), random_state=0)
    outside = (out < dom.lower) | (out > dom.upper)
    assert np.all(outside.sum(axis=1) == 1)
    assert outside[:, 0].any() and not outside[:, 1].any()
    assert np.all(out[outside[:, 0], 0] < dom.lower[0])


def test_shifted_fidelity_shows_a_bar_over_the_shifts(bar_updates, capsys) -> None:
    """shifted_fidelity took no progress option and scored its shifts with the teacher's bar off:
    five shifts of a million rows, labelled batch after batch, showed nothing. progress=True now
    shows a 'shifted fidelity' bar counting the shifts, where the teacher labels more than one batch
    of rows over all of them, and below it sd.fidelity's 'labelling rows' bar where one shift takes
    more than one batch; False shows none, None (the default) them on a terminal only (not here).
    The scores are the same."""
    import re

    import symdistill.shift as shift_module

    X = _data(1000)
    net = lambda X: (X[:, 0] + X[:, 2] / 5 > 0.7).astype(int)  # noqa: E731
    tree = sd.distill(net, X, max_size=3, random_state=0, progress=False)
    capsys.readouterr()
    # Rows that take a single batch in all (here 10 rows, 5 shifts) show no bar.
    shifted_fidelity(tree, sd.as_teacher(net, batch_size=100), X[:10], progress=True)
    assert capsys.readouterr().err == ""
    tables = {}
    for progress in (False, None, True):
        seen = bar_updates(shift_module) if progress else []  # (a bar switched off keeps no description)
        tables[progress] = str(shifted_fidelity(tree, sd.as_teacher(net, batch_size=100), X, progress=progress))
        err = capsys.readouterr().err
        assert ("shifted fidelity" in err) == (progress is True), err
        assert (re.search(r"labelling rows: .*/1\.00k ", err) is not None) == (progress is True), err
    assert tables[True] == tables[False] == tables[None]
    assert seen == [("shifted fidelity", n, len(DEFAULT_SHIFTS)) for n in range(1, len(DEFAULT_SHIFTS) + 1)]
    with pytest.raises(ValueError, match="^progress must be True, False or None, got 'yes'$"):
        shifted_fidelity(tree, net, X, progress="yes")
