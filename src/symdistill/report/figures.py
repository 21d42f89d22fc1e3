"""Report figures: the frontier, disagreement by feature and by class, fidelity under shift.

Every function returns a Matplotlib ``Figure`` made without pyplot; the numbers they draw come
from plain functions (``disagreement_by_feature`` here, ``confusion`` in ``symdistill.metrics``, which
``sd.class_fidelity`` counts with too) so the report's tables and figures show the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._scale import value_unit
from ..domain import Domain
from ..models.base import label_text
from ._mpl import colour, new_figure
from .drawing import plain

__all__ = ["FeatureDisagreement", "disagreement_by_feature", "frontier_figure",
           "feature_figure", "class_figure", "regression_figure", "shift_figure"]


# -- frontier -----------------------------------------------------------------------------------
def frontier_figure(front: Any, chosen: Any = None, min_fidelity: float | None = None,
                    conservative: bool = False) -> Any:
    """Fidelity (95% interval) against size, one line per form, on a log2 size axis; the Pareto
    front dashed, the knee starred, the chosen model ringed and ``min_fidelity`` dotted (``conservative``:
    a bar for the intervals' lower ends)."""
    fig = new_figure(8.5, 4.4)
    ax = fig.add_subplot()
    n_forms = len(front.forms)
    # Forms are nudged apart along the size axis so their intervals do not hide each other; the marks
    # of the front, the knee and the chosen model go where their points are drawn.
    nudge = {form: 2 ** (0.05 * (i - (n_forms - 1) / 2)) for i, form in enumerate(front.forms)}
    x = lambda p: p.size * nudge[p.form]  # noqa: E731
    for i, form in enumerate(front.forms):
        pts = sorted((p for p in front.points if p.form == form), key=lambda p: p.size)
        s = np.array([x(p) for p in pts], dtype=float)
        v = np.array([p.fidelity for p in pts])
        err = np.array([[p.fidelity - p.score.low for p in pts], [p.score.high - p.fidelity for p in pts]])
        ax.errorbar(s, v, yerr=np.clip(err, 0, None), marker="o", ms=5, capsize=3, lw=1.5, color=colour(i),
                    label=plain(form))
    front_pts = front.pareto
    right = max(max(p.size for p in front.points), max(front.sizes))
    ax.step([x(p) for p in front_pts] + [right], [p.fidelity for p in front_pts] + [front_pts[-1].fidelity],
            where="post", ls="--", lw=1, color="#333333", label="Pareto front")
    ax.plot([x(p) for p in front_pts], [p.fidelity for p in front_pts], marker="s", ms=4, color="#333333",
            ls="none", label="_Pareto points")
    knee = front.knee
    ax.plot([x(knee)], [knee.fidelity], marker="*", ms=16, color="#f2b600", mec="#333333", ls="none",
            label=f"knee: {plain(knee.form)} size {knee.size}")
    if chosen is not None:
        ax.plot([x(chosen)], [chosen.fidelity], marker="o", ms=15, mfc="none", mec="#c00000", mew=2,
                ls="none", label=f"chosen: {plain(chosen.form)} size {chosen.size}")
    if min_fidelity is not None:
        on = " (95% interval's lower end)" if conservative else ""
        ax.axhline(min_fidelity, color="#c00000", lw=0.8, ls=":", label=f"min fidelity {min_fidelity:g}{on}")
    if min(p.size for p in front.points) > 0:
        ax.set_xscale("log", base=2)
    else:  # a constant model (size 0) has no place on a log axis: linear below 1, log above
        ax.set_xscale("symlog", base=2, linthresh=1, linscale=0.5)
    ticks = sorted(set(front.sizes) | {p.size for p in front.points if p.size < min(front.sizes)})
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel(_size_words(front))
    ax.set_ylabel("fidelity R2 to the teacher" if front.task == "regression" else "fidelity to the teacher")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title(f"fidelity-size frontier on {len(front.X_holdout)} held-out rows", fontsize=10)
    return fig


def _size_words(front: Any) -> str:
    """The size axis' label: what each form counts. A multi-class (softmax) linear model's size counts its
    terms, each weighed in every class's score: letters' 16 terms are 416 non-zero weights, which the
    axis said it plotted."""
    classes = max((len(p.model.classes) for p in front.points if getattr(p.model, "link", None) == "softmax"),
                  default=0)
    if not classes:
        return "size (leaves / rules / non-zero weights)"
    return f"size (leaves / rules / linear terms, each weighed in the scores of all {classes} classes)"


# -- disagreement -------------------------------------------------------------------------------
@dataclass(frozen=True)
class FeatureDisagreement:
    """Disagreement of student and teacher in bins of one feature.

    ``rates[b]`` is the disagreement rate (classifiers) or mean absolute difference (regressors) of
    the rows in bin ``b`` (``counts[b]`` rows, described by ``bins[b]``); ``spread`` is the
    row-weighted standard deviation of the rates: how much disagreement concentrates in some bins;
    ``overall`` the rate of all rows.
    """

    feature: str
    bins: tuple[str, ...]
    counts: tuple[int, ...]
    rates: tuple[float, ...]
    spread: float
    overall: float

    @property
    def worst(self) -> int | None:
        """Index of the bin holding the most disagreement beyond the overall rate, rows x (rate - overall)
        (ties: the first): one row that disagrees (rate 1) is not worse than a hundred that disagree twice
        as often as the rest. None where every bin holding rows has one rate (the overall one: no bin holds
        more than its share, as where the model agrees everywhere)."""
        counts, rates = np.asarray(self.counts), np.asarray(self.rates)
        if np.ptp(rates[counts > 0]) == 0:
            return None
        return int(np.argmax(counts * (rates - self.overall)))


def disagreement_by_feature(domain: Domain, Z: np.ndarray, loss: np.ndarray, n_bins: int = 8) -> list[FeatureDisagreement]:
    """Per feature, the loss (0/1 disagreement or absolute difference) in quantile bins of numeric
    features or per category / value of the others; features sorted by ``spread``, largest first.

    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> Z = np.column_stack([np.linspace(0, 1, 100), np.zeros(100) + 0.5])
    >>> dom = Domain.from_data(Z, feature_names=["a", "b"])
    >>> out = disagreement_by_feature(dom, Z, (Z[:, 0] > 0.9).astype(float))
    >>> out[0].feature, out[0].bins[out[0].worst], out[0].rates[out[0].worst] > 0.5
    ('a', '(0.875, 1]', True)
    """
    Z = np.asarray(Z, dtype=float)
    loss = np.asarray(loss, dtype=float)
    # The spread squares differences of the loss: a regressor's of 1e200 overflowed (every spread inf) and
    # of 1e-300 underflowed (every spread 0), which lost the ranking. Taken times a power of two, exactly.
    unit = value_unit(loss)
    out = []
    for j, f in enumerate(domain.features):
        col = Z[:, j]
        if f.is_categorical or f.kind == "binary" or len(np.unique(col)) <= n_bins:
            values = np.unique(col)
            idx = np.searchsorted(values, col)
            names = [label_text(f.category_label(int(v))) if f.is_categorical else f.threshold_text(v) for v in values]
        else:
            # edges as a tree's thresholds print (fnlwgt's 954523, not 9.545e+05 rounded to nearest)
            edges = _bin_edges(col, n_bins)
            if f.kind == "integer":
                # A quantile between whole numbers (16777229.87) holds the rows its whole part does: printed
                # so, not with a fraction or an exponent that reads as rounded (1.677723e+07).
                edges = np.concatenate([edges[:1], np.unique(np.floor(edges[1:]))])
            idx = np.clip(np.searchsorted(edges, col, side="left") - 1, 0, len(edges) - 2)
            cut = [f"{e:.0f}" if f.kind == "integer" else f.threshold_text(e) for e in edges]
            names = [f"[{cut[0]}, {cut[1]}]"] + [f"({a}, {b}]" for a, b in zip(cut[1:-1], cut[2:])]
        counts = np.bincount(idx, minlength=len(names))
        sums = np.bincount(idx, weights=loss, minlength=len(names))
        rates = np.divide(sums, counts, out=np.zeros(len(names)), where=counts > 0)
        overall = loss.mean() if len(loss) else 0.0
        spread = float(np.sqrt(np.sum(counts * ((rates - overall) * unit) ** 2) / max(counts.sum(), 1))) / unit
        out.append(FeatureDisagreement(f.name, tuple(names), tuple(int(c) for c in counts),
                                       tuple(float(r) for r in rates), spread, float(overall)))
    return sorted(out, key=lambda d: -d.spread)


def _bin_edges(col: np.ndarray, n_bins: int) -> np.ndarray:
    """Quantile edges of ``col`` (more than ``n_bins`` distinct values) for bins ``[e0, e1], (e1, e2], ...``.
    A lowest value that holds a bin's share of the rows or more (a count that is mostly 0) is a bin of its
    own, ``[v, v]``, and the larger values are cut at their own quantiles: the quantiles of all rows are
    then that value up to the last, and made one bin of every row (adult's capital_gain: [0, 1e+05]).

    >>> _bin_edges(np.r_[np.zeros(90), np.arange(1.0, 11.0)], 4).tolist()
    [0.0, 0.0, 4.0, 7.0, 10.0]
    """
    edges = np.quantile(col, np.linspace(0, 1, n_bins + 1))
    if edges[1] > edges[0]:
        return np.unique(edges)
    rest = col[col > edges[0]]
    return np.concatenate([edges[:1], edges[:1], np.unique(np.quantile(rest, np.linspace(0, 1, n_bins)[1:]))])


def _bins_drawn(part: FeatureDisagreement, max_bins: int) -> np.ndarray:
    """The bins of ``part`` a panel draws, in their order: all of them, or of more than ``max_bins`` (adult's
    30-odd countries, whose names a panel 5 inches wide wrote over one another) those holding the most rows
    (the first of ties) and the worst bin among them, which the table names.

    >>> _bins_drawn(FeatureDisagreement("c", ("a", "b", "c", "d"), (5, 1, 9, 2), (0.0, 1.0, 0.0, 0.0), 0.1, 0.1), 2)
    array([1, 2])
    """
    n = len(part.bins)
    if n <= max_bins:
        return np.arange(n)
    worst = [] if part.worst is None else [part.worst]
    by_rows = [i for i in np.argsort(-np.asarray(part.counts), kind="stable") if i not in worst]
    return np.sort(np.array(worst + by_rows[:max_bins - len(worst)], dtype=int))


def feature_figure(parts: Sequence[FeatureDisagreement], overall: float, regression: bool, max_panels: int = 6,
                   max_bins: int = 16) -> Any:
    """Small multiples: the loss per bin of the features where disagreement concentrates most, at most
    ``max_bins`` bins a panel (``_bins_drawn``), its title saying how many of how many where it leaves some out."""
    shown = list(parts[:max_panels])
    cols = 2 if len(shown) > 1 else 1
    rows = int(np.ceil(len(shown) / cols))
    fig = new_figure(10.0 if cols == 2 else 6.0, 2.6 * rows + 0.4)
    what = "mean abs. difference" if regression else "disagreement rate"
    for k, part in enumerate(shown):
        ax = fig.add_subplot(rows, cols, k + 1)
        drawn = _bins_drawn(part, max_bins)
        x = np.arange(len(drawn))
        ax.bar(x, np.asarray(part.rates)[drawn], color=[colour(3) if i == part.worst else colour(0) for i in drawn])
        ax.axhline(overall, color="#333333", ls="--", lw=0.8)
        ax.set_xticks(x, [plain(part.bins[i]) for i in drawn], rotation=35, ha="right", fontsize=7)
        some = "" if len(drawn) == len(part.bins) else \
            f" ({len(drawn)} of {len(part.bins)} bins: those of the most rows{'' if part.worst is None else ' and the worst'})"
        ax.set_title(plain(part.feature) + some, fontsize=9)
        ax.set_ylabel(what, fontsize=8)
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(f"where student and teacher disagree, by feature (dashed: overall {overall:.3g})", fontsize=10)
    return fig


def class_figure(matrix: np.ndarray, classes: Sequence[Any]) -> Any:
    """Teacher class (rows) against student class (columns). The off-diagonal cells, where they disagree, are
    shaded on their own scale (share of the teacher's row, up to the largest such share) and the diagonal is grey:
    on one scale a diagonal of hundreds left letters' disagreements of a few rows nearly white. Every non-zero
    count is written (every count up to 12 classes), smaller at many classes, so 26 classes' counts show too."""
    k = len(classes)
    side = min(max(4.0, 0.35 * k + 2.5), 14.0)
    fig = new_figure(side + 1.0, side)
    ax = fig.add_subplot()
    share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    off = np.ma.masked_array(share, mask=np.eye(k, dtype=bool))
    top = float(off.max()) if k > 1 and off.count() and off.max() > 0 else 1.0
    from matplotlib import colormaps  # after new_figure, which says how to install matplotlib

    cmap = colormaps["Reds"].with_extremes(bad="#dddddd")
    im = ax.imshow(off, cmap=cmap, vmin=0, vmax=top)
    names = [plain(c) for c in classes]
    ax.set_xticks(np.arange(k), names, rotation=90 if k > 6 or max(len(c) for c in names) > 8 else 0, fontsize=8)
    ax.set_yticks(np.arange(k), names, fontsize=8)
    ax.set_xlabel("student's class")
    ax.set_ylabel("teacher's class")
    font = 8 if k <= 12 else 6
    for i, j in zip(*np.nonzero((matrix > 0) | (k <= 12))):
        dark = i != j and share[i, j] > 0.6 * top
        ax.text(j, i, str(int(matrix[i, j])), ha="center", va="center", fontsize=font,
                color="white" if dark else "#222222")
    fig.colorbar(im, ax=ax, label="share of the teacher's class (off-diagonal)")
    ax.set_title("where student and teacher disagree (agreement grey)", fontsize=10)
    return fig


def regression_figure(teacher_values: np.ndarray, student_values: np.ndarray) -> Any:
    """Student value against teacher value, with the diagonal of perfect agreement."""
    fig = new_figure(5.5, 5.0)
    ax = fig.add_subplot()
    ax.scatter(teacher_values, student_values, s=6, alpha=0.5, color=colour(0))
    lo = float(min(teacher_values.min(), student_values.min()))
    hi = float(max(teacher_values.max(), student_values.max()))
    ax.plot([lo, hi], [lo, hi], color="#c00000", lw=1)
    ax.set_xlabel("teacher's value")
    ax.set_ylabel("student's value")
    ax.set_title("student against teacher (diagonal: agreement)", fontsize=10)
    return fig


def shift_figure(results: Any, title: str) -> Any:
    """Fidelity with its 95% interval under each shift (shifts that could not apply are marked n/a)."""
    fig = new_figure(7.0, 0.45 * len(results) + 1.3)
    ax = fig.add_subplot()
    y = np.arange(len(results))[::-1]
    left = min(0.0, min((r.score.low for r in results if r.score is not None), default=0.0))
    unit = 1.0 - left  # the axis' span less the room for the values: a negative R2 widens it
    for yy, r in zip(y, results):
        if r.score is None:
            ax.text(0.01, yy, "n/a", va="center", fontsize=8)
            continue
        s = r.score
        ax.barh(yy, s.value, color=colour(0) if r.shift.kind == "none" else colour(1))
        ax.errorbar(s.value, yy, xerr=[[max(s.value - s.low, 0)], [max(s.high - s.value, 0)]], color="#333333",
                    capsize=3)
        # Right of the bar and its interval: a negative R2's value written on its own bar had its minus
        # sign crossed out by the interval's line ('16.004' for -16.004).
        ax.text(max(s.high, 0.0) + 0.01 * unit, yy, f"{s.value:.3f}", va="center", fontsize=8)
    ax.set_yticks(y, [r.shift.label for r in results], fontsize=8)
    ax.set_xlim(left, 1.0 + 0.12 * unit)
    name = next((r.score.name for r in results if r.score is not None), "fidelity")  # "fidelity R2": regressors
    ax.set_xlabel(f"{name} to the teacher")
    ax.set_title(plain(title), fontsize=10)
    return fig
