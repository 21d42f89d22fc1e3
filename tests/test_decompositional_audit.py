"""Decompositional extraction as a demanding user meets it: rule lists without dead rules, the
command line reading concept layers, and options named and checked like every other learner's."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import symdistill as sd  # noqa: E402


class _ConceptNet(torch.nn.Module):
    """Inputs -> 8 ReLU units -> 3 sigmoid concepts -> 3 classes."""

    def __init__(self) -> None:
        super().__init__()
        self.enc = torch.nn.Linear(4, 8)
        self.act = torch.nn.ReLU()
        self.concepts = torch.nn.Linear(8, 3)
        self.squash = torch.nn.Sigmoid()
        self.head = torch.nn.Linear(3, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.squash(self.concepts(self.act(self.enc(x)))))


@pytest.fixture(scope="module")
def concept_net() -> tuple[torch.nn.Module, np.ndarray]:
    """A _ConceptNet trained (one thread, so the same on every machine) on three score bands."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(800, 4))
    score = X[:, 0] + 0.5 * X[:, 1] ** 2 - X[:, 2]
    y = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            net = _ConceptNet()
            opt = torch.optim.Adam(net.parameters(), lr=0.02)
            xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
            for _ in range(300):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(net(xt), yt).backward()
                opt.step()
    finally:
        torch.set_num_threads(threads)
    return net.eval(), X


@pytest.mark.parametrize("n_samples, seed", [(5000, 0), (5000, 1), (2000, 2)])
def test_every_rule_of_a_polished_list_decides_rows(concept_net, n_samples: int, seed: int) -> None:
    """Polishing loosens a bound when that costs nothing; a later rule can then decide no row at all
    (here a copy of the first rule, printed with coverage 0%). Such a rule is removed, as every rule
    that earns too little is."""
    net, X = concept_net
    rules = sd.distill(net, X, form="rules", layer="concepts", concept_names=["p", "q", "r"], max_size=16,
                       random_state=seed, n_samples=n_samples, progress=False)
    assert [r.coverage for r in rules.rules if r.coverage == 0] == [], str(rules)


def test_command_line_concept_rules_need_no_method_flag(concept_net, tmp_path, capsys) -> None:
    """``--option layer=...`` implies the decompositional method, as ``layer=`` does in sd.distill;
    the command used to hand the learner method='pedagogical' and answer "unknown option 'layer'"."""
    pd = pytest.importorskip("pandas")
    from _onnx_support import onnx_bytes

    from symdistill.cli import main

    net, X = concept_net
    model = tmp_path / "net.onnx"
    model.write_bytes(onnx_bytes(net, 4, dynamo=False))
    rows = tmp_path / "rows.csv"
    pd.DataFrame(X, columns=["a", "b", "c", "d"]).to_csv(rows, index=False)
    out = tmp_path / "concepts.json"
    assert main(["distill", "--teacher", str(model), "--data", str(rows), "--form", "rules", "--max-size", "6",
                 "--option", "layer=concepts", "--option", 'concept_names=["p", "q", "r"]', "-o", str(out)]) == 0
    rules = sd.load(out)
    assert rules.feature_names == ["p", "q", "r"] and rules.meta["layer"] == "concepts"
    assert main(["distill", "--teacher", str(model), "--data", str(rows), "--form", "rules", "--method", "pedagogical",
                 "--option", "layer=concepts", "-o", str(out)]) == 2
    assert "unknown option 'layer'" in capsys.readouterr().err


@pytest.mark.parametrize("options, method", [
    ({"layers": [0]}, "decompositional"),
    ({"concept_names": ["a", "b"]}, "decompositional"),
    ({"n_jobs": 2}, "decompositional"),
    ({"method": "decompositional", "max_literals": 3}, "pedagogical"),
])
def test_an_option_of_the_other_method_is_named_with_its_method(options: dict, method: str) -> None:
    """``layers=`` without ``method="decompositional"`` used to be "unknown option 'layers'", and
    ``concept_names=`` "did you mean 'feature_names'?": the message now names the method that takes it."""
    X = np.random.default_rng(0).uniform(size=(50, 2))
    with pytest.raises(TypeError, match=f"it is an option of method='{method}'"):
        sd.distill(lambda R: (R[:, 0] > 0.5).astype(int), X, form="rules", **options)


@pytest.mark.parametrize("options, accepted", [
    ({"min_confidence": np.float32(0.7)}, True),
    ({"min_support": np.float64(0.01)}, True),
    ({"min_confidence": np.int64(1)}, True),
    ({"min_confidence": True}, False),
    ({"min_support": False}, False),
    ({"min_confidence": np.bool_(True)}, False),
])
def test_shares_take_numpy_numbers_and_refuse_booleans(options: dict, accepted: bool) -> None:
    """min_confidence and min_support are shares: a numpy float32 was refused as "must be a number",
    and True was read as 1.0 (min_support False as 0) instead of being refused like every learner's
    boolean-for-number."""
    from symdistill.api import make_learner

    if accepted:
        make_learner(form="rules", method="decompositional", **options)
    else:
        with pytest.raises(ValueError, match=f"{next(iter(options))} must be a number in"):
            make_learner(form="rules", method="decompositional", **options)


@pytest.mark.parametrize("options", [{"layers": (k for k in [0])},
                                     {"layer": 0, "concept_names": (c for c in ["a", "b"])}])
def test_a_generator_of_layers_or_concept_names_is_refused_by_name(options: dict) -> None:
    """The checks used a generator up (layers: "object of type 'generator' has no len()" at fit;
    concept_names: an empty list of names afterwards): it is refused, naming the option."""
    from symdistill.api import make_learner

    name = next(k for k in options if k != "layer")
    with pytest.raises(TypeError, match=f"{name} must be a list, got generator"):
        make_learner(form="rules", method="decompositional", **options)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.script and torch.jit.load
def test_a_torchscript_teacher_is_told_what_to_give_instead(tmp_path, capsys) -> None:
    """A TorchScript file (the command line's .pt teacher) has no hookable modules. It was refused as
    "cannot read hidden activations of 'net.pt'; supported: ... ONNX ... given as a path", which
    reads as if a path were fine; the message now says TorchScript cannot be hooked and what to pass."""
    from symdistill.cli import main
    from symdistill.teachers.activations import UnsupportedModelError

    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    path = tmp_path / "net.pt"
    torch.jit.script(net).save(str(path))
    X = np.random.default_rng(0).uniform(size=(40, 2))
    for teacher in (str(path), sd.as_teacher(str(path)), torch.jit.load(str(path))):
        with pytest.raises(UnsupportedModelError, match="TorchScript modules cannot be hooked; pass the Python "
                                                        r"nn.Module \(on the command line --teacher module:attribute\) "
                                                        r"or the network exported to ONNX"):
            sd.distill(teacher, X, form="rules", method="decompositional")
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" + "\n".join(f"{a},{b}" for a, b in X))
    assert main(["distill", "--teacher", str(path), "--data", str(rows), "--form", "rules", "--method",
                 "decompositional", "-o", str(tmp_path / "r.json")]) == 2
    assert "TorchScript modules cannot be hooked" in capsys.readouterr().err


def test_an_onnx_teacher_is_read_like_its_graph(concept_net, tmp_path) -> None:
    """sd.frontier wraps every teacher, and sd.as_teacher is how an ONNX network's classes are named;
    both made method='decompositional' fail on an ONNX network with "cannot read hidden activations
    through the onnx teacher; pass the network itself" (a torch teacher was read). An ONNX teacher
    made from a path or bytes is now read from its graph; one made from an onnxruntime session is
    still refused, its graph not being exposed."""
    from _onnx_support import onnx_bytes

    from symdistill.teachers.activations import UnsupportedModelError

    net, X = concept_net
    model = onnx_bytes(net, 4, dynamo=False)
    path = tmp_path / "net.onnx"
    path.write_bytes(model)
    plain = sd.distill(model, X, form="rules", method="decompositional", max_size=4, random_state=0, progress=False)
    for source in (model, str(path)):
        named = sd.distill(sd.as_teacher(source, classes=["low", "mid", "high"]), X, form="rules",
                           method="decompositional", max_size=4, random_state=0, progress=False)
        assert list(named.classes) == ["low", "mid", "high"]
        assert np.array_equal(named.predict(X), np.array(["low", "mid", "high"])[plain.predict(X)])
        front = sd.frontier(source, X, forms=["rules"], sizes=[2, 4], method="decompositional", progress=False)
        assert [p.model.meta["method"] for p in front.points] == ["decompositional"] * 2
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    with pytest.raises(UnsupportedModelError, match="through the onnx session teacher; pass the network itself"):
        sd.distill(sd.as_teacher(session), X, form="rules", method="decompositional")


def _same_width_concepts() -> tuple[torch.nn.Module, np.ndarray]:
    """A net whose concept layer has as many units as it has inputs (3), so rows of either fit."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 2)).eval()
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[0.0, 8.0, 0.0], [0.0, 0.0, 8.0], [8.0, 0.0, 0.0]]))
        net[0].bias.fill_(-4.0)
        net[2].weight.copy_(torch.tensor([[0.0, 0.0, 0.0], [8.0, 0.0, 0.0]]))  # class 1 iff unit 0 > 0.5 (x1 > 0.5)
        net[2].bias.copy_(torch.tensor([0.0, -4.0]))
    return net, np.random.default_rng(0).uniform(size=(600, 3))


def test_concept_rules_are_scored_on_the_activations_of_the_input_rows(tmp_path, capsys) -> None:
    """Concept rules take activations, the teacher input rows: sd.fidelity(concept_rules, net, X) fed X
    to the rules as if it were activations, a silent 0.44 here (the layer has as many units as the
    net has inputs; otherwise a "expected 3 features (0[0], ...)" error), and sd.frontier with
    layer= reported those numbers. They are now scored on the layer's activations of X, read
    through the teacher; so are symdistill evaluate's fidelity and --label accuracy."""
    pd = pytest.importorskip("pandas")
    from symdistill.cli import main
    from symdistill.teachers.activations import read_activations

    net, X = _same_width_concepts()
    rules = sd.distill(net, X, form="rules", layer=0, max_size=4, random_state=0, progress=False)
    labels = net(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    right = float(np.mean(rules.predict(read_activations(net, X, 0)) == labels))
    assert right > 0.99 and float(np.mean(rules.predict(X) == labels)) < 0.6  # activations, not rows
    assert float(sd.fidelity(rules, net, X)) == right
    assert float(sd.fidelity(sd.load(rules.to_json()), net, X)) == right
    front = sd.frontier(net, X, forms=["rules"], sizes=[2, 4], method="decompositional", layer=0, progress=False)
    assert all(p.fidelity > 0.99 for p in front.points)
    with pytest.raises(TypeError, match=r"concept rules over hidden layer '0' \(distilled with layer=\)"):
        sd.report(front, path=None)
    from symdistill.shift import shifted_fidelity

    with pytest.raises(TypeError, match=r"these are concept rules: they read the activations of hidden layer '0'"):
        shifted_fidelity(rules, net, X)

    from _onnx_support import onnx_bytes

    model, data, saved = tmp_path / "net.onnx", tmp_path / "rows.csv", tmp_path / "concepts.json"
    model.write_bytes(onnx_bytes(net, 3, dynamo=False))
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    df["y"] = labels
    df.to_csv(data, index=False)
    rules.to_json(saved)
    assert main(["evaluate", str(saved), "--teacher", str(model), "--data", str(data), "--label", "y"]) == 0
    out = capsys.readouterr().out
    assert f"fidelity {right:.4f}" in out and f"against --label y: accuracy {right:.4f}" in out


def test_accuracy_of_concept_rules_reads_the_activations_of_input_rows() -> None:
    """sd.accuracy(concept_rules, X, y) fed the input rows X to the rules as if they were activations
    (a silent 0.44 here, where the layer has as many units as the net has inputs), while fidelity reads
    the activations of X. accuracy now takes input rows too: concept rules need the network
    (teacher=), through which it reads their layer's activations of X; without it they are refused."""
    from symdistill.teachers.activations import read_activations

    net, X = _same_width_concepts()
    rules = sd.distill(net, X, form="rules", layer=0, max_size=4, random_state=0, progress=False)
    labels = net(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    right = float(np.mean(rules.predict(read_activations(net, X, 0)) == labels))
    assert right > 0.99
    with pytest.raises(TypeError, match=r"concept rules, which read the activations of hidden layer '0' .* pass the "
                                        r"network, accuracy\(rules, X, y, teacher=net\)"):
        sd.accuracy(rules, X, labels)
    assert float(sd.accuracy(rules, X, labels, teacher=net)) == right
    assert float(sd.accuracy(sd.load(rules.to_json()), X, labels, teacher=sd.as_teacher(net))) == right
    with pytest.raises(sd.DataError, match=r"column .x1. has a non-finite value \(nan\) in row 1"):
        sd.accuracy(rules, np.where(np.arange(X.size).reshape(X.shape) == 4, np.nan, X), labels, teacher=net)
    tree = sd.distill(net, X, max_size=4, random_state=0, progress=False)
    with pytest.raises(TypeError, match="teacher= is for concept rules .* this Tree reads the input rows"):
        sd.accuracy(tree, X, labels, teacher=net)


def test_concept_rules_given_input_rows_of_another_width_say_what_they_read(concept_net) -> None:
    """Concept rules' predict takes the activations of their layer: input rows of another width
    were refused as "expected 3 features (concepts[0], ...), got 4 columns", which did not say that
    the rules read activations; the error now says so, and how to read them."""
    net, X = concept_net
    rules = sd.distill(net, X, form="rules", layer="concepts", max_size=4, random_state=0, progress=False)
    hint = (r"expected 3 columns, the activations of hidden layer 'concepts' that these concept rules read, got 4 "
            r"columns: for the network's input rows pass read_activations\(net, X, 'concepts'\)")
    for call in (rules.predict, rules.predict_proba, rules.apply, sd.load(rules.to_json()).predict):
        with pytest.raises(sd.DataError, match=hint):
            call(X)
    labels = net(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    assert float(sd.accuracy(rules, X, labels, teacher=net)) == float(sd.fidelity(rules, net, X))


def _loan_pipeline() -> tuple[object, object]:
    """The README's scikit-learn network: one-hot 'sex', standardised 'age' and 'income', an MLP."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"age": rng.integers(16, 80, 900), "income": rng.uniform(10, 120, 900).round(1),
                      "sex": rng.choice(["F", "M"], 900)})
    y = np.where((X["age"] >= 18) & (X["income"] > 30 + 0.3 * X["age"]), "approve", "deny")
    net = make_pipeline(make_column_transformer((OneHotEncoder(), ["sex"]), remainder=StandardScaler()),
                        MLPClassifier(hidden_layer_sizes=(16, 8), max_iter=500, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(X, y)
    return net, X


def test_scikit_learn_mlps_are_read_alone_and_at_the_end_of_a_pipeline() -> None:
    """A fitted MLPClassifier (the README's own example network, in a Pipeline) was refused with
    "cannot read hidden activations of a Pipeline". Its hidden layers are now read from its weights,
    after the Pipeline's earlier steps, exactly as the estimator computes them."""
    from symdistill.teachers.activations import activation_reader, read_activations

    net, X = _loan_pipeline()
    mlp = net[-1]
    T = net[0].transform(X)
    first = np.maximum(T @ mlp.coefs_[0] + mlp.intercepts_[0], 0.0)
    second = np.maximum(first @ mlp.coefs_[1] + mlp.intercepts_[1], 0.0)
    reader = activation_reader(sd.as_teacher(net))
    assert [(h.name, h.width, h.activation) for h in reader.layers] == [("hidden_0", 16, "relu"),
                                                                         ("hidden_1", 8, "relu")]
    np.testing.assert_allclose(read_activations(net, X, "hidden_0"), first, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(read_activations(net, X, -1), second, rtol=1e-12, atol=1e-12)

    rules = sd.distill(net, X, form="rules", method="decompositional", max_size=6, random_state=0, progress=False)
    assert rules.feature_names == ["age", "income", "sex"] and set(rules.classes) == {"approve", "deny"}
    assert float(sd.fidelity(rules, net, X)) > 0.95
    concepts = sd.distill(net, X, form="rules", layer="hidden_1", max_size=6, random_state=0, progress=False)
    assert concepts.feature_names == [f"hidden_1[{i}]" for i in range(8)]
    assert float(sd.fidelity(concepts, net, X)) > 0.95


@pytest.mark.parametrize("activation, kind, squash", [
    ("logistic", "sigmoid", lambda h: 1.0 / (1.0 + np.exp(-h))),
    ("tanh", "tanh", np.tanh),
    ("identity", "identity", lambda h: h),
])
def test_every_scikit_learn_activation_is_read(activation: str, kind: str, squash) -> None:
    from sklearn.neural_network import MLPClassifier

    from symdistill.teachers.activations import SklearnActivations

    X = np.random.default_rng(0).normal(size=(300, 3))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int) + (X[:, 2] > 1)  # three classes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp = MLPClassifier((5,), activation=activation, max_iter=300, random_state=0).fit(X, y)
    reader = SklearnActivations(mlp)
    assert [(h.name, h.activation) for h in reader.layers] == [("hidden_0", kind)]
    np.testing.assert_allclose(reader.read(X)[0], squash(X @ mlp.coefs_[0] + mlp.intercepts_[0]), rtol=1e-9)
    rules = sd.distill(mlp, X, form="rules", method="decompositional", max_size=8, random_state=0, progress=False)
    assert rules.size <= 8 and float(sd.fidelity(rules, mlp, X)) > 0.8


def test_scikit_learn_networks_read_rows_as_their_teacher_hands_them_over() -> None:
    """The teacher hands an estimator fitted on a DataFrame its columns in the fitted order and an
    array as a DataFrame of them; the activation reader did neither. An MLPClassifier given the
    columns in another order read them by position (other activations, silently: concept rules of
    fidelity 0.64), a Pipeline of a ColumnTransformer given an array failed in scikit-learn
    ("Specifying the columns using strings is only supported for dataframes"), and one of a scaler
    given its columns in another order failed there too ("Feature names must be in the same order")."""
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import StandardScaler

    from symdistill.teachers.activations import read_activations

    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    y = ((df.a > 0) ^ (df.b > 0.3)).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few iterations do not converge
        nets = [MLPClassifier((4,), max_iter=30, random_state=0).fit(df, y),
                Pipeline([("ct", ColumnTransformer([("num", StandardScaler(), ["a", "b", "c"])])),
                          ("mlp", MLPClassifier((4,), max_iter=30, random_state=0))]).fit(df, y),
                make_pipeline(StandardScaler(), MLPClassifier((4,), max_iter=30, random_state=0)).fit(df, y)]
    for net in nets:
        want = read_activations(net, df, 0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nor scikit-learn's "X does not have valid feature names"
            for rows in (df[["c", "a", "b"]], df.to_numpy()):
                np.testing.assert_array_equal(read_activations(net, rows, 0), want)
        concepts = sd.distill(net, df[["c", "a", "b"]], form="rules", layer=0, max_size=4, random_state=0,
                              n_samples=400, progress=False)
        assert float(sd.fidelity(concepts, net, df)) == float(sd.fidelity(concepts, net, df[["c", "a", "b"]]))
        assert float(sd.fidelity(concepts, net, df)) > 0.9


def test_scikit_learn_models_that_cannot_be_read_are_named() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from symdistill.teachers.activations import UnsupportedModelError, activation_reader

    X = np.random.default_rng(0).normal(size=(100, 2))
    logistic = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, X[:, 0] > 0)
    with pytest.raises(UnsupportedModelError, match="of a LogisticRegression as the last step of its Pipeline; "
                                                    "supported: torch modules"):
        activation_reader(logistic)
    with pytest.raises(UnsupportedModelError, match="the MLPClassifier is not fitted"):
        activation_reader(MLPClassifier())


def test_a_fitted_search_over_an_mlp_is_told_to_pass_its_best_estimator() -> None:
    """GridSearchCV(MLPClassifier(...)), the way many MLPs are fitted, was refused as 'cannot read hidden
    activations of a GridSearchCV; supported: ...', naming no way to read the network it holds."""
    from sklearn.model_selection import GridSearchCV
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from symdistill.teachers.activations import UnsupportedModelError, activation_reader

    X = np.random.default_rng(0).normal(size=(120, 2))
    search = GridSearchCV(MLPClassifier((4,), max_iter=50, random_state=0), {"alpha": [1e-4, 1e-3]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few iterations do not converge
        search.fit(X, X[:, 0] > 0)
    hint = r"of a GridSearchCV{}; it holds a fitted MLPClassifier: pass its best_estimator_"
    with pytest.raises(UnsupportedModelError, match=hint.format("")):
        activation_reader(search)
    with pytest.raises(UnsupportedModelError, match=hint.format(" as the last step of its Pipeline")):
        activation_reader(make_pipeline(StandardScaler(), search).fit(X, X[:, 0] > 0))
    assert [h.name for h in activation_reader(search.best_estimator_).layers] == ["hidden_0"]


def test_an_onnx_model_proto_is_a_teacher_everywhere(concept_net) -> None:
    """distill(..., method="decompositional") took an onnx.ModelProto (as the README says), but
    sd.fidelity of the rules against that same object, sd.as_teacher and the pedagogical learners
    refused it: "cannot use a ModelProto as a teacher: expected ... an ONNX model, ...". A ModelProto
    is now read as its serialised bytes wherever a teacher is taken."""
    onnx = pytest.importorskip("onnx")
    from _onnx_support import onnx_bytes

    net, X = concept_net
    proto = onnx.load_from_string(onnx_bytes(net, 4, dynamo=False))
    labels = net(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    np.testing.assert_array_equal(sd.as_teacher(proto).predict(X), labels)
    rules = sd.distill(proto, X, form="rules", method="decompositional", max_size=6, random_state=0, progress=False)
    assert float(sd.fidelity(rules, proto, X)) == float(np.mean(rules.predict(X) == labels))
    tree = sd.distill(proto, X, form="tree", max_size=4, random_state=0, n_samples=1000, progress=False)
    assert tree.size <= 4


def test_concept_rules_are_verified_without_putting_activations_to_the_network() -> None:
    """A concept rule set's counterexample is a row of activations; verify(..., teacher=net) fed it
    to the network as an input row (a silent verdict on this net, whose concept layer is as wide
    as its input; a shape error otherwise). Concept rules verify on their own, and teacher= is
    refused naming the layer."""
    net, X = _same_width_concepts()
    rules = sd.distill(net, X, form="rules", layer=0, max_size=4, random_state=0, progress=False)
    verdict = sd.verify(rules, "`0[0]` > 0.9 -> prediction == 1")
    assert verdict.holds
    assert not sd.verify(rules, "prediction == 0").holds
    with pytest.raises(ValueError, match=r"these are concept rules: their rows are activations of hidden layer "
                                         r"'0', not the network's inputs; verify them without teacher="):
        sd.verify(rules, "prediction == 0", teacher=net)


def test_verify_names_its_teacher_flag_for_concept_rules(tmp_path, capsys) -> None:
    """`symdistill verify concepts.json --teacher net.onnx` was refused with the library's words, "verify
    them without teacher=", a keyword the command has none of; it names --teacher now, before the
    teacher is loaded."""
    from symdistill.cli import main

    net, X = _same_width_concepts()
    rules = sd.distill(net, X, form="rules", layer=0, max_size=4, random_state=0, progress=False)
    saved = tmp_path / "concepts.json"
    rules.to_json(saved)
    assert main(["verify", str(saved), "--teacher", str(tmp_path / "absent.onnx"), "-c", "prediction == 0"]) == 2
    assert capsys.readouterr().err == (
        f"symdistill verify: error: --teacher checks put a counterexample to the network, but {saved} holds "
        "concept rules: their rows are activations of hidden layer '0', not the network's inputs; verify them "
        "without --teacher\n")


def test_the_declared_joblib_runs_the_clause_substitutions() -> None:
    """The substitutions run behind a progress bar with joblib's Parallel(return_as="generator"),
    which joblib has since 1.3; pyproject allowed joblib 1.2, where every decompositional fit
    failed with "Parallel.__init__() got an unexpected keyword argument 'return_as'"."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    floor = re.search(r'"joblib>=([0-9.]+)"', text)
    assert floor is not None, "pyproject.toml declares no joblib floor"
    assert tuple(int(p) for p in floor.group(1).split(".")) >= (1, 3)


def test_a_position_that_is_also_another_layers_name_is_refused(tmp_path, capsys, monkeypatch) -> None:
    """A Sequential's hidden layers are named '0', '2', '4' (their ReLUs '1', '3', '5'). ``layer=2``,
    as ``--option layer=2`` reads it, took position 2, the layer named '4', without a word, and
    ``--option layer=1`` the layer named '2', though '1' names the first layer's ReLU; a position that
    a module's name also spells is now refused, naming both layers and how to write the name."""
    from symdistill.cli import main
    from symdistill.teachers.activations import activation_reader, read_activations

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 4), torch.nn.ReLU(),
                              torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2)).eval()
    reader = activation_reader(net)
    with pytest.raises(ValueError, match=r"layer 2 is ambiguous: position 2 is layer '4', but '2' names layer '2'; "
                                         r"give the name as text \(layer='2'; on the command line "
                                         r"--option 'layer=\"2\"'\), or the position as -1"):
        reader.layer(2)
    with pytest.raises(ValueError, match="layer 1 is ambiguous: position 1 is layer '2', but '1' names layer '0'"):
        reader.layer(1)
    with pytest.raises(ValueError, match=r"layer index 3 out of range: .*; '3' names layer '2': give the name as text"):
        reader.layer(3)
    assert [reader.layer(k).name for k in (0, -1, -2, "2", "1", "5")] == ["0", "4", "2", "2", "0", "4"]
    X = np.random.default_rng(0).uniform(size=(60, 2))
    assert read_activations(net, X, "2").shape == (60, 4)
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" + "\n".join(f"{a},{b}" for a, b in X))
    (tmp_path / "ambiguous_layer_net.py").write_text(
        "import torch\nnet = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 4), "
        "torch.nn.ReLU(), torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))\n")
    monkeypatch.chdir(tmp_path)
    args = ["distill", "--teacher", "ambiguous_layer_net:net", "--data", str(rows), "--form", "rules", "-o", "r.json"]
    assert main(args + ["--option", "layer=2"]) == 2
    assert "layer 2 is ambiguous: position 2 is layer '4', but '2' names layer '2'" in capsys.readouterr().err
    assert main(args + ["--option", 'layer="2"']) == 0
    assert sd.load(tmp_path / "r.json").meta["layer"] == "2"


class _ConvFront(torch.nn.Module):
    """Rows of 8 -> Conv1d (4 channels) + ReLU -> flattened 24 -> Linear + Tanh -> 2 classes."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.conv, self.act = torch.nn.Conv1d(1, 4, 3), torch.nn.ReLU()
        self.fc, self.squash, self.out = torch.nn.Linear(24, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.squash(self.fc(self.act(self.conv(x[:, None, :])).flatten(1))))


class _PerPosition(torch.nn.Module):
    """Rows of 6 as one position of 6 features: a Linear + ReLU on (rows, 1, 6) tensors."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.emb, self.act, self.out = torch.nn.Linear(6, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.act(self.emb(x[:, None, :]))).squeeze(1)


def test_a_layer_after_a_convolution_is_read_and_one_on_a_sequence_is_named() -> None:
    """The trace ran the network on rows as wide as a linear layer's input, so a network with a
    convolution before its dense layers was refused ('tracing _ConvFront on rows of 24 features
    failed'), though its dense layer is a hidden layer; the trace now starts at the rows' width. A
    Linear on 3-D tensors (a sequence's positions) was read as a layer and the learner failed with
    'IndexError: index 1 is out of bounds for axis 1 with size 1'; it is now named as not read."""
    from symdistill.teachers.activations import UnsupportedModelError, read_activations

    X = np.random.default_rng(0).normal(size=(300, 8))
    net = _ConvFront().eval()
    with pytest.warns(UserWarning, match=r"\(fc\); conv \(Conv1d\) not read"):
        rules = sd.distill(net, X, form="rules", method="decompositional", max_size=4, random_state=0,
                           n_samples=300, progress=False)
    assert rules.meta["layers"] == ["fc"]
    with torch.no_grad():
        want = torch.tanh(net.fc(torch.relu(net.conv(torch.tensor(X[:5, None, :], dtype=torch.float32))).flatten(1)))
    with pytest.warns(UserWarning, match="conv"):
        np.testing.assert_allclose(read_activations(net, X[:5], "fc"), want.double().numpy())
    with pytest.raises(UnsupportedModelError, match=r"_PerPosition has no nn.Linear layer followed by an activation "
                                                    r"module; emb \(Linear on 3-D tensors, not one row of units per "
                                                    r"input row\) not read; supported"):
        sd.distill(_PerPosition(), X[:, :6], form="rules", layer="emb", progress=False)


def test_a_file_written_by_torch_save_is_told_apart_from_torchscript(tmp_path, capsys) -> None:
    """``torch.save(net, "net.pt")``, the usual way to save a network, gave the decompositional route
    "TorchScript modules cannot be hooked" (it is no TorchScript) and the pedagogical one torch's
    "PytorchStreamReader failed locating file constants.pkl ... your checkpoint file is corrupted";
    both now say the file was written by torch.save and what to give instead."""
    from symdistill.cli import main
    from symdistill.teachers.activations import UnsupportedModelError

    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    X = np.random.default_rng(0).uniform(size=(40, 2))
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" + "\n".join(f"{a},{b}" for a, b in X))
    saved = "was written by torch.save (a pickled module or state_dict), not torch.jit.save"
    for what, obj in (("module", net), ("state_dict", net.state_dict())):
        path = tmp_path / f"{what}.pt"
        torch.save(obj, str(path))
        with pytest.raises(UnsupportedModelError, match=rf"it {re.escape(saved)}; pass the Python nn.Module \(on the command "
                                                        r"line --teacher module:attribute\) or the network exported"):
            sd.distill(str(path), X, form="rules", layer=0)
        with pytest.raises(sd.TeacherError, match=rf"{what}.pt {re.escape(saved)}: a .pt teacher file is TorchScript"):
            sd.as_teacher(str(path))
        for method in ("pedagogical", "decompositional"):
            assert main(["distill", "--teacher", str(path), "--data", str(rows), "--form", "rules", "--method", method,
                         "-o", str(tmp_path / "r.json")]) == 2
            err = capsys.readouterr().err
            assert saved in err and "corrupted" not in err and "cannot be hooked" not in err, err
    scripted = tmp_path / "scripted.pt"
    torch.jit.script(net).save(str(scripted))
    assert sd.as_teacher(str(scripted)).predict(X).shape == (40,)


def test_exported_concept_rules_say_that_they_read_a_hidden_layer(concept_net) -> None:
    """Exported concept rules took rows of the concept layer's activations with nothing in the code
    saying so: with concept_names the C file's features read like inputs ('p', 'q', 'r'), and a caller
    handing it the network's input rows got answers without a word. Every exported text (and the ONNX
    model's doc_string) now says which hidden layer a row is read from; input rules are unchanged."""
    net, X = concept_net
    rules = sd.distill(net, X, form="rules", layer="concepts", concept_names=["p", "q", "r"], max_size=4,
                       random_state=0, n_samples=800, progress=False)
    note = "Concept rules: a row holds the activations of the network's hidden layer 'concepts', one value per unit"
    for target in ("c", "python", "prolog"):
        assert note in sd.export(rules, target), target
    inputs = sd.distill(net, X, form="rules", method="decompositional", max_size=4, random_state=0, n_samples=800,
                        progress=False)
    for target in ("c", "python", "prolog"):
        assert "Concept rules" not in sd.export(inputs, target), target
    odd = sd.load(rules.to_json().replace('"layer": "concepts"', '"layer": "a */ b\\n\\"\\"\\""'))
    source = sd.export(odd, "python")
    namespace: dict = {}
    exec(source, namespace)  # the name cannot end the docstring
    assert "hidden layer 'a????b????'" in source and "*/" not in sd.export(odd, "c").split("*/", 1)[1].split("#")[0]
    onnx = pytest.importorskip("onnx")
    assert note in onnx.load_from_string(sd.export(rules, "onnx")).doc_string


def test_evaluate_matches_concept_rules_input_columns_by_name(concept_net, tmp_path, capsys) -> None:
    """symdistill evaluate handed concept rules' network the --data columns in the file's order: a file
    with its columns in another order was scored without a word (accuracy 0.42 instead of 0.86 on
    MAGIC), and a label column left in (no --label) reached the network ("mat1 and mat2 shapes cannot
    be multiplied"). Concept rules now record the features they were distilled on, and evaluate
    matches the columns by name as it does for other models."""
    pd = pytest.importorskip("pandas")
    from _onnx_support import onnx_bytes

    from symdistill.cli import main

    net, X = concept_net
    model, rows, saved = tmp_path / "net.onnx", tmp_path / "rows.csv", tmp_path / "concepts.json"
    model.write_bytes(onnx_bytes(net, 4, dynamo=False))
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    df.to_csv(rows, index=False)
    assert main(["distill", "--teacher", str(model), "--data", str(rows), "--form", "rules", "--max-size", "6",
                 "--option", "layer=concepts", "-o", str(saved)]) == 0
    assert sd.load(saved).meta["input_features"] == ["a", "b", "c", "d"]
    df["y"] = net(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    straight, backwards = tmp_path / "straight.csv", tmp_path / "backwards.csv"
    df.to_csv(straight, index=False)
    df[["y", "d", "c", "b", "a"]].to_csv(backwards, index=False)
    capsys.readouterr()
    outs = []
    for data in (straight, backwards):
        assert main(["evaluate", str(saved), "--teacher", str(model), "--data", str(data), "--label", "y"]) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] and "against --label y: accuracy" in outs[0]
    assert main(["evaluate", str(saved), "--teacher", str(model), "--data", str(straight)]) == 2
    assert "do not match the model's features: unknown ['y'] (--label names a column" in capsys.readouterr().err
    # rules distilled on an array (features x0, x1, ...) still take the columns in the file's order
    rules = sd.distill(net, X, form="rules", layer="concepts", max_size=6, random_state=0, progress=False)
    rules.to_json(saved)
    assert main(["evaluate", str(saved), "--teacher", str(model), "--data", str(straight), "--label", "y"]) == 0
    assert main(["evaluate", str(saved), "--teacher", str(model), "--data", str(straight)]) == 2
    assert "these concept rules were distilled on rows of 4 features; " in capsys.readouterr().err


@pytest.mark.parametrize("form", ["tree", "linear"])
def test_layer_with_a_form_other_than_rules_says_what_layer_needs(form: str) -> None:
    """``layer=`` implies the decompositional method, so ``form='tree', layer=0`` (``--form tree --option
    layer=0``) answered "form 'tree' has no method 'decompositional'", a method the user never named."""
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    X = np.random.default_rng(0).uniform(size=(40, 2))
    with pytest.raises(ValueError, match=rf"layer= asks for concept rules, read off a hidden layer by "
                                         rf"method='decompositional', which gives form='rules' only; form '{form}' "
                                         rf"does not take layer="):
        sd.distill(net, X, form=form, layer=0)
    with pytest.raises(ValueError, match="unknown form"):
        sd.distill(net, X, form="trees", layer=0)


def test_frontier_with_layer_reads_concept_rules_as_distill_does(concept_net) -> None:
    """``layer=`` implies the decompositional method in sd.distill, and the README says sd.frontier(...,
    layer=...) scores concept rules; but the frontier's method defaulted to "pedagogical", so
    ``sd.frontier(net, X, forms=["rules"], layer="concepts")`` answered "unknown option 'layer'"."""
    net, X = concept_net
    front = sd.frontier(net, X, forms=["rules"], sizes=[2, 4], layer="concepts", n_samples=800, progress=False)
    assert front.method == "decompositional"
    assert all(p.model.meta["layer"] == "concepts" for p in front.points)
    assert sd.frontier(net, X, forms=["rules"], sizes=[2], n_samples=800, progress=False).method == "pedagogical"


def test_concept_names_written_with_commas_on_the_command_line_are_told_the_json_form(tmp_path, capsys) -> None:
    """``--option concept_names=a,b,c`` (as --classes takes names) reads as the text 'a,b,c' and was refused
    as "concept_names must be a list of strings, got 'a,b,c'", with no word on how to write a list."""
    from symdistill.cli import main

    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n0.1,0.2\n0.3,0.4\n")
    # options are checked before the teacher is loaded: this one is never imported
    assert main(["distill", "--teacher", "never_imported_module:net", "--data", str(rows),
                 "--form", "rules", "--option", "layer=0", "--option", "concept_names=p,q,r", "-o",
                 str(tmp_path / "r.json")]) == 2
    assert ("concept_names must be a list of strings, got 'p,q,r' (on the command line a JSON list: "
            "--option 'concept_names=[\"a\", \"b\"]')") in capsys.readouterr().err


@pytest.mark.parametrize("value, shown", [("2", "2"), ("0,2", "'0,2'"), ("fc1", "'fc1'")])
def test_layers_written_as_one_value_on_the_command_line_are_told_the_json_form(tmp_path, capsys, value: str,
                                                                                shown: str) -> None:
    """``--option layers=2`` (or ``0,2``, ``fc1``) reads as a number or a text, and was refused as "layers
    must be a non-empty list of layer names or positions, got 2", with no word on how to write a list
    there, where concept_names says it."""
    from symdistill.cli import main

    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n0.1,0.2\n0.3,0.4\n")
    assert main(["distill", "--teacher", "never_imported_module:net", "--data", str(rows), "--form", "rules",
                 "--method", "decompositional", "--option", f"layers={value}", "-o", str(tmp_path / "r.json")]) == 2
    assert (f"layers must be a non-empty list of layer names or positions, got {shown} (on the command line a "
            "JSON list: --option 'layers=[\"0\", 2]', a name as text, a position as a number)") in capsys.readouterr().err


def test_fidelity_and_accuracy_of_concept_rules_take_a_dataframe_in_another_column_order(concept_net) -> None:
    """sd.fidelity / sd.accuracy of concept rules handed the network a DataFrame's columns in its own
    order (the network reads by position), so the same rows with the columns reordered scored differently
    without a word; they are put back in the order the rules were distilled on (meta input_features)."""
    pd = pytest.importorskip("pandas")

    net, X = concept_net
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    rules = sd.distill(net, df, form="rules", layer="concepts", max_size=6, random_state=0, progress=False)
    y = net(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    backwards = df[["d", "c", "b", "a"]]
    assert sd.fidelity(rules, net, backwards).value == sd.fidelity(rules, net, df).value
    assert sd.accuracy(rules, backwards, y, teacher=net).value == sd.accuracy(rules, df, y, teacher=net).value
    assert sd.accuracy(rules, df, y, teacher=net).value > 0.8


def test_concept_rules_refuse_a_dataframe_of_other_columns_naming_them(concept_net) -> None:
    """A DataFrame whose columns are not the features the concept rules were distilled on (one renamed, the
    rest reordered) was handed to the network by position: sd.fidelity scored 0.98 and sd.accuracy 0.56 on
    columns in the wrong places, where the rules' other forms refuse such a DataFrame naming the columns."""
    pd = pytest.importorskip("pandas")
    from symdistill._errors import DataError

    net, X = concept_net
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    rules = sd.distill(net, df, form="rules", layer="concepts", max_size=6, random_state=0, progress=False)
    y = net(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    renamed = df[["d", "c", "b", "a"]].rename(columns={"a": "z"})
    with pytest.raises(DataError, match=re.escape("missing ['a'], unknown ['z']")):
        sd.fidelity(rules, net, renamed)
    with pytest.raises(DataError, match=re.escape("missing ['a'], unknown ['z']")):
        sd.accuracy(rules, renamed, y, teacher=net)
    with pytest.raises(DataError, match=re.escape("missing ['c']")):
        sd.fidelity(rules, net, df[["a", "b", "d"]])
    unnamed = sd.distill(net, X, form="rules", layer="concepts", max_size=6, random_state=0, progress=False)
    assert sd.fidelity(unnamed, net, df).value == sd.fidelity(unnamed, net, X).value  # an array's x0, ...: by position


def test_reading_activations_of_rows_of_another_width_says_what_the_network_takes(concept_net) -> None:
    """read_activations, and sd.accuracy of concept rules (which reads them), given rows with a column too many
    raised torch's bare RuntimeError ('mat1 and mat2 shapes cannot be multiplied'), where the teacher asked the
    same rows says it was trained on 4 columns and names the --drop of a label column left in."""
    from symdistill._errors import TeacherError
    from symdistill.teachers.activations import read_activations

    net, X = concept_net
    wide = np.hstack([X, X[:, :1]])
    said = re.escape("give it the columns it was trained on (4), in their order (a label column left in?")
    with pytest.raises(TeacherError, match=f"_ConceptNet raised RuntimeError on a batch of 800 rows: .*{said}"):
        read_activations(net, wide, "concepts")
    rules = sd.distill(net, X, form="rules", layer="concepts", max_size=6, random_state=0, progress=False)
    with pytest.raises(TeacherError, match=said):
        sd.accuracy(rules, wide, np.zeros(len(X), dtype=int), teacher=net)


def test_editing_a_models_plain_form_leaves_the_model_as_it_was(concept_net) -> None:
    """to_dict() handed out the model's own meta: removing input_features from it before saving (to write
    a file as an older version would) removed it from the concept rules too, so they no longer put a
    DataFrame's columns back in order; and a model loaded from a dict, or copied, shared its lists."""
    import pandas as pd

    net, X = concept_net
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    rules = sd.distill(net, df, form="rules", layer="concepts", max_size=4, random_state=0, progress=False)
    form = rules.to_dict()
    del form["meta"]["input_features"]
    form["meta"]["concept_names"].append("x")
    assert rules.meta["input_features"] == ["a", "b", "c", "d"]
    assert rules.meta["concept_names"] == ["concepts[0]", "concepts[1]", "concepts[2]"]
    shuffled = df[["d", "c", "b", "a"]]
    assert sd.fidelity(rules, net, shuffled).value == sd.fidelity(rules, net, df).value
    form = rules.to_dict()
    loaded = sd.load(form)
    form["meta"]["input_features"].reverse()
    copied = loaded.copy()
    copied.meta["input_features"].clear()
    assert loaded.meta["input_features"] == ["a", "b", "c", "d"] and loaded == rules


def test_concept_rules_saved_without_input_features_take_input_rows_by_position(concept_net, tmp_path,
                                                                                capsys) -> None:
    """Concept rules saved before input_features was recorded load, and score the network's input rows as
    the network reads them, by position (a DataFrame's column names cannot be matched to nothing), in
    Python and on the command line; malformed concept fields are refused when the file is loaded (a
    layer that is no name read input rows as activations; input_features that are no list were ignored)."""
    import json

    import pandas as pd

    from symdistill._errors import ModelFormatError
    from symdistill.cli import main

    net, X = concept_net
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    rules = sd.distill(net, df, form="rules", layer="concepts", max_size=4, random_state=0, progress=False)
    form = rules.to_dict()
    del form["meta"]["input_features"]
    old = sd.load(json.dumps(form))
    assert "input_features" not in old.meta
    score = sd.fidelity(rules, net, df).value
    assert sd.fidelity(old, net, df).value == sd.fidelity(old, net, X).value == score
    assert sd.fidelity(old, net, df[["d", "c", "b", "a"]]).value == sd.fidelity(old, net, X[:, ::-1]).value

    saved, data = tmp_path / "old.json", tmp_path / "rows.csv"
    saved.write_text(json.dumps(form), encoding="utf-8")
    df.rename(columns=str.upper).to_csv(data, index=False)  # names the rules never saw: read by position
    torch.save(net, tmp_path / "net.pt")
    module = tmp_path / "concept_teacher.py"
    module.write_text("import torch\nnet = torch.load(__file__[:-len('concept_teacher.py')] + 'net.pt', "
                      "weights_only=False)\n", encoding="utf-8")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        assert main(["evaluate", str(saved), "--teacher", "concept_teacher:net", "--data", str(data)]) == 0
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("concept_teacher", None)
    assert f"fidelity {score:.4f}" in capsys.readouterr().out

    for field, value, said in (("input_features", "abcd", "should be a list of distinct names, got 'abcd'"),
                               ("input_features", ["a", "a", "b", "c"], "should be a list of distinct names"),
                               ("layer", 2, "'meta.layer' .* should be a layer name, a string, got 2")):
        bad = rules.to_dict()
        bad["meta"][field] = value
        with pytest.raises(ModelFormatError, match=said):
            sd.load(json.dumps(bad))


def test_verify_on_the_command_line_refuses_teacher_checks_of_concept_rules_naming_the_flag(concept_net, tmp_path,
                                                                                           capsys) -> None:
    """symdistill verify concept.json --teacher net said 'verify them without teacher=', the Python keyword,
    and only after loading the teacher (a missing file was reported instead). It names --teacher, first."""
    from symdistill.cli import main

    net, X = concept_net
    rules = sd.distill(net, X, form="rules", layer="concepts", max_size=4, random_state=0, progress=False)
    saved = tmp_path / "concepts.json"
    rules.to_json(saved)
    assert main(["verify", str(saved), "-c", "`concepts[0]` > 0.5 -> prediction != 2", "--teacher",
                 str(tmp_path / "no_such_net.onnx")]) == 2
    err = capsys.readouterr().err
    assert "verify them without --teacher" in err and "activations of hidden layer 'concepts'" in err
    assert main(["verify", str(saved), "-c", "`concepts[0]` > 0.5 -> prediction != 2"]) in (0, 1)


@pytest.mark.parametrize("teacher, options, message", [
    ("net", {"layers": ["encoder"]}, "unknown layer 'encoder'"),
    ("net", {"layers": [5]}, "layer index 5 out of range"),
    ("net", {"layer": "concepts", "concept_names": ["a", "b"]}, "concept_names has 2 names but layer 'concepts' has 3"),
    ("callable", {}, "cannot read hidden activations through the callable"),
])
def test_a_network_the_frontier_cannot_read_is_refused_before_the_teacher_is_asked(concept_net, teacher: str,
                                                                                   options: dict, message: str) -> None:
    """sd.distill reads the network's layers before it asks anything; sd.frontier, whose options the README
    says are checked before the teacher is asked anything, labelled every training and held-out row first
    (800 rows here) and only then found a layer name misspelt, or a teacher with no layers to read."""
    net, X = concept_net
    asked: list[int] = []

    def labels(rows: np.ndarray) -> np.ndarray:
        asked.append(len(rows))
        return net(torch.tensor(np.asarray(rows, dtype=np.float32))).argmax(1).numpy()

    t = sd.as_teacher(net) if teacher == "net" else sd.as_teacher(labels)
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        sd.frontier(t, X, forms=["rules"], sizes=[2], method="decompositional", n_samples=800, progress=False,
                    **options)
    assert t.n_queries == 0 and not asked


def test_an_onnx_teacher_of_a_fixed_batch_of_one_is_read_in_its_batch_size(concept_net, tmp_path) -> None:
    """A graph exported with a fixed batch of one is refused with "pass batch_size=1 (one row per call,
    slow)"; sd.as_teacher(path, batch_size=1) then serves the pedagogical route, but the decompositional
    one read the activations in batches of 8,192 whatever the teacher's batch_size and gave the same
    refusal, telling the user to do what they had done. The activations are now read in the batches of
    the teacher they come through."""
    import io

    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    net, X = concept_net
    X = X[:200]
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, (torch.zeros(1, 4),), buf, input_names=["x"], dynamo=False)
    path = tmp_path / "one_row.onnx"
    path.write_bytes(buf.getvalue())
    options = dict(form="rules", method="decompositional", max_size=4, n_samples=300, random_state=0, progress=False)
    from symdistill.teachers.activations import UnsupportedModelError

    with pytest.raises(UnsupportedModelError, match=r"fixed batch size of 1 .* or pass batch_size=1"):
        sd.distill(str(path), X, **options)
    one_row = sd.distill(sd.as_teacher(str(path), batch_size=1), X, **options)
    assert one_row.rules == sd.distill(net, X, **options).rules


def test_the_decompositional_method_with_the_default_form_says_which_form_it_gives(tmp_path, capsys) -> None:
    """sd.distill(net, X, method="decompositional"), as the README's command line writes
    ``--method decompositional``, leaves the form at its default, a tree, and was refused as "form 'tree'
    has no method 'decompositional'; expected one of ['pedagogical']", naming a form the user never
    wrote and not the one the method gives."""
    from symdistill.cli import main

    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    X = np.random.default_rng(0).uniform(size=(40, 2))
    message = "method 'decompositional' gives form 'rules' only"
    with pytest.raises(ValueError, match=re.escape(f"form 'tree' has no method 'decompositional' ({message})")):
        sd.distill(net, X, method="decompositional")
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n0.1,0.2\n0.3,0.4\n")
    # refused before the teacher is loaded: this one is never imported
    assert main(["distill", "--teacher", "never_imported_module:net", "--data", str(rows), "--method",
                 "decompositional", "-o", str(tmp_path / "r.json")]) == 2
    assert message in capsys.readouterr().err


def test_the_report_command_distils_with_the_decompositional_method(tmp_path, capsys, monkeypatch) -> None:
    """sd.frontier and sd.report take method="decompositional", but 'symdistill report' had no --method,
    refused --option method=... ("the command sets it (pedagogical learners ...)") and refused
    --option layers=... as "an option of method='decompositional'", a method it gave no way to ask
    for. --method decompositional fits the decompositional rules; concept rules (layer=), which the
    report refuses, are refused before the teacher is loaded."""
    from symdistill.cli import main

    pd = pytest.importorskip("pandas")
    pd.DataFrame(np.random.default_rng(0).normal(size=(300, 3)), columns=["a", "b", "c"]).to_csv(
        tmp_path / "rows.csv", index=False)
    (tmp_path / "mlp.py").write_text(
        "import torch\ntorch.manual_seed(0)\n"
        "net = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.ReLU(), torch.nn.Linear(6, 2)).eval()\n")
    (tmp_path / "loaded.py").write_text("raise AssertionError('the teacher was loaded')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    base = ["report", "--data", str(tmp_path / "rows.csv"), "--sizes", "2,4", "--n-samples", "400", "--no-progress",
            "-o", str(tmp_path / "r.html")]
    assert main([*base, "--teacher", "mlp:net", "--method", "decompositional", "--option", "layers=[0]"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()[2:4]] == ["rules", "rules"]
    assert "**method**: decompositional" in (tmp_path / "r.md").read_text()
    for args, message in [(["--option", "layers=[0]"], "an option of --method decompositional"),
                          (["--method", "decompositional", "--option", "layer=0"],
                           "concept rules (layer=) read a hidden layer, not the rows a report examines"),
                          (["--method", "decompositional", "--forms", "tree"], "gives form 'rules' only"),
                          (["--option", "method=decompositional"], "use --method")]:
        assert main([*base, "--teacher", "loaded:net", *args]) == 2
        err = capsys.readouterr().err
        assert message in err, (args, err)


def test_a_declared_regressor_is_refused_before_it_is_asked(concept_net) -> None:
    """Decompositional rules read classifiers only; a teacher declared a regressor (task="regression")
    was refused only once it had answered every row (and, in sd.frontier, every held-out row too)."""
    net, X = concept_net
    reg = torch.nn.Sequential(net.enc, net.act, torch.nn.Linear(8, 1)).eval()
    options = dict(form="rules", method="decompositional", n_samples=800, progress=False)
    for run in (lambda t: sd.distill(t, X, **options),
                lambda t: sd.frontier(t, X, forms=["rules"], sizes=[2], method="decompositional", n_samples=800,
                                      progress=False)):
        t = sd.as_teacher(reg, task="regression")
        with pytest.raises(ValueError, match="decompositional rule extraction needs a classifier; torch Sequential "
                                             "is a regressor"):
            run(t)
        assert t.n_queries == 0


class _ShiftsInPlace(torch.nn.Module):
    """A float64 network whose forward centres its input in place (x.sub_(0.5)), as some do."""

    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.ReLU(), torch.nn.Linear(6, 2)).double()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.sub_(0.5))


def test_a_network_changing_its_input_in_place_changes_neither_the_rows_nor_the_rules() -> None:
    """read_activations and the decompositional learner handed a float64 network the rows' own memory: a forward
    that changes its input in place shifted the user's X (and the learner's rows between the activations and the
    substitution), so the rules were learnt on other rows than the ones the network saw."""
    torch.manual_seed(0)
    shifting = _ShiftsInPlace()
    plain = _ShiftsInPlace()
    plain.load_state_dict(shifting.state_dict())
    plain.forward = lambda x: plain.net(x - 0.5)  # the same function, without touching its input
    X = np.random.default_rng(0).normal(size=(300, 3))
    kept = X.copy()
    acts = sd.teachers.activations.read_activations(shifting, X, 0)
    assert np.array_equal(X, kept)
    np.testing.assert_array_equal(acts, sd.teachers.activations.read_activations(plain, X, 0))
    rules = sd.distill(shifting, X, form="rules", method="decompositional", max_size=4, random_state=0)
    assert np.array_equal(X, kept)
    same = sd.distill(plain, X, form="rules", method="decompositional", max_size=4, random_state=0)
    assert rules.rules == same.rules
    concepts = sd.distill(shifting, X, form="rules", layer=0, random_state=0)
    sd.fidelity(concepts, shifting, X)
    assert np.array_equal(X, kept)
