"""Drawings of symbolic models: tree diagram, rule table, weight chart, automaton diagram.

``draw_model(model)`` picks the drawing for ``model.kind`` and returns a Matplotlib ``Figure``
(made without pyplot). Rendering lives here, apart from the models: a model never draws itself.
User-provided names (features, classes, symbols) are drawn as plain text, never as mathtext.
"""

from __future__ import annotations

import textwrap
from typing import Any, Callable

import numpy as np

from .._errors import counted
from .._scale import mean_std
from ..models.automata import symbol_text
from ..models.base import label_text, percent_text, value_text, values_note
from ._mpl import colour, new_figure

__all__ = ["DRAWERS", "draw_model", "draw_tree", "draw_rules", "draw_linear", "draw_automaton"]


def plain(text: Any) -> str:
    """``text`` as a literal Matplotlib string: ``$`` would otherwise start mathtext."""
    return str(text).replace("$", r"\$")


def draw_model(model: Any, X: Any = None) -> Any:
    """A Matplotlib ``Figure`` showing ``model``; ``X`` (rows) lets weight charts show effects.

    Raises ``TypeError`` for a model kind with no drawing (see ``DRAWERS``).

    >>> import numpy as np, symdistill as sd
    >>> X = np.random.default_rng(0).uniform(size=(300, 2))
    >>> tree = sd.distill(lambda X: (X[:, 0] > 0.5).astype(int), X, max_size=2, random_state=0)
    >>> len(draw_model(tree).axes)
    1
    """
    kind = getattr(model, "kind", None)
    if kind not in DRAWERS:
        raise TypeError(f"no drawing for model kind {kind!r}; drawings exist for {sorted(DRAWERS)}")
    return DRAWERS[kind](model, X)


# -- tree ---------------------------------------------------------------------------------------
def draw_tree(tree: Any, X: Any = None, *, max_leaves: int = 8) -> Any:
    """Tree diagram, root on top; ``yes`` edges go left. Deeper levels than fit ``max_leaves``
    boxes are folded into one box per subtree that says how many leaves it holds, the title saying how many
    levels are drawn and that the text form holds the whole tree. At 32 boxes letters' 64-leaf tree was drawn
    30 inches (3000 px) wide and its 6-point text unreadable once the report scaled it to its page; 8 boxes of
    1.7 inches keep the text at 9 points on a figure of at most 14 inches."""
    left, right = tree.children_left, tree.children_right
    depth = tree.node_depths()  # any node order (saved trees need not list parents first)
    leaves_under = _leaves_under(left, right, depth)
    is_leaf = left < 0
    shown_depth = int(depth.max())
    while shown_depth > 0 and int(np.sum((is_leaf & (depth <= shown_depth)) | (~is_leaf & (depth == shown_depth)))) > max_leaves:
        shown_depth -= 1
    x: dict[int, float] = {}
    order: list[int] = []
    counter = [0.0]
    values = tree.value[is_leaf, 0] if tree.task == "regression" else np.empty(0)

    def place(i: int) -> None:
        order.append(i)
        if is_leaf[i] or depth[i] == shown_depth:
            x[i] = counter[0]
            counter[0] += 1
            return
        place(int(left[i]))
        place(int(right[i]))
        x[i] = (x[int(left[i])] + x[int(right[i])]) / 2

    place(0)
    n_cols = max(int(counter[0]), 1)
    fig = new_figure(min(max(6.0, 1.7 * n_cols), 14.0), max(2.5, 1.15 * (shown_depth + 1)))
    ax = fig.add_subplot()
    ax.set_axis_off()
    font = 9 if n_cols <= 12 else 7 if n_cols <= 24 else 6
    for i in order:
        if is_leaf[i] or depth[i] == shown_depth:
            continue
        for child, label in ((int(left[i]), "yes"), (int(right[i]), "no")):
            ax.annotate("", xy=(x[child], -depth[child]), xytext=(x[i], -depth[i]),
                        arrowprops={"arrowstyle": "-", "color": "#888888", "lw": 1})
            ax.text((x[i] + x[child]) / 2, -(depth[i] + depth[child]) / 2, label, fontsize=font - 1,
                    ha="center", va="center", color="#555555", backgroundcolor="white")
    for i in order:
        if is_leaf[i]:
            text, face = _leaf_label(tree, i, values)
        elif depth[i] == shown_depth:
            text, face = f"... subtree\n({int(leaves_under[i])} leaves)", "#eeeeee"
        else:
            text, face = "\n".join(_wrap(tree.condition_text(i), 22)), "#f7f7f7"
        ax.text(x[i], -depth[i], plain(text), fontsize=font, ha="center", va="center",
                bbox={"boxstyle": "round,pad=0.35", "fc": face, "ec": "#666666", "lw": 0.8})
    ax.set_xlim(-0.7, n_cols - 0.3)
    ax.set_ylim(-shown_depth - 0.6, 0.6)
    title = f"decision tree: {tree.size} {'leaf' if tree.size == 1 else 'leaves'}, depth {tree.depth}"
    if shown_depth < int(depth.max()):
        title += (f"\nfirst {shown_depth} {'level' if shown_depth == 1 else 'levels'} of conditions drawn, deeper "
                  "ones folded; the whole tree is in its text form (the report's text below the drawing)")
    ax.set_title(title + _values_note(values), fontsize=10)
    return fig


def _leaves_under(left: np.ndarray, right: np.ndarray, depth: np.ndarray) -> np.ndarray:
    count = (left < 0).astype(int)
    for i in np.argsort(-depth, kind="stable"):  # deepest first: children before their parent
        if left[i] >= 0:
            count[i] = count[left[i]] + count[right[i]]
    return count


def _values_note(values: np.ndarray) -> str:
    """The printouts' note, as a second title line, when one of a regressor's ``values`` is drawn rounded."""
    return "".join("\n" + note.lstrip("# ") for note in values_note(values))


def _leaf_label(tree: Any, i: int, values: np.ndarray) -> tuple[str, str]:
    if tree.task == "regression":
        return value_text(tree.value[i, 0], values), "#e8eef7"
    c = int(tree.leaf_class[i])
    return f"{label_text(tree.classes[c])}\n{percent_text(tree.class_shares[i, c])} agree", _tint(colour(c))


def _tint(hex_colour: str, amount: float = 0.65) -> tuple[float, float, float]:
    rgb = np.array([int(hex_colour[k:k + 2], 16) for k in (1, 3, 5)]) / 255.0
    return tuple(float(v) for v in rgb + (1 - rgb) * amount)  # type: ignore[return-value]


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of about ``width`` characters, broken only at spaces: textwrap's defaults broke
    adult's names at their hyphens ("`marital-" / "status`", "'Exec-" / "managerial'") and cut a long
    category in two, names no feature or category has; a word longer than ``width`` keeps a line of its own."""
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


# -- rules --------------------------------------------------------------------------------------
def draw_rules(rules: Any, X: Any = None, *, width: int = 70) -> Any:
    """Rule table in decision-list order: IF conditions, THEN prediction, coverage, and the teacher's
    agreement (classifiers) or the mean absolute error (regressors), as the printout gives them."""
    rows = []
    regression = rules.task == "regression"
    values = np.array([float(r.prediction) for r in rules.rules] + [float(rules.default.prediction)]
                      if regression else [])
    for k, rule in enumerate(list(rules.rules) + [rules.default]):
        is_default = k == len(rules.rules)
        cond = "otherwise" if is_default else " AND ".join(c.describe(rules.domain) for c in rule.conditions)
        cond = cond or "always"
        if regression:
            then = value_text(float(rule.prediction), values)
            agr = "" if rule.error is None else f"{rule.error:.6g}"
        else:
            then = label_text(rules.classes[int(rule.prediction)])
            agr = "" if rule.agreement is None else percent_text(rule.agreement)
        cov = "" if rule.coverage is None else percent_text(rule.coverage)
        rows.append(("else" if is_default else str(k + 1), _wrap(cond, width) or [""], then, cov, agr,
                     None if regression else int(rule.prediction)))
    n_lines = sum(len(r[1]) for r in rows) + 1.5
    fig = new_figure(10.0, max(1.6, 0.24 * n_lines + 0.6))
    ax = fig.add_subplot()
    ax.set_axis_off()
    cols = (0.0, 0.05, 0.70, 0.82, 0.91) if regression else (0.0, 0.05, 0.70, 0.86, 0.95)
    heads = ("#", "IF", "THEN", "coverage", "mean abs. error" if regression else "agreement")
    y = 0.0
    for c, h in zip(cols, heads):
        ax.text(c, y, h, fontsize=9, fontweight="bold", va="top")
    y -= 1.3
    for num, lines, then, cov, agr, cls in rows:
        ax.text(cols[0], y, num, fontsize=9, va="top")
        ax.text(cols[1], y, plain("\n".join(lines)), fontsize=9, va="top", family="monospace")
        face = "#eeeeee" if cls is None else _tint(colour(cls))
        ax.text(cols[2], y, plain(then), fontsize=9, va="top",
                bbox={"boxstyle": "round,pad=0.2", "fc": face, "ec": "none"})
        ax.text(cols[3], y, cov, fontsize=9, va="top")
        ax.text(cols[4], y, agr, fontsize=9, va="top")
        y -= len(lines) + 0.3
        ax.axhline(y + 0.15, color="#dddddd", lw=0.6)
    ax.set_xlim(0, 1.05)
    ax.set_ylim(y, 0.8)
    ax.set_title(f"rule set (decision list): {counted(len(rules.rules), 'rule')} + default, "
                 f"{counted(rules.n_literals, 'literal')}"
                 + _values_note(values), fontsize=10)
    return fig


# -- linear -------------------------------------------------------------------------------------
def draw_linear(model: Any, X: Any = None, *, max_terms: int = 30) -> Any:
    """Weights as bars (one score row) or a heat map (one row per class, softmax).

    With rows ``X``, each weight is multiplied by its term's standard deviation on ``X``: the
    change in score for a one-sd change of the term, comparable across features.
    """
    names = [plain(t) for t in model.term_names]
    coef = np.array(model.coef, dtype=float)
    label = "weight (original units)"
    if X is not None and len(names):
        sd = mean_std(model.design_matrix(model.domain.encode(X)))[1]  # a plain std overflows at 1e200
        coef = coef * sd
        label = "weight x term sd (held-out rows)"
    live = np.nonzero(np.any(coef != 0, axis=0))[0]
    live = live[np.argsort(-np.abs(coef[:, live]).max(axis=0), kind="stable")][:max_terms]
    k = len(live)
    if coef.shape[0] == 1:
        fig = new_figure(7.5, max(1.8, 0.32 * k + 1.0))
        ax = fig.add_subplot()
        vals = coef[0, live][::-1]
        ax.barh(np.arange(k), vals, color=[colour(0) if v >= 0 else colour(3) for v in vals])
        ax.set_yticks(np.arange(k), [names[j] for j in live[::-1]], fontsize=8)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlabel(label)
        for yy, v in enumerate(vals):
            ax.text(v, yy, f" {v:.3g} ", va="center", ha="left" if v >= 0 else "right", fontsize=7)
        if k:
            # Room for the value beyond each bar's end: a negative weight's label reaching past the axes' left
            # end was written over the term names (adult's '-0.369' on '[occupation=Other-service]').
            lo, hi = min(float(vals.min()), 0.0), max(float(vals.max()), 0.0)
            span = (hi - lo) or 1.0
            ax.set_xlim(lo - (0.16 if lo < 0 else 0.05) * span, hi + (0.16 if hi > 0 else 0.05) * span)
        if k == 0:
            ax.text(0.5, 0.5, "no non-zero weights: the model predicts its intercept", ha="center",
                    va="center", transform=ax.transAxes)
    else:
        classes = [plain(label_text(c)) for c in model.classes]  # as the model and the class figure print them
        fig = new_figure(min(max(6.0, 0.45 * len(classes) + 3.0), 20.0), max(2.2, 0.3 * k + 1.5))
        ax = fig.add_subplot()
        block = coef[:, live].T
        lim = float(np.abs(block).max()) if block.size else 1.0
        im = ax.imshow(block, cmap="RdBu", vmin=-lim, vmax=lim, aspect="auto")
        ax.set_yticks(np.arange(k), [names[j] for j in live], fontsize=8)
        ax.set_xticks(np.arange(len(classes)), classes, fontsize=8, rotation=90)
        fig.colorbar(im, ax=ax, label=label)
    ax.set_title(f"linear model ({model.link} link): {model.size_text}"
                 + (f", largest {max_terms} shown" if model.size > max_terms else ""), fontsize=10)
    return fig


# -- automata -----------------------------------------------------------------------------------
def draw_automaton(model: Any, X: Any = None) -> Any:
    """States on a circle, start arrow, accepting states ringed twice (DFA) or labelled with their
    output (Moore machine); parallel transitions share one arrow labelled with all their symbols."""
    from matplotlib.patches import Circle, FancyArrowPatch

    n = model.n_states
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / max(n, 1)
    radius = 0.0 if n == 1 else max(1.0, n / 4)
    pos = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    r = 0.28
    side = 2 * radius + 2.0
    fig = new_figure(min(max(4.0, 1.4 * side), 14.0), min(max(4.0, 1.4 * side), 14.0))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_aspect("equal")
    accepting = getattr(model, "accepting", None)
    edges: dict[tuple[int, int], list[str]] = {}
    for s in range(n):
        for a, t in enumerate(model.transitions[s]):
            edges.setdefault((s, int(t)), []).append(symbol_text(model.alphabet[a]))  # as show and to_dot
    for (s, t), syms in edges.items():
        label = plain(",".join(syms))
        if s == t:
            out = pos[s] / (np.linalg.norm(pos[s]) or 1.0) if radius else np.array([0.0, 1.0])
            centre = pos[s] + out * (r + 0.16)
            ax.add_patch(Circle(tuple(centre), 0.17, fill=False, ec="#555555", lw=1))
            ax.text(*(centre + out * 0.3), label, ha="center", va="center", fontsize=8)
            continue
        d = pos[t] - pos[s]
        unit = d / (np.linalg.norm(d) or 1.0)
        normal = np.array([unit[1], -unit[0]])
        # Leave and enter the circles a little to the arc's side, so the arrow head stays visible.
        a, b = pos[s] + (unit * 0.9 + normal * 0.45) * r, pos[t] - (unit * 0.9 - normal * 0.45) * r
        ax.add_patch(FancyArrowPatch(tuple(a), tuple(b), connectionstyle="arc3,rad=0.18", arrowstyle="-|>",
                                     mutation_scale=12, shrinkA=0, shrinkB=0, color="#555555", lw=1, zorder=3))
        mid = (pos[s] + pos[t]) / 2
        ax.text(*(mid + normal * 0.18 * np.linalg.norm(d) * 0.5 + normal * 0.08), label, ha="center",
                va="center", fontsize=8, backgroundcolor="white")
    for s in range(n):
        acc = accepting is not None and bool(accepting[s])
        face = _tint(colour(2)) if acc else "#f4f4f4"
        if accepting is None:
            face = _tint(colour(int(model.outputs[s])))
        ax.add_patch(Circle(tuple(pos[s]), r, fc=face, ec="#333333", lw=1.2))
        if acc:
            ax.add_patch(Circle(tuple(pos[s]), r * 0.8, fill=False, ec="#333333", lw=1))
        text = f"q{s}" if accepting is not None else f"q{s}\n{plain(model.state_label(s))}"
        ax.text(*pos[s], text, ha="center", va="center", fontsize=8)
    start = pos[model.initial] + np.array([-(r + 0.5), 0.0])
    ax.add_patch(FancyArrowPatch(tuple(start), tuple(pos[model.initial] - np.array([r, 0.0])),
                                 arrowstyle="-|>", mutation_scale=12, color="#000000", lw=1.2))
    ax.text(*(start - np.array([0.05, 0.0])), "start", ha="right", va="center", fontsize=8)
    lim = radius + 1.0
    ax.set_xlim(-lim - 0.6, lim)
    ax.set_ylim(-lim, lim)
    what = "DFA" if accepting is not None else "Moore machine"
    ax.set_title(f"{what}: {counted(n, 'state')} over {{{plain(', '.join(map(symbol_text, model.alphabet)))}}}", fontsize=10)
    return fig


DRAWERS: dict[str, Callable[..., Any]] = {
    "tree": draw_tree,
    "rules": draw_rules,
    "linear": draw_linear,
    "dfa": draw_automaton,
    "moore": draw_automaton,
}
