"""A 26-class (letters) report that reads: disagreements visible in the class heat map, one number format per
rate column, a large tree drawn at a readable size."""

from __future__ import annotations

import string
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from symdistill.domain import Domain  # noqa: E402
from symdistill.report.build import _disagreement_section  # noqa: E402
from symdistill.report.figures import class_figure  # noqa: E402
from symdistill.report.render import Table  # noqa: E402

LETTERS = list(string.ascii_uppercase)


def _letters(n: int = 2600, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """16 integer features in 0..15, a teacher's letter from them and a student that errs on a few rows."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 16, size=(n, 16)).astype(float)
    teacher = (X[:, 0] + 16 * X[:, 1]).astype(int) % 26
    student = teacher.copy()
    wrong = rng.choice(n, size=n // 40, replace=False)
    student[wrong] = (student[wrong] + 1 + rng.integers(0, 3, size=len(wrong))) % 26
    return X, teacher, student


def test_the_26_class_heat_map_shows_disagreements_of_a_few_rows() -> None:
    """At 26 classes the heat map wrote no counts and shaded a cell of 2 rows next to a diagonal of 300 nearly
    white: off-diagonal cells are shaded on their own scale and every non-zero count is written."""
    k = 26
    mat = np.diag(np.full(k, 300))
    mat[3, 7] = 2
    mat[10, 4] = 5
    fig = class_figure(mat, LETTERS)
    ax = fig.axes[0]
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert texts[(3, 7)] == "2" and texts[(10, 4)] == "5" and texts[(0, 0)] == "300"
    assert (0, 1) not in texts  # zero cells left empty at many classes
    im = ax.images[0]
    small = np.asarray(im.cmap(im.norm(im.get_array()[3, 7])))[:3]
    assert small.mean() < 0.85, f"a disagreement of 2 rows is drawn nearly white: {small}"
    empty = np.asarray(im.cmap(im.norm(im.get_array()[0, 1])))[:3]
    assert small.mean() < empty.mean() - 0.1


def test_the_small_heat_map_still_writes_every_count() -> None:
    """At 3 classes every count is written, zeros included, and a disagreement is shaded."""
    mat = np.array([[50, 1, 0], [0, 40, 3], [2, 0, 60]])
    ax = class_figure(mat, ["a", "b", "c"]).axes[0]
    assert sorted(t.get_text() for t in ax.texts) == sorted(str(v) for v in mat.ravel())
    im = ax.images[0]
    assert np.asarray(im.cmap(im.norm(im.get_array()[1, 2])))[:3].mean() < 0.85


def _table_cells(section, header: str) -> list[tuple[str, ...]]:
    table = next(b for b in section.blocks if isinstance(b, Table) and header in b.header)
    return [tuple(r) for r in table.rows]


def test_rate_columns_print_one_number_of_decimals() -> None:
    """The per-class table's rate column mixed '0.137' with '0.09859' (4 significant digits) and the per-feature
    table's rate and spread likewise: each rate column prints 4 decimals."""
    X, t, s = _letters()
    dom = Domain.from_data(X, feature_names=[f"x{j}" for j in range(16)])
    classes = np.array(LETTERS)
    sec = _disagreement_section(dom, X, classes[t], classes[s], SimpleNamespace(classes_=classes), False, {},
                                "2,600 rows")
    per_class = _table_cells(sec, "rate")
    per_feature = _table_cells(sec, "spread")
    for column in ([r[3] for r in per_class], [r[2] for r in per_feature if r[2]], [r[4] for r in per_feature]):
        assert column and all(len(c.split(".")[1]) == 4 for c in column), column


def test_a_64_leaf_tree_is_drawn_at_a_readable_size_saying_what_is_left_out() -> None:
    """Letters' 64-leaf tree was drawn 30 inches (3000 px at the report's 100 dpi) wide with 6-point text, unreadable
    once scaled to the page: at most 14 inches, 9-point text, the title saying how many levels are drawn and that
    the text form holds the whole tree. A small tree is drawn whole, with no such note."""
    import symdistill as sd
    from symdistill.report.drawing import draw_tree

    X, t, _ = _letters(4000)
    labels = np.array(LETTERS)
    tree = sd.distill(lambda Z: labels[(Z[:, 0] + 16 * Z[:, 1]).astype(int) % 26], X, form="tree", max_size=64,
                      random_state=0, n_samples=4000)
    assert tree.size > 32
    fig = draw_tree(tree)
    assert fig.get_size_inches()[0] <= 14.0
    title = fig.axes[0].get_title()
    assert "levels of conditions drawn" in title and "the whole tree is in its text form" in title
    assert {t.get_fontsize() for t in fig.axes[0].texts if "\n" in t.get_text()} == {9}
    small = sd.distill(lambda Z: labels[(Z[:, 0] > 7).astype(int)], X, form="tree", max_size=4, random_state=0,
                       n_samples=2000)
    assert "drawn" not in draw_tree(small).axes[0].get_title()
