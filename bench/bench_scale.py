"""Scale benchmark: the time each stage takes on a million rows, with a teacher cheap enough that
symdistill's own work is what is measured.

Data sets (``--rows`` rows each): MAGIC resampled with a little jitter (2% of each feature's spread)
and a scikit-learn decision tree (depth 8) trained on the MAGIC file as teacher; ``synth20``,
scikit-learn's ``make_classification`` with 20 features and a NumPy teacher (a linear score with one
product); ``adult_like``, a DataFrame of 6 numeric and 10 categorical columns (5-40 categories) and
a teacher of two numeric columns and one categorical. For each form and size the stages are timed
one after another: ``distill`` (wall and CPU seconds), ``fidelity`` (the teacher asked again), ``predict``, the JSON round
trip (``to_json`` then ``sd.load``) and each export's generation (C, Python, Prolog, JSON;
ONNX where the onnx package is installed). ``--memory`` adds the peak memory tracemalloc sees
during ``distill`` (slower). Prints the table as it goes and writes it to bench/results/scale.md;
with ``--section`` the table is that file's section of that title, the rest of the file kept.

    python bench/bench_scale.py                                   # 1M rows, every set and form
    python bench/bench_scale.py --rows 200000 --sets magic --forms tree:16,linear:5
    python bench/bench_scale.py --forms rules:8,rules:16 --section "Rule lists"
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suite import DATA_DIR, load_xy  # noqa: E402

import symdistill as sd  # noqa: E402

SETS = ("magic", "synth20", "adult_like")
FORMS = "tree:16,tree:64,rules:8,rules:16,linear:5,linear:10"
EXPORTS = ("c", "python", "prolog", "json", "onnx")  # DOT draws automata only


def magic(n: int) -> tuple[Any, Any] | None:
    from sklearn.tree import DecisionTreeClassifier

    data = load_xy("magic")
    if data is None:
        return None
    X0, y0, _ = data
    rng = np.random.default_rng(0)
    X = X0[rng.integers(0, len(X0), n)] + rng.normal(0.0, 0.02, (n, X0.shape[1])) * X0.std(axis=0)
    return X, DecisionTreeClassifier(max_depth=8, random_state=0).fit(X0, y0)


def synth20(n: int) -> tuple[Any, Any]:
    from sklearn.datasets import make_classification

    X, _ = make_classification(n_samples=n, n_features=20, n_informative=8, n_redundant=4, random_state=0)
    w = np.random.default_rng(1).normal(size=20)

    def teacher(Z: np.ndarray) -> np.ndarray:
        return (Z @ w + 0.3 * Z[:, 0] * Z[:, 1] > 0).astype(int)

    return X, teacher


def adult_like(n: int) -> tuple[Any, Any]:
    import pandas as pd

    rng = np.random.default_rng(0)
    cols: dict[str, Any] = {f"num{j}": rng.normal(size=n) * (j + 1) for j in range(6)}
    for j, k in enumerate((5, 8, 12, 16, 20, 25, 30, 35, 40, 9)):
        cats = [f"c{j}_{i}" for i in range(k)]
        cols[f"cat{j}"] = pd.Categorical.from_codes(rng.integers(0, k, n), categories=cats)
    odd = np.arange(16) % 2 == 1  # cat3's odd categories push the score up

    def teacher(D: Any) -> np.ndarray:
        score = D["num0"].to_numpy(float) + 0.5 * D["num1"].to_numpy(float)
        return (score + np.where(odd[D["cat3"].cat.codes.to_numpy()], 1.0, -1.0) > 0).astype(int)

    return pd.DataFrame(cols), teacher


def seconds(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def cpu_seconds(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of ``fn()`` (CPU: this process's, which other work on a shared machine
    moves less than the wall time), and its result."""
    c0 = time.process_time()
    wall, out = seconds(fn)
    return wall, time.process_time() - c0, out


def run(name: str, X: Any, teacher: Any, form: str, size: int, memory: bool) -> list[str]:
    t = sd.as_teacher(teacher)
    if memory:
        tracemalloc.start()
    t_distill, cpu_distill, model = cpu_seconds(
        lambda: sd.distill(t, X, form=form, max_size=size, random_state=0, progress=False))
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if memory else None
    if memory:
        tracemalloc.stop()
    t_fid, fid = seconds(lambda: sd.fidelity(model, t, X, progress=False))
    t_pred, _ = seconds(lambda: model.predict(X))
    t_json, text = seconds(model.to_json)
    t_load, _ = seconds(lambda: sd.load(text))
    exports = []
    for target in EXPORTS:
        try:
            exports.append(f"{seconds(lambda: sd.export(model, target))[0]:.3f}")
        except ImportError:
            exports.append("-")
    row = [name, f"{form} {size}", str(model.size), f"{float(fid):.4f}", f"{t_distill:.1f}", f"{cpu_distill:.1f}", f"{t_fid:.2f}",
           f"{t_pred:.2f}", f"{t_json:.3f}", f"{t_load:.3f}", *exports]
    return row + ([f"{peak:.0f}"] if memory else [])


def with_section(text: str, name: str, lines: list[str]) -> str:
    """``text`` (markdown) with its section ``## name`` (up to the next ``## `` heading) left out and
    ``lines`` added at the end as that section."""
    head, kept, inside = f"## {name}", [], False
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("## "):
            inside = line == head
        if not inside:
            kept.append(line)
    return "\n".join(kept).rstrip("\n") + f"\n\n{head}\n\n" + "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="bench_scale.py")
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows per data set (default 1,000,000)")
    ap.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)}")
    ap.add_argument("--forms", default=FORMS, help=f"comma-separated form:size (default {FORMS})")
    ap.add_argument("--memory", action="store_true", help="also the peak memory of distill (tracemalloc)")
    ap.add_argument("--section", help="write the table as this section (## title) of scale.md, replacing a "
                    "section of that title and keeping the rest (default: the file is the table alone)")
    args = ap.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    unknown = [s for s in sets if s not in SETS]
    if unknown:
        ap.error(f"unknown set(s) {unknown}; expected some of {list(SETS)}")
    forms = []
    for item in args.forms.split(","):
        form, _, size = item.partition(":")
        if form not in ("tree", "rules", "linear") or not size.isdigit():
            ap.error(f"--forms takes form:size items such as tree:16, got {item!r}")
        forms.append((form, int(size)))
    head = ["set", "model", "size", "fidelity", "distill s", "distill CPU s", "fidelity s", "predict s", "to_json s", "load s",
            *[f"{e} s" for e in EXPORTS]] + (["peak MiB"] if args.memory else [])
    lines = [f"`bench_scale.py {shlex.join(sys.argv[1:])}`: {args.rows:,} rows; times in seconds (CPU: this process's, "
             "which other work on a shared machine moves less than the wall time)", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    print("\n".join(lines), flush=True)
    warnings.simplefilter("ignore")
    for name in sets:
        t_data, data = seconds(lambda: globals()[name](args.rows))
        if data is None:
            print(f"[bench_scale] {name}: data file not found under {DATA_DIR}; skipped")
            continue
        print(f"[bench_scale] {name}: rows made in {t_data:.1f} s", file=sys.stderr)
        for form, size in forms:
            lines.append("| " + " | ".join(run(name, *data, form, size, args.memory)) + " |")
            print(lines[-1], flush=True)
    out = Path(__file__).resolve().parent / "results" / "scale.md"
    title = "# Scale: the time each stage takes (bench_scale.py)\n\n"
    if args.section is None:
        out.write_text(title + "\n".join(lines) + "\n")
    else:
        out.write_text(with_section(out.read_text() if out.exists() else title, args.section, lines))
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
