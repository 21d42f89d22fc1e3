"""``report(front, X_holdout)``: the frontier, the chosen model, where it disagrees, how it holds up
under shift, its verification results and a model card, as HTML and Markdown."""

from __future__ import annotations

import os
import platform
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .._errors import DataError, UnknownClassError, counted, refuse_set, warn
from .._files import write_whole
from .._progress import check_progress
from .._version import __version__
from ..api import _comparable, concept_layer, fidelity
from ..domain import _plain
from ..frontier import (REPORT_LISTS, Frontier, FrontierPoint, SharedTeacher, check_constraints,
                        check_regression_holdout, encode_holdout)
from ..learners.base import check_random_state
from ..metrics import Score, class_indices, confusion, fixed
from ..models.base import label_text
from ..shift import DEFAULT_SHIFTS, Shift, ShiftResults, coerce_shifts, shifted_fidelities
from ..teachers.base import _n_rows, _some_labels
from ._mpl import png_bytes
from .drawing import DRAWERS, draw_model
from .figures import (class_figure, disagreement_by_feature, feature_figure, frontier_figure,
                      regression_figure, shift_figure)
from .render import Figure, KeyValues, Paragraph, Pre, Section, Table, to_html, to_markdown

_VERSIONED = ("numpy", "scipy", "scikit-learn", "matplotlib", "pandas", "torch", "onnxruntime", "z3-solver")


@dataclass
class Report:
    """A rendered report. ``html`` is self-contained; ``markdown`` links ``<stem>_figures/*.png``.

    ``path`` / ``markdown_path`` are set when it was written; ``figures`` maps a figure name to
    its PNG bytes; ``shifts`` maps a model label ("tree size 8"; "tree size 3 (max size 4)"
    where another model shown has the same form and size) to its fidelity under shift.
    ``write`` renders the Markdown again for the figure folder of the path it writes to.
    """

    html: str
    markdown: str
    figures: dict[str, bytes]
    chosen: FrontierPoint
    shifts: dict[str, ShiftResults]
    verification: list[Any]
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None
    markdown_path: Path | None = None
    document: tuple[str, str, list[Section]] | None = field(default=None, repr=False)  # title, subtitle, sections

    def write(self, path: str | Path) -> Path:
        """Write the HTML to ``path``, the Markdown beside it (``.md``) and its figures to
        ``<stem>_figures/``; returns the HTML path."""
        p = check_report_path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        write_whole(p, lambda part: part.write_text(self.html, encoding="utf-8"))
        fig_dir = p.with_name(p.stem + "_figures")
        fig_dir.mkdir(exist_ok=True)
        for name in FIGURE_NAMES - set(self.figures):  # an earlier report's (by_class after a regression's by_value)
            (fig_dir / f"{name}.png").unlink(missing_ok=True)
        for name, png in self.figures.items():
            write_whole(fig_dir / f"{name}.png", lambda part: part.write_bytes(png))
        if self.document is not None:  # built for another path (or none): link the folder written here
            self.markdown = to_markdown(*self.document, fig_dir.name)
        md = p.with_suffix(".md")
        write_whole(md, lambda part: part.write_text(self.markdown, encoding="utf-8"))
        self.path, self.markdown_path = p, md
        return p

    def __repr__(self) -> str:  # the HTML and figures run to megabytes: a REPL shows a summary
        where = f", path={str(self.path)!r}" if self.path is not None else ""
        return (f"Report(chosen={self.chosen.form} size {self.chosen.size}, {len(self.figures)} figures, "
                f"{len(self.html):,} characters of HTML, {len(self.warnings)} warnings{where})")


# Every figure a report may hold: writing one removes those of an earlier report at that path it does not hold.
FIGURE_NAMES = frozenset({"frontier", "model", "shift", "by_feature", "by_value", "by_class"})


def check_report_path(path: str | Path) -> Path:
    """``path`` as the HTML file of a report, checked before any work is done.

    Parameters
    ----------
    path : str or Path
        Where the HTML goes; the Markdown twin is written beside it (``.md``) and the figures into
        ``<stem>_figures/``.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        When ``path`` does not end in .html or names a folder (``r.html/``), when the HTML or
        Markdown path is a folder or a read-only file, when the figure folder's name is taken by a file, when a folder
        on the way is a file, or when the nearest existing folder on the way cannot be written to.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"report path must be a file path (str or Path), or None to write nothing; got "
                        f"{type(path).__name__} {path!r}")
    p = Path(path)
    if os.path.basename(path) in ("", ".", ".."):  # 'r.html/': Path would read it as the file r.html
        raise ValueError(f"cannot write {str(path)!r}: it names a folder, not a file")
    if p.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"report path must end in .html, got {str(path)!r}")
    for target in (p, p.with_suffix(".md")):
        if target.is_dir():
            raise ValueError(f"cannot write {str(target)!r}: Is a directory")
        if target.is_file() and not os.access(target, os.W_OK):  # write_whole moves a new file over it
            raise ValueError(f"cannot write {str(target)!r}: the file is read-only; make it writable, or give "
                             "another path")
    fig_dir = p.with_name(p.stem + "_figures")
    if fig_dir.exists() and not fig_dir.is_dir():
        raise ValueError(f"cannot write the report's figures into {str(fig_dir)!r}: it is a file, not a folder")
    existing = next(d for d in p.absolute().parents if d.exists())
    if not existing.is_dir():
        raise ValueError(f"cannot write the report to {str(path)!r}: {str(existing)!r} is a file, not a folder")
    if not os.access(existing, os.W_OK):
        raise ValueError(f"cannot write the report to {str(path)!r}: folder {str(existing)!r} is not writable")
    return p


def report(front: Frontier, X_holdout: Any = None, *, path: str | Path | None = "report.html",
           min_fidelity: float | None = None, conservative: bool = False, constraints: Sequence[Any] | None = None,
           verification: Sequence[Any] | None = None, shifts: Sequence[Shift | str | tuple[Any, ...]] = DEFAULT_SHIFTS,
           title: str = "symdistill report", random_state: int | None = 0, progress: bool | None = None,
           timeout: float | None = None) -> Report:
    """Build the report for ``front`` and write it to ``path`` (HTML) and its Markdown twin.

    Parameters
    ----------
    front : Frontier
        From :func:`symdistill.frontier`.
    X_holdout : array or DataFrame, optional
        Rows the chosen model is examined on (disagreements, shifts); default: the frontier's
        held-out rows. The frontier table keeps the fidelities measured when it was built.
    path : str or Path or None
        Where to write the HTML (Markdown: same name, ``.md``; its figures in ``<stem>_figures/``).
        None writes nothing.
    min_fidelity : float, optional
        The chosen model is ``front.best(min_fidelity)``; by default the knee. When no model reaches
        it, the most faithful one is chosen and the report says so at the top (and warns).
    conservative : bool
        Compare ``min_fidelity`` with the lower end of each model's interval (refused without
        ``min_fidelity``).
    constraints : sequence, optional
        Constraints (strings such as ``"x0 > 5 -> prediction == 1"``, or properties such as
        ``sd.monotonic("age")``) checked exactly on the chosen model with ``symdistill.verify``; the
        teacher is asked about each counterexample (``timeout=`` bounds z3). One that gets no verdict (a
        ``NoVerdict``: a ``RoundingAmbiguity``, a ``VerificationTimeout``) is listed as "no verdict"
        with the reason, as a dict whose ``holds`` is None. Default: those
        given to :func:`symdistill.frontier` (``front.constraints``). A constraint naming a feature or
        class the frontier's models lack, or otherwise refused by ``verify``, is refused before any
        work, as ``sd.frontier`` refuses it.
    verification : sequence, optional
        Results computed elsewhere (``verify`` verdicts, or dicts with ``constraint``, ``holds``
        and optionally ``counterexample`` / ``note``), shown as given.
    shifts : sequence
        Shifts for the fidelity-under-shift section (see :mod:`symdistill.shift`).
    title : str
    random_state : int or None
        Seed of the shifted rows.
    progress : bool or None
        The ``shifted fidelity`` bar (see :func:`symdistill.shift.shifted_fidelities`) while the chosen and
        Pareto models are scored on each shift, the teacher asked about every shifted held-out row: the
        report's longest step on large data (1.7 s of 3.9 at 500,000 rows with a teacher of a few NumPy
        operations), which ran with no bar. None (default): on an interactive terminal only.
    timeout : float or None
        Seconds each constraint's ``verify`` call may take (``sd.verify``'s ``timeout=``): a constraint z3
        cannot settle in time (a 26-class softmax's monotonicity runs for minutes) is listed as "no verdict"
        with the limit's message, and the report goes on. None (default): no limit, as ``sd.verify``'s.

    Returns
    -------
    Report

    Examples
    --------
    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(size=(600, 3))
    >>> net = lambda X: (X[:, 0] + X[:, 1] > 1).astype(int)
    >>> front = sd.frontier(net, X, forms=["tree"], sizes=[2, 4], n_samples=1000)
    >>> rep = sd.report(front, path=None)
    >>> "data:image/png;base64," in rep.html and "http" not in rep.html
    True
    """
    if not isinstance(front, Frontier):
        raise TypeError(f"report needs a Frontier (from symdistill.frontier), got {type(front).__name__}")
    layer = next(filter(None, (concept_layer(p.model) for p in front.points)), None)
    if layer is not None:
        raise TypeError(f"report examines models of the frontier's rows, but its models are concept rules over "
                        f"hidden layer {layer!r} (distilled with layer=); front.table() scores them")
    if path is not None:
        check_report_path(path)
    if not isinstance(title, str):
        raise TypeError(f"title must be text (a str), got {type(title).__name__} {title!r}")
    if isinstance(constraints, str):
        raise TypeError(f"constraints must be a list of constraint strings, got the string {constraints!r}")
    refuse_set("constraints", constraints, REPORT_LISTS)
    if constraints is None:
        constraints = front.constraints
    check_constraints(constraints or [], front.domain, front.teacher)  # as sd.frontier checks them: before any work
    for given in verification or []:
        _verdict_row(given)
    shifts = coerce_shifts(shifts)  # before any work, as the path and the verification rows; a generator is read once
    check_random_state(random_state)
    check_progress(progress)
    from ..verify.api import check_timeout  # verify is imported where it is used, as sd.frontier imports it

    check_timeout(timeout)
    if X_holdout is not None and _n_rows(X_holdout) < 1:
        raise DataError("X_holdout has no rows: the report examines the chosen model on at least one row")
    if X_holdout is not None and front.task == "regression":  # as sd.frontier says it
        check_regression_holdout(_n_rows(X_holdout), "X_holdout has")
    t0 = time.perf_counter()
    notes: list[str] = []
    X_hold = front.X_holdout if X_holdout is None else X_holdout
    chosen = _choose(front, min_fidelity, conservative, notes)
    model, teacher = chosen.model, front.teacher
    domain = model.domain
    Z = domain.encode(X_hold) if X_holdout is None else encode_holdout(domain, X_holdout)
    same_holdout = X_holdout is None or _same_rows(domain, front.X_holdout, X_holdout, Z)
    if not same_holdout:
        _check_not_training_rows(front, Z, notes)
        teacher = _report_teacher(teacher, domain.decode(Z), notes)
    regression = front.task == "regression"
    score = fidelity(model, teacher, X_hold, progress=False)
    ref = teacher.predict(domain.decode(Z))
    pred = np.asarray(model.predict(X_hold))

    figures: dict[str, bytes] = {}
    sections = [_summary(front, chosen, score, _why(chosen, min_fidelity, conservative),
                         _measured_on(front, len(Z), same_holdout), same_holdout, notes)]

    figures["frontier"] = png_bytes(frontier_figure(front, chosen, min_fidelity, conservative))
    sections.append(_frontier_section(front, chosen, figures["frontier"], min_fidelity, conservative,
                                      None if same_holdout else len(Z)))

    model_sec = Section("Chosen model", anchor="model")
    model_sec.blocks.append(Paragraph(f"{chosen.form}, size {chosen.size} (asked for at most {chosen.max_size}), "
                                      f"{_literals(chosen)}; {score}."))
    if model.kind in DRAWERS:
        figures["model"] = png_bytes(draw_model(model, X_hold))
        model_sec.blocks.append(Figure("model", f"the chosen {chosen.form} model", figures["model"]))
    else:
        model_sec.blocks.append(Paragraph(f"no drawing exists for model kind {model.kind!r}: its text form follows",
                                          "note"))
    model_sec.blocks.append(Pre(str(model)))
    sections.append(model_sec)

    rows_words = counted(len(Z), "held-out row") if same_holdout else f"{counted(len(Z), 'row')} given to the report"
    sections.append(_disagreement_section(domain, Z, ref, pred, teacher, regression, figures, rows_words))

    shift_results = _shifts(front, chosen, teacher, X_hold, shifts, random_state, progress)
    label = next(iter(shift_results))  # the chosen model's, first
    figures["shift"] = png_bytes(shift_figure(shift_results[label], f"fidelity of {label} under shift"))
    sections.append(_shift_section(shift_results, label, figures["shift"], rows_words))

    results = _verification(model, teacher, constraints, verification, timeout)
    sections.append(_verification_section(results, constraints is not None or verification is not None))

    sections.append(_model_card(front, teacher, chosen, score, X_hold, same_holdout, random_state,
                                time.perf_counter() - t0))
    subtitle = (f"{front.teacher.name} distilled into {', '.join(front.forms)} at sizes "
                f"{', '.join(map(str, front.sizes))}; symdistill {__version__}")
    figure_dir = (Path(path).stem if path is not None else "report") + "_figures"
    rep = Report(to_html(title, subtitle, sections), to_markdown(title, subtitle, sections, figure_dir), figures,
                 chosen, shift_results, results, notes, document=(title, subtitle, sections))
    if path is not None:
        rep.write(path)
    return rep


# -- choosing -----------------------------------------------------------------------------------
def _choose(front: Frontier, min_fidelity: float | None, conservative: bool, notes: list[str]) -> FrontierPoint:
    try:
        return front.best_point(min_fidelity, conservative=conservative)
    except ValueError as exc:
        if min_fidelity is None or "no model reaches" not in str(exc):
            raise
    top = max(front.points, key=lambda p: (p.score.low if conservative else p.fidelity, -p.size))
    what = "the lower end of its 95% interval at" if conservative else "fidelity"
    instead = "the model whose lower end is highest" if conservative else "the most faithful one"
    msg = (f"No model reaches {what} {min_fidelity!s}; the report shows {instead} instead "
           f"({top.form}, size {top.size}, {top.score}).")
    warn(msg)
    notes.append(msg)
    return top


def _report_teacher(shared: SharedTeacher, rows: Any, notes: list[str]) -> SharedTeacher:
    """The frontier's teacher for the rows given to the report, ``rows``; where it answers them in a
    class it never gave on the frontier's rows (its classes were read off its answers there), a copy
    with that class too, and a note saying so: no model predicts the class, so each such row is a miss
    for every model. Declared classes that lack it are an error naming the rows."""
    try:
        shared.predict(rows)
        return shared
    except UnknownClassError as exc:
        if shared._declared_classes or shared.inner._output_kind != "labels":
            raise UnknownClassError(f"X_holdout (the rows given to the report): {exc}", exc.labels) from None
        new = exc.labels
    wide = SharedTeacher(shared.inner.widened(new))
    idx, _ = class_indices(wide.predict(rows), wide.classes_)
    at = np.flatnonzero(idx >= len(shared.classes_))
    old = ", ".join(repr(_plain(c)) for c in shared.classes_)
    msg = (f"The teacher answers {_some_labels(list(new), 'class')} on {at.size} of the {len(idx)} rows given to "
           f"the report (first: row {at[0]}), a class it never gave on the frontier's rows, whose answers gave "
           f"its classes [{old}]: no model predicts it, so each of these rows is a miss for every model here "
           "(the frontier table's fidelities, measured on the frontier's held-out rows, do not count them). "
           "To distil models that can predict it, give rows where the teacher answers it to sd.frontier.")
    warn(msg)
    notes.append(msg)
    return wide


def _check_not_training_rows(front: Frontier, Z: np.ndarray, notes: list[str]) -> None:
    """Warn (and note) where half or more of the rows given to the report (``Z``, encoded) are rows the models
    were distilled from (``symdistill report --holdout`` naming the --data file; where the models were
    distilled from a sample of the training rows, half the sample's share): fidelity there is measured on
    training rows, and reads higher than on rows the fits never saw. A few shared rows are data that
    repeats itself (adult holds duplicate rows), not a mistake."""
    Z_train = front.domain.encode(front.X_train)
    seen = {row.tobytes() for row in np.ascontiguousarray(Z_train, dtype=float)}
    shared = sum(row.tobytes() in seen for row in np.ascontiguousarray(Z, dtype=float))
    # the models were distilled from a sample of the training rows where there were many: of training rows
    # given again, that share is found in it
    sampled = len(Z_train) / max(front.n_training_rows, len(Z_train))
    if shared and 2 * shared >= sampled * len(Z):
        msg = (f"{shared} of the {len(Z)} rows given to the report are rows the models were distilled from: the "
               "fidelities measured on them read higher than on rows the fits never saw; give rows kept out of "
               "sd.frontier's X (symdistill report: a --holdout file other than --data)")
        warn(msg)
        notes.append(msg)


def _same_rows(domain: Any, front_rows: Any, rows: Any, Z: np.ndarray) -> bool:
    """Whether the rows given to the report are the frontier's held-out rows (``Z``: ``rows`` encoded)."""
    if rows is front_rows:
        return True
    Z_front = domain.encode(front_rows)
    return Z_front.shape == Z.shape and bool(np.array_equal(Z_front, Z, equal_nan=True))


def _labels(points: Sequence[FrontierPoint]) -> list[str]:
    """Each point's label, "tree size 8"; points of one form and size (fitted with different max sizes) have
    their max size added, "tree size 3 (max size 4)": under one label, the shift table kept the first only."""
    same = Counter((p.form, p.size) for p in points)
    return [f"{p.form} size {p.size}" + (f" (max size {p.max_size})" if same[p.form, p.size] > 1 else "")
            for p in points]


def _literals(p: FrontierPoint) -> str:
    return "literal count not defined for this form" if p.literals is None else f"{p.literals} literals"


# -- sections -----------------------------------------------------------------------------------
def _held_out(front: Frontier) -> str:
    """``'150 held-out rows (split from the data)'``: the rows the frontier measured fidelity on."""
    how = "split from the data" if front.holdout_source == "split" else "given"
    return f"{counted(len(front.X_holdout), 'held-out row')} ({how})"


def _why(chosen: FrontierPoint, min_fidelity: float | None, conservative: bool) -> str:
    """The rule that chose ``chosen`` (``_choose``'s), as the summary says it (``min_fidelity`` as written:
    ``str``, not ``format``, gives np.float32(0.9) as 0.9)."""
    if min_fidelity is None:
        return ("the knee of the frontier (no min_fidelity given): the Pareto model after which doubling the "
                "size buys the least fidelity")
    what = "95% interval's lower end" if conservative else "fidelity"
    if (chosen.score.low if conservative else chosen.fidelity) < min_fidelity:
        return f"no model reaches min_fidelity {min_fidelity!s}: " + (
            "the one whose lower end is highest" if conservative else "the most faithful one")
    return f"the smallest model whose {what} reaches min_fidelity {min_fidelity!s}" + (
        " (conservative)" if conservative else "")


def _measured_on(front: Frontier, n_rows: int, same_holdout: bool) -> str:
    """Which rows the chosen model's fidelity was measured on, what it is and which interval it has."""
    if same_holdout:
        rows = f"the {_held_out(front)}, which no model was distilled from"
    else:
        rows = (f"the {counted(n_rows, 'row')} given to the report (the frontier table: its "
                f"{counted(len(front.X_holdout), 'held-out row')})")
    if front.task == "regression":
        return rows + ": R2 of the model's values against the teacher's, [low, high] its 95% bootstrap interval"
    return rows + ": the share where the model gives the teacher's label, [low, high] its 95% Wilson interval"


def _summary(front: Frontier, chosen: FrontierPoint, score: Score, why: str, measured_on: str, same_holdout: bool,
             notes: list[str]) -> Section:
    sec = Section("Summary", anchor="summary")
    sec.blocks += [Paragraph(n, "warning") for n in notes]
    knee = front.knee
    items = [("teacher", f"{front.teacher.name} ({front.task})"),
             ("chosen model", f"{chosen.form}, size {chosen.size}, {_literals(chosen)}"),
             ("why this model", why),
             ("fidelity of the chosen model", str(score)),
             ("fidelity measured on", measured_on),
             ("knee of the frontier", f"{knee.form} size {knee.size}: {knee.score}"),
             ("models fitted", f"{len(front.points)} ({counted(len(front.forms), 'form')} x {counted(len(front.sizes), 'size')}) in "
                               f"{front.seconds:.1f} s"),
             ("held-out rows", _held_out(front).replace(" held-out rows", "")
                               + ("" if same_holdout else "; the chosen model is examined on other rows given to the report"))]
    sec.blocks.append(KeyValues(tuple(items)))
    return sec


def _frontier_section(front: Frontier, chosen: FrontierPoint, png: bytes, min_fidelity: float | None,
                      conservative: bool, other_rows: int | None) -> Section:
    """The frontier's figure, table and a note on both; ``other_rows``: how many rows were given to the
    report when they are not the frontier's held-out rows (the table's fidelities are not theirs)."""
    sec = Section("Fidelity-size frontier", anchor="frontier")
    interval = "bootstrap" if front.task == "regression" else "Wilson"
    bar = "" if min_fidelity is None else f"; dotted: min_fidelity {min_fidelity:g}" + (
        ", reached by the 95% interval's lower end" if conservative else "")
    sec.blocks.append(Figure("frontier", f"fidelity against size, per form, bars: 95% {interval} interval; dashed: "
                             f"Pareto front; star: knee; ring: chosen model{bar}", png))
    table = front.table()
    hl = frozenset(i for i, p in enumerate(front.points) if p is chosen)
    sec.blocks.append(Table(table.HEADER, tuple(tuple(r) for r in table.cells()), hl))
    rows = (f"fidelity: measured on the frontier's {_held_out(front)}, which no model was distilled from"
            + ("." if other_rows is None else f", not on the {counted(other_rows, 'row')} given to the report "
                                              "(the summary's fidelity)."))
    sec.blocks.append(Paragraph(f"{rows} front: 'pareto' marks models no other model beats in both size and "
                                "fidelity; 'knee' marks the Pareto model after which doubling the size buys the "
                                "least fidelity. queries: rows a fit asked the teacher about, as the fit alone would; "
                                "new: those the teacher answered for the first time (the shared cache answered the "
                                "rest), the first fit's with the held-out rows. The highlighted row is the chosen "
                                "model.", "note"))
    return sec


# Where each learner draws its queries (learners/*.py): a tree tops up each node's region and rules
# each rule's, after drawing over the whole domain; a linear model and decompositional
# rules draw over the whole domain only.
_SAMPLED_WHERE = {("tree", "pedagogical"): "over the whole domain, then inside each node's region",
                  ("rules", "pedagogical"): "over the whole domain, then inside each rule's region",
                  ("linear", "pedagogical"): "over the whole domain only",
                  ("rules", "decompositional"): "over the whole domain only (the rules are read off the "
                                                "network's hidden layers)"}


def _disagreement_section(domain: Any, Z: np.ndarray, ref: np.ndarray, pred: np.ndarray, teacher: Any,
                          regression: bool, figures: dict[str, bytes], rows_words: str) -> Section:
    sec = Section("Where student and teacher disagree", anchor="disagreement")
    if regression:
        loss = np.abs(pred.astype(float) - ref.astype(float))
        what = "mean absolute difference"
    else:
        loss = (_comparable(pred, ref) != ref).astype(float)
        what = "disagreement rate"
    parts = disagreement_by_feature(domain, Z, loss)
    overall = float(loss.mean())
    # A rate column in one format: 4 significant digits put '0.137' over '0.09859'. A classifier's rates are
    # shares, 4 decimals; a regressor's differences are in the target's units, of any scale, so significant digits.
    num = (lambda v: f"{v:.4g}") if regression else fixed
    sec.blocks.append(Paragraph(f"Overall {what} on the {rows_words}: {num(overall)}. Features are "
                                "ranked by how unevenly disagreement spreads over their bins; a feature's worst bin "
                                "holds the most disagreement beyond the overall rate (rows x excess rate), not "
                                "the highest rate of a few rows."))
    figures["by_feature"] = png_bytes(feature_figure(parts, overall, regression))
    sec.blocks.append(Figure("by_feature", f"{what} per bin of the features where it concentrates most",
                             figures["by_feature"]))
    rows = tuple((p.feature, "none: every bin at the overall rate", "", "", num(p.spread)) if p.worst is None else
                 (p.feature, p.bins[p.worst], num(p.rates[p.worst]), str(p.counts[p.worst]), num(p.spread))
                 for p in parts)
    sec.blocks.append(Table(("feature", "worst bin", what, "rows in bin", "spread"), rows))
    if regression:
        figures["by_value"] = png_bytes(regression_figure(ref.astype(float), pred.astype(float)))
        sec.blocks.append(Figure("by_value", "student value against teacher value", figures["by_value"]))
        return sec
    t_idx, classes = class_indices(ref, teacher.classes_)
    s_idx, classes = class_indices(_comparable(pred, ref), classes)
    mat = confusion(t_idx, s_idx, len(classes))
    names = [label_text(c) for c in classes]  # as the model and the model card print them
    figures["by_class"] = png_bytes(class_figure(mat, names))
    sec.blocks.append(Figure("by_class", "teacher class against student class", figures["by_class"]))
    rows = []
    for i in range(len(classes)):
        n = int(mat[i].sum())
        wrong = n - int(mat[i, i])
        off = mat[i].copy()
        off[i] = -1
        instead = names[int(np.argmax(off))] if wrong else ""
        rows.append((names[i], str(n), str(wrong), fixed(wrong / n) if n else "", instead))
    sec.blocks.append(Table(("teacher's class", "rows", "student disagrees", "rate", "student says instead (most often)"),
                            tuple(rows)))
    return sec


def _shifts(front: Frontier, chosen: FrontierPoint, teacher: Any, X: Any, shifts: Sequence[Any],
            random_state: int | None, progress: bool | None) -> dict[str, ShiftResults]:
    points = [chosen] + [q for q in front.pareto if q is not chosen]
    results = shifted_fidelities([p.model for p in points], teacher, X, shifts=shifts,
                                 random_state=random_state, progress=progress)
    return dict(zip(_labels(points), results))


def _shift_section(results: dict[str, ShiftResults], chosen_label: str, png: bytes, rows_words: str) -> Section:
    sec = Section("Fidelity under shift", anchor="shift")
    sec.blocks.append(Paragraph(
        f"Fidelity measured again on the {rows_words} moved away from the data: Gaussian noise of a fraction of "
        "each numeric or integer feature's standard deviation (integers rounded; binary and categorical features, "
        "and numeric ones of two values, resampled with that probability, every one from 1 on); one numeric or integer feature per row moved "
        "outside its observed range by up to the margin times the range (integers then rounded away from "
        "the range, which can take them further); every column "
        "permuted independently (marginals kept, dependencies broken). Same seed, same rows."))
    sec.blocks.append(Figure("shift", f"fidelity of {chosen_label} under each shift (95% interval)", png))
    labels = [r.shift.label for r in next(iter(results.values()))]
    rows = []
    for name, res in results.items():
        rows.append((name, *[("n/a" if r.score is None else f"{fixed(r.score.value)} {r.score.interval()}")
                             for r in res]))
    sec.blocks.append(Table(("model (chosen, then Pareto front)", *labels), tuple(rows), frozenset({0})))
    unscored = dict.fromkeys((r.shift.label, r.note) for res in results.values() for r in res if r.score is None)
    sec.blocks += [Paragraph(f"{shift}: n/a, {note}.", "note") for shift, note in unscored]
    return sec


def _verification(model: Any, teacher: Any, constraints: Sequence[Any] | None,
                  given: Sequence[Any] | None, timeout: float | None = None) -> list[Any]:
    out = list(given or [])
    if constraints is None:
        return out
    from ..verify import verify
    from ..verify.result import NoVerdict, VerificationTimeout

    for c in constraints:
        try:
            out.append(verify(model, c, teacher=teacher, timeout=timeout))
        except NoVerdict as exc:  # no verdict (out of time, within rounding of a tie): a row saying so, not a crash
            row = {"constraint": c if isinstance(c, str) else c.describe(), "holds": None,
                   "note": str(exc) if isinstance(exc, VerificationTimeout) else f"no verdict: {exc}"}
            if isinstance(exc, VerificationTimeout):  # the limit that ran out (symdistill report names --timeout)
                row["timeout"] = exc.timeout
            out.append(row)
    return out


def _verdict_row(r: Any) -> tuple[str, str, str, str]:
    if isinstance(r, dict):
        if "constraint" not in r or "holds" not in r:
            raise ValueError(f"a verification result given as a dict needs 'constraint' and 'holds' keys, got {sorted(r)}")
        cx, note = r.get("counterexample"), r.get("note", "")
        verdict = "no verdict" if r["holds"] is None else "holds" if r["holds"] else "violated"
        return (str(r["constraint"]), verdict, "" if cx is None else str(cx), str(note))
    for attr in ("constraint", "holds"):
        if not hasattr(r, attr):
            raise TypeError(f"a verification result needs a {attr!r} attribute (a verify verdict), "
                            f"got {type(r).__name__}")
    cx = getattr(r, "counterexample", None)
    teacher = getattr(r, "teacher", None)
    verdict = "violated" if not r.holds else f"holds vacuously: {r.vacuity}" if getattr(r, "vacuous", None) else "holds"
    return (str(r.constraint), verdict, "" if cx is None else str(cx), "" if teacher is None else str(teacher))


def _verification_section(results: list[Any], asked: bool) -> Section:
    sec = Section("Verification", anchor="verification")
    if not asked:
        sec.blocks.append(Paragraph("No constraints were given (pass constraints=[...] or verification=[...]).",
                                    "note"))
        return sec
    rows = tuple(_verdict_row(r) for r in results)
    n_bad = sum(1 for r in rows if r[1] == "violated")
    n_open = sum(1 for r in rows if r[1] == "no verdict")
    undecided = (f", {n_open} without a verdict (z3 out of time, or within rounding of a tie: see the row)"
                 if n_open else "")
    sec.blocks.append(Paragraph(f"{len(rows)} constraint(s) checked on the chosen model: {len(rows) - n_bad - n_open} "
                                f"hold, {n_bad} violated{undecided}. Verdicts are exact over the whole input domain."))
    sec.blocks.append(Table(("constraint", "verdict", "counterexample", "teacher on the counterexample"), rows,
                            frozenset(i for i, r in enumerate(rows) if r[1] == "violated")))
    return sec


def _model_card(front: Frontier, teacher: SharedTeacher, chosen: FrontierPoint, score: Score, X_hold: Any,
                same_holdout: bool, random_state: int | None, seconds: float) -> Section:
    sec = Section("Model card", anchor="card")
    fp = teacher.describe()
    classes = fp.get("classes")
    teacher_items = [("teacher", str(fp.get("teacher"))), ("task", str(fp.get("task"))),
                     ("teacher output", str(fp.get("output")))]
    if classes is not None:
        # Quoted where a label holds the list's separator, as printouts quote a label they could misread.
        shown = ", ".join(label_text(c, ends=",") for c in classes[:20]) + \
            (f", ... ({len(classes)} in all)" if len(classes) > 20 else "")
        teacher_items.append(("classes", shown))
    asked = front.teacher.n_queries + (teacher.n_queries if teacher is not front.teacher else 0)
    # Not distinct rows: the shared cache answers a row asked again, but each fit's determinism check asks
    # some rows anew (as the frontier table's 'new' column counts them).
    teacher_items.append(("teacher queries", f"{asked} rows the teacher answered for the frontier and this report "
                                             "(a shared cache answers repeated rows; determinism checks ask some "
                                             "again)"))
    sec.blocks.append(KeyValues(tuple(teacher_items)))
    dom = front.domain
    data_items = [("training rows", str(front.n_training_rows) + (f"; the models were distilled from a seeded random "
                                                                  f"sample of {len(front.X_train)} "
                                                                  f"(max_train_rows={front.max_train_rows})"
                                                                  if front.sampled else "")),
                  ("held-out rows (frontier)", f"{len(front.X_holdout)} ({front.holdout_source})"),
                  ("rows examined in this report", f"{len(X_hold)}" + ("" if same_holdout else " (given to the report)")),
                  ("features", str(dom.n_features))]
    sec.blocks.append(KeyValues(tuple(data_items)))
    feats = []
    for f in dom.features:
        if f.is_categorical:
            # as the classes above: quoted where a category would misread in the list (empty, holding its comma)
            rng = f"{len(f.categories)} categories: " + ", ".join(label_text(c, ends=",") for c in f.categories[:8]) + \
                  (", ..." if len(f.categories) > 8 else "")
        else:
            digits = ".0f" if f.kind in ("integer", "binary") else ".6g"  # ids of 8 digits kept whole
            rng = f"[{f.lower:{digits}}, {f.upper:{digits}}]"
        feats.append((f.name, f.kind, rng))
    sec.blocks.append(Table(("feature", "kind", "observed range / categories"), tuple(feats)))
    listed = lambda o: ", ".join(f"{k}={v!r}" for k, v in sorted(o.items()))  # noqa: E731
    opts = "; ".join([listed(front.options) or "defaults",
                      *(f"{form}: {listed(o)}" for form, o in front.form_options.items() if o)])
    where = "; ".join(f"{form}: {_SAMPLED_WHERE.get((form, front.method), 'as its learner draws them')}"
                      for form in front.forms)
    run_items = [("sampler", f"RegionSampler: smoothed bootstrap of the training rows (follows the data "
                             f"distribution), drawn {where}; teacher answers shared between fits"),
                 ("method", front.method), ("learner options", opts),
                 ("seed", f"{front.random_state} (frontier), {random_state} (shifted rows)"),
                 ("forms", ", ".join(front.forms)), ("sizes", ", ".join(map(str, front.sizes))),
                 ("chosen", f"{chosen.form} size {chosen.size}: {score}"),
                 ("time", f"frontier {front.seconds:.1f} s (chosen model's fit {chosen.seconds:.2f} s), "
                          f"report {seconds:.1f} s")]
    sec.blocks.append(KeyValues(tuple(run_items)))
    versions = [("symdistill", __version__), ("python", platform.python_version()),
                ("platform", platform.platform(terse=True))]
    for dist in _VERSIONED:
        try:
            versions.append((dist, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            continue
    sec.blocks.append(KeyValues(tuple(versions)))
    return sec
