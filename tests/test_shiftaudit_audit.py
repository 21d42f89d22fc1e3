"""Fidelity under shift as a user of robustness tools meets it: the shifts asked for, the report's figure."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.frontier import Frontier
from symdistill.shift import shifted_fidelity


def _net(X: np.ndarray) -> np.ndarray:
    return (X[:, 0] + X[:, 1] > 1).astype(int)


def _front() -> Frontier:
    X = np.random.default_rng(0).uniform(size=(300, 3))
    return sd.frontier(_net, X, forms=["tree"], sizes=[2, 4], n_samples=500, random_state=0)


def test_a_report_takes_its_shifts_from_a_generator() -> None:
    """sd.report read the shifts once to check them and again to score them: a generator (a severity
    sweep, ``(("noise", s) for s in ...)``) was empty the second time, and the report stopped after its
    work with 'shifts is empty'."""
    pytest.importorskip("matplotlib")
    rep = sd.report(_front(), path=None, shifts=(("noise", s) for s in (0.1, 0.3)))
    labels = [[r.shift.label for r in res] for res in rep.shifts.values()]
    assert labels and all(row == ["noise (0.1 sd)", "noise (0.3 sd)"] for row in labels)
    assert all(r.score is not None for res in rep.shifts.values() for r in res)


def test_shifts_given_as_a_dict_of_severities_are_refused_not_read_as_their_kinds() -> None:
    """shifts={'noise': 0.3, 'outside': 1.0} was read as its keys: noise at 0.1 and outside at 0.25
    were scored, the severities asked for dropped without a word."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    tree = sd.distill(_net, X, max_size=2, random_state=0, n_samples=300)
    with pytest.raises(TypeError, match=r"shifts=\[\('noise', 0\.3\), \('outside', 1\.0\)\]"):
        shifted_fidelity(tree, _net, X, shifts={"noise": 0.3, "outside": 1.0})
    res = shifted_fidelity(tree, _net, X, shifts=[("noise", 0.3), ("outside", 1.0)])
    assert [r.shift.label for r in res] == ["noise (0.3 sd)", "outside range (margin 1)"]


def test_the_shift_figure_writes_a_negative_r2_beside_its_bar_not_across_it() -> None:
    """A linear model's R2 off the data is often far below 0: the figure wrote each value at the upper end
    of its interval, on the bar itself, where the interval's line crossed out the minus ('16.004' for
    -16.004). Each value is now right of its bar and interval, inside the axes."""
    pytest.importorskip("matplotlib")
    from symdistill.report.figures import shift_figure

    X = np.random.default_rng(0).uniform(size=(600, 3))
    t = sd.as_teacher(lambda A: np.sin(6 * A[:, 0]) * 3 + A[:, 1], task="regression")
    lin = sd.distill(t, X, form="linear", max_size=2, random_state=0)
    res = shifted_fidelity(lin, t, X, shifts=["none", ("outside", 5.0), ("noise", 3.0)])
    assert res[1].score.high < -1 and res[2].score.high < -1  # far below 0, as shown to the user
    fig = shift_figure(res, "t")
    fig.canvas.draw()
    ax, renderer = fig.axes[0], fig.canvas.get_renderer()
    values = {t.get_text(): t for t in ax.texts}
    right_edge = ax.get_window_extent(renderer).x1
    for r in res:
        text = values[f"{r.score.value:.3f}"]
        box = text.get_window_extent(renderer)
        clear_of = ax.transData.transform((max(r.score.high, 0.0), 0.0))[0]
        assert clear_of < box.x0 and box.x1 <= right_edge, (r.shift.label, box, clear_of, right_edge)


def test_the_reports_shift_section_says_an_integer_can_leave_by_more_than_the_margin() -> None:
    """The report said every feature moved outside its range by up to the margin times the range, but an
    integer's value is rounded away from the range: a feature of 0 to 2 leaves at 3 or -1 with the margin
    0.25 (0.5 of the range), as README says; and that noise resamples with the severity as probability,
    which from 1 on redraws every value."""
    pytest.importorskip("matplotlib")
    from symdistill.shift import shifted_rows

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 3, 400).astype(float), rng.uniform(size=400)])
    net = lambda X: (X[:, 0] + X[:, 1] > 1.5).astype(int)  # noqa: E731
    front = sd.frontier(net, X, forms=["tree"], sizes=[2], n_samples=400, random_state=0)
    assert front.domain.features[0].kind == "integer"
    out = shifted_rows(front.domain, front.X_holdout, ("outside", 0.25))
    moved = out[:, 0] != front.X_holdout[:, 0]
    assert moved.any() and set(out[moved, 0]) <= {-1.0, 3.0}  # 1 beyond the range, the margin's 0.5 rounded away
    rep = sd.report(front, path=None)
    for text in (rep.html, rep.markdown.replace("\\", "")):
        assert "by up to the margin times the range (integers then rounded away from the range, which can take " \
               "them further)" in text
        assert "resampled with that probability, every one from 1 on" in text


def _cli_report(tmp_path, monkeypatch, *more: str) -> int:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    from symdistill.cli import main

    X = np.random.default_rng(0).uniform(0.1, 1, size=(300, 3))
    pd.DataFrame(X, columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "lognet.py").write_text("import numpy as np\n\ndef predict(df):\n"
                                        "    return np.log(df['a'].to_numpy()) + df['b'].to_numpy()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return main(["report", "--teacher", "lognet:predict", "--data", str(tmp_path / "rows.csv"), "--task", "regression",
                 "--forms", "tree", "--sizes", "2,4", "--n-samples", "300", "--no-progress",
                 "-o", str(tmp_path / "r.html"), *more])


def test_the_report_command_picks_its_shifts(tmp_path, monkeypatch, capsys) -> None:
    """symdistill report scored the five default shifts whatever the user needed: a teacher undefined below
    its range (a log) had three of them n/a and no way to ask for a gentler noise; sd.report takes shifts=."""
    assert _cli_report(tmp_path, monkeypatch, "--shift", "none", "--shift", "noise=0.01",
                       "--shift", "marginal") == 0
    md = (tmp_path / "r.md").read_text(encoding="utf-8").replace("\\", "")
    header = next(line for line in md.splitlines() if line.startswith("| model (chosen, then Pareto front)"))
    assert header == "| model (chosen, then Pareto front) | no shift | noise (0.01 sd) | marginals (dependencies broken) |"
    capsys.readouterr()


@pytest.mark.parametrize("given, said", [("noise=0", "shift 'noise': severity must be a positive number, got 0.0"),
                                         ("marginal=1", "shift 'marginal' takes no severity, got 1.0"),
                                         ("noisy", "shift kind must be one of"),
                                         ("noise=a lot", "expected KIND or KIND=SEVERITY with SEVERITY a number")])
def test_a_bad_shift_on_the_command_line_is_refused_before_any_fit(tmp_path, monkeypatch, capsys, given,
                                                                   said) -> None:
    with pytest.raises(SystemExit) as exit_:
        _cli_report(tmp_path, monkeypatch, "--shift", given)
    out, err = capsys.readouterr()
    assert exit_.value.code == 2
    assert out == "" and "--shift" in err and said in err


def test_noise_resamples_a_numeric_feature_of_two_values_as_a_flag() -> None:
    """A standardised 0/1 flag (numeric to the domain) got Gaussian noise: 2 values became 500, inputs no
    row can hold, where the query sampler keeps such a feature at its two values. It is resampled, as a
    binary feature is; a numeric feature of many values still gets noise."""
    from symdistill.domain import Domain
    from symdistill.shift import shifted_rows

    rng = np.random.default_rng(0)
    flag = rng.integers(0, 2, 500).astype(float)
    X = np.column_stack([(flag - flag.mean()) / flag.std(), rng.normal(size=500), rng.integers(0, 2, 500) * 4 + 3])
    S = shifted_rows(Domain.from_data(X), X, ("noise", 0.5))
    assert set(S[:, 0]) == set(X[:, 0]) and set(S[:, 2]) == {3.0, 7.0}
    assert 0.15 < (S[:, 0] != X[:, 0]).mean() < 0.35  # redrawn with probability 0.5, half of them to the other value
    assert len(np.unique(S[:, 1])) == 500


@pytest.mark.parametrize("shifts", [["noise"], ["outside"], ["marginal", "none"]])
def test_no_rows_are_refused_before_any_shift_is_made(shifts: list[str]) -> None:
    """Shifted fidelity of 0 rows failed in NumPy ('zero-size array to reduction operation maximum which has
    no identity'), after its 'Mean of empty slice' warnings, naming neither the rows nor the fix."""
    import warnings

    X = np.random.default_rng(0).uniform(0, 10, (300, 2))
    model = sd.distill(lambda A: (np.asarray(A)[:, 0] > 5).astype(int), X, form="tree", max_size=2,
                       random_state=0, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="cannot compute shifted fidelity on 0 rows: give at least one row"):
            shifted_fidelity(model, lambda A: (np.asarray(A)[:, 0] > 5).astype(int), X[:0], shifts=shifts)


def test_a_regressors_shift_table_heads_its_r2_when_no_shift_is_scored() -> None:
    """Every shift n/a (a teacher undefined off the data), a regressor's table headed 'fidelity [95% interval]',
    where a scored one heads 'fidelity R2'."""
    X = np.random.default_rng(0).uniform(1, 10, (300, 2))
    model = sd.distill(lambda A: np.log(np.asarray(A)[:, 0]), X, form="tree", max_size=4, random_state=0,
                       progress=False)

    def log_or_nan(A: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.log(np.asarray(A)[:, 0] - 1) * (np.asarray(A)[:, 0] > 1) / (np.asarray(A)[:, 0] > 1)

    res = shifted_fidelity(model, sd.as_teacher(log_or_nan, task="regression"), X, shifts=[("outside", 3.0)])
    assert res[0].score is None
    import re

    assert re.split(r"\s{2,}", res.to_text().splitlines()[0])[1] == "fidelity R2 [95% interval]"
