"""Verification of a many-class rule list: the direct checker beside the z3 encoding, in one run.

A 20-rule decision list over letter recognition's 26 classes (``sd.distill(form="rules",
max_size=20)`` of a scikit-learn RandomForest, 50 trees, fitted on the suite's training split) is
asked a constraint formula, monotonicity toward one class, invariance, and equivalence with its copy,
with a list distilled with another seed and with a 32-leaf tree distilled from the same forest, by
``backend="direct"`` and ``backend="z3"``; both must give the same verdict. Carving such a list
into disjoint regions, one cut per earlier rule of another class, made 72,100 regions: the direct
checker took 10-36 s on a formula, 17-86 s on monotonicity and 46 s on invariance, against z3's
0.1-0.3 s. It now carves only where the question's output condition, "is the target class" or "is
this class" changes. Equivalence, carved so one class at a time, still took 0.48 s on the copy (14
times z3's time); it now carves only the pairs of rules of different classes that meet, by the
earlier rules of other classes.

    SYMDISTILL_DATA=/work/shared/data python bench/bench_verify_rules.py   # writes bench/results/verify_rules.md
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suite import load_task  # noqa: E402

import symdistill as sd  # noqa: E402


def median_time(model, prop, backend: str, repeats: int) -> tuple[float, bool]:
    times, holds = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        holds = sd.verify(model, prop, backend=backend).holds
        times.append(time.perf_counter() - t0)
    return statistics.median(times), holds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "verify_rules.md"))
    args = ap.parse_args()
    task = load_task("letters", train_teacher=False)
    if task is None:
        return 0
    from sklearn.ensemble import RandomForestClassifier

    rf = RandomForestClassifier(n_estimators=50, random_state=0, n_jobs=1).fit(task.X_train, task.y_train)
    rules = sd.distill(rf, task.X_train, form="rules", max_size=20, random_state=0,
                       feature_names=task.feature_names, progress=False)
    print(f"letters: {rules.size} rules, {len(set(r.prediction for r in [*rules.rules, rules.default]))} classes")
    other = sd.distill(rf, task.X_train, form="rules", max_size=20, random_state=1,
                       feature_names=task.feature_names, progress=False)
    tree = sd.distill(rf, task.X_train, form="tree", max_size=32, random_state=0,
                      feature_names=task.feature_names, progress=False)
    questions = [("formula", "x2bar > 5 -> prediction != 0"),
                 ("formula (holds)", "`y-ege` > 2.5 -> prediction != 9"),
                 ("monotonicity", sd.monotonic("x2bar", "increasing", target=0)),
                 ("invariance", sd.invariant("x-box")),
                 ("equivalence (copy)", sd.equivalent(rules.copy())),
                 (f"equivalence (another list, {other.size} rules)", sd.equivalent(other)),
                 (f"equivalence (a {tree.size}-leaf tree)", sd.equivalent(tree))]
    rows = []
    for name, prop in questions:
        ours, v = median_time(rules, prop, "direct", args.repeats)
        theirs, w = median_time(rules, prop, "z3", args.repeats)
        if v != w:
            raise SystemExit(f"{name}: direct and z3 disagree ({v} vs {w})")
        verdict = "holds" if v else "violated"
        rows.append((name, verdict, ours, theirs))
        print(f"{name:16s} {verdict:9s} direct {1000 * ours:9.1f} ms   z3 {1000 * theirs:8.1f} ms   "
              f"direct/z3 {ours / theirs:6.2f}x")
    lines = ["# Verification of a 26-class rule list: direct checker vs the z3 encoding", "",
             f"Data: letters (suite split, training 70%); RandomForest(50 trees, random_state=0) distilled with "
             f"`form='rules', max_size=20, random_state=0` ({rules.size} rules); the other list `random_state=1`, the "
             f"tree `form='tree', max_size=32, random_state=0`. Medians of {args.repeats} runs "
             "each, same verdicts from both backends.", "",
             "| question | verdict | direct (ours) | z3 encoding (peer) | direct / z3 |", "|---|---|---|---|---|"]
    lines += [f"| {n} | {v} | {1000 * a:.1f} ms | {1000 * b:.1f} ms | {a / b:.2f}x |" for n, v, a, b in rows]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
