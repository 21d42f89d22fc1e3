"""Loading malformed saved models: every one gives ModelFormatError naming the problem, never a raw
TypeError / OverflowError / RecursionError / UnicodeDecodeError, and never a model that loads but
then cannot be saved, printed or exported."""

from __future__ import annotations

import copy
import json
import re

import numpy as np
import pytest

import symdistill as sd
from symdistill import ModelFormatError
from symdistill.domain import Domain, Feature
from symdistill.models import DFA, Condition, LinearModel, MooreMachine, Rule, RuleSet, Term, Tree

DOMAIN = Domain((Feature("a", "numeric", 0.0, 10.0), Feature("b", "integer", 0.0, 5.0),
                 Feature("c", "binary", 0.0, 1.0), Feature("d", "categorical", 0.0, 2.0, ("r", "g", "b"))))


# As distilled from a DataFrame whose first column is labelled 0 (int) and typed float64.
DF_DOMAIN = Domain((Feature("0", "numeric", 0.0, 10.0),) + DOMAIN.features[1:], "dataframe",
                   ("float64", "int8", "bool", "category"), (0, "b", "c", "d"))


def _tree(domain: Domain = DOMAIN) -> Tree:
    return Tree(domain, "classification", np.array(["no", "yes"]), children_left=[1, 3, -1, -1, -1],
                children_right=[2, 4, -1, -1, -1], feature=[0, 3, -1, -1, -1], threshold=[5.0, 0, 0, 0, 0],
                left_categories=[None, [0, 2], None, None, None],
                value=[[0.5, 0.5], [0.6, 0.4], [0, 1], [1, 0], [0.2, 0.8]], n_samples=[10, 6, 4, 3, 3],
                meta={"note": [1, {"x": 2}]})


def _rules() -> RuleSet:
    return RuleSet(DOMAIN, "classification", np.array([0, 1, 2]),
                   [Rule((Condition(0, ">", 2.0), Condition(3, "in", [1])), 2, proba=(0.1, 0.1, 0.8), coverage=0.3),
                    Rule((Condition(1, "<=", 3),), 1)], Rule((), 0, coverage=0.5))


def _linear() -> LinearModel:
    return LinearModel(DOMAIN, "classification", np.array(["x", "y", "z"]),
                       terms=[0, (3, 1), Term.hinge(1, 2.0, -1), Term.product(0, 1)],
                       coef=[[1, 2, 3, 4], [0, 1, 0, 1], [1, 1, 1, 1]], intercept=[0, 1, 2])


MODELS = {
    "tree": _tree,
    "rules": _rules,
    "linear": _linear,
    "tree_df": lambda: _tree(DF_DOMAIN),
    "dfa": lambda: DFA.from_regex("(0|1)*00", "01"),
    "moore": lambda: MooreMachine(["a", "b"], [[1, 0], [0, 1]], [1.5, "x"], classes=[1.5, "x"]),
}


@pytest.fixture(scope="module")
def tj() -> dict:
    """The JSON of a distilled classification tree."""
    X = np.random.default_rng(0).uniform(size=(200, 4))
    return json.loads(sd.distill(lambda X: (X[:, 0] > .5).astype(int), X, max_size=4, random_state=0).to_json())


def _set(path: tuple, value):
    def edit(d):
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return edit


# -- the envelope and the JSON text ----------------------------------------------------------------
@pytest.mark.parametrize("text, message", [
    (b"\xff\xfe", "model is UTF-16 text, not UTF-8: save it as UTF-8"),
    (bytearray(b'{"format": "symdistill", "version": 1, "kind": "tree", "meta": "\xe9"}'), "not UTF-8 JSON"),
    ("[1, 2]", "must be a JSON object, got array"),
    ("  \n [", "not valid JSON"),
    ('{"format": "symdistill", "version": 1, "kind": "tree", "meta": NaN}', "NaN, which is not standard JSON"),
    ('{"format": "symdistill", "version": 1, "kind": "tree", "meta": -Infinity}', "-Infinity"),
    ('{"format": "symdistill", "version": 1, "kind": "tree", "meta": 1e400}', "non-finite number \\(inf\\)"),
    ('{"format": "symdistill", "version": 1, "kind": "tree", "meta": ' + "[" * 2000 + "]" * 2000 + "}",
     "nested too deeply"),
    ('{"format": "symdistill", "version": 1, "kind": "tree", "meta": ' + "[" * 150 + "]" * 150 + "}",
     "nested too deeply"),
    ('{"format": "symdistill", "version": 1, "kind": "tree", "meta": ' + "7" * 5000 + "}", "an integer of 5000 digits"),
    ('{"format": "symdistill", "version": 1, "kind": "tree", "meta": ' + "7" * 400 + "}", "integer too large"),
    ('{"format": "symdistill", "version": true, "kind": "tree"}', "version True"),
    ('{"format": "symdistill", "version": 1, "kind": []}', r"unknown model kind \[\]"),
    ('{"format": "symdistill", "version": 1, "kind": {"a": 1}}', "unknown model kind"),
    ("x" * 5000, "no such model file: 'xxx"),
    ("model\x00.json", "no such model file"),
])
def test_bad_json_text(text, message):
    with pytest.raises(ModelFormatError, match=message):
        sd.load(text)


def test_a_field_written_twice_is_refused_by_name():
    """JSON parsers differ on a repeated name (Python keeps the last, others the first or refuse it), so
    one file would be two models; it loaded, silently taking the last ('upper' 1.0 here)."""
    text = _tree().to_json(indent=None)
    twice = text.replace('"upper": 10.0', '"upper": 10.0, "upper": 1.0', 1)
    assert twice != text
    with pytest.raises(ModelFormatError, match="field 'upper' twice"):
        sd.load(twice)
    with pytest.raises(ModelFormatError, match="field 'kind' twice"):
        sd.load(text.replace('"kind": "tree"', '"kind": "tree", "kind": "tree"', 1))


def test_unreadable_or_non_utf8_file(tmp_path):
    path = tmp_path / "model.json"
    path.write_bytes(b'{"format": "symdistill"\xff}')
    with pytest.raises(ModelFormatError, match="model file .* is not UTF-8 JSON"):
        sd.load(path)
    with pytest.raises(ModelFormatError, match="no such model file"):
        sd.load(tmp_path / "missing.json")


def test_a_model_file_saved_as_utf16_is_named_so(tmp_path):
    """A model JSON saved by Windows PowerShell (`> model.json`: UTF-16 with a byte-order mark) was 'not UTF-8
    JSON text: invalid start byte at byte 0', naming no encoding, where the CLI's data files are named UTF-16."""
    text = _tree().to_json()
    for encoding, name in (("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")):
        path = tmp_path / f"{encoding}.json"
        path.write_bytes(text.encode(encoding))
        with pytest.raises(ModelFormatError, match=rf"model file .* is {name} text, not UTF-8: save it as UTF-8 "
                                                   rf"\(iconv -f {name} -t UTF-8\)"):
            sd.load(path)
    assert sd.load(text).to_json() == text


def test_a_file_starting_with_a_byte_order_mark_loads(tmp_path):
    """Editors on Windows save UTF-8 with a BOM; JSON readers may ignore it (RFC 8259), and load told the
    user to "decode using utf-8-sig" instead."""
    path = tmp_path / "model.json"
    path.write_bytes(b"\xef\xbb\xbf" + _tree().to_json().encode("utf-8"))
    assert sd.load(path) == _tree()
    assert sd.load(path.read_bytes()) == _tree()
    assert sd.load(path.read_text(encoding="utf-8")) == _tree()  # the text, BOM first: no longer a path


def test_a_folder_is_named_as_a_folder(tmp_path):
    """It was refused as "no such model file", which a user looking at the folder does not believe."""
    with pytest.raises(ModelFormatError, match="is a folder, not a model file"):
        sd.load(tmp_path)
    with pytest.raises(ModelFormatError, match="is a folder, not a model file"):
        sd.load(str(tmp_path))


def test_a_file_whose_name_starts_with_a_bracket_is_still_a_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree().to_json(tmp_path / "[v2] tree.json")
    assert sd.load("[v2] tree.json") == _tree()
    _tree().to_json(tmp_path / "{run 1} tree.json")  # a brace too, as the docstring says and the CLI reads it
    assert sd.load("{run 1} tree.json") == _tree()
    assert sd.load(_tree().to_json()) == _tree()


@pytest.mark.parametrize("value, message", [
    (float("nan"), r"'meta.note' holds a non-finite number \(nan\)"),
    (float("inf"), "non-finite"),
    ([[[0]]] * 2 + [np.int64(3)], r"'meta.note\[2\]' holds a int64, not a JSON value"),
    ({1: "a"}, "key 1 in field 'meta.note' is not a string"),
    ({"a"}, "holds a set"),
    (10**400, "integer too large"),
])
def test_dict_sources_hold_plain_json_only(value, message):
    d = _tree().to_dict()
    d["meta"]["note"] = value
    with pytest.raises(ModelFormatError, match=message):
        sd.load(d)


def test_deeply_nested_dict_source():
    d = _tree().to_dict()
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    d["meta"]["deep"] = deep
    with pytest.raises(ModelFormatError, match="nested too deeply"):
        sd.load(d)


def test_an_integer_too_long_to_read_is_named_without_python_advice():
    """A threshold hand-edited to 5,001 digits was refused as 'not valid JSON: Exceeds the limit (4300
    digits) ...; use sys.set_int_max_str_digits() to increase the limit', advice to change the
    interpreter for a number no model field holds."""
    text = re.sub(r'"threshold": \[[^,]*', '"threshold": [1' + "0" * 5000, _tree().to_json(), count=1)
    with pytest.raises(ModelFormatError) as info:
        sd.load(text)
    message = str(info.value)
    assert "an integer of 5001 digits" in message and "set_int_max_str_digits" not in message


@pytest.mark.parametrize("field, node, junk, named", [
    ("threshold", 2, "0.25", "'threshold' must hold numbers: node 2's is '0.25'"),
    ("feature", 0, 0.0, "'feature' must hold integers: node 0's is 0.0"),
    ("children_right", 1, True, "'children_right' must hold integers: node 1's is True"),
    ("value", 1, ["1", 0], "'value' must hold one non-empty list of numbers per node: node 1's is ['1', 0]"),
    ("n_samples", 1, 2**70, "'n_samples' must be a list of integers: node 1's is 1180591620717411303424"),
])
def test_a_hand_edited_tree_array_names_the_node_it_breaks(field, node, junk, named):
    """A tree array holding a string, a float or a boolean was refused naming only the field ('threshold'
    must hold numbers), leaving the user to search a tree of hundreds of nodes for the entry."""
    d = json.loads(_tree().to_json())
    d[field][node] = junk
    with pytest.raises(ModelFormatError, match=re.escape(named)):
        sd.load(json.dumps(d))


@pytest.mark.parametrize("j, key", [(0, "lower"), (0, "upper"), (0, "kind"), (1, "kind")])
def test_a_feature_without_its_kind_or_bounds_is_refused_naming_them(j, key):
    """A hand-edited model whose numeric feature lost 'lower' loaded with the bound 0.0 (and one that lost
    'kind' as numeric, an integer feature then read as real numbers), silently changing the domain that
    verification and refinement search; one that lost 'upper' was refused as 'lower bound 5.0 exceeds
    upper bound 1.0', an upper bound the file does not hold. to_json writes all three."""
    dom = Domain((Feature("age", "numeric", 5.0, 90.0), Feature("n", "integer", -3.0, 7.0)))
    tree = Tree(dom, "classification", np.array(["no", "yes"]), children_left=[1, -1, -1],
                children_right=[2, -1, -1], feature=[1, -1, -1], threshold=[2.5, 0, 0], value=[[1, 1], [1, 0], [0, 1]])
    d = json.loads(tree.to_json())
    del d["domain"]["features"][j][key]
    name = dom.features[j].name
    with pytest.raises(ModelFormatError, match=f"feature '{name}' has no '{key}'"):
        sd.load(json.dumps(d))


def test_a_categorical_feature_without_bounds_still_loads():
    """A categorical feature's bounds are its codes, which its categories give: they may be left out."""
    d = json.loads(_tree().to_json())
    cat = next(f for f in d["domain"]["features"] if f["kind"] == "categorical")
    del cat["lower"], cat["upper"]
    assert sd.load(json.dumps(d)) == _tree()


@pytest.mark.parametrize("task, field, value, message", [
    ("regression", "agreement", 0.5, "rule 0: a regression rule has no 'agreement'"),
    ("classification", "error", 0.5, "rule 0: a classification rule has no 'error'"),
])
def test_a_rule_with_the_other_tasks_statistic_is_refused(task, field, value, message):
    """A regressor's rule holding 'agreement' loaded and printed 'teacher agreement 50%' beside its mean abs.
    error, a share of a class a regressor has none of (and a classifier's rule a 'mean abs. error'),
    while a regressor's rule holding 'proba' was refused."""
    if task == "regression":
        model = RuleSet(DOMAIN, "regression", None, [Rule((Condition(0, ">", 2.0),), 1.5, coverage=0.3, error=0.1)],
                        Rule((), -1.0, coverage=0.7, error=0.2))
    else:
        model = _rules()
    d = json.loads(model.to_json())
    d["rules"][0][field] = value
    with pytest.raises(ModelFormatError, match=re.escape(message)):
        sd.load(json.dumps(d))


# -- fields of each model kind -----------------------------------------------------------------------
CASES = [
    # item 1-3: raw exceptions and models that could not be saved
    ("tree", _set(("n_samples",), [10**300] * 5), "'n_samples' must be a list of integers"),
    ("tree", _set(("n_samples",), [1e300] * 5), "'n_samples' must be a list of integers"),
    ("tree", _set(("n_samples",), [2**63] * 5), "'n_samples' must be a list of integers"),
    ("tree", _set(("left_categories", 1), [0, 1e308]), "'left_categories' of node 1"),
    ("tree", _set(("left_categories", 1), [0, 2**64]), "'left_categories' of node 1"),
    ("tree", _set(("left_categories", 1), ["0"]), "'left_categories' of node 1"),
    ("tree", _set(("left_categories", 1), [5]), r"category codes in 0\.\.2"),
    ("tree", _set(("left_categories", 2), 5), "'left_categories' of node 2"),
    ("tree", _set(("left_categories", 2), "str"), "'left_categories' of node 2"),
    ("tree", _set(("left_categories", 2), [1]), "node 2 is a leaf but has 'left_categories'"),
    ("tree", _set(("left_categories",), "x"), "'left_categories' should be a list"),
    ("tree", _set(("threshold", 2), None), "'threshold' must hold numbers"),
    ("tree", _set(("threshold", 0), "0.5"), "'threshold' must hold numbers"),
    ("tree", _set(("threshold", 0), True), "'threshold' must hold numbers"),
    ("tree", _set(("value", 1), ["1", 0]), "'value' must hold"),
    ("tree", _set(("value", 1), [1.0]), "differ in length"),
    ("tree", _set(("feature", 2), 10**20), "'feature' must hold integers"),
    ("tree", _set(("children_left", 2), 2**63), "'children_left' must hold integers"),
    ("tree", _set(("meta",), []), "'meta' should be an object"),
    ("tree", _set(("meta",), 0), "'meta' should be an object"),
    ("tree", _set(("task",), ["classification"]), "'task' should be str"),
    ("tree", _set(("task",), "regression"), "one value per node"),
    # item 7: mixed label types
    ("tree", _set(("classes",), [0, "a"]), "mixes number and string labels"),
    ("tree", _set(("classes",), [True, 1]), "mixes boolean and number labels"),
    ("rules", _set(("classes",), [0, "a", 2]), "mixes number and string labels"),
    ("linear", _set(("classes",), ["x", 1.5, "z"]), "mixes number and string labels"),
    # item 8: values the model's invariants forbid
    ("tree", _set(("value", 0), [-5, 6]), "node 0 has a negative class frequency"),
    ("tree", _set(("n_samples",), [-500, 6, 4, 3, 3]), "node 0 has a negative 'n_samples'"),
    ("tree", _set(("classes",), ["yes", "yes"]), "repeated label 'yes'"),
    ("tree", _set(("classes",), [1, 1.0]), "repeated label"),
    ("rules", _set(("classes",), [1, 1, 2]), "repeated label 1"),
    ("linear", _set(("classes",), ["x", "y", "x"]), "repeated label 'x'"),
    ("moore", _set(("classes",), ["x", "x"]), "repeated label 'x'"),
    ("tree", _set(("domain", "features", 3, "categories"), ["b", "g", "r", "r"]), "repeated category 'r'"),
    ("rules", _set(("domain", "features", 3, "categories"), [1, True, 2]), "repeated category True"),
    ("tree", _set(("domain", "features", 3, "upper"), 7.0), r"codes 0 \.\. 2, got lower 0.0, upper 7.0"),
    # Feature reads bounds (0, 1) as "its codes"; a file that writes them for 3 categories is still refused
    ("rules", _set(("domain", "features", 3, "upper"), 1.0), r"codes 0 \.\. 2, got lower 0.0, upper 1.0"),
    ("linear", _set(("domain", "features", 3, "lower"), -1), "codes 0 .. 2"),
    ("tree", _set(("domain", "features", 2, "upper"), 5.0), "binary feature's bounds lie within 0..1"),
    ("rules", _set(("domain", "features", 2, "lower"), -1.0), "binary feature's bounds lie within 0..1"),
    ("tree", _set(("domain", "features", 0, "categories"), ["p", "q"]), "only categorical features have"),
    ("tree", _set(("domain", "features", 0, "upper"), "9"), "field 'upper' should be a number"),
    ("linear", _set(("domain", "features", 0, "lower"), True), "field 'lower' should be a number"),
    ("rules", _set(("domain", "features", 0, "kind"), ["numeric"]), "field 'kind' should be a string"),
    ("linear", _set(("domain", "features", 1, "upper"), "inf"), "should be a number"),
    # the DataFrame's column dtypes and labels: checked, never run
    ("tree_df", _set(("domain", "column_dtypes", 1), "int9"), r"'column_dtypes\[1\]' \(feature 'b'\) is not a dtype"),
    ("tree_df", _set(("domain", "column_dtypes", 0), "__import__('os').system('x')"), "not a dtype pandas knows"),
    ("tree_df", _set(("domain", "column_dtypes", 1), 8), r"'column_dtypes\[1\]' .* should be a string"),
    ("tree_df", _set(("domain", "column_dtypes", 1), "interval[int64]"), "should be an integer dtype"),
    ("tree_df", _set(("domain", "column_dtypes", 1), "interval"), "should be an integer dtype"),
    ("tree_df", _set(("domain", "column_dtypes", 3), "int64"), "cannot hold the feature's categories"),
    ("tree_df", lambda d: (_set(("domain", "features", 3, "categories"), [0.5, 1, 2])(d),
                           _set(("domain", "column_dtypes", 3), "int64")(d)), r"categories \[0.5, 1, 2\] as they are"),
    ("tree_df", _set(("domain", "column_dtypes"), ["bool"]), r"'column_dtypes' should have one entry per feature"),
    ("tree_df", _set(("domain", "column_dtypes"), "bool"), "'column_dtypes' should be a list"),
    ("tree_df", _set(("domain", "column_labels", 0), "zero"), r"'column_labels\[0\]' .* feature's name '0'"),
    ("tree_df", _set(("domain", "column_labels", 0), [0]), r"'column_labels\[0\]'"),
    ("tree_df", _set(("domain", "column_labels", 0), [[0]]), r"'column_labels\[0\]'"),
    ("tree_df", _set(("domain", "column_labels", 0), ["0", None]), r"'column_labels\[0\]'"),
    ("tree_df", _set(("domain", "column_labels"), {"0": 0}), "'column_labels' should be a list"),
    ("tree_df", _set(("domain", "column_labels"), [0, "b"]), "'column_labels' should have one entry per feature"),
    ("tree", _set(("domain", "column_dtypes"), ["float64"] * 4), "only for input_format 'dataframe'"),
    # the dtype of a bool or integer array
    ("tree", _set(("domain", "array_dtype"), "float64"), "'array_dtype' should be the name of a bool or integer"),
    ("tree", _set(("domain", "array_dtype"), "i8"), "'array_dtype' should be the name of a bool or integer"),
    ("tree", _set(("domain", "array_dtype"), 8), "'array_dtype' should be the name of a bool or integer"),
    ("tree", _set(("domain", "array_dtype"), "bool"), "'array_dtype' is bool, but a feature is neither binary"),
    ("tree", _set(("domain", "array_dtype"), "int64"), "categories other than whole numbers"),
    ("tree_df", _set(("domain", "array_dtype"), "bool"), "'array_dtype' is only for input_format 'array'"),
    ("rules", _set(("domain", "column_labels"), ["a", "b", "c", "d"]), "only for input_format 'dataframe'"),
    # linear: hinge fields
    ("linear", _set(("terms", 2, 0, "direction"), True), "direction should be 1 or -1"),
    ("linear", lambda d: d["terms"][2][0].pop("knot"), "'direction' but no 'knot'"),
    ("linear", _set(("meta",), ""), "'meta' should be an object"),
    ("rules", _set(("meta",), False), "'meta' should be an object"),
]


@pytest.mark.parametrize("kind, edit, message", CASES)
def test_malformed_field_gives_model_format_error(kind, edit, message):
    d = MODELS[kind]().to_dict()
    edit(d)
    with pytest.raises(ModelFormatError, match=message):
        sd.load(json.dumps(d))
    with pytest.raises(ModelFormatError, match=message):
        sd.load(d)


def _objects(obj, path=()):
    """Every JSON object in a saved model, with its path, except the free-form ``meta`` and an
    automaton's transition rows (maps from symbols, checked against the alphabet)."""
    if isinstance(obj, dict):
        yield path, obj
        for k, v in obj.items():
            if k not in ("meta", "transitions"):
                yield from _objects(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _objects(v, path + (i,))


@pytest.mark.parametrize("kind", list(MODELS))
def test_an_unknown_field_is_refused_by_name(kind):
    """A field the format does not have (a misspelt 'uper', 'probas') is refused naming it, as the
    schema refuses it: read past, the model would load with the field's default (an upper bound of 1,
    no class probabilities), a silently different model."""
    base = MODELS[kind]().to_dict()
    paths = [path for path, _ in _objects(base)]
    assert len(paths) >= (1 if kind in ("dfa", "moore") else 6)
    for path in paths:
        d = copy.deepcopy(base)
        target = d
        for k in path:
            target = target[k]
        target["uper"] = 5.0
        with pytest.raises(ModelFormatError, match="unknown field 'uper'"):
            sd.load(d)


@pytest.mark.parametrize("kind, path", [
    ("tree", ("meta",)), ("tree", ("n_samples",)), ("tree", ("left_categories",)), ("rules", ("meta",)),
    ("rules", ("rules", 0, "proba")), ("rules", ("rules", 0, "coverage")), ("rules", ("default", "coverage")),
    ("linear", ("meta",)), ("linear", ("terms", 1, 0, "category")), ("linear", ("terms", 2, 0, "knot")),
    ("dfa", ("meta",)), ("moore", ("meta",)),
])
def test_null_for_a_field_is_refused_as_the_schema_refuses_it(kind, path):
    """Only 'classes' may be null (a regressor's); elsewhere null loaded as if the field were left out
    (a tree's 'meta', a rule's 'proba', a term's 'category', which made it a plain numeric term), though
    the schema refuses it and an automaton's loader refused a null 'meta'."""
    d = MODELS[kind]().to_dict()
    _set(path, None)(d)
    with pytest.raises(ModelFormatError, match=f"null for {path[-1]!r}"):
        sd.load(d)


def test_a_misspelt_field_does_not_load_with_its_default():
    d = _tree().to_dict()
    d["domain"]["features"][0]["uper"] = d["domain"]["features"][0].pop("upper")
    with pytest.raises(ModelFormatError, match=r"feature 'a'.*unknown field 'uper'"):
        sd.load(d)
    d = _rules().to_dict()
    d["rules"][0]["probas"] = d["rules"][0].pop("proba")
    with pytest.raises(ModelFormatError, match=r"rule 0.*unknown field 'probas'"):
        sd.load(d)


def test_audit_payloads_on_a_distilled_tree(tj):
    def bad(**changes):
        with pytest.raises(ModelFormatError) as err:
            sd.load(json.dumps({**tj, **changes}))
        return str(err.value)

    assert "unknown model kind []" in bad(kind=[])
    n = len(tj["n_samples"])
    with pytest.raises(ModelFormatError, match="Infinity, which is not standard JSON"):
        sd.load(json.dumps({**tj, "n_samples": [float("inf")] * n}))
    assert "integers" in bad(n_samples=[1e300] * n)
    leaf = tj["children_left"].index(-1)
    for junk in (5, "str"):
        cats = list(tj["left_categories"])
        cats[leaf] = junk
        assert f"node {leaf}" in bad(left_categories=cats)
    with pytest.raises(ModelFormatError, match="NaN"):
        sd.load(json.dumps({**tj, "classes": [float("nan"), 1]}))
    assert "mixes" in bad(classes=[0, "a"])
    assert "repeated label 1" in bad(classes=[1, 1])
    value = [list(r) for r in tj["value"]]
    value[0] = [-5, 6]
    assert "negative class frequency" in bad(value=value)
    assert "negative 'n_samples'" in bad(n_samples=[-500] * n)


def test_non_finite_feature_bounds_and_categories_cannot_load():
    d = _tree().to_dict()
    text = json.dumps(d).replace('"upper": 10.0', '"upper": Infinity')
    with pytest.raises(ModelFormatError, match="Infinity"):
        sd.load(text)
    text = json.dumps(d).replace('"upper": 10.0', '"upper": 1e999')
    with pytest.raises(ModelFormatError, match="non-finite number"):
        sd.load(text)
    text = json.dumps(d).replace('["r", "g", "b"]', '["r", NaN, "b"]')
    with pytest.raises(ModelFormatError, match="NaN"):
        sd.load(text)


def test_a_dataframe_domain_saved_without_column_dtypes_and_labels_still_loads():
    """JSON written before ``column_dtypes`` and ``column_labels`` were saved: the model loads, and
    hands the teacher float columns under the feature names, as it did then."""
    d = _tree(DF_DOMAIN).to_dict()
    assert d["domain"]["column_dtypes"] == ["float64", "int8", "bool", "category"]
    assert d["domain"]["column_labels"] == [0, "b", "c", "d"]
    del d["domain"]["column_dtypes"], d["domain"]["column_labels"]
    old = sd.load(json.dumps(d))
    assert old == sd.load(d) and old.domain == DF_DOMAIN
    assert list(old.domain.decode(np.array([[1.0, 2.0, 1.0, 0.0]])).columns) == ["0", "b", "c", "d"]
    assert sd.load(_tree(DF_DOMAIN).to_json()).domain.decode(np.array([[1.0, 2.0, 1.0, 0.0]])).dtypes.astype(
        str).tolist() == ["float64", "int8", "bool", "category"]


def test_categorical_bounds_may_be_left_out():
    d = _tree().to_dict()
    del d["domain"]["features"][3]["lower"], d["domain"]["features"][3]["upper"]
    assert sd.load(json.dumps(d)) == _tree()


# -- tree structure ----------------------------------------------------------------------------------
def _tree_json(left, right, classes=None):
    n = len(left)
    feature = [0 if c >= 0 else -1 for c in left]
    return {"format": "symdistill", "version": 1, "kind": "tree", "task": "regression", "classes": classes,
            "domain": {"features": [{"name": "x", "kind": "numeric", "lower": 0.0, "upper": 1.0}]},
            "children_left": left, "children_right": right, "feature": feature, "threshold": [0.5] * n,
            "value": [[float(i)] for i in range(n)]}


def test_depth_does_not_depend_on_node_order():
    t = sd.load(_tree_json([3, 5, -1, 1, -1, -1, -1], [4, 6, -1, 2, -1, -1, -1]))
    assert t.depth == 3
    assert t.node_depths().tolist() == [0, 2, 2, 1, 1, 3, 3]
    assert "depth 3" in str(t) and "depth=3" in repr(t)
    assert sd.load(t.to_json()) == t


@pytest.mark.parametrize("left, right, message", [
    ([1, 2, -1, -1], [2, 3, -1, -1], "node 2 has 2 parents"),  # node 2 reachable twice
    ([1, -1, 2, -1], [2, -1, 3, -1], "node 2 has 2 parents"),  # node 2 is its own child
    ([1, -1, -1, 4, -1], [2, -1, -1, 3, -1], "unreachable from the root: node 3"),  # 3 <-> 4 off the root
    ([1, -1, -1, -1], [2, -1, -1, -1], "node 3 has no parent"),
    ([0, -1], [1, -1], r"node 0's 'children_left' is 0, .*node 0 is the root"),
    ([1, -1, -1], [7, -1, -1], r"node 0's 'children_right' is 7, .* nodes 1\.\.2"),
    ([1, 3, -1, -1, -1], [2, -1, -1, -1, -1], r"node 1 has 'children_left' 3 but 'children_right' -1"),
    # the schema's minimum: a leaf is -1 and -1, written back as read
    ([1, -7, -1], [2, -7, -1], r"node 1's 'children_left' is -7, .*a leaf has -1"),
])
def test_tree_nodes_must_form_a_tree(left, right, message):
    with pytest.raises(ModelFormatError, match=message):
        sd.load(_tree_json(left, right))


def test_a_model_of_no_features_is_refused():
    """distill refuses data without columns; a file whose domain had none loaded, and then its C did
    not compile (a zero-size array), its Python module was a SyntaxError and its ONNX tree failed."""
    d = _tree_json([-1], [-1])
    d["domain"]["features"] = []
    d.update(feature=[-1])
    with pytest.raises(ModelFormatError, match="'features' is empty"):
        sd.load(d)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_class_frequencies_whose_sum_overflows_still_give_shares():
    """Frequencies near the largest double are frequencies: their sum overflowed to inf and every
    share read 0 (probabilities [0, 0], "agreement 0%"), with an overflow warning."""
    row = np.array([[9.0, 1, 0, "g"]], dtype=object)
    d = _tree().to_dict()
    d["value"][2] = [1e308, 1.5e308]
    tree = sd.load(d)
    np.testing.assert_allclose(tree.predict_proba(row), [[0.4, 0.6]])
    assert "agreement 60%" in str(tree)
    d = _rules().to_dict()
    d["rules"][0]["proba"] = [1e308, 1e308, 1.5e308]
    np.testing.assert_allclose(sd.load(d).predict_proba(np.array([[9.0, 1, 0, "g"]], dtype=object)),
                               [[2 / 7, 2 / 7, 3 / 7]])


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
@pytest.mark.parametrize("labels", [(2**60 + 1, 0.5), (2**63 + 1, -1)])
def test_labels_numpy_cannot_hold_as_numbers_load_as_saved(form, labels):
    """A teacher answering an integer beyond float precision beside a fraction (or beyond int64 beside a
    negative) gives a model holding its labels as Python objects; its to_json() was refused by load ("'classes'
    ... cannot be held without changing them"), so a user could not load what they saved."""
    big, other = labels
    X = np.random.default_rng(0).uniform(size=(300, 2))
    f = lambda X: np.array([big if v > 0.5 else other for v in X[:, 0]], dtype=object)  # noqa: E731
    m = sd.distill(f, X, form=form, max_size=4, random_state=0)
    back = sd.load(m.to_json())
    assert back == m and back.to_json() == m.to_json() and str(back) == str(m)
    assert list(back.predict(X[:50])) == list(f(X[:50])) == list(m.predict(X[:50]))
    assert big in list(back.classes) and all(type(c) is type(d) for c, d in zip(back.classes, m.classes))
    assert sd.export(back, "python") == sd.export(m, "python")


def test_a_regression_tree_has_no_classes():
    with pytest.raises(ModelFormatError, match="regression tree has no 'classes'"):
        sd.load(_tree_json([1, -1, -1], [2, -1, -1], classes=["a"]))


def test_a_very_deep_tree_prints_predicts_and_exports():
    n_inner = 3000
    # a chain: inner node 2k sends x <= 0.5 left to 2k + 2 (the next inner node, or the last leaf)
    left, right = [-1] * (2 * n_inner + 1), [-1] * (2 * n_inner + 1)
    for k in range(n_inner):
        left[2 * k], right[2 * k] = 2 * k + 2, 2 * k + 1
    t = sd.load(json.dumps(_tree_json(left, right)))
    assert t.depth == n_inner
    text = str(t)
    assert text.startswith(f"Tree (regression, {n_inner + 1} leaves, depth {n_inner})")
    assert text.count("if x <= 0.5:") == n_inner
    assert t.predict(np.array([[0.2], [0.9]])).tolist() == [2.0 * n_inner, 1.0]
    assert t.apply(np.array([[0.2]])).tolist() == [2 * n_inner]
    assert sd.load(sd.export(t, "json")) == t


# -- a mutation fuzz over every field of every kind ---------------------------------------------------
def _paths(obj, prefix=()):
    if prefix:
        yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:3]):
            yield from _paths(v, prefix + (i,))


def _deep():
    deep: list = []
    for _ in range(300):
        deep = [deep]
    return deep


JUNK = [[], {}, "x", "1", -1, 0, 2, 1e308, -1e308, None, True, 1.5, 10**30, 2**64, [None], [[]], [-1], [1, 1],
        [0, "a"], {"name": "q"}]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # weights of 1e308 overflow when predicting
@pytest.mark.parametrize("kind", list(MODELS))
def test_mutation_fuzz_never_raises_raw_errors(kind):
    """Replace each field in turn with junk: load either refuses with ModelFormatError or gives a model
    that saves, reloads equal, prints and predicts."""
    base = MODELS[kind]().to_dict()
    loaded = 0
    for path in _paths(base):
        for junk in JUNK + [_deep()]:
            d = copy.deepcopy(base)
            _set(path, junk)(d)
            for source in (d, _dumps(d)):
                if source is None:
                    continue
                try:
                    model = sd.load(source)
                except ModelFormatError:
                    continue
                loaded += 1
                again = sd.load(model.to_json())
                assert again == model, (path, junk)
                str(model), repr(model)
                if kind in ("dfa", "moore"):
                    model.predict(["", "".join(model.alphabet)])
                else:
                    model.predict(_rows(model.domain))
                    model.domain.decode(model.domain.encode(_rows(model.domain)))  # what the teacher gets
    assert loaded > 0


def _dumps(d):
    try:
        return json.dumps(d)
    except RecursionError:
        return None


def _rows(domain):
    return np.array([[f.categories[0] if f.is_categorical else f.lower for f in domain.features],
                     [f.categories[-1] if f.is_categorical else f.upper for f in domain.features]], dtype=object)


def test_every_kind_rejects_repeated_classes_when_built_directly():
    with pytest.raises(ModelFormatError, match="repeated label"):
        Tree(DOMAIN, "classification", np.array([1, 1]), children_left=[-1], children_right=[-1], feature=[-1],
             threshold=[0.0], value=[[0.5, 0.5]])
    with pytest.raises(ModelFormatError, match="repeated label"):
        RuleSet(DOMAIN, "classification", np.array(["a", "a"]), [], Rule((), 0))
    with pytest.raises(ModelFormatError, match="repeated label"):
        LinearModel(DOMAIN, "classification", np.array([0, 0]), terms=[0], coef=[1.0], intercept=0.0)
    with pytest.raises(ModelFormatError, match=re.escape("repeated labels")):
        MooreMachine("a", [[0]], ["x"], classes=["x", "x"])


@pytest.mark.parametrize(("counts", "message"), [
    ([10, 60, 4, 3, 3], r"tree node 0's 'n_samples' is 10, but its children's are 60 \(node 1\) and 4 \(node 2\)"),
    ([10, 6, 4, 30, 3], r"tree node 1's 'n_samples' is 6, but its children's are 30 \(node 3\) and 3 \(node 4\)"),
    ([10, 0, 4, 0, 0], r"tree node 0's 'n_samples' is 10, but its children's are 0 \(node 1\) and 4 \(node 2\)"),
    ([10, 12, 0, 6, 6], r"node 0's 'n_samples' is 10, but its children's are 12 \(node 1\) and 0 \(node 2\)"),
])
def test_a_tree_whose_counts_do_not_add_up_cannot_load(counts, message):
    """A file whose 'n_samples' a node's children do not add up to loaded, and printed a leaf of
    '300% of queries'. A node counts the queries reaching it, rounded to a whole query, so its children's
    counts add up to it within 1 (each is rounded on its own); anything else is refused naming the node,
    its children and the field."""
    with pytest.raises(ModelFormatError, match=message):
        sd.load(json.dumps({**_tree().to_dict(), "n_samples": counts}))


@pytest.mark.parametrize("counts", [[10, 6, 4, 3, 3], [10, 6, 5, 3, 3], [10, 5, 4, 3, 3], [0, 0, 0, 0, 0], [1, 1, 0, 0, 0],
                                    [2, 3, 0, 2, 1]])
def test_counts_rounded_to_whole_queries_load(counts):
    """The learner counts each node's weight rounded on its own (round(0.4) + round(0.4) = 0 under a
    parent of round(0.8) = 1; a child of 2.5000001 beside one of 0 under a parent summed to 2.4999999 in
    another order): children 1 apart from their parent load, and so does a tree of no counts."""
    assert sd.load(json.dumps({**_tree().to_dict(), "n_samples": counts})).n_samples.tolist() == counts


@pytest.mark.parametrize("options", [{"n_samples": 0, "max_size": 64}, {"min_node_samples": 100, "max_size": 32},
                                     {"max_size": 8, "criterion": "soft"}])
def test_trees_the_learner_writes_load(options):
    """Distilled trees, whose leaves hold sampled rows of fractional weight (many counted 0), load again."""
    from sklearn.datasets import load_breast_cancer

    X = load_breast_cancer().data
    teacher = lambda X: ((X[:, 0] > 14) ^ (X[:, 1] > 20)).astype(int)  # noqa: E731
    tree = sd.distill(teacher, X, random_state=0, progress=False, **options)
    assert sd.load(tree.to_json()) == tree
