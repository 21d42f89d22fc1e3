"""Determinism audit: the same random_state and rows give the same models, tables, reports and
counterexamples whatever the process's PYTHONHASHSEED (which orders sets and sets' strings), and
an argument whose order decides the outcome refuses a set rather than follow its hash order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import symdistill as sd
from symdistill.shift import shifted_fidelity

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _under_hash_seeds(code: str, seeds: tuple[str, ...] = ("0", "12345")) -> list[str]:
    """``code``'s standard output in one process per hash seed."""
    outs = []
    for seed in seeds:
        env = {**os.environ, "PYTHONHASHSEED": seed, "OMP_NUM_THREADS": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, (SRC, os.environ.get("PYTHONPATH"))))}
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
        assert res.returncode == 0, res.stderr[-3000:]
        outs.append(res.stdout)
    return outs


# Rows of a 12-category string feature, a small one and numbers; a teacher of three string classes.
DATA = r"""
import json, re, warnings
import numpy as np, pandas as pd, symdistill as sd
warnings.simplefilter("ignore")
rng = np.random.default_rng(0)
CITIES = ["Paris", "Oslo", "Rome", "Bern", "Kyiv", "Lima", "Doha", "Baku", "Riga", "Sofia", "Quito", "Hanoi"]
df = pd.DataFrame({"city": rng.choice(CITIES, 500), "size": rng.choice(["small", "big"], 500),
                   "w": rng.normal(size=500).round(3), "v": rng.uniform(size=500).round(3)})
def label(d):
    d = pd.DataFrame(d)
    return np.where(d["city"].isin(["Rome", "Kyiv", "Doha", "Quito"]) & (d["w"] > 0), "alpha",
                    np.where((d["v"] > 0.6) | (d["size"] == "big") & (d["w"] < -1), "gamma", "delta"))
def value(d):
    d = pd.DataFrame(d)
    return 2 * d["w"] + 3.0 * d["city"].isin(["Rome", "Kyiv", "Riga"]) + (d["size"] == "big") * d["v"]
def plain(m):
    d = m.to_dict(); d.pop("meta")
    return json.dumps(d, sort_keys=True)
def timeless(text):
    # the text with its fit and run times (a table's seconds column, "0.7 ms") masked
    lines, col = [], None
    for line in str(text).splitlines():
        cells = line.split("|")
        names = [c.strip() for c in cells]
        if "seconds" in names:
            col = names.index("seconds")
        elif col is not None and line.startswith("|") and len(cells) > col:
            cells[col] = " T "
        elif not line.startswith("|"):
            col = None
        lines.append("|".join(cells))
    return re.sub(r"seconds=[0-9.e+-]+|\b[0-9.]+ (ms|s)\b", "T", "\n".join(lines))
"""


def test_ordered_arguments_refuse_a_set_the_same_in_every_process():
    """``forms``, ``constraints`` and ``shifts`` given as a set of strings followed the set's hash order,
    another in each process: sd.frontier(forms={"tree", "rules", "linear"}) fitted them in another
    order under PYTHONHASHSEED=0 than under 12345, so its table's rows moved and best(0.9), among
    models of one size and fidelity the one fitted first, was the rules in one process and the linear
    model in the other; the report's verification and shift tables, shifted_fidelity's rows and
    sd.refine's rounds moved with them. Each is now refused, naming the argument, alike in both."""
    code = DATA + """
def outcome(call):
    try:
        return call()
    except TypeError as exc:
        return "TypeError: " + str(exc)
f = lambda d: np.where(pd.DataFrame(d)["w"] > 0, "alpha", "delta")
front = sd.frontier(f, df, forms=["tree"], sizes=[2], progress=False, n_samples=500)
model = front.points[0].model
rules = ["w > 1 -> prediction == 'alpha'", "v < 0.1 -> prediction != 'delta'", "city == 'Oslo' -> prediction == 'delta'"]
def best_of_set():
    fr = sd.frontier(f, df, forms={"tree", "rules", "linear"}, sizes=[1, 2], progress=False, n_samples=500)
    return [p.form for p in fr.points], fr.best_point(0.9).form
print(outcome(best_of_set))
print(outcome(lambda: sd.frontier(f, df, forms=["tree"], sizes=[2], progress=False, n_samples=500,
                                  constraints=set(rules)).constraints))
print(outcome(lambda: timeless(sd.report(front, path=None, constraints=set(rules)).markdown)))
print(outcome(lambda: timeless(sd.report(front, path=None, shifts={"none", "noise", "marginal"}).markdown)))
from symdistill.shift import shifted_fidelity
print(outcome(lambda: [r.shift.label for r in shifted_fidelity(model, f, df, shifts={"none", "noise", "marginal"})]))
print(outcome(lambda: list(sd.refine(model, f, df, constraints=set(rules), max_rounds=1).meta["refinement"]["holds"])))
"""
    first, second = _under_hash_seeds(code)
    assert first == second
    assert first.count("TypeError: ") == 6


def test_forms_given_as_a_set_are_refused_naming_forms():
    X = np.random.default_rng(0).uniform(size=(200, 2))
    with pytest.raises(TypeError, match=r"forms must be a list, got a set, whose order changes from run to run "
                                        r".*pass a list: forms=\['rules', 'tree'\]"):
        sd.frontier(lambda X: X[:, 0] > 0.5, X, forms={"tree", "rules"}, sizes=[2], progress=False)


def test_constraints_and_shifts_given_as_sets_are_refused_naming_them():
    X = pd.DataFrame(np.random.default_rng(0).uniform(size=(300, 2)), columns=["a", "b"])
    net = lambda X: np.asarray(X)[:, 0] > 0.5  # noqa: E731
    front = sd.frontier(net, X, forms=["tree"], sizes=[2], progress=False, n_samples=400)
    model = front.points[0].model
    both = {"a > 0.9 -> prediction == true", "b < 0.1 -> prediction == false"}
    listed = r"pass a list: constraints=\['a > 0.9 -> prediction == true', 'b < 0.1 -> prediction == false'\]"
    with pytest.raises(TypeError, match=r"constraints must be a list, got a set, .*" + listed):
        sd.frontier(net, X, forms=["tree"], sizes=[2], progress=False, constraints=both)
    with pytest.raises(TypeError, match=r"constraints must be a list, got a frozenset, .*the report lists"):
        sd.report(front, path=None, constraints=frozenset(both))
    with pytest.raises(TypeError, match=r"constraints must be a list, got a set, .*" + listed):
        sd.refine(model, net, X, constraints=both, max_rounds=1)
    with pytest.raises(TypeError, match=r"shifts must be a list, got a set, .*pass a list: shifts=\['noise', 'none'\]"):
        sd.report(front, path=None, shifts={"none", "noise"})
    with pytest.raises(TypeError, match=r"shifts must be a list, got a set, .*shifts=\[\.\.\.\]"):
        shifted_fidelity(model, net, X, shifts={"none", ("noise", 0.3)})
    # lists and tuples, ordered, are taken as before
    assert [r.shift.label for r in shifted_fidelity(model, net, X, shifts=("none", "marginal"))] == \
        ["no shift", "marginals (dependencies broken)"]


def test_a_domain_built_of_sets_is_refused_alike_in_every_process():
    """sd.Feature(categories={'x', 'y', 'z'}) numbered its categories in the set's hash order: a tree
    fitted over that domain (TreeLearner().fit(..., domain=d)) came out with other codes, so another
    JSON, under PYTHONHASHSEED=0 than under 12345; sd.Domain({features}) ordered its features so (and
    held a set, which .features[0] could not index); sd.MooreMachine(..., classes={...}) its classes.
    Each is now refused, naming the argument, alike in both processes."""
    code = """
import symdistill as sd
def outcome(call):
    try:
        return call()
    except TypeError as exc:
        return "TypeError: " + str(exc)
print(outcome(lambda: sd.Feature("c", "categorical", categories={"x", "y", "z"}).categories))
print(outcome(lambda: sd.Domain({sd.Feature("a"), sd.Feature("b"), sd.Feature("c")}).feature_names))
print(outcome(lambda: sd.MooreMachine(["a", "b"], [[0, 1], [1, 0]], ["x", "y"], classes={"w", "x", "y", "z"}).classes))
"""
    first, second = _under_hash_seeds(code)
    assert first == second
    assert first.splitlines() == [
        "TypeError: feature 'c': categories must be a list, got a set, whose order changes from run to run (with "
        "the hash seed) and numbers the categories (their codes, and an ordered feature's order): pass a list: "
        "categories=['x', 'y', 'z']",
        "TypeError: features must be a list, got a set, whose order changes from run to run (with the hash seed) "
        "and is the columns' order: pass a list: features=[...]",
        "TypeError: classes must be a list, got a set, whose order changes from run to run (with the hash seed) "
        "and numbers the classes: pass a list: classes=['w', 'x', 'y', 'z']"]


def test_tabular_models_tables_reports_and_counterexamples_are_the_same_whatever_the_hash_seed():
    """The README's *Seed* promise, end to end on 12 city names, a second string feature and three
    string classes (and a regressor of them): every form's model (JSON without its meta), its
    printout and exports, the frontier's table and the report's Markdown (fit times aside), and the
    counterexamples of both backends to one constraint, byte for byte under PYTHONHASHSEED 0 and 12345."""
    code = DATA + """
out = []
for form in ("tree", "rules", "linear"):
    m = sd.distill(label, df, form=form, max_size=5, random_state=2, n_samples=800, progress=False)
    out += [plain(m), str(m), sd.export(m, "python"), sd.export(m, "c")]
    for backend in ("auto", "z3"):
        v = sd.verify(m, "city in {'Rome', 'Lima', 'Oslo'} and size == 'big' -> prediction != 'gamma'",
                      backend=backend)
        out.append(repr(v.counterexample))
    r = sd.distill(value, df, form=form, max_size=5, random_state=2, n_samples=800, task="regression",
                   progress=False)
    out += [plain(r), str(r)]
front = sd.frontier(label, df, sizes=[2, 4], n_samples=800, progress=False)
out += [repr([{k: v for k, v in row.items() if k != "seconds"} for row in front.table()]),
        timeless(sd.report(front, path=None).markdown)]
print(json.dumps(out))
"""
    first, second = _under_hash_seeds(code)
    assert first == second
    shown = json.loads(first)
    assert len(shown) == 3 * 8 + 2 and "alpha" in shown[1]
    assert sum("city in {'" in s or "city not in {'" in s for s in shown) >= 2  # models that split the 12 names
    assert sum("Counterexample(rows=" in s for s in shown) >= 2  # some constraint fails: a counterexample to compare


def test_decompositional_rules_and_automata_are_the_same_whatever_the_hash_seed():
    """Rules read off a torch network's hidden layers (three string classes), a DFA over symbols of two
    letters and a Moore machine of string labels, byte for byte under PYTHONHASHSEED 0 and 12345."""
    pytest.importorskip("torch")
    code = """
import json, numpy as np, torch, symdistill as sd
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.ReLU(), torch.nn.Linear(6, 3))
X = np.random.default_rng(1).normal(size=(300, 3)).astype(np.float32)
teacher = sd.as_teacher(net, classes=["north", "south", "east"])
out = []
for kw in ({"method": "decompositional"}, {"layer": "1"}):
    m = sd.distill(teacher, X, form="rules", max_size=4, random_state=0, progress=False, **kw)
    d = m.to_dict(); d.pop("meta"); out.append(json.dumps(d, sort_keys=True))
ALPHABET = ["ab", "cd", "ef", "gh"]
dfa = sd.distill_automaton(lambda ws: [("ab" in w) and w.count("cd") % 2 == 0 for w in ws], alphabet=ALPHABET,
                           max_states=10, random_state=0)
moore = sd.distill_automaton(lambda ws: [["zero", "one", "two"][sum(s in ("ab", "ef") for s in w) % 3] for w in ws],
                             alphabet=ALPHABET, max_states=10, random_state=0)
for a in (dfa, moore):
    d = a.to_dict(); d.pop("meta"); out += [json.dumps(d, sort_keys=True), str(a)]
print(json.dumps(out))
"""
    first, second = _under_hash_seeds(code)
    assert first == second
    shown = json.loads(first)
    assert len(shown) == 6 and "north" in shown[0] and "'two'" in shown[5]


def test_the_command_line_writes_the_model_sd_distill_fits_of_the_same_csv(tmp_path, monkeypatch):
    """``symdistill distill`` (--random-state default 0) and sd.distill(random_state=0) of the CSV read by
    pandas give one model, for every form, of string classes and of a regressor's values, over 12 city
    names."""
    from symdistill.cli import main

    rng = np.random.default_rng(0)
    cities = ["Paris", "Oslo", "Rome", "Bern", "Kyiv", "Lima", "Doha", "Baku", "Riga", "Sofia", "Quito", "Hanoi"]
    pd.DataFrame({"city": rng.choice(cities, 300), "w": rng.normal(size=300).round(4),
                  "k": rng.integers(0, 6, 300)}).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "det_teachers.py").write_text(
        "import numpy as np\n"
        "def label(d):\n"
        "    return np.where(d['city'].isin(['Rome', 'Kyiv', 'Doha']) & (d['w'] > 0), 'alpha',\n"
        "                    np.where(d['k'] > 3, 'gamma', 'delta'))\n"
        "def value(d):\n"
        "    return 2 * d['w'] + 3.0 * d['city'].isin(['Rome', 'Riga']) + 0.5 * d['k']\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import det_teachers

    rows = pd.read_csv(tmp_path / "rows.csv")
    for form in ("tree", "rules", "linear"):
        for name, task in (("label", []), ("value", ["--task", "regression"])):
            out = tmp_path / f"{name}_{form}.json"
            assert main(["distill", "--teacher", f"det_teachers:{name}", "--data", str(tmp_path / "rows.csv"),
                         "--form", form, "--max-size", "5", "--option", "n_samples=600", *task, "-o", str(out)]) == 0
            kw = {"task": "regression"} if task else {}
            model = sd.distill(getattr(det_teachers, name), rows, form=form, max_size=5, random_state=0,
                               n_samples=600, progress=False, **kw)
            written = sd.load(out).to_dict()
            ours = model.to_dict()
            written.pop("meta"), ours.pop("meta")
            assert json.dumps(written, sort_keys=True) == json.dumps(ours, sort_keys=True), (form, name)


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_a_regressor_s_models_are_the_same_from_an_array_a_dataframe_and_a_second_call(form):
    """Numeric rows as an array with feature_names, as a DataFrame (int64 and bool columns among them)
    and fitted twice in one process give one regression model (as the classification forms do)."""
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.normal(size=400), rng.integers(0, 7, 400), rng.integers(0, 2, 400)]).astype(float)
    frame = pd.DataFrame({"a": X[:, 0], "k": X[:, 1].astype(np.int64), "flag": X[:, 2].astype(bool)})

    def net(Z):
        Z = np.asarray(Z, dtype=float)
        return 2 * Z[:, 0] + np.sin(Z[:, 1]) - 3 * Z[:, 2]

    def plain(m):
        d = m.to_dict()
        d.pop("meta")
        for key in ("column_dtypes", "input_format", "array_dtype"):
            d["domain"].pop(key, None)
        return json.dumps(d, sort_keys=True)

    kw = dict(form=form, max_size=5, random_state=4, task="regression", n_samples=800, progress=False)
    first = plain(sd.distill(net, X, feature_names=["a", "k", "flag"], **kw))
    assert plain(sd.distill(net, X, feature_names=["a", "k", "flag"], **kw)) == first
    assert plain(sd.distill(net, frame, **kw)) == first


def test_a_torch_sequence_teachers_classes_given_as_a_set_are_refused():
    """as_sequence_teacher(net, classes={'red', 'green', 'blue'}) named the network's output columns in
    the set's hash order: the same untrained network's Moore machine answered 'blue' everywhere under
    PYTHONHASHSEED=0 and 'red' under 12345. It is refused, naming classes and the list to pass."""
    pytest.importorskip("torch")
    from test_automata_audit2 import _Net  # embedding / rnn / head of 3 output columns

    with pytest.raises(TypeError, match=r"classes must be a list, got a set, whose order changes from run to run "
                                        r"\(with the hash seed\) and names the network's output columns in that "
                                        r"order: pass a list: classes=\['blue', 'green', 'red'\]"):
        sd.as_sequence_teacher(_Net(3), alphabet="ab", classes={"red", "green", "blue"})
    assert sd.as_sequence_teacher(_Net(3), alphabet="ab", classes=("red", "green", "blue")).class_labels == \
        ["red", "green", "blue"]


def test_a_tabular_teachers_classes_given_as_a_set_are_refused():
    """sd.as_teacher(f, classes={'no', 'yes'}) was refused as 'got shape ()', which did not say what was
    wrong: a set is refused as the other ordered arguments are, naming classes and the list to pass."""
    f = lambda X: np.stack([1 - X[:, 0], X[:, 0]], axis=1)  # noqa: E731
    for given in ({"no", "yes"}, frozenset({"no", "yes"})):
        with pytest.raises(TypeError, match=r"classes must be a list, got a (frozen)?set, whose order changes .* "
                                            r"pass a list: classes=\['no', 'yes'\]"):
            sd.as_teacher(f, classes=given)
    assert sd.as_teacher(f, classes=["yes", "no"]).predict(np.array([[0.9]])).tolist() == ["no"]
