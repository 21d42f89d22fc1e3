"""Determinism audit: the same random_state and rows give the same models, tables, reports and
counterexamples whatever the process's PYTHONHASHSEED (which orders sets and sets' strings), and
an argument whose order decides the outcome refuses a set rather than follow its hash order."""

from __future__ import annotations

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
DATA = """
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
    return re.sub(r"seconds=[0-9.e+-]+|\\| [0-9]+\\.[0-9]+ \\||[0-9.]+ (ms|s)\\b", "T", str(text))
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
