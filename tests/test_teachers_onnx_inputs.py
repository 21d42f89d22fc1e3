"""ONNX teachers whose inputs are not one float matrix: every number type, bool, string, and one
input per feature (skl2onnx's graphs of pipelines), each run by a real onnxruntime session."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill import TeacherError

from _onnx_support import PIPELINE_COLORS, onnx_model, pipeline_model, pipeline_rows, typed_input_model

pytest.importorskip("onnxruntime")
TP = pytest.importorskip("onnx").TensorProto

NUMBER_TYPES = ["FLOAT", "DOUBLE", "FLOAT16", "BFLOAT16", "INT8", "UINT8", "INT16", "UINT16", "INT32", "UINT32",
                "INT64", "UINT64", "BOOL"]


@pytest.mark.parametrize("kind", NUMBER_TYPES)
def test_an_onnx_input_of_every_number_type_takes_the_rows(kind):
    """Rows were sent as float32 to any input but float, double, float16, int32 and int64: int8, uint8,
    int16, the unsigned types, bool and bfloat16 got onnxruntime's 'Unexpected input data type'."""
    X = np.array([[0, 1], [1, 1], [1, 0], [0, 0]], dtype=float)
    if kind != "BOOL":
        X = np.vstack([X, [[100, 7], [3, 0]]])
    if kind in ("FLOAT", "DOUBLE", "FLOAT16", "BFLOAT16"):
        X = np.vstack([X, [[0.5, -0.25], [-1.5, 2]]])
    t = sd.as_teacher(typed_input_model(getattr(TP, kind)), task="regression")
    assert t.predict(X).tolist() == (2 * X[:, 0] - X[:, 1]).tolist()


def test_rows_to_a_bfloat16_input_are_rounded_to_nearest_ties_to_even():
    X = np.array([[1 + 2.0**-8, 0], [1 + 3 * 2.0**-8, 0], [1 + 2.0**-8 + 2.0**-20, 0], [-(1 + 3 * 2.0**-8), 0]])
    t = sd.as_teacher(typed_input_model(TP.BFLOAT16), task="regression")
    assert t.predict(X).tolist() == [2.0, 2.03125, 2.015625, -2.03125]


def test_a_distillation_of_a_uint8_graph_runs_on_a_dataframe_of_uint8_columns():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"pixel": rng.integers(0, 256, 300), "level": rng.integers(0, 256, 300)}).astype(np.uint8)
    model = typed_input_model(TP.UINT8)
    tree = sd.distill(model, df, task="regression", max_size=8, random_state=0, n_samples=1000)
    assert sd.fidelity(tree, model, df).value > 0.8
    flags = pd.DataFrame({"dark": rng.integers(0, 256, 300) < 80})  # a bool column, to a bool input [N]
    t = sd.as_teacher(typed_input_model(TP.BOOL, (None,)), task="regression")
    assert t.predict(flags).tolist() == (2.0 * flags["dark"]).tolist()


@pytest.mark.parametrize("kind, value, message", [
    ("UINT8", 300, r"'x' takes whole numbers from 0 to 255 \(tensor\(uint8\)\), got 300"),
    ("UINT8", -1, r"'x' takes whole numbers from 0 to 255 \(tensor\(uint8\)\), got -1"),
    ("INT8", 128, r"'x' takes whole numbers from -128 to 127 \(tensor\(int8\)\), got 128"),
    ("INT64", 2.0**63, r"'x' takes whole numbers from -9223372036854775808 to 9223372036854775807 "
                       r"\(tensor\(int64\)\), got 9.22337e\+18"),
    ("UINT32", 2.5, r"'x' takes whole numbers \(tensor\(uint32\)\), got 2.5"),
    ("BOOL", 0.5, r"'x' takes booleans \(tensor\(bool\)\): 0 or 1, got 0.5"),
    ("BOOL", 2, r"'x' takes booleans \(tensor\(bool\)\): 0 or 1, got 2"),
    ("FLOAT", "red", r"'x' takes numbers \(tensor\(float\)\), got 'red'"),
    # text that reads as a number was fed as one (NumPy reads '01' as 1.0), where 'red' was refused
    ("DOUBLE", "1", r"'x' takes numbers \(tensor\(double\)\), got the text '1': convert the column to numbers first "
                    r"\(pd\.to_numeric\), text is not read as a number"),
    ("INT64", "01", r"'x' takes numbers \(tensor\(int64\)\), got the text '01': convert the column to numbers first "
                    r"\(pd\.to_numeric\), text is not read as a number"),
])
def test_a_value_an_onnx_input_cannot_hold_is_named(kind, value, message):
    """300 sent to a uint8 input would be 44 (and 2**63 to an int64 one -2**63), 0.5 to a bool True:
    an answer for another row. Before, these inputs were not fed at all (or 2**63 wrapped round)."""
    t = sd.as_teacher(typed_input_model(getattr(TP, kind)), task="regression")
    with pytest.raises(TeacherError, match=f"^the ONNX input {message}$"):
        t.predict(np.array([[1, 0], [value, 1]], dtype=object))


def test_a_string_input_takes_the_categories_of_a_categorical_feature():
    """The rows went through np.asarray(X, float32): 'could not convert string to float: 'a''."""
    pd = pytest.importorskip("pandas")
    ort = pytest.importorskip("onnxruntime")
    from onnx import helper

    model = onnx_model([helper.make_node("LabelEncoder", ["color"], ["y"], domain="ai.onnx.ml",
                                         keys_strings=PIPELINE_COLORS, values_floats=[1.0, 2.0, 4.0])],
                       [("color", TP.STRING, [None, 1])], [("y", TP.FLOAT, [None, 1])])
    df = pd.DataFrame({"color": np.random.default_rng(0).choice(PIPELINE_COLORS, 60)})
    expected = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(
        None, {"color": df.to_numpy(dtype=object)})[0].ravel()
    assert sd.as_teacher(model, task="regression").predict(df).tolist() == expected.tolist()
    tree = sd.distill(model, df, task="regression", max_size=3, random_state=0)
    assert tree.predict(pd.DataFrame({"color": PIPELINE_COLORS})).tolist() == [1.0, 2.0, 4.0]
    with pytest.raises(TeacherError, match=r"^the ONNX input 'color' takes strings \(tensor\(string\)\), got 1: its "
                                           r"feature must be categorical, with string categories$"):
        sd.distill(model, pd.DataFrame({"color": [1, 2, 3, 1]}), task="regression")


def test_a_graph_with_an_input_per_column_is_fed_a_dataframe_by_name(tmp_path):
    """skl2onnx writes a pipeline with a ColumnTransformer as one input per column, some numbers and
    some strings: 'onnx pipeline.onnx has 3 inputs; symdistill needs one (rows x features)'."""
    ort = pytest.importorskip("onnxruntime")
    model = pipeline_model()
    path = tmp_path / "pipeline.onnx"
    path.write_bytes(model)
    df = pipeline_rows(300)
    labels, maps = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {
        "age": df[["age"]].to_numpy(np.float32), "kids": df[["kids"]].to_numpy(np.int64),
        "color": df[["color"]].to_numpy(object)})
    for obj in (model, path):
        t = sd.as_teacher(obj)
        for rows in (df, df[["color", "age", "kids"]]):  # matched by name, not position
            assert t.predict(rows).tolist() == labels.tolist()
            assert np.allclose(t.predict_proba(rows), [[m["no"], m["yes"]] for m in maps], atol=1e-6)
    tree = sd.distill(path, df, max_size=8, random_state=0)
    assert tree.classes.tolist() == ["no", "yes"] and "color" in str(tree)
    assert sd.fidelity(tree, path, pipeline_rows(300, seed=1)).value > 0.85


@pytest.mark.parametrize("zipmap", [True, False])
def test_an_onnx_classifiers_labels_declared_in_another_order_keep_their_meaning(tmp_path, capsys, zipmap):
    """classes=['yes', 'no'] for a classifier whose graph labels are 'no' and 'yes' lists its classes in
    another order (README: "a name that prints as a label the teacher has of itself ... is that label"), as
    for a ZipMap's probabilities; with a probability tensor (skl2onnx's zipmap=False) they named its
    columns in order, so every 'no' was read as 'yes' without a word, and distill --classes yes,no
    printed a tree that says 'yes' where the network says 'no'."""
    from symdistill.cli import main

    model = pipeline_model(zipmap=zipmap)
    df = pipeline_rows(300)
    truth = sd.as_teacher(model).predict(df)
    assert set(truth) == {"no", "yes"}
    swapped = sd.as_teacher(model, classes=["yes", "no"])
    assert swapped.predict(df).tolist() == truth.tolist()
    assert np.allclose(swapped.predict_proba(df), sd.as_teacher(model).predict_proba(df)[:, ::-1])
    (tmp_path / "t.onnx").write_bytes(model)
    df.to_csv(tmp_path / "rows.csv", index=False)
    out = tmp_path / "m.json"
    assert main(["distill", "--teacher", str(tmp_path / "t.onnx"), "--data", str(tmp_path / "rows.csv"),
                 "--classes", "yes,no", "--max-size", "8", "-o", str(out)]) == 0
    tree = sd.load(out)
    assert tree.classes.tolist() == ["yes", "no"]
    assert np.mean(tree.predict(df) == truth) > 0.85
    with pytest.raises(TeacherError, match=r"classes \['yes', 'maybe'\] are not (its|the) classes "):
        sd.as_teacher(model, classes=["yes", "maybe"]).predict(df)


@pytest.mark.parametrize("zipmap", [True, False])
def test_an_onnx_classifiers_labels_renamed_in_order_name_its_classes_with_a_zipmap_too(zipmap):
    """classes=['N', 'Y'] for the graph labels 'no' and 'yes' (README: other labels in their order) named the
    columns of a probability tensor, but with a ZipMap, skl2onnx's default output, it was refused: 'classes
    ['N', 'Y'] are not the classes of its probability map output'."""
    model = pipeline_model(zipmap=zipmap)
    df = pipeline_rows(300)
    truth = sd.as_teacher(model).predict(df)
    renamed = sd.as_teacher(model, classes=["N", "Y"])
    assert renamed.predict(df).tolist() == ["N" if v == "no" else "Y" for v in truth]
    assert np.allclose(renamed.predict_proba(df), sd.as_teacher(model).predict_proba(df))
    tree = sd.distill(sd.as_teacher(model, classes=["N", "Y"]), df, max_size=8, random_state=0)
    assert tree.classes.tolist() == ["N", "Y"] and set(tree.predict(df)) == {"N", "Y"}
    with pytest.raises(TeacherError, match=r"classes \['no', 'N'\] are not (its|the) classes "):
        sd.as_teacher(model, classes=["no", "N"]).predict(df)
    with pytest.raises(TeacherError, match=r"classes \['A', 'B', 'C'\] are not the classes |2 columns but has 3 classes"):
        sd.as_teacher(model, classes=["A", "B", "C"]).predict(df)


def test_rows_a_graph_with_an_input_per_column_cannot_take_are_refused():
    pd = pytest.importorskip("pandas")
    t = sd.as_teacher(pipeline_model())
    df = pipeline_rows(20)
    with pytest.raises(TeacherError, match=r"^onnx bytes takes each feature in its own input \(age, kids, color\): "
                                           r"give the rows as a pandas DataFrame whose columns are named like its "
                                           r"inputs, not an array$"):
        t.predict(df.to_numpy())
    with pytest.raises(TeacherError, match=r"^onnx bytes takes one feature per input, inputs \['age', 'kids', "
                                           r"'color'\], and the rows have columns \['age', 'kids', 'colour', 'y'\]: "
                                           r"no column for input 'color'; no input for columns 'colour', 'y'$"):
        t.predict(df.rename(columns={"color": "colour"}).assign(y=1))
    coded = df.assign(color=pd.Categorical(df["color"]).codes)  # categories as numbers: not what the graph takes
    with pytest.raises(TeacherError, match=r"^the ONNX input 'color' takes strings \(tensor\(string\)\), got "):
        sd.distill(pipeline_model(), coded, categorical=["color"])


def test_a_column_of_codes_declared_categorical_reaches_an_onnx_input_of_numbers_as_numbers(tmp_path, monkeypatch):
    """The command line reads a --categorical column of zero-padded codes (02) as written, for a teacher
    that takes the DataFrame; an ONNX input of numbers refuses text, so for it the column is read as
    numbers (2), as the graph takes it, and distill runs as it did when the input read '02' as 2."""
    from symdistill.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.onnx").write_bytes(pipeline_model())
    df = pipeline_rows(300)
    df.assign(kids=df["kids"].map("{:02d}".format)).to_csv("rows.csv", index=False)
    assert main(["distill", "--teacher", "t.onnx", "--data", "rows.csv", "--categorical", "kids", "-o", "m.json"]) == 0
    kids = sd.load((tmp_path / "m.json").read_text()).domain.features[1]
    assert kids.name == "kids" and kids.is_categorical and kids.categories == (0, 1, 2, 3, 4)
    with pytest.raises(TeacherError, match=r"^the ONNX input 'kids' takes numbers \(tensor\(int64\)\), got the text '0"):
        sd.as_teacher(pipeline_model()).predict(df.assign(kids=df["kids"].map("{:02d}".format)))


def test_a_word_in_a_declared_column_an_onnx_input_takes_as_numbers_is_named(tmp_path, monkeypatch, capsys):
    """A '?' among the kids of a pipeline whose input takes them as numbers: the warning told the user to
    give --categorical kids, which they had given, and the error then named the text '4' of the first row,
    which the input would take, rather than the '?' that blocks the column."""
    from symdistill.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.onnx").write_bytes(pipeline_model())
    df = pipeline_rows(200).astype({"kids": object})
    df.loc[5, "kids"] = "?"
    df.to_csv("rows.csv", index=False)
    with pytest.warns(UserWarning) as caught:
        assert main(["distill", "--teacher", "t.onnx", "--data", "rows.csv", "--categorical", "kids",
                     "-o", "m.json"]) == 2
    warned = " ".join(str(w.message) for w in caught)
    assert "('?' in row 5); --categorical kids makes it categorical, but the teacher takes its values as numbers, " \
           "which '?' is not" in warned and "says it is meant so" not in warned
    assert capsys.readouterr().err.strip().endswith("the ONNX input 'kids' takes numbers (tensor(int64)), got '?'")
    with pytest.raises(TeacherError, match=r"^the ONNX input 'kids' takes numbers \(tensor\(int64\)\), got '\?'$"):
        sd.as_teacher(pipeline_model()).predict(df)


def test_the_command_line_reads_an_onnx_files_inputs_once(tmp_path, monkeypatch):
    """distill asked the inputs of a .onnx file of an input per column four times (how to read the rows,
    which codes are numbers, which columns it takes, which to read again), making a session of the
    model each time (seconds each for a large model), before the teacher made its own."""
    from symdistill.cli import main
    from symdistill.teachers import onnx as onnx_teacher

    made = []
    real = onnx_teacher.load_session
    monkeypatch.setattr(onnx_teacher, "load_session", lambda model: made.append(model) or real(model))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.onnx").write_bytes(pipeline_model())
    df = pipeline_rows(300)
    df.assign(kids=df["kids"].map("{:02d}".format)).to_csv("rows.csv", index=False)
    assert main(["distill", "--teacher", "t.onnx", "--data", "rows.csv", "--categorical", "kids", "-o", "m.json"]) == 0
    assert len(made) <= 2, made  # the inputs once, then the teacher's own session


@pytest.mark.parametrize("inputs, message", [
    ([("xy", "FLOAT", [None, 2]), ("z", "FLOAT", [None, 1])],
     r"it has 2 inputs \(xy, z\); symdistill feeds several inputs one feature each, by name, and input 'xy' has "
     r"shape \[None, 2\], not \[N, 1\] or \[N\]"),
    ([("x", "map", None)],
     r"input 'x' is a map\(string,tensor\(float\)\); symdistill feeds rows to tensors of float, double, float16, "
     r"bfloat16, bool, string, int8, uint8, int16, uint16, int32, uint32, int64, uint64"),
    ([("image", "FLOAT", [None, 1, 2, 2])],
     r"input 'image' has shape \[None, 1, 2, 2\]; symdistill feeds rows: \[N, features\], or \[N\] for one feature"),
])
def test_an_onnx_graph_whose_inputs_cannot_take_rows_is_refused_when_made(inputs, message):
    """Such graphs failed on the first query, with onnxruntime's own error about types or ranks."""
    from onnx import helper

    def graph_input(name, kind, shape):
        if kind == "map":  # as skl2onnx writes a DictVectorizer's input
            return helper.make_value_info(name, helper.make_map_type_proto(
                TP.STRING, helper.make_tensor_type_proto(TP.FLOAT, [])))
        return name, getattr(TP, kind), shape

    nodes = [helper.make_node("DictVectorizer", [name], [f"{name}_f"], domain="ai.onnx.ml",
                              string_vocabulary=["a", "b"]) if kind == "map" else
             helper.make_node("Cast", [name], [f"{name}_f"], to=TP.FLOAT) for name, kind, _ in inputs]
    model = onnx_model(nodes, [graph_input(*i) for i in inputs], [(f"{name}_f", TP.FLOAT, None) for name, _, _ in inputs])
    with pytest.raises(TeacherError, match=f"^onnx bytes: {message}$"):
        sd.as_teacher(model)


def test_an_onnx_input_of_one_feature_or_a_fixed_width_takes_rows_of_that_width():
    """An [N] input was sent [N, 1] rows ('Invalid rank for input'); rows of the wrong width got
    onnxruntime's 'Got invalid dimensions for input'."""
    X = np.array([[1.0], [4.0]])
    assert sd.as_teacher(typed_input_model(TP.FLOAT, (None,)), task="regression").predict(X).tolist() == [2.0, 8.0]
    with pytest.raises(TeacherError, match=r"^the ONNX input 'x' takes 2 features per row \(shape \[None, 2\]\); "
                                           r"the rows have 3$"):
        sd.as_teacher(typed_input_model(TP.FLOAT), task="regression").predict(np.ones((2, 3)))


def test_a_graph_of_a_fixed_batch_of_one_distils_with_batch_size_one_as_its_error_says():
    """The error about a fixed batch of 1 says to pass batch_size=1, but distill's determinism check then
    sent the graph 32 rows in one call: onnxruntime's 'Got invalid dimensions for input'."""
    from onnx import helper, numpy_helper

    model = onnx_model([helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
                       [("x", TP.FLOAT, [1, 2])], [("y", TP.FLOAT, [1])],
                       [numpy_helper.from_array(np.array([1]), "axes")])
    with pytest.raises(TeacherError, match="fixed batch size of 1 .* or pass batch_size=1"):
        sd.as_teacher(model, task="regression")
    X = np.random.default_rng(0).uniform(size=(60, 2))
    teacher = sd.as_teacher(model, task="regression", batch_size=1)
    tree = sd.distill(teacher, X, max_size=4, random_state=0, n_samples=200)
    assert teacher.n_calls == teacher.n_queries  # every call one row
    assert sd.fidelity(tree, teacher, X).value > 0.5


def test_a_number_beyond_a_float16_input_is_named():
    """70,000 sent to a float16 input (which holds up to 65,504) became infinity, with NumPy's 'overflow
    encountered in cast' and an answer of infinity, refused as the graph's NaN or infinite output."""
    with pytest.raises(TeacherError, match=r"^the ONNX input 'x' \(tensor\(float16\)\) takes numbers up to 65504 in "
                                           r"size: column 1 holds -70000, which float16 holds as infinity; "
                                           r"scale the feature$"):
        sd.as_teacher(typed_input_model(TP.FLOAT16), task="regression").predict(np.array([[1.0, 2.0], [0.0, -7e4]]))


def test_a_graph_of_a_fixed_batch_of_one_is_read_on_the_command_line_with_batch_size(tmp_path, capsys):
    """The error about a fixed batch of 1 says to pass batch_size=1, which the command line had no way to
    do: --option batch_size=1 was refused with "pass sd.as_teacher(teacher, batch_size=...) as the
    teacher", advice for Python. --batch-size N gives the teacher's batch on distill, evaluate, verify
    and report alike, and the error and --option batch_size= name it."""
    from onnx import helper, numpy_helper

    from symdistill.cli import main

    model = onnx_model([helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
                       [("x", TP.FLOAT, [1, 2])], [("y", TP.FLOAT, [1])],
                       [numpy_helper.from_array(np.array([1]), "axes")])
    (tmp_path / "t.onnx").write_bytes(model)
    np.savetxt(tmp_path / "rows.csv", np.random.default_rng(0).uniform(size=(60, 2)), delimiter=",",
               header="a,b", comments="")
    teacher, rows, out = str(tmp_path / "t.onnx"), str(tmp_path / "rows.csv"), str(tmp_path / "m.json")
    distill = ["distill", "--teacher", teacher, "--data", rows, "--task", "regression", "--max-size", "4",
               "--option", "n_samples=200", "-o", out]
    assert main(distill) == 2
    assert "or pass batch_size=1 (--batch-size 1 on the command line" in capsys.readouterr().err
    assert main(distill + ["--option", "batch_size=1"]) == 2
    assert "--option batch_size=...: use --batch-size" in capsys.readouterr().err
    assert main(distill + ["--batch-size", "1"]) == 0
    assert sd.load(out).size == 4
    capsys.readouterr()
    assert main(["evaluate", out, "--teacher", teacher, "--data", rows, "--batch-size", "1"]) == 0
    assert "fidelity" in capsys.readouterr().out
    assert main(["verify", out, "--output-range", "-10", "10", "--teacher", teacher, "--batch-size", "1"]) == 0
    assert main(["verify", out, "--output-range", "-10", "10", "--batch-size", "1"]) == 2
    assert "--batch-size 1 is the batch of --teacher; give --teacher too" in capsys.readouterr().err
    assert main(["report", "--teacher", teacher, "--data", rows, "--task", "regression", "--forms", "tree",
                 "--sizes", "2", "--n-samples", "200", "--batch-size", "1", "--no-progress",
                 "-o", str(tmp_path / "r.html")]) == 0
