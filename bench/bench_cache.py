"""The tabular teacher's answer cache: what ``cache=True`` costs and saves on large batches.

For each case the same rows are answered by a teacher without the cache (``cache=False``) and by a
fresh one with it (``cache=True``): its first pass (every distinct row asked once) and a repeat pass
over the same rows (every row a hit). The table gives the seconds without the cache and both passes
as ratios to them (below 1: the cache saves time). Cases: the suite's MAGIC teacher (``suite.py``)
on its training rows resampled to ``--rows`` rows (13,260 distinct at a million, so the first pass
asks the network about 1.3% of them) and on those rows jittered (all distinct); a cheap NumPy teacher on the same rows,
where the cache's own work is all there is to measure; and a DataFrame with a categorical column.

    python bench/bench_cache.py                    # writes bench/results/cache.md
    python bench/bench_cache.py --rows 200000 --repeats 1
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suite import load_task  # noqa: E402

import symdistill as sd  # noqa: E402


def seconds(fn: Callable[[], Any], repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def measure(make: Callable[..., Any], X: Any, repeats: int) -> tuple[float, float, float, int]:
    """Seconds without the cache, of the cache's first pass and of its repeat pass; rows the backend
    answered in the first pass."""
    plain = seconds(lambda: make(cache=False).predict(X), repeats)
    first, again, asked = np.inf, np.inf, 0
    for _ in range(repeats):
        t = make(cache=True)
        t0 = time.perf_counter()
        t.predict(X)
        first = min(first, time.perf_counter() - t0)
        asked = t.n_queries
        again = min(again, seconds(lambda: t.predict(X), 1))
    return plain, first, again, asked


def cheap(X: np.ndarray) -> np.ndarray:
    return (X @ np.linspace(-1.0, 1.0, X.shape[1]) > 0).astype(int)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows per batch (default 1,000,000)")
    ap.add_argument("--repeats", type=int, default=3, help="best of this many runs (default 3)")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "cache.md"))
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    cases: list[tuple[str, Callable[..., Any], Any]] = []
    task = load_task("magic")
    if task is not None:
        resampled = task.X_train[rng.integers(0, len(task.X_train), args.rows)]
        jittered = resampled * (1 + 1e-6 * rng.standard_normal(resampled.shape))
        cases += [("MAGIC teacher, MAGIC resampled", lambda **kw: sd.as_teacher(task.net, **kw), resampled),
                  ("MAGIC teacher, resampled and jittered (all distinct)",
                   lambda **kw: sd.as_teacher(task.net, **kw), jittered)]
    else:
        resampled = rng.integers(0, 50, (args.rows, 10)).astype(float)
        jittered = rng.standard_normal((args.rows, 10))
    cases += [("NumPy teacher, repeated rows", lambda **kw: sd.as_teacher(cheap, **kw), resampled),
              ("NumPy teacher, all distinct", lambda **kw: sd.as_teacher(cheap, **kw), jittered)]
    try:
        import pandas as pd
    except ImportError:
        print("[cache] pandas is not installed: the DataFrame case is skipped")
    else:
        n = max(args.rows // 5, 1)
        frame = pd.DataFrame({"colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
                              "size": np.round(rng.uniform(0, 100, n), 1), "weight": rng.standard_normal(n)})

        def by_frame(df: Any) -> np.ndarray:
            return ((df["colour"] == "red").to_numpy() & (df["size"].to_numpy() > 50)).astype(int)

        cases.append(("NumPy teacher on a DataFrame with a categorical column",
                      lambda **kw: sd.as_teacher(by_frame, **kw), frame))
    header = ("| case | rows | asked (first pass) | cache=False s | first pass s | first / False "
              "| repeat s | repeat / False |")
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    print(header)
    t0 = time.perf_counter()
    for name, make, X in cases:
        plain, first, again, asked = measure(make, X, args.repeats)
        row = (f"| {name} | {len(X):,} | {asked:,} | {plain:.3f} | {first:.3f} | {first / plain:.2f}x "
               f"| {again:.3f} | {again / plain:.2f}x |")
        print(row, flush=True)
        lines.append(row)
    lines += ["", f"Best of {args.repeats} runs each, one thread per process (`OMP_NUM_THREADS=1` recommended); "
              "below 1x the cache saves time.", f"- whole benchmark: {time.perf_counter() - t0:.0f} s"]
    out = Path(args.out)
    out.write_text("# Teacher answer cache\n\nCommand: `python bench/bench_cache.py`\n\n" + "\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
