"""The README's command-line examples run as written.

Every ``symdistill`` command of a plain ``` block of README.md, and every one written inline that names
the saved model it reads (``symdistill verify model.json ...``), is run in README order from a tmp dir,
with each optional ``[--flag ...]`` part included, on files made here under the names the README gives
them (``model.onnx``, ``rows.csv``, ``my_module:gru``, ...). A command that fails, or a README that gains
a command this file does not know (add it to EXPECT), fails the test.
"""

from __future__ import annotations

import csv
import re
import shlex
import sys
from pathlib import Path

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"

# What each command, by its start, must do: its exit status (verify: 1 when a constraint fails, as the
# README says it may) and text its standard output must hold.
EXPECT = {
    "symdistill distill --teacher model.onnx": (0, "Tree (classification, "),
    "symdistill show tree.json": (0, "Tree (classification, "),
    "symdistill evaluate tree.json": (0, "against --label y: accuracy"),
    "symdistill predict tree.json": (0, ""),
    "symdistill demo": (0, "fidelity to the network on held-out rows"),
    "symdistill export dfa.json --to dot": (0, ""),
    "symdistill export tree.json --to c": (0, ""),
    "symdistill verify model.json": ((0, 1), "constraints hold"),
    "symdistill verify reg.json": (0, "1 of 1 constraint holds"),
    "symdistill verify dfa.json": ((0, 1), "constraints hold"),
    "symdistill verify moore.json": ((0, 1), "constraints hold"),
    "symdistill report --teacher model.onnx": (0, "chosen: "),
    "symdistill automaton --teacher my_module:gru": (0, "DFA: "),
    "symdistill evaluate dfa.json": (0, "fidelity 1.0000"),
    "symdistill predict dfa.json": (0, ""),
}


def readme_commands() -> list[str]:
    """The README's complete commands, in order, continuation lines joined."""
    text = README.read_text(encoding="utf-8")
    found: list[tuple[int, str]] = []
    fence, offset, open_command = None, 0, False
    for line in text.splitlines(keepends=True):
        at, offset = offset, offset + len(line)
        if fence == "```" and line.startswith(" ") and open_command:  # a continuation of the command above
            found[-1] = (found[-1][0], found[-1][1] + " " + line.strip())
            continue
        open_command = fence == "```" and line.startswith("symdistill ")
        if open_command:
            found.append((at, line.strip()))
        elif line.startswith("```"):
            fence = None if fence is not None else line.strip()  # a fence opens with its language, closes bare
    found += [(m.start(), m.group(1)) for m in re.finditer(r"`(symdistill \w+ \S+\.json [^`]*)`", text)]
    return [command for _, command in sorted(found)]


def _argv(command: str) -> list[str]:
    """The arguments of ``command`` with its optional parts taken: ``[--label y]`` reads ``--label y``."""
    return shlex.split(re.sub(r"\[(-[^\]]*)\]", r"\1", command))[1:]


def _linear_onnx(path: Path, labels: list) -> None:
    """A softmax linear classifier of the rows (age, income, sex) as ONNX, classes ``labels``."""
    from _onnx_support import onnx_model
    from onnx import TensorProto, helper

    kind = "classlabels_strings" if isinstance(labels[0], str) else "classlabels_ints"
    nodes = [helper.make_node("LinearClassifier", ["X"], ["label", "scores"], domain="ai.onnx.ml",
                              coefficients=[0.2, 0.1, 0.0, 0.0, 0.0, 0.0], intercepts=[-10.0, 0.0],
                              multi_class=0, **{kind: labels}),
             helper.make_node("Softmax", ["scores"], ["probabilities"], axis=1)]
    label_type = TensorProto.STRING if isinstance(labels[0], str) else TensorProto.INT64
    path.write_bytes(onnx_model(nodes, [("X", TensorProto.FLOAT, [None, 3])],
                                [("label", label_type, [None]), ("probabilities", TensorProto.FLOAT, [None, 2])]))


def _inputs(tmp: Path) -> None:
    """The files the README's commands read, under the names it gives them."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    rows = pd.DataFrame({"age": rng.integers(16, 80, 400), "income": rng.uniform(10, 120, 400).round(1),
                         "sex": rng.integers(0, 2, 400)})
    _linear_onnx(tmp / "model.onnx", [0, 1])
    _linear_onnx(tmp / "net.onnx", ["approve", "deny"])
    rows[:300].to_csv(tmp / "rows.csv", index=False)
    rows[300:].to_csv(tmp / "rows2.csv", index=False)
    y = np.where(0.2 * rows["age"] + 0.1 * rows["income"] > 10, 0, 1)
    rows[300:].assign(y=y[300:]).to_csv(tmp / "holdout.csv", index=False)
    new = rows[300:320].copy()
    new.insert(0, "id", [f"{i:03d}" for i in range(20)])
    new.assign(label=y[300:320]).to_csv(tmp / "new.csv", index=False)
    assert main(["distill", "--teacher", "net.onnx", "--data", "rows.csv", "--max-size", "8", "-o", "model.json"]) == 0
    reg = sd.distill(lambda R: np.clip(R[:, 1] * 1e-9, 0, 1e-7), rows[["age", "income"]].to_numpy(dtype=float),
                     form="tree", max_size=4, task="regression", random_state=0, progress=False)
    (tmp / "reg.json").write_text(reg.to_json())
    (tmp / "my_module.py").write_text("def gru(words):\n    return [w.endswith('1') for w in words]\n")
    (tmp / "words.txt").write_text("0110\n\n1\n01\n0011\n")
    (tmp / "dfa.json").write_text(sd.DFA.from_regex("(0|1)*1", "01").to_json())
    (tmp / "other.json").write_text(sd.DFA.from_regex("(0|1)*1|()", "01").to_json())
    # 'even' after an even number of a, 'alarm' after an odd one; moore2 says 'odd' there
    (tmp / "moore.json").write_text(sd.MooreMachine("ab", [[1, 0], [0, 1]], ["even", "alarm"]).to_json())
    (tmp / "moore2.json").write_text(sd.MooreMachine("ab", [[1, 0], [0, 1]], ["even", "odd"]).to_json())


def test_every_command_line_example_of_the_readme_runs(tmp_path, monkeypatch, capsys):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("matplotlib")  # the report example
    pytest.importorskip("torch")  # the demo
    pytest.importorskip("z3")  # verify --backend z3
    commands = readme_commands()
    kinds = [[start for start in EXPECT if c.startswith(start)] for c in commands]
    unknown = [c for c, k in zip(commands, kinds) if not k]
    assert not unknown, f"README has commands this test does not know; add them to EXPECT: {unknown}"
    assert {k[0] for k in kinds} == set(EXPECT), "EXPECT names a command the README no longer has"
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))  # my_module, as the CLI finds it in the working directory
    monkeypatch.delitem(sys.modules, "my_module", raising=False)
    _inputs(tmp_path)
    tree_txt = None
    for command, (start, *_) in zip(commands, kinds):
        capsys.readouterr()
        rc = main(_argv(command))
        out, err = capsys.readouterr()
        status, shown = EXPECT[start]
        assert rc in ((status,) if isinstance(status, int) else status), f"README command {command!r} " \
            f"exited {rc}: {err.strip()}"
        assert shown in out, f"README command {command!r} printed {out[:300]!r}, not {shown!r}"
        if start == "symdistill distill --teacher model.onnx":
            tree_txt = out
            assert err.startswith("wrote tree.json: tree, size "), err  # the status line goes to stderr
    monkeypatch.delitem(sys.modules, "my_module", raising=False)
    # What the prose says of the commands' results.
    assert sd.load("tree.json").size <= 16 and tree_txt == str(sd.load("tree.json")) + "\n"
    with open("predictions.csv", newline="") as f:
        records = list(csv.reader(f))
    assert records[0] == ["id", "prediction", "proba_0", "proba_1"] and records[1][0] == "000"
    assert len(records) == 21
    assert "edge_predict" in Path("model.c").read_text() and Path("dfa.dot").read_text().startswith("digraph")
    assert Path("report.html").is_file() and Path("report.md").is_file()
    assert Path("labels.csv").read_text().splitlines()[:2] == ["word,prediction", "0110,False"]
    assert sd.load("dfa.json").equivalent(sd.DFA.from_regex("(0|1)*1", "01"))


def test_every_option_of_every_command_is_in_the_readme():
    """Each command's options, as ``symdistill COMMAND --help`` lists them, are named in the README (by one
    of their spellings: ``-o`` for ``--output``)."""
    import argparse

    from symdistill.cli import build_parser

    text = README.read_text(encoding="utf-8")
    top = build_parser()
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    parsers = {**sub.choices, "symdistill": top}  # the command's own --version too
    missing = sorted(f"{name} {action.option_strings[-1]}" for name, parser in parsers.items()
                     for action in parser._actions if action.option_strings and action.dest != "help"
                     and not any(re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", text)
                                 for flag in action.option_strings))
    assert not missing, f"options the README does not name: {missing}"
    known = {flag for parser in parsers.values() for action in parser._actions for flag in action.option_strings}
    unknown = sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*[a-z]", text)) - known)
    assert not unknown, f"the README names options no command takes: {unknown}"


@pytest.mark.parametrize("command", ["distill", "evaluate", "predict", "report"])
def test_the_data_help_names_every_table_format_the_readme_gives(command):
    """--data reads CSV or TSV, compressed or not, or Parquet, as the README says; --help said .csv, .csv.gz
    or .parquet only."""
    import argparse

    from symdistill.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    text = next(a.help for a in sub.choices[command]._actions if "--data" in a.option_strings)
    assert all(ext in text for ext in (".csv", ".tsv", ".gz", ".bz2", ".zip", ".xz", ".zst", ".parquet")), text
