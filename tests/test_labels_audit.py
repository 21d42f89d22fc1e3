"""Class labels through every path: the label a user gets back is the teacher's own, in its own
dtype, from ``predict``, after saving and loading, and from each export."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import symdistill as sd
from symdistill import ModelFormatError

from _export_support import random_linear, random_rules, random_tree
from symdistill.domain import Domain, Feature

DOMAIN = Domain(tuple(Feature(name, "numeric", -2.0, 2.0) for name in "abc"))

# Labels whose NumPy dtype JSON's numbers and strings do not say by themselves: loaded from the
# labels alone they would be int64, float64 or str.
TYPED_LABELS = {
    "int8": np.array([-3, 0, 5], dtype=np.int8),
    "uint8": np.array([0, 200, 255], dtype=np.uint8),
    "int32": np.array([-70000, 1], dtype=np.int32),
    "uint64 beyond int64": np.array([1, 2**63, 2**64 - 1], dtype=np.uint64),
    "uint64 within int64": np.array([1, 7], dtype=np.uint64),
    "float32": np.array([0.1, 2.5, -0.0], dtype=np.float32),
    "object strings": np.array(["", 'a"b', "e\nf"], dtype=object),
    "object ints": np.array([-1, 2], dtype=object),
}


def _model(form, classes):
    rng = np.random.default_rng(0)
    if form == "tree":
        return random_tree(rng, DOMAIN, n_leaves=12, classes=classes)
    if form == "rules":
        return random_rules(rng, DOMAIN, n_rules=6, classes=classes)
    return random_linear(rng, DOMAIN, link="softmax" if len(classes) > 2 else "logistic", classes=classes)


def _same_predictions(before, after):
    assert after.dtype == before.dtype
    assert after.tolist() == before.tolist()
    assert [type(v) for v in after.tolist()] == [type(v) for v in before.tolist()]


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
@pytest.mark.parametrize("kind", list(TYPED_LABELS))
def test_a_saved_model_loads_its_labels_in_their_dtype(form, kind):
    """int8 labels came back int64 after sd.load (and copy()), uint64 ones as Python ints in an
    object array, float32 ones as float64, object strings as NumPy str_: the loaded model's
    predict answered in another dtype than the model that was saved."""
    model = _model(form, TYPED_LABELS[kind])
    X = np.random.default_rng(1).uniform(-2, 2, size=(300, 3))
    before = model.predict(X)
    assert before.dtype == TYPED_LABELS[kind].dtype
    for again in (sd.load(model.to_json()), model.copy()):
        assert again.classes.dtype == model.classes.dtype
        _same_predictions(before, again.predict(X))
        assert again == model


def test_a_distilled_int8_teacher_keeps_int8_labels_after_load():
    X = np.random.default_rng(0).uniform(-1, 1, size=(300, 2))
    labels = np.array([-3, 0, 5], dtype=np.int8)

    def teacher(rows):
        return labels[np.clip(((np.asarray(rows)[:, 0] + 1) * 1.5).astype(int), 0, 2)]

    tree = sd.distill(teacher, X, form="tree", max_size=8, random_state=0)
    loaded = sd.load(tree.to_json())
    _same_predictions(tree.predict(X), loaded.predict(X))
    assert loaded.predict(X).dtype == np.int8
    np.testing.assert_array_equal(loaded.predict(X), teacher(X))


@pytest.mark.parametrize("classes", [np.array([0, 1]), np.array(["a", "b"]), np.array([False, True]),
                                     np.array([0.5, 2.0]), np.array([-1, 2**64 - 1], dtype=object)])
def test_labels_json_holds_as_they_are_save_no_dtype(classes):
    """int64, str, bool and float64 labels (and integers only Python holds) load as they are from
    JSON's values alone: their model files stay as they were."""
    text = _model("tree", classes).to_json()
    assert "classes_dtype" not in text
    assert sd.load(text).classes.dtype == classes.dtype


def _with(model, **fields):
    d = model.to_dict()
    d.update(fields)
    return d


@pytest.mark.parametrize("classes, dtype, message", [
    ([-3, 300], "int8", "class label 300 is not an int8 value"),
    ([0.1, 2.5], "float32", "class label 0.1 is not a float32 value"),
    ([0.5, 2.0], "int8", "class label 0.5 is not an int8 value"),
    ([1, 5], "bool", "'classes_dtype' should be one of"),
    ([1, 5], "int64 ", "'classes_dtype' should be one of"),
    (["1", "5"], "int8", "class label '1' is not an int8 value"),
])
def test_a_classes_dtype_that_cannot_hold_the_labels_is_refused(classes, dtype, message):
    tree = _model("tree", np.array([0, 1]))
    with pytest.raises(ModelFormatError, match="classes_dtype") as err:
        sd.load(_with(tree, classes=classes, classes_dtype=dtype))
    assert message in str(err.value)


def test_a_regressor_has_no_classes_dtype():
    tree = random_tree(np.random.default_rng(0), DOMAIN, n_leaves=4, task="regression")
    with pytest.raises(ModelFormatError, match="'classes_dtype' is the dtype of a classifier's classes"):
        sd.load(_with(tree, classes_dtype="int8"))


def test_a_saved_classes_dtype_validates_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    from symdistill.export.json import schema

    for form in ("tree", "rules", "linear"):
        d = _model(form, TYPED_LABELS["int8"]).to_dict()
        assert d["classes_dtype"] == "int8"
        jsonschema.validate(d, schema())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate({**d, "classes_dtype": "int9"}, schema())


# -- true labels on the command line ----------------------------------------------------------------
@pytest.mark.parametrize("classes, advice", [(["NA", "EU"], "--na-values ''"), (["", "EU"], "--na-values '[]'")])
def test_evaluate_names_a_class_its_true_labels_read_as_missing(classes, advice, tmp_path, monkeypatch, capsys):
    """A model of the class 'NA' (North America), evaluated with --label against a file whose labels
    are the teacher's own, was refused as "the true labels contain missing values ...; drop or fill
    those rows": pandas reads the field NA (and an empty one) as missing, and the advice could not be
    followed for a label. The error now names the class and the --na-values that reads it as one."""
    pd = pytest.importorskip("pandas")
    from symdistill.cli import main

    module = "sites_na" if classes[0] else "sites_empty"  # one module name each: Python keeps the first imported
    (tmp_path / f"{module}.py").write_text("import numpy as np\n\n\ndef predict(df):\n"
                                       f"    return np.where(np.asarray(df['x'], dtype=float) > 0.5, {classes[0]!r}, "
                                       f"{classes[1]!r})\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    x = np.random.default_rng(0).uniform(size=200).round(3)
    pd.DataFrame({"x": x}).to_csv("rows.csv", index=False)
    assert main(["distill", "--teacher", f"{module}:predict", "--data", "rows.csv", "--max-size", "2", "-o", "m.json"]) == 0
    pd.DataFrame({"x": x, "y": np.where(x > 0.5, classes[0], classes[1])}).to_csv("hold.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", "m.json", "--teacher", f"{module}:predict", "--data", "hold.csv", "--label", "y"]) == 2
    err = capsys.readouterr().err
    assert "--label y of hold.csv: cannot compute accuracy: the true labels contain missing values" in err
    assert f"{classes[0]!r} is one of the model's classes" in err and advice in err, err
    assert main(["evaluate", "m.json", "--teacher", f"{module}:predict", "--data", "hold.csv", "--label", "y",
                 "--na-values", advice.split(" ")[1].strip("'")]) == 0
    assert "against --label y: accuracy 1.0000" in capsys.readouterr().out


# -- printouts ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("form, printed", [("tree", "-> 0.10000000149011612  ("), ("rules", "ELSE 0.10000000149011612"),
                                           ("linear", "score[0.10000000149011612] = ")])
def test_a_float32_label_prints_as_the_number_it_is(form, printed):
    """A float32 label 0.1 printed as 0.1 (NumPy's shortest float32 text) in a tree or linear model,
    while the model's JSON, its exports, predict's CSV, rule lists and verify write the number it is,
    0.10000000149011612: the printed label, pasted into a constraint as the README says it can be, was
    refused as "unknown class 0.1". It now prints as that number everywhere."""
    model = _model(form, np.array([0.1, 2.5, 7.0], dtype=np.float32))
    text = str(model)
    assert printed in text, text
    v = sd.verify(model, "prediction != 0.10000000149011612")
    assert v.holds is False and "-> 0.10000000149011612" in str(v.counterexample)
