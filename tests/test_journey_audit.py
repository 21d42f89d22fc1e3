"""A new user's journey on the Adult census data: a scikit-learn Pipeline (OneHotEncoder and
StandardScaler in a ColumnTransformer, then HistGradientBoosting) fitted on a pandas DataFrame of raw
text columns, distilled, scored and applied as the README shows. Each test is a place where such a
user stumbled. The data file is read from $SYMDISTILL_DATA (or ../shared/data, as bench/suite.py reads
it) and the tests skip without it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import symdistill as sd
from symdistill.verify import ConstraintError

ADULT = Path(os.environ.get("SYMDISTILL_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")) / "adult.data"


def _adult(n: int = 2000, **read: Any) -> tuple[pd.DataFrame, pd.Series]:
    """``n`` rows of adult (seeded), read as ``pd.read_csv(..., **read)``, and the label column."""
    if not ADULT.is_file():
        pytest.skip(f"adult.data not found at {ADULT} (set SYMDISTILL_DATA)")
    df = pd.read_csv(ADULT, **read).sample(n, random_state=0).reset_index(drop=True)
    label = next(c for c in df.columns if c.strip() == "Salary")
    return df.drop(columns=[label]), df[label]


@pytest.fixture(scope="module")
def pipeline() -> Any:
    """The user's teacher, fitted on adult read as README's *Spaces after separators* says to read it."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X, y = _adult(skipinitialspace=True)
    text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    numbers = [c for c in X.columns if c not in text]
    encode = ColumnTransformer([("text", OneHotEncoder(handle_unknown="ignore"), text),
                                ("numbers", StandardScaler(), numbers)], sparse_threshold=0)
    return Pipeline([("encode", encode), ("clf", HistGradientBoostingClassifier(max_iter=20, random_state=0))]).fit(X, y)


def test_rows_read_without_skipinitialspace_name_the_spaced_column(pipeline: Any) -> None:
    """adult read with pandas' defaults has columns ' workclass', ' education', ...: the pipeline fitted on
    'workclass' failed on the first batch with scikit-learn's "columns are missing: {'relationship', ...}",
    thirteen names that print as the DataFrame's own. The error now names the spaced column and the
    option that reads it as the teacher was fitted, as it did for a spaced category."""
    X, _ = _adult(300)  # pandas' defaults: ' workclass'
    with pytest.raises(sd.TeacherError, match=r"a column of the rows is named ' workclass' where the teacher was "
                                              r"fitted on 'workclass'.*skipinitialspace=True"):
        sd.distill(pipeline, X, max_size=4, random_state=0, n_samples=500)


def test_a_category_the_distilling_rows_lacked_says_what_to_do(pipeline: Any) -> None:
    """A held-out row of a category the training rows lacked (one of adult's 9 'Armed-Forces' rows in
    30,000) stopped sd.fidelity, evaluate and predict with "unknown category 'Armed-Forces' in row ...;
    known categories: [...]" and no word on why the model does not know it or what to do. It now says the
    model's domain lacks it and to drop those rows or distill from rows that hold it."""
    X, _ = _adult(skipinitialspace=True)
    train = X[X["occupation"] != "Armed-Forces"].head(1000)
    held = pd.concat([X.head(20), pd.DataFrame([{**X.iloc[0].to_dict(), "occupation": "Armed-Forces"}])],
                     ignore_index=True)
    tree = sd.distill(pipeline, train, max_size=4, random_state=0, n_samples=500)
    fix = (r"unknown category 'Armed-Forces' in row 20; known categories: .*; the domain lacks it \(a model's "
           r"domain holds the categories of the rows it was distilled from\), so the model cannot place it: drop "
           r"the rows holding it, or distill from rows that hold it$")
    with pytest.raises(sd.DataError, match=fix):
        sd.fidelity(tree, pipeline, held)
    with pytest.raises(sd.DataError, match=fix):
        tree.predict(held)


def test_the_exported_python_module_keeps_its_line_breaks() -> None:
    """The exported module's _row wrote its condition as one line of 180 characters with a gap of 13
    spaces in it ('hasattr(x, "__iter__")             or getattr(...)'): the template's backslash at the
    end of a line, inside a string that is not raw, joined the two lines. A user reading the module saw
    it in every export of every model."""
    import re

    import numpy as np

    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]] * 10)
    tree = sd.distill(lambda rows: (rows[:, 0] > 1.5).astype(int), X, max_size=2, random_state=0, n_samples=200)
    code = sd.export(tree, "python")
    gaps = [line for line in code.splitlines() if re.search(r"\S {3,}\S", line)]
    assert gaps == []
    assert '    if isinstance(x, (str, bytes, bytearray, dict, set, frozenset)) or not hasattr(x, "__iter__") \\\n' \
           '            or getattr(x, "ndim", None) == 0:\n' in code


def test_a_feature_of_many_categories_is_drawn_readably() -> None:
    """adult's native-country holds 30-odd countries in a few thousand held-out rows: the report's
    disagreement-by-feature panel drew a bar and a label for each in a panel 5 inches wide, the names
    written over one another ('Cambodia', 'Canada', 'China' one smudge). A panel now draws the 16 bins
    that hold the most rows, always the worst among them, in their own order, and its title says how
    many of how many it shows."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from symdistill.report.figures import FeatureDisagreement, feature_figure

    bins = tuple(f"country-{i:02d}" for i in range(30))
    counts = tuple([100] * 5 + [1] * 24 + [3])
    rates = tuple([0.1] * 29 + [1.0])  # the last, of 3 rows, is the worst: 3 x (1 - overall) beats 100 x 0
    part = FeatureDisagreement("native-country", bins, counts, rates, 0.2, 0.1)
    assert bins[part.worst] == "country-29"
    few = FeatureDisagreement("race", bins[:5], counts[:5], (0.1, 0.2, 0.1, 0.0, 0.3), 0.1, 0.1)
    fig = feature_figure([part, few], 0.1, regression=False)
    try:
        many, five = fig.axes
        shown = [t.get_text() for t in many.get_xticklabels()]
        assert shown == [*bins[:5], *bins[5:15], "country-29"]  # the most rows (first of ties), the worst, in order
        assert many.get_title() == "native-country (16 of 30 bins: those of the most rows and the worst)"
        assert [t.get_text() for t in five.get_xticklabels()] == list(bins[:5]) and five.get_title() == "race"
        worst = [p.get_facecolor() for p in many.patches]
        assert worst[-1] != worst[0] and len(set(worst[:-1])) == 1  # the worst bin is still marked
    finally:
        plt.close(fig)


def test_drawn_conditions_break_lines_between_words_not_at_hyphens() -> None:
    """The report's rule table (and tree diagram) wrapped adult's conditions at their hyphens:
    "`marital-" / "status` in {'Married-civ-" / "spouse'}", "'Exec-" / "managerial'", so a reader met
    names that are no feature's or category's. Lines now break only at spaces; each line of a drawn
    condition is whole words, and they join back into the printed condition."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt
    import numpy as np

    from symdistill.report.drawing import draw_rules, draw_tree

    rng = np.random.default_rng(0)
    statuses = ["Married-civ-spouse", "Never-married", "Married-spouse-absent", "Divorced"]
    X = pd.DataFrame({"marital-status": rng.choice(statuses, 400), "education-num": rng.integers(1, 17, 400),
                      "hours-per-week": rng.integers(1, 99, 400)})

    def teacher(rows: pd.DataFrame) -> np.ndarray:
        married = rows["marital-status"].isin(["Married-civ-spouse", "Married-spouse-absent"]).to_numpy()
        return np.where(married & (rows["education-num"].to_numpy() > 12), ">50K", "<=50K")

    rules = sd.distill(teacher, X, form="rules", max_size=3, random_state=0, n_samples=2000)
    tree = sd.distill(teacher, X, form="tree", max_size=3, random_state=0, n_samples=2000)
    conditions = [" AND ".join(c.describe(rules.domain) for c in r.conditions) for r in rules.rules]
    assert any("`marital-status`" in c and len(c) > 70 for c in conditions), conditions  # one that wraps
    for fig, printed in ((draw_rules(rules), conditions),
                         (draw_tree(tree), [tree.condition_text(i) for i in range(len(tree.feature))
                                            if tree.feature[i] >= 0])):
        try:
            texts = [t.get_text() for t in fig.axes[0].texts]
            for cond in printed:
                drawn = next(t for t in texts if t.replace("\n", " ") == cond)
                assert not any(line.endswith("-") for line in drawn.split("\n")), drawn
        finally:
            plt.close(fig)


def test_the_weight_chart_keeps_its_value_labels_off_the_term_names() -> None:
    """The report's weight chart wrote each negative weight's value left of its bar, outside the axes
    when the bar reached near their left end: adult's '-0.369' was printed over the end of
    '[occupation=Other-service]'. The axes now leave room for the labels on each side that has bars."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from symdistill.report.drawing import draw_linear

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(600, 4)), columns=["capital-gain", "age", "hours-per-week", "capital-loss"])
    weights = np.array([3.5, -0.4, -0.35, 0.3])
    model = sd.distill(lambda rows: (np.asarray(rows, dtype=float) @ weights > 0).astype(int), X, form="linear",
                       max_size=4, random_state=0, n_samples=2000)
    assert (np.asarray(model.coef)[0] < 0).sum() == 2  # bars on both sides of zero
    fig = draw_linear(model, X)
    try:
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        ax = fig.axes[0]
        box = ax.get_window_extent(renderer)
        labels = [t for t in ax.texts if t.get_text().strip()]
        assert len(labels) == 4
        for t in labels:
            e = t.get_window_extent(renderer)
            assert box.x0 <= e.x0 and e.x1 <= box.x1, (t.get_text(), e, box)
    finally:
        plt.close(fig)


def test_held_out_rows_with_the_label_column_say_to_drop_it(pipeline: Any) -> None:
    """Held-out rows kept with their label (the test split of df, Salary and all) stopped sd.fidelity and
    model.predict with "DataFrame columns do not match the model's features: unknown ['Salary']", and
    no word on what to do. It now says the model was distilled without the column and how to drop it."""
    X, y = _adult(skipinitialspace=True)
    tree = sd.distill(pipeline, X.head(1000), max_size=4, random_state=0, n_samples=500)
    held = X.tail(50).assign(Salary=y.tail(50))
    fix = (r"features: unknown \['Salary'\] \(the model was distilled without it: drop it first, "
           r"X\.drop\(columns=\['Salary'\]\); a label column left in\?\)$")
    with pytest.raises(sd.DataError, match=fix):
        sd.fidelity(tree, pipeline, held)
    with pytest.raises(sd.DataError, match=fix):
        tree.predict(held)
    assert sd.fidelity(tree, pipeline, held.drop(columns=["Salary"])).n == 50


def test_a_constraint_naming_the_label_column_says_to_write_prediction() -> None:
    """A user of adult writes the constraint as the data names the label: "age < 20 -> Salary ==
    '<=50K'". It was refused as "unknown feature 'Salary' (features: age, ...)", with no word that the
    model's output has a name of its own; the error now says '<=50K' is a class and to write prediction."""
    import numpy as np

    X = pd.DataFrame({"age": np.arange(17, 91), "hours-per-week": np.arange(74) % 60 + 1})
    tree = sd.distill(lambda rows: np.where(rows["age"].to_numpy() > 40, ">50K", "<=50K"), X, max_size=2,
                      random_state=0, n_samples=300)
    with pytest.raises(ConstraintError, match=r"unknown feature 'Salary': '<=50K' is a class of the model, "
                                                 r"whose output a constraint names prediction: "
                                                 r"prediction == '<=50K'"):
        sd.verify(tree, "age < 20 -> Salary == '<=50K'")
    with pytest.raises(ConstraintError, match=r"unknown feature 'Salary': '>50K' is a class"):
        sd.verify(tree, "'>50K' != Salary")
    with pytest.raises(ConstraintError, match=r"unknown feature 'Salary' \(features: age"):
        sd.verify(tree, "Salary == 'high'")  # no class: the features are listed, as before
    assert sd.verify(tree, "age < 20 -> prediction == '<=50K'").holds
