"""A new user's multi-class journey on UCI letter recognition (26 classes 'A'..'Z', 16 integer features
whose header names them '1'..'16'): teachers trained on a pandas DataFrame with string labels, distilled,
printed, scored, verified, exported and used from the command line as the README shows. Each test is a
place where such a user stumbled. The data file is read from $SYMDISTILL_DATA (or ../shared/data, as
bench/suite.py reads it) and the tests skip without it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import symdistill as sd

LETTERS = Path(os.environ.get("SYMDISTILL_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")) \
    / "letter-recognition.data"


def _letters(n: int = 2000, seed: int = 0) -> tuple[Any, Any]:
    """``n`` rows of letters (seeded) as the user reads them, ``pd.read_csv``: the features '1'..'16' and the
    label column 'Letter'."""
    pd = pytest.importorskip("pandas")
    if not LETTERS.is_file():
        pytest.skip(f"letter-recognition.data not found at {LETTERS} (set SYMDISTILL_DATA)")
    df = pd.read_csv(LETTERS).sample(n, random_state=seed).reset_index(drop=True)
    return df.drop(columns=["Letter"]), df["Letter"]


@pytest.fixture(scope="module")
def letters_tree() -> Any:
    """A scikit-learn tree of the letters, fitted in milliseconds on a DataFrame with string labels."""
    from sklearn.tree import DecisionTreeClassifier

    X, y = _letters()
    return DecisionTreeClassifier(max_depth=10, random_state=0).fit(X, y)


def test_labels_answered_as_numpy_strings_are_labels(letters_tree: Any) -> None:
    """A callable answering its labels as a NumPy 2 string array (``np.dtypes.StringDType()``, the
    variable-width strings NumPy 2 added) was refused as "returned non-numeric values of dtype
    StringDType()", where the same labels as a ``'<U1'`` array, a list or a pandas string Series are
    read as labels. They are labels too, read as the pandas Series' are, and give the same model."""
    pd = pytest.importorskip("pandas")
    X, _ = _letters(1000, seed=1)

    def as_strings(rows: Any) -> np.ndarray:
        return np.array(letters_tree.predict(rows).tolist(), dtype=np.dtypes.StringDType())

    def as_series(rows: Any) -> Any:
        return pd.Series(letters_tree.predict(rows)).astype("string")

    strings = sd.distill(as_strings, X, max_size=8, random_state=0, n_samples=2000, progress=False)
    series = sd.distill(as_series, X, max_size=8, random_state=0, n_samples=2000, progress=False)
    assert strings.to_json().replace("as_strings", "as_series") == series.to_json()
    assert list(strings.classes) == [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    assert float(sd.fidelity(strings, as_strings, X)) == float(sd.fidelity(series, as_series, X))


def test_a_rounding_gap_names_features_as_constraints_write_them(letters_tree: Any) -> None:
    """Where the direct checker leaves a softmax model's monotonicity to z3, its reason named the
    features bare: "whether predict's rounding swallows a change of 6 depends on 7, 8, 9, ...", the
    letters' columns '6', '7', ... read as numbers. They are named as constraints and verdicts write
    them, between backticks."""
    from symdistill.verify.api import NotCovered

    X, _ = _letters()
    lin = sd.distill(letters_tree, X, form="linear", max_size=10, random_state=0, n_samples=2000, progress=False)
    assert lin.term_names[:2] == ["6", "7"]
    with pytest.raises(NotCovered, match=r"whether predict's rounding swallows a change of `6` depends on `7`, `8`, "):
        sd.verify(lin, sd.monotonic("6", target="A"), backend="direct")


def test_classes_declared_as_numpy_strings_load_back_as_they_were(letters_tree: Any, tmp_path: Path) -> None:
    """``classes=`` given as a NumPy 2 string array (``np.dtypes.StringDType()``) made a model whose classes
    and predictions were of that dtype, which its JSON does not record: loaded back it predicted '<U1'
    strings, where README promises the same labels in the same dtype. The declared classes are read as
    Python strings, as a pandas Index of them is, and the loaded model predicts what the saved one does."""
    X, _ = _letters(1000, seed=1)
    names = np.array(letters_tree.classes_.tolist(), dtype=np.dtypes.StringDType())
    teacher = sd.as_teacher(letters_tree, classes=names)
    tree = sd.distill(teacher, X, max_size=8, random_state=0, n_samples=2000, progress=False)
    tree.to_json(tmp_path / "tree.json")
    loaded = sd.load(tmp_path / "tree.json")
    assert loaded.classes.dtype == tree.classes.dtype == object
    assert loaded.predict(X).dtype == tree.predict(X).dtype
    plain = sd.distill(letters_tree, X, max_size=8, random_state=0, n_samples=2000, progress=False)
    assert list(loaded.predict(X)) == list(tree.predict(X)) == list(plain.predict(X))


def test_true_letters_against_a_networks_unnamed_classes_say_how_to_name_them(letters_tree: Any) -> None:
    """A network's classes are its output columns, 0..25, unless named: scored against the letters' true
    labels, sd.accuracy (and ``evaluate --label``) refused with "none of the true labels ('L', 'N', ...) is
    one of the model's classes [0, 1, ..., 25]; give labels in the classes' terms", never saying that the
    model can predict the names. It now says to distil with the classes declared, in the order of the
    outputs (sd.as_teacher(teacher, classes=[...]), --classes)."""
    X, y = _letters(1000, seed=1)
    tree = sd.distill(letters_tree.predict_proba, X, max_size=8, random_state=0, n_samples=2000, progress=False)
    assert list(tree.classes) == list(range(26))
    with pytest.raises(sd.DataError, match=r"is one of the model's classes \[0, 1, .*, 25\]; give labels in the classes' "
                                           r"terms, or name the classes: 0\.\.25 are the teacher's output columns, "
                                           r"unnamed; distil with their names declared in the order of its outputs, "
                                           r"sd\.as_teacher\(teacher, classes=\[\.\.\.\]\) \(on the command line: "
                                           r"--classes\), and the model predicts them$"):
        sd.accuracy(tree, X, y)
    named = sd.distill(sd.as_teacher(letters_tree.predict_proba, classes=list(letters_tree.classes_)), X, max_size=8,
                       random_state=0, n_samples=2000, progress=False)
    assert float(sd.accuracy(named, X, y)) > 0.2
    with pytest.raises(sd.DataError, match=r"give labels in the classes' terms$"):  # numbers: no names to declare
        sd.accuracy(tree, X, y.map(lambda c: ord(c) + 100))


def test_the_frontier_figure_says_a_multiclass_linear_size_counts_terms(letters_tree: Any) -> None:
    """The frontier figure's size axis read "size (leaves / rules / non-zero weights)", and plotted letters'
    16-term softmax model at 16, a model of 416 non-zero weights (26 classes' scores): a user comparing it
    with a 16-leaf tree read it as 16 weights. The axis now says a multi-class linear model's size counts
    its terms, each weighed in every class's score."""
    pytest.importorskip("matplotlib")
    from symdistill.report.figures import frontier_figure

    X, _ = _letters(1000, seed=1)
    front = sd.frontier(letters_tree, X, forms=["tree", "linear"], sizes=[2, 4], n_samples=1000, progress=False)
    linear = [p.model for p in front.points if p.form == "linear"]
    assert [m.size for m in linear] == [2, 4] and str(linear[1]).startswith("LinearModel (classification, softmax "
                                                                             "link, 4 terms, ")
    label = frontier_figure(front).axes[0].get_xlabel()
    assert label == "size (leaves / rules / linear terms, each weighed in the scores of all 26 classes)"


def test_a_feature_written_as_a_number_in_a_property_names_its_text() -> None:
    """Letters' features are the columns '1'..'16'; sd.monotonic(13, target='M') and sd.invariant(1), as a
    user writes them, were refused as "feature must be a feature name (str), got int" and "invariant takes
    feature names (str), got 1", not saying how to write the name. They now show it, '13'."""
    with pytest.raises(TypeError, match=r"^feature must be a feature name \(str\), got int 13: feature names are "
                                        r"text, '13' \(sd\.monotonic\('13', \.\.\.\)\)$"):
        sd.monotonic(13, target="M")
    with pytest.raises(TypeError, match=r"^invariant takes feature names \(str\), got 1: feature names are text, "
                                        r"'1' \(sd\.invariant\('1'\)\)$"):
        sd.invariant("2", 1)
    with pytest.raises(TypeError, match=r"^invariant takes feature names \(str\), got True$"):
        sd.invariant(True)


def test_a_26_class_dnf_decides_every_row_as_the_list_does(letters_tree: Any) -> None:
    """as_dnf of letters' rule lists carves each rule outside the earlier rules of other classes: 239,382
    terms for 32 rules, 84 s, a third of it testing pieces one by one for overlap and another third
    checking the literals it made of its own finite bounds. Both are now done in bulk; the terms are the
    same: each row lies in a term of the class the list predicts, and the literals are those Condition
    makes."""
    from symdistill.models.rules import Condition

    X, _ = _letters(1000, seed=1)
    rules = sd.distill(letters_tree, X, form="rules", max_size=8, random_state=0, n_samples=2000, progress=False)
    dnf = rules.as_dnf()
    Z = rules.domain.encode(X)
    covered = {label: np.any([np.all([c.evaluate(Z) for c in term], axis=0) for term in terms], axis=0)
               for label, terms in dnf.items()}
    predicted = rules.predict(X)
    for label, rows in covered.items():
        assert np.array_equal(rows, predicted == label), label
    literals = [c for terms in dnf.values() for term in terms for c in term]
    assert literals and all(c == Condition(c.feature, c.op, c.value) and type(c.value) is float for c in literals)
    assert sum(1 for _ in rules.decision_regions()) >= len(dnf)


def test_a_column_named_in_another_case_says_which_it_is(tmp_path: Path, capsys: Any, letters_tree: Any) -> None:
    """Letters' label column is 'Letter'; `--drop letter`, `--label letter` and `--keep letter` were refused
    as "column 'letter' not in rows.csv; columns are ['Letter', '1', ...]", leaving the user to spot the
    capital. The error now asks "did you mean 'Letter'?"."""
    from symdistill.cli import main

    X, y = _letters(300)
    X.assign(Letter=y).to_csv(tmp_path / "rows.csv", index=False)
    sd.distill(letters_tree, X, max_size=4, random_state=0, n_samples=1000, progress=False).to_json(tmp_path / "t.json")
    hint = "(did you mean 'Letter'? column names are case-sensitive)"
    teacher = ["--teacher", "never_imported_module:net"]  # refused before the teacher is loaded
    for args in (["distill", *teacher, "--drop", "letter", "-o", str(tmp_path / "o.json")],
                 ["evaluate", str(tmp_path / "t.json"), *teacher, "--label", "letter"],
                 ["predict", str(tmp_path / "t.json"), "--keep", "letter"]):
        assert main([*args, "--data", str(tmp_path / "rows.csv")]) == 2
        err = capsys.readouterr().err
        assert f"column 'letter' not in {tmp_path / 'rows.csv'}; columns are ['1', " in err, err
        assert err.rstrip().endswith(hint), err


def test_true_labels_read_as_bytes_say_to_decode_them(letters_tree: Any) -> None:
    """Letters' labels read with NumPy (``np.loadtxt(path, dtype="S1", ...)``) are bytes, b'A'..b'Z':
    sd.accuracy refused them as "none of the true labels (b'L', ...) is one of the model's classes ['A',
    ...]; give labels in the classes' terms", where a teacher answering bytes is told to decode them. It now
    says they are bytes and how to read them as text; decoded, they score."""
    X, y = _letters(1000, seed=1)
    tree = sd.distill(letters_tree, X, max_size=8, random_state=0, n_samples=2000, progress=False)
    raw = y.to_numpy().astype("S1")
    with pytest.raises(sd.DataError, match=r"none of the true labels \(b'.', .*give labels in the classes' terms, or "
                                           r"read them as text: they are bytes \(b'A' is not 'A'\), y\.astype\(str\) "
                                           r"decodes them$"):
        sd.accuracy(tree, X, raw)
    assert float(sd.accuracy(tree, X, raw.astype(str))) == float(sd.accuracy(tree, X, y))
