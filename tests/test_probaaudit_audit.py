"""An audit of what the last session added: class probabilities in the exports, ``sd.class_fidelity`` and
``evaluate --by-class``, and the once-per-location memory of ``_errors.warn``."""

from __future__ import annotations

import numpy as np

import symdistill as sd

X = np.arange(10, dtype=float).reshape(-1, 1)  # x = 0, 1, ..., 9


def test_a_model_of_no_classes_is_counted_over_the_labels_seen_sorted_its_own_too():
    """An object with predict alone (no classes) is counted over the labels seen, sorted: a label only the model
    gives ('a', which the teacher never answers) came after the teacher's, ['b', 'c', 'a']."""

    class Plain:
        def predict(self, X):
            return np.where(np.asarray(X)[:, 0] < 5, "a", "b")

    teacher = lambda X: np.where(np.asarray(X)[:, 0] < 3, "b", "c")  # noqa: E731
    result = sd.class_fidelity(Plain(), teacher, X)
    assert result.labels == ["a", "b", "c"]
    assert result.confusion.tolist() == [[0, 0, 0], [3, 0, 0], [2, 5, 0]]  # rows: teacher; columns: model
    assert [(c.n_teacher, c.n_model) for c in result] == [(0, 5), (3, 5), (7, 0)]
    assert result.overall == sd.fidelity(Plain(), teacher, X) and result.overall.value == 0.0


def test_a_linear_classifiers_c_file_says_it_needs_libm_where_its_reader_looks():
    """A linear classifier's C file calls exp since predict_proba was added, so a build that linked before (no
    -lm) fails with "undefined reference to `exp'", and nothing in the file said why or how to leave it out
    (README did). Its opening comment now says so; a tree's, which calls no exp, does not."""
    from symdistill.models.linear import LinearModel, Term

    dom = sd.Domain((sd.Feature("a", "numeric", -1.0, 1.0),))
    linear = LinearModel(dom, "classification", np.array(["no", "yes"]), terms=[Term.numeric(0)], coef=[[2.0]],
                         intercept=[0.5], link="logistic")
    comment = sd.export(linear, "c", prefix="edge").split("*/", 1)[0]
    assert "edge_predict_proba calls exp: link with -lm, or define EDGE_NO_PROBA to leave it out." in comment
    tree = sd.distill(lambda X: (X[:, 0] > 4).astype(int), X, max_size=2, random_state=0)
    assert "-lm" not in sd.export(tree, "c") and "exp(" not in sd.export(tree, "c")


def test_the_by_class_table_stays_aligned_beside_a_class_named_in_chinese():
    """A terminal gives a Chinese (or Japanese, or emoji) character two columns: the table padded by len() put
    every column of that class's line a column per such character right of its header (here three)."""
    teacher = lambda X: np.where(np.asarray(X)[:, 0] < 4, "猫猫猫", "dog")  # noqa: E731  three wide characters
    model = sd.distill(teacher, X, max_size=2, random_state=0)
    lines = str(sd.class_fidelity(model, teacher, X)).splitlines()
    assert lines[1].startswith("class   teacher rows  model rows")  # the class column 6 wide: its widest label
    assert lines[2].startswith("------  ------------  ----------")
    assert lines[3].startswith("dog     6             6 ")
    assert lines[4].startswith("猫猫猫  4             4 ")
