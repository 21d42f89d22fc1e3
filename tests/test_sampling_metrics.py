from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symdistill as sd
from symdistill.domain import Domain
from symdistill.metrics import wilson_interval
from symdistill.models import Box
from symdistill.sampling import RegionSampler


def mixed_data(n=500, seed=0):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.normal(size=n), rng.integers(0, 10, n), rng.integers(0, 2, n),
                            rng.uniform(5, 6, n)])


@settings(max_examples=30, deadline=None)
@given(st.floats(-2, 2), st.floats(0.1, 3), st.integers(0, 8), st.integers(0, 1000))
def test_samples_stay_in_box_and_keep_kinds(lo, width, ilo, seed):
    Z = mixed_data()
    dom = Domain.from_data(Z)
    s = RegionSampler(dom, Z, random_state=seed)
    box = Box.full(4)
    box.lo[0], box.hi[0] = lo, lo + width
    box.lo[1] = ilo - 0.5
    out = s.sample(box, 200)
    assert box.contains(out).all()
    assert np.all(out[:, 1] == np.round(out[:, 1])) and set(np.unique(out[:, 2])) <= {0.0, 1.0}
    assert (out >= dom.lower - 1e-12).all() or (out[:, 0] > lo).all()


def test_sampler_is_deterministic_and_follows_the_data():
    Z = mixed_data(2000)
    dom = Domain.from_data(Z)
    a = RegionSampler(dom, Z, random_state=3).sample(None, 1000)
    b = RegionSampler(dom, Z, random_state=3).sample(None, 1000)
    assert np.array_equal(a, b)
    assert abs(a[:, 0].mean() - Z[:, 0].mean()) < 0.15 and abs(a[:, 0].std() - Z[:, 0].std()) < 0.2


def test_sampler_finds_rows_for_an_empty_region():
    Z = mixed_data()
    box = Box.full(4)
    box.lo[0] = 10.0  # beyond every data row
    out = RegionSampler(Domain.from_data(Z), Z, random_state=0).sample(box, 50)
    assert len(out) == 50 and (out[:, 0] > 10.0).all()


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and 0.27 < hi < 0.28
    lo, hi = wilson_interval(50, 100)
    assert 0.40 < lo < 0.41 and 0.59 < hi < 0.60


def test_fidelity_and_accuracy_scores():
    X = np.linspace(0, 1, 200).reshape(-1, 1)
    tree = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0)
    fid = sd.fidelity(tree, lambda X: (X[:, 0] > 0.5).astype(int), X)
    assert fid.value == 1.0 and fid.low > 0.98 and fid.n == 200 and "fidelity" in str(fid)
    acc = sd.accuracy(tree, X, np.zeros(200, dtype=int))
    assert acc.value == pytest.approx(0.5)


def test_public_api_is_curated():
    expected = {"as_teacher", "distill", "fidelity", "load"}
    assert expected <= set(sd.__all__)
    for name in sd.__all__:
        assert hasattr(sd, name), name


def test_doctests_run():
    import doctest
    import importlib
    import pkgutil

    failures = 0
    for mod in pkgutil.walk_packages(sd.__path__, "symdistill."):
        if mod.name.endswith(("__main__", "cli")):
            continue
        module = importlib.import_module(mod.name)
        failures += doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed
    assert failures == 0
