"""Verification benchmark (issue 7): the direct checkers beside the z3 encoding, on the same questions.

A 64-leaf tree distilled from the MAGIC teacher (BENCHMARKS.md recipe; synth20 when the MAGIC file is
missing) is asked five kinds of question: a constraint formula, monotonicity, invariance, local
robustness and equivalence with a second tree. Each is decided by ``backend="direct"`` and by
``backend="z3"``; both must give the same verdict; times are medians of repeated runs. Then the
monotonicity of a 1,024-leaf tree (scikit-learn CART on the teacher's labels, converted to our
``Tree``). Targets: each question <= 50 ms median on the 64-leaf tree, 1,024-leaf monotonicity <= 1 s.

    python bench/bench_verify.py               # writes bench/results/verify.md
    python bench/bench_verify.py --repeats 5 --data synth20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suite import load_task  # noqa: E402

import symdistill as sd  # noqa: E402
from symdistill.domain import Domain  # noqa: E402
from symdistill.models import Tree  # noqa: E402
from symdistill.verify import Verdict  # noqa: E402


def cart_as_tree(clf, domain: Domain) -> Tree:
    """A fitted sklearn DecisionTreeClassifier as our Tree (same splits, same leaves)."""
    t = clf.tree_
    internal = t.children_left >= 0
    value = t.value[:, 0, :]
    value = value / value.sum(axis=1, keepdims=True)
    return Tree(domain, "classification", clf.classes_, children_left=t.children_left,
                children_right=t.children_right, feature=np.where(internal, t.feature, -1),
                threshold=np.where(internal, t.threshold, 0.0), value=value)


def timed(model, prop, backend: str, repeats: int) -> tuple[float, Verdict]:
    times, verdict = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        verdict = sd.verify(model, prop, backend=backend)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), verdict


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="magic", choices=["magic", "synth20"])
    ap.add_argument("--repeats", type=int, default=21)
    ap.add_argument("--z3-repeats", type=int, default=5)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "verify.md"))
    args = ap.parse_args()

    task = load_task(args.data) or load_task("synth20")
    names = task.feature_names
    teacher = sd.as_teacher(task.net)
    t0 = time.perf_counter()
    tree = sd.distill(teacher, task.X_train, max_size=64, random_state=0, feature_names=names, progress=False)
    other = sd.distill(teacher, task.X_train, max_size=64, random_state=1, feature_names=names, progress=False,
                       criterion="soft")
    print(f"{task.name}: distilled two trees of {tree.size} and {other.size} leaves in "
          f"{time.perf_counter() - t0:.1f} s")
    dom = tree.domain
    f0, f1, flast = names[0], names[1], names[-1]
    mid = float(np.median(task.X_train[:, 0]))
    span = dom.upper - dom.lower
    centre = task.X_test[0]
    questions = [
        ("formula", f"{f0} <= {mid:.4g} and {f1} > {float(np.median(task.X_train[:, 1])):.4g} -> prediction == 1"),
        ("monotonicity", sd.monotonic(f0, "decreasing", target=1)),
        ("invariance", sd.invariant(flast)),
        ("robustness", sd.robust(centre, 0.02 * float(np.min(span[span > 0])))),
        ("equivalence", sd.equivalent(other)),
    ]
    rows = []
    for kind, prop in questions:
        ours, v = timed(tree, prop, "direct", args.repeats)
        theirs, w = timed(tree, prop, "z3", args.z3_repeats)
        if v.holds != w.holds:
            raise SystemExit(f"{kind}: direct and z3 disagree ({v.holds} vs {w.holds})")
        rows.append((f"{kind} ({tree.size} leaves)", "holds" if v.holds else "violated", ours, theirs))
        print(f"{kind:14s} {'holds' if v.holds else 'violated':9s} direct {1000 * ours:8.2f} ms   "
              f"z3 {1000 * theirs:9.1f} ms   z3/direct {theirs / ours:8.1f}x")

    from sklearn.tree import DecisionTreeClassifier

    # Fitted on the true labels: the teacher's labels are too clean to fill 1,024 leaves.
    clf = DecisionTreeClassifier(max_leaf_nodes=1024, random_state=0).fit(task.X_train, task.y_train)
    big = cart_as_tree(clf, dom)
    X32 = task.X_test.astype(np.float32).astype(float)  # sklearn compares in float32
    assert np.array_equal(big.predict(X32), clf.predict(X32))
    for feature in names:
        prop = sd.monotonic(feature, "increasing", target=1)
        ours, v = timed(big, prop, "direct", max(3, args.repeats // 4))
        theirs, w = timed(big, prop, "z3", 1)
        if v.holds != w.holds:
            raise SystemExit(f"1024-leaf monotonicity in {feature}: direct and z3 disagree")
        rows.append((f"monotonicity in {feature} ({big.size} leaves)", "holds" if v.holds else "violated", ours, theirs))
        print(f"{big.size} leaves, monotonic in {feature}: {'holds' if v.holds else 'violated'} direct "
              f"{1000 * ours:.1f} ms, z3 {1000 * theirs:.0f} ms, z3/direct {theirs / ours:.1f}x")

    # Worst case: a property that holds, so every pair of leaves is examined. A CART grown under a
    # monotonicity constraint on the first feature, and equivalence of the big tree with a copy.
    cst = [1] + [0] * (len(names) - 1)
    mono = DecisionTreeClassifier(max_leaf_nodes=1024, random_state=0, monotonic_cst=cst).fit(task.X_train, task.y_train)
    mono_tree = cart_as_tree(mono, dom)
    for name, model, prop in ((f"monotonicity in {f0}, CART with monotonic_cst ({mono_tree.size} leaves)", mono_tree,
                               sd.monotonic(f0, "increasing", target=1)),
                              (f"equivalence with its copy ({big.size} leaves)", big, sd.equivalent(big.copy()))):
        ours, v = timed(model, prop, "direct", max(3, args.repeats // 4))
        theirs, w = timed(model, prop, "z3", 1)
        if v.holds != w.holds:
            raise SystemExit(f"{name}: direct and z3 disagree")
        rows.append((name, "holds" if v.holds else "violated", ours, theirs))
        print(f"{name}: {'holds' if v.holds else 'violated'} direct {1000 * ours:.1f} ms, z3 {1000 * theirs:.0f} ms")

    lines = [
        "# Verification: direct checkers vs the z3 encoding",
        "",
        f"Data: {task.name} (BENCHMARKS.md teacher recipe, training 70%). Tree distilled with "
        f"`sd.distill(max_size=64, random_state=0)` ({tree.size} leaves: the learner prunes splits whose "
        "children agree); second tree for equivalence: `random_state=1, criterion='soft'`. "
        f"{big.size}-leaf tree: scikit-learn CART (`max_leaf_nodes=1024`) on the training labels, converted "
        "to our `Tree` (monotonicity in every feature: a violated verdict stops at the first offending pair, "
        "a holding one checks all pairs). Times are medians "
        f"({args.repeats} runs direct, {args.z3_repeats} runs z3 on the 64-leaf tree; "
        f"{max(3, args.repeats // 4)} / 1 on the 1,024-leaf tree), same verdicts from both backends. "
        "Targets: <= 50 ms per question on 64 leaves, <= 1 s for 1,024-leaf monotonicity.",
        "",
        "| question | verdict | direct (ours) | z3 encoding (peer) | z3 / direct |",
        "|---|---|---|---|---|",
    ]
    for name, verdict, ours, theirs in rows:
        lines.append(f"| {name} | {verdict} | {1000 * ours:.2f} ms | {1000 * theirs:.1f} ms | {theirs / ours:.1f}x |")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
