"""The tabular benchmark suite of BENCHMARKS.md: data sets, split and teacher recipe, in one place.

Every benchmark imports this module so that all figures are measured on the same teachers and splits.
Real data sets are read from ``../shared/data`` (never copied into the repository); a data set whose
file is missing is skipped with a message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DATA_DIR = Path(os.environ.get("SYMDISTILL_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
NAMES = ("xor", "breast_cancer", "synth20", "magic", "letters", "adult")


@dataclass
class Task:
    name: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]
    net: object = None

    def teacher_labels(self, X: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            return self.net(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()


def load_xy(name: str) -> tuple[np.ndarray, np.ndarray, list[str]] | None:
    """Rows, labels and feature names of a suite data set, or None when its file is missing."""
    if name == "xor":
        X = np.random.default_rng(0).uniform(0, 1, (4000, 10))
        y = (np.round(X[:, 0]) != np.round(X[:, 1])).astype(int)
        return X, y, [f"x{i}" for i in range(10)]
    if name == "breast_cancer":
        from sklearn.datasets import load_breast_cancer

        d = load_breast_cancer()
        return d.data, d.target, [n.replace(" ", "_") for n in d.feature_names]
    if name == "synth20":
        from sklearn.datasets import make_classification

        X, y = make_classification(n_samples=20000, n_features=20, n_informative=8, n_redundant=4,
                                   n_clusters_per_class=3, flip_y=0.01, class_sep=0.8, random_state=0)
        return X, y, [f"f{i}" for i in range(20)]
    import pandas as pd

    if name == "magic":
        path = DATA_DIR / "magic04.data"
        if not path.is_file():
            return None
        df = pd.read_csv(path, header=None)
        names = ["fLength", "fWidth", "fSize", "fConc", "fConc1", "fAsym", "fM3Long", "fM3Trans", "fAlpha", "fDist"]
        return df.iloc[:, :10].to_numpy(float), (df.iloc[:, 10] == "g").to_numpy(int), names
    if name == "letters":
        path = DATA_DIR / "letter-recognition.data"
        if not path.is_file():
            return None
        df = pd.read_csv(path)
        y = df.iloc[:, 0].astype(str).map(lambda s: ord(s) - ord("A")).to_numpy(int)
        names = ["x-box", "y-box", "width", "high", "onpix", "x-bar", "y-bar", "x2bar", "y2bar", "xybar",
                 "x2ybr", "xy2br", "x-ege", "xegvy", "y-ege", "yegvx"]  # the UCI attribute names
        return df.iloc[:, 1:].to_numpy(float), y, names
    if name == "adult":
        path = DATA_DIR / "adult.data"
        if not path.is_file():
            return None
        df = pd.read_csv(path, skipinitialspace=True)
        y = (df["Salary"].astype(str).str.strip() == ">50K").to_numpy(int)
        Xdf = pd.get_dummies(df.drop(columns=["Salary"]), dtype=float)
        return Xdf.to_numpy(float), y, [str(c).replace(" ", "_") for c in Xdf.columns]
    raise ValueError(f"unknown data set {name!r}; expected one of {NAMES}")


_CACHE: dict[tuple[str, int], Task] = {}


def load_task(name: str, train_teacher: bool = True, split: int = 0) -> Task | None:
    """Split 70/30 (stratified, seed 0) and train the BENCHMARKS.md teacher on the training rows.

    ``split`` > 0 draws another split (and teacher initialisation) with that seed, for benchmarks that
    check whether a gap on the suite's split holds on others; 0 is the suite's split and teacher.
    """
    if (name, split) in _CACHE:
        return _CACHE[(name, split)]
    data = load_xy(name)
    if data is None:
        print(f"[suite] {name}: data file not found under {DATA_DIR}; skipped")
        return None
    from sklearn.model_selection import train_test_split

    X, y, names = data
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=split, stratify=y)
    task = Task(name, X_tr, X_te, y_tr, y_te, names)
    if train_teacher:
        task.net = fit_teacher(X_tr, y_tr, seed=split)
    _CACHE[(name, split)] = task
    return task


def fit_teacher(X: np.ndarray, y: np.ndarray, *, hidden: tuple[int, ...] = (64, 32), seed: int = 0,
                  regression: bool = False) -> Any:
    """The BENCHMARKS.md teacher (``symdistill.demo.train_mlp``, 300 epochs, lr 1e-2), trained on one
    thread: a multi-threaded matrix product adds in another order, and the trained teacher (so every
    table) would depend on the machine's core count."""
    import torch

    from symdistill.demo import train_mlp

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return train_mlp(X, y, hidden=hidden, epochs=300, lr=1e-2, seed=seed, regression=regression)
    finally:
        torch.set_num_threads(threads)


def unfaithfulness_summary(summary: dict[int, list[tuple[float, float]]], unit: str) -> list[str]:
    """One line per size: mean unfaithfulness (1 - fidelity) of ours and of the best peer over the
    data sets, and their ratio; ``summary`` maps a size to (ours, best peer) pairs."""
    lines = []
    for size, pairs in sorted(summary.items()):
        ours_u = float(np.mean([p[0] for p in pairs]))
        peer_u = float(np.mean([p[1] for p in pairs]))
        lines.append(f"- {size} {unit}, mean over {len(pairs)} data sets: unfaithfulness ours {ours_u:.4f}, "
                     f"best peer {peer_u:.4f}, ratio {ours_u / max(peer_u, 1e-9):.2f}")
    return lines
