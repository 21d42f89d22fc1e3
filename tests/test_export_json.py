"""JSON export and the shipped schema: every saved model validates; malformed ones do not.
Also the ``export`` entry point's argument checks and the ``symdistill export`` command."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main
from symdistill.export.json import schema
from symdistill.models import registered_kinds
from symdistill.models.automata import DFA, MooreMachine

from _export_support import hostile_classes, hostile_domain, random_linear, random_rules, random_tree

jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def validator():
    s = schema()
    jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(s)


@pytest.fixture(scope="module")
def models():
    rng = np.random.default_rng(0)
    dom = hostile_domain(3, 2)
    X = rng.uniform(size=(400, 3))
    teacher = lambda X: (X[:, 0] + X[:, 1] > 1).astype(int)  # noqa: E731
    return {
        "tree": random_tree(rng, dom, n_leaves=12, classes=hostile_classes(3)),
        "regression tree": random_tree(rng, dom, n_leaves=6, task="regression"),
        "rules": random_rules(rng, dom, n_rules=5, classes=hostile_classes(2)),
        "regression rules": random_rules(rng, dom, n_rules=3, task="regression"),
        "linear": random_linear(rng, dom, link="softmax", classes=hostile_classes(3)),
        "dfa": DFA.from_regex("(0|1)*00", "01"),
        "moore": MooreMachine(["a", "b"], [[1, 0], [0, 1]], [1.5, "x"], classes=[1.5, "x"]),
        "distilled tree": sd.distill(teacher, X, form="tree", max_size=4, random_state=0),
        "distilled rules": sd.distill(teacher, X, form="rules", max_size=3, random_state=0, n_samples=1000),
        "distilled linear": sd.distill(teacher, X, form="linear", max_size=3, random_state=0, n_samples=1000),
        "distilled from a DataFrame": _dataframe_tree(X),
    }


def _dataframe_tree(X):
    """Saves the DataFrame's column dtypes and its int column labels."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({0: X[:, 0], "flag": X[:, 1] > 0.5, "n": (X[:, 2] * 100).astype(np.int8)})
    return sd.distill(lambda X: ((X[0] > 0.5) & ~X["flag"]).astype(int).to_numpy(), df, max_size=4, random_state=0)


MODEL_NAMES = ["tree", "regression tree", "rules", "regression rules", "linear", "dfa", "moore", "distilled tree",
               "distilled rules", "distilled linear", "distilled from a DataFrame"]


def test_schema_covers_every_registered_kind():
    assert set(registered_kinds()) <= set(schema()["properties"]["kind"]["enum"])


def test_the_loader_knows_the_fields_the_schema_lists():
    """load refuses a field the schema does not list, and reads every one it lists."""
    from symdistill.models import base
    from symdistill.models.base import _REGISTRY

    defs = schema()["$defs"]
    for kind, cls in _REGISTRY.items():
        assert set(cls.fields) | {"format", "version", "kind"} == set(defs[kind]["properties"]), kind
    assert set(base.DOMAIN_FIELDS) == set(defs["domain"]["properties"])
    assert set(base.FEATURE_FIELDS) == set(defs["feature"]["properties"])


def test_fixture_builds_every_named_model(models):
    assert list(models) == MODEL_NAMES


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_saved_models_validate_and_round_trip(name, models, validator):
    model = models[name]
    text = sd.export(model, "json")
    assert text == model.to_json() + "\n"  # the text of a file, ending in a newline
    validator.validate(json.loads(text))
    assert sd.load(text) == model


@pytest.mark.parametrize("name, damage, where", [
    ("tree", lambda d: d.pop("threshold"), "threshold"),
    ("tree", lambda d: d.__setitem__("threshold", ["0.5"] * len(d["threshold"])), "0.5"),
    ("tree", lambda d: d.__setitem__("extra", 1), "extra"),
    ("rules", lambda d: d["rules"][0]["conditions"][0].__setitem__("op", "=="), "=="),
    ("rules", lambda d: d["default"]["conditions"].append({"feature": 0, "op": "<=", "value": 1.0}), "conditions"),
    ("linear", lambda d: d.__setitem__("link", "probit"), "probit"),
    ("linear", lambda d: d["terms"][0][0].update(category=1, knot=0.5), "knot"),
    ("dfa", lambda d: d["accepting"].__setitem__(0, 1), "accepting"),
    ("moore", lambda d: d.__setitem__("version", 2), "version"),
    ("tree", lambda d: d.__setitem__("kind", "forest"), "forest"),
    ("tree", lambda d: d.__setitem__("classes", [0, "a", "b"]), "classes"),
    ("rules", lambda d: d.__setitem__("classes", [d["classes"][0]] * 2), "classes"),
    ("moore", lambda d: d.__setitem__("classes", ["x", "x"]), "non-unique"),
    ("tree", lambda d: d["domain"]["features"][3].update(categories=["a", "a", "b", "c"]), "non-unique"),
    ("tree", lambda d: d["domain"]["features"][3].__setitem__("lower", 1.0), "lower"),
    ("tree", lambda d: d["domain"]["features"][0].__setitem__("categories", ["a"]), "categories"),
    ("distilled tree", lambda d: d["value"].__setitem__(0, [-5, 6]), "minimum"),
    ("tree", lambda d: d["domain"]["features"][0].update(kind="binary", lower=0.0, upper=2.0), "maximum"),
    ("linear", lambda d: d["terms"][0][0].__setitem__("direction", -1), "knot"),
    ("distilled tree", lambda d: d["domain"].__setitem__("features", []), "features"),
])
def test_schema_rejects_malformed_models(name, damage, where, models, validator):
    data = models[name].to_dict()
    damage(data)
    errors = list(validator.iter_errors(data))
    assert errors, f"damaged {name} model validated"
    assert any(where in (str(e.message) + str(list(e.path))) for e in errors)


def test_schema_ships_as_package_data():
    from importlib import resources

    path = resources.files("symdistill").joinpath("schema", "model-v1.json")
    assert path.is_file()
    assert schema()["$id"] == "urn:symdistill:schema:model-v1"


def test_export_checks_its_arguments(models):
    tree = models["tree"]
    with pytest.raises(ValueError, match="unknown export target 'java'"):
        sd.export(tree, "java")
    with pytest.raises(TypeError, match="unknown option.*prefix.*accepted: none"):
        sd.export(tree, "python", prefix="x")
    with pytest.raises(TypeError, match="cannot export a dict"):
        sd.export({"kind": None}, "c")
    with pytest.raises(ValueError, match="indent"):
        sd.export(tree, "json", indent=-1)


def test_cli_export(tmp_path, capsys, models):
    tree = models["distilled tree"]
    path = tmp_path / "tree.json"
    tree.to_json(path)
    assert main(["export", str(path), "--to", "c", "--prefix", "edge", "-o", str(tmp_path / "model.c")]) == 0
    assert (tmp_path / "model.c").read_text() == sd.export(tree, "c", prefix="edge")
    assert main(["export", str(path), "--to", "python"]) == 0
    assert capsys.readouterr().out == sd.export(tree, "python")
    assert main(["export", str(path), "--to", "onnx", "-o", str(tmp_path / "m.onnx")]) == 0
    assert (tmp_path / "m.onnx").read_bytes() == sd.export(tree, "onnx")
    assert main(["export", str(path), "--to", "onnx"]) == 2
    assert "give it with -o" in capsys.readouterr().err
    assert main(["export", str(path), "--to", "python", "--module", "m"]) == 2
    assert "--module applies to --to prolog, not to --to python" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["tree", "rules", "linear", "dfa"])
def test_to_json_and_load_take_a_path_as_text_or_pathlib_and_a_file_object(tmp_path, name, models):
    """to_json(f) of an open file was "TypeError: expected str, bytes or os.PathLike object, not
    TextIOWrapper", and sd.load(f) "model must be a JSON object, got TextIOWrapper": a file object is
    now written and read as json.dump and json.load do, text or binary, and its text is JSON only
    (never taken for a path)."""
    import io

    model = models[name]
    text = model.to_json() + "\n"
    for path in (str(tmp_path / "a.json"), tmp_path / "b.json"):
        model.to_json(path)
        assert sd.load(path) == model and open(path, encoding="utf-8").read() == text
    with open(tmp_path / "c.json", "w", encoding="utf-8") as f:
        assert model.to_json(f) == text[:-1]
    with open(tmp_path / "c.json", encoding="utf-8") as f:
        assert f.read() == text
    with open(tmp_path / "c.json", encoding="utf-8") as f:
        assert sd.load(f) == model
    with open(tmp_path / "d.json", "wb") as f:
        model.to_json(f)
    with open(tmp_path / "d.json", "rb") as f:
        assert f.read() == text.encode() and sd.load(io.BytesIO(text.encode())) == model
    buffer = io.StringIO()
    model.to_json(buffer)
    assert buffer.getvalue() == text and sd.load(io.StringIO(buffer.getvalue())) == model
    with pytest.raises(sd.ModelFormatError, match="^model is not valid JSON"):
        sd.load(io.StringIO(str(tmp_path / "a.json")))  # a path read from a file is no model
    with pytest.raises(sd.ModelFormatError, match=r"the model text is empty"):
        sd.load(io.StringIO(""))
    with pytest.raises(TypeError, match=r"^path must be a file's path \(str or pathlib\.Path\) or a file object "
                                        r"open for writing, got int$"):
        model.to_json(3)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_text_exports_end_in_one_newline(tmp_path, capsys, name, models):
    """`export --to json` and `--to dot` printed the text without a final newline (the shell's prompt
    landed on the closing brace), and so did the files `-o`, `to_json(path)` and `automaton --dot`
    wrote. Every text target now ends in exactly one newline; the JSON still loads as the same model."""
    model = models[name]
    path = tmp_path / "model.json"
    model.to_json(path)
    assert path.read_text(encoding="utf-8") == model.to_json() + "\n" and sd.load(path) == model
    automaton = name in ("dfa", "moore")
    for target in ("c", "python", "prolog", "json", "dot" if automaton else None):
        if target is None:
            continue
        text = sd.export(model, target)
        assert text.endswith("\n") and not text.endswith("\n\n"), target
        assert main(["export", str(path), "--to", target]) == 0
        assert capsys.readouterr().out == text
    assert sd.load(sd.export(model, "json")) == model


def test_automaton_dot_file_ends_in_a_newline(tmp_path, monkeypatch, capsys):
    (tmp_path / "seq_newline.py").write_text("def odd(words):\n    return [w.count('1') % 2 == 1 for w in words]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    out, dot = tmp_path / "dfa.json", tmp_path / "dfa.dot"
    assert main(["automaton", "--teacher", "seq_newline:odd", "--alphabet", "0,1", "-o", str(out),
                 "--dot", str(dot)]) == 0
    dfa = sd.load(out)
    assert dot.read_text(encoding="utf-8") == dfa.to_dot() + "\n" and dot.read_text(encoding="utf-8").endswith("}\n")
    assert out.read_text(encoding="utf-8").endswith("}\n")


@pytest.mark.parametrize("kind", ["tree", "rules", "linear", "dfa"])
def test_numpy_values_in_meta_are_saved_and_other_values_are_named(models, kind):
    """A NumPy number in a model's meta (as meta={"x": np.int64(1)} or a count a user adds) failed
    to_json with Python's 'Object of type int64 is not JSON serializable', naming neither meta nor the
    key. NumPy numbers, bools and arrays are now saved as JSON writes them; a value JSON cannot hold is
    a TypeError naming its key in meta."""
    model = models[kind].copy()
    model.meta.update(count=np.int64(7), share=np.float32(0.25), flag=np.bool_(True), sizes=np.arange(3),
                      nested={"rows": [np.int32(2)]})
    back = sd.load(model.to_json())
    assert {k: back.meta[k] for k in ("count", "share", "flag", "sizes", "nested")} == \
        {"count": 7, "share": 0.25, "flag": True, "sizes": [0, 1, 2], "nested": {"rows": [2]}}
    assert back == model
    model.meta["nested"]["seen"] = {1, 2}
    with pytest.raises(TypeError, match=r"^meta\['nested'\]\['seen'\] is of type set \(\{1, 2\}\), which JSON "
                                        r"cannot hold"):
        model.to_json()
    model.meta["nested"] = [1.0, float("inf")]
    with pytest.raises(TypeError, match=r"^meta\['nested'\]\[1\] is inf, which JSON cannot hold"):
        model.to_json()



def test_a_model_with_a_tuple_in_meta_loads_equal_and_a_key_not_text_is_named(models):
    """meta={"pair": (1, 2)} was saved as the list [1, 2], and the loaded model was not == the one
    saved; meta={1: "a"} was saved under the key "1", so the loaded model's meta had another key, and
    a tuple key failed with Python's 'keys must be str, int, float, bool or None, not tuple'."""
    model = models["dfa"].copy()
    model.meta["pair"] = (1, (2, 3))
    back = sd.load(model.to_json())
    assert back.meta["pair"] == [1, [2, 3]] and back == model
    for key in (1, (1, 2)):
        model.meta["nested"] = {key: "a"}
        with pytest.raises(TypeError, match=re.escape(f"meta['nested'] has the key {key!r} ({type(key).__name__}), "
                                                      "and JSON keys are text")):
            model.to_json()
