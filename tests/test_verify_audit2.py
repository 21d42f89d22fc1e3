"""Verification as a demanding user meets it: awkward feature names and labels on the command line."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main, named_label

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
    (["--monotonic", '["time:s", "decreasing"]'], sd.monotonic("time:s", "decreasing")),
    (["--monotonic", '["x:decreasing"]'], sd.monotonic("x:decreasing")),
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
    # a feature and another direction said "direction must be one of ('increasing', 'decreasing'), got
    # 'down'", naming neither the flag nor its value
    (["--monotonic", "time:s:down"], "verify: error: --monotonic 'time:s:down': the direction after ':' is 'down'; "
                                     "expected increasing or decreasing (FEATURE alone is increasing)\n"),
    (["--monotonic", "a,b:Decreasing"], "--monotonic 'a,b:Decreasing': the direction after ':' is 'Decreasing'"),
    (["--monotonic", '["time:s", "down"]'], "a JSON list names the feature, then the direction if any"),
    (["--monotonic", "[]"], "a JSON list names the feature, then the direction if any"),
    (["--monotonic", '["time:s", 1]'], "items must be strings"),
    (["--invariant", "a,c"], "unknown feature 'a'"),
    (["--invariant", '["a,b", 3]'], "items must be strings (feature names), got 3"),
    (["--invariant", '["a,b"'], "read as a JSON list of feature names, but it is not JSON"),
])
def test_verify_command_still_names_what_is_wrong(odd_file: Any, capsys: Any, flags: list[str],
                                                  message: str) -> None:
    code = main(["verify", "odd.json", *flags])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and message in err


def test_verify_command_refuses_a_monotonic_name_read_two_ways(tmp_path: Any, monkeypatch: Any,
                                                              capsys: Any) -> None:
    # With features 'x' and 'x:decreasing', '--monotonic x:decreasing' was read as the second feature,
    # increasing, and 'x' decreasing could not be asked at all
    monkeypatch.chdir(tmp_path)
    X = np.random.default_rng(1).uniform(0, 10, (400, 2))
    tree = sd.distill(lambda X: (np.asarray(X)[:, 0] < 5).astype(int), X, feature_names=["x", "x:decreasing"],
                      max_size=4, random_state=0, n_samples=800)
    tree.to_json(tmp_path / "two.json")
    assert main(["verify", "two.json", "--monotonic", "x:decreasing"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--monotonic 'x:decreasing' names the feature 'x:decreasing' and also the feature 'x'" in err
    assert "'x:decreasing:increasing' for the first, '[\"x\", \"decreasing\"]' for the second" in err
    for flag, prop in (("x:decreasing:increasing", sd.monotonic("x:decreasing")),
                       ('["x", "decreasing"]', sd.monotonic("x", "decreasing"))):
        verdict = sd.verify(tree, prop)
        assert main(["verify", "two.json", "--monotonic", flag]) == (0 if verdict.holds else 1)
        assert str(verdict).splitlines()[0] in capsys.readouterr().out
    assert sd.verify(tree, sd.monotonic("x", "decreasing")).holds


def three_classes(X: Any) -> np.ndarray:
    x = np.asarray(X, dtype=float)[:, 0]
    return (x > 3).astype(int) + (x > 6).astype(int)  # classes 0, 1, 2: 2 rises with x0, 1 does not


@pytest.fixture()
def class_files(tmp_path: Any, monkeypatch: Any) -> Any:
    monkeypatch.chdir(tmp_path)
    X = np.random.default_rng(1).uniform(0, 10, (600, 2))
    sd.distill(three_classes, X, max_size=4, random_state=0, n_samples=1200).to_json(tmp_path / "ints.json")
    sd.distill(lambda X: three_classes(X) == 2, X, max_size=4, random_state=0,
               n_samples=1200).to_json(tmp_path / "bools.json")
    return tmp_path


@pytest.mark.parametrize("model, target, first_line, code", [
    # the target was read as text, so a model's integer (sklearn's 0, 1, 2) or boolean classes could
    # not be named: "monotonic: unknown target class '2'; classes are [0, 1, 2]"
    ("ints.json", "2", "HOLDS: prediction == 2 is monotonically increasing in x0", 0),
    ("ints.json", "1", "VIOLATED: prediction == 1 is monotonically increasing in x0", 1),
    ("bools.json", "True", "HOLDS: prediction == True is monotonically increasing in x0", 0),
    ("bools.json", "False", "VIOLATED: prediction == False is monotonically increasing in x0", 1),
])
def test_verify_command_target_names_number_and_boolean_classes(class_files: Any, capsys: Any, model: str,
                                                                 target: str, first_line: str, code: int) -> None:
    assert main(["verify", model, "--monotonic", "x0", "--target", target]) == code
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == first_line and err == ""


def odd_labels(X: Any) -> np.ndarray:
    x = np.asarray(X, dtype=float)[:, 0]
    return np.where(x > 6, "maybe\\", np.where(x > 3, "", "ELSE x"))  # 'maybe\\' (one backslash) rises with x0


@pytest.mark.parametrize("target, first_line, code", [
    # the README says --target is written as the class prints, but a class printed maybe\\ (its backslash
    # escaped) was 'unknown target class', and so were '' and 'ELSE x' as they now print
    ("maybe\\\\", "HOLDS: prediction == 'maybe\\\\' is monotonically increasing in x0", 0),
    ("'maybe\\\\'", "HOLDS: prediction == 'maybe\\\\' is monotonically increasing in x0", 0),  # as verdicts quote it
    ("maybe\\", "HOLDS: prediction == 'maybe\\\\' is monotonically increasing in x0", 0),  # as written
    ("''", "VIOLATED: prediction == '' is monotonically increasing in x0", 1),
    ("'ELSE x'", "VIOLATED: prediction == 'ELSE x' is monotonically increasing in x0", 1),
    ("ELSE x", "VIOLATED: prediction == 'ELSE x' is monotonically increasing in x0", 1),
])
def test_verify_command_target_names_a_class_as_it_prints(tmp_path: Any, monkeypatch: Any, capsys: Any, target: str,
                                                          first_line: str, code: int) -> None:
    monkeypatch.chdir(tmp_path)
    X = np.random.default_rng(1).uniform(0, 10, (600, 2))
    model = sd.distill(odd_labels, X, max_size=4, random_state=0, n_samples=1200)
    assert all(f"-> {label}  (" in str(model) for label in ("maybe\\\\", "''", "'ELSE x'"))  # as the leaves print
    model.to_json(tmp_path / "odd.json")
    assert main(["verify", "odd.json", "--monotonic", "x0", "--target", target]) == code
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == first_line and err == ""


def test_a_label_named_as_it_prints_comes_before_one_named_as_written() -> None:
    """'x\\\\' (two characters) is how the label 'x\\' prints and also the label 'x\\\\' as written: the
    printed spelling names the first, so every label can be named as it prints ('x\\\\\\\\' the second)."""
    labels = ["x\\", "x\\\\"]
    assert [named_label(labels, text) for text in ("x\\\\", "x\\\\\\\\", "x\\", "'x\\\\\\\\'")] == [
        "x\\", "x\\\\", "x\\", "x\\\\"]
    assert named_label([1, "1"], "1") == "1" and named_label([0, 1], "1") == 1 and named_label(["a"], "b") == "b"


@pytest.mark.parametrize("flags, message", [
    # a --target without --monotonic was read by nothing, and the verdicts printed as if it were
    (["-c", "true", "--target", "2"], "--target '2' names the class that --monotonic checks; give --monotonic "
                                      "FEATURE too"),
    # the library's message named its own keyword (target=<class>), not the flag
    (["--monotonic", "x0"], "--monotonic on a multi-class model needs --target CLASS, the class whose prediction "
                            "it checks; the model's classes: 0, 1, 2"),
    (["--monotonic", "x0", "--target", "3"], "unknown target class '3'; classes are [0, 1, 2]"),
])
def test_verify_command_target_errors_name_the_flags(class_files: Any, capsys: Any, flags: list[str],
                                                     message: str) -> None:
    assert main(["verify", "ints.json", *flags]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err


@pytest.mark.parametrize("content, message", [
    # with two model files, "model is not valid JSON: Expecting value: line 1 column 1" named neither
    ("", "model file other.json is empty; a model file holds the JSON that distill -o writes"),
    ("{", "model file other.json: model is not valid JSON: Expecting property name"),
    ('{"format": "symdistill", "version": 1, "kind": "nope"}', "model file other.json: unknown model kind 'nope'"),
])
def test_verify_command_names_the_model_file_that_is_bad(class_files: Any, capsys: Any, content: str,
                                                         message: str) -> None:
    (class_files / "other.json").write_text(content)
    assert main(["verify", "ints.json", "--equivalent", "other.json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err
    assert main(["export", "other.json", "--to", "c"]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("form", ["tree", "rules"])
@pytest.mark.parametrize("backend", ["auto", "z3"])
def test_monotonic_on_a_one_class_model_is_decided(form: str, backend: str) -> None:
    """A constant teacher's tree or rule list has one class; monotonic() without a target was refused with
    "a multi-class model needs target=<class>; classes are ['only']", though there is nothing to choose."""
    if backend == "z3":
        pytest.importorskip("z3")
    X = np.random.default_rng(0).uniform(size=(300, 3))
    model = sd.distill(lambda X: np.full(len(X), "only"), X, form=form, max_size=4, random_state=0, n_samples=600)
    for direction in ("increasing", "decreasing"):
        verdict = sd.verify(model, sd.monotonic("x0", direction), backend=backend)
        assert verdict.holds and str(verdict).startswith(f"HOLDS: prediction == 'only' is monotonically {direction}")


def test_verify_command_reads_constraints_from_a_file(class_files: Any, capsys: Any) -> None:
    """Constraints could only be given one -c at a time on the command line; a list kept in a file (with
    comments, quotes that a shell would eat) had to be turned into flags by hand."""
    (class_files / "rules.txt").write_text("# checked on every release\n\nx0 < 2 -> prediction == 0\r\n"
                                           "  x0 > 7 -> prediction == 1\nprediction in {0, 1, 2}\n", encoding="utf-8")
    assert main(["verify", "ints.json", "--constraint-file", "rules.txt", "-c", "x1 >= 0"]) == 1
    out, err = capsys.readouterr()
    heads = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert heads == ["HOLDS: x1 >= 0", "HOLDS: x0 < 2 -> prediction == 0", "VIOLATED: x0 > 7 -> prediction == 1",
                     "HOLDS: prediction in {0, 1, 2}", "3 of 4 constraints hold"] and err == ""


@pytest.mark.parametrize("content, message", [
    ("x0 < 2\nx9 > 1\n", "--constraint-file c.txt (line 2): unknown feature 'x9'"),
    ("x0 < < 2\n", "--constraint-file c.txt (line 1): expected a number, string, feature name or 'prediction' at "
                   "position 5"),
    ("", "--constraint-file c.txt holds no constraint; write one a line"),
    ("# nothing yet\n\n", "--constraint-file c.txt holds no constraint"),
    (b"x0 < 2 -> prediction == \xe9t\xe9\n", "--constraint-file c.txt is not UTF-8 text"),  # Latin-1 (UTF-16: named so)
    # a JSON file failed at its first ':' ("unexpected character ':' at position 14"), naming no JSON
    ('{"constraints": ["x0 < 2"]}\n', "--constraint-file c.txt holds JSON; it takes constraint text, one a line"),
    ('[\n  "x0 < 2",\n  "x1 > 1"\n]\n', "--constraint-file c.txt holds JSON; it takes constraint text"),
])
def test_verify_command_names_the_file_and_line_of_a_bad_constraint(class_files: Any, capsys: Any,
                                                                   content: Any, message: str) -> None:
    path = class_files / "c.txt"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    assert main(["verify", "ints.json", "--constraint-file", "c.txt"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and "Traceback" not in err


def test_verify_command_refuses_a_missing_constraint_file(class_files: Any, capsys: Any) -> None:
    assert main(["verify", "ints.json", "--constraint-file", "missing.txt"]) == 2
    assert "--constraint-file missing.txt: file not found" in capsys.readouterr().err


def test_verify_command_backend_direct_names_the_flag_to_use(class_files: Any, capsys: Any) -> None:
    """The library's hint "use backend='z3' or 'auto'" reached the command line, where the option is
    --backend."""
    X = np.random.default_rng(1).uniform(0, 10, (600, 2))
    sd.distill(lambda X: three_classes(X) == 2, X, form="linear", max_size=2, random_state=0,
               n_samples=1200).to_json(class_files / "lin.json")
    assert main(["verify", "lin.json", "-c", "x0 + x1 <= 100", "--backend", "direct"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and ("-c/--constraint: --backend direct does not cover this: constraints relating several "
                          "features (arithmetic) are decided by the z3 backend; use --backend z3 or auto") in err
    with pytest.raises(ValueError, match=r"use backend='z3' or 'auto'"):  # the library keeps its own words
        sd.verify(sd.load(class_files / "lin.json"), "x0 + x1 <= 100", backend="direct")
    assert main(["verify", "lin.json", "--monotonic", "x0", "--backend", "direct"]) == 0  # decided in predict's floats


@pytest.mark.parametrize("constraint", ["-x0<=0", "-x0+x1<10", "-1*x1!=-20", "-x0>=-10"])
def test_verify_command_takes_a_constraint_that_starts_with_a_minus(class_files: Any, capsys: Any,
                                                                    constraint: str) -> None:
    """Written without spaces, such a constraint read as an unknown option: "argument -c/--constraint:
    expected one argument"."""
    code = main(["verify", "ints.json", "-c", constraint])
    out, err = capsys.readouterr()
    assert err == "" and code == 0 and out.startswith(f"HOLDS: {constraint}\n")


@pytest.mark.parametrize("flag, regex", [
    ("--never-accepts", "--.*"), ("--always-accepts", "-.-"), ("--included-in", "-*(.-?)*"), ("--never-accepts", "-"),
])
def test_verify_command_takes_a_regex_that_starts_with_a_dash(tmp_path: Any, monkeypatch: Any, capsys: Any,
                                                              flag: str, regex: str) -> None:
    """Over an alphabet holding '-' (Morse code), a regex starting with '-' read as an unknown option:
    "argument --never-accepts: expected one argument"."""
    monkeypatch.chdir(tmp_path)
    dfa = sd.distill_automaton(lambda words: ["--" not in w for w in words], alphabet=[".", "-"], random_state=0)
    dfa.to_json(tmp_path / "morse.json")
    prop = {"--never-accepts": sd.never_accepts, "--always-accepts": sd.always_accepts,
            "--included-in": sd.included_in}[flag](regex)
    verdict = sd.verify(dfa, prop)
    code = main(["verify", "morse.json", flag, regex])
    out, err = capsys.readouterr()
    assert err == "" and code == (0 if verdict.holds else 1) and out.startswith(str(verdict).splitlines()[0])


def morse(words: Any) -> list[bool]:
    return ["--" not in w for w in words]


def test_automaton_command_takes_an_alphabet_that_starts_with_a_dash(tmp_path: Any, monkeypatch: Any,
                                                                     capsys: Any) -> None:
    """'--alphabet -,.' read the alphabet as an unknown option: "argument --alphabet: expected one argument"."""
    monkeypatch.chdir(tmp_path)
    code = main(["automaton", "--teacher", f"{__name__}:morse", "--alphabet", "-,.", "-o", "m.json"])
    assert code == 0, capsys.readouterr().err
    dfa = sd.load(tmp_path / "m.json")
    assert dfa.alphabet == ("-", ".") and sd.verify(dfa, sd.never_accepts(".*--.*")).holds


def test_verdicts_name_awkward_features_as_constraints_write_them(odd_file: Any, capsys: Any) -> None:
    """The verdict printed names as they are: 'does not depend on a,b,  pad' read as three or four
    features, and a name holding a newline broke the verdict's line in two."""
    assert main(["verify", "odd.json", "--invariant", '["a,b", " pad"]', "--monotonic", "time:s"]) in (0, 1)
    out = capsys.readouterr().out.splitlines()
    assert any(line.endswith(": the prediction does not depend on `a,b`, ` pad`") for line in out)
    assert any(line.endswith(" is monotonically increasing in `time:s`") for line in out)
    assert str(sd.monotonic("new\nline", target="yes")) == "prediction == 'yes' is monotonically increasing in `new\\nline`"
    assert str(sd.robust({"x": 1}, 0.5, features=["x y", "z"])) == "robust within 0.5 in `x y`, z of the given point"
    assert str(sd.invariant("sex", "race")) == "the prediction does not depend on sex, race"
