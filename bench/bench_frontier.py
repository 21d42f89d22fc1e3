"""Fidelity-size frontier on MAGIC: every available form (tree, rules, linear) at 6 sizes, side by side
with what a user gets today at the same size from scikit-learn on the teacher's labels:
CART (``max_leaf_nodes=k``) for trees, CART with ``k + 1`` leaves read as ``k`` rules plus a default for
rule sets, and L1-regularised logistic regression (the strongest C with at most ``k`` non-zero weights,
on standardised inputs) for linear models. Fidelity is agreement with the teacher on the held-out 30%.

Run:  nice .venv/bin/python bench/bench_frontier.py [--forms tree,rules,linear] [--sizes 2,4,8,16,32,64]
                                                    [--report bench/results/frontier_report.html]
Writes the table to bench/results/frontier.md. Target: the whole frontier in <= 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import symdistill as sd  # noqa: E402
from suite import load_task  # noqa: E402
from symdistill.learners import registered_learners  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "frontier.md"
BUDGET_S = 60.0


def _cart(X: np.ndarray, y: np.ndarray, leaves: int) -> tuple[object, int]:
    from sklearn.tree import DecisionTreeClassifier

    m = DecisionTreeClassifier(max_leaf_nodes=max(leaves, 2), random_state=0).fit(X, y)
    return m, int(m.get_n_leaves())


def _l1_logistic(X: np.ndarray, y: np.ndarray, k: int) -> tuple[object, int]:
    """The least-regularised L1 logistic model with at most k non-zero weights (C on a log grid)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    best = None
    # scikit-learn >= 1.8 deprecates penalty= but liblinear's L1 path still needs it.
    warnings.filterwarnings("ignore", message=".*penalty.*", module="sklearn")
    for C in np.logspace(-4, 1, 26):
        m = make_pipeline(StandardScaler(), LogisticRegression(penalty="l1", C=C, solver="liblinear",
                                                               random_state=0)).fit(X, y)
        nnz = int(np.sum(m[-1].coef_ != 0))
        if nnz > k:
            break
        best = (m, nnz)
    if best is None:
        raise RuntimeError(f"no L1 logistic model with at most {k} weights on the grid")
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forms", default="tree,rules,linear")
    ap.add_argument("--sizes", default="2,4,8,16,32,64")
    ap.add_argument("--report", help="also write the HTML report of the frontier here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    asked = [f for f in args.forms.split(",") if f]
    forms = [f for f in asked if (f, "pedagogical") in registered_learners()]
    missing = sorted(set(asked) - set(forms))
    if missing:
        print(f"forms without a learner in this checkout, left out: {missing}")

    t0 = time.perf_counter()
    task = load_task("magic")
    if task is None:
        return 0
    teach_s = time.perf_counter() - t0
    ref_test = task.teacher_labels(task.X_test)
    print(f"MAGIC: {len(task.X_train)} training rows, {len(task.X_test)} held out; teacher trained in {teach_s:.1f} s, "
          f"test accuracy {np.mean(ref_test == task.y_test):.3f}")

    t0, c0 = time.perf_counter(), time.process_time()
    front = sd.frontier(task.net, task.X_train, X_holdout=task.X_test, forms=forms, sizes=sizes, random_state=0,
                        feature_names=task.feature_names, progress=False)
    ours_s, ours_cpu = time.perf_counter() - t0, time.process_time() - c0
    load = os.getloadavg()[0]

    t0 = time.perf_counter()
    ref_train = task.teacher_labels(task.X_train)
    label_s = time.perf_counter() - t0
    peers_s = label_s
    rows = []
    for p in front.points:
        t1 = time.perf_counter()
        if p.form == "tree":
            peer, name = _cart(task.X_train, ref_train, p.max_size), "CART"
        elif p.form == "rules":
            peer, name = _cart(task.X_train, ref_train, p.max_size + 1), "CART leaves as rules"
        else:
            peer, name = _l1_logistic(task.X_train, ref_train, p.max_size), "L1 logistic"
        model, peer_size = peer
        peer_fid = float(np.mean(model.predict(task.X_test) == ref_test))
        peer_t = time.perf_counter() - t1
        peers_s += peer_t
        peer_size_shown = peer_size - 1 if p.form == "rules" else peer_size
        rows.append((p, name, peer_size_shown, peer_fid, peer_t))

    table = front.table()
    lines = ["| form | max size | ours: size | ours: fidelity [95% interval] | literals | ours: s | front | "
             "peer | peer: size | peer: fidelity | fidelity diff | time ratio ours/peer |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for (p, name, psize, pfid, pt), r in zip(rows, table):
        mark = "knee" if r["knee"] else ("pareto" if r["pareto"] else "")
        lines.append(f"| {p.form} | {p.max_size} | {p.size} | {p.fidelity:.4f} [{p.score.low:.4f}, {p.score.high:.4f}] | "
                     f"{'-' if p.literals is None else p.literals} | {p.seconds:.2f} | {mark} | {name} | {psize} | "
                     f"{pfid:.4f} | {p.fidelity - pfid:+.4f} | {p.seconds / max(pt, 1e-9):.0f}x |")
    best95 = None
    try:
        best95 = front.best_point(min_fidelity=0.90)
    except ValueError as exc:
        print(exc)
    summary = [
        f"Frontier of {len(forms)} forms x {len(sizes)} sizes on MAGIC ({len(task.X_train)} rows, teacher: the "
        f"BENCHMARKS.md MLP, trained in {teach_s:.1f} s, not counted): **{ours_s:.1f} s** in all "
        f"(budget {BUDGET_S:.0f} s: {'met' if ours_s <= BUDGET_S else 'NOT met'}); the peers took {peers_s:.1f} s "
        f"(ratio {ours_s / peers_s:.0f}x). CPU time of the frontier: {ours_cpu:.1f} s; load average when it "
        f"ended: {load:.1f} on {os.cpu_count()} cores. Teacher queries: {front.teacher.n_queries} distinct rows for all "
        f"{len(front.points)} fits (shared cache).",
        f"Knee: {front.knee.form} size {front.knee.size}, fidelity {front.knee.fidelity:.4f}."
        + (f" Smallest model with fidelity >= 0.90: {best95.form} size {best95.size} ({best95.fidelity:.4f})."
           if best95 else ""),
        f"Forms left out (no learner in this checkout): {', '.join(missing)}." if missing else "",
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}.",
    ]
    text = "\n".join(lines)
    print()
    print(text)
    print()
    print("\n".join(s for s in summary if s))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("# Fidelity-size frontier (MAGIC)\n\n" + "\n\n".join(s for s in summary if s) + "\n\n"
                       + text + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")
    if args.report:
        t0 = time.perf_counter()
        rep = sd.report(front, path=args.report, title="symdistill frontier: MAGIC")
        print(f"wrote {rep.path} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
