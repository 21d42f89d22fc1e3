"""Property tests: for random trees with arbitrary double thresholds and leaf values (subnormals,
huge magnitudes, -0.0), the exported Python module and the compiled C agree with ``predict``."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill.models import Tree

from _export_support import (
    compile_c, expected, hostile_domain, import_module, probe_rows, needs_gcc, random_tree, row_driver,
    run_rows,
)

doubles = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def trees(draw, n_numeric: int | None = None, n_categorical: int | None = None):
    """A random tree whose numeric thresholds (and regression values) are arbitrary doubles."""
    dom = hostile_domain(n_numeric if n_numeric is not None else draw(st.integers(1, 4)),
                         n_categorical if n_categorical is not None else draw(st.integers(0, 2)))
    task = draw(st.sampled_from(["classification", "regression"]))
    k = draw(st.integers(1, 5))
    base = random_tree(np.random.default_rng(draw(st.integers(0, 2**32 - 1))), dom,
                       n_leaves=draw(st.integers(1, 70)), task=task, classes=[f"c{i}" for i in range(k)],
                       chain=draw(st.booleans()))
    n = base.n_nodes
    threshold = np.array(draw(st.lists(doubles, min_size=n, max_size=n)))
    value = base.value
    if task == "regression":
        value = np.array(draw(st.lists(doubles, min_size=n, max_size=n)))[:, None]
    return Tree(dom, task, base.classes, children_left=base.children_left, children_right=base.children_right,
                feature=base.feature, threshold=threshold, value=value, left_categories=base.left_categories)


def _check(got: np.ndarray, tree: Tree, Z: np.ndarray) -> None:
    want = expected(tree, Z)
    if tree.task == "regression":
        assert np.array_equal(got.view(np.int64), np.asarray(want, dtype=float).view(np.int64)), \
            "values differ (compared bit for bit, -0.0 included)"
    else:
        np.testing.assert_array_equal(got, want)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees())
def test_python_export_agrees_with_predict(tree, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("py")
    mod = import_module(tmp / "prop_model.py", sd.export(tree, "python"), "prop_model")
    Z = probe_rows(tree, 300)
    got = [mod.predict_encoded(row) for row in Z.tolist()]
    if tree.task == "regression":
        _check(np.array(got, dtype=float), tree, Z)
    else:
        _check(np.array([mod.CLASSES.index(g) for g in got]), tree, Z)


@needs_gcc
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forest=st.lists(trees(n_numeric=3, n_categorical=1), min_size=1, max_size=8))
def test_c_export_agrees_with_predict(forest, tmp_path_factory):
    """All trees of one example are compiled into one program, each under its own prefix."""
    tmp = tmp_path_factory.mktemp("c")
    prefixes = [f"tree_{i}" for i in range(len(forest))]
    sources = {p: sd.export(t, "c", prefix=p) for p, t in zip(prefixes, forest)}
    exe = compile_c(tmp, sources, row_driver(prefixes, [t.task == "regression" for t in forest], 4))
    Z = np.vstack([probe_rows(t, 400, seed=i) for i, t in enumerate(forest)])
    got = run_rows(exe, Z, len(forest))
    for col, tree in enumerate(forest):
        _check(got[:, col], tree, Z)
