"""A saved tree may list its nodes in any order (JSON does not promise parents first): everything
that walks a tree must give the same answers as for the same tree stored parents-first."""

from __future__ import annotations

import numpy as np

from symdistill.domain import Domain
from symdistill.frontier import literal_count
from symdistill.models import Tree
from symdistill.report.drawing import _leaves_under, draw_tree

DOM = Domain.from_data(np.random.default_rng(0).uniform(size=(50, 3)))


def _tree(left, right, feature, threshold, leaf_class) -> Tree:
    value = [[1.0, 0.0] if c == 0 else [0.0, 1.0] if c == 1 else [0.5, 0.5] for c in leaf_class]
    return Tree(DOM, "classification", np.array(["a", "b"]), children_left=left, children_right=right,
                feature=feature, threshold=threshold, value=value)


# one tree of depth 3 (root, a split under it, a split under that), stored two ways
PARENTS_FIRST = _tree([1, 3, -1, 5, -1, -1, -1], [2, 4, -1, 6, -1, -1, -1], [0, 1, -1, 2, -1, -1, -1],
                      [0.5, 0.4, 0, 0.3, 0, 0, 0], [None, None, 0, None, 1, 0, 1])
SHUFFLED = _tree([3, 5, -1, 1, -1, -1, -1], [4, 6, -1, 2, -1, -1, -1], [0, 2, -1, 1, -1, -1, -1],
                 [0.5, 0.3, 0, 0.4, 0, 0, 0], [None, None, 1, None, 0, 0, 1])


def test_depths_literals_and_drawing_do_not_depend_on_node_order():
    Z = np.random.default_rng(1).uniform(size=(500, 3))
    assert (PARENTS_FIRST.predict_encoded(Z) == SHUFFLED.predict_encoded(Z)).all()
    assert PARENTS_FIRST.depth == SHUFFLED.depth == 3
    assert literal_count(PARENTS_FIRST) == literal_count(SHUFFLED) == 1 + 2 + 3 + 3
    for t in (PARENTS_FIRST, SHUFFLED):
        assert _leaves_under(t.children_left, t.children_right, t.node_depths())[0] == 4
        fig = draw_tree(t)
        assert "4 leaves, depth 3" in fig.axes[0].get_title()


def test_thresholds_print_with_the_digits_their_feature_needs():
    """A feature that varies in its 12th digit prints thresholds that differ; ordinary ones keep 6 digits."""
    import symdistill as sd

    X = 1.0 + np.random.default_rng(0).normal(size=(1000, 2)) * 1e-12
    teacher = lambda Z: ((Z[:, 0] - 1) + 0.5 * (Z[:, 1] - 1) > 0).astype(int)  # noqa: E731
    for form in ("tree", "rules"):
        model = sd.distill(teacher, X, form=form, max_size=4, random_state=0)
        shown = {w.rstrip(":") for w in str(model).split() if w[:1] in "01" and "." in w}
        assert len(shown) >= 3  # 6 digits printed every one of them as "1"
        assert all(float(w) != 1.0 for w in shown)
    assert "if x0 <= 0.5:" in str(PARENTS_FIRST)
