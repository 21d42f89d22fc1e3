from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill.domain import Domain
from symdistill.metrics import Score, wilson_interval
from symdistill.models import Box
from symdistill.sampling import RegionSampler


def mixed_data(n=500, seed=0):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.normal(size=n), rng.integers(0, 10, n), rng.integers(0, 2, n),
                            rng.uniform(5, 6, n)])


@settings(max_examples=30, deadline=None)
@given(st.floats(-2, 2), st.floats(0.1, 3), st.integers(0, 8), st.integers(0, 1000),
       st.sampled_from(["diagonal", "correlated"]))
def test_samples_stay_in_box_and_keep_kinds(lo, width, ilo, seed, kernel):
    Z = mixed_data()
    Z[:, 3] += 0.5 * Z[:, 0]  # a correlated pair for the correlated kernel
    dom = Domain.from_data(Z)
    s = RegionSampler(dom, Z, kernel=kernel, random_state=seed)
    box = Box.full(4)
    box.lo[0], box.hi[0] = lo, lo + width
    box.lo[1] = ilo - 0.5
    out = s.sample(box, 200)
    assert box.contains(out).all()
    assert np.all(out[:, 1] == np.round(out[:, 1])) and set(np.unique(out[:, 2])) <= {0.0, 1.0}
    assert (out >= dom.lower - 1e-12).all() or (out[:, 0] > lo).all()


def test_sampler_is_deterministic_and_follows_the_data():
    Z = mixed_data(2000)
    dom = Domain.from_data(Z)
    a = RegionSampler(dom, Z, random_state=3).sample(None, 1000)
    b = RegionSampler(dom, Z, random_state=3).sample(None, 1000)
    assert np.array_equal(a, b)
    assert abs(a[:, 0].mean() - Z[:, 0].mean()) < 0.15 and abs(a[:, 0].std() - Z[:, 0].std()) < 0.2


def test_correlated_kernel_keeps_samples_near_correlated_data():
    """Ten features driven by one latent value: independent jitter scatters samples off the data's
    line, the correlated kernel keeps them on it (spread across features like the data's)."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=2000)
    Z = np.column_stack([z + 0.05 * rng.normal(size=2000) for _ in range(10)])
    dom = Domain.from_data(Z)

    def off_line(X):
        return float(np.abs(X - X.mean(axis=1, keepdims=True)).mean())

    diag = RegionSampler(dom, Z, random_state=0).sample(None, 4000)
    corr = RegionSampler(dom, Z, kernel="correlated", random_state=0).sample(None, 4000)
    assert off_line(corr) < 1.2 * off_line(Z) < 0.3 * off_line(diag)
    assert np.corrcoef(corr[:, 0], corr[:, 1])[0, 1] > 0.99 > 0.95 > np.corrcoef(diag[:, 0], diag[:, 1])[0, 1]
    # the per-feature spread is the same either way
    assert np.allclose(corr.std(axis=0), diag.std(axis=0), rtol=0.1)
    again = RegionSampler(dom, Z, kernel="correlated", random_state=0).sample(None, 4000)
    assert np.array_equal(corr, again)


@pytest.mark.parametrize("options, message", [
    ({"sampler_kernel": "full"}, "sampler_kernel must be one of"),
    ({"sampler_bandwidth": 0}, "sampler_bandwidth must be a positive number"),
    ({"sampler_bandwidth": "wide"}, "sampler_bandwidth must be a positive number"),
])
def test_bad_sampler_options_are_named(options, message):
    X = np.random.default_rng(0).uniform(size=(100, 2))
    with pytest.raises(ValueError, match=message):
        sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, **options)


def test_correlated_kernel_through_distill_is_deterministic_and_recorded():
    X = np.random.default_rng(0).normal(size=(400, 3))
    X[:, 1] = X[:, 0] + 0.1 * X[:, 1]
    f = lambda X: (X[:, 0] + X[:, 1] > 0).astype(int)  # noqa: E731
    for form in ("tree", "rules", "linear"):
        a = sd.distill(f, X, form=form, max_size=4, random_state=1, sampler_kernel="correlated", n_samples=2000)
        b = sd.distill(f, X, form=form, max_size=4, random_state=1, sampler_kernel="correlated", n_samples=2000)
        assert a.to_dict() == b.to_dict() and a.meta["sampler"] == "correlated kernel, bandwidth 0.5"
        assert np.mean(a.predict(X) == f(X)) > 0.95


@pytest.mark.parametrize("kernel", ["diagonal", "correlated"])
def test_two_valued_features_are_sampled_at_their_values(kernel):
    """A {3, 7} flag never takes 4, 5 or 6: the queries follow the data, and distilled models do not
    depend on how the flag is coded ({0, 1}, {3, 7}, {0, 5}, or standardised: {-0.87, 1.15}, which was
    jittered in between as a numeric feature, and the stump's fidelity was 0.364)."""
    fids = []
    for vals in ([0, 1], [3, 7], [0, 5], [-0.87, 1.15]):
        X = np.random.default_rng(0).choice(vals, size=(1000, 5)).astype(float)
        s = RegionSampler(Domain.from_data(X), X, kernel=kernel, random_state=0)
        box = Box.full(5)
        box.hi[0] = vals[0] + 0.5  # admits only the smaller value of feature 0
        for b in (None, box):
            Z = s.sample(b, 2000)
            assert set(np.unique(Z)) <= set(map(float, vals))
        assert (s.sample(box, 500)[:, 0] == vals[0]).all()
        t = lambda Z, v=vals: ((Z[:, 0] == v[1]) & (Z[:, 1] == v[0]) | (Z[:, 2] == v[1])).astype(int)  # noqa: E731
        stump = sd.distill(t, X, form="tree", max_size=1, random_state=0, sampler_kernel=kernel)
        fids.append(float(sd.fidelity(stump, t, X)))
    assert fids[0] == fids[1] == fids[2] == fids[3] > 0.6  # the majority class, as with {0, 1}


def test_each_sampled_row_names_the_data_row_it_was_drawn_around():
    """Each sampled row lies within a few bandwidths of its origin (far nearer than rows drawn at
    random), the rows are those ``sample`` draws with the same seed, and a region holding no row
    takes rows from the nearest ones (here those beyond 15), which its origins name."""
    rng = np.random.default_rng(0)
    Z = np.repeat([[0.0, 0.0], [10.0, 10.0], [20.0, 20.0]], 40, axis=0) + rng.normal(0, 0.5, (120, 2))
    dom = Domain.from_data(Z)
    s = RegionSampler(dom, Z, random_state=3)
    rows, origin = s.sample_with_origin(None, 500)
    assert np.array_equal(rows, RegionSampler(dom, Z, random_state=3).sample(None, 500))
    assert origin.shape == (500,) and (np.abs(rows - Z[origin]) <= 5 * s.h).all()
    assert np.abs(rows - Z[origin]).mean() < np.abs(rows - Z[rng.permutation(origin)]).mean() / 3
    box = Box.full(2)
    box.lo[0] = 25.0  # beyond every row: the 30 nearest are moved in
    rows, origin = RegionSampler(dom, Z, random_state=3).sample_with_origin(box, 50)
    assert (rows[:, 0] > 25).all() and (Z[origin, 0] > 15).all() and len(set(origin)) > 1
    assert RegionSampler(dom, Z).sample_with_origin(None, 0)[1].shape == (0,)


def test_sampler_finds_rows_for_an_empty_region():
    Z = mixed_data()
    box = Box.full(4)
    box.lo[0] = 10.0  # beyond every data row
    out = RegionSampler(Domain.from_data(Z), Z, random_state=0).sample(box, 50)
    assert len(out) == 50 and (out[:, 0] > 10.0).all()


@pytest.mark.parametrize("kernel", ["diagonal", "correlated"])
@pytest.mark.parametrize("lo, hi", [(9.0, np.inf), (10.0, 20.0), (-5.0, -1.0), (8.5, np.inf), (-np.inf, 0.0)])
def test_integer_samples_stay_in_a_box_at_or_beyond_the_observed_range(kernel, lo, hi):
    """An integer feature observed in 0..9: the box ``9 < x`` holds only integers beyond the data,
    and gets them (as numeric features do), not 9 (outside the box)."""
    rng = np.random.default_rng(0)
    Z = np.column_stack([rng.integers(0, 10, 300), rng.normal(size=300)]).astype(float)
    box = Box.full(2)
    box.lo[0], box.hi[0] = lo, hi
    out = RegionSampler(Domain.from_data(Z), Z, kernel=kernel, random_state=0).sample(box, 100)
    assert box.contains(out).all() and np.all(out[:, 0] == np.round(out[:, 0]))


@pytest.mark.parametrize("kernel", ["diagonal", "correlated"])
def test_samples_near_the_largest_float_are_finite(kernel):
    rng = np.random.default_rng(0)
    Z = np.column_stack([rng.uniform(-1, 1, 300) * 1.6e308, rng.normal(size=300)])
    with np.errstate(over="ignore", invalid="ignore"):  # the spread and correlations overflow
        s = RegionSampler(Domain.from_data(Z), Z, kernel=kernel, random_state=0)
    out = s.sample(None, 2000)
    assert np.isfinite(out).all()  # about 1 in 60 was NaN


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and 0.27 < hi < 0.28
    lo, hi = wilson_interval(50, 100)
    assert 0.40 < lo < 0.41 and 0.59 < hi < 0.60


def test_fidelity_and_accuracy_scores():
    X = np.linspace(0, 1, 200).reshape(-1, 1)
    tree = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0)
    fid = sd.fidelity(tree, lambda X: (X[:, 0] > 0.5).astype(int), X)
    assert fid.value == 1.0 and fid.low > 0.98 and fid.n == 200 and "fidelity" in str(fid)
    acc = sd.accuracy(tree, X, np.zeros(200, dtype=int))
    assert acc.value == pytest.approx(0.5)


@pytest.mark.parametrize("y, named", [((v for v in [0, 1, 1]), "an iterator"), ({0, 1}, "a set"),
                                      ({"label": [0, 1, 1]}, "a dict"), (None, "None")])
def test_true_labels_that_are_no_sequence_are_named(y, named):
    """sd.accuracy(model, X, (v for v in labels)) said "expected one prediction and one label per row, got
    shapes (3,) and ()": NumPy made the generator (a set, a dict, None) one object."""
    X = np.linspace(0, 1, 200).reshape(-1, 1)
    tree = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0)
    with pytest.raises(sd.DataError, match=rf"^the true labels y are {named}, not one label per row: pass a list or "
                                           r"an array of them$"):
        sd.accuracy(tree, X[:3], y)

@pytest.mark.parametrize("task", ["classification", "regression"])
def test_fidelity_shows_a_bar_while_the_teacher_labels_many_rows(task, capsys):
    """sd.fidelity on a large X labelled it batch after batch with nothing on the terminal, and took
    no progress option. progress=True shows the learners' 'labelling rows' bar, counting the rows,
    False shows none, None (the default) one on a terminal only (not here); the score is the same."""
    import re

    X = np.random.default_rng(0).uniform(size=(1000, 2))
    f = (lambda X: (X[:, 0] > 0.5).astype(int)) if task == "classification" else (lambda X: X[:, 0] + X[:, 1])
    tree = sd.distill(f, X, max_size=4, random_state=0, task=task, progress=False)
    capsys.readouterr()
    scores = {}
    for progress in (False, None, True):
        scores[progress] = sd.fidelity(tree, sd.as_teacher(f, batch_size=100, task=task), X, progress=progress)
        err = capsys.readouterr().err
        assert (re.search(r"labelling rows: .*/1\.00k ", err) is not None) == (progress is True), err
    assert scores[True] == scores[False] == scores[None]
    with pytest.raises(ValueError, match="^progress must be True, False or None, got 'yes'$"):
        sd.fidelity(tree, f, X, progress="yes")


def test_public_api_is_curated():
    expected = {"as_teacher", "distill", "fidelity", "class_fidelity", "load"}
    assert expected <= set(sd.__all__)
    for name in sd.__all__:
        assert hasattr(sd, name), name


def test_doctests_run():
    import doctest
    import importlib
    import pkgutil

    failures = 0
    for mod in pkgutil.walk_packages(sd.__path__, "symdistill."):
        if mod.name.endswith(("__main__", "cli")):
            continue
        module = importlib.import_module(mod.name)
        failures += doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed
    assert failures == 0


def test_r2_against_a_constant_teacher_has_one_convention():
    from symdistill.metrics import regression_agreement

    const = np.full(500, 3.7)
    assert regression_agreement(np.full(500, np.nextafter(3.7, 9)), const).value == 1.0  # was 0.75
    assert regression_agreement(np.full(500, 1e9 + 100), np.full(500, 1e9)).value == 0.0  # was 1.0
    assert regression_agreement(const + 0.5, const).extra["MAE"] == pytest.approx(0.5)
    assert regression_agreement(np.arange(5.0), np.arange(5.0)).value == 1.0


@pytest.mark.parametrize("kernel", ["diagonal", "correlated"])
def test_samples_of_tiny_features_spread_over_their_range(kernel):
    """A feature of 1e-300s had a spread whose square underflowed to 0; its kernel then took width
    1 on a range of 1e-300, and every sampled row was reflected and clipped onto its minimum."""
    Z = np.random.default_rng(0).normal(size=(300, 2)) * np.array([1e-300, 1.0])
    out = RegionSampler(Domain.from_data(Z), Z, kernel=kernel, random_state=0).sample(None, 1000)
    assert len(np.unique(out[:, 0])) > 900 and 0.3 < np.mean(out[:, 0] > 0) < 0.7


def test_mae_of_values_near_the_largest_float_is_finite():
    from symdistill.metrics import regression_agreement

    rng = np.random.default_rng(0)
    ref = rng.uniform(-1, 1, 500)
    pred = ref + rng.uniform(0, 1, 500)
    base, big = regression_agreement(pred, ref), regression_agreement(1e306 * pred, 1e306 * ref)
    for key in ("MAE", "MAE low", "MAE high"):  # the sum of 500 errors of 1e306 overflowed: inf
        assert big.extra[key] == pytest.approx(1e306 * base.extra[key], rel=1e-12)


def test_r2_of_an_infinite_prediction_has_an_interval_without_nan():
    """A model predicting inf (a linear model's score past the largest double) scores R2 -inf and an
    MAE of inf: percentiles between two infinite bootstrap values interpolated to NaN, so the
    interval read [nan, 1.0] and the MAE's upper end nan."""
    from symdistill.metrics import regression_agreement

    s = regression_agreement(np.array([np.inf, 1.0, 2.0]), np.array([0.0, 1.0, 2.0]))
    bounds = [s.value, s.low, s.high, s.extra["MAE"], s.extra["MAE low"], s.extra["MAE high"]]
    assert not np.isnan(bounds).any() and s.value == s.low == -np.inf and s.extra["MAE high"] == np.inf
    assert "nan" not in str(s)


def test_a_score_near_zero_prints_without_a_sign() -> None:
    """A one-leaf regression tree's R2 is the rounding of 0 (-1e-17): it printed 'R2 -0.0000'."""
    s = Score(-1e-17, -0.00004, 0.3, 10, "R2")
    assert str(s).startswith("R2 0.0000 [0.0000, 0.3000] (n=10)")
    assert str(Score(-0.5, float("-inf"), float("nan"), 3, "R2")).startswith("R2 -0.5000 [-inf, nan]")


@pytest.mark.parametrize("scale", [1e300, 1e-300])
def test_correlated_kernel_draws_the_same_rows_from_data_near_the_float_limits(scale):
    """Features near 1e300 or 1e-300 (two strongly correlated here) are sampled as the same data near 1 is,
    times the scale. Their products overflowed or underflowed in the correlation matrix, which came out 0
    (with NumPy's overflow warnings), so the correlated kernel jittered them independently."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 500))
    X = np.c_[a, a + 0.1 * b, b]
    near_one = RegionSampler(Domain.from_data(X), X, kernel="correlated", random_state=0).sample(None, 2000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        far = RegionSampler(Domain.from_data(X * scale), X * scale, kernel="correlated", random_state=0)
        rows = far.sample(None, 2000) / scale
    np.testing.assert_allclose(rows, near_one, atol=1e-6)  # (the spreads are computed apart: 1e-8 of them)


def test_r2_interval_is_taken_on_resamples_where_r2_is_defined():
    """A resample drawing one value of reference values that differ has no R²; such resamples were
    scored by the constant convention (0, or 1 where the model matched that value), so R² 0.94 on 3
    rows read [0.0000, 0.9550] and a model of R² at most 0.7222 on every resample read [.., 1.0000]."""
    from symdistill.metrics import regression_agreement

    s = regression_agreement(np.array([0.1, 0.9, 0.4]), np.array([0.0, 1.0, 0.5]))
    assert s.value == pytest.approx(0.94) and 0.5 < s.low < s.value < s.high < 1
    ref = np.array([0.0] * 9 + [1.0])  # 35% of resamples miss the 1, where the model (0.5 * ref) matches
    s = regression_agreement(0.5 * ref, ref)
    assert s.high == pytest.approx(s.value) and s.low < s.value  # the 1 once of 10: the best it scores
    # a constant teacher keeps its convention on every resample: the interval holds the 0s and the 1s
    s = regression_agreement(np.array([1.0, 1.0, 1.0, 1.0, 2.0]), np.ones(5))
    assert (s.value, s.low, s.high) == (0.0, 0.0, 1.0)


def test_r2_on_two_rows_has_no_interval_and_says_so():
    """On 2 rows the only resamples with an R² are the 2 rows themselves: '0.9600 [0.0000, 0.9600]' was
    the resamples of one row (scored 0) against those; there is no interval, and the score says so."""
    from symdistill.metrics import regression_agreement

    s = regression_agreement(np.array([0.1, 0.9]), np.array([0.0, 1.0]))
    assert s.value == pytest.approx(0.96) and np.isnan(s.low) and np.isnan(s.high)
    assert str(s).startswith("fidelity R2 0.9600 [no interval on 2 rows] (n=2), MAE 0.1")
    assert s.extra["MAE low"] == pytest.approx(0.1) == s.extra["MAE high"]
    t = sd.as_teacher(lambda X: 2.0 * X[:, 0], task="regression")
    X = np.linspace(0, 1, 50).reshape(-1, 1)
    tree = sd.distill(t, X, max_size=4, random_state=0)
    assert "[no interval on 2 rows] (n=2)" in str(sd.fidelity(tree, t, X[[3, 40]]))
    # values equal on both rows: the constant convention, on every resample, gives its interval
    assert regression_agreement(np.array([2.0, 2.0]), np.array([2.0, 2.0])).low == 1.0


def test_a_one_class_model_s_refusal_says_the_model_knows_that_class_only() -> None:
    """A tree distilled from 2 rows the teacher labels 0 knows class 0 only; its fidelity on a row the
    same teacher labels 1 was refused as 'is it the teacher the model was distilled from, answering in
    the same labels (... classes=[...])?', and declaring classes=[0] makes the teacher's 1 an error. The
    refusal now says what else it can be: a model of one class, which agrees with no row of another."""
    net = lambda X: (X[:, 0] > 0.5).astype(int)  # noqa: E731
    X = np.array([[0.1, 0.2], [0.3, 0.9], [0.8, 0.5]])
    tree = sd.distill(net, X[:2], max_size=4, random_state=0, n_samples=0)
    assert [int(c) for c in tree.classes] == [0]
    one_class = (r"the model knows one class, 0, alone \(the rows it was distilled from were of that class\): it agrees "
                 r"with no row of another; distil it from rows of the teacher's other classes too, or declare them "
                 r"\(sd.as_teacher\(teacher, classes=\[...\]\); on the command line --classes\)$")
    with pytest.raises(sd.DataError, match=r"^none of the teacher's labels \(1, ...\) is one of the model's classes "
                                           r"\[0\]; .*" + one_class):
        sd.fidelity(tree, net, X[2:])
    with pytest.raises(sd.DataError, match=r"^none of the true labels \(1, ...\) .*" + one_class):
        sd.accuracy(tree, X[2:], [1])


@pytest.mark.parametrize("kernel", ["diagonal", "correlated"])
def test_a_value_half_the_rows_hold_is_not_smeared(kernel):
    """adult's capital-gain is 0 on 92% of its rows; the jitter spread those zeros over (0, a few
    thousand], where almost no row lies, and the learners spent rules and splits on the teacher's
    answers there (a rule on capital-gain in (54.5, 4243.5] printed coverage 23%, 1.3% of the data's
    rows). A value that half the rows or more hold (a point mass) is now kept by the rows drawn around
    it; the other rows are jittered as before."""
    rng = np.random.default_rng(0)
    n = 2000
    gain = np.where(rng.uniform(size=n) < 0.9, 0.0, rng.uniform(2000, 20000, n).round())
    X = np.column_stack([gain, rng.normal(size=n), rng.uniform(size=n)])
    s = RegionSampler(Domain.from_data(X), X, kernel=kernel, random_state=0)
    Z = s.sample(None, 20000)
    assert abs((Z[:, 0] == 0).mean() - 0.9) < 0.02
    assert ((Z[:, 0] > 0) & (Z[:, 0] < 1000)).mean() < 0.01  # few rows between the zeros and the rest
    above = Z[Z[:, 0] > 0, 0]
    assert len(np.unique(above)) > 500  # the rest is jittered still
    # inside a region that excludes the point mass, rows are jittered as before
    box = Box.full(3)
    box.lo[0] = 5000
    assert (s.sample(box, 500)[:, 0] > 5000).all()


def test_a_point_mass_is_found_in_either_half():
    """A value held by exactly half the rows is a point mass, whether it lies below or above the rest."""
    for low in (True, False):
        col = np.r_[np.zeros(500), np.linspace(1, 100, 500)] * (1 if low else -1)
        X = np.column_stack([col, np.random.default_rng(1).normal(size=1000)])
        Z = RegionSampler(Domain.from_data(X), X, random_state=0).sample(None, 4000)
        assert abs((Z[:, 0] == 0).mean() - 0.5) < 0.04


def test_accuracy_refuses_true_labels_holding_x_s_rows_in_another_order():
    """sd.accuracy pairs y with X by position: a shuffled DataFrame X with its labels y in the first order
    scored each row against another row's label, 0.5 for a model of 1.0, without a word (found by the
    table-inputs audit). Such a y is refused, naming y.loc[X.index]; indexes of other labels pair by position."""
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(np.random.default_rng(0).uniform(size=(300, 2)), columns=["a", "b"])
    y = (X["a"] > 0.5).astype(int)
    model = sd.distill(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0)
    shuffled = X.sample(frac=1, random_state=0)
    assert sd.accuracy(model, shuffled, y.loc[shuffled.index]).value == 1.0
    with pytest.raises(sd.DataError, match=r"y have the row labels of X in another order: .* pass y.loc\[X.index\]"):
        sd.accuracy(model, shuffled, y)
    assert sd.accuracy(model, shuffled.reset_index(drop=True), y.loc[shuffled.index].to_numpy()).value == 1.0
    assert sd.accuracy(model, shuffled.reset_index(drop=True), y.loc[shuffled.index].reset_index(drop=True)).value == 1.0
