"""The C export's batch entry point over a tree padded to its full depth (a heap: node j's children
at 2j + 1 and 2j + 2): it must answer what the one-row function and ``predict`` answer on every row,
on thresholds, one ulp either side, NaN, infinities and -0.0 included, for every shape of tree up
to ``HEAP_DEPTH``, and leave deeper trees to the children table."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.export.c import HEAP_DEPTH

from _export_support import c_answers, expected, hostile_classes, hostile_domain, needs_gcc, probe_rows, random_tree

pytestmark = needs_gcc


def _edge_rows(tree, n: int, seed: int) -> np.ndarray:
    """Probe rows (most on a threshold or one ulp from it), with a fifth of the values replaced by
    NaN, +-inf, -0.0 or 0.0; an odd count, so the last block of rows does not fill the unrolled loop."""
    Z = probe_rows(tree, n, seed=seed)
    rng = np.random.default_rng(seed)
    odd = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0])
    hit = rng.random(Z.shape) < 0.2
    Z[hit] = odd[rng.integers(len(odd), size=int(hit.sum()))]
    return Z


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("n_leaves, chain", [(2, False), (7, False), (40, False), (11, True), (12, True), (300, False)])
def test_full_depth_batch_walk_answers_as_predict(tmp_path, task, n_leaves, chain):
    """Trees up to HEAP_DEPTH deep (a single test; bushy trees of depth 3 and 9; a chain of 10 tests
    whose leaves hang at every level) walk the padded heap; a chain of 11 tests and a 300-leaf tree
    (depth 17) walk the children table. Both answer bit for bit what ``predict`` answers."""
    tree = random_tree(np.random.default_rng(n_leaves), hostile_domain(5, 0), n_leaves=n_leaves, task=task,
                       classes=hostile_classes(3), chain=chain)
    source = sd.export(tree, "c")
    heap = tree.depth <= HEAP_DEPTH
    assert ("symdistill_node_kids[" in source) is not heap
    if heap:  # 2**depth - 1 nodes and 2**depth leaf slots: a leaf above the last level fills its subtree's
        assert f"symdistill_node_threshold[{2 ** tree.depth - 1}]" in source
        assert f"symdistill_leaf_output[{2 ** tree.depth}]" in source
    Z = _edge_rows(tree, 2_003, seed=n_leaves)
    got = c_answers(tmp_path, tree, Z)  # run_rows fails unless the batch answers the one-row code, bit for bit
    finite = np.isfinite(Z).all(axis=1)
    np.testing.assert_array_equal(got[finite], expected(tree, Z[finite]))
    if task == "regression":  # a leaf's value, sign of zero included
        np.testing.assert_array_equal(np.signbit(got[finite]), np.signbit(expected(tree, Z[finite])))


def test_the_benchmark_shape_walks_the_heap(tmp_path):
    """A depth-9 tree of 32 leaves, the edge benchmark's shape: the heap walk, every row answered as
    ``predict`` answers it, rows exactly on each threshold included."""
    rng = np.random.default_rng(3)
    dom = hostile_domain(10, 0)
    tree = next(t for t in (random_tree(rng, dom, n_leaves=32, classes=["0", "1"]) for _ in range(200))
                if t.depth == 9)
    source = sd.export(tree, "c")
    assert "symdistill_node_kids" not in source and "symdistill_leaf_output[512]" in source
    Z = probe_rows(tree, 5_001, seed=9)
    np.testing.assert_array_equal(c_answers(tmp_path, tree, Z), expected(tree, Z))


@pytest.mark.parametrize("n_leaves, chain", [(2, False), (11, True)])
def test_full_depth_walk_reads_no_table_out_of_bounds(tmp_path, n_leaves, chain):
    """Under AddressSanitizer and UBSan, on 1,001 rows (the last block's unrolled loop and its tail),
    a depth-1 tree and a depth-10 chain (padded to 1,023 nodes) read only their tables."""
    tree = random_tree(np.random.default_rng(n_leaves), hostile_domain(5, 0), n_leaves=n_leaves,
                       classes=hostile_classes(3), chain=chain)
    Z = _edge_rows(tree, 1_001, seed=n_leaves)
    got = c_answers(tmp_path, tree, Z, sanitize=True)
    finite = np.isfinite(Z).all(axis=1)
    np.testing.assert_array_equal(got[finite], expected(tree, Z[finite]))
