"""Frontier: every form and size fitted and measured, Pareto points and knee, best(), sharing."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import symdistill as sd
from symdistill.frontier import (Frontier, FrontierTable, SharedTeacher, knee_index, literal_count,
                                 pareto_mask)
from symdistill.learners import registered_learners


def _data(n: int = 800, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(size=(n, 3))


def _net(X: np.ndarray) -> np.ndarray:
    # Three regions: a size-3 tree is exact, a size-1 or size-2 tree is not.
    return ((X[:, 0] > 0.5) & (X[:, 1] > 0.3)).astype(int)


@pytest.fixture(scope="module")
def front() -> Frontier:
    return sd.frontier(_net, _data(), forms=["tree"], sizes=[1, 2, 4, 8], n_samples=1500)


def test_every_size_is_fitted_measured_and_kept(front: Frontier) -> None:
    rows = front.table()
    assert [r["max_size"] for r in rows] == [1, 2, 4, 8]
    assert all(r["size"] <= r["max_size"] for r in rows)
    for r, p in zip(rows, front.points):
        assert r["low"] <= r["fidelity"] <= r["high"]
        assert p.score.n == len(front.X_holdout)
        # fidelity in the table is the real agreement of the kept model on the held-out rows
        assert r["fidelity"] == pytest.approx(np.mean(p.model.predict(front.X_holdout) == _net(front.X_holdout)))
    assert rows[0]["fidelity"] < 0.9 < rows[2]["fidelity"]
    assert rows[2]["fidelity"] == 1.0


def test_internal_split_holds_out_rows_the_models_never_saw(front: Frontier) -> None:
    assert front.holdout_source == "split"
    assert len(front.X_holdout) == 240 and len(front.X_train) == 560
    train = {r.tobytes() for r in front.X_train}
    assert not any(r.tobytes() in train for r in front.X_holdout)


def test_pareto_and_knee_marks(front: Frontier) -> None:
    rows = front.table()
    # the exact 3-leaf tree dominates the 8-leaf one (same fidelity, larger or equal size)
    exact = [r for r in rows if r["fidelity"] == 1.0]
    assert min(exact, key=lambda r: r["size"])["pareto"]
    assert sum(r["knee"] for r in rows) == 1
    assert front.knee.fidelity == 1.0 and front.knee.size == 3
    assert all(p.pareto for p in front.pareto)


def test_best_returns_smallest_model_meeting_the_bar(front: Frontier) -> None:
    m = front.best(min_fidelity=0.99)
    assert m.size == 3
    assert front.best(min_fidelity=0.0).size == 1
    assert front.best() is front.knee.model
    assert front.best(min_fidelity=0.98, conservative=True).size == 3  # 240 rows: lower end 0.984
    with pytest.raises(ValueError, match="no model reaches"):
        front.best_point(min_fidelity=1.0, conservative=True)
    with pytest.raises(ValueError, match="min_fidelity"):
        front.best(min_fidelity=1.5)


def test_best_names_a_numpy_bar_as_it_was_written(front: Frontier) -> None:
    """A bar given as np.float32(0.99) was named by its float64 value: 'no model reaches ... 0.9900000095367432'."""
    with pytest.raises(ValueError) as got:
        front.best(np.float32(0.99), conservative=True)
    assert "no model reaches the lower end of the interval 0.99: the most faithful" in str(got.value)


def test_conservative_without_a_bar_is_refused_as_on_the_command_line(front: Frontier, tmp_path: Path) -> None:
    """best(conservative=True) and sd.report(front, conservative=True) without min_fidelity returned the
    knee, the flag unused and nothing said (the report's summary: "no min_fidelity given"), where
    symdistill report refuses --conservative without --min-fidelity."""
    with pytest.raises(ValueError, match=r"conservative=True .* give min_fidelity too"):
        front.best(conservative=True)
    with pytest.raises(ValueError, match=r"conservative=True .* give min_fidelity too"):
        front.best_point(conservative=True)
    with pytest.raises(ValueError, match=r"conservative=True .* give min_fidelity too"):
        sd.report(front, path=tmp_path / "r.html", conservative=True)
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("flag", ["no", 0, None])
def test_conservative_is_true_or_false(front: Frontier, flag: object) -> None:
    """conservative="no" was read as its truth value: best(0.99, conservative="no") compared the bar
    with the lower ends, and so did sd.report."""
    with pytest.raises(TypeError, match=f"conservative must be True or False, got {flag!r}"):
        front.best(0.99, conservative=flag)
    with pytest.raises(TypeError, match=f"conservative must be True or False, got {flag!r}"):
        sd.report(front, path=None, min_fidelity=0.99, conservative=flag)


def test_a_holdout_fraction_beside_held_out_rows_is_refused_as_on_the_command_line() -> None:
    """sd.frontier(..., X_holdout=rows, holdout_fraction=0.5) measured on the rows given and fitted on
    every row of X, holdout_fraction unused and nothing said, where symdistill report refuses
    --holdout-fraction beside --holdout."""
    X = _data(200)
    with pytest.raises(ValueError, match="holdout_fraction=0.5 holds out part of X, but X_holdout gives the "
                                         "held-out rows: give one of them"):
        sd.frontier(_net, X, X_holdout=_data(50, seed=1), holdout_fraction=0.5, forms=["tree"], sizes=[2],
                    n_samples=300, progress=False)
    given = sd.frontier(_net, X, X_holdout=_data(50, seed=1), forms=["tree"], sizes=[2], n_samples=300, progress=False)
    assert given.holdout_source == "given" and len(given.X_train) == 200
    assert len(sd.frontier(_net, X, forms=["tree"], sizes=[2], n_samples=300, progress=False).X_holdout) == 60


def test_best_breaks_ties_by_fit_order_not_by_time(front: Frontier, monkeypatch: pytest.MonkeyPatch) -> None:
    # max_size 4 and 8 both give the exact 3-leaf tree: equal size and fidelity. Which one best()
    # picks must not depend on how long each fit took (that differs from run to run).
    tied = [p for p in front.points if p.size == 3 and p.fidelity == 1.0]
    assert [p.max_size for p in tied] == [4, 8]
    for later_faster in (False, True):
        monkeypatch.setattr(tied[0], "seconds", 2.0 if later_faster else 1.0)
        monkeypatch.setattr(tied[1], "seconds", 1.0 if later_faster else 2.0)
        assert front.best_point(min_fidelity=0.99) is tied[0]
        assert front.best_point(min_fidelity=0.98, conservative=True) is tied[0]


def test_table_renders_as_text_and_markdown(front: Frontier) -> None:
    table = front.table()
    assert isinstance(table, FrontierTable) and isinstance(table[0], dict)
    text = str(table)
    assert "knee" in text and text.splitlines()[0].startswith("form")
    md = table.to_markdown().splitlines()
    assert md[0].startswith("| form |") and len(md) == 2 + len(table)


def test_same_seed_same_frontier() -> None:
    a = sd.frontier(_net, _data(), forms=["tree"], sizes=[2, 4], n_samples=1000, random_state=3)
    b = sd.frontier(_net, _data(), forms=["tree"], sizes=[2, 4], n_samples=1000, random_state=3)
    assert [p.model for p in a.points] == [p.model for p in b.points]
    assert [r["fidelity"] for r in a.table()] == [r["fidelity"] for r in b.table()]


def test_teacher_answers_are_shared_between_fits() -> None:
    calls: list[int] = []

    def net(X: np.ndarray) -> np.ndarray:
        calls.append(len(X))
        return _net(X)

    front = sd.frontier(net, _data(), forms=["tree"], sizes=[2, 4, 8], n_samples=1500)
    asked = sum(calls)
    first, later = front.points[0].n_new_queries, [p.n_new_queries for p in front.points[1:]]
    # the first fit labels the shared pool; later fits only pay for rows new to them
    assert first >= 1500 - 560 and all(q < first for q in later)
    alone = 0
    for size in (2, 4, 8):
        t = sd.as_teacher(_net)
        sd.distill(t, front.X_train, max_size=size, n_samples=1500, random_state=0)
        alone += t.n_queries
    assert asked < alone


def test_shared_teacher_keeps_the_teachers_fingerprint() -> None:
    inner = sd.as_teacher(lambda X: np.where(X[:, 0] > 0.5, "b", "a"))
    shared = SharedTeacher.around(inner, _data(50))
    assert shared.describe() == inner.describe()
    assert shared.predict(_data(10)).tolist() == inner.predict(_data(10)).tolist()
    with pytest.raises(ValueError, match="ask the teacher once"):
        SharedTeacher(sd.as_teacher(_net))


def test_given_holdout_is_used_as_is() -> None:
    X_hold = _data(100, seed=9)
    front = sd.frontier(_net, _data(), forms=["tree"], sizes=[4], X_holdout=X_hold, n_samples=1000)
    assert front.holdout_source == "given" and front.points[0].score.n == 100
    assert len(front.X_train) == 800


def test_all_registered_tabular_forms_by_default() -> None:
    forms = [f for f in ("tree", "rules", "linear") if (f, "pedagogical") in registered_learners()]
    front = sd.frontier(_net, _data(400), sizes=[2], n_samples=600)
    assert front.forms == forms
    assert [p.form for p in front.points] == forms
    for p in front.points:
        assert p.size <= 2
        assert p.literals is None or p.literals >= p.size - 1


def test_regression_teacher_gets_r2_fidelity() -> None:
    X = _data(500)
    front = sd.frontier(lambda X: 3 * X[:, 0] + (X[:, 1] > 0.5), X, forms=["tree"], sizes=[2, 8],
                        n_samples=800, task="regression")
    assert front.task == "regression"
    assert front.points[0].score.name.startswith("fidelity R2")
    assert front.points[1].fidelity > front.points[0].fidelity


def test_a_regressors_table_says_its_fidelity_is_r2() -> None:
    """The table's column read 'fidelity [95% interval]' for R2 as for a share of agreeing rows,
    while the scores, the figures and the report's summary say 'fidelity R2'."""
    X = _data(300)
    front = sd.frontier(lambda X: 3 * X[:, 0] + X[:, 1], X, forms=["tree"], sizes=[2], n_samples=400,
                        task="regression", progress=False)
    assert front.table().to_text().splitlines()[0].split("  ")[3] == "fidelity R2 [95% interval]"
    assert "| fidelity R2 [95% interval] |" in front.table().to_markdown()
    clf = sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), X, forms=["tree"], sizes=[2], n_samples=400,
                      progress=False)
    assert "| fidelity [95% interval] |" in clf.table().to_markdown()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"forms": "tree"}, TypeError, "list of form names"),
    ({"forms": []}, ValueError, "forms is empty"),
    ({"forms": ["tree", "tree"]}, ValueError, "more than once"),
    ({"forms": ["forest"]}, ValueError, "unknown form 'forest'"),
    ({"sizes": 4}, TypeError, "list of sizes"),
    ({"sizes": [0, 4]}, ValueError, "positive integer"),
    ({"sizes": [4, 4]}, ValueError, "repeat"),
    ({"holdout_fraction": 1.0}, ValueError, "holdout_fraction"),
    ({"form_options": {"rules": {}}, "forms": ["tree"]}, ValueError, "form_options names forms"),
    # not a dict: Python's "cannot convert dictionary update sequence element #0", naming nothing
    ({"form_options": [{"hinges": True}]}, TypeError, r"form_options must map a form name to a dict of learner "
                                                      r"options, got list \[\{'hinges': True\}\]"),
    ({"form_options": "linear"}, TypeError, "form_options must map a form name .* got str 'linear'"),
    # taken for True or False (a bar shown or not) where sd.distill and sd.fidelity refuse them
    ({"progress": "yes"}, ValueError, r"progress must be True, False or None, got 'yes'"),
    ({"progress": 0}, ValueError, r"progress must be True, False or None, got 0"),
])
def test_bad_arguments_are_named(kwargs: dict, error: type, match: str) -> None:
    args = {"forms": ["tree"], "sizes": [2], "n_samples": 100, **kwargs}
    with pytest.raises(error, match=match):
        sd.frontier(_net, _data(50), **args)


@pytest.mark.parametrize("kwargs, match", [
    ({"max_size": 3}, r"max_size is set by sizes=\[\.\.\.\]"),
    ({"form": "rules"}, r"form is set by forms=\[\.\.\.\]"),
    ({"form_options": {"linear": {"max_size": 3}}}, r"form_options\['linear'\]: max_size is set by sizes"),
    ({"form_options": {"linear": {"random_state": 3}}}, r"random_state is set by the frontier's random_state"),
    ({"form_options": {"linear": {"method": "pedagogical"}}}, r"method is set by the frontier's method"),
])
def test_options_the_frontier_sets_itself_are_refused_by_name(kwargs: dict, match: str) -> None:
    """They used to reach distill twice: 'distill() got multiple values for keyword argument', after
    fitting every earlier form."""
    with pytest.raises(TypeError, match=match):
        sd.frontier(_net, _data(50), **{"forms": ["tree", "linear"], "sizes": [2], "n_samples": 100, **kwargs})


@pytest.mark.parametrize("linear_options, error, match", [
    ({"n_knot": 3}, TypeError, "unknown option 'n_knot'; did you mean 'n_knots'"),
    ({"hinges": "yes"}, TypeError, "hinges must be True or False"),
])
def test_a_bad_option_of_a_later_form_is_refused_before_the_teacher_is_asked(linear_options: dict, error: type,
                                                                             match: str) -> None:
    """The tree and rule fits used to run (36,000 teacher rows here) before the linear form's option
    was read."""
    asked: list[int] = []

    def net(X: np.ndarray) -> np.ndarray:
        asked.append(len(X))
        return _net(X)

    with pytest.raises(error, match=match):
        sd.frontier(net, _data(400), forms=["tree", "rules", "linear"], sizes=[2, 4, 8], n_samples=500,
                    form_options={"linear": linear_options})
    assert asked == []


@pytest.mark.parametrize("categorical, linear_options, terms", [
    (None, {"hinges": True, "n_knots": 100}, "603 candidate terms (with hinges at n_knots=100) need a 2,000-row design"),
    ([3], {}, "246 candidate terms (with 243 category terms) need a 2,000-row design"),
])
def test_a_linear_design_too_large_is_refused_before_the_teacher_is_asked(categorical, linear_options: dict,
                                                                          terms: str) -> None:
    """The linear learner refused a design matrix over max_design_gib only once its own fit came, after
    the tree and rule fits of every size had run (minutes, on a million rows) and the teacher had answered
    for them: the frontier now checks the fit of every form on the training rows first."""
    asked: list[int] = []

    def net(X: np.ndarray) -> np.ndarray:
        asked.append(len(X))
        return _net(X)

    X = _data(1000)
    if categorical:
        X = np.column_stack([X, np.random.default_rng(0).integers(0, 250, 1000)])
    with pytest.raises(ValueError, match=re.escape(terms)) as got:
        sd.frontier(net, X, forms=["tree", "rules", "linear"], sizes=[2, 4, 8], n_samples=2000, categorical=categorical,
                    form_options={"linear": {**linear_options, "max_design_gib": 1e-4}})
    assert "over the linear learner's limit of 1.34e+04 (max_design_gib=0.0001)" in str(got.value)
    assert asked == []
    # under the limit the same frontier is fitted: the check sees the rows the linear fit holds
    front = sd.frontier(net, X, forms=["linear"], sizes=[2], n_samples=2000, categorical=categorical,
                        form_options={"linear": {**linear_options, "max_design_gib": 1e-2}})
    assert front.points[0].model.meta["n_candidate_terms"] == int(terms.split()[0])


def test_a_multi_class_gram_matrix_too_large_is_refused_before_the_fits() -> None:
    """A multi-class teacher's linear fit holds a Gram matrix of its terms, which was checked only in the
    linear fit, after the tree fits of every size had run: it is now checked before the first fit, with
    the declared classes before the teacher is asked anything, else after the training rows that give them."""
    asked: list[int] = []

    def net(X: np.ndarray) -> np.ndarray:
        asked.append(len(X))
        return np.digitize(X[:, 0], [0.33, 0.66])

    X = np.random.default_rng(0).uniform(size=(300, 40))
    opts = dict(forms=["tree", "linear"], sizes=[2, 4], n_samples=500, progress=False,
                form_options={"linear": {"interactions": True, "max_design_gib": 0.004}})
    refused = re.escape("820 candidate terms (with interactions) need a 820 x 820 Gram matrix of 6.72e+05 values")
    with pytest.raises(ValueError, match=refused):
        sd.frontier(sd.as_teacher(net, classes=[0, 1, 2]), X, **opts)
    assert asked == []
    with pytest.raises(ValueError, match=refused):
        sd.frontier(net, X, **opts)
    assert asked == [300]  # the training and held-out rows, which give the classes (and which the fits ask)
    # a binary teacher's fit holds no Gram matrix: its design fits, and the frontier is fitted
    front = sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), X, **opts)
    assert [p.form for p in front.points] == ["tree", "tree", "linear", "linear"]


def test_an_undeclared_teachers_classes_and_task_come_from_every_training_row_as_in_distill() -> None:
    """The frontier read an undeclared teacher's classes (and its guess of classes or values) off the first
    256 training rows, where sd.distill reads them off all its rows: a class first answered later failed
    the frontier (UnknownClassError) as it did not fail distill."""
    X = np.random.default_rng(0).uniform(size=(2000, 3))
    X = X[np.argsort(X[:, 0])]  # class 2 only in the last rows
    late = lambda X: np.where(X[:, 0] > 0.97, 2, (X[:, 1] > 0.5).astype(int))  # noqa: E731
    front = sd.frontier(late, X, forms=["tree", "rules"], sizes=[4], n_samples=3000, progress=False)
    assert front.teacher.classes_.tolist() == [0, 1, 2]
    for p in front.points:  # the models distil() makes of the training rows (it counts its own queries)
        alone = sd.distill(late, front.X_train, form=p.form, max_size=4, n_samples=3000, random_state=0)
        assert _uncounted(p.model) == _uncounted(alone)
    assert sum(p.n_new_queries for p in front.points) == front.teacher.n_queries  # the rows asked for the classes too
    # whole numbers, few of them among the first rows and many among all: values, as sd.distill guesses
    steps = lambda X: np.where(X[:, 0] > 0.3, np.floor(X[:, 0] * 1000), np.floor(X[:, 0] * 10))  # noqa: E731
    front = sd.frontier(steps, X, forms=["tree"], sizes=[4], n_samples=3000, progress=False)
    alone = sd.distill(steps, front.X_train, max_size=4, n_samples=3000, random_state=0)
    assert front.task == alone.task == "regression" and _uncounted(front.points[0].model) == _uncounted(alone)


def test_an_undeclared_teacher_reads_all_the_rows_as_one_answer_past_its_batch_size_and_repeated_rows() -> None:
    """The frontier's caching wrapper asked the teacher its rows a batch at a time, so the teacher's classes
    were read off its first batch (8,192 rows unless given): a class first answered later failed the
    frontier (UnknownClassError, 'pass classes=[...]') where sd.distill reads all its rows as one answer; and
    it asked the distinct rows alone, so whole numbers that take few values for the rows (8 distinct rows of
    400) were read as values (a regressor) where sd.distill reads classes."""
    X = np.random.default_rng(0).uniform(size=(400, 3))
    X = X[np.argsort(X[:, 0])]  # class 2 only in the last rows
    late = sd.as_teacher(lambda X: np.where(X[:, 0] > 0.9, 2, (X[:, 1] > 0.5).astype(int)), batch_size=50)
    front = sd.frontier(late, X, forms=["tree"], sizes=[4], n_samples=500, progress=False)
    assert front.teacher.classes_.tolist() == [0, 1, 2]
    alone = sd.distill(lambda X: np.where(X[:, 0] > 0.9, 2, (X[:, 1] > 0.5).astype(int)), front.X_train,
                       max_size=4, n_samples=500, random_state=0)
    assert _uncounted(front.points[0].model) == _uncounted(alone)
    few = np.random.default_rng(0).integers(0, 2, (400, 3)).astype(float)  # 8 distinct rows
    five = lambda X: (X @ [1.0, 2.0, 4.0]) % 5  # noqa: E731  (five whole numbers, as floats)
    front = sd.frontier(five, few, forms=["tree"], sizes=[4], n_samples=500, progress=False)
    alone = sd.distill(five, front.X_train, max_size=4, n_samples=500, random_state=0)
    assert front.task == alone.task == "classification" and _uncounted(front.points[0].model) == _uncounted(alone)


def test_a_random_teacher_with_a_cache_is_refused_as_sd_distill_refuses_it() -> None:
    """The frontier's determinism check asked the wrapped teacher through its own cache, which answered the
    probe's rows the second time: a teacher answering at random (dropout left on) given with cache=True was
    distilled without a word, where sd.distill refuses it."""
    X = _data(300)
    rng = np.random.default_rng(1)
    noisy = lambda X: (X[:, 0] + rng.normal(0, 0.3, len(X)) > 0.5).astype(int)  # noqa: E731
    with pytest.raises(sd.TeacherError, match="is not deterministic"):
        sd.distill(sd.as_teacher(noisy, cache=True), X, max_size=4, random_state=0)
    with pytest.raises(sd.TeacherError, match="is not deterministic"):
        sd.frontier(sd.as_teacher(noisy, cache=True), X, forms=["tree"], sizes=[4], n_samples=500, progress=False)


def test_a_class_the_teacher_gives_only_on_held_out_rows_is_one_of_its_classes() -> None:
    """The frontier read an undeclared teacher's classes off the training rows alone: a class the teacher
    gives only on held-out rows (given, or split off X) failed it with UnknownClassError when the models
    were scored, though the teacher is asked about those rows anyway. Such rows are misses for models
    that never predict the class."""
    rng = np.random.default_rng(0)
    X, X_hold = rng.uniform(size=(400, 2)), rng.uniform(size=(100, 2))
    X_hold[:5, 0] = 2.0  # beyond every training row

    def net(X: np.ndarray) -> np.ndarray:
        return np.where(X[:, 0] > 1.5, 2, (X[:, 0] > 0.5).astype(int))

    front = sd.frontier(net, X, X_holdout=X_hold, sizes=[2, 4], n_samples=500, progress=False)
    assert front.teacher.classes_.tolist() == [0, 1, 2]
    for p in front.points:
        agree = p.model.predict(X_hold) == net(X_hold)
        assert not agree[:5].any()  # no model predicts 2
        assert p.fidelity == agree.mean() == sd.fidelity(p.model, net, X_hold).value
    # the same for held-out rows split off X: a class on a few of the rows held out, none of those kept
    split = sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), X, forms=["tree"], sizes=[2], n_samples=500)
    marked = set(split.X_holdout[:4, 1].tolist())

    def marks(X: np.ndarray) -> np.ndarray:
        return np.where(np.isin(X[:, 1], list(marked)), 2, (X[:, 0] > 0.5).astype(int))

    front = sd.frontier(marks, X, forms=["tree", "rules"], sizes=[2], n_samples=500, progress=False)
    assert front.teacher.classes_.tolist() == [0, 1, 2] and len(front.X_holdout) == len(split.X_holdout)
    for p in front.points:
        assert p.fidelity == sd.fidelity(p.model, marks, front.X_holdout).value <= 1 - 4 / len(front.X_holdout)


def _uncounted(model: sd.SymbolicModel) -> dict:
    """The model as a dict, less the count of teacher queries its fit made (a shared teacher's cache
    answers some of them)."""
    d = model.to_dict()
    d["meta"].pop("n_queries")
    return d


def test_a_training_part_over_max_train_rows_is_sampled_and_every_held_out_row_still_measured() -> None:
    """Every fit distilled from every training row: on 1,000,000 rows the 18 fits of a report took 20
    minutes. Over max_train_rows (default 50,000) they distil from a seeded sample; below it nothing changes."""
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(72_000, 2))
    asked: list[np.ndarray] = []

    def net(X: np.ndarray) -> np.ndarray:
        asked.append(np.asarray(X))
        return _net(np.column_stack([X, X[:, :1]]))

    front = sd.frontier(net, X, forms=["tree"], sizes=[2], progress=False)
    assert (len(front.X_train), front.n_training_rows, len(front.X_holdout)) == (50_000, 50_400, 21_600)
    assert front.max_train_rows == 50_000
    train = {tuple(r) for r in front.X_train}
    rest = {tuple(r) for r in X} - train - {tuple(r) for r in front.X_holdout}
    assert len(rest) == 400 and not rest & {tuple(r) for a in asked for r in a}  # the rows left out are never asked
    again = sd.frontier(net, X, forms=["tree"], sizes=[2], progress=False)
    assert np.array_equal(again.X_train, front.X_train) and again.points[0].model == front.points[0].model
    small = sd.frontier(net, X[:3000], forms=["tree"], sizes=[2], progress=False, n_samples=3000)
    every = sd.frontier(net, X[:3000], forms=["tree"], sizes=[2], progress=False, n_samples=3000, max_train_rows=None)
    assert len(small.X_train) == small.n_training_rows == 2100 and small.points[0].model == every.points[0].model
    with pytest.raises(ValueError, match="max_train_rows must be an integer >= 2 or None, got 1"):
        sd.frontier(net, X, max_train_rows=1)


def test_a_sample_of_the_training_rows_keeps_every_category() -> None:
    """The models' domain is built from the rows they are distilled from: a category only rows left out of
    the sample hold would make the held-out rows holding it unreadable."""
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.uniform(size=3000), rng.choice(["a", "b"], 3000)]).astype(object)
    X[:, 0] = X[:, 0].astype(float)
    X[17, 1] = X[2500, 1] = "rare"
    front = sd.frontier(lambda X: (np.asarray(X[:, 0], dtype=float) > 0.5).astype(int), X, forms=["tree"],
                        sizes=[2], categorical=[1], n_samples=500, max_train_rows=100, progress=False)
    assert "rare" in set(front.X_train[:, 1]) and len(front.X_train) in (101, 102)
    assert list(front.points[0].model.domain.features[1].categories) == ["a", "b", "rare"]


def test_a_numpy_float_is_a_holdout_fraction() -> None:
    """np.float32(0.25) was refused: 'holdout_fraction must be a number strictly between 0 and 1, got 0.25'."""
    a = sd.frontier(_net, _data(200), forms=["tree"], sizes=[2], n_samples=300, holdout_fraction=np.float32(0.25))
    b = sd.frontier(_net, _data(200), forms=["tree"], sizes=[2], n_samples=300, holdout_fraction=0.25)
    assert len(a.X_holdout) == len(b.X_holdout) == 50 and a.points[0].fidelity == b.points[0].fidelity


def test_holdout_with_other_columns_fails_early() -> None:
    with pytest.raises(sd.DataError, match="expected 3 features"):
        sd.frontier(_net, _data(), forms=["tree"], sizes=[2], X_holdout=np.zeros((5, 2)))


def test_pareto_and_knee_helpers() -> None:
    assert pareto_mask([1, 2, 2, 4], [0.5, 0.5, 0.7, 0.6]).tolist() == [True, False, True, False]
    assert pareto_mask([2, 2], [0.9, 0.9]).tolist() == [True, True]
    assert knee_index([8], [0.9]) == 0
    # A front that does not level off within the sizes tried (two points, a straight or steepening
    # rise): the knee was the smallest point, so best() gave a 0.55 model beside one at 0.99
    assert knee_index([2, 64], [0.8, 0.95]) == 1
    assert knee_index([1, 2, 4], [0.55, 0.6, 0.99]) == 2
    assert knee_index([2, 8, 32], [0.6, 0.75, 0.9]) == 2
    assert knee_index([2, 8, 32], [0.6, 0.8, 0.9]) == 1  # one point above the chord: the bend
    assert knee_index([2, 4], [0.8, 0.95], up_to=64) == 1
    # a sharp elbow at 8
    assert knee_index([2, 4, 8, 16, 32, 64], [0.5, 0.7, 0.95, 0.96, 0.965, 0.97]) == 2


def test_best_of_a_front_still_rising_at_its_largest_size_is_the_most_faithful() -> None:
    # sizes 1 and 3 only: a stump (about 0.75) and the exact tree; the knee and best() were the stump
    front = sd.frontier(_net, _data(), forms=["tree"], sizes=[1, 3], n_samples=1500)
    assert [p.pareto for p in front.points] == [True, True]
    assert front.points[0].fidelity < 0.9 and front.points[1].fidelity == 1.0
    assert front.knee is front.points[1] and front.best() is front.points[1].model


def test_literal_count_of_a_tree_counts_path_conditions() -> None:
    X = _data(600)
    tree = sd.distill(_net, X, max_size=3, random_state=0, n_samples=1000)
    assert tree.size == 3
    assert literal_count(tree) == 5  # one leaf at depth 1, two at depth 2


def test_a_one_class_teacher_gets_a_frontier_of_the_forms_that_fit_it() -> None:
    # The shared wrapper had read the one-column probabilities of a one-class teacher as the label 1.
    def constant(X: np.ndarray) -> np.ndarray:
        return np.zeros(len(X), dtype=int)

    front = sd.frontier(constant, _data(300), forms=["tree", "rules"], sizes=[1, 2], n_samples=300)
    assert [p.fidelity for p in front.points] == [1.0] * 4
    assert front.knee.size == 0  # the empty rule list: its default answers the one class


def test_a_one_class_teacher_is_refused_for_the_linear_form_before_the_first_fit() -> None:
    """sd.distill(form='linear') refuses a teacher of one class; the frontier (the linear form is a default one)
    refused it so only when the linear fits came, after every tree and rule fit had run."""
    asked: list[int] = []

    def constant(X: np.ndarray) -> np.ndarray:
        asked.append(len(X))
        return np.zeros(len(X), dtype=int)

    with pytest.raises(sd.TeacherError) as got:
        sd.frontier(constant, _data(300), sizes=[1, 2], n_samples=300)
    assert asked == [300]  # the training and held-out rows, for its classes: no fit has asked anything
    assert str(got.value).endswith(  # after the callable's name
        ".constant answered a single class, 0, on every row of X (training and held-out; on the command line, the "
        "rows of --data and --holdout); form 'linear' needs "
        "at least 2 classes (as in sd.distill): forms=['tree', 'rules'] give the constant model (on the command line: "
        "--forms tree,rules); a callable whose other classes these rows never reach can name them: "
        "as_teacher(f, classes=[...]), on the command line --classes")
    asked.clear()
    with pytest.raises(sd.TeacherError, match=r"\.constant declares a single class, 0; form 'linear' needs at "
                                              r"least 2 classes \(as in sd.distill\): forms=\['rules'\] give"):
        sd.frontier(sd.as_teacher(constant, classes=[0]), _data(300), forms=["linear", "rules"], sizes=[1])
    assert asked == []


@pytest.mark.parametrize("constraint, error, match", [
    (sd.monotonic("nope"), sd.DataError, r"monotonic: unknown feature 'nope' \(features: 'x0', 'x1', 'x2'\)"),
    (sd.invariant("x0", "x7"), sd.DataError, "invariant: unknown feature 'x7'"),
    (sd.monotonic("x0", target=3), ValueError, r"monotonic: unknown target class 3; classes are \[0, 1\]"),
    (sd.output_range(0, 1), TypeError, "output_range applies to regression models"),
    (sd.robust({"x0": 0.5, "x1": 0.5, "x2": 5.0}, 0.1), ValueError, "robust: the point lies outside the model's domain"),
    (sd.robust({"x0": 0.5}, 0.1), ValueError, r"robust: the point must give every feature; missing \['x1', 'x2'\]"),
    (sd.never_accepts("0*"), TypeError, "NeverAccepts applies to automata, not to a tabular model"),
    (sd.equivalent("another model"), ValueError, "teacher checks apply to properties of one model"),
    (5, TypeError, "a constraint must be a string or a property"),
])
def test_a_property_the_report_would_refuse_is_refused_before_the_first_fit(constraint, error: type,
                                                                            match: str) -> None:
    """Only constraint strings were checked before the fits: sd.monotonic('nope') was refused by sd.report, with
    every model fitted. Each is refused as verify refuses it, the teacher asked only for its classes."""
    asked: list[int] = []

    def net(X: np.ndarray) -> np.ndarray:
        asked.append(len(X))
        return _net(X)

    with pytest.raises(error, match=match):
        sd.frontier(net, _data(300), forms=["tree"], sizes=[2], n_samples=300,
                    constraints=["x0 > 0.5 -> prediction in {0, 1}", sd.monotonic("x0"), constraint])
    assert asked == [300]


def test_internal_split_keeps_every_category_among_the_training_rows() -> None:
    """A category seen in only a few rows could fall wholly into the held-out split: the models'
    domain (built from the training rows) did not know it, and frontier (and ``symdistill report``
    without --holdout) stopped with "column 'job' has unknown category" on data the user gave it."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    jobs = ["nurse", "pilot"] * 190 + [f"rare {i}" for i in range(20)]
    df = pd.DataFrame({"x": rng.uniform(size=400), "job": rng.permutation(jobs)})
    net = lambda X: ((X["x"] > 0.5) & (X["job"] != "pilot")).astype(int).to_numpy()  # noqa: E731
    front = sd.frontier(net, df, forms=["tree"], sizes=[4], n_samples=1000)
    assert set(front.X_train["job"]) == set(jobs) and len(front.X_train) + len(front.X_holdout) == 400
    assert abs(len(front.X_holdout) - 120) <= 20 and not set(front.X_train.index) & set(front.X_holdout.index)
    assert front.points[0].score.n == len(front.X_holdout) and front.points[0].fidelity > 0.9


def test_held_out_rows_that_do_not_fit_are_named_as_the_held_out_rows() -> None:
    """sd.frontier(..., X_holdout=...) with a country in the held-out rows that X lacks said "column
    'country' has unknown category 'Atlantis' in row 7", and row 7 of X is another row; the error
    now says that it is X_holdout's (symdistill report: the --holdout file's)."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.uniform(size=300), "country": rng.choice(["Cuba", "Peru"], 300)})
    hold = df.iloc[:20].assign(country=["Atlantis" if i == 7 else "Cuba" for i in range(20)])
    net = lambda X: ((X["x"] > 0.5) & (X["country"] != "Peru")).astype(int).to_numpy()  # noqa: E731
    with pytest.raises(sd.DataError, match=r"^X_holdout: column 'country' has unknown category 'Atlantis' in row 7; "):
        sd.frontier(net, df, forms=["tree"], sizes=[2], X_holdout=hold, n_samples=500, progress=False)

def test_a_polars_frame_is_read_by_column_name_as_its_pandas_twin():
    """sd.frontier turned a polars DataFrame into a NumPy array (`np.asarray`) before reading its schema:
    columns lost their names and a string column was refused ("column 'x2' should be numeric")."""
    pl = pytest.importorskip("polars")
    rng = np.random.default_rng(0)
    X = pl.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300), "c": rng.choice(["x", "y", "z"], 300)})
    def teacher(d):
        return ((d["a"] > 0) & (d["c"] != "x")).astype(int).to_numpy()

    kw = dict(forms=["tree"], sizes=[2, 4], random_state=0, progress=False)
    front, twin = sd.frontier(teacher, X, **kw), sd.frontier(teacher, X.to_pandas(), **kw)
    assert [r["fidelity"] for r in front.table()] == [r["fidelity"] for r in twin.table()]
    assert front.best().feature_names == ["a", "b", "c"]


def test_task_applies_to_a_teacher_made_already_as_in_distill() -> None:
    """``task="regression"`` of a teacher wrapped by ``sd.as_teacher`` without a task (whole-number answers,
    read as classes unless told) was lost: the frontier asked it about the rows first, which made it a
    classifier, and the first fit then refused the task it was given, where ``sd.distill`` takes it."""
    X = _data(600)
    steps = lambda X: np.floor(X[:, 0] * 10)  # noqa: E731
    front = sd.frontier(sd.as_teacher(steps), X, forms=["tree"], sizes=[2, 8], n_samples=600, task="regression")
    assert front.task == "regression"
    alone = sd.distill(sd.as_teacher(steps), front.X_train, max_size=8, n_samples=600, random_state=0,
                       task="regression")
    assert _uncounted(front.points[-1].model) == _uncounted(alone)
    # a teacher whose task was given otherwise is refused before it is asked anything
    told = sd.as_teacher(steps, task="classification")
    with pytest.raises(ValueError, match="task='regression' was asked"):
        sd.frontier(told, X, forms=["tree"], sizes=[2], n_samples=600, task="regression")
    assert told.n_queries == 0


def test_a_holdout_fraction_holding_out_no_row_says_so() -> None:
    """holdout_fraction=0.01 of 30 rows holds out none, and was refused as 'cannot hold out 1% of 30 rows
    and keep at least 2 to distil from': the 30 rows kept were not the problem. Each case now says
    its own: no held-out row, or too few rows left to distil from."""
    with pytest.raises(sd.DataError, match=r"^holdout_fraction=0.01 of 30 rows holds out no row: fidelity needs at "
                                           r"least one held-out row; give a larger holdout_fraction or X_holdout$"):
        sd.frontier(_net, _data(30), forms=["tree"], sizes=[2], n_samples=300, holdout_fraction=0.01)
    with pytest.raises(sd.DataError, match=r"^holdout_fraction=0.3 of 2 rows holds out 1 row, leaving 1 to distil "
                                           r"from, where distill needs at least 2; pass more rows, a smaller "
                                           r"holdout_fraction or X_holdout$"):
        sd.frontier(_net, _data(2), forms=["tree"], sizes=[2], n_samples=300, holdout_fraction=0.3)


def test_the_table_gives_each_fits_queries_and_those_new_to_the_shared_cache() -> None:
    """The "queries" column counted only the rows a fit added to the shared answer cache: 64 (the
    determinism probe) for fits that asked about some 1,700 rows, and for the first fit the held-out rows
    scored and the rows labelled for the classes too, unlike its model's own meta["n_queries"]; read as
    what each model cost, it said later fits cost nothing. "queries" is now what each fit asked about,
    as the same sd.distill alone counts it; "new" is what the teacher answered for the first time, and
    those add up to the teacher's queries."""
    front = sd.frontier(_net, _data(), forms=["tree", "rules"], sizes=[2, 4], n_samples=1500, progress=False)
    for p in front.points:
        t = sd.as_teacher(_net)
        alone = sd.distill(t, front.X_train, form=p.form, max_size=p.max_size, n_samples=1500, random_state=0)
        assert p.n_queries == t.n_queries == alone.meta["n_queries"] > 1500
        assert p.row()["queries"] == p.n_queries and p.row()["new_queries"] == p.n_new_queries
    assert [p.n_new_queries < p.n_queries for p in front.points] == [False, True, True, True]
    assert sum(p.n_new_queries for p in front.points) == front.teacher.n_queries
    table = front.table()
    assert table.HEADER[6:8] == ("queries", "new")
    assert [c[6:8] for c in table.cells()] == [[str(p.n_queries), str(p.n_new_queries)] for p in front.points]


@pytest.mark.parametrize("declare", [{"task": "regression"}, {"classes": [0, 1]}])
def test_the_first_fit_of_a_teacher_whose_outputs_are_known_counts_only_its_own_queries(declare) -> None:
    """A teacher whose task and classes are known before it answers (declared, or a scikit-learn
    estimator's) is not asked the held-out rows up front: the first model's score asked them, and they
    were counted in the first fit's "queries" (5,197 where the fit alone asked 5,064 on diabetes'
    GradientBoostingRegressor), though the column is what each fit asked, as sd.distill alone counts it."""
    value = (lambda X: X[:, 0] + 2 * X[:, 1]) if "task" in declare else _net  # noqa: E731
    front = sd.frontier(sd.as_teacher(value, **declare), _data(), forms=["tree", "linear"], sizes=[2],
                        n_samples=1500, progress=False)
    for p in front.points:
        alone = sd.distill(sd.as_teacher(value, **declare), front.X_train, form=p.form, max_size=p.max_size,
                           n_samples=1500, random_state=0)
        assert p.n_queries == alone.meta["n_queries"], (p.form, p.n_queries, alone.meta["n_queries"])
    assert sum(p.n_new_queries for p in front.points) == front.teacher.n_queries


def test_the_frontier_and_shift_tables_print_a_score_as_the_score_prints_itself():
    """A one-leaf tree's R² of -1e-17 printed '0.0000' in str(score) (no sign on zero) but
    '-0.0000' in front.table() and in shifted_fidelity's table: one number, two texts."""
    from symdistill.frontier import FrontierTable
    from symdistill.metrics import Score
    from symdistill.shift import Shift, ShiftResult, ShiftResults

    score = Score(-1e-17, -0.0123, -1e-18, 40, "fidelity R2")
    assert str(score) == "fidelity R2 0.0000 [-0.0123, 0.0000] (n=40)"
    row = {"form": "tree", "max_size": 1, "size": 1, "fidelity": score.value, "low": score.low, "high": score.high,
           "literals": 0, "seconds": 0.1, "queries": 100, "new_queries": 100, "pareto": True, "knee": True}
    assert FrontierTable([row], score_name="fidelity R2").cells()[0][3] == "0.0000 [-0.0123, 0.0000]"
    assert ShiftResults([ShiftResult(Shift("none"), score)]).cells()[0][1] == "0.0000 [-0.0123, 0.0000]"
    assert score.interval(3) == "[-0.012, 0.000]"
