"""Checks every registered learner must pass, so a new learner is tested the day it registers."""

from __future__ import annotations

import re

import numpy as np
import pytest

import symdistill as sd
from symdistill.api import make_learner
from symdistill.learners import registered_learners

LEARNERS = sorted(registered_learners())


@pytest.fixture(scope="module")
def problem(torch_mlp, blobs):
    X_train, X_test, _, _ = blobs
    return torch_mlp, X_train[:600], X_test


@pytest.mark.parametrize("form, method", LEARNERS)
def test_fit_predict_size_round_trip_determinism(form, method, problem):
    net, X, X_test = problem
    kwargs = dict(form=form, method=method, max_size=4, random_state=0)
    model = sd.distill(net, X, **kwargs)
    pred = model.predict(X_test)
    assert pred.shape == (len(X_test),)
    assert set(np.unique(pred)) <= {0, 1}
    assert 1 <= model.size <= 4
    again = sd.load(model.to_json())
    assert (again.predict(X_test) == pred).all()
    assert again == model
    twin = sd.distill(net, X, **kwargs)
    assert twin.to_dict() == model.to_dict()
    assert str(model)
    assert float(sd.fidelity(model, net, X_test)) > 0.5


@pytest.mark.parametrize("form, method", LEARNERS)
def test_bad_max_size_is_rejected(form, method, problem):
    net, X, _ = problem
    with pytest.raises(ValueError, match="max_size"):
        sd.distill(net, X, form=form, method=method, max_size=0)


@pytest.mark.parametrize("form, method", LEARNERS)
def test_a_domain_that_is_no_domain_is_named(form, method, problem):
    """learner.fit(f, X, domain=d.to_dict()) said "AttributeError: 'dict' object has no attribute 'encode'"."""
    net, X, _ = problem
    learner = make_learner(form=form, method=method, max_size=4, random_state=0)
    d = sd.Domain.from_data(X)
    with pytest.raises(TypeError, match=r"domain must be a symdistill.Domain \(or None, to infer it from X\), got "
                                        r"dict: for the dict of Domain.to_dict\(\), pass Domain.from_dict\(d\)"):
        learner.fit(net, X, domain=d.to_dict())
    with pytest.raises(TypeError, match="domain must be a symdistill.Domain .*, got str$"):
        learner.check_fit(X, domain="x0")
    assert learner.fit(net, X, domain=sd.Domain.from_dict(d.to_dict())).model_.domain == d


def _asked_nothing(X):
    raise AssertionError("the teacher was asked before n_samples was checked")


@pytest.mark.parametrize("form, method", [learner for learner in LEARNERS if learner[1] == "pedagogical"])
def test_an_n_samples_that_cannot_fit_in_memory_is_refused_before_the_teacher_is_asked(form, method, monkeypatch):
    """TreeLearner(n_samples=10**9).fit(f, X) (and sd.distill(..., n_samples=10**9)) got the process killed for
    memory; a pool that cannot fit in the machine's memory is now refused naming n_samples, up front."""
    X = np.random.default_rng(0).uniform(size=(200, 3))
    with pytest.raises(ValueError, match=r"n_samples=1,000,000,000,000,000 cannot fit in memory: a pool of "
                                         r"1,000,000,000,000,000 rows x 3 features needs .* GiB at least \(160 "
                                         r"bytes a row\), over this machine's .* GiB: ask for fewer"):
        sd.distill(_asked_nothing, X, form=form, method=method, n_samples=10**15)
    # the machine's memory is what the pool is set against: 64 KiB holds 409 rows of 160 bytes
    import os
    pages = {"SC_PHYS_PAGES": 16, "SC_PAGE_SIZE": 4096}
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])
    learner = make_learner(form=form, method=method, n_samples=5000, random_state=0)
    with pytest.raises(ValueError, match=r"n_samples=5,000 cannot fit in memory: .* over this machine's 6.1e-05 GiB"):
        learner.fit(_asked_nothing, X)
    with pytest.raises(ValueError, match="n_samples=5,000 cannot fit in memory"):
        learner.check_fit(X)
    make_learner(form=form, method=method, n_samples=200, random_state=0).check_fit(X)  # the user's rows alone


def test_a_pool_over_a_container_s_memory_limit_is_refused_naming_the_limit(tmp_path, monkeypatch):
    """The check set a pool against the machine's physical memory only: in a container limited below it,
    n_samples that fit the machine but not the container got the process killed for memory."""
    from symdistill.learners import base

    X = np.random.default_rng(0).uniform(size=(200, 3))
    v2, v1 = tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"
    monkeypatch.setattr(base, "CGROUP_MEMORY_FILES", (str(v2), str(v1)))
    v2.write_text("65536\n")  # 64 KiB: 409 rows of 160 bytes
    with pytest.raises(ValueError, match=r"n_samples=5,000 cannot fit in memory: .* over this container's limit of "
                                         r"6.1e-05 GiB"):
        sd.distill(_asked_nothing, X, n_samples=5000)
    v2.write_text("max\n")  # cgroup v2 without a limit; v1's unlimited value is ~2**63
    v1.write_text("9223372036854771712\n")
    assert base.container_memory_limit() is None
    v1.write_text("65536\n")
    assert base.container_memory_limit() == 65536
    v1.unlink()
    v2.unlink()
    assert base.container_memory_limit() is None
    make_learner(form="tree", n_samples=5000, random_state=0).check_fit(X)


@pytest.mark.parametrize("form, option", [("tree", "min_node_samples"), ("rules", "min_rule_samples")])
def test_a_node_or_rule_top_up_that_cannot_fit_in_memory_is_refused(form, option, monkeypatch):
    """min_node_samples=10**9 (min_rule_samples for rules) tops a node up to that many rows: a MemoryError
    (or the process killed) after the teacher had answered; it is refused as n_samples is, naming it."""
    import os
    X = np.random.default_rng(0).uniform(size=(200, 3))
    pages = {"SC_PHYS_PAGES": 16, "SC_PAGE_SIZE": 4096}  # 64 KiB: 409 rows of 160 bytes
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])
    with pytest.raises(ValueError, match=rf"^{option}=5,000 cannot fit in memory: a pool of 5,000 rows x 3 features "
                                         r"needs .* GiB at least \(160 bytes a row\), over this machine's 6.1e-05 "
                                         r"GiB: ask for fewer$"):
        sd.distill(_asked_nothing, X, form=form, n_samples=0, **{option: 5000})


def test_unknown_form_and_method():
    X = np.zeros((5, 2))
    with pytest.raises(ValueError, match="unknown form 'forest'"):
        sd.distill(lambda X: X[:, 0] > 0, X, form="forest")
    with pytest.raises(ValueError, match="no method 'magic'"):
        sd.distill(lambda X: X[:, 0] > 0, X, form="tree", method="magic")


@pytest.mark.parametrize("form, option, owner", [("tree", "max_literals", "rules"), ("rules", "criterion", "tree"),
                                                 ("tree", "hinges", "linear"), ("linear", "min_rule_samples", "rules")])
def test_an_option_of_another_form_is_named_with_its_form(form, option, owner):
    """distill(f, X, max_literals=3), the form left at its default (a tree), said only "unknown option
    'max_literals'", not that it is the rules' option (form='rules')."""
    X = np.random.default_rng(0).uniform(size=(50, 2))
    with pytest.raises(TypeError, match=rf"unknown option '{option}'; it is an option of form='{owner}' \(options: "):
        sd.distill(lambda R: (R[:, 0] > 0.5).astype(int), X, form=form, **{option: 3})

@pytest.mark.parametrize("form, name, value", [
    ("rules", "min_gain", np.float32(0.01)), ("tree", "sampler_bandwidth", np.int64(1)),
    ("linear", "max_design_gib", np.int64(1)), ("linear", "validation_fraction", np.float32(0.25))])
def test_numpy_numbers_are_numbers_and_booleans_are_not(form, name, value):
    """min_gain=np.float32(0.01) was refused ('must be a number in [0, 1), got np.float32(0.01)'), as
    were NumPy integers for options taking any positive number; booleans stay refused."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    model = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, form=form, max_size=2, n_samples=400,
                       random_state=0, **{name: value})
    assert np.mean(model.predict(X) == (X[:, 0] > 0.5)) > 0.9
    for bad in (True, np.bool_(True)):
        with pytest.raises(ValueError, match=f"{name} must be"):
            make_learner(form=form, **{name: bad})


@pytest.mark.parametrize("form, name", [("linear", "interactions"), ("linear", "hinges"), ("tree", "check_determinism")])
def test_numpy_booleans_are_booleans(form, name):
    """hinges=np.True_ (an option read off an array, a grid of options) was refused: 'hinges must be True or
    False, got np.True_'; it now gives the model True gives, as the learners' other switches did."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    f = lambda X: (X[:, 0] > 0.5).astype(int)  # noqa: E731
    kwargs = dict(form=form, max_size=2, n_samples=400, random_state=0)
    assert sd.distill(f, X, **kwargs, **{name: np.True_}) == sd.distill(f, X, **kwargs, **{name: True})

@pytest.mark.parametrize("form, method, task", [(*learner, task) for learner in LEARNERS
                                                 for task in ("classification", "regression")
                                                 if task == "classification" or learner[1] != "decompositional"])
def test_predict_encoded_refuses_nan_and_infinite_rows_as_predict_does(form, method, task, problem):
    """predict refuses NaN and infinite values, but predict_encoded answered them: a NaN fails every
    test, so the row got the default rule's class or the leaf on the far side of every split. It now
    refuses them too, naming the row and the feature (as the exported Python module's predict_encoded
    refuses them); finite rows are answered as before."""
    net, X, X_test = problem
    teacher = net if task == "classification" else (lambda rows: rows[:, 0] * 2.0 + rows[:, 1])
    model = sd.distill(teacher, X, form=form, method=method, max_size=4, random_state=0, progress=False)
    Z = model.domain.encode(X_test[:20])
    np.testing.assert_array_equal(model.predict_encoded(Z), model.predict(X_test[:20]))
    for bad in (np.nan, np.inf, -np.inf):
        rows = Z.copy()
        rows[7, 2] = bad
        with pytest.raises(sd.DataError, match=rf"predict_encoded: row 7 has a non-finite value \({bad}\) for "
                                               r"feature 'x2'; fill or drop it first"):
            model.predict_encoded(rows)
        with pytest.raises(sd.DataError, match=r"column 'x2' has a non-finite value .* in row 7"):
            model.predict(rows)
        if task == "classification" and hasattr(model, "predict_proba_encoded"):
            with pytest.raises(sd.DataError, match="predict_proba_encoded: row 7 has a non-finite value"):
                model.predict_proba_encoded(rows)
    with pytest.raises(sd.DataError, match=r"predict_encoded expected encoded rows of shape \(n_rows, 3\), one column "
                                           r"per feature, got shape \(20, 4\)"):
        model.predict_encoded(np.hstack([Z, Z[:, :1]]))


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_predict_encoded_refuses_a_code_that_is_no_category(form):
    """predict_encoded answered a categorical code that names no category (99, -1, 2.5) as the
    comparisons happened to fall, where predict refuses an unknown label; it now names the row and the
    feature. Valid codes are answered as predict answers their labels."""
    rng = np.random.default_rng(0)
    colour = rng.choice(["red", "green", "blue"], 400)
    X = np.empty((400, 2), dtype=object)
    X[:, 0], X[:, 1] = rng.uniform(size=400), colour
    teacher = lambda rows: ((np.asarray(rows[:, 0], dtype=float) > 0.5) | (rows[:, 1] == "red")).astype(int)  # noqa: E731
    model = sd.distill(teacher, X, form=form, categorical=[1], max_size=4, random_state=0, progress=False)
    Z = model.domain.encode(X[:30])
    np.testing.assert_array_equal(model.predict_encoded(Z), model.predict(X[:30]))
    for code in (99.0, -1.0, 2.5, 3.0):
        rows = Z.copy()
        rows[5, 1] = code
        with pytest.raises(sd.DataError, match=rf"predict_encoded: row 5 has {code!r} for categorical feature 'x1', "
                                               r"which is no code of its 3 categories \(0\.\.2\)"):
            model.predict_encoded(rows)


@pytest.mark.parametrize("form, method", LEARNERS)
def test_a_bar_counts_the_rows_while_the_teacher_labels_them(form, method, problem, capsys):
    """Labelling the user's rows had no progress bar: on a table of a million rows a slow teacher
    answered batch after batch with nothing on the terminal before the learner's own bar. The bar
    counts the rows labelled where they take more than one batch; the model is the same."""
    net, X, _ = problem
    kwargs = dict(form=form, method=method, max_size=4, random_state=0)
    quiet = sd.distill(sd.as_teacher(net, batch_size=100), X, progress=False, **kwargs)
    assert capsys.readouterr().err == ""
    shown = sd.distill(sd.as_teacher(net, batch_size=100), X, progress=True, **kwargs)
    err = capsys.readouterr().err
    assert re.search(rf"labelling rows: .*/{len(X)} ", err), err
    assert shown.to_json() == quiet.to_json()


@pytest.mark.parametrize("form, method", LEARNERS)
def test_a_teacher_used_again_gives_the_same_model_and_counts_this_fits_queries(form, method, problem):
    """A Teacher object passed to a second distill made a model that differed from the first in its
    meta: ``n_queries`` was the teacher's running count (the first fit's queries too), so the same rows
    and seed saved a different model, and a frontier's models, all fitted through one shared teacher,
    each counted every fit before theirs. It counts the queries of this fit; the model is the same."""
    net, X, _ = problem
    kwargs = dict(form=form, method=method, max_size=4, random_state=0)
    fresh = sd.distill(net, X, **kwargs)
    teacher = sd.as_teacher(net)
    first = sd.distill(teacher, X, **kwargs)
    again = sd.distill(teacher, X, **kwargs)
    assert first.to_dict() == again.to_dict() == fresh.to_dict()
    assert 0 < again.meta["n_queries"] == teacher.n_queries // 2


@pytest.mark.parametrize("form, method", LEARNERS)
def test_the_same_rows_in_any_container_with_or_without_the_cache_give_the_same_model(form, method, problem):
    """As the README's *Seed* says: a float32 array, lists of rows or a DataFrame of the same values, and a
    teacher behind the answer cache, give the model of the float64 array (a DataFrame's also records its
    columns' dtypes and that it read a DataFrame)."""
    pd = pytest.importorskip("pandas")
    net, X, _ = problem
    X32 = X.astype(np.float32)
    X64 = X32.astype(np.float64)
    kwargs = dict(form=form, method=method, max_size=4, random_state=0, progress=False)

    def plain(model: sd.SymbolicModel) -> dict:
        d = model.to_dict()
        for key in ("column_dtypes", "input_format"):
            d["domain"].pop(key, None)
        return d

    base = plain(sd.distill(net, X64, **kwargs))
    frame = pd.DataFrame(X32, columns=[f"x{j}" for j in range(X.shape[1])])
    for rows in (X32, X64.tolist(), frame):
        assert plain(sd.distill(net, rows, **kwargs)) == base
    assert plain(sd.distill(sd.as_teacher(net, cache=True), X64, **kwargs)) == base


def test_the_same_seed_gives_the_same_models_whatever_the_hash_seed():
    """As the README's *Seed* says, byte for byte in two processes of different PYTHONHASHSEED (string
    hashing orders sets and some dicts), on rows of categories named by strings, for every form."""
    import os
    import subprocess
    import sys

    code = (
        "import numpy as np, pandas as pd, symdistill as sd\n"
        "rng = np.random.default_rng(0)\n"
        "df = pd.DataFrame({'colour': rng.choice(['red', 'green', 'blue', 'grey', 'teal'], 600),\n"
        "                   'shape': pd.Categorical(rng.choice(['disc', 'box', 'star'], 600)),\n"
        "                   'w': rng.normal(size=600), 'n': rng.integers(0, 9, 600)})\n"
        "f = lambda d: np.where(d['colour'].isin(['red', 'teal']) & (d['w'] > 0), 'yes',\n"
        "                       np.where(d['shape'] == 'star', 'maybe', 'no'))\n"
        "for form in ('tree', 'rules', 'linear'):\n"
        "    print(sd.distill(f, df, form=form, max_size=5, random_state=3, n_samples=1500,\n"
        "                     progress=False).to_json())\n"
    )
    outs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
        assert res.returncode == 0, res.stderr[-2000:]
        outs.append(res.stdout)
    assert outs[0] == outs[1] and outs[0].count('"format": "symdistill"') == 3


def _estimator_classes() -> list[type]:
    from symdistill.learners.automata import AutomatonLearner

    return [registered_learners()[key] for key in LEARNERS] + [AutomatonLearner]


@pytest.mark.parametrize("cls", _estimator_classes(), ids=lambda c: c.__name__)
def test_learners_have_the_scikit_learn_parameter_protocol(cls):
    """A learner had no get_params or set_params (sklearn.base.clone refused it: "does not implement a
    'get_params' method") and printed as <...TreeLearner object at 0x...>."""
    from sklearn.base import clone

    from symdistill.learners.base import option_defaults

    learner = cls(random_state=3, progress=False)
    params = learner.get_params()
    assert params == {**option_defaults(cls), "random_state": 3, "progress": False}
    assert repr(learner) == f"{cls.__name__}(random_state=3, progress=False)"
    assert repr(cls()) == f"{cls.__name__}()"
    twin = clone(learner)
    assert type(twin) is cls and twin is not learner and twin.get_params() == params
    assert learner.set_params(random_state=4) is learner and learner.random_state == 4
    with pytest.raises(ValueError, match=r"invalid parameter 'max_sise' for " + cls.__name__ + r"; valid parameters: \[.*'max_s"):
        learner.set_params(random_state=5, max_sise=3)
    assert learner.random_state == 4  # nothing set when one name is wrong


def test_a_cloned_learner_fits_as_the_original_and_is_unfitted():
    from sklearn.base import clone

    from symdistill.learners import TreeLearner

    X = np.random.default_rng(0).uniform(size=(300, 2))
    f = lambda X: (X[:, 0] > 0.5).astype(int)  # noqa: E731
    learner = TreeLearner(max_size=3, n_samples=1000, random_state=0, progress=False).fit(f, X)
    twin = clone(learner)
    assert not hasattr(twin, "model_")
    assert twin.fit(f, X).model_ == learner.model_
    assert twin.set_params(max_size=0) is twin
    with pytest.raises(ValueError, match="max_size must be a positive integer, got 0"):
        twin.fit(f, X)
