"""Tree benchmark (issue 2): symdistill's tree learner beside CART, imodels FIGS and TREPAN.

Same teacher (BENCHMARKS.md recipe) and split for everybody; every student sees only the training
70% (unlabelled: it asks the teacher); fidelity is agreement with the teacher on the held-out 30%.

    python bench/bench_tree.py                 # whole suite, sizes 4 8 16 32, writes bench/results/tree.md
    python bench/bench_tree.py --datasets xor --sizes 4
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suite import NAMES, load_task, unfaithfulness_summary  # noqa: E402

import symdistill as sd  # noqa: E402

TREPAN_SETS = ("xor", "breast_cancer")  # TREPAN takes minutes per size on the larger sets


def run_ours(task, size: int, seed: int = 0):
    teacher = sd.as_teacher(task.net)
    t0 = time.perf_counter()
    tree = sd.distill(teacher, task.X_train, form="tree", max_size=size, random_state=seed,
                      feature_names=task.feature_names, progress=False)
    seconds = time.perf_counter() - t0
    fid = float(np.mean(tree.predict(task.X_test) == task.teacher_labels(task.X_test)))
    return fid, seconds, tree.size


def run_cart(task, size: int):
    from sklearn.tree import DecisionTreeClassifier

    t0 = time.perf_counter()
    m = DecisionTreeClassifier(max_leaf_nodes=size, random_state=0).fit(task.X_train, task.teacher_labels(task.X_train))
    seconds = time.perf_counter() - t0
    return float(np.mean(m.predict(task.X_test) == task.teacher_labels(task.X_test))), seconds, m.get_n_leaves()


def run_figs(task, size: int):
    try:
        import six  # noqa: F401  imodels imports it without declaring it
        from imodels import FIGSClassifier
    except ImportError as exc:
        return None, None, f"imodels missing: {exc}"
    t0 = time.perf_counter()
    np.random.seed(0)  # FIGS draws from the global RNG despite random_state: without this it varies per run
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = FIGSClassifier(max_rules=size - 1, max_trees=1, random_state=0)
        m.fit(task.X_train, task.teacher_labels(task.X_train))
    seconds = time.perf_counter() - t0
    return float(np.mean(m.predict(task.X_test) == task.teacher_labels(task.X_test))), seconds, size


def run_trepan(task, size: int):
    try:
        np.float = float  # generalizedtrees 1.2.0 still uses np.float (see BENCHMARKS.md)
        from generalizedtrees.recipes import trepan
    except ImportError as exc:
        return None, None, f"generalizedtrees missing: {exc}"
    k = int(task.teacher_labels(task.X_train).max()) + 1

    def oracle(X):
        return np.eye(k)[task.teacher_labels(np.asarray(X, dtype=float))]

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = trepan(max_tree_size=2 * size - 1, rng=np.random.default_rng(0))
        m.fit(task.X_train, oracle)
    seconds = time.perf_counter() - t0
    pred = np.asarray(m.predict(task.X_test))
    if pred.ndim == 2:
        pred = pred.argmax(axis=1)
    return float(np.mean(pred == task.teacher_labels(task.X_test))), seconds, size


def fmt(x, spec=".3f"):
    return "-" if x is None else format(x, spec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", nargs="*", default=list(NAMES))
    ap.add_argument("--sizes", nargs="*", type=int, default=[4, 8, 16, 32])
    ap.add_argument("--no-trepan", action="store_true")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "tree.md"))
    args = ap.parse_args()

    header = ("| data | leaves | symdistill | time s | CART | FIGS | TREPAN (time s) | best peer | "
              "unfaithfulness ours / best peer | time ours / TREPAN |")
    lines = [header, "|---|---|---|---|---|---|---|---|---|---|"]
    print(header)
    summary: dict[int, list[tuple[float, float]]] = {}
    t_all = time.perf_counter()
    for name in args.datasets:
        t0 = time.perf_counter()
        task = load_task(name)
        if task is None:
            continue
        teacher_acc = float(np.mean(task.teacher_labels(task.X_test) == task.y_test))
        print(f"# {name}: teacher test accuracy {teacher_acc:.3f} (trained in {time.perf_counter() - t0:.1f} s)")
        for size in args.sizes:
            ours, secs, _ = run_ours(task, size)
            cart, _, _ = run_cart(task, size)
            figs, _, _ = run_figs(task, size)
            trepan, tsecs = None, None
            if not args.no_trepan and name in TREPAN_SETS and size >= 8:
                trepan, tsecs, _ = run_trepan(task, size)
            peers = [p for p in (cart, figs, trepan) if p is not None]
            best = max(peers)
            ratio = (1 - ours) / max(1 - best, 1e-9)
            summary.setdefault(size, []).append((1 - ours, 1 - best))
            row = (f"| {name} | {size} | {ours:.3f} | {secs:.1f} | {cart:.3f} | {fmt(figs)} | "
                   f"{fmt(trepan)}{'' if tsecs is None else f' ({tsecs:.0f})'} | {best:.3f} | {ratio:.2f} | "
                   f"{'-' if tsecs is None else f'{secs / tsecs:.3f}'} |")
            print(row, flush=True)
            lines.append(row)
    lines.append("")
    for line in unfaithfulness_summary(summary, "leaves"):
        print(line)
        lines.append(line)
    total = f"- whole benchmark: {time.perf_counter() - t_all:.0f} s"
    print(total)
    lines.append(total)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("# Tree benchmark\n\nCommand: `python bench/bench_tree.py`\n\n" + "\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
