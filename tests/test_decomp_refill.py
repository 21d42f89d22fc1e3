"""Decompositional rule lists on many-class networks: the rule budget that polishing frees is used again."""

from __future__ import annotations

import warnings

import numpy as np

import symdistill as sd


def test_a_list_refills_the_budget_polishing_freed_while_rules_still_gain() -> None:
    """Polishing grows substituted fragments into regions and drops the rules the grown ones leave idle,
    and the list was returned that short: digits (10 classes, 32 hidden units), max_size=20, gave 19
    rules agreeing with the network on 0.846 of its rows, and 26-class letters 31 rules of 40 (0.544
    held-out fidelity), although the pool still held rules that gained. The freed budget is filled again
    from the pool (and polished): here 20 rules, 0.856."""
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the network stops before it converges: any network will do
        net = make_pipeline(StandardScaler(), MLPClassifier((32,), random_state=0, max_iter=100)).fit(X, y)
    labels = net.predict(X)
    rules = sd.distill(net, X, form="rules", method="decompositional", max_size=20, random_state=0,
                       n_samples=2000, progress=False)
    assert rules.size == 20
    assert float(np.mean(rules.predict(X) == labels)) > 0.85
