from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import symdistill as sd
from symdistill import TeacherError
from symdistill.teachers import CallableTeacher, Oracle


def test_torch_teacher_matches_manual_forward(torch_mlp, blobs):
    import torch

    X = blobs[1]
    t = sd.as_teacher(torch_mlp, batch_size=100)
    proba = t.predict_proba(X)
    with torch.no_grad():
        manual = torch.softmax(torch_mlp(torch.tensor(X, dtype=torch.float32)), dim=1).numpy()
    assert np.allclose(proba, manual, atol=1e-6)
    assert t.task == "classification" and t.classes_.tolist() == [0, 1]
    assert t.n_queries == len(X) and t.n_calls == int(np.ceil(len(X) / 100))


def test_torch_teacher_restores_training_mode(torch_mlp, blobs):
    torch_mlp.train()
    sd.as_teacher(torch_mlp).predict(blobs[1][:5])
    assert torch_mlp.training
    torch_mlp.eval()


def test_torch_teacher_restores_every_submodules_own_mode(blobs, tmp_path):
    """The teacher called ``train()`` on the whole network after a query: a batch norm frozen in a
    training network (or a dropout left on in an eval one) came back in the network's mode."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                              torch.nn.Linear(8, 2))
    net.train()
    net[1].eval()  # frozen batch norm
    sd.as_teacher(net).predict(blobs[1][:5])
    assert [m.training for m in net] == [True, False, True, True, True]
    net.eval()
    net[3].train()  # dropout kept on
    sd.as_teacher(net).predict(blobs[1][:5])
    assert [m.training for m in net] == [False, False, False, True, False]
    scripted = torch.jit.script(net)
    scripted.train()
    scripted[1].eval()
    sd.as_teacher(scripted).predict(blobs[1][:5])
    assert scripted.training and not scripted[1].training


def test_sklearn_teacher_uses_predict_proba_and_classes(sklearn_mlp, blobs):
    t = sd.as_teacher(sklearn_mlp)
    X = blobs[1]
    assert np.allclose(t.predict_proba(X), sklearn_mlp.predict_proba(X))
    assert (t.predict(X) == sklearn_mlp.predict(X)).all()


def test_distill_asks_a_sklearn_classifier_for_probabilities_and_all_its_classes():
    """distill wraps the estimator itself: a class that predict never returns on these rows still
    counts (from ``classes_``), and the queries go through ``predict_proba``."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] > 0).astype(int)
    y[:3] = 2  # a rare third class that predict never returns
    clf = LogisticRegression().fit(X, y)
    assert set(clf.predict(X)) == {0, 1}
    tree = sd.distill(clf, X, max_size=4, random_state=0, n_samples=600)
    assert tree.classes.tolist() == [0, 1, 2]
    assert tree.meta["teacher"] == sd.as_teacher(clf).name


def test_onnx_teacher_agrees_with_torch(onnx_file, torch_mlp, blobs):
    X = blobs[1]
    t_onnx = sd.as_teacher(str(onnx_file))
    t_torch = sd.as_teacher(torch_mlp)
    assert np.allclose(t_onnx.predict_proba(X), t_torch.predict_proba(X), atol=1e-5)
    assert sd.as_teacher(onnx_file.read_bytes()).predict(X[:3]).shape == (3,)


def test_torchscript_file_teacher(torch_mlp, blobs, tmp_path):
    import torch

    path = tmp_path / "net.pt"
    torch.jit.trace(torch_mlp, torch.zeros(1, 3)).save(str(path))
    t = sd.as_teacher(str(path))
    assert (t.predict(blobs[1]) == sd.as_teacher(torch_mlp).predict(blobs[1])).all()


def test_callable_labels_probabilities_logits_values():
    X = np.linspace(0, 1, 20).reshape(-1, 1)
    labels = sd.as_teacher(lambda X: np.where(X[:, 0] > 0.5, "yes", "no"))
    assert labels.predict(X)[-1] == "yes" and labels.classes_.tolist() == ["no", "yes"]
    proba = sd.as_teacher(lambda X: np.column_stack([1 - X[:, 0], X[:, 0]]))
    assert np.allclose(proba.predict_proba(X)[:, 1], X[:, 0])
    logits = sd.as_teacher(lambda X: np.column_stack([np.zeros(len(X)), 10 * (X[:, 0] - 0.5)]))
    assert logits.predict(X).tolist() == [0] * 10 + [1] * 10
    values = sd.as_teacher(lambda X: X[:, 0] * 2.5)
    assert values.predict(X[:2]).tolist() == [0.0, 2.5 / 19] and values.task == "regression"
    forced = sd.as_teacher(lambda X: X[:, 0], task="classification")
    assert forced.predict_proba(X)[-1].tolist() == [0.0, 1.0]


@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda X: 1 / 0, "raised ZeroDivisionError"),
        (lambda X: np.zeros(len(X) + 1), "one answer per row"),
        (lambda X: np.full(len(X), np.nan), "NaN"),
        (lambda X: np.full((len(X), 2), 0.7), "do not sum to 1|probabilit"),
        (lambda X: "garbage", "shape|array"),
        (lambda X: np.zeros((len(X), 2, 2)), "shape"),
    ],
)
def test_bad_teachers_get_clear_errors(fn, message):
    t = CallableTeacher(fn, name="badnet", task="classification", output="proba")
    with pytest.raises(TeacherError, match=message) as info:
        t.answer(np.zeros((4, 2)))
    assert "badnet" in str(info.value)


def test_probabilities_that_do_not_sum_to_one_name_the_first_row_so_answered():
    """'returned probability rows that are negative or do not sum to 1' said neither which row nor what it
    answered, where a NaN answer names its row; of 8,192 rows drawn by the sampler the user could not tell."""
    def f(X):
        out = np.column_stack([1 - X[:, 0], X[:, 0]])
        out[X[:, 1] > 2.5] = [0.7, 0.7]
        out[X[:, 1] < -2.5] = [1.2, -0.2]
        return out

    X = np.column_stack([np.linspace(0, 1, 6), [0, 1, 3, 1, -3, 3]])
    with pytest.raises(TeacherError, match=r"^callable .*f returned probability rows that are negative or do not sum "
                                           r"to 1 for 3 of the 6 rows asked, first row 2 \(\[0\.4, 3\.0\]\): "
                                           r"\[0\.7, 0\.7\], summing to 1\.4$"):
        sd.as_teacher(f, output="proba").predict(X)
    with pytest.raises(TeacherError, match=r"^callable .*<lambda> returned probabilities outside \[0, 1\] for 1 of the 3 "
                                           r"rows asked, first row 1 \(\[5\.0\]\): 1\.5$"):
        sd.as_teacher(lambda X: X[:, 0] * 0.3, output="proba").predict(np.array([[1.0], [5.0], [2.0]]))


def test_non_deterministic_teacher_is_rejected():
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(50, 2))
    with pytest.raises(TeacherError, match="not deterministic"):
        sd.distill(lambda X: rng.uniform(size=len(X)) > 0.5, X, max_size=2)


def test_unknown_label_after_classes_fixed():
    t = sd.as_teacher(lambda X: np.where(X[:, 0] > 0.5, "b", "a"), classes=["a"])
    with pytest.raises(TeacherError, match="'b'.*classes"):
        t.predict(np.array([[0.9]]))
    several = sd.as_teacher(lambda X: np.rint(X[:, 0]).astype(int), classes=[0, 1])
    with pytest.raises(TeacherError, match=r"labels 3, -1, which are not among its classes \[0, 1\]") as info:
        several.predict(np.array([[3.0], [0.0], [-1.0], [3.0]]))
    assert info.value.labels == (3, -1)


def test_cache_avoids_repeated_queries():
    calls = []

    def f(X):
        calls.append(len(X))
        return (X[:, 0] > 0).astype(int)

    t = sd.as_teacher(f, cache=True)
    X = np.array([[1.0], [-1.0], [1.0]])
    t.predict(X)
    t.predict(X)
    assert calls == [2]


def test_oracle_decodes_categories_for_dataframe_teacher():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"colour": pd.Categorical(["red", "blue", "red"]), "size": [1.0, 2.0, 3.0]})
    seen = []

    def f(frame):
        seen.append(frame)
        return (frame["colour"] == "red").astype(int).to_numpy()

    dom = sd.Domain.from_data(df)
    oracle = Oracle(sd.as_teacher(f), dom)
    assert oracle.label(dom.encode(df)).y.tolist() == [1, 0, 1]
    assert list(seen[-1]["colour"]) == ["red", "blue", "red"]


def test_as_teacher_rejects_unknown_objects():
    with pytest.raises(TypeError, match="cannot use a int"):
        sd.as_teacher(3)
    with pytest.raises(ValueError, match="cannot tell the teacher kind"):
        sd.as_teacher("model.xyz")
    with pytest.raises(FileNotFoundError):
        sd.as_teacher("missing.onnx")


def test_torch_teacher_takes_a_dataframe_without_warnings():
    """pandas hands out read-only arrays; torch warns on those unless the teacher copies them. Torch warns
    once a process, so the check runs in a fresh one."""
    pytest.importorskip("pandas")
    pytest.importorskip("torch")
    from _torch_support import run_without_read_only_warning

    run_without_read_only_warning(
        "net = torch.nn.Sequential(torch.nn.Linear(3, 2))\n"
        "df = pd.DataFrame(np.random.default_rng(0).normal(size=(50, 3)), columns=list('abc'))\n"
        "assert sd.as_teacher(net).predict(df).shape == (50,)\n")


def test_torch_teacher_and_activations_take_a_view_with_negative_strides():
    """A view such as X[:, ::-1] or X[::-1] (np.flip) has negative strides, which torch.as_tensor refuses:
    predict, sd.fidelity and read_activations failed with torch's 'At least one stride in the given numpy
    array is negative' (as a TeacherError) on rows the pedagogical learners took."""
    torch = pytest.importorskip("torch")
    from symdistill.teachers.activations import read_activations

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    X = np.random.default_rng(0).normal(size=(60, 3))
    teacher = sd.as_teacher(net)
    for view in (X[:, ::-1], X[::-2], np.flip(X)):
        plain = np.array(view)
        assert np.array_equal(teacher.predict(view), teacher.predict(plain))
        assert np.allclose(read_activations(net, view, 0), read_activations(net, plain, 0))
        assert sd.fidelity(sd.distill(net, plain, max_size=2, progress=False), net, view).value > 0


def test_sklearn_classifier_fitted_on_one_class_gives_a_constant_model():
    from sklearn.dummy import DummyClassifier

    X = np.random.default_rng(0).normal(size=(300, 3))
    clf = DummyClassifier().fit(X, np.full(300, "only"))
    for form in ("tree", "rules"):
        model = sd.distill(clf, X, form=form, max_size=4, random_state=0, n_samples=600)
        assert set(model.predict(X)) == {"only"}
    # A linear classifier needs two: the refusal names the class and the forms that take it (it
    # told the user to pass classes=[...], which a model fitted on one class cannot use).
    with pytest.raises(sd.TeacherError, match="single class, 'only', on every row asked.*form='tree' or 'rules'"):
        sd.distill(clf, X, form="linear", max_size=2, random_state=0, n_samples=600)


def test_torch_teacher_sends_rows_in_the_modules_float_type():
    """A float64 network gets float64 rows (float32 rows made every query fail); dtype= still wins."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double().eval()
    X = np.random.default_rng(0).uniform(size=(200, 3))
    with torch.no_grad():
        manual = torch.softmax(net(torch.tensor(X)), dim=1).numpy()
    np.testing.assert_allclose(sd.as_teacher(net).predict_proba(X), manual, rtol=0, atol=1e-12)
    assert sd.as_teacher(net, dtype="float32").dtype == torch.float32
    assert sd.as_teacher(torch.nn.Linear(3, 2)).dtype == torch.float32
    assert sd.as_teacher(torch.nn.Flatten()).dtype == torch.float32  # no parameters
    rules = sd.distill(net, X, form="rules", method="decompositional", max_size=4, random_state=0, n_samples=500)
    assert np.mean(rules.predict(X) == manual.argmax(axis=1)) > 0.9


def test_a_float16_torch_module_given_a_number_beyond_float16_is_told_so_by_column():
    """A float16 network given an income of 70,000 (float16 holds up to 65,504) got the row as infinity and
    answered NaN: the error blamed the network ('returned NaN or infinite output'), not the cast."""
    torch = pytest.importorskip("torch")
    pd = pytest.importorskip("pandas")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).half()
    rows = pd.DataFrame({"age": [30.0, 41.0], "income": [1000.0, 70000.0]})
    message = (r"^a torch module in float16 takes numbers up to 65504 in size: column 'income' holds 70000, "
               r"which float16 holds as infinity; scale the feature, or run the module in float32 \(net\.float\(\)\)$")
    with pytest.raises(sd.TeacherError, match=message):
        sd.as_teacher(net).predict(rows)
    with pytest.raises(sd.TeacherError, match=message.replace("column 'income'", "column 1")):
        sd.as_teacher(net).predict(rows.to_numpy())
    assert sd.as_teacher(net).predict(rows.iloc[:1]).shape == (1,)  # a row in float16's range is answered
    assert sd.as_teacher(net).predict(np.array([[np.inf, 1.0]])).shape == (1,)  # infinity given is no cast's doing


@pytest.mark.parametrize("rows, text", [
    (np.array([["1", 0.5], [0.2, 0.1]], dtype=object), "1"),  # object rows, as a DataFrame with a text column
    (np.array([["01", "2"], ["0", "1"]]), "01"),  # a NumPy string array
])
def test_torch_teacher_refuses_text_that_reads_as_a_number(rows, text):
    """NumPy read the text '1' and '01' as 1.0, so a column of text (a categorical feature's categories)
    reached the module as numbers without a word; the hidden-activations reader sent rows so too."""
    torch = pytest.importorskip("torch")
    from symdistill.teachers.activations import activation_reader

    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    message = (rf"^a torch module takes rows of numbers, got the text '{text}': convert the column to numbers "
               r"first \(pd\.to_numeric\), text is not read as a number$")
    with pytest.raises(sd.TeacherError, match=message):
        sd.as_teacher(net).predict(rows)
    read = message.replace("a torch module takes", "hidden activations are read from")
    with pytest.raises(sd.TeacherError, match=read):
        activation_reader(net).read(rows)
    assert sd.as_teacher(net).predict(rows.astype(float)).shape == (2,)  # the same rows as numbers are answered


def test_torch_teacher_names_the_word_that_is_no_number():
    """A '?' (a missing value) after the text '1': the '1' was named, as if converting the column to numbers
    would do, or NumPy's own ValueError came out when the word came first."""
    torch = pytest.importorskip("torch")
    net = torch.nn.Sequential(torch.nn.Linear(2, 2))
    for rows in (np.array([["1", 0.5], ["?", 0.1]], dtype=object), np.array([["?", 0.5], [0.2, 0.1]], dtype=object)):
        with pytest.raises(sd.TeacherError, match=r"^a torch module takes rows of numbers, got '\?'$"):
            sd.as_teacher(net).predict(rows)


@pytest.mark.parametrize("texts, said", [
    (["red", "blue", "red"], "got 'red' in column 'colour'$"),
    (["1", "0", "1"], "got the text '1' in column 'colour': convert the column to numbers first"),
])
def test_torch_teacher_names_the_column_of_text_in_a_dataframe(texts, said):
    """A DataFrame with a categorical column given to a torch module was refused naming the value alone
    ('got 'red''; 'got the text '1': convert the column to numbers first'), not which of its columns holds it."""
    torch = pytest.importorskip("torch")
    pd = pytest.importorskip("pandas")
    from symdistill.teachers.activations import read_activations

    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    rows = pd.DataFrame({"age": [30.0, 40.0, 50.0], "colour": pd.Categorical(texts), "kids": [0, 1, 2]})
    with pytest.raises(sd.TeacherError, match=f"^a torch module takes rows of numbers, {said}"):
        sd.as_teacher(net).predict(rows)
    with pytest.raises(sd.TeacherError, match=f"^hidden activations are read from rows of numbers, {said}"):
        read_activations(net, rows, 0)


def test_onnx_teacher_with_an_integer_input_refuses_fractions():
    """Rows were cast to the input's int64 silently: 0.7 was answered as 0."""
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph([helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)], "sum",
                              [helper.make_tensor_value_info("x", TensorProto.INT64, [None, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.INT64, [None])],
                              [numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()
    t = sd.as_teacher(model, task="regression")
    assert t.predict(np.array([[1.0, 2.0], [3, 4]])).tolist() == [3.0, 7.0]
    with pytest.raises(TeacherError, match=r"input 'x' takes whole numbers \(tensor\(int64\)\), got 0.7"):
        t.predict(np.array([[1.0, 2.0], [0.7, 4]]))


def _onnx_linear_classifier(classes, zipmap):
    """A classifier graph as skl2onnx writes it: ai.onnx.ml LinearClassifier (label output and
    scores), Softmax, then a ZipMap (a sequence of {class: probability} maps) or, with
    zipmap=False, the probability tensor."""
    from onnx import TensorProto, helper

    k, strings = len(classes), isinstance(classes[0], str)
    labels = {"classlabels_strings": list(classes)} if strings else {"classlabels_ints": list(classes)}
    nodes = [helper.make_node("LinearClassifier", ["X"], ["label", "scores"], domain="ai.onnx.ml",
                              coefficients=[1.0, -1.0, 0.5, 2.0, -1.5, 0.3][:2 * k],
                              intercepts=[0.1, -0.2, 0.3][:k], multi_class=1, **labels),
             helper.make_node("Softmax", ["scores"], ["probability_tensor"], axis=1)]
    key = TensorProto.STRING if strings else TensorProto.INT64
    if zipmap:
        nodes.append(helper.make_node("ZipMap", ["probability_tensor"], ["probabilities"], domain="ai.onnx.ml",
                                      **({"classlabels_strings": list(classes)} if strings
                                         else {"classlabels_int64s": list(classes)})))
        proba = helper.make_value_info("probabilities", helper.make_sequence_type_proto(
            helper.make_map_type_proto(key, helper.make_tensor_type_proto(TensorProto.FLOAT, []))))
    else:
        nodes.append(helper.make_node("Identity", ["probability_tensor"], ["probabilities"]))
        proba = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, k])
    graph = helper.make_graph(nodes, "clf", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 2])],
                              [helper.make_tensor_value_info("label", key, [None]), proba])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)])
    model.ir_version = 8
    return model.SerializeToString()


@pytest.mark.parametrize("classes", [["cat", "dog", "emu"], [3, 7, 9]])
def test_onnx_classifier_answers_in_its_own_class_labels(classes, tmp_path):
    """A probability tensor (skl2onnx with zipmap=False) was given the classes 0..k-1: the teacher's
    labels were not the model's ('cat' came back as 0, class 3 as 0)."""
    ort = pytest.importorskip("onnxruntime")
    model = _onnx_linear_classifier(classes, zipmap=False)
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    X = np.random.default_rng(0).normal(size=(200, 2))
    labels, proba = session.run(None, {"X": X.astype(np.float32)})
    path = tmp_path / "clf.onnx"
    path.write_bytes(model)
    for obj in (model, path, session):
        t = sd.as_teacher(obj)
        assert t.predict(X).tolist() == labels.tolist()
        assert t.classes_.tolist() == classes
        assert np.allclose(t.predict_proba(X), proba, atol=1e-6)


@pytest.mark.parametrize("classes", [["cat", "dog", "emu"], [3, 7, 9]])
def test_onnx_classifier_with_a_zipmap_answers_its_probabilities(classes):
    """skl2onnx's default probability output is a ZipMap (a sequence of {class: probability} maps):
    the teacher skipped it for the label output (hard answers), and output='probabilities' failed
    with 'labels that cannot be ordered (types: dict)'."""
    ort = pytest.importorskip("onnxruntime")
    model = _onnx_linear_classifier(classes, zipmap=True)
    X = np.random.default_rng(0).normal(size=(200, 2))
    labels, maps = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {"X": X.astype(np.float32)})
    proba = np.array([[m[c] for c in classes] for m in maps])
    for options in ({}, {"output": "probabilities"}, {"classes": classes[::-1]}):
        t = sd.as_teacher(model, **options)
        assert t.predict(X).tolist() == labels.tolist()
        assert t.classes_.tolist() == options.get("classes", classes)
        assert np.allclose(t.predict_proba(X), proba[:, ::-1] if "classes" in options else proba, atol=1e-6)
    with pytest.raises(TeacherError, match=r"classes \['cat', 'dog'\] are not the classes of its probability map "
                                           r"output 'probabilities' \['cat', 'dog', 'emu'\]"):
        sd.as_teacher(_onnx_linear_classifier(["cat", "dog", "emu"], zipmap=True), classes=["cat", "dog"]).predict(X)


def test_a_callable_may_answer_bfloat16_tensors():
    """NumPy has no bfloat16: 'returned something that is not an array: Tensor (Got unsupported
    ScalarType BFloat16)'."""
    torch = pytest.importorskip("torch")
    X = np.random.default_rng(0).normal(size=(50, 3))
    t = sd.as_teacher(lambda X: torch.as_tensor(X[:, :2] * 4, dtype=torch.bfloat16), output="logits")
    expected = torch.as_tensor(X[:, :2] * 4, dtype=torch.bfloat16).float().numpy()
    assert np.allclose(t.predict_proba(X)[:, 1], 1 / (1 + np.exp(expected[:, 0] - expected[:, 1])))
    assert sd.as_teacher(lambda X: torch.as_tensor(X[:, 0], dtype=torch.bfloat16),
                         task="regression").predict(X[:2]).tolist() == [float(torch.tensor(v, dtype=torch.bfloat16))
                                                                        for v in X[:2, 0]]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_low_precision_probabilities_are_read_as_probabilities(dtype):
    """A softmax answered in bfloat16 sums to one only within ~0.003: it was read as logits (and
    softmaxed again, probabilities off by 0.3), and output='proba' was refused."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 10), torch.nn.Softmax(dim=1))
    X = np.random.default_rng(0).normal(size=(1000, 3))
    with torch.no_grad():
        proba = net(torch.as_tensor(X, dtype=torch.float32)).to(getattr(torch, dtype)).double().numpy()
    low = torch.nn.Sequential(net, torch.nn.Flatten())  # the same net, answering in low precision
    low.register_forward_hook(lambda module, inputs, out: out.to(getattr(torch, dtype)))
    for teacher in (low, lambda X: low(torch.as_tensor(X, dtype=torch.float32)).detach()):
        for output in (None, "proba"):
            t = sd.as_teacher(teacher, output=output)
            assert np.allclose(t.predict_proba(X), proba, atol=0.01)
            assert t.describe()["output"] == "proba"


def test_onnx_teacher_with_a_float16_input():
    """Rows were sent as float32 to a float16 input: onnxruntime's 'Unexpected input data type'."""
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Cast", ["x"], ["x32"], to=TensorProto.FLOAT),
                               helper.make_node("Softmax", ["x32"], ["probabilities"], axis=1)], "half",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [None, 3])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()
    X = np.random.default_rng(0).normal(size=(20, 3))
    z = np.exp(X.astype(np.float16).astype(np.float64))
    assert np.allclose(sd.as_teacher(model).predict_proba(X), z / z.sum(axis=1, keepdims=True), atol=1e-6)


def test_a_torch_module_answering_a_dict_is_told_so():
    """'torch Dct raised AttributeError ...: 'dict' object has no attribute 'detach'': the module did not raise."""
    torch = pytest.importorskip("torch")

    class Dct(torch.nn.Module):
        def forward(self, x):
            return {"logits": x[:, :2]}

    with pytest.raises(TeacherError, match=r"^torch Dct returned a dict \(keys: 'logits'\), not a tensor; wrap the "
                                           r"module to return one tensor"):
        sd.as_teacher(Dct()).predict(np.zeros((3, 2)))


def _thirds(X):
    """Class 0, 1 or 2 by the first feature, as whole floats (as ``predict`` of many models answers)."""
    return np.floor(np.asarray(X)[:, 0] * 3).clip(0, 2)


@pytest.mark.parametrize("cache", [False, True])
def test_the_classes_of_a_first_answer_come_from_all_its_batches(cache):
    """Whole-number labels as floats were read batch by batch, each batch's classes fixed by the
    first one: on rows sorted by class, 'returned label 1, which is not among its classes [0]'
    (integer labels were already read whole)."""
    X = np.linspace(0, 1, 100).reshape(-1, 1)
    t = sd.as_teacher(_thirds, batch_size=10, cache=cache)
    assert t.predict(X).tolist() == _thirds(X).tolist()
    assert t.classes_.tolist() == [0, 1, 2]


def test_a_torch_module_answering_class_indices_is_read_over_all_batches():
    """A module returning argmax indices (a long tensor, read as whole floats), distilled from
    more rows than one batch holds, sorted by class: 'returned label 2, which is not among its
    classes [0, 1]'."""
    torch = pytest.importorskip("torch")

    class Argmax(torch.nn.Module):
        def forward(self, x):
            return torch.floor(x[:, 0] * 3).clamp(0, 2).long()

    X = np.linspace(0, 1, 300).reshape(-1, 1)
    t = sd.as_teacher(Argmax(), batch_size=64)
    assert t.predict(X).tolist() == _thirds(X).tolist()
    tree = sd.distill(sd.as_teacher(Argmax(), batch_size=64), X, max_size=3, random_state=0, n_samples=400)
    assert tree.classes.tolist() == [0, 1, 2]


@pytest.mark.parametrize("cache", [False, True])
def test_a_nan_answer_names_the_row_asked_about(cache):
    """The row was counted within its batch: NaN in row 25 of 40 asked in batches of 10 was 'first in
    row 5', a row the teacher answered well."""
    def f(X):
        out = X[:, 0].copy()
        out[X[:, 0] == 25] = np.nan
        return out

    t = sd.as_teacher(f, batch_size=10, task="regression", cache=cache)
    with pytest.raises(TeacherError, match=r"returned NaN or infinite output for 1 of the 40 rows asked, first "
                                           r"row 25 \(\[25\.0, 1\.0\]\)"):
        t.predict(np.column_stack([np.arange(40.0), np.ones(40)]))


@pytest.mark.parametrize("answer, what", [(None, "None"), (3.5, "one float (3.5)"), ({"p": 1}, "a dict")])
def test_a_teacher_answering_no_array_is_told_what_it_answered(answer, what):
    """'returned shape () for 4 rows': a function without a return statement did not hear so."""
    t = sd.as_teacher(lambda X: answer, name="f")
    with pytest.raises(TeacherError, match=rf"^f returned {re.escape(what)} for 4 rows; expected one answer per row"):
        t.predict(np.zeros((4, 2)))


def test_batches_answered_in_different_shapes():
    """One value per row, as a column in some batches and not in others, is one answer; two and
    three columns are not."""
    column = sd.as_teacher(lambda X: X[:, :1] if len(X) == 10 else X[:, 0], batch_size=10, task="regression")
    X = np.arange(30.0).reshape(15, 2)
    assert column.predict(X).tolist() == X[:, 0].tolist()
    widths = sd.as_teacher(lambda X: np.full((len(X), 2 if len(X) == 10 else 3), 0.5), batch_size=10)
    with pytest.raises(TeacherError, match=r"answered batches of rows in different shapes: \(None, 2\), \(None, 3\)"):
        widths.predict(X)


def test_a_pipeline_encoding_a_column_of_numbers_is_told_to_declare_it_categorical():
    """A OneHotEncoder on a column of whole numbers (zip codes) refuses the values between them
    that the sampler asks about: the error quoted all of them (4,000 characters of
    'np.int64(102), np.int64(103), ...') and did not say which column or what to do."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.integers(18, 80, 300), "zip": rng.choice([101, 202, 303, 404], 300)})
    pipe = make_pipeline(ColumnTransformer([("zip", OneHotEncoder(), ["zip"])], remainder="passthrough"),
                         LogisticRegression()).fit(df, (df.zip == 202) | (df.age > 60))
    with pytest.raises(TeacherError, match=r"raised ValueError on a batch of \d+ rows: Found unknown categories .*; "
                                           r"column 'zip' has values its OneHotEncoder was not fitted on \(e\.g\. \d+\)"
                                           r".* declare .* categorical \(categorical=\['zip'\]; on the command line: "
                                           r"--categorical zip\)$") as info:
        sd.distill(pipe, df, max_size=4, random_state=0, n_samples=1000)
    assert len(str(info.value)) < 1000
    tree = sd.distill(pipe, df, max_size=4, random_state=0, n_samples=1000, categorical=["zip"])
    assert sd.fidelity(tree, pipe, df).value > 0.9


def test_an_array_pipeline_encoding_a_column_of_numbers_is_told_its_position():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(size=300), rng.choice([101, 202, 303, 404], 300)])
    encode = make_pipeline(SimpleImputer(strategy="most_frequent"), OrdinalEncoder())
    pipe = make_pipeline(ColumnTransformer([("zip", encode, [1])], remainder="passthrough"),
                         LogisticRegression()).fit(X, X[:, 1] == 202)
    with pytest.raises(TeacherError, match=r"; column 1 has values its OrdinalEncoder was not fitted on \(e\.g\. "
                                           r"\d+\.0\): .* categorical \(categorical=\[1\]\)$"):
        sd.distill(pipe, X, max_size=4, random_state=0, n_samples=1000)
    assert sd.distill(pipe, X, max_size=4, random_state=0, n_samples=1000, categorical=[1]).size <= 4


def test_a_pipeline_fitted_on_code_strings_given_the_codes_as_numbers_is_told_to_pass_text():
    """A pipeline whose OneHotEncoder was fitted on zip codes as strings ('01', '02', '10'), given a
    DataFrame where that column was read as numbers (1, 2, 10), failed with scikit-learn's "ufunc
    'isnan' not supported for the input types", naming no column; a model distilled from the strings
    and given the numbers said "unknown category 10" beside the known '10'. Both now say that the
    column holds numbers where the strings are expected, and to pass it as text read as written."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    codes = rng.choice(["01", "02", "10"], 300)
    text = pd.DataFrame({"zip": codes, "x": rng.normal(size=300)})
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["zip"]), remainder="passthrough"),
                         LogisticRegression()).fit(text, (codes == "02") ^ (text.x > 0))
    numbers = text.assign(zip=codes.astype(int))
    hint = (r"; column 'zip' holds numbers \(e\.g\. \d+\) where its OneHotEncoder was fitted on strings \(e\.g\. "
            r"'01'\): pass that column as the strings the estimator was fitted on, read as text \(pd\.read_csv\(\.\.\., "
            r"dtype=\{'zip': str\}\) keeps zero-padded codes such as '01', which astype\(str\) writes as '1'\)$")
    for categorical in (None, ["zip"]):
        with pytest.raises(TeacherError, match=r"sklearn Pipeline raised TypeError on a batch of \d+ rows: .*" + hint):
            sd.distill(pipe, numbers, categorical=categorical, max_size=4, random_state=0, n_samples=500)
    tree = sd.distill(pipe, text, max_size=4, random_state=0, n_samples=500)
    assert float(sd.fidelity(tree, pipe, text)) > 0.9
    with pytest.raises(sd.DataError, match=r"column 'zip' has unknown category (1|2|10) in row 0; known categories: "
                                           r"\['01', '02', '10'\]; they are strings, and this column holds numbers: "
                                           r"pass it as text"):
        sd.fidelity(tree, pipe, numbers)



def test_a_pipeline_given_a_text_category_it_never_saw_is_not_told_to_declare_the_column_categorical():
    """A pipeline whose OneHotEncoder (handle_unknown='error') reads adult's native-country, given rows
    holding a country it was not fitted on, was told "symdistill asks about new values of the columns it
    reads as numbers, so declare columns of category codes categorical (categorical=['country'])": the
    column was categorical already, and declaring it changed nothing. The error now names the value
    and says the estimator cannot answer rows holding it."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"country": rng.choice(["Cuba", "India", "Peru"], 300), "age": rng.integers(18, 80, 300)})
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["country"]), remainder="passthrough"),
                         LogisticRegression()).fit(df, (df.country == "Peru") | (df.age > 60))
    rows = df.assign(country=df.country.where(df.index != 7, "Atlantis"))
    with pytest.raises(TeacherError, match=r"Found unknown categories .*; column 'country' holds 'Atlantis', which its "
                                           r"OneHotEncoder was not fitted on: the estimator cannot answer rows holding "
                                           r"it; drop them \(or fit the encoder with handle_unknown='ignore'\)$"):
        sd.distill(pipe, rows, max_size=4, random_state=0, n_samples=500)


def test_a_column_the_pipeline_was_fitted_without_draws_a_warning_once():
    """sd.distill(pipeline, df) with adult's label Salary still in df: the pipeline's ColumnTransformer
    selects its columns by name and never reads it, and the tree split first on Salary, which agrees
    with the teacher most of the time, with no word (the model then needs the label to predict). The
    teacher now warns, once, naming the column."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"country": rng.choice(["Cuba", "India", "Peru"], 300), "age": rng.integers(18, 80, 300)})
    label = (df.country == "Peru") | (df.age > 60)
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["country"]), remainder="passthrough"),
                         LogisticRegression()).fit(df, label)
    with pytest.warns(UserWarning) as caught:
        sd.frontier(pipe, df.assign(Salary=label), forms=["tree"], sizes=[2, 4], n_samples=500, progress=False)
    assert [str(w.message) for w in caught] == [
        "sklearn Pipeline was fitted without 1 column of the rows it is asked about ('Salary') and does not read it: "
        "a model distilled from those rows could split on it (a label column left in?); drop it (on the command "
        "line: --drop Salary)"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sd.distill(pipe, df, max_size=4, random_state=0, n_samples=500)


def test_an_estimator_fitted_on_a_dataframe_takes_its_columns_in_another_order():
    """A HistGradientBoostingClassifier fitted on adult's columns, distilled from a file that lists them
    in another order, stopped with scikit-learn's "Feature names must be in the same order as they were
    in fit": the command line has no way to reorder them, and the library matches columns by name
    everywhere else. The estimator now gets them in its fitted order."""
    pd = pytest.importorskip("pandas")
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.integers(18, 80, 400), "hours": rng.integers(1, 99, 400),
                       "gain": rng.uniform(0, 1e4, 400)})
    est = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(df, (df.age > 40) & (df.hours > 30))
    shuffled = df[["gain", "age", "hours"]]
    tree = sd.distill(est, shuffled, max_size=4, random_state=0, n_samples=1000)
    assert tree.feature_names == ["gain", "age", "hours"]
    assert float(sd.fidelity(tree, est, shuffled)) == float(sd.fidelity(tree, est, df)) > 0.95


@pytest.mark.parametrize("unknown", ["ignore", "error"])
def test_a_pipeline_fitted_on_categories_with_spaces_around_them_is_named_so(unknown):
    """A pipeline fitted on adult as pd.read_csv reads it by default (' State-gov', the space after the
    comma kept), distilled from rows read with skipinitialspace=True ('State-gov'): an encoder with
    handle_unknown='ignore' read every category as unknown and sd.distill fitted, with no word, a model of
    a teacher blind to the column; with 'error' the TeacherError said to drop the rows holding
    'State-gov'. Both now say that the values differ only in the spaces around them."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"workclass": rng.choice(["State-gov", "Private"], 300), "age": rng.integers(18, 80, 300)})
    spaced = df.assign(workclass=" " + df.workclass)
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown=unknown), ["workclass"]),
                                                 remainder="passthrough"),
                         LogisticRegression()).fit(spaced, (df.workclass == "Private") ^ (df.age > 50))
    said = (r"column 'workclass' of the rows holds '(State-gov|Private)' where the teacher was fitted on ' \1': they "
            r"differ only in the spaces around them \(pd\.read_csv keeps those after each comma unless "
            r"skipinitialspace=True\)")
    if unknown == "error":
        with pytest.raises(TeacherError, match=f"; {said}$"):
            sd.distill(pipe, df, max_size=4, random_state=0, n_samples=500)
        return
    with pytest.warns(UserWarning) as caught:
        sd.distill(pipe, df, max_size=4, random_state=0, n_samples=500)
    assert len(caught) == 1 and re.fullmatch(f"{said}, so sklearn Pipeline reads every such value as one it does not "
                                             "know; give it the values as it was fitted on them",
                                             str(caught[0].message))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sd.distill(pipe, spaced, max_size=4, random_state=0, n_samples=500)

class _KerasLike:
    """A model with fit and predict but no scikit-learn tags (Keras): predict answers softmax rows."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        e = np.exp(np.column_stack([X[:, 0], -X[:, 0], X[:, 1]]))
        return e / e.sum(axis=1, keepdims=True)


class _PredictOnly:
    """A deployed model (an MLflow pyfunc, a symbolic model) with predict only."""

    def predict(self, X):
        return np.where(X[:, 0] > 0, "yes", "no")


def test_a_model_with_predict_but_no_scikit_learn_tags_is_asked_like_a_callable():
    """A classifier without scikit-learn's tags was taken for a regressor ('returned 3 values per
    row ... several outputs are not supported'), k-means' cluster labels for values; an object with
    predict and no fit was 'cannot use a _PredictOnly as a teacher'."""
    from sklearn.cluster import KMeans

    X = np.random.default_rng(0).normal(size=(300, 2))
    softmax = sd.as_teacher(_KerasLike())
    assert softmax.predict(X).tolist() == _KerasLike().predict(X).argmax(1).tolist() and softmax.task == "classification"
    labels = sd.as_teacher(_PredictOnly())
    assert labels.predict(X).tolist() == _PredictOnly().predict(X).tolist() and labels.classes_.tolist() == ["no", "yes"]
    clusters = KMeans(3, n_init=1, random_state=0).fit(X)
    t = sd.as_teacher(clusters)
    assert t.predict(X).tolist() == clusters.predict(X).tolist() and t.task == "classification"
    tree = sd.distill(_PredictOnly(), X, max_size=2, random_state=0, n_samples=500)
    assert tree.classes.tolist() == ["no", "yes"] and sd.fidelity(tree, _PredictOnly(), X).value > 0.95
    with pytest.raises(TypeError, match="detected as a scikit-learn estimator .*which takes task=, classes="):
        sd.as_teacher(_PredictOnly(), device="cpu")


def test_a_torch_module_answering_a_column_of_class_indices_is_a_classifier():
    """(n, 1) class indices (argmax with keepdim=True) were read as regression values, the same
    indices as (n,) as labels."""
    torch = pytest.importorskip("torch")

    class Column(torch.nn.Module):
        def forward(self, x):
            return torch.stack([x[:, 0], -x[:, 0]], dim=1).argmax(dim=1, keepdim=True)

    X = np.random.default_rng(0).normal(size=(200, 2))
    t = sd.as_teacher(Column())
    assert t.predict(X).tolist() == (X[:, 0] <= 0).astype(int).tolist() and t.task == "classification"
    assert sd.distill(Column(), X, max_size=2, random_state=0, n_samples=500).classes.tolist() == [0, 1]


@pytest.mark.parametrize("keepdim", [False, True])
def test_a_torch_module_answering_many_class_indices_is_a_classifier_as_a_callable_is(keepdim):
    """Class indices (a long tensor) were read as whole floats, so 25 classes among 40 rows (more distinct
    numbers than a quarter of the rows) were taken for regression values, where the same indices answered by
    a callable are classes (with the warning that whole numbers are read as classes)."""
    torch = pytest.importorskip("torch")

    class Bins(torch.nn.Module):
        def forward(self, x):
            return x[:, :1].floor().long() if keepdim else x[:, 0].floor().long()

    X = np.column_stack([np.random.default_rng(0).permutation(np.arange(40) % 25) + 0.5, np.zeros(40)])
    for teacher in (Bins(), lambda X: np.floor(X[:, 0]).astype(np.int64)):
        t = sd.as_teacher(teacher)
        with pytest.warns(UserWarning, match="answers whole numbers, read as 25 classes"):
            assert t.predict(X).tolist() == np.floor(X[:, 0]).astype(int).tolist()
        assert t.task == "classification" and t.classes_.tolist() == list(range(25))
    values = sd.as_teacher(Bins(), task="regression")
    assert values.predict(X).tolist() == np.floor(X[:, 0]).tolist() and values.task == "regression"


def test_a_torch_module_that_takes_another_shape_is_told_the_shape_it_was_given():
    """A 1-D convolution given rows failed with torch's words only ('expected input[1, 32, 4] to have 1 channels,
    but got 32 channels'), no word of the shape symdistill sends or of how to reshape it."""
    torch = pytest.importorskip("torch")

    class Conv(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.out = torch.nn.Conv1d(1, 2, 2), torch.nn.Linear(6, 2)

        def forward(self, x):
            return self.out(self.conv(x).flatten(1))

    X = np.random.default_rng(0).normal(size=(10, 4))
    with pytest.raises(TeacherError, match=r"^torch Conv raised RuntimeError on a batch of 10 rows: .*channels.*; it was "
                                           r"given the rows as a float32 tensor of shape \(10, 4\), a row of 4 features "
                                           r"each: wrap a module that takes another shape \(channels, a sequence\) in one "
                                           r"that reshapes them, e\.g\. nn\.Sequential\(nn\.Unflatten\(1, \(1, 4\)\), net\)$"):
        sd.as_teacher(Conv()).predict(X)
    wrapped = torch.nn.Sequential(torch.nn.Unflatten(1, (1, 4)), Conv())
    assert sd.as_teacher(wrapped).predict(X).shape == (10,)
    with pytest.raises(TeacherError, match=r"shapes cannot be multiplied \(10x4 and 5x2\); it was given the rows as a "
                                           r"float32 tensor of shape \(10, 4\): give it the columns it was trained on, "
                                           r"in their order$"):
        sd.as_teacher(torch.nn.Linear(5, 2)).predict(X)
    with pytest.raises(TeacherError, match=r"it was given the rows as a float64 tensor of shape \(10, 4\), and its "
                                           r"parameters are float32: leave dtype= out, or pass dtype='float32'$"):
        sd.as_teacher(torch.nn.Linear(4, 2), dtype="float64").predict(X)


@pytest.mark.parametrize("first", ["scaling", "batch_norm", "layer_norm", "linear"])
def test_a_torch_module_given_a_column_too_many_is_told_of_its_columns_not_of_a_reshape(first):
    """A network that standardises its input first ((x - mean) / std with buffers of 13, a BatchNorm1d or a
    LayerNorm), given the wine rows with their label column left in (14 columns), failed with torch's 'size of
    tensor a (14) must match the size of tensor b (13)' and the advice for a convolution: 'wrap a module that takes
    another shape (channels, a sequence) in one that reshapes them, e.g. nn.Sequential(nn.Unflatten(1, (1, 14)),
    net)'. A first Linear layer was told to give it the columns it was trained on; these are told the same, and rows
    wider than the layer (all four cases) how many it takes and that a label column may be left in them (--drop)."""
    torch = pytest.importorskip("torch")

    class Scaled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("mean", torch.zeros(3))
            self.register_buffer("std", torch.ones(3))
            self.out = torch.nn.Linear(3, 2)

        def forward(self, x):
            return self.out((x - self.mean) / self.std)

    norm = {"batch_norm": torch.nn.BatchNorm1d(3), "layer_norm": torch.nn.LayerNorm(3), "linear": torch.nn.Identity()}
    net = Scaled() if first == "scaling" else torch.nn.Sequential(norm[first], torch.nn.Linear(3, 2))
    X = np.random.default_rng(0).normal(size=(50, 4))
    with pytest.raises(TeacherError, match=r"; it was given the rows as a float32 tensor of shape \(\d+, 4\): give it "
                                           r"the columns it was trained on \(3\), in their order \(a label column left "
                                           r"in\? on the command line: --drop NAME\)$"):
        sd.distill(net, X, max_size=2, random_state=0, progress=False)
    assert sd.as_teacher(net).predict(X[:, :3]).shape == (50,)


@pytest.mark.parametrize("check_determinism", [True, False])
def test_a_callable_that_changes_the_rows_in_place_is_told_so(check_determinism):
    """f(X) normalising in place (X -= 0.5) changed the learner's own queries: with the determinism check it was
    'not deterministic ... put the model in eval mode', without it the tree split at x0 <= 4.9e-05 with
    'agreement 100%' (the threshold of the changed rows), fidelity 0.43 to the function it computes."""
    def f(X):
        X -= 0.5
        return (X[:, 0] > 0).astype(int)

    X = np.random.default_rng(0).uniform(size=(300, 2))
    given = X.copy()
    with pytest.raises(TeacherError, match=r"^callable .*f raised ValueError on a batch of \d+ rows: .*read-only; it "
                                           r"changes the rows it is given in place \(they are symdistill's queries, "
                                           r"given read-only\): work on a copy \(X = X\.copy\(\)\)$"):
        sd.distill(f, X, max_size=4, random_state=0, check_determinism=check_determinism)
    assert np.array_equal(X, given)
    with pytest.raises(TeacherError, match="in place"):
        sd.as_teacher(f).predict(X)
    assert np.array_equal(X, given)  # the caller's rows as they were


def test_a_teacher_asked_about_a_1d_row_refuses_it_and_keeps_its_task():
    """t.predict(row) with a row of 3 features to a 3-feature, 3-class network: torch read the 1-D tensor as one
    unbatched row, its 3 logits were taken for the answers to 3 rows, and the teacher, now a regressor, failed
    on every later query ('returned 3 values per row, but a regression teacher ...')."""
    torch = pytest.importorskip("torch")
    pd = pytest.importorskip("pandas")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    row = np.array([0.5, -1.0, 2.0])
    t = sd.as_teacher(net)
    message = (r"^torch Sequential is asked about rows, a 2-D array \(rows x features\) or a DataFrame; got a 1-D "
               r"ndarray of 3 values, one row or 3 rows of one feature: pass X\.reshape\(1, -1\) for one row, "
               r"X\.reshape\(-1, 1\) for one feature$")
    for given in (row, row.tolist()):
        with pytest.raises(sd.DataError, match=message.replace("ndarray", type(given).__name__)):
            t.predict(given)
    with pytest.raises(sd.DataError, match=r"got a 1-D Series of 3 values.*\(a Series, one row: s\.to_frame\(\)\.T\)$"):
        sd.as_teacher(lambda X: np.zeros(len(X))).predict(pd.Series(row, index=["a", "b", "c"]))
    with torch.no_grad():
        expected = net(torch.tensor(row[None], dtype=torch.float32)).argmax(1).tolist()
    assert t.predict(row[None]).tolist() == expected and t.task == "classification"


def test_a_random_torch_module_is_told_it_was_asked_in_eval_mode_already():
    """'put the model in eval mode' was the advice for a torch module that answers at random, which was asked
    in eval mode already: its randomness is in its forward (F.dropout(..., training=True)), or, traced in
    training mode, in the trace, where eval() changes nothing."""
    torch = pytest.importorskip("torch")

    class McDropout(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(3, 2)

        def forward(self, x):
            return self.lin(torch.nn.functional.dropout(x, 0.5, training=True))

    X = np.random.default_rng(0).normal(size=(50, 3))
    with pytest.raises(TeacherError, match=r"not deterministic: .*; it was asked in eval mode already: its randomness "
                                           r"is in its forward \(F\.dropout\(x, training=True\), torch\.rand\)$"):
        sd.distill(McDropout(), X, max_size=2)
    net = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Dropout(0.5), torch.nn.Linear(8, 2)).train()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit.trace is deprecated in newer torch
        traced = torch.jit.trace(net, torch.zeros(2, 3), check_trace=False)
    with pytest.raises(TeacherError, match=r"it was asked in eval mode already: .*, or in the trace: trace it in eval mode "
                                           r"\(torch\.jit\.trace\(net\.eval\(\), \.\.\.\)\)$"):
        sd.distill(traced, X, max_size=2)


def test_a_scikit_learn_classifiers_classes_declared_in_another_order():
    """predict_proba's columns are in the order of classes_: classes=['yes', 'no'] for classes_
    ['no', 'yes'] named each column the other class, and every prediction was the wrong one."""
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(200, 2))
    clf = LogisticRegression().fit(X, np.where(X[:, 0] > 0, "yes", "no"))
    swapped = sd.as_teacher(clf, classes=["yes", "no"])
    assert swapped.predict(X).tolist() == clf.predict(X).tolist()
    assert np.allclose(swapped.predict_proba(X), clf.predict_proba(X)[:, ::-1])
    renamed = sd.as_teacher(clf, classes=["negative", "positive"])  # other labels, in the order of classes_
    assert renamed.predict(X).tolist() == np.where(clf.predict(X) == "yes", "positive", "negative").tolist()
    with pytest.raises(TeacherError, match=r"classes \['no', 'maybe'\] are not its classes_ \['no', 'yes'\]"):
        sd.as_teacher(clf, classes=["no", "maybe"])


def test_a_caching_teacher_takes_a_list_of_rows_as_one_without_the_cache_does():
    """'only integer scalar arrays can be converted to a scalar index' (a TypeError from NumPy)."""
    f = lambda X: (np.asarray(X)[:, 0] > 1).astype(int)  # noqa: E731
    rows = [[1.0], [2.0], [1.0]]
    assert sd.as_teacher(f, cache=True).predict(rows).tolist() == sd.as_teacher(f).predict(rows).tolist() == [0, 1, 0]


def test_declared_classes_make_the_teacher_a_classifier():
    """as_teacher(f, classes=['no', 'yes']) of a teacher answering one logit read it as a regressor (its
    values are not whole numbers) and dropped the classes without a word: sd.distill gave a regression
    tree of logits; with task='regression' the classes were accepted and never read."""
    X = np.random.default_rng(0).uniform(-1, 1, size=(300, 2))
    logit = lambda X: 3 * X[:, 0]  # noqa: E731
    t = sd.as_teacher(logit, classes=["no", "yes"])
    assert t.task == "classification"
    assert t.predict(X).tolist() == np.where(X[:, 0] > 0, "yes", "no").tolist()
    model = sd.distill(sd.as_teacher(logit, classes=["no", "yes"]), X, max_size=2, random_state=0, progress=False)
    assert model.task == "classification" and model.classes.tolist() == ["no", "yes"]
    with pytest.raises(ValueError, match=r"classes=\['no', 'yes'\] names a classifier's classes, but the teacher "
                                         r"is a regressor"):
        sd.as_teacher(logit, classes=["no", "yes"], task="regression")
    with pytest.raises(ValueError, match="is a regressor"):
        sd.as_teacher(logit, classes=["no", "yes"], output="values")


def test_an_error_about_classes_says_how_to_declare_them_only_when_they_were_declared():
    """The teacher's own classes (inferred from its first answer) were not given: the error that its
    answer does not fit them says nothing of classes= or --classes; declared ones are shown, with the flag."""
    X = np.zeros((4, 2))
    widths = iter([3, 2])
    t = sd.as_teacher(lambda X: np.full((len(X), next(widths)), 0.5))
    t.answer(X)
    with pytest.raises(TeacherError) as info:
        t.answer(X)
    assert str(info.value) == "callable test_an_error_about_classes_says_how_to_declare_them_only_when_they_were_" \
                              "declared.<locals>.<lambda> returned 2 columns but has 3 classes"
    with pytest.raises(TeacherError, match=r"returned 2 columns but has 3 classes \(declared: \['a', 'b', 'c'\]\); "
                                           r"declare one class per column, in the order of the columns \(on the "
                                           r"command line: --classes\)"):
        sd.as_teacher(lambda X: np.full((len(X), 2), 0.5), classes=["a", "b", "c"]).answer(X)
    with pytest.raises(TeacherError, match=r"returned one column but has 3 classes \(declared: \[0, 1, 2\]\); one "
                                           r"column is the probability or logit of the second of two classes"):
        sd.as_teacher(lambda X: np.full(len(X), 0.5), classes=[0, 1, 2]).answer(X)


def test_a_scikit_learn_classifier_without_predict_proba_takes_other_names_for_its_classes():
    """classes=['negative', 'positive'] names predict_proba's columns in the order of classes_, but a
    classifier without predict_proba (SVC, RidgeClassifier) answers predict's labels, which were then
    refused: 'returned labels 0, 1, which are not among its classes'. Its labels are renamed the same way."""
    from sklearn.linear_model import RidgeClassifier

    X = np.random.default_rng(0).normal(size=(200, 2))
    y = (X[:, 0] > 0).astype(int)
    clf = RidgeClassifier().fit(X, y)
    renamed = sd.as_teacher(clf, classes=["negative", "positive"])
    assert renamed.predict(X).tolist() == np.where(clf.predict(X) == 1, "positive", "negative").tolist()
    assert sd.as_teacher(clf, classes=[1, 0]).predict(X).tolist() == clf.predict(X).tolist()  # another order
    model = sd.distill(renamed, X, max_size=2, random_state=0, progress=False)
    assert model.classes.tolist() == ["negative", "positive"]
    with pytest.raises(TeacherError, match=r"classes \[0, 2\] are not its classes_ \[0, 1\]"):
        sd.as_teacher(clf, classes=[0, 2])


def test_classes_mixing_names_and_numbers_are_refused_not_made_text():
    """classes=[0, 'maybe'] became ['0', 'maybe'] (np.asarray makes one string array), so the teacher
    and every model distilled from it said '0' where the user wrote 0, without a word."""
    f = lambda X: np.c_[1 - np.asarray(X)[:, 0], np.asarray(X)[:, 0]]  # noqa: E731
    with pytest.raises(ValueError, match=r"classes mixes names and other labels \(0 and 'maybe'\) in \[0, 'maybe'\]; "
                                         r"classes are all names or all numbers"):
        sd.as_teacher(f, classes=[0, "maybe"])
    assert sd.as_teacher(f, classes=(0, 1)).classes_.tolist() == [0, 1]
    assert sd.as_teacher(f, classes=["0", "maybe"]).classes_.tolist() == ["0", "maybe"]


def test_many_whole_numbers_read_as_classes_say_how_to_read_them_as_values():
    """A regressor of counts whose every value turns up in its first answer was read as a classifier
    of 13 classes without a word (a tree of 39% agreement); the error naming task='regression' came
    only when a later answer held a new count. Inferred classes of more than 10 whole numbers now warn,
    naming task='regression' and the flag; declaring the task or the classes keeps them quiet, and
    labels of 10 digits or fewer classes stay quiet."""
    import warnings

    X = np.random.default_rng(0).uniform(0, 1, size=(400, 2))
    counts = lambda X: np.round(X[:, 0] * 12).astype(int)  # noqa: E731  0..12
    with pytest.warns(UserWarning, match=r"read as 13 classes \(0 to 12\); if they are values .*"
                                         r"task='regression' \(on the command line: --task regression\)"):
        sd.as_teacher(counts).predict(X)
    with pytest.warns(UserWarning, match=r"read as 13 classes"):  # whole floats too
        sd.as_teacher(lambda X: counts(X).astype(float)).predict(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sd.as_teacher(counts, task="classification").predict(X).tolist() == counts(X).tolist()
        sd.as_teacher(counts, classes=list(range(13))).predict(X)
        assert sd.as_teacher(counts, task="regression").task == "regression"
        sd.as_teacher(lambda X: np.round(X[:, 0] * 9).astype(int)).predict(X)  # 10 classes: digits
        sd.as_teacher(lambda X: np.array(list("abcdefghijklm"))[counts(X)]).predict(X)  # names are labels


def test_task_classification_for_a_scikit_learn_regressor_is_refused():
    """task='classification' read a regressor's values as the logit of a second class: a regressor fitted
    on 0/1 targets answering 0.3 was class 1 (sigmoid 0.57), one answering 150 a one-leaf tree '-> 1'."""
    from sklearn.linear_model import LinearRegression

    X = np.random.default_rng(0).uniform(size=(100, 2))
    reg = LinearRegression().fit(X, (X[:, 0] > 0.5).astype(float))
    with pytest.raises(ValueError, match=r"sklearn LinearRegression is a regressor \(scikit-learn's tags say so\), "
                                         r"and task='classification' \(on the command line: --task "
                                         r"classification\) would read its values as logits"):
        sd.as_teacher(reg, task="classification")
    assert sd.as_teacher(reg).task == "regression"
    assert sd.as_teacher(lambda X: (reg.predict(X) > 0.5).astype(int)).predict(X).tolist() == \
        (reg.predict(X) > 0.5).astype(int).tolist()


def test_task_regression_for_a_scikit_learn_classifier_is_refused():
    """task='regression' for a classifier fitted on 0/1 regressed on its hard labels (predict, not
    predict_proba), a linear model of 0s and 1s, without a word; fitted on names it was 'declared a regression
    teacher but answered like a classification one'. The converse, a regressor as a classifier, was refused."""
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(100, 2))
    for y in ((X[:, 0] > 0).astype(int), np.where(X[:, 0] > 0, "a", "b")):
        clf = LogisticRegression().fit(X, y)
        with pytest.raises(ValueError, match=r"^sklearn LogisticRegression is a classifier \(scikit-learn's tags say so\), "
                                             r"and task='regression' \(on the command line: --task regression\) would "
                                             r"read its predicted labels as values; to distil a class's probability as a "
                                             r"value, pass a function that gives it: lambda X: est\.predict_proba\(X\)"
                                             r"\[:, 1\], with task='regression'$"):
            sd.as_teacher(clf, task="regression")
    value = sd.as_teacher(lambda X: clf.predict_proba(X)[:, 1], task="regression")
    assert np.allclose(value.predict(X), clf.predict_proba(X)[:, 1])


def test_an_estimator_fitted_on_an_array_is_asked_without_scikit_learns_feature_name_warning():
    """Given a DataFrame (the command line reads a CSV as one), an estimator fitted on an array drew
    scikit-learn's 'X has feature names, but LogisticRegression was fitted without feature names' at every
    teacher call: 6 times for a tree, about 38 for rules. It is handed the DataFrame's values."""
    import warnings

    pd = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(300, 3))
    clf = LogisticRegression().fit(X, (X[:, 0] + X[:, 1] > 0).astype(int))
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rules = sd.distill(clf, df, form="rules", max_size=4, random_state=0, progress=False)
        assert sd.as_teacher(clf).predict(df).tolist() == clf.predict(X).tolist()
    assert not [w for w in caught if "feature names" in str(w.message)], [str(w.message) for w in caught]
    assert sd.fidelity(rules, clf, df).value > 0.9


@pytest.mark.parametrize("make", ["onehot", "hist", "hist-array"])
def test_a_column_of_codes_the_estimator_reads_as_categories_draws_a_warning(make):
    """A column of zone codes 0..5 that the teacher reads as categories (a OneHotEncoder in its
    pipeline, or a HistGradientBoostingClassifier's categorical_features) was distilled as an integer
    feature with no word: the tree split it at 'zone <= 3', 'zone <= 0.5', thresholds that mean nothing
    to the teacher (the histogram booster's tree agreed with it on 90% of rows, where the categorical
    tree agrees on all). distill now warns, naming the column and categorical=[...]; declared, it is quiet."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"zone": rng.integers(0, 6, 1000), "x": rng.normal(size=1000)})
    y = np.isin(df.zone, [1, 4]) ^ (df.x > 1)
    rows: object = df
    if make == "onehot":
        est = make_pipeline(make_column_transformer((OneHotEncoder(), ["zone"]), remainder="passthrough"),
                            LogisticRegression()).fit(df, y)
        why, cli = "its OneHotEncoder", "; on the command line: --categorical zone"
    elif make == "hist":
        est = HistGradientBoostingClassifier(categorical_features=["zone"], max_iter=20).fit(df, y)
        why, cli = "its HistGradientBoostingClassifier's categorical_features", "; on the command line: --categorical zone"
    else:
        rows = df.to_numpy()
        est = HistGradientBoostingClassifier(categorical_features=[0], max_iter=20).fit(rows, y)
        why, cli = "its HistGradientBoostingClassifier's categorical_features", ""
    name = "zone" if make != "hist-array" else "x0"
    with pytest.warns(UserWarning) as caught:
        sd.distill(est, rows, max_size=4, random_state=0, n_samples=500)
    if make == "onehot":
        # Columns labelled by numbers are selected by position: the encoder's column 1 is the one labelled 3.
        shuffled = pd.DataFrame({5: df.x, 3: df.zone})
        by_position = make_pipeline(make_column_transformer((OneHotEncoder(), [1]), remainder="passthrough"),
                                    LogisticRegression()).fit(shuffled, y)
        with pytest.warns(UserWarning, match=r"\('3': its OneHotEncoder\).*categorical=\['3'\]"):
            sd.distill(by_position, shuffled, max_size=4, random_state=0, n_samples=500)
    assert [str(w.message) for w in caught] == [
        f"{'sklearn Pipeline' if make == 'onehot' else 'sklearn HistGradientBoostingClassifier'} reads 1 column of "
        f"numbers as categories ({name!r}: {why}), which the model would split at thresholds, as numbers ({name} <= "
        f"...); declare it categorical (categorical=[{name!r}]{cli})"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tree = sd.distill(est, rows, max_size=4, random_state=0, n_samples=500, categorical=[name])
    assert tree.domain.features[0].kind == "categorical"


def test_a_dataframe_of_probabilities_names_its_classes_by_its_columns():
    """A callable answering a DataFrame of probabilities with a column per class (as AutoGluon's
    predict_proba does, or pd.DataFrame(proba, columns=classes)) gave a model of classes 0 and 1, the
    names dropped; and with classes=['yes', 'no'] declared, its columns 'no', 'yes' were read by
    position, so the model said 'yes' where the teacher said 'no', on every row, with no word. The
    columns now name the classes, and are read by name where the classes are declared."""
    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).uniform(size=(300, 2))

    def proba(rows):
        p = (np.asarray(rows)[:, 0] > 0.5).astype(float)
        return pd.DataFrame({"no": 1 - p, "yes": p})

    truth = np.where(X[:, 0] > 0.5, "yes", "no")
    tree = sd.distill(proba, X, max_size=4, random_state=0, n_samples=500)
    assert tree.classes.tolist() == ["no", "yes"] and (tree.predict(X) == truth).all()
    assert float(sd.fidelity(tree, proba, X)) == 1.0
    declared = sd.as_teacher(proba, classes=["yes", "no"])
    assert (declared.predict(X) == truth).all()
    tree = sd.distill(declared, X, max_size=4, random_state=0, n_samples=500)
    assert (tree.predict(X) == truth).all()
    assert sd.as_teacher(lambda rows: pd.DataFrame(proba(rows).to_numpy())).predict(X).tolist() == \
        (X[:, 0] > 0.5).astype(int).tolist()
    with pytest.raises(TeacherError, match=r"returned a DataFrame whose columns cannot name its classes: classes has "
                                           r"repeated labels: \['p'\]"):
        sd.as_teacher(lambda rows: proba(rows).set_axis(["p", "p"], axis=1)).predict(X)


def test_a_teacher_declared_with_one_class_is_refused_for_a_linear_model_before_the_sampled_rows():
    """as_teacher(f, classes=[0]) with form='linear' was asked about every sampled row first, then told
    to name its other classes with as_teacher(f, classes=[...]), which the user had done."""
    asked = []

    def f(X):
        asked.extend(map(tuple, np.asarray(X)))
        return np.zeros(len(X), dtype=int)

    X = np.random.default_rng(0).normal(size=(200, 3))
    with pytest.raises(sd.TeacherError, match=r"declares a single class, 0; a linear classifier needs at least 2 "
                                              r"classes \(form='tree' or 'rules' gives the constant model; on the "
                                              r"command line: --form tree or rules\)$"):
        sd.distill(sd.as_teacher(f, classes=[0]), X, form="linear", max_size=2, random_state=0)
    assert set(asked) <= set(map(tuple, X))  # the user's rows only: no sampled row was labelled
