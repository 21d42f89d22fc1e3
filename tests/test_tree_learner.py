from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill import DataError
from symdistill.learners import TreeLearner


def xor(X):
    return (np.round(X[:, 0]) != np.round(X[:, 1])).astype(int)


def test_xor_needs_lookahead_and_gets_four_leaves():
    X = np.random.default_rng(0).uniform(size=(1500, 6))
    tree = sd.distill(xor, X, max_size=4, random_state=0, n_samples=4000)
    X_test = np.random.default_rng(1).uniform(size=(3000, 6))
    assert tree.size == 4
    assert float(sd.fidelity(tree, xor, X_test)) >= 0.97
    assert set(tree.feature[tree.feature >= 0]) == {0, 1}
    flat = sd.distill(xor, X, max_size=4, random_state=0, n_samples=4000, lookahead_depth=0, refine_passes=0)
    assert float(sd.fidelity(flat, xor, X_test)) < float(sd.fidelity(tree, xor, X_test))


def test_beats_cart_on_teacher_labels_for_the_same_size(torch_mlp, blobs):
    from sklearn.tree import DecisionTreeClassifier

    X_train, X_test, _, _ = blobs
    t = sd.as_teacher(torch_mlp)
    tree = sd.distill(t, X_train, max_size=6, random_state=0)
    cart = DecisionTreeClassifier(max_leaf_nodes=6, random_state=0).fit(X_train, t.predict(X_train))
    ref = t.predict(X_test)
    assert np.mean(tree.predict(X_test) == ref) >= np.mean(cart.predict(X_test) == ref) - 0.01


def test_deep_nodes_are_topped_up_with_teacher_queries():
    X = np.random.default_rng(0).uniform(size=(300, 2))
    learner = TreeLearner(max_size=8, random_state=0, n_samples=300, min_node_samples=200).fit(xor, X)
    assert learner.n_queries_ > 300 + 32  # the determinism probe plus sampled top-ups
    assert learner.model_.meta["n_queries"] == learner.n_queries_


def test_categorical_splits_on_dataframe():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"city": pd.Categorical(rng.choice(["paris", "rome", "oslo", "lima"], 800)),
                       "income": rng.uniform(0, 100, 800)})

    def teacher(frame):
        return (frame["city"].isin(["rome", "lima"]) & (frame["income"] > 40)).astype(int).to_numpy()

    tree = sd.distill(teacher, df, max_size=3, random_state=0)
    assert float(sd.fidelity(tree, teacher, df)) >= 0.98
    assert "city in {" in str(tree)
    again = sd.load(tree.to_json())
    assert (again.predict(df) == tree.predict(df)).all()


def test_regression_teacher_gets_value_leaves():
    X = np.random.default_rng(0).uniform(size=(800, 3))

    def f(X):
        return np.where(X[:, 0] > 0.5, 3.0, -1.0) + X[:, 1]

    tree = sd.distill(f, X, max_size=8, random_state=0, task="regression")
    assert tree.task == "regression" and tree.size <= 8
    score = sd.fidelity(tree, f, X)
    assert score.value > 0.95 and "MAE" in score.extra


def test_splits_whose_children_agree_are_pruned():
    X = np.random.default_rng(0).uniform(size=(600, 2))
    tree = sd.distill(lambda X: (X[:, 0] > 0.7).astype(int), X, max_size=8, random_state=0)
    assert tree.size == 2


def test_multiclass_string_labels():
    X = np.random.default_rng(0).uniform(size=(900, 2))

    def f(X):
        return np.array(["a", "b", "c"])[np.minimum((X[:, 0] * 3).astype(int), 2)]

    tree = sd.distill(f, X, max_size=3, random_state=0)
    assert set(tree.predict(X)) == {"a", "b", "c"}
    assert float(sd.fidelity(tree, f, X)) > 0.98


@pytest.mark.parametrize("param, value", [("criterion", "entropy"), ("min_node_samples", -1),
                                          ("max_depth", 0), ("n_samples", -5)])
def test_bad_parameters_are_named(param, value):
    X = np.random.default_rng(0).uniform(size=(50, 2))
    with pytest.raises(ValueError, match=param):
        sd.distill(xor, X, **{param: value})


def test_bad_data_is_named():
    with pytest.raises(DataError, match="non-finite"):
        sd.distill(xor, np.array([[0.1, np.nan], [0.2, 0.3]]))
    with pytest.raises(DataError, match="2-D"):
        sd.distill(xor, np.zeros(5))
    with pytest.raises(DataError, match="at least 2 rows"):
        sd.distill(xor, np.zeros((1, 2)))


@pytest.mark.parametrize("min_leaf", [1500, 2000, 2400])
def test_lookahead_splits_keep_min_leaf_rows_on_each_side(min_leaf):
    """The two-level lookahead chose cuts on a subsample's bins and ignored min_leaf: the root of 5,000
    rows sent 1,250 to one side with min_leaf 1,500-2,400."""
    X = np.random.default_rng(0).uniform(size=(500, 2))
    f = lambda X: ((X[:, 0] > .8) ^ (X[:, 1] > .8)).astype(int)  # noqa: E731
    learner = TreeLearner(max_size=4, min_leaf=min_leaf, random_state=0, refine_passes=0,
                          min_node_samples=0).fit(f, X)
    tree = learner.model_
    internal = [i for i in range(len(tree.feature)) if tree.children_left[i] >= 0]
    for i in internal:
        for child in (tree.children_left[i], tree.children_right[i]):
            assert tree.n_samples[child] >= min_leaf


def test_a_splits_two_children_are_topped_up_in_one_teacher_call(monkeypatch):
    # A teacher with a fixed cost per call (a pipeline, a remote model) pays per call, not per row.
    splits = []
    apply_split = TreeLearner._apply_split
    monkeypatch.setattr(TreeLearner, "_apply_split", lambda self, i, s: (splits.append(i), apply_split(self, i, s)))
    X = np.random.default_rng(0).uniform(size=(300, 3))
    t = sd.as_teacher(lambda X: ((X[:, 0] > 0.5) ^ (X[:, 1] > 0.3) | (X[:, 2] > 0.8)).astype(int))
    tree = sd.distill(t, X, max_size=8, random_state=0, n_samples=1000, progress=False)
    assert tree.size == 7 and len(splits) >= 7  # 7 once a leaf no input reaches is removed
    # The user's rows, the determinism probe (its 32 rows at once, then in two halves), the rows sampled up to
    # n_samples, one call per split.
    assert t.n_calls <= 4 + len(splits)


def _purified_but_unchanged(X):
    """Positives only where a > 0.4, and there in stripes of b: 45% of that side, so the split on a
    (the impurity-best) leaves the majority class on both sides; b <= 0.1125 is all positive there."""
    return ((X[:, 0] > 0.4) & (np.mod(4 * X[:, 1], 1.0) < 0.45)).astype(int)


@pytest.mark.parametrize("max_size", [2, 3])
def test_leaves_left_unused_by_pruning_go_to_splits_that_change_a_prediction(max_size):
    """At max_size=2 growth split on a (no prediction changed), pruning removed it, and the tree was
    one leaf: the best two-leaf tree was there to take (adult: 0.80 one leaf vs 0.85 two leaves)."""
    X = np.random.default_rng(0).uniform(size=(3000, 2))
    tree = TreeLearner(max_size=max_size, random_state=0).fit(_purified_but_unchanged, X).model_
    y = _purified_but_unchanged(X)
    assert tree.size == max_size
    assert len(set(tree.predict(X).tolist())) == 2
    assert (tree.predict(X) == y).mean() > max(y.mean(), 1 - y.mean()) + 0.01


class _CheckedRefinement(TreeLearner):
    """Refinement updates node rows, values and per-row leaf losses only where a changed split
    moved rows, and walks a subtree only with the rows that do not reach it already; this checks
    each against a recomputation of the whole tree."""

    def _reassign(self, start=0):
        recomputed = super()._reassign(start)
        stack = [0]
        while stack:
            nd = self._nodes[stack.pop()]
            if nd.split is None:
                continue
            go = self._goes_left(nd.split, nd.idx)
            for c, rows in ((nd.left, nd.idx[go]), (nd.right, nd.idx[~go])):
                child = self._nodes[c]
                assert np.array_equal(child.idx, rows)
                kept = child.value
                self._set_value(child)
                assert np.array_equal(child.value, kept)
                stack.append(c)
        return recomputed

    def _side_losses(self, nd, row_loss):
        loss_l, loss_r, go = super()._side_losses(nd, row_loss)
        assert np.array_equal(loss_l, self._leaf_loss(nd.left, nd.idx))
        assert np.array_equal(loss_r, self._leaf_loss(nd.right, nd.idx))
        assert np.array_equal(go, self._goes_left(nd.split, nd.idx))
        return loss_l, loss_r, go

    def _set_row_losses(self, row_loss, nodes):
        super()._set_row_losses(row_loss, nodes)
        self.n_updates_ = getattr(self, "n_updates_", 0) + 1
        assert np.array_equal(row_loss, self._leaf_loss(0, np.arange(len(self._Z))))


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_refinement_updates_equal_a_recomputation(task):
    X = np.random.default_rng(0).uniform(size=(400, 4))

    def f(X):
        y = np.sin(6 * X[:, 0]) + (X[:, 1] > 0.3) * X[:, 2]
        return y if task == "regression" else (y > 0.4).astype(int)

    learner = _CheckedRefinement(max_size=24, random_state=0, n_samples=2000, min_node_samples=100,
                                 task=task).fit(f, X)
    assert learner.n_updates_ > 10  # splits moved: the updates were exercised, not only the first fill
    plain = TreeLearner(max_size=24, random_state=0, n_samples=2000, min_node_samples=100, task=task).fit(f, X)
    checked, unchecked = learner.model_.to_dict(), plain.model_.to_dict()
    checked.pop("meta"), unchecked.pop("meta")  # fit times differ
    assert checked == unchecked


def test_the_progress_bar_counts_the_refinement_after_growth(bar_updates, capsys):
    """The tree's bar counted the leaves grown, then stood full while the splits were refined: on
    1,000,000 MAGIC rows it reached 16/16 leaves after about 20 s and stayed still for 25 s more.
    Refinement now shows as its own phase, 'refining tree', counting the splits re-fitted (each
    split once a pass) up to its total; the tree is the same."""
    import symdistill.learners.tree as tree_module

    X = np.random.default_rng(0).uniform(size=(2000, 3))
    f = lambda X: ((X[:, 0] > 0.5) ^ (X[:, 1] > 0.3)).astype(int)  # noqa: E731
    quiet = sd.distill(f, X, max_size=6, random_state=0, progress=False)
    assert capsys.readouterr().err == ""
    seen = bar_updates(tree_module)
    shown = sd.distill(f, X, max_size=6, random_state=0, progress=True)
    assert "refining tree" in capsys.readouterr().err
    assert shown.to_json() == quiet.to_json()
    phases = [d for d, _, _ in seen]
    first = phases.index("refining tree: ")
    assert set(phases[:first]) == {"distilling tree: "} and seen[first - 1][1:] == (quiet.size, 6)
    refining = [(n, total) for d, n, total in seen[first:] if d == "refining tree: "]
    assert refining[-1] == ((quiet.size - 1) * 3, (quiet.size - 1) * 3)  # every split, each of 3 passes
    assert [n for n, _ in refining[:quiet.size - 1]] == list(range(1, quiet.size))  # one split at a time


def test_a_categorical_split_under_another_lists_only_categories_that_reach_it():
    # The second split on `c` listed categories its parent had sent the other way: printed
    # "c in {'a', 'b', 'e', 'f'}" under "c in {'a', 'b', 'c', 'd'}", where only 'a' and 'b' can be.
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"c": rng.choice(list("abcdef"), 3000), "x": rng.normal(size=3000)})
    group = {"a": 0, "b": 0, "c": 1, "d": 1, "e": 2, "f": 2}

    def teacher(frame):
        return np.array([group[v] for v in frame["c"]])

    tree = sd.distill(teacher, df, max_size=3, random_state=0)
    assert tree.size == 3 and float(sd.fidelity(tree, teacher, df)) == 1.0
    categories = tree.domain.features[0].categories
    reach = {0: set(range(len(categories)))}  # codes that can reach each node
    nested = 0
    for i in range(tree.n_nodes):
        if tree.children_left[i] < 0:
            continue
        left = set(tree.left_categories[i])
        assert left < reach[i], (str(tree), i)
        nested += reach[i] != set(range(len(categories)))
        reach[int(tree.children_left[i])] = left
        reach[int(tree.children_right[i])] = reach[i] - left
    assert nested == 1


def corner(X):
    return ((X[:, 0] > 2) & (X[:, 1] > 1.5)).astype(int)


def test_a_rare_corner_gets_the_two_splits_it_needs():
    # 0.14% of the rows: no single split makes it a side's majority, so every stump the budget
    # filler tried changed nothing, and max_size=3 gave one leaf (fidelity 0.9982 on fresh rows)
    # where x0 > 2, then x1 > 1.5, gives 0.9999.
    X = np.random.default_rng(0).normal(size=(5000, 5))
    X_test = np.random.default_rng(1).normal(size=(200_000, 5))
    tree = sd.distill(corner, X, max_size=3, random_state=0)
    assert tree.size == 3
    assert set(tree.feature[tree.feature >= 0]) == {0, 1}
    assert float(sd.fidelity(tree, corner, X_test)) > 0.9995


def _leaves_reached(tree, node, lo, hi):
    """Classes of the leaves under ``node`` that points with lo < x <= hi (per feature) reach."""
    if tree.children_left[node] < 0:
        return {int(np.argmax(tree.value[node]))}
    j, t = int(tree.feature[node]), float(tree.threshold[node])
    out = set()
    if lo[j] < t:
        out |= _leaves_reached(tree, int(tree.children_left[node]), lo, np.where(np.arange(len(hi)) == j, np.minimum(hi, t), hi))
    if hi[j] > t:
        out |= _leaves_reached(tree, int(tree.children_right[node]), np.where(np.arange(len(lo)) == j, np.maximum(lo, t), lo), hi)
    return out


@pytest.mark.parametrize("teacher, n, max_size, size", [
    (lambda X: (X[:, 0] > 3.09).astype(int), 2000, 4, 2),  # one positive row among the data
    (corner, 5000, 4, 3),
])
def test_no_split_is_kept_that_its_other_subtree_makes_redundant(teacher, n, max_size, size):
    # x0 <= 3.0858 -> 0, then x0 <= 3.0903 -> 0, else 1: the first split changed no prediction, but
    # its children are not two leaves, so pruning kept it (3 leaves where 2 do the same).
    X = np.random.default_rng(0).normal(size=(n, 5))
    tree = sd.distill(teacher, X, max_size=max_size, random_state=0)
    assert tree.size == size
    d = X.shape[1]
    region = {0: (np.full(d, -np.inf), np.full(d, np.inf))}
    for i in range(tree.n_nodes):  # pre-order: a node's region is known before its children's
        left, right = int(tree.children_left[i]), int(tree.children_right[i])
        if left < 0:
            continue
        lo, hi = region[i]
        j, t = int(tree.feature[i]), float(tree.threshold[i])
        region[left] = (lo, np.where(np.arange(d) == j, np.minimum(hi, t), hi))
        region[right] = (np.where(np.arange(d) == j, np.maximum(lo, t), lo), hi)
        for leaf, other in ((left, right), (right, left)):
            if tree.children_left[leaf] < 0:  # the other subtree must predict something else there
                assert _leaves_reached(tree, other, *region[leaf]) != _leaves_reached(tree, leaf, *region[leaf])


@pytest.mark.parametrize("n_rows", [600, 100, 40])
def test_presorted_rows_come_in_the_order_their_own_sort_gives(n_rows):
    """PresortedPool hands a large or medium subset of the pool (600, 100, 40 of 1,000 rows: a pass
    over the pool's order, a bitmap of it) its rows sorted by a feature without sorting them: the
    order must be the one ``np.argsort`` gives the subset, rows appended later included, asked twice
    (the bitmap is cleared between uses); a feature whose values tie (whose tied rows ``np.argsort``
    orders its own way) and a small subset are left to their own sort."""
    from symdistill.learners._splits import PresortedPool

    rng = np.random.default_rng(0)
    ZT = np.vstack([rng.normal(size=1000), rng.integers(0, 50, 1000).astype(float)])
    pool = PresortedPool(ZT)
    rows = rng.permutation(1000)[:n_rows]
    order = pool.sorter(rows)
    np.testing.assert_array_equal(order(0), np.argsort(ZT[0, rows]))
    np.testing.assert_array_equal(order(0), np.argsort(ZT[0, rows]))
    assert order(1) is None
    assert pool.sorter(rows[:30]) is None
    grown = np.hstack([ZT, np.vstack([rng.normal(size=50), np.zeros(50)])])
    pool.update(grown)
    rows = np.concatenate([rows, np.arange(1000, 1050)])
    np.testing.assert_array_equal(pool.sorter(rows)(0), np.argsort(grown[0, rows]))


@pytest.mark.parametrize("regression", [False, True])
def test_split_search_over_presorted_rows_finds_the_split_a_sort_finds(regression):
    """best_splits and best_routing_split given a PresortedPool's order give the split, gain and
    per-feature gains they give sorting each node (to the bit), on continuous, tied, integer,
    binary and categorical features."""
    from symdistill.learners._splits import (FeatureInfo, PresortedPool, best_routing_split, best_splits,
                                             channels)

    rng = np.random.default_rng(1)
    n = 3000
    Z = np.column_stack([rng.normal(size=n), rng.uniform(size=n), np.round(rng.normal(size=n), 1),
                         rng.integers(0, 5, n), rng.integers(0, 2, n), rng.integers(0, 4, n)]).astype(float)
    info = FeatureInfo(categorical={5: 4}, discrete={3: (0.0, 5), 4: (0.0, 2)})
    y = (Z[:, 0] + Z[:, 1] * Z[:, 2] > 0.3).astype(int)
    w = rng.uniform(0.5, 2.0, n)
    target = Z[:, 0] * 3 + Z[:, 1] if regression else np.eye(2)[y]
    pool = PresortedPool(np.ascontiguousarray(Z.T))
    # every row, large and medium subsets (a pass over the pool's order, a bitmap of it); the smaller
    # ones' features are searched in batches, the tied feature 2 sorted among the given orders
    for rows in (np.arange(n), np.flatnonzero(Z[:, 1] > 0.3), rng.permutation(n)[:2000],
                 np.flatnonzero(Z[:, 1] > 0.8), np.sort(rng.permutation(n)[:150])):
        C = channels(target[rows], w[rows], regression)
        plain = best_splits(Z[rows], C, info, regression, 5)
        given = best_splits(Z[rows], C, info, regression, 5, presorted=pool.sorter(rows))
        assert plain[0] == given[0] and plain[1].tobytes() == given[1].tobytes()
        want = Z[rows, 0] > 0.1
        assert best_routing_split(Z[rows], want, w[rows], info) == \
            best_routing_split(Z[rows], want, w[rows], info, pool.sorter(rows))


def test_category_sums_add_the_rows_as_add_at_does():
    """The categorical split's per-category sums (a bincount per channel) equal ``np.add.at``'s to the
    bit, categories no row holds included."""
    from symdistill.learners._splits import category_sums

    rng = np.random.default_rng(2)
    codes = rng.integers(0, 6, 5000)
    codes[codes == 4] = 0
    C = rng.uniform(size=(5000, 3)) * rng.uniform(1e-3, 1e3, 5000)[:, None]
    H = np.zeros((7, 4))
    np.add.at(H, codes, np.column_stack([C, np.ones(5000)]))
    assert category_sums(codes, C, 7).tobytes() == H.tobytes()
