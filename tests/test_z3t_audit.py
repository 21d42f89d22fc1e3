"""A time limit for the z3 backend: ``sd.verify(..., timeout=)`` and ``symdistill verify --timeout``.

A letters user verifying a 26-class softmax's monotonicity waited more than 6 minutes with no output:
nothing bounded z3. Out of time, z3 answers "unknown", which is no verdict: neither "holds" nor a
violation, but a ``VerificationTimeout`` (a ``NoVerdict``, as ``RoundingAmbiguity`` now is) naming the
constraint, the limit and what to do; exit 2 on the command line."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main
from symdistill.domain import Domain, Feature
from symdistill.models.linear import LinearModel

z3 = pytest.importorskip("z3")


def letters_like(kind: str = "integer") -> LinearModel:
    """A softmax of 26 classes over 16 features of 0..15 with awkward weights, as letters' is: z3 ran for
    more than 5 minutes on its monotonicity in `13` (backend='z3'), and 9 s on `prediction != 'F'` when the
    features are numeric."""
    rng = np.random.default_rng(0)
    coef = rng.normal(size=(26, 16)) / 7.0
    intercept = rng.normal(size=26) / 3
    dom = Domain(tuple(Feature(str(j), kind, 0.0, 15.0) for j in range(16)))
    return LinearModel(dom, "classification", np.array([chr(65 + i) for i in range(26)]), terms=list(range(16)),
                       coef=coef, intercept=intercept if kind == "integer" else rng.normal(size=26) / 3)


def small() -> LinearModel:
    dom = Domain((Feature("x", "numeric", 0.0, 1.0), Feature("y", "numeric", 0.0, 1.0),
                  Feature("k", "integer", 0.0, 3.0)))
    return LinearModel(dom, "classification", np.array(["no", "yes"]), terms=[0, 1, 2], coef=[1.5, -0.7, 0.3],
                       intercept=-0.4)


@pytest.mark.parametrize("timeout", [0.001, 0.05])
def test_z3_out_of_time_gives_no_verdict_naming_the_constraint_the_limit_and_what_to_do(timeout: float) -> None:
    with pytest.raises(sd.VerificationTimeout) as caught:
        sd.verify(letters_like(), sd.monotonic("13", target="M"), backend="z3", timeout=timeout)
    text = str(caught.value)
    assert text.startswith(f"no verdict on prediction == 'M' is monotonically increasing in `13` within "
                           f"timeout={timeout} s: ")
    assert "the property may hold or not" in text and "Give a larger timeout= (None: no limit)" in text
    assert "or verify a smaller model" in text and "backend='auto' tries the direct checkers first" in text
    assert caught.value.timeout == timeout and caught.value.constraint.endswith("monotonically increasing in `13`")
    # no verdict, as a RoundingAmbiguity is: caught as one kind of error, a RuntimeError as before
    assert isinstance(caught.value, sd.NoVerdict) and issubclass(sd.RoundingAmbiguity, sd.NoVerdict)
    assert issubclass(sd.NoVerdict, RuntimeError) and {"NoVerdict", "VerificationTimeout"} <= set(sd.__all__)


def test_a_formula_z3_cannot_finish_in_time_under_auto_is_no_verdict() -> None:
    # numeric features: the direct checker hands a softmax's formula to z3, which needs 9 s for it
    with pytest.raises(sd.VerificationTimeout, match=r"^no verdict on prediction != 'F' within timeout=0\.05 s: "):
        sd.verify(letters_like("numeric"), "prediction != 'F'", timeout=0.05)


def test_z3s_unknown_for_want_of_time_is_no_verdict_and_each_check_gets_the_time_left(monkeypatch: Any) -> None:
    """Every z3 check of one verify call gets at most the time left of ``timeout=``; z3 answering unknown
    (timeout) is a VerificationTimeout whatever z3 says it was searching."""
    limits: list[int] = []
    set_ = z3.Solver.set

    def record(self: Any, *args: Any, **kw: Any) -> None:
        if args[:1] == ("timeout",):
            limits.append(args[1])
        set_(self, *args, **kw)

    monkeypatch.setattr(z3.Solver, "set", record)
    v = sd.verify(small(), "x > 0.9 -> prediction == 'yes'", backend="z3", timeout=30)
    assert v.holds and v.vacuous is False  # the property's check, then the premise's (vacuity)
    assert len(limits) >= 2 and all(1 <= ms <= 30_000 for ms in limits)
    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    monkeypatch.setattr(z3.Solver, "reason_unknown", lambda self: "timeout")
    with pytest.raises(sd.VerificationTimeout, match=r"within timeout=30 s: z3 answered unknown \(timeout\) when "):
        sd.verify(small(), "x > 0.9 -> prediction == 'yes'", backend="z3", timeout=30)


def test_a_vacuity_check_out_of_time_leaves_the_verdict_and_vacuous_none(monkeypatch: Any) -> None:
    check = z3.Solver.check
    calls: list[int] = []

    def second_out_of_time(self: Any, *a: Any) -> Any:
        calls.append(1)
        return check(self, *a) if len(calls) == 1 else z3.unknown

    monkeypatch.setattr(z3.Solver, "check", second_out_of_time)
    monkeypatch.setattr(z3.Solver, "reason_unknown", lambda self: "timeout")
    v = sd.verify(small(), "x > 0.9 -> prediction == 'yes'", backend="z3", timeout=30)
    assert v.holds and v.vacuous is None and v.vacuity == "" and len(calls) == 2


@pytest.mark.parametrize("backend", ["auto", "z3"])
@pytest.mark.parametrize("constraint", ["x > 0.9 -> prediction == 'yes'", "prediction == 'no'", sd.monotonic("x"),
                                        sd.monotonic("y"), sd.invariant("k"), "x + y <= 1.5 or prediction == 'yes'"])
def test_a_verdict_within_the_limit_is_the_verdict_without_one(backend: str, constraint: Any) -> None:
    m = small()
    plain = sd.verify(m, constraint, backend=backend)
    limited = sd.verify(m, constraint, backend=backend, timeout=60)
    assert (limited.holds, limited.counterexample, limited.backend, limited.vacuous) == \
        (plain.holds, plain.counterexample, plain.backend, plain.vacuous)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), True, "5"])
def test_a_timeout_that_is_no_positive_number_of_seconds_is_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match=r"^timeout must be a positive number of seconds, or None for no limit, "
                                         rf"got {bad!r}$".replace("(", r"\(")):
        sd.verify(small(), "prediction == 'no'", timeout=bad)


def test_the_command_line_exits_2_naming_timeout(tmp_path: Any, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    letters_like().to_json(tmp_path / "letters.json")
    code = main(["verify", "letters.json", "--monotonic", "13", "--target", "M", "--backend", "z3",
                 "--timeout", "0.05"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err
    assert ("no verdict: --monotonic prediction == 'M' is monotonically increasing in `13`: z3 did not decide it "
            "within --timeout 0.05 s; give a larger --timeout (none: no limit), or verify a smaller model "
            "(--backend auto tries the direct checkers first)") in err
    small().to_json(tmp_path / "small.json")
    assert main(["verify", "small.json", "--monotonic", "x", "--timeout", "60"]) == 0
    assert main(["verify", "small.json", "--monotonic", "y", "--timeout", "60"]) == 1
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["verify", "small.json", "--monotonic", "x", "--timeout", "0"])
    assert "--timeout: must be a finite number of seconds > 0, got '0'" in capsys.readouterr().err


def test_refine_passes_its_timeout_to_each_verification() -> None:
    m = letters_like()
    X = np.random.default_rng(1).integers(0, 16, size=(200, 16)).astype(float)
    with pytest.raises(sd.VerificationTimeout, match=r"within timeout=0\.05 s"):
        sd.refine(m, m.predict, X, constraints=[sd.monotonic("13", target="M")], backend="z3", timeout=0.05,
                  max_rounds=1)
    with pytest.raises(ValueError, match="^timeout must be a positive number of seconds"):
        sd.refine(m, m.predict, X, constraints=[sd.monotonic("13", target="M")], timeout=-1)


def test_a_report_lists_a_constraint_out_of_time_as_no_verdict(monkeypatch: Any) -> None:
    """sd.report caught a RoundingAmbiguity alone: any other no-verdict (a VerificationTimeout) escaped it as a
    traceback after the report's work."""
    import sys

    X = np.random.default_rng(0).uniform(size=(300, 2))
    front = sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), X, forms=["tree"], sizes=[2], n_samples=300,
                        feature_names=["x", "y"], progress=False)

    def out_of_time(model: Any, c: Any, **kw: Any) -> Any:
        raise sd.VerificationTimeout("no verdict on x > 0 within timeout=1 s: ...", "x > 0", 1)

    monkeypatch.setattr(sys.modules["symdistill.verify"], "verify", out_of_time)
    rep = sd.report(front, path=None, constraints=["x > 0"])
    assert rep.verification == [{"constraint": "x > 0", "holds": None,
                                 "note": "no verdict on x > 0 within timeout=1 s: ...", "timeout": 1}]
    assert "1 without a verdict" in rep.markdown


def test_z3_undecided_for_another_reason_is_no_verdict_too(tmp_path: Any, capsys: Any, monkeypatch: Any) -> None:
    """z3 answering unknown for a reason other than time (non-linear arithmetic, say) raised a plain RuntimeError:
    a traceback from symdistill verify, a crash of sd.report. It is no verdict, as a timeout is: exit 2."""
    import z3

    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    monkeypatch.setattr(z3.Solver, "reason_unknown", lambda self: "smt tactic failed to show goal to be sat/unsat")
    with pytest.raises(sd.NoVerdict, match=r"z3 could not decide the property \(it answered unknown: smt tactic"):
        sd.verify(small(), "x > 0.9 -> prediction == 'yes'", backend="z3")
    monkeypatch.chdir(tmp_path)
    small().to_json(tmp_path / "small.json")
    assert main(["verify", "small.json", "-c", "x > 0.9 -> prediction == 'yes'", "--backend", "z3"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and "no verdict: " in err and "z3 could not decide" in err
