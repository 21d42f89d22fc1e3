"""Verification as a demanding user meets it: awkward feature names and labels on the command line."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main

NAMES = ["time:s", "a,b", " pad", "x:decreasing"]


def teacher(X: Any) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return (X[:, 0] + X[:, 1] - X[:, 3] > 5).astype(int)


@pytest.fixture(scope="module")
def odd_tree() -> Any:
    X = np.random.default_rng(0).uniform(0, 10, (600, 4))
    return sd.distill(teacher, X, feature_names=NAMES, max_size=8, random_state=0, n_samples=1200)


@pytest.fixture()
def odd_file(tmp_path: Any, monkeypatch: Any, odd_tree: Any) -> Any:
    monkeypatch.chdir(tmp_path)
    odd_tree.to_json(tmp_path / "odd.json")
    return tmp_path


@pytest.mark.parametrize("flags, prop", [
    # --monotonic split at the first ':' ("direction must be one of ..., got 's'") and --invariant at
    # every ',' and stripped ("unknown feature 'a'"), so these features could not be named at all
    (["--monotonic", "time:s"], sd.monotonic("time:s")),
    (["--monotonic", "time:s:decreasing"], sd.monotonic("time:s", "decreasing")),
    (["--monotonic", "x:decreasing"], sd.monotonic("x:decreasing")),
    (["--monotonic", "x:decreasing:decreasing"], sd.monotonic("x:decreasing", "decreasing")),
    (["--invariant", "a,b"], sd.invariant("a,b")),
    (["--invariant", " pad"], sd.invariant(" pad")),
    (["--invariant", '["a,b", " pad"]'], sd.invariant("a,b", " pad")),
])
def test_verify_command_names_features_holding_colons_commas_and_spaces(odd_file: Any, odd_tree: Any,
                                                                        capsys: Any, flags: list[str],
                                                                        prop: Any) -> None:
    code = main(["verify", "odd.json", *flags])
    out, err = capsys.readouterr()
    verdict = sd.verify(odd_tree, prop)
    assert err == "" and code == (0 if verdict.holds else 1)
    assert str(verdict).splitlines()[0] in out


@pytest.mark.parametrize("flags, message", [
    (["--monotonic", "time:down"], "unknown feature 'time:down'"),
    (["--monotonic", "time:s:down"], "direction must be one of ('increasing', 'decreasing'), got 'down'"),
    (["--invariant", "a,c"], "unknown feature 'a'"),
    (["--invariant", '["a,b", 3]'], "items must be strings (feature names), got 3"),
    (["--invariant", '["a,b"'], "read as a JSON list of feature names, but it is not JSON"),
])
def test_verify_command_still_names_what_is_wrong(odd_file: Any, capsys: Any, flags: list[str],
                                                  message: str) -> None:
    code = main(["verify", "odd.json", *flags])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and message in err
