"""Decision tree representation: flat parallel arrays, as in scikit-learn.

Node ``i`` is a leaf when ``children_left[i] == -1``. An internal node sends a row left when
``x[feature] <= threshold`` (numeric) or when its category code is in ``left_categories[i]``
(categorical). ``value[i]`` holds class frequencies (classifiers) or the mean value (regressors).
"""

from __future__ import annotations

import math
from typing import Any, Iterator, Sequence

import numpy as np

from .._errors import ModelFormatError, counted
from ..domain import Domain
from .base import (BLOCK_ROWS, two_dimensional, SymbolicModel, _short, check_distinct_labels, domain_from_json,
                   encoded_rows, label_text, classes_from_json, classes_to_json, percent_text, register_model,
                   require, rounded_note, value_text, values_note)
from .region import Box


@register_model
class Tree(SymbolicModel):
    """A binary decision tree over a :class:`~symdistill.domain.Domain`.

    >>> import numpy as np
    >>> from symdistill.domain import Domain
    >>> dom = Domain.from_data(np.array([[0.0], [1.0]]) * 0.5, feature_names=["age"])
    >>> t = Tree(dom, "classification", np.array(["no", "yes"]),
    ...          children_left=[1, -1, -1], children_right=[2, -1, -1], feature=[0, -1, -1],
    ...          threshold=[0.25, 0, 0], value=[[0.5, 0.5], [1, 0], [0, 1]])
    >>> t.predict(np.array([[0.1], [0.4]])).tolist()
    ['no', 'yes']
    >>> t.size
    2
    """

    kind = "tree"
    fields = ("task", "classes", "classes_dtype", "domain", "children_left", "children_right", "feature",
              "threshold", "left_categories", "value", "n_samples", "meta")

    def __init__(
        self,
        domain: Domain,
        task: str,
        classes: np.ndarray | Sequence[Any] | None,
        *,
        children_left: Any,
        children_right: Any,
        feature: Any,
        threshold: Any,
        value: Any,
        left_categories: list[list[int] | None] | None = None,
        n_samples: Any = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.domain = domain
        self.task = task
        self.classes = None if classes is None else np.asarray(classes)
        self.children_left = np.asarray(children_left, dtype=np.int64)
        self.children_right = np.asarray(children_right, dtype=np.int64)
        self.feature = np.asarray(feature, dtype=np.int64)
        self.threshold = np.asarray(threshold, dtype=float)
        self.value = np.asarray(value, dtype=float)
        if self.value.ndim == 1:
            self.value = self.value[:, None]
        n = len(self.children_left)
        self.left_categories = list(left_categories) if left_categories is not None else [None] * n
        self.n_samples = np.zeros(n, dtype=np.int64) if n_samples is None else np.asarray(n_samples, dtype=np.int64)
        self.meta = dict(meta or {})
        self._check()

    # -- validation ----------------------------------------------------------------------------
    def _check(self) -> None:
        n = len(self.children_left)
        if n == 0:
            raise ModelFormatError("a tree needs at least one node")
        for name in ("children_right", "feature", "threshold", "n_samples"):
            if len(getattr(self, name)) != n:
                raise ModelFormatError(f"tree arrays disagree in length: {name} has {len(getattr(self, name))}, expected {n}")
        if self.value.shape[0] != n or len(self.left_categories) != n:
            raise ModelFormatError("tree 'value' / 'left_categories' do not have one entry per node")
        if self.task not in ("classification", "regression"):
            raise ModelFormatError(f"tree task must be 'classification' or 'regression', got {self.task!r}")
        if self.task == "classification":
            if self.classes is None or self.classes.ndim != 1 or self.value.shape[1] != len(self.classes):
                raise ModelFormatError("a classification tree needs 'classes' matching the width of 'value'")
            check_distinct_labels(self.classes)
        elif self.value.shape[1] != 1:
            raise ModelFormatError("a regression tree holds one value per node")
        elif self.classes is not None:
            raise ModelFormatError("a regression tree has no 'classes'")
        if not np.all(np.isfinite(self.value)):
            raise ModelFormatError("tree 'value' holds non-finite numbers")
        if self.task == "classification" and np.any(self.value < 0):
            i = int(np.argwhere(self.value < 0)[0, 0])
            raise ModelFormatError(f"tree node {i} has a negative class frequency in 'value': {self.value[i].tolist()}")
        if not np.all(np.isfinite(self.threshold)):
            i = int(np.argmin(np.isfinite(self.threshold)))
            raise ModelFormatError(f"tree node {i} has a non-finite threshold")
        if np.any(self.n_samples < 0):
            raise ModelFormatError(f"tree node {int(np.argmax(self.n_samples < 0))} has a negative 'n_samples'")
        d = self.domain.n_features
        seen = np.zeros(n, dtype=int)
        for name, children in (("children_left", self.children_left), ("children_right", self.children_right)):
            if np.any(children < -1):
                i = int(np.argmax(children < -1))
                raise ModelFormatError(f"tree node {i}'s {name!r} is {children[i]}, which is no node: a leaf has -1 "
                                       "and -1, a split the numbers of its two children")
        internal = self.children_left >= 0
        one_child = internal != (self.children_right >= 0)
        if one_child.any():
            i = int(np.argmax(one_child))
            raise ModelFormatError(f"tree node {i} has 'children_left' {self.children_left[i]} but 'children_right' "
                                   f"{self.children_right[i]}: a node has two children, or none (-1 and -1: a leaf)")
        for name, children in (("children_left", self.children_left), ("children_right", self.children_right)):
            wrong = internal & ((children >= n) | (children <= 0))
            if wrong.any():
                i = int(np.argmax(wrong))
                raise ModelFormatError(f"tree node {i}'s {name!r} is {children[i]}, which is no child node: "
                                       f"children are nodes 1..{n - 1} (node 0 is the root)")
        kids = np.concatenate([self.children_left[internal], self.children_right[internal]])
        np.add.at(seen, kids, 1)
        if np.any(seen[1:] != 1):
            k = 1 + int(np.argmax(seen[1:] != 1))
            parents = "no parent" if seen[k] == 0 else f"{seen[k]} parents"
            raise ModelFormatError(f"tree nodes must form a tree rooted at node 0: node {k} has {parents} "
                                   "(every node but the root has one)")
        for i in np.nonzero(~internal)[0]:
            if self.left_categories[i] is not None:
                raise ModelFormatError(f"tree node {i} is a leaf but has 'left_categories' "
                                       f"{_short(self.left_categories[i])}; leaves have null")
        for i in np.nonzero(internal)[0]:
            j = self.feature[i]
            if not 0 <= j < d:
                raise ModelFormatError(f"tree node {i} splits on feature {j}, but the model has "
                                       f"{counted(d, 'feature')}")
            f = self.domain.features[j]
            cats = self.left_categories[i]
            if f.is_categorical:
                if (not isinstance(cats, (list, tuple, set, frozenset, np.ndarray))
                        or not all(_is_code(c) and 0 <= c < len(f.categories) for c in cats)):
                    raise ModelFormatError(f"tree node {i}: categorical split on {f.name!r} needs a list of category "
                                           f"codes in 0..{len(f.categories) - 1}, got {_short(cats)}")
            elif cats is not None:
                raise ModelFormatError(f"tree node {i}: category set given for numeric feature {f.name!r}")
        self._check_acyclic()
        self._check_counts()

    def _check_counts(self) -> None:
        """``n_samples`` counts the queries reaching each node (their weight, rounded to a whole query),
        so a split's two children add up to its count, each rounded on its own: within 1. A file that
        breaks this printed leaves of '300% of queries'."""
        counts = self.n_samples
        for i in np.flatnonzero(self.children_left >= 0):
            a, b = int(self.children_left[i]), int(self.children_right[i])
            if abs(int(counts[a]) + int(counts[b]) - int(counts[i])) > 1:
                raise ModelFormatError(
                    f"tree node {i}'s 'n_samples' is {counts[i]}, but its children's are {counts[a]} (node {a}) and "
                    f"{counts[b]} (node {b}): a node counts the queries that reach it, its two children's counts "
                    "adding up to it (within 1: each is rounded to a whole query)")

    def _check_acyclic(self) -> None:
        stack, visited = [0], np.zeros(len(self.children_left), dtype=bool)
        while stack:
            i = stack.pop()
            if visited[i]:
                raise ModelFormatError(f"tree nodes contain a cycle through node {i}")
            visited[i] = True
            if self.children_left[i] >= 0:
                stack += [int(self.children_left[i]), int(self.children_right[i])]
        if not visited.all():
            raise ModelFormatError(f"tree has nodes unreachable from the root: node {int(np.argmin(visited))} "
                                   "(a loop of nodes that are each other's children)")

    # -- structure -----------------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return len(self.children_left)

    @property
    def is_leaf(self) -> np.ndarray:
        return self.children_left < 0

    @property
    def size(self) -> int:
        """Number of leaves."""
        return int(self.is_leaf.sum())

    @property
    def depth(self) -> int:
        """Edges on the longest path from the root to a leaf (whatever order the nodes are stored in)."""
        return int(self.node_depths().max())

    def node_depths(self) -> np.ndarray:
        """Depth of every node (the root has depth 0), walking down from the root."""
        depth = np.zeros(self.n_nodes, dtype=np.int64)
        stack = [0]
        while stack:
            i = stack.pop()
            if self.children_left[i] >= 0:
                for child in (int(self.children_left[i]), int(self.children_right[i])):
                    depth[child] = depth[i] + 1
                    stack.append(child)
        return depth

    @property
    def feature_names(self) -> list[str]:
        return self.domain.feature_names

    def goes_left(self, i: int, Z: np.ndarray) -> np.ndarray:
        """Rows (encoded) that node ``i`` sends left."""
        j = self.feature[i]
        cats = self.left_categories[i]
        if cats is None:
            return Z[:, j] <= self.threshold[i]
        return np.isin(Z[:, j], cats)

    def leaf_regions(self) -> Iterator[tuple[int, Box]]:
        """Yield ``(leaf, box)`` for every leaf: the region of input space that reaches it."""
        all_codes = {j: frozenset(range(len(f.categories))) for j, f in enumerate(self.domain.features)
                     if f.is_categorical}
        stack = [(0, Box.full(self.domain.n_features))]
        while stack:
            i, box = stack.pop()
            if self.children_left[i] < 0:
                yield i, box
                continue
            j = int(self.feature[i])
            if self.left_categories[i] is None:
                lb, rb = box.split_numeric(j, float(self.threshold[i]))
            else:
                lb, rb = box.split_categorical(j, frozenset(int(c) for c in self.left_categories[i]), all_codes[j])
            stack.append((int(self.children_right[i]), rb))
            stack.append((int(self.children_left[i]), lb))

    # -- prediction ----------------------------------------------------------------------------
    def apply_encoded(self, Z: np.ndarray) -> np.ndarray:
        """Index of the leaf each encoded row reaches, the rows unchecked: a NaN fails every test
        (the right branch), as in the exported code; ``predict_encoded`` refuses it."""
        Z = np.asarray(Z)
        if len(Z) and self.children_left[0] >= 0:  # one row given as a 1-D array is named, as a rule list names it
            two_dimensional(Z, "Tree.apply_encoded")
        node = np.zeros(len(Z), dtype=np.int64)
        has_categories = any(c is not None for c in self.left_categories)
        for start in range(0, len(Z), BLOCK_ROWS):  # blocks of rows that stay in cache (1M rows: about 2x faster)
            block, at = Z[start:start + BLOCK_ROWS], node[start:start + BLOCK_ROWS]
            active = np.nonzero(self.children_left[at] >= 0)[0]
            while active.size:
                cur = at[active]
                x = block[active, self.feature[cur]]
                left = x <= self.threshold[cur]
                # (the nodes a level's rows are at are listed only where some split tests categories)
                cat_nodes = [i for i in np.unique(cur) if self.left_categories[i] is not None] if has_categories else []
                for i in cat_nodes:
                    m = cur == i
                    left[m] = np.isin(x[m], self.left_categories[i])
                at[active] = np.where(left, self.children_left[cur], self.children_right[cur])
                active = active[self.children_left[at[active]] >= 0]
        return node

    def apply(self, X: Any) -> np.ndarray:
        """Index of the leaf each row reaches."""
        return self.apply_encoded(self.domain.encode(X))

    def predict_encoded(self, Z: np.ndarray) -> np.ndarray:
        """Class labels or values for encoded rows (``Domain.encode``'s: categories as their codes);
        NaN and infinite values are refused, as ``predict`` refuses them."""
        leaves = self.apply_encoded(encoded_rows(Z, self.domain))
        if self.task == "regression":
            return self.value[leaves, 0]
        return self.classes[self.leaf_class[leaves]]

    @property
    def leaf_class(self) -> np.ndarray:
        """Index of the class each node predicts (argmax of its frequencies, first on ties)."""
        return np.argmax(self.value, axis=1)

    @property
    def class_shares(self) -> np.ndarray:
        """``value`` with each node's row scaled to sum to one: 'value' may hold counts (a row of
        zeros shares evenly, and still predicts the first class)."""
        return _shares(self.value)

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (classifiers) or values (regressors) for the rows of ``X``."""
        return self.predict_encoded(self.domain.encode(X))

    def predict_proba_encoded(self, Z: np.ndarray) -> np.ndarray:
        """Class shares of the leaf each encoded row reaches (``Domain.encode``'s rows: categories as
        their codes); NaN and infinite values are refused, as ``predict_proba`` refuses them."""
        if self.task != "classification":
            raise TypeError("predict_proba is only defined for classification trees")
        return self.class_shares[self.apply_encoded(encoded_rows(Z, self.domain, "predict_proba_encoded"))]

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.predict_proba_encoded(self.domain.encode(X))

    def predict_and_proba_encoded(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(predict_encoded(Z), predict_proba_encoded(Z))`` from one walk of the tree (predict --proba
        walked it twice per chunk): each leaf's class as predict gives it, and its class shares."""
        if self.task != "classification":
            raise TypeError("predict_proba is only defined for classification trees")
        leaves = self.apply_encoded(encoded_rows(Z, self.domain))
        return self.classes[self.leaf_class[leaves]], self.class_shares[leaves]

    # -- rendering -----------------------------------------------------------------------------
    def condition_text(self, i: int, left: bool = True) -> str:
        f = self.domain.features[self.feature[i]]
        cats = self.left_categories[i]
        if cats is None:
            return f"{f.display_name} {'<=' if left else '>'} {f.threshold_text(self.threshold[i])}"
        labels = ", ".join(repr(f.category_label(c)) for c in cats)
        return f"{f.display_name} {'in' if left else 'not in'} {{{labels}}}"

    def leaf_text(self, i: int) -> str:
        share = f", {self._share_text(i)} of queries" if self.n_samples[0] else ""
        if self.task == "regression":
            text = value_text(self.value[i, 0], self.value[self.children_left < 0, 0])
            return f"{text}{'  (' + share[2:] + ')' if share else ''}"
        c = self.leaf_class[i]
        return f"{label_text(self.classes[c])}  (agreement {percent_text(_shares(self.value[i:i + 1])[0, c])}{share})"

    def _share_text(self, i: int) -> str:
        """Node ``i``'s share of the root's count. A count is the rows' weight rounded to a whole
        query, so 0 is a weight under half a query: a leaf of a narrow region (0.002 of a query)
        printed '0%', which reads as a leaf no query reaches; its share is under 0.5 / the root's."""
        total = int(self.n_samples[0])
        if self.n_samples[i] > 0:
            return percent_text(self.n_samples[i] / total)
        return f"<{max(math.ceil(50 / total), 1)}%"

    def __str__(self) -> str:
        lines: list[str] = []
        stack: list[tuple[int, str] | str] = [(0, "")]  # nodes still to write, and "else" lines
        while stack:  # no recursion: trees thousands of levels deep print too
            item = stack.pop()
            if isinstance(item, str):
                lines.append(item)
                continue
            i, indent = item
            if self.children_left[i] < 0:
                lines.append(f"{indent}-> {self.leaf_text(i)}")
                continue
            lines.append(f"{indent}if {self.condition_text(i)}:")
            stack.append((int(self.children_right[i]), indent + "    "))
            stack.append(f"{indent}else:  # {self.condition_text(i, left=False)}")
            stack.append((int(self.children_left[i]), indent + "    "))
        head = f"Tree ({self.task}, {self.size} {'leaf' if self.size == 1 else 'leaves'}, depth {self.depth})"
        cuts = [(int(self.feature[i]), float(self.threshold[i])) for i in np.flatnonzero(self.children_left >= 0)
                if self.left_categories[i] is None]
        values: list[str] = []
        if self.task == "regression":
            values = values_note(self.value[self.children_left < 0, 0])
        return "\n".join([head, *lines, *rounded_note(cuts, self.domain), *values])

    def __repr__(self) -> str:
        return f"<Tree {self.task} leaves={self.size} depth={self.depth}>"

    # -- serialisation -------------------------------------------------------------------------
    def _payload(self) -> dict[str, Any]:
        return {
            "task": self.task,
            **classes_to_json(self.classes),
            "domain": self.domain.to_dict(),
            "children_left": self.children_left.tolist(),
            "children_right": self.children_right.tolist(),
            "feature": self.feature.tolist(),
            "threshold": [float(t) for t in self.threshold],
            "left_categories": [None if c is None else [int(x) for x in c] for c in self.left_categories],
            "value": self.value.tolist(),
            "n_samples": self.n_samples.tolist(),
            "meta": self.meta,
        }

    @classmethod
    def _from_payload(cls, p: dict[str, Any]) -> Tree:
        lists = {k: require(p, k, list) for k in ("children_left", "children_right", "feature", "threshold", "value")}
        for k in ("children_left", "children_right", "feature"):
            if not _all_int64(lists[k]):
                raise ModelFormatError(f"malformed tree: {k!r} must hold integers{_first_bad(lists[k], _is_int64)}")
        if not _all_numbers(lists["threshold"]):
            raise ModelFormatError(f"malformed tree: 'threshold' must hold numbers"
                                   f"{_first_bad(lists['threshold'], _is_number)}")
        value = lists["value"]
        if not all(_is_value_row(row) for row in value):
            raise ModelFormatError("malformed tree: 'value' must hold one non-empty list of numbers per node"
                                   f"{_first_bad(value, _is_value_row)}")
        if len({len(row) for row in value}) > 1:
            raise ModelFormatError("malformed tree: the rows of 'value' differ in length")
        cats = p.get("left_categories")
        if cats is not None:
            if not isinstance(cats, list):
                raise ModelFormatError(f"malformed tree: 'left_categories' should be a list, got {_short(cats)}")
            for i, c in enumerate(cats):
                if c is not None and not (isinstance(c, list) and _all_int64(c)):
                    raise ModelFormatError(f"malformed tree: 'left_categories' of node {i} should be null or a list "
                                           f"of category codes, got {_short(c)}")
        n_samples = p.get("n_samples")
        if n_samples is not None and not (isinstance(n_samples, list) and _all_int64(n_samples)):
            where = _first_bad(n_samples, _is_int64) if isinstance(n_samples, list) else ""
            raise ModelFormatError(f"malformed tree: 'n_samples' must be a list of integers{where}")
        meta = {} if p.get("meta") is None else p["meta"]
        if not isinstance(meta, dict):
            raise ModelFormatError(f"malformed tree: 'meta' should be an object, got {type(meta).__name__}")
        return cls(
            domain_from_json(p),
            require(p, "task", str),
            classes_from_json(p),
            left_categories=cats,
            n_samples=n_samples,
            meta=meta,
            **lists,
        )


def _shares(value: np.ndarray) -> np.ndarray:
    """Rows of class frequencies (or counts) scaled to sum to one; a row of zeros shares evenly. A row
    whose sum passes the largest double (frequencies of 1e308) is first divided by its largest value."""
    with np.errstate(over="ignore"):
        total = value.sum(axis=1, keepdims=True)
    big = ~np.isfinite(total[:, 0])
    if big.any():
        value = value.copy()
        value[big] /= value[big].max(axis=1, keepdims=True)
        total[big] = value[big].sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, value / total, 1.0 / value.shape[1])


def _all_int64(values: list) -> bool:
    """Every entry is an integer (not a boolean) that fits NumPy's int64."""
    if not set(map(type, values)) <= {int}:
        return False
    return not values or (min(values) >= -2**63 and max(values) < 2**63)


def _all_numbers(values: list) -> bool:
    """Every entry is a number (not a boolean)."""
    return set(map(type, values)) <= {int, float}


def _is_int64(v: Any) -> bool:
    return type(v) is int and -2**63 <= v < 2**63


def _is_number(v: Any) -> bool:
    return type(v) in (int, float)


def _is_value_row(row: Any) -> bool:
    return isinstance(row, list) and bool(row) and _all_numbers(row)


def _first_bad(values: list, ok: Any) -> str:
    """': node i's is X' for the first entry that ``ok`` refuses: a tree of hundreds of nodes was refused
    naming only the field."""
    i = next(i for i, v in enumerate(values) if not ok(v))
    return f": node {i}'s is {_short(values[i])}"


def _is_code(c: Any) -> bool:
    return isinstance(c, (int, np.integer)) and not isinstance(c, (bool, np.bool_))

