"""README.md walked as a new user: its examples and statements checked against what the library does.

Each test names the README passage it holds to, so an example cannot silently drift from the code again.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import symdistill as sd
from symdistill.metrics import wilson_interval


@pytest.mark.parametrize("n", [3, 10, 13, 25, 171])
def test_a_perfect_or_null_score_interval_holds_its_own_value(n):
    """README: fidelity is 'agreement with a 95% Wilson interval'. At n of n rows agreeing the interval's
    high end was 0.9999999999999999 for n = 10, 13, 25, ... (below the value 1.0), and at 0 of n its low end
    5.6e-17 (above the value 0.0): centre -/+ half rounded. Each end is now exactly 1 and 0 there."""
    assert wilson_interval(n, n)[1] == 1.0 and wilson_interval(0, n)[0] == 0.0
    X = np.arange(n, dtype=float).reshape(-1, 1)
    teacher = lambda X: (np.asarray(X)[:, 0] >= 1).astype(int)  # noqa: E731
    tree = sd.distill(teacher, X, max_size=2, random_state=0, progress=False)
    score = sd.fidelity(tree, teacher, X, progress=False)
    assert score.value == 1.0 and score.low <= score.value <= score.high == 1.0
    nothing = sd.accuracy(tree, X, 1 - teacher(X))
    assert nothing.value == 0.0 and nothing.low == 0.0 <= nothing.high


README = Path(__file__).resolve().parents[1] / "README.md"


def _readme() -> str:
    return " ".join(README.read_text(encoding="utf-8").split())  # one line: a passage may wrap anywhere


def test_a_learner_prints_as_the_quick_start_says():
    """README (Quick start) said the learners 'print the options set (`TreeLearner(max_size=16,
    random_state=0)`)', the options given; they print those other than their defaults, as scikit-learn's
    estimators do, so that learner printed `TreeLearner(random_state=0)`."""
    from symdistill.learners import TreeLearner

    text = _readme()
    shown = re.search(r"other than their defaults, as scikit-learn's do \(`(TreeLearner\([^`]*\))`; "
                      r"`max_size=16` is the default, so the learner above prints `(TreeLearner\([^`]*\))`\)", text)
    assert shown, "README no longer says how a learner prints"
    made, printed = shown.groups()
    assert repr(eval(made, {"TreeLearner": TreeLearner})) == made
    above = re.search(r"`(TreeLearner\([^`]*\))\.fit\(net, X\)\.model_` is the tree above", text).group(1)
    assert repr(eval(above, {"TreeLearner": TreeLearner})) == printed


def test_every_public_name_is_in_the_readme(tmp_path, monkeypatch):
    """README documents every user-facing behaviour: sd.ModelFormatError (what sd.load raises) and
    sd.__version__ (and the command's --version) were named nowhere in it."""
    text = README.read_text(encoding="utf-8")
    missing = [name for name in sd.__all__ if not re.search(r"(?<![\w.])(sd\.)?" + re.escape(name) + r"\b", text)]
    assert not missing, f"public names the README does not name: {missing}"
    assert re.search(r"`symdistill --version`", text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(sd.ModelFormatError, match=r"^no such model file: 'tree\.jsn' \(expected JSON text or a path\)$"):
        sd.load("tree.jsn")  # the README's example of the message
    assert "`no such model file: 'tree.jsn' (expected JSON text or a path)`" in text


@pytest.mark.filterwarnings("ignore:loading net.joblib runs pickle")
def test_the_classes_example_names_a_breast_cancer_networks_outputs_in_their_order(tmp_path, monkeypatch):
    """README (Naming a teacher's classes) showed `--classes benign,malignant` for a network of the breast-cancer
    data its demo and Python examples use (`sd.as_teacher(net, classes=["malignant", "benign"])`), whose
    output 0 is malignant: copied, it named every prediction the other class. Run as the README writes it
    on such a teacher, the model's names agree with the data's."""
    pd = pytest.importorskip("pandas")
    import joblib
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from symdistill.cli import main

    command = re.search(r"`(symdistill distill --teacher net\.pt --data rows\.csv --classes (\S+) -o tree\.json)` "
                        r"prints `-> malignant`", _readme())
    assert command, "README no longer shows its --classes example"
    data = load_breast_cancer()
    net = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(data.data, data.target)
    monkeypatch.chdir(tmp_path)
    joblib.dump(net, "net.joblib")
    pd.DataFrame(data.data, columns=[f"f{j}" for j in range(30)]).to_csv("rows.csv", index=False)
    argv = command.group(1).replace("net.pt", "net.joblib").split()[1:] + ["--max-size", "4"]
    assert main(argv) == 0
    tree = sd.load("tree.json")
    names = data.target_names[net.predict(data.data)]
    assert float(np.mean(tree.predict(pd.read_csv("rows.csv")) == names)) > 0.9


def test_every_option_of_every_public_function_is_in_the_readme():
    """README documents every user-facing behaviour: sd.verify's search_budget, sd.refine's
    queries_per_artefact and X_eval, sd.report's verification and sd.robust's features were named nowhere
    in it. Each keyword (an argument with a default) of each function of sd.__all__ is named, as `name=`
    or `name`."""
    import inspect

    text = README.read_text(encoding="utf-8")
    missing = [f"sd.{name}({p.name}=)" for name in sd.__all__ if inspect.isfunction(getattr(sd, name))
               for p in inspect.signature(getattr(sd, name)).parameters.values()
               if p.default is not p.empty and not re.search(r"(?<!\w)" + re.escape(p.name) + r"(=|`)", text)]
    assert not missing, f"options the README does not name: {missing}"


def test_a_frontier_of_concept_rules_labels_its_query_pool_once():
    """README (The frontier): 'one caching wrapper of the teacher, so the shared query pool is labelled
    once'. With layer= (concept rules) and float32 rows, each point's held-out score asked the teacher
    about the rows as given (float32) while the fits ask float64 rows, which started the shared cache
    over: every fit after the first asked the whole pool again (new 5,304 of 5,064 queries, 3x the teacher's
    work for 3 sizes). Later fits now ask only their determinism check's rows, the scores unchanged."""
    torch = pytest.importorskip("torch")
    from collections import OrderedDict

    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (300, 3)).astype(np.float32)
    torch.manual_seed(0)
    net = torch.nn.Sequential(OrderedDict([("hidden", torch.nn.Linear(3, 8)), ("relu", torch.nn.ReLU()),
                                           ("concepts", torch.nn.Linear(8, 2)), ("sigmoid", torch.nn.Sigmoid()),
                                           ("out", torch.nn.Linear(2, 2))]))
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    xt, yt = torch.as_tensor(X), torch.as_tensor((X[:, 0] > 0.5).astype(np.int64))
    for _ in range(60):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(xt), yt).backward()
        opt.step()
    net.eval()
    front = sd.frontier(net, X, forms=["rules"], sizes=[2, 4, 8], layer="concepts", n_samples=1000,
                        progress=False)
    first, *later = front.points
    assert len(set(first.model.classes)) == 2 and 0.5 < first.fidelity < 1, front.table()
    assert [p.n_new_queries for p in later] == [64, 64], front.table()  # the determinism check's 32 rows, twice
    assert front.teacher.n_queries == sum(p.n_new_queries for p in front.points)
    for p in front.points:
        assert p.score == sd.fidelity(p.model, net, front.X_holdout, progress=False)  # as the rows score it


def test_a_callable_that_fails_on_a_text_column_is_told_which_column(tmp_path, monkeypatch, capsys):
    """README (Callables): a function meeting text where it computes with numbers is told the column. MAGIC's
    rows given to `symdistill distill --teacher module:f` with their class column ('g', 'h') left in failed
    with NumPy's "could not convert string to float: 'g'" alone, naming neither the column nor --drop."""
    pd = pytest.importorskip("pandas")
    from symdistill.cli import main

    (tmp_path / "magic_teacher.py").write_text(
        "import numpy as np\n\ndef f(X):\n    return np.where(np.asarray(X, dtype=float)[:, 0] > 50, 'g', 'h')\n")
    rng = np.random.default_rng(0)
    rows = pd.DataFrame({"fLength": rng.uniform(10, 100, 200).round(4), "fWidth": rng.uniform(0, 50, 200).round(4)})
    rows.assign(cls=np.where(rows["fLength"] > 50, "g", "h")).to_csv(tmp_path / "magic.csv", index=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["distill", "--teacher", "magic_teacher:f", "--data", "magic.csv", "-o", "m.json"]) == 2
    err = capsys.readouterr().err
    assert "could not convert string to float" in err and "is in column 'cls', which holds text" in err, err
    assert "--drop" in err
    assert main(["distill", "--teacher", "magic_teacher:f", "--data", "magic.csv", "--drop", "cls", "-o", "m.json"]) == 0
    with pytest.raises(sd.TeacherError, match=r"is in column 'cls', which holds text where the function computes"):
        sd.distill(lambda X: np.asarray(X, dtype=float)[:, 0] > 50, rows.assign(cls="g"), progress=False)


def test_every_learner_option_is_in_the_readme():
    """README (Quick start) names the learners behind form= and distill_automaton, whose options sd.distill and
    the command's --option take: LinearLearner's validation_fraction and clip, and AutomatonLearner's
    lstar_states, walks_per_transition and max_refinements were named nowhere, nor the linear form's n_samples
    default (20,000, not the tree's ten times the rows)."""
    from symdistill.learners import DecompositionalRuleLearner, LinearLearner, RuleLearner, TreeLearner
    from symdistill.learners.automata import AutomatonLearner

    text = README.read_text(encoding="utf-8")
    missing = [f"{learner.__name__}({name}=)" for learner in (TreeLearner, RuleLearner, LinearLearner,
                                                             DecompositionalRuleLearner, AutomatonLearner)
               for name in learner().get_params() if not re.search(r"(?<!\w)" + name + r"(=|`)", text)]
    assert not missing, f"learner options the README does not name: {missing}"
    assert LinearLearner().n_samples == 20_000 and "on `n_samples` rows in all (default 20,000" in _readme()
    assert (LinearLearner().validation_fraction, LinearLearner().clip) == (0.25, 1e-4)
    assert "`validation_fraction=0.25`" in text and "`clip=1e-4`" in text
    auto = AutomatonLearner()
    assert (auto.walks_per_transition, auto.max_refinements, auto.lstar_states) == (4, 200, 64)


def test_the_answer_cache_keeps_rows_of_every_kind_asked():
    """README (The answer cache): the backend is asked about each distinct row once, 'in one call as across
    calls'. The cache keyed rows of one kind (dtype and width, or a DataFrame's columns) and started over on
    another: the same 100 float64 rows asked again after their float32 copies were asked again (300 rows
    answered), as was a concept-rules frontier's whole query pool. Each kind's rows are now kept aside."""
    pd = pytest.importorskip("pandas")
    t = sd.as_teacher(lambda X: (np.asarray(X, dtype=float)[:, 0] > 0.5).astype(int), cache=True)
    X = np.random.default_rng(0).uniform(0, 1, (100, 2))
    frame = pd.DataFrame(X, columns=["a", "b"])
    asked = []
    for rows in (X, X, X.astype(np.float32), X, frame, X, X.astype(np.float32), frame):
        labels = t.predict(rows)
        assert labels.tolist() == (X[:, 0] > 0.5).astype(int).tolist()
        asked.append(t.n_queries)
    assert asked == [100, 100, 200, 200, 300, 300, 300, 300]  # each kind once: a float32 row is another row
    small = sd.as_teacher(lambda X: np.asarray(X, dtype=float)[:, 0] > 0.5, cache=True, cache_size=150)
    small.predict(X)
    small.predict(X.astype(np.float32))  # 200 rows held of 150: the least recently asked go, of either kind
    assert len(small._cache) <= 150
    small.predict(X.astype(np.float32))
    assert small.n_queries == 200


def test_distill_automaton_takes_every_option_of_its_learner(tmp_path, monkeypatch, capsys):
    """README (Quick start): the estimator behind sd.distill_automaton is AutomatonLearner, as the learners are
    behind sd.distill, which takes each of their options. sd.distill_automaton refused three of its learner's
    (lstar_states=4: "unknown option 'lstar_states'; did you mean 'max_states'?"), and so did
    `symdistill automaton --option`; it now takes them, with the learner's defaults (the same automata)."""
    from symdistill.cli import main
    from symdistill.learners.automata import AutomatonLearner
    from symdistill.teachers.sequence import as_sequence_teacher

    def teacher(words):
        return [w.count("1") % 3 == 0 for w in words]

    options = {"lstar_states": 2, "walks_per_transition": 1, "max_refinements": 5}
    got = sd.distill_automaton(teacher, "01", random_state=0, progress=False, **options)
    learnt = AutomatonLearner(random_state=0, progress=False, **options).fit(as_sequence_teacher(teacher, "01")).model_
    assert got == learnt and got.size == 3
    assert sd.distill_automaton(teacher, "01", random_state=0, progress=False) == \
        AutomatonLearner(random_state=0, progress=False).fit(as_sequence_teacher(teacher, "01")).model_
    (tmp_path / "count_module.py").write_text("def f(words):\n    return [w.count('1') % 3 == 0 for w in words]\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["automaton", "--teacher", "count_module:f", "--alphabet", "0,1", "--option", "max_refinements=500",
                 "-o", "dfa.json"]) == 0, capsys.readouterr().err
    assert sd.load("dfa.json").size == 3


def test_the_exit_statuses_are_those_the_readme_gives(tmp_path, monkeypatch, capsys):
    """README (Command-line basics) gave verify's exit statuses and Ctrl-C's 130 only: a script calling
    another command could not learn from the README what an error exits with. It exits 2, the error on one
    line of standard error; 0 when done."""
    from symdistill.cli import main

    assert "- **Exit status.** 0 when the command is done; 2 on an error, said in one line on standard error" \
        in README.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    X = np.random.default_rng(0).uniform(0, 1, (200, 2))
    sd.distill(lambda X: X[:, 0] > 0.5, X, max_size=2, random_state=0, progress=False).to_json("tree.json")
    assert main(["show", "tree.json"]) == 0
    capsys.readouterr()
    for argv in (["show", "missing.json"], ["export", "tree.json", "--to", "onnx"],
                 ["predict", "tree.json", "--data", "missing.csv"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith(f"symdistill {argv[0]}: error: "), err
    with pytest.raises(SystemExit) as usage:  # argparse's own: the usage, then the error
        main(["show"])
    assert usage.value.code == 2


def test_numbered_true_labels_against_named_classes_say_what_they_number(tmp_path, monkeypatch, capsys):
    """README (True labels): a network distilled with `--classes malignant,benign`, as the README's example
    does, evaluated with `--label y` of the data's own 0/1 target was refused as "none of the true labels
    ('0', '1', ...) is one of the model's classes ['malignant', 'benign']; give labels in the classes' terms",
    where the reverse case (names against unnamed classes) says how. It now says which class each number names
    in the classes' order; sd.accuracy alike."""
    pd = pytest.importorskip("pandas")
    from symdistill.cli import main

    X = np.random.default_rng(0).uniform(0, 1, (300, 2))
    net = sd.as_teacher(lambda X: np.stack([X[:, 0], 1 - X[:, 0]], axis=1), classes=["malignant", "benign"])
    tree = sd.distill(net, X, max_size=2, random_state=0, feature_names=["a", "b"], progress=False)
    y = (X[:, 0] < 0.5).astype(int)  # 1 (benign) where P(benign) = 1 - a is the larger
    with pytest.raises(sd.DataError, match=r"labels 0\.\.1 that count the classes in their order read 0 as "
                                           r"'malignant', 1 as 'benign'"):
        sd.accuracy(tree, X, y)
    assert float(sd.accuracy(tree, X, np.array(tree.classes)[y])) > 0.9  # as the hint maps them
    monkeypatch.chdir(tmp_path)
    tree.to_json("tree.json")
    pd.DataFrame(X, columns=["a", "b"]).assign(y=y).to_csv("holdout.csv", index=False)
    (tmp_path / "bc_net.py").write_text("import numpy as np\n\ndef f(X):\n    X = np.asarray(X, dtype=float)\n"
                                        "    return np.stack([X[:, 0], 1 - X[:, 0]], axis=1)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["evaluate", "tree.json", "--teacher", "bc_net:f", "--classes", "malignant,benign", "--data",
                 "holdout.csv", "--label", "y"]) == 2
    assert "read 0 as 'malignant', 1 as 'benign'" in capsys.readouterr().err
    with pytest.raises(sd.DataError) as other:  # numbers beyond the classes' count are not positions
        sd.accuracy(tree, X, y + 5)
    assert "count the classes" not in str(other.value)


@pytest.mark.parametrize("kind", ["polars", "pyarrow"])
def test_the_functions_the_readme_says_read_polars_and_pyarrow_do(kind):
    """README (pyarrow and polars) listed the functions that read such tables as their X.to_pandas() without
    sd.class_fidelity (added since) and sd.accuracy, which do; each listed one is held to it here, with the
    answers a pandas frame of the same rows gives."""
    pd = pytest.importorskip("pandas")
    lib = pytest.importorskip(kind)
    listed = re.search(r"`X\.to_pandas\(\)` \(by ([^)]*) alike\)", _readme()).group(1)
    assert {"class_fidelity", "accuracy"} <= set(re.findall(r"`(\w+)`", listed))
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.uniform(0, 1, 200), "c": rng.choice(["x", "y"], 200)})
    teacher = lambda R: np.where((R["a"] > 0.5) & (R["c"] == "x"), "yes", "no")  # noqa: E731
    tree = sd.distill(teacher, df, max_size=2, random_state=0, progress=False)
    table = lib.from_pandas(df) if kind == "polars" else lib.Table.from_pandas(df)
    assert str(sd.class_fidelity(tree, teacher, table, progress=False)) == \
        str(sd.class_fidelity(tree, teacher, df, progress=False))
    assert sd.accuracy(tree, table, teacher(df)) == sd.accuracy(tree, df, teacher(df))
