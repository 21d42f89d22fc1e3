"""Decompositional extraction through more activations (LeakyReLU, ELU, SiLU, Softplus) and through
Linear -> BatchNorm1d -> activation blocks, in torch and in ONNX as both exporters write them."""

from __future__ import annotations

import warnings
from typing import Callable

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import symdistill as sd  # noqa: E402
from symdistill.teachers.activations import UnsupportedModelError, activation_reader  # noqa: E402
from _onnx_support import onnx_bytes  # noqa: E402

nn = torch.nn

_ACTIVATIONS: dict[str, tuple[Callable[[], torch.nn.Module], str]] = {
    "leaky_relu": (nn.LeakyReLU, "leaky_relu"),
    "leaky_relu_0.2": (lambda: nn.LeakyReLU(negative_slope=0.2), "leaky_relu"),
    "elu": (lambda: nn.ELU(alpha=0.7), "elu"),
    "silu": (nn.SiLU, "silu"),
    "softplus": (nn.Softplus, "softplus"),
    "softplus_beta_2": (lambda: nn.Softplus(beta=2.0), "softplus"),
}

# The warning of a hand-written graph whose one layer is read and whose output node is not.
_ONLY_REDUCESUM_UNREAD = r"activation \(fc\); y \(ReduceSum\) not read: the rules are read from the layers listed$"


def _train(net: torch.nn.Module, X: np.ndarray) -> torch.nn.Module:
    """Train ``net`` for a second on ``x0 > 0.5 and x1 > 0.3`` (a box the rules can follow); eval mode."""
    xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor((X[:, 0] > 0.5) & (X[:, 1] > 0.3)).long()
    opt = torch.optim.Adam(net.parameters(), lr=0.03)
    net.train()
    for _ in range(300):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(xt), yt).backward()
        opt.step()
    return net.eval()


def _fidelity(rules: sd.RuleSet, net: torch.nn.Module, X: np.ndarray) -> float:
    with torch.no_grad():
        ref = net(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    return float(np.mean(rules.predict(X) == ref))


def _read_like_torch(net: torch.nn.Module, X: np.ndarray, expected: list[tuple[str, int, str]]) -> list[np.ndarray]:
    """The torch reader's layers are ``expected``, and both ONNX exporters' graphs of ``net`` read
    the same layers and values, with no warning; returns the torch reader's activations."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = activation_reader(net)
    assert [(h.name, h.width, h.activation) for h in reader.layers] == expected
    got = reader.read(X)
    for dynamo in (False, True):
        model = onnx_bytes(net, X.shape[1], opset_version=17, dynamo=dynamo)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            onnx_reader = activation_reader(model)
        assert [(h.name, h.width, h.activation) for h in onnx_reader.layers] == expected
        for a, b in zip(onnx_reader.read(X), got):  # float32 arithmetic (a BatchNorm folded into weights)
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    return got


@pytest.mark.parametrize("name", list(_ACTIVATIONS))
def test_element_wise_activations_are_read_in_torch_and_onnx(name: str) -> None:
    """Each activation is a hidden layer's: its values are the manual forward pass's, both ONNX
    exporters' graphs give the same layers (SiLU exported as Sigmoid + Mul, Softplus with beta as
    Mul, Softplus, Div, and by the dynamo exporter with torch's threshold as Greater + Where), and the
    decompositional rules follow the network."""
    make, kind = _ACTIVATIONS[name]
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 8), make(), nn.Linear(8, 6), make(), nn.Linear(6, 2))
    X = np.random.default_rng(11).uniform(size=(1500, 3))
    _train(net, X)
    got = _read_like_torch(net, X, [("0", 8, kind), ("2", 6, kind)])
    with torch.no_grad():
        h1 = net[1](net[0](torch.tensor(X, dtype=torch.float32)))
        h2 = net[3](net[2](h1))
    np.testing.assert_array_equal(got[0], h1.double().numpy())
    np.testing.assert_array_equal(got[1], h2.double().numpy())
    rules = sd.distill(net, X, form="rules", method="decompositional", max_size=6, random_state=0, n_samples=3000)
    assert _fidelity(rules, net, np.random.default_rng(12).uniform(size=(3000, 3))) > 0.97


def test_linear_batchnorm_activation_blocks_are_read() -> None:
    """Linear -> BatchNorm1d -> activation (a Dropout may sit on either side of the BatchNorm1d) is
    a hidden layer named after its Linear; its activations are the activation's outputs with the
    BatchNorm1d in eval mode (running statistics), also when the network is left in training mode.
    The old exporter keeps the BatchNormalization, the dynamo exporter folds it into the Gemm: both
    read the same layers."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 6), nn.Dropout(0.1),
                        nn.BatchNorm1d(6), nn.LeakyReLU(0.1), nn.Linear(6, 2))
    X = np.random.default_rng(11).uniform(size=(1500, 3))
    _train(net, X)
    assert net[1].num_batches_tracked > 0 and not torch.allclose(net[1].running_mean, torch.zeros(8))
    got = _read_like_torch(net, X, [("0", 8, "relu"), ("3", 6, "leaky_relu")])
    assert [h.aliases for h in activation_reader(net).layers] == [("2",), ("6",)]
    with torch.no_grad():
        h1 = net[2](net[1](net[0](torch.tensor(X, dtype=torch.float32))))
        h2 = net[6](net[5](net[4](net[3](h1))))
    np.testing.assert_array_equal(got[0], h1.double().numpy())
    np.testing.assert_array_equal(got[1], h2.double().numpy())
    # ... which is the activation of the per-unit affine map of the running statistics.
    z = X @ net[0].weight.detach().double().numpy().T + net[0].bias.detach().double().numpy()
    bn = {k: v.detach().double().numpy() for k, v in net[1].state_dict().items() if k != "num_batches_tracked"}
    normalised = (z - bn["running_mean"]) / np.sqrt(bn["running_var"] + net[1].eps)
    by_hand = np.maximum(normalised * bn["weight"] + bn["bias"], 0)
    np.testing.assert_allclose(got[0], by_hand, rtol=1e-5, atol=1e-5)
    net.train()  # read in eval mode all the same, and the training flags are given back
    np.testing.assert_array_equal(activation_reader(net).read(X)[1], got[1])
    assert net.training and net[1].training
    net.eval()
    rules = sd.distill(net, X, form="rules", method="decompositional", max_size=6, random_state=0, n_samples=3000)
    assert _fidelity(rules, net, np.random.default_rng(12).uniform(size=(3000, 3))) > 0.97
    onnx = pytest.importorskip("onnx")
    ops = [n.op_type for n in onnx.load_from_string(onnx_bytes(net, 3, opset_version=17, dynamo=False)).graph.node]
    assert ops.count("BatchNormalization") == 2  # what the old exporter leaves, read above


def test_onnx_batch_normalization_between_matmul_add_and_its_activation() -> None:
    """A hand-written graph: MatMul + Add -> BatchNormalization (its scale given through an Identity,
    as the old exporter shares equal initializers) -> Relu is a hidden layer; one in training mode
    is not, and is named in the warning."""
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper, numpy_helper

    W = np.array([[1.0, -1.0, 2.0], [0.5, 0.0, -1.0]], dtype=np.float32)  # (in, out)
    b = np.array([0.0, 0.5, -0.5], dtype=np.float32)
    scale, shift = np.array([2.0, 1.0, 0.5], np.float32), np.array([0.1, -0.2, 0.3], np.float32)
    mean, var = np.array([0.5, -0.5, 0.0], np.float32), np.array([4.0, 1.0, 0.25], np.float32)
    inits = [numpy_helper.from_array(v, n) for v, n in ((W, "fc.weight"), (b, "fc.bias"), (scale, "bn.shared"),
                                                        (shift, "bn.bias"), (mean, "bn.mean"), (var, "bn.var"))]

    def graph(training: int) -> object:
        nodes = [helper.make_node("MatMul", ["x", "fc.weight"], ["m"]),
                 helper.make_node("Add", ["m", "fc.bias"], ["z"]),
                 helper.make_node("Identity", ["bn.shared"], ["bn.weight"]),
                 helper.make_node("BatchNormalization", ["z", "bn.weight", "bn.bias", "bn.mean", "bn.var"], ["n"],
                                  name="bn", epsilon=1e-5, training_mode=training),
                 helper.make_node("Relu", ["n"], ["h"]), helper.make_node("ReduceSum", ["h"], ["y"], keepdims=1)]
        g = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 1])], inits)
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", 15)])

    X = np.random.default_rng(4).normal(size=(20, 2))
    with pytest.warns(UserWarning, match=_ONLY_REDUCESUM_UNREAD):
        reader = activation_reader(graph(0))
    assert [(h.name, h.width, h.activation) for h in reader.layers] == [("fc", 3, "relu")]
    z = X.astype(np.float32) @ W + b
    np.testing.assert_allclose(reader.read(X)[0], np.maximum((z - mean) / np.sqrt(var + 1e-5) * scale + shift, 0),
                               atol=1e-5)
    with pytest.raises(UnsupportedModelError, match="no Gemm or MatMul \\(\\+ Add\\) followed by an activation"):
        activation_reader(graph(1))


def test_onnx_softplus_arithmetic_is_matched_with_its_constants() -> None:
    """``Softplus(2 * z) / 2`` is torch's Softplus with beta 2, as the old exporter writes it;
    ``Softplus(2 * z) / 3`` is some other function, through which no layer is read."""
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper, numpy_helper

    inits = [numpy_helper.from_array(np.ones((3, 2), np.float32), "fc.weight"),
             numpy_helper.from_array(np.array(2.0, np.float32), "two"),
             numpy_helper.from_array(np.array(3.0, np.float32), "three")]

    def model(divisor: str) -> object:
        nodes = [helper.make_node("Gemm", ["x", "fc.weight"], ["z"], transB=1),
                 helper.make_node("Mul", ["z", "two"], ["s"]), helper.make_node("Softplus", ["s"], ["p"]),
                 helper.make_node("Div", ["p", divisor], ["h"]),
                 helper.make_node("ReduceSum", ["h"], ["y"], keepdims=1)]
        g = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 1])], inits)
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])

    X = np.random.default_rng(0).normal(size=(5, 2))
    with pytest.warns(UserWarning, match=_ONLY_REDUCESUM_UNREAD):
        reader = activation_reader(model("two"))
    assert [(h.name, h.width, h.activation) for h in reader.layers] == [("fc", 3, "softplus")]
    z = X.sum(axis=1, keepdims=True).repeat(3, axis=1)
    np.testing.assert_allclose(reader.read(X)[0], np.log1p(np.exp(2 * z)) / 2, rtol=1e-5)
    with pytest.raises(UnsupportedModelError, match="has no Gemm"):
        activation_reader(model("three"))


def test_normalisations_that_are_not_per_unit_are_refused_with_why() -> None:
    """LayerNorm mixes a layer's units, and a BatchNorm1d without running statistics normalises
    over the batch even in eval mode: neither block is a hidden layer, and the error says why."""
    for norm, why in ((nn.LayerNorm(8), "LayerNorm normalises each row over all of a layer's units"),
                      (nn.BatchNorm1d(8, track_running_stats=False), "without running statistics normalises over "
                                                                      "the batch")):
        net = nn.Sequential(nn.Linear(3, 8), norm, nn.ReLU(), nn.Linear(8, 2)).eval()
        with pytest.raises(UnsupportedModelError, match=f"followed by an activation module; .*{why}"):
            activation_reader(net)


@pytest.mark.parametrize("alpha, read", [(1.0, True), (2.0, False)])
def test_onnx_swish_node_is_a_silu_when_alpha_is_one(alpha: float, read: bool) -> None:
    """The Swish operator (opset 24) computes ``x * sigmoid(alpha * x)``: SiLU when alpha is 1."""
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper, numpy_helper

    W = numpy_helper.from_array(np.array([[1.0, 1.0], [1.0, -1.0], [0.0, 2.0]], dtype=np.float32), "fc.weight")
    V = numpy_helper.from_array(np.ones((1, 3), dtype=np.float32), "out.weight")
    g = helper.make_graph([helper.make_node("Gemm", ["x", "fc.weight"], ["z"], transB=1),
                           helper.make_node("Swish", ["z"], ["a"], alpha=alpha),
                           helper.make_node("Gemm", ["a", "out.weight"], ["y"], transB=1)], "mlp",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 1])], [W, V])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 24)])
    if not read:
        with pytest.raises(UnsupportedModelError, match="has no Gemm"):
            activation_reader(model)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = activation_reader(model)
    assert [(h.name, h.width, h.activation) for h in reader.layers] == [("fc", 3, "silu")]
    X = np.random.default_rng(0).normal(size=(6, 2))
    z = X @ np.array([[1.0, 1.0], [1.0, -1.0], [0.0, 2.0]]).T
    np.testing.assert_allclose(reader.read(X)[0], z / (1 + np.exp(-z)), rtol=1e-5, atol=1e-6)
