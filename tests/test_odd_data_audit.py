"""Data as a demanding user brings it: odd but legal classes, features and names, through every form."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd


@pytest.mark.parametrize("classes", [[0.5, 1.5], [0.5, 1.5, -2.5], [0.25, 0.75]])
@pytest.mark.parametrize("output", [None, "labels"])
def test_a_callable_answering_its_declared_classes_that_are_not_whole_is_read_as_labels(classes, output):
    """Classes declared as numbers that are not whole (0.5, 1.5), answered as those labels in a float array, were
    read as one column of P(class 1) or a logit: two classes gave a one-leaf tree '-> 1.5 (agreement 100%)' (both
    labels positive logits), three were refused as 'one column ... so declare two', and output='labels' was
    refused as 'non-integer numbers where labels were expected'."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    labels = np.array(classes)

    def f(X):
        return labels[np.digitize(X[:, 0], [-0.4, 0.4][:len(labels) - 1])]

    options = {} if output is None else {"output": output}
    for form in ("tree", "rules"):
        model = sd.distill(sd.as_teacher(f, classes=classes, **options), X, form=form, random_state=0)
        assert model.classes.tolist() == classes
        assert sd.fidelity(model, sd.as_teacher(f, classes=classes), X).value > 0.97
        assert set(model.predict(X).tolist()) == set(classes)


@pytest.mark.parametrize("declare", [False, True])
def test_a_linear_model_of_one_class_on_the_command_line_names_the_flags(tmp_path, monkeypatch, capsys, declare):
    """A file whose rows all get one class (every column constant), distilled with --form linear, was refused
    with the library's advice alone, form='tree' or 'rules' and as_teacher(f, classes=[...]), which a user of the
    command line cannot follow."""
    pytest.importorskip("pandas")
    import sys

    from symdistill.cli import main

    (tmp_path / "rows.csv").write_text("x,y\n" + "3.0,-1.0\n" * 20)
    (tmp_path / "one_class.py").write_text("import numpy as np\n"
                                           "def predict(df):\n"
                                           "    return (df['x'].to_numpy() > 0).astype(int)\n")
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    monkeypatch.chdir(tmp_path)
    args = ["distill", "--teacher", "one_class:predict", "--data", "rows.csv", "--form", "linear", "-o", "m.json"]
    assert main(args + (["--classes", "[1]"] if declare else [])) == 2
    err = capsys.readouterr().err
    assert "single class" in err and "on the command line: --form tree or rules" in err
    assert declare or "--classes" in err
