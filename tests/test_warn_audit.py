"""symdistill's warnings name the user's line that called into the library.

Each warning was raised with a fixed ``stacklevel`` (or none), counted from wherever it was raised: most
named a file of symdistill's (``symdistill/teachers/base.py:830``), so the user could not see which of
their lines drew it, and Python's default once-per-location filter then hid the same warning drawn again
from another of their lines. A warning now names the first frame outside the package: here, the lambda on
the test's line that made the call.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main

X = np.random.default_rng(0).uniform(size=(200, 3))


def good(X: Any) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > 0.5) & (X[:, 1] > 0.3)).astype(int)


def _names_the_line(call: Callable[[], Any], fragment: str) -> None:
    """``call``, a lambda written on one line of this file, draws a warning holding ``fragment``, and every
    such warning names that line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    hits = [w for w in caught if fragment in str(w.message)]
    assert hits, [str(w.message) for w in caught]
    assert [(w.filename, w.lineno) for w in hits] == [(__file__, call.__code__.co_firstlineno)] * len(hits)


def _salary(X: Any) -> np.ndarray:
    return np.where(good(X) == 1, ">50K", "<=50K")


@pytest.fixture(scope="module")
def salary_tree() -> Any:
    return sd.distill(_salary, X, max_size=4, random_state=0, n_samples=400)


def _dotted() -> np.ndarray:
    """adult.test's labels: '>50K.' where the model's class is '>50K'."""
    y = _salary(X)
    return np.where(y == ">50K", ">50K.", y)


def test_answers_in_0_1_read_as_values() -> None:
    sigmoid = lambda X: 1 / (1 + np.exp(-(X[:, 0] - 0.5)))  # noqa: E731
    _names_the_line(lambda: sd.distill(sigmoid, X, max_size=4, random_state=0, n_samples=400), "all between 0 and 1")
    _names_the_line(lambda: sd.as_teacher(sigmoid).predict(X), "all between 0 and 1")


def _counts(X: Any) -> np.ndarray:
    return np.floor(np.asarray(X, dtype=float)[:, 0] * 20).astype(int)


def test_whole_numbers_read_as_classes() -> None:
    _names_the_line(lambda: sd.as_teacher(_counts).predict(X), "answers whole numbers, read as")
    _names_the_line(lambda: sd.distill(_counts, X, max_size=4, random_state=0, n_samples=400), "whole numbers, read as")


def test_scikit_learn_column_warnings() -> None:
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    df = pd.DataFrame(X, columns=["a", "b", "c"])  # the pipeline selects its columns by name: Salary is not read
    clf = make_pipeline(make_column_transformer(("passthrough", ["a", "b", "c"])), LogisticRegression()).fit(df, good(X))
    _names_the_line(lambda: sd.as_teacher(clf).predict(df.assign(Salary=good(X))), "was fitted without 1 column")
    rows = np.column_stack([np.arange(200) % 6, X[:, 0]])
    hist = HistGradientBoostingClassifier(categorical_features=[0], max_iter=5).fit(rows, rows[:, 0] > 2)
    _names_the_line(lambda: sd.distill(hist, rows, max_size=4, random_state=0, n_samples=300), "numbers as categories")


def test_linear_n_knots_without_hinges() -> None:
    f = sd.as_teacher(lambda X: X[:, 0] + np.maximum(X[:, 1] - 0.5, 0), task="regression")
    _names_the_line(lambda: sd.distill(f, X, form="linear", max_size=3, n_knots=10, random_state=0),
                    "places hinge knots, and there are none without hinges=True")


def test_automaton_learner_warnings() -> None:
    from symdistill.learners.automata import AutomatonLearner

    mod5 = lambda ws: [w.count("1") % 5 == 0 for w in ws]  # noqa: E731
    _names_the_line(lambda: sd.distill_automaton(mod5, alphabet="01", max_states=2, random_state=0), "stopped by")
    teacher = sd.as_sequence_teacher(mod5, alphabet="01")
    _names_the_line(lambda: AutomatonLearner(max_states=2, random_state=0).fit(teacher), "stopped by max_states")


def test_report_warnings() -> None:
    """sd.report raises its warnings one call deep, where its fixed stacklevel named this line already."""
    front = sd.frontier(good, X, forms=["tree"], sizes=[2], n_samples=300, random_state=0, progress=False)
    _names_the_line(lambda: sd.report(front, path=None, min_fidelity=1.0, conservative=True), "No model reaches")


def test_accuracy_of_labels_none_of_the_classes(salary_tree: Any, tmp_path: Any, monkeypatch: Any) -> None:
    pd = pytest.importorskip("pandas")
    _names_the_line(lambda: sd.accuracy(salary_tree, X, _dotted()), "true labels are none of the model's classes")
    (tmp_path / "m.json").write_text(salary_tree.to_json())
    pd.DataFrame(X, columns=salary_tree.feature_names).assign(label=_dotted()).to_csv(tmp_path / "rows.csv", index=False)
    monkeypatch.chdir(tmp_path)
    argv = ["evaluate", "m.json", "--teacher", "m.json", "--data", "rows.csv", "--label", "label"]
    _names_the_line(lambda: main(argv), "true labels are none")  # the command line's evaluate


def test_sequence_teacher_answers_changed() -> None:
    limit = [2]
    teacher = sd.as_sequence_teacher(lambda ws: [w.count("1") < limit[0] for w in ws], alphabet="01")
    sd.distill_automaton(teacher, random_state=0)
    limit[0] = 3
    _names_the_line(lambda: sd.distill_automaton(teacher, random_state=0), "the cached answers are forgotten")


def test_teacher_cache_answers_changed() -> None:
    from sklearn.tree import DecisionTreeClassifier

    clf = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, X[:, 0] > 0.5)
    t = sd.as_teacher(clf, cache=True)
    sd.distill(t, X, max_size=4, random_state=0, progress=False)
    clf.fit(X, X[:, 1] > 0.5)
    _names_the_line(lambda: sd.distill(t, X, max_size=4, random_state=0, progress=False), "otherwise than its cache")


def test_activations_hidden_layer_warning() -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.ReLU(), torch.nn.LayerNorm(6), torch.nn.Linear(6, 2))
    _names_the_line(lambda: sd.distill(net, X, form="rules", method="decompositional", max_size=4, random_state=0),
                    "hidden layers are read where a Linear is followed by an activation")


def test_sequence_module_with_other_submodules() -> None:
    torch = pytest.importorskip("torch")

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = torch.nn.Embedding(2, 4)
            self.rnn = torch.nn.GRU(4, 4, batch_first=True)
            self.norm = torch.nn.LayerNorm(4)
            self.head = torch.nn.Linear(4, 1)

    net = Net()
    _names_the_line(lambda: sd.as_sequence_teacher(net, alphabet="01"), "besides embedding, rnn and head")
    _names_the_line(lambda: sd.distill_automaton(net, alphabet="01", max_states=2, random_state=0), "besides embedding")


def test_command_line_warning_names_the_line_that_called_main(tmp_path: Any, monkeypatch: Any) -> None:
    (tmp_path / "rule_for_warn.py").write_text("import numpy as np\n\n\ndef rule(X):\n"
                                               "    return (np.asarray(X, dtype=float)[:, 0] > 2).astype(int)\n")
    (tmp_path / "bare.csv").write_text("".join(f"{i % 7}.5,{(3 * i) % 5}.25\n" for i in range(40)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    _names_the_line(lambda: main(["distill", "--teacher", "rule_for_warn:rule", "--data", "bare.csv", "-o", "m.json"]),
                    "names columns with numbers")


def test_a_warning_in_a_worker_thread_names_the_line_the_thread_ran() -> None:
    with ThreadPoolExecutor(2) as pool:
        _names_the_line(lambda: pool.submit(lambda: sd.as_teacher(_counts).predict(X)).result(), "read as 20 classes")


def test_the_same_warning_from_two_lines_is_shown_twice_under_the_default_filter() -> None:
    """Python shows a warning once per location by default: named inside symdistill, the second line's went
    unshown. The registry still holds: a loop at one line shows it once."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        sd.as_teacher(_counts).predict(X)
        sd.as_teacher(_counts).predict(X)
        for _ in range(3):
            sd.as_teacher(_counts).predict(X)
    lines = [w.lineno for w in caught if "read as 20 classes" in str(w.message)]
    assert [w.filename for w in caught] == [__file__] * 3
    assert lines[1:] == [lines[0] + 1, lines[0] + 3]


def test_a_filter_by_module_matches_the_callers_module() -> None:
    """The warning takes the module (and registry) of the line it names, as ``warnings.warn`` would there."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "callable _counts answers whole numbers", UserWarning, module=__name__)
        with pytest.raises(UserWarning, match="read as 20 classes"):
            sd.as_teacher(_counts).predict(X)


def test_a_warning_under_python_dash_c_names_its_line_and_prints_as_python_prints_it() -> None:
    """A script given to ``python -c`` has a loader that cannot read its source: the warning still prints,
    Python's way, naming the line of the script ('<string>:3')."""
    script = ("import numpy as np, symdistill as sd\n"
              "X = np.random.default_rng(0).uniform(size=(50, 2))\n"
              "sd.as_teacher(lambda X: np.floor(X[:, 0] * 20).astype(int)).predict(X)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("<string>:3: SymdistillWarning: callable <lambda> answers whole numbers, read as 20 "
                                  "classes (0 to 19)"), done.stderr


def test_symdistills_warnings_are_a_category_of_their_own_that_a_filter_silences():
    # A filter by module no longer names symdistill (its warnings carry the caller's module): the
    # category is how a user silences symdistill's warnings and no one else's.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sd.distill(lambda X: X[:, 0], X, form="tree", max_size=2, random_state=0)
    ours = [w for w in caught if "between 0 and 1" in str(w.message)]
    assert ours and all(w.category is sd.SymdistillWarning for w in ours)
    assert issubclass(sd.SymdistillWarning, UserWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=sd.SymdistillWarning)
        sd.distill(lambda X: X[:, 0], X, form="tree", max_size=2, random_state=0)
        warnings.warn("a user's own", UserWarning)
    assert [str(w.message) for w in caught] == ["a user's own"]


def _knots_warnings(action: str, blocks: int = 1, per_block: int = 3) -> int:
    """How many times a learner's warning (n_knots without hinges) shows when one line fits ``per_block``
    times in each of ``blocks`` of the user's ``catch_warnings`` blocks, under the filter ``action``."""
    count = 0
    for _ in range(blocks):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter(action)
            for _ in range(per_block):
                sd.distill(good, X, form="linear", max_size=2, n_knots=5, random_state=0)
        count += sum("places hinge knots" in str(w.message) for w in caught)
    return count


def test_a_learners_warning_drawn_by_one_line_in_a_loop_shows_once_under_the_default_filter() -> None:
    """Fitting runs catch_warnings blocks (around LARS, scikit-learn's own), each emptying Python's
    once-per-location registry: the same warning from the same line showed at every pass of the loop."""
    assert _knots_warnings("default") == 1
    assert _knots_warnings("module") == 1
    assert _knots_warnings("once") == 1


def test_the_users_own_filters_still_decide_how_often_a_warning_shows() -> None:
    assert _knots_warnings("always") == 3
    assert _knots_warnings("default", blocks=2) == 2  # a new catch_warnings block shows it again, as Python does
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(sd.SymdistillWarning, match="places hinge knots"):
            sd.distill(good, X, form="linear", max_size=2, n_knots=5, random_state=0)
