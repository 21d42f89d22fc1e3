"""``symdistill demo``: train a small torch network on scikit-learn's breast-cancer data and distill it.

Everything is offline: the data ships with scikit-learn, the network trains in a few seconds.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from ._errors import require_extra

if TYPE_CHECKING:
    import torch

    from .teachers import Teacher


def _require_torch() -> Any:
    return require_extra("torch", "the demo trains a torch network", "torch")


def train_mlp(X: np.ndarray, y: np.ndarray, *, hidden: tuple[int, ...] = (64, 32), epochs: int = 300,
              lr: float = 1e-2, seed: int = 0, regression: bool = False) -> torch.nn.Module:
    """The BENCHMARKS.md teacher recipe: standardise, ReLU MLP, Adam, full-batch epochs.

    The standardisation is a fixed first layer, so the network takes raw feature values. ``seed``
    decides the initialisation; torch's global random state is restored afterwards.
    """
    torch = _require_torch()
    with torch.random.fork_rng(devices=[]):  # seeded here; the caller's torch RNG stream is left as it was
        torch.manual_seed(seed)
        k = 1 if regression else int(y.max()) + 1
        layers: list[torch.nn.Module] = []
        width = X.shape[1]
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
            width = h
        layers.append(torch.nn.Linear(width, k))
        # The standardisation is made after the trained layers so their initialisation follows the recipe.
        mean, std = X.mean(axis=0), X.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        scale = torch.nn.Linear(X.shape[1], X.shape[1])
        with torch.no_grad():
            scale.weight.copy_(torch.diag(torch.tensor(1.0 / std, dtype=torch.float32)))
            scale.bias.copy_(torch.tensor(-mean / std, dtype=torch.float32))
        scale.requires_grad_(False)
        layers.insert(0, scale)
        net = torch.nn.Sequential(*layers)
        opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=lr, weight_decay=1e-4)
        xt = torch.tensor(X, dtype=torch.float32)
        yt = torch.tensor(y, dtype=torch.float32 if regression else torch.long)
        loss_fn = torch.nn.MSELoss() if regression else torch.nn.CrossEntropyLoss()
        for _ in range(epochs):
            opt.zero_grad()
            out = net(xt)
            loss = loss_fn(out[:, 0], yt) if regression else loss_fn(out, yt)
            loss.backward()
            opt.step()
        return net.eval()


def run_demo(max_size: int = 16, random_state: int = 0) -> None:
    _require_torch()  # before anything is printed or imported: without torch the demo is one error line
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier

    import symdistill as sd

    data = load_breast_cancer()
    names = [n.replace(" ", "_") for n in data.feature_names]
    X_train, X_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.3,
                                                        random_state=0, stratify=data.target)
    print("training a 64-32 ReLU network on scikit-learn's breast-cancer data ...")
    net = train_mlp(X_train, y_train, seed=random_state)
    teacher = sd.as_teacher(net, classes=list(data.target_names))
    print(f"network test accuracy: {float(sd.accuracy(_Labels(teacher), X_test, data.target_names[y_test])):.3f}")

    t0 = time.perf_counter()
    tree = sd.distill(teacher, X_train, form="tree", max_size=max_size, random_state=random_state,
                      feature_names=names)
    seconds = time.perf_counter() - t0
    print(f"\ndistilled in {seconds:.1f} s with {teacher.n_queries} teacher queries:\n")
    print(tree)
    fid = sd.fidelity(tree, teacher, X_test)
    cart = DecisionTreeClassifier(max_leaf_nodes=max_size, random_state=0).fit(X_train, teacher.predict(X_train))
    cart_fid = float(np.mean(cart.predict(X_test) == teacher.predict(X_test)))
    print(f"\nfidelity to the network on held-out rows: {fid}")
    print(f"CART with {max_size} leaves on the network's labels: fidelity {cart_fid:.4f}")
    again = sd.load(tree.to_json())
    assert (again.predict(X_test) == tree.predict(X_test)).all()
    print("JSON round trip: identical predictions")


class _Labels:
    """Adapter so ``sd.accuracy`` can score the teacher itself."""

    task = "classification"

    def __init__(self, teacher: Teacher) -> None:
        self.teacher = teacher

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.teacher.predict(X)
