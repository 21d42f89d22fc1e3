"""Command-line refusals name the options as the command line writes them: a learner's refusal that the
command passes on names Python options (``n_knots``, ``n_samples``, ``n_samples=None``), which a user of
``symdistill distill`` writes ``--option n_knots=N`` and of ``symdistill report`` ``--option linear.n_knots=N``
or ``--n-samples N``. Each test asserts the message's fragment naming what to write; ``sd.distill``'s own
messages, naming the Python options, are unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main

pd = pytest.importorskip("pandas")

N = 400


@pytest.fixture()
def rows(tmp_path, monkeypatch):
    """rows.csv: ages, heights and colours; optnames_rule.py: the teacher, ``optnames_rule:predict``,
    which must not be asked (every refusal here comes before the first query)."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.integers(18, 80, N), "height": rng.normal(170, 10, N).round(1),
                       "colour": rng.choice(["red", "blue", "green"], N)})
    df.to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "optnames_rule.py").write_text(
        "import numpy as np\n\n\ndef predict(df):\n    return np.where(np.asarray(df['age']) > 45, 'yes', 'no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return df


DISTILL = ["distill", "--teacher", "optnames_rule:predict", "--data", "rows.csv", "--form", "linear", "-o", "m.json",
           "--option", "hinges=true", "--option", "n_knots=3000", "--option", "max_design_gib=1e-4"]
REPORT = ["report", "--teacher", "optnames_rule:predict", "--data", "rows.csv", "-o", "r.html", "--sizes", "2",
          "--no-progress", "--forms", "linear"]


def test_distill_names_knots_and_rows_as_options(rows, capsys):
    """The design refusal's ways out named 'fewer knots (n_knots)' and 'fewer rows (n_samples)', Python names:
    the command line sets both with --option."""
    assert main(DISTILL) == 2
    err = capsys.readouterr().err
    assert ("ask for fewer knots (--option n_knots=N), fewer rows (--option n_samples=N), no hinges or a larger "
            "--option max_design_gib=N (GiB)") in err
    with pytest.raises(ValueError, match=r"ask for fewer knots \(n_knots\), fewer rows \(n_samples\), no hinges"):
        sd.distill(lambda df: np.asarray(df["age"]) > 45, rows, form="linear", hinges=True, n_knots=3000,
                   max_design_gib=1e-4)


def test_report_names_knots_with_the_linear_form_and_rows_as_n_samples(rows, capsys):
    """In report, n_knots is an option of the linear form only (--option linear.n_knots=N) and the rows of
    every fit are --n-samples N (--option n_samples is refused there)."""
    assert main([*REPORT, "--n-samples", "5000", "--option", "linear.hinges=true", "--option", "linear.n_knots=3000",
                 "--option", "linear.max_design_gib=1e-4"]) == 2
    err = capsys.readouterr().err
    assert ("ask for fewer knots (--option linear.n_knots=N), fewer rows (--n-samples N), no hinges or a larger "
            "--option linear.max_design_gib=N (GiB)") in err
    # The options given without the form (--forms linear alone) are named as they were written.
    assert main([*REPORT, "--option", "hinges=true", "--option", "n_knots=3000", "--option", "max_design_gib=1e-4"]) == 2
    err = capsys.readouterr().err
    assert ("ask for fewer knots (--option n_knots=N), fewer rows (--n-samples N), no hinges or a larger "
            "--option max_design_gib=N (GiB)") in err
    # Hinges asked for, n_knots not given: the linear form's option is named with its form.
    assert main([*REPORT, "--option", "hinges=true", "--option", "max_design_gib=1e-4"]) == 2
    assert "ask for fewer knots (--option linear.n_knots=N)" in capsys.readouterr().err


def _huge_pool(monkeypatch):
    """This machine's memory as 1 GiB and no container limit: 10,000,000 rows x 3 features (160 bytes a
    row, 1.49 GiB) are over it, whatever the machine running the test has."""
    import os

    from symdistill.learners import base

    sysconf = os.sysconf
    monkeypatch.setattr(os, "sysconf", lambda key: 2**18 if key == "SC_PHYS_PAGES" else
                        4096 if key == "SC_PAGE_SIZE" else sysconf(key))
    monkeypatch.setattr(base, "container_memory_limit", lambda: None)


def test_report_names_n_samples_past_memory_as_its_flag(rows, capsys, monkeypatch):
    """report --n-samples 10000000 past memory was refused as 'n_samples=10,000,000 cannot fit in memory
    ... (n_samples=None scales with the data ...)': neither is written on report's command line, where
    --n-samples sets it and leaving the flag out gives each form its default."""
    _huge_pool(monkeypatch)
    assert main([*REPORT[:-2], "--forms", "tree", "--n-samples", "10000000"]) == 2
    err = capsys.readouterr().err
    assert "error: --n-samples 10,000,000 cannot fit in memory: a pool of 10,000,000 rows" in err
    assert err.rstrip().endswith("ask for fewer (without --n-samples a tree's and rules' n_samples scale with the "
                                 "data: ten times its rows, within 5,000-20,000)")


def test_distill_names_n_samples_none_as_json_writes_it(rows, capsys, monkeypatch):
    """distill --option n_samples=10000000 past memory named 'n_samples=None', Python's None: the command
    line reads the VALUE as JSON, where it is null."""
    _huge_pool(monkeypatch)
    assert main([*DISTILL[:5], "-o", "m.json", "--option", "n_samples=10000000"]) == 2
    err = capsys.readouterr().err
    assert "error: n_samples=10,000,000 cannot fit in memory" in err
    assert err.rstrip().endswith("ask for fewer (--option n_samples=null scales with the data: ten times its rows, "
                                 "within 5,000-20,000)")


def test_a_learners_warning_names_its_options_as_the_command_writes_them(rows, tmp_path) -> None:
    """The linear learner's warning that n_knots does nothing without hinges said 'hinges=True', Python's
    spelling: distill writes it --option hinges=true (JSON), report --option linear.hinges=true. (Run as a
    process: pytest records warnings instead of printing them the command's way.)"""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    args = [sys.executable, "-m", "symdistill"]
    common = ["--teacher", "optnames_rule:predict", "--data", "rows.csv"]
    done = subprocess.run([*args, "distill", *common, "--form", "linear", "--max-size", "2", "--option", "n_knots=5",
                           "-o", "m.json"], capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "symdistill distill: warning: n_knots=5 places hinge knots, and there are none without --option " \
           "hinges=true: it has no effect" in done.stderr
    done = subprocess.run([*args, "report", *common, "--no-progress", "--forms", "linear", "--sizes", "2,4",
                           "--option", "linear.n_knots=5", "-o", "r.html"], capture_output=True, text=True, timeout=300, env=env,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "none without --option linear.hinges=true: it has no effect" in done.stderr
    assert "hinges=True" not in done.stderr
    # once: each fit's filters reset Python's once-per-location registry, and the line printed three times
    assert done.stderr.count("places hinge knots") == 1, done.stderr
