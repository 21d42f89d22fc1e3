"""The tabular teacher's answer cache (``as_teacher(..., cache=True)``): each distinct row is asked
once, the answers are those without the cache, and the cache holds at most ``cache_size`` rows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill.teachers import _cache


def _signs(X):
    """A teacher that tells -0.0 from 0.0 and NaN from numbers: 1 / x has the sign of zero."""
    x = np.asarray(X, dtype=float)[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isnan(x), 2, np.where(1.0 / x > 0, 1, 0))


def _distinct_bytes(X):
    return len({row.tobytes() for row in np.ascontiguousarray(X)})


def test_a_bounded_cache_forgets_the_rows_asked_least_recently():
    """The cache had no bound: a long distillation kept every answer it was ever given."""
    t = sd.as_teacher(lambda X: X[:, 0] * 2, task="regression", cache=True, cache_size=100)
    X = np.arange(150.0).reshape(-1, 1)
    t.predict(X[:100])
    t.predict(X[:10])  # asked again: as new
    assert t.n_queries == 100
    t.predict(X[100:])  # over 100 rows: the 75 asked most recently stay (0-9, 85-149)
    assert t.n_queries == 150
    assert t.predict(np.vstack([X[:10], X[85:]])).tolist() == [v * 2 for v in [*range(10), *range(85, 150)]]
    assert t.n_queries == 150
    assert t.predict(X[80:85]).tolist() == [160.0, 162.0, 164.0, 166.0, 168.0] and t.n_queries == 155


def test_cache_size_zero_remembers_nothing_but_asks_each_distinct_row_of_a_query_once():
    t = sd.as_teacher(lambda X: X[:, 0], task="regression", cache=True, cache_size=0)
    X = np.array([[1.0], [2.0], [1.0]])
    assert t.predict(X).tolist() == [1.0, 2.0, 1.0] and t.n_queries == 2
    t.predict(X)
    assert t.n_queries == 4


@pytest.mark.parametrize("bad", [-1, 1.5, True, "10"])
def test_cache_size_must_be_a_non_negative_integer(bad):
    with pytest.raises(ValueError, match=rf"cache_size must be a non-negative integer or None, got {bad!r}"):
        sd.as_teacher(lambda X: X[:, 0], cache=True, cache_size=bad)


def test_cache_size_without_the_cache_is_refused():
    """It would bound nothing: the cache is off unless cache=True."""
    with pytest.raises(ValueError, match=r"cache_size=10 bounds the answer cache, which is off; pass cache=True"):
        sd.as_teacher(lambda X: X[:, 0], cache_size=10)


def test_a_scikit_learn_teacher_takes_cache_size():
    from sklearn.tree import DecisionTreeClassifier

    X = np.random.default_rng(0).uniform(size=(50, 2))
    clf = DecisionTreeClassifier(random_state=0).fit(X, X[:, 0] > 0.5)
    t = sd.as_teacher(clf, cache=True, cache_size=10)
    assert t.cache_size == 10 and t.predict(X).tolist() == clf.predict(X).tolist()


def test_negative_zero_and_nan_rows():
    """-0.0 and 0.0 are different rows (the teacher may tell them apart); rows of NaN of the same
    bits are one row, asked once."""
    X = np.array([[0.0], [-0.0], [np.nan], [np.nan], [0.0]])
    t = sd.as_teacher(_signs, cache=True)
    assert t.predict(X).tolist() == sd.as_teacher(_signs).predict(X).tolist() == [1, 0, 2, 2, 1]
    assert t.n_queries == 3


@settings(max_examples=40, deadline=None)
@given(codes=st.lists(st.lists(st.integers(0, 5), min_size=3, max_size=3), min_size=1, max_size=60),
       split=st.integers(0, 60))
def test_cached_answers_are_those_without_the_cache(codes, split):
    """Rows drawn from a few values (0.0, -0.0, NaN among them), asked in two queries: the cached
    teacher answers like the uncached one and asks the backend about each distinct row once."""
    values = np.array([0.0, -0.0, np.nan, 1.0, 2.5, -3.0])
    X = values[np.asarray(codes)]
    f = lambda X: (np.nan_to_num(X, nan=7.0) @ [1.0, 10.0, 100.0]) + np.signbit(X[:, 0])  # noqa: E731
    t = sd.as_teacher(f, task="regression", cache=True)
    got = np.concatenate([t.predict(X[:split]), t.predict(X[split:])])
    assert got.tolist() == sd.as_teacher(f, task="regression").predict(X).tolist()
    assert t.n_queries == _distinct_bytes(X)


def test_rows_of_one_hash_are_told_apart(monkeypatch):
    """Every row hashed alike: the keys themselves decide which rows are the same."""
    monkeypatch.setattr(_cache, "_hash", lambda words: np.zeros(len(words), dtype=np.uint64))
    X = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0], [5.0, 6.0]])
    t = sd.as_teacher(lambda X: X.sum(axis=1), task="regression", cache=True)
    assert t.predict(X).tolist() == [3.0, 7.0, 3.0, 11.0] and t.n_queries == 3
    assert t.predict(X[::-1]).tolist() == [11.0, 3.0, 7.0, 3.0] and t.n_queries == 3
    assert t.predict(np.array([[2.0, 1.0]])).tolist() == [3.0] and t.n_queries == 4


def test_object_columns_keep_types_apart():
    """In an array of objects 1, 1.0, True and '1' are different values (the teacher sees their
    types), and a column of floats keeps -0.0 apart from 0.0."""
    X = np.array([[1, 0.0], [1.0, 0.0], [True, 0.0], ["1", 0.0], [1, -0.0], [1, 0.0]], dtype=object)
    f = lambda X: np.array([f"{type(a).__name__} {np.signbit(b)}" for a, b in X])  # noqa: E731
    t = sd.as_teacher(f, cache=True)
    assert t.predict(X).tolist() == sd.as_teacher(f).predict(X).tolist()
    assert t.n_queries == 5


def test_a_dataframe_with_a_categorical_column():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"colour": pd.Categorical(["red", "blue", "red", None, "red"]),
                          "size": [1.0, 2.0, 1.0, 1.0, -0.0], "count": [3, 3, 3, 3, 3]})
    seen = []

    def f(df):
        seen.append(df)
        return ((df["colour"] == "red").to_numpy() & (df["size"].to_numpy() > 0)).astype(int)

    t = sd.as_teacher(f, cache=True)
    assert t.predict(frame).tolist() == [1, 0, 1, 0, 0] and t.n_queries == 4
    assert seen[0]["colour"].dtype == "category"  # the backend is asked with the rows as given
    other = frame.assign(colour=pd.Categorical(frame["colour"], categories=["red", "green", "blue"]))
    assert t.predict(other.iloc[::-1]).tolist() == [0, 0, 1, 0, 1] and t.n_queries == 4  # codes differ, values do not


def test_rows_of_another_dtype_are_other_rows():
    """Integers are asked again as floats (the teacher sees another array), not mistaken for them."""
    t = sd.as_teacher(lambda X: np.full(len(X), float(X.dtype.kind == "f")), task="regression", cache=True)
    assert t.predict(np.array([[1], [2]])).tolist() == [0.0, 0.0]
    assert t.predict(np.array([[1.0], [2.0]])).tolist() == [1.0, 1.0] and t.n_queries == 4


@settings(max_examples=30, deadline=None)
@given(queries=st.lists(st.lists(st.integers(0, 199), min_size=1, max_size=30), min_size=1, max_size=25))
def test_a_long_run_of_queries_through_a_small_cache(queries):
    """Many queries through a cache of 40 rows whose recent level is merged every few rows: every
    answer is the teacher's, and a query asked again at once is answered from the cache. The teacher
    computes each row on its own (a matrix product's last digit can depend on the rows asked with it:
    BLAS takes another kernel for one row than for two)."""
    pool = np.random.default_rng(0).normal(size=(200, 3))
    f = lambda X: X[:, 0] + 2.0 * X[:, 1] + 3.0 * X[:, 2]  # noqa: E731
    t = sd.as_teacher(f, task="regression", cache=True, cache_size=40)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_cache, "_SMALL_LEVEL", 4)
        for q in queries:
            X = pool[q]
            assert t.predict(X).tolist() == f(X).tolist()
            before = t.n_queries
            assert t.predict(X).tolist() == f(X).tolist() and t.n_queries == before


def test_the_task_is_read_off_every_row_asked_not_only_the_distinct_ones():
    """Whole numbers read as classes where they take few values for the rows asked: the cached teacher
    counted only the distinct rows, so 8 distinct rows of 200 answered with 5 values made it a regressor
    (a regression tree distilled) where the same teacher without the cache is a classifier."""
    X = np.random.default_rng(0).integers(0, 2, (200, 3)).astype(float)  # 8 distinct rows
    f = lambda X: (X @ [1.0, 2.0, 4.0]) % 5  # noqa: E731  (five whole numbers, as floats)
    plain, cached = sd.as_teacher(f), sd.as_teacher(f, cache=True)
    assert cached.predict(X).tolist() == plain.predict(X).tolist()
    assert cached.task == plain.task == "classification" and cached.n_queries == 8
    tree = sd.distill(sd.as_teacher(f, cache=True), X, max_size=8, random_state=0, progress=False)
    assert tree.task == "classification"
    plain_tree = sd.distill(f, X, max_size=8, random_state=0, progress=False)
    assert {**tree.to_dict(), "meta": None} == {**plain_tree.to_dict(), "meta": None}


def test_a_model_retrained_in_place_is_not_answered_from_the_cache_of_its_old_answers():
    """A teacher made with cache=True around an estimator that was then retrained (in place, as a training
    loop distilling its network every epoch does) answered from the cache as before: the same distillation
    gave the old model again, at fidelity 0.46 to the retrained one. Its determinism check asks the backend
    past the cache: where rows it holds are answered otherwise, the cache is forgotten, with a warning."""
    from sklearn.tree import DecisionTreeClassifier

    X = np.random.default_rng(0).uniform(size=(500, 2))
    clf = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, X[:, 0] > 0.5)
    t = sd.as_teacher(clf, cache=True)
    sd.distill(t, X, max_size=4, random_state=0, progress=False)
    clf.fit(X, X[:, 1] > 0.5)
    with pytest.warns(UserWarning, match="answers .* otherwise than its cache holds"):
        again = sd.distill(t, X, max_size=4, random_state=0, progress=False)
    assert sd.fidelity(again, clf, X).value == 1.0
    fresh = sd.distill(sd.as_teacher(clf, cache=True), X, max_size=4, random_state=0, progress=False)
    assert {**again.to_dict(), "meta": None} == {**fresh.to_dict(), "meta": None}
    with pytest.warns(UserWarning, match="otherwise than its cache holds"):  # sd.fidelity checks so too
        clf.fit(X, X[:, 0] > 0.5)
        assert sd.fidelity(again, t, X).value < 0.6


def test_rows_given_as_lists_keep_their_values_types_apart():
    """Rows given as lists reach the teacher as given, but their keys were NumPy's array of them, which
    makes True the integer 1 and 1 the float 1.0: a teacher telling them apart was answered from the cache
    about [True, 2] as about [1, 2]."""
    f = lambda X: [type(row[0]).__name__ for row in X]  # noqa: E731
    classes = ["bool", "float", "int", "str"]
    t = sd.as_teacher(f, classes=classes, cache=True)
    assert t.predict([[1, 2]]).tolist() == ["int"] and t.predict([[True, 2]]).tolist() == ["bool"]
    assert t.predict([[True, 2], [1, 2], ["1", 2]]).tolist() == ["bool", "int", "str"] and t.n_queries == 3
    assert t.predict([[1.0, 2.0]]).tolist() == ["float"] and t.predict([[1, 2.0]]).tolist() == ["int"]
