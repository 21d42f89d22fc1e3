"""Leftovers of the large-data audit (tests/test_scale_audit.py): a million rows of numbers and
categories (one of 500 levels) read from CSV by the command line. What it found: a refusal naming the
Python option where the command line has a flag, a step of the report running long with no bar, the
model walked twice per chunk by predict --proba, and the frontier encoding every row twice. Each test
asserts what a user relies on (the message, the bar, the same output, the work done once), never a time."""

from __future__ import annotations

import csv
import importlib
import io

import numpy as np
import pytest

import symdistill as sd
import symdistill.cli as cli
from symdistill.cli import main
from symdistill.models.linear import LinearModel
from symdistill.models.rules import RuleSet
from symdistill.models.tree import Tree

pd = pytest.importorskip("pandas")
frontier_module = importlib.import_module("symdistill.frontier")  # (sd.frontier is the function)

N = 400


def _rule(df):
    return np.where(np.asarray(df["age"], dtype=float) + np.where(df["colour"] == "red", 10, 0)
                    + 5 * (df["shade"] == "dark") > 45, "yes", "no")


@pytest.fixture()
def rows(tmp_path, monkeypatch):
    """rows.csv: ages, colours and shades (a categorical column gives the linear model a term per
    category); scale2_rule.py: the teacher, ``scale2_rule:predict``."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.integers(18, 80, N), "height": rng.normal(170, 10, N).round(1),
                       "colour": rng.choice(["red", "blue", "green"], N), "shade": rng.choice(["dark", "light"], N)})
    df.to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "scale2_rule.py").write_text(
        "import numpy as np\n\n\ndef predict(df):\n"
        "    return np.where(np.asarray(df['age'], dtype=float) + np.where(df['colour'] == 'red', 10, 0)"
        " + 5 * (df['shade'] == 'dark') > 45, 'yes', 'no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path, df


def _calls(monkeypatch, owner, name, seen):
    """The list ``seen(*args, **kwargs)`` of each call of ``owner.name`` gets appended to (the call goes on)."""
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(seen(*args, **kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


# -- 1. the design-size refusal names the command line's flag -------------------------------------------
def test_distill_names_the_design_limit_as_the_command_line_sets_it(rows, capsys):
    """The linear learner's refusal past max_design_gib told a command-line user to ask for 'a larger
    max_design_gib', the Python option, where the command line takes --option max_design_gib=N. The
    command's message names the flag (sd.distill's is unchanged)."""
    argv = ["distill", "--teacher", "scale2_rule:predict", "--data", "rows.csv", "--form", "linear", "-o", "m.json"]
    assert main([*argv, "--option", "max_design_gib=1e-5"]) == 2
    err = capsys.readouterr().err
    assert "over the linear learner's limit of 1.34e+03 (--option max_design_gib=1e-05)" in err
    assert err.rstrip().endswith("or a larger --option max_design_gib=N (GiB)")
    # Not given: the default's refusal (of n_knots, before a fit) names the flag too.
    assert main([*argv, "--option", "hinges=true", "--option", "n_knots=300000000"]) == 2
    err = capsys.readouterr().err
    assert "limit of 268,435,456 knots (--option max_design_gib=2)" in err
    assert err.rstrip().endswith("no hinges or a larger --option max_design_gib=N (GiB)")
    # The library names its own option, as before.
    df = pd.read_csv("rows.csv")
    with pytest.raises(ValueError, match=r"\(max_design_gib=1e-05\): .* or a larger max_design_gib$"):
        sd.distill(_rule, df, form="linear", max_design_gib=1e-5)


def test_report_names_the_design_limit_with_the_linear_form(rows, capsys):
    """report's --option takes an option of one form as FORM.NAME (an option of every form that the linear
    form alone takes is refused): its refusal names --option linear.max_design_gib=N."""
    pytest.importorskip("matplotlib")
    assert main(["report", "--teacher", "scale2_rule:predict", "--data", "rows.csv", "-o", "r.html",
                 "--sizes", "2", "--option", "linear.max_design_gib=1e-5", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "(--option linear.max_design_gib=1e-05)" in err
    assert err.rstrip().endswith("or a larger --option linear.max_design_gib=N (GiB)")


# -- 2. the report's shifted fidelities run behind a bar ------------------------------------------------
def test_report_shows_a_bar_while_it_scores_the_shifts(rows, monkeypatch):
    """After the frontier's bar, the report scored the chosen and Pareto models on each shift of the
    held-out rows (the teacher asked again on every shifted row: 1.7 s of the report's 3.9 s at 500,000
    rows with a teacher of a few NumPy operations, longer with a real model) with its bar turned off.
    It now runs behind the 'shifted fidelity' bar (shown on a terminal), which --no-progress silences."""
    pytest.importorskip("matplotlib")
    import symdistill.shift as shift

    made = []
    original = shift.progress_bar

    def recorded(total, desc, enabled=None, **kwargs):
        made.append((desc, enabled))
        return original(total, desc, False, **kwargs)

    monkeypatch.setattr(shift, "progress_bar", recorded)
    df = rows[1]  # a batch_size below the rows: the shifts are 'many' rows, as on a large file
    front = sd.frontier(sd.as_teacher(_rule, batch_size=50), df, forms=["tree"], sizes=[2, 4], progress=False)
    sd.report(front, path=None)
    assert ("shifted fidelity", None) in made
    with pytest.raises(ValueError, match="progress must be True, False or None, got 'yes'"):
        sd.report(front, path=None, progress="yes")
    made.clear()
    assert main(["report", "--teacher", "scale2_rule:predict", "--data", "rows.csv", "-o", "r.html", "--forms",
                 "tree", "--sizes", "2,4", "--batch-size", "50", "--no-progress"]) == 0
    assert ("shifted fidelity", False) in made


# -- 3. predict --proba walks the model once per chunk -------------------------------------------------
@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_predict_proba_walks_the_model_once_per_chunk(rows, monkeypatch, form):
    """predict --proba walked the model twice for each chunk of rows, once for the labels and once for the
    probabilities. One walk gives both now (the labels as predict decides them, not an argmax of the
    probabilities): the same file, byte for byte, and one walk per chunk."""
    df = rows[1]
    model = sd.distill(_rule, df, form=form, max_size=4, random_state=0)
    if form == "rules":  # a rule whose probabilities tie predicts its own class, the second: no argmax's
        saved = model.to_dict()
        saved["rules"][0].update(prediction=1, proba=[0.5, 0.5])
        model = sd.load(saved)
    model.to_json("m.json")
    Z = model.domain.encode(df)
    if form == "rules":
        assert (model.predict_encoded(Z) != model.classes[model.predict_proba_encoded(Z).argmax(axis=1)]).any()
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(["prediction"] + [f"proba_{c}" for c in model.classes.tolist()])
    writer.writerows(zip(model.predict_encoded(Z).tolist(), *model.predict_proba_encoded(Z).T.tolist()))
    walk = {"tree": (Tree, "apply_encoded"), "rules": (RuleSet, "apply_encoded"),
            "linear": (LinearModel, "decision_function_encoded")}[form]
    walks = _calls(monkeypatch, *walk, lambda _, Z, *rest, **kw: len(Z))
    monkeypatch.setattr(cli, "PREDICT_CHUNK", 150)
    assert main(["predict", "m.json", "--data", "rows.csv", "--proba", "-o", "out.csv"]) == 0
    assert (rows[0] / "out.csv").read_text() == expected.getvalue()
    assert walks == [150, 150, 100]


# -- 4. the frontier encodes the rows once for its split and sample -----------------------------------
def test_the_frontier_encodes_the_rows_once_for_the_split_and_the_sample(rows, monkeypatch):
    """The holdout split and the training sample (max_train_rows) each read the categories of the rows
    by encoding them: every training row twice. The sample takes the split's codes now: one encoding,
    the same frontier."""
    df = pd.concat([rows[1]] * 3, ignore_index=True)
    before = sd.frontier(_rule, df, forms=["tree", "linear"], sizes=[2, 4], max_train_rows=300, progress=False)
    encodings = _calls(monkeypatch, frontier_module, "_categories", lambda X, *rest, **kw: len(X))
    front = sd.frontier(_rule, df, forms=["tree", "linear"], sizes=[2, 4], max_train_rows=300, progress=False)
    assert encodings == [len(df)]
    assert front.sampled and len(front.X_train) == len(before.X_train)
    assert front.X_train.index.equals(before.X_train.index) and front.X_holdout.index.equals(before.X_holdout.index)
    assert [p.model.to_json() for p in front.points] == [p.model.to_json() for p in before.points]
    assert [p.score for p in front.points] == [p.score for p in before.points]
