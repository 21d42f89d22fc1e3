"""A time limit for the report's verification: ``sd.report(..., timeout=)`` and ``symdistill report --timeout``.

``sd.report`` verified the constraints it was given with no limit, so a report of a model whose constraint z3
cannot settle quickly (a 26-class softmax's ``prediction != 'F'`` over numeric features: 9 s; its monotonicity:
minutes) ran on with no way out. Out of time, the constraint is listed as "no verdict" with the limit's message
and the report finishes; within it, the verdicts are the ones without a limit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import symdistill as sd
from symdistill.cli import main

from test_z3t_audit import letters_like

pytest.importorskip("z3")

NAMES = [str(j) for j in range(16)]


def letters_frontier() -> sd.Frontier:
    """A frontier whose one model is a 26-class softmax over 16 numeric features, distilled from ``letters_like``'s:
    z3 needs seconds for its ``prediction != 'F'``."""
    teacher = letters_like("numeric")
    X = np.random.default_rng(0).uniform(0, 15, size=(300, 16))
    return sd.frontier(sd.as_teacher(teacher.predict, classes=list(teacher.classes)), X, forms=["linear"],
                       sizes=[16], n_samples=300, feature_names=NAMES, progress=False)


def test_a_report_lists_a_constraint_z3_cannot_decide_in_time_as_no_verdict_naming_the_limit() -> None:
    rep = sd.report(letters_frontier(), path=None, constraints=["prediction != 'F'"], timeout=0.05, progress=False)
    [row] = rep.verification
    assert row["constraint"] == "prediction != 'F'" and row["holds"] is None
    # z3 out of time, or (on a loaded machine) the time gone before z3 began
    assert row["note"].startswith("no verdict on prediction != 'F' within timeout=0.05 s: ")
    assert "the property may hold or not. Give a larger timeout= (None: no limit)" in row["note"]
    # the HTML says so, not as a tie within rounding alone, and the row gives the limit's message
    html = rep.html.replace("&#x27;", "'")
    assert "0 hold, 0 violated, 1 without a verdict (z3 out of time, or within rounding of a tie: see the row)" in html
    assert "<td>no verdict</td>" in html and "no verdict on prediction != 'F' within timeout=0.05 s" in html


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), True, "5"])
def test_a_report_refuses_a_timeout_that_is_no_positive_number_of_seconds(bad: Any) -> None:
    X = np.random.default_rng(0).uniform(size=(200, 2))
    front = sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), X, forms=["tree"], sizes=[2], n_samples=200,
                        feature_names=["x", "y"], progress=False)
    with pytest.raises(ValueError, match=r"^timeout must be a positive number of seconds, or None for no limit, "
                                         rf"got {bad!r}$".replace("(", r"\(")):
        sd.report(front, path=None, constraints=["x > 0.9 -> prediction == 1"], timeout=bad)


def test_a_generous_timeout_gives_the_verdicts_of_no_limit() -> None:
    X = np.random.default_rng(0).uniform(size=(300, 3))
    front = sd.frontier(lambda X: (X[:, 0] + 0.5 * X[:, 1] > 0.7).astype(int), X, forms=["tree", "linear"],
                        sizes=[2, 4], n_samples=300, feature_names=["x", "y", "z"], progress=False)
    constraints = ["x > 0.9 -> prediction == 1", "prediction == 0", sd.monotonic("x"), sd.monotonic("y",
                   direction="decreasing"), sd.invariant("z"), "x + y <= 1.5 or prediction == 1"]
    plain = sd.report(front, path=None, constraints=constraints, progress=False)
    limited = sd.report(front, path=None, constraints=constraints, progress=False, timeout=60)
    key = [(str(v.constraint), v.holds, str(v.counterexample), v.vacuous) for v in plain.verification]
    assert [(str(v.constraint), v.holds, str(v.counterexample), v.vacuous) for v in limited.verification] == key
    assert {h for _, h, _, _ in key} == {True, False}  # verdicts both ways, none cut short


def _letters_files(tmp_path: Any) -> None:
    letters_like("numeric").to_json(tmp_path / "letters.json")
    X = np.random.default_rng(0).uniform(0, 15, size=(300, 16))
    pd.DataFrame(X, columns=NAMES).to_csv(tmp_path / "rows.csv", index=False)


def test_the_report_command_takes_timeout_and_says_which_constraint_got_no_verdict(tmp_path: Any, capsys: Any,
                                                                                    monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    _letters_files(tmp_path)
    assert main(["report", "--teacher", "letters.json", "--data", "rows.csv", "--forms", "linear", "--sizes", "16",
                 "--n-samples", "300", "--classes", ",".join(letters_like().classes), "--constraint", "prediction != 'F'", "--timeout", "0.05", "--no-progress",
                 "-o", "r.html"]) == 0
    err = capsys.readouterr().err
    assert ("symdistill report: no verdict: --constraint prediction != 'F': z3 did not decide it within --timeout "
            "0.05 s; give a larger --timeout (none: no limit), or verify a smaller model") in err
    assert "within timeout=0.05 s" in (tmp_path / "r.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", ["0", "-1", "nan", "inf", "soon"])
def test_the_report_command_refuses_a_bad_timeout_naming_it(tmp_path: Any, capsys: Any, monkeypatch: Any,
                                                             bad: str) -> None:
    monkeypatch.chdir(tmp_path)
    _letters_files(tmp_path)
    with pytest.raises(SystemExit):
        main(["report", "--teacher", "letters.json", "--data", "rows.csv", "--timeout", bad, "-o", "r.html"])
    err = capsys.readouterr().err
    assert "--timeout: " in err and repr(bad) in err
    assert not (tmp_path / "r.html").exists()


def test_the_report_command_names_a_constraint_with_no_verdict_for_another_reason(tmp_path: Any, capsys: Any,
                                                                                  monkeypatch: Any) -> None:
    import sys

    def tie(model: Any, c: Any, **kw: Any) -> Any:
        raise sd.RoundingAmbiguity("the model's scores tie within rounding at x0 = 1")

    monkeypatch.setattr(sys.modules["symdistill.verify"], "verify", tie)
    monkeypatch.chdir(tmp_path)
    _letters_files(tmp_path)
    assert main(["report", "--teacher", "letters.json", "--data", "rows.csv", "--forms", "linear", "--sizes", "16",
                 "--n-samples", "300", "--classes", ",".join(letters_like().classes), "--constraint",
                 "prediction != 'F'", "--timeout", "5", "--no-progress", "-o", "r.html"]) == 0
    assert ("symdistill report: no verdict: --constraint prediction != 'F': the model's scores tie within rounding "
            "at x0 = 1\n") in capsys.readouterr().err
