"""The README's Python examples run as written.

Each ```python block of README.md is executed in order in a namespace holding what its text assumes
(``net``, ``X``, ``gru``, ...): small real teachers made here. A block that fails, or a README that
gains or loses a block without this file knowing what it needs, fails the test.
"""

from __future__ import annotations

import itertools
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import symdistill as sd
from symdistill.models.base import ROUNDED_NOTE
from symdistill.models.linear import ROUNDED_NUMBERS
from symdistill.models.tree import Tree

README = Path(__file__).resolve().parents[1] / "README.md"

# What each block needs, by its first line (a new block must be added here).
NEEDS = {
    'tree = sd.distill(net, X, form="tree"': "tabular",
    'rules = sd.distill(net, X, form="rules", max_size=8': "tabular",
    'rules = sd.distill(net, X, form="rules", method="decompositional"': "concepts",
    'lin = sd.distill(net, X, form="linear"': "tabular",
    'open("model.c", "w")': "tabular",
    'v = sd.verify(tree, "age < 18': "tabular",
    "front = sd.frontier(net, X": "tabular",
    "from sklearn.datasets import load_iris": "tabular",
    'teacher = sd.as_sequence_teacher(gru': "sequence",
}


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)


def _kind(block: str) -> str:
    first = next(line for line in block.splitlines() if line.strip() and not line.startswith("import "))
    kinds = [kind for start, kind in NEEDS.items() if first.startswith(start)]
    assert kinds, f"README has a Python block this test does not know; add what it needs to NEEDS: {first!r}"
    return kinds[0]


def _tabular() -> dict:
    """Loan-style rows (age, income, sex) and a scikit-learn network approving some of them."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(0)
    n = 900
    X = pd.DataFrame({"age": rng.integers(16, 80, n), "income": rng.uniform(10, 120, n).round(1),
                      "sex": rng.choice(["F", "M"], n)})
    y = np.where((X["age"] >= 18) & (X["income"] > 30 + 0.3 * X["age"]), "approve", "deny")
    net = make_pipeline(make_column_transformer((OneHotEncoder(), ["sex"]), remainder=StandardScaler()),
                        MLPClassifier(hidden_layer_sizes=(16,), max_iter=500, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(X, y)
    reg = sd.distill(lambda R: np.clip(R["income"].to_numpy() * 0.8, 0, 100), X, form="tree", max_size=8,
                     task="regression", random_state=0, progress=False)
    dfa = sd.DFA.from_regex("(0|1)*1", "01")
    moore = sd.MooreMachine("ab", [[1, 0], [0, 1]], ["ok", "alarm"])  # alarm after an odd number of a
    return {"net": net, "X": X[:600], "X_new": X[600:650], "X_test": X[600:], "X_holdout": X[600:],
            "reg": reg, "dfa": dfa, "moore": moore, "moore2": moore.minimize()}


def _concepts() -> dict:
    """A torch MLP whose middle layer, named "concepts", has three units."""
    torch = pytest.importorskip("torch")
    from collections import OrderedDict

    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (800, 4)).astype(np.float32)
    y = ((X[:, 0] > 0.5) & (X[:, 1] > 0.4)).astype(np.int64)
    torch.manual_seed(0)
    net = torch.nn.Sequential(OrderedDict([
        ("hidden", torch.nn.Linear(4, 16)), ("relu", torch.nn.ReLU()),
        ("concepts", torch.nn.Linear(16, 3)), ("sigmoid", torch.nn.Sigmoid()),
        ("out", torch.nn.Linear(3, 2))]))
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    xt, yt = torch.as_tensor(X), torch.as_tensor(y)
    for _ in range(150):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(xt), yt).backward()
        opt.step()
    return {"net": net.eval(), "X": X}


def _sequence() -> dict:
    """A GRU under the embedding / rnn / head convention, trained briefly on "ends with 1"."""
    torch = pytest.importorskip("torch")

    class GRU(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = torch.nn.Embedding(2, 4)
            self.rnn = torch.nn.GRU(4, 8, batch_first=True)
            self.head = torch.nn.Linear(8, 1)

        def forward(self, tokens):
            _, h = self.rnn(self.embedding(tokens))
            return self.head(h[-1])[:, 0]

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    gru = GRU()
    opt = torch.optim.Adam(gru.parameters(), lr=0.05)
    for _ in range(4):
        for length in range(1, 9):
            x = torch.as_tensor(rng.integers(0, 2, size=(32, length)))
            opt.zero_grad()
            torch.nn.functional.binary_cross_entropy_with_logits(gru(x), x[:, -1].float()).backward()
            opt.step()
    return {"gru": gru.eval()}


def test_every_python_block_of_the_readme_runs(tmp_path, monkeypatch, capsys):
    blocks = python_blocks()
    assert len(blocks) >= 8, "the README lost its examples"
    kinds = [_kind(b) for b in blocks]
    assert set(NEEDS.values()) <= set(kinds), "NEEDS names a block the README no longer has"
    monkeypatch.chdir(tmp_path)  # the export and report examples write files
    makers = {"tabular": _tabular, "concepts": _concepts, "sequence": _sequence}
    spaces: dict[str, dict] = {}
    printed: dict[str, str] = {}
    for block, kind in zip(blocks, kinds):
        if kind not in spaces:
            spaces[kind] = {"sd": sd, **makers[kind]()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # budget and unread-module warnings are the examples' business
            try:
                exec(compile(block, f"README block {block.splitlines()[0]!r}", "exec"), spaces[kind])
            except Exception as e:
                raise AssertionError(f"README example failed: {block.splitlines()[0]!r}: "
                                     f"{type(e).__name__}: {e}") from e
        printed[block] = capsys.readouterr().out
    tab = spaces["tabular"]
    # What the examples claim of their results, checked on what they made.
    assert isinstance(tab["tree"], Tree) and tab["rules"].size <= 8 and tab["lin"].size <= 5
    assert sd.load("tree.json") == tab["tree"]  # saved, and left as it was by verify and refine
    assert (tmp_path / "report.html").is_file() and (tmp_path / "model.c").is_file()
    assert spaces["sequence"]["dfa"].size <= 50
    # Quick start's fidelity comment, the teacher check's statuses and the refinement record's fields.
    score = r"fidelity \d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\] \(n=\d+\)"
    assert re.search(r"# " + score + ":", python_blocks()[0]), "Quick start no longer shows a fidelity printout"
    assert re.fullmatch(score, str(sd.fidelity(tab["tree"], tab["net"], tab["X_test"])))
    assert tab["v"].teacher.status in ("teacher violation", "artefact")
    assert {"rounds", "query_rows_added", "holds", "fidelity_before", "fidelity_after"} <= set(
        tab["better"].meta["refinement"])
    # The frontier table's columns, as the comment after print(front.table()) lists them.
    block, _ = _example("print(front.table())")
    listed = block.split("print(front.table())", 1)[1].split("# ", 1)[1].splitlines()[0].split(", ")
    assert re.split(r"  +", str(tab["front"].table()).splitlines()[0].strip()) == listed
    # Fidelity by class: the README's table has the columns and notes print(by_class) gives.
    block, lines = _example("print(by_class)")
    out = printed[block].splitlines()
    assert lines[1:3] == out[1:3] and lines[-2:] == out[-2:] and len(lines) == len(out), (lines, out)
    assert re.fullmatch(score + ", by class:", lines[0]) and re.fullmatch(score + ", by class:", out[0])
    # The printouts the README shows are in the form print() gives now, header and default included.
    shown = {"rules": _example("print(rules)"), "lin": _example("print(lin)")}
    for name, (block, lines) in shown.items():
        assert lines, f"README shows no printout after print({name})"
        out = printed[block].splitlines()
        for pattern, readme_line, out_line in PRINTOUT_SHAPES[name](lines, out):
            assert re.fullmatch(pattern, readme_line), f"README's {name} printout: {readme_line!r} is not {pattern}"
            assert re.fullmatch(pattern, out_line), f"print({name}) gives {out_line!r}, not {pattern}"


# The lines of a printout, by position, and the form both the README's and the real line must have.
_RULE_TAIL = r" +\(coverage (<1|\d+)%, teacher agreement (>99|\d+)%\)"
PRINTOUT_SHAPES = {
    "rules": lambda shown, out: [
        (r"RuleSet \(classification, \d+ rules?, \d+ literals?\)", shown[0], out[0]),
        (r"IF .+ THEN \S+" + _RULE_TAIL, shown[1], out[1]),
        (r"ELSE \S+" + _RULE_TAIL, shown[-2], out[-2]),
        (re.escape(ROUNDED_NOTE), shown[-1], out[-1])],
    "lin": lambda shown, out: [
        (r"LinearModel \(classification, logistic link, \d+ non-zero weights?\)", shown[0], out[0]),
        (r"score = .+", shown[1], out[1]),
        (r"P\(\w+\) = sigmoid\(score\)", shown[2], out[2]),
        (re.escape(ROUNDED_NUMBERS["classification"]), shown[3], out[3])],
}


def _example(statement: str) -> tuple[str, list[str]]:
    """The README block holding ``statement`` and the printout its comments show right after it."""
    block = next(b for b in python_blocks() if statement in b)
    after = block.split(statement, 1)[1].splitlines()[1:]
    shown = [line[2:] for line in itertools.takewhile(lambda line: line.startswith("# "), after)]
    return block, shown
