"""Read the hidden activations of a network: the input of decompositional extraction.

A *hidden layer* here is a fully connected layer followed by an element-wise activation, possibly
with a per-unit affine map between them (a batch normalisation at inference); its activations are
the activation's outputs, one column per unit. The output layer's activation (a final
``nn.Sigmoid``, whose output is the network's, up to shape) is not a hidden layer: it is the
prediction itself. Three kinds of network are read:

* torch modules: ``nn.Linear`` modules each followed by an activation module (``nn.ReLU``,
  ``nn.Sigmoid``, ``nn.Tanh``, ``nn.GELU``, ``nn.LeakyReLU`` with any slope, ``nn.ELU``,
  ``nn.SiLU``, ``nn.Softplus``), in an ``nn.Sequential`` or as named submodules of a module whose
  ``forward`` calls them; an ``nn.Dropout`` or ``nn.Identity`` between a layer and its activation
  (an identity in eval mode) is read through, as an ONNX Dropout or Identity node is. An
  ``nn.BatchNorm1d`` between them (Linear -> BatchNorm1d -> activation) is read as it runs in eval
  mode, with its running statistics: ``x -> (x - mean) / sqrt(var + eps) * weight + bias``, unit by
  unit. A normalisation that mixes a layer's units (``nn.LayerNorm``, ``nn.RMSNorm``,
  ``nn.GroupNorm``), or a BatchNorm1d without running statistics (it normalises over the batch even
  in eval mode), is not per-unit: such a block is not a hidden layer, and the warning (or the error,
  when no layer is left) says why. The structure is found by tracing one forward pass (which module
  runs after which, on which tensor), so a shared activation module (``self.act`` used after every
  layer) works too; activations written as functions (``F.relu``) are invisible and unsupported.
* ONNX MLP graphs: ``Gemm``, or ``MatMul`` + ``Add`` (or a ``MatMul`` alone: no bias), followed by
  ``Relu``, ``Sigmoid``, ``Tanh``, ``Gelu``, ``LeakyRelu``, ``Elu``, ``Softplus`` or ``Swish`` (with
  alpha 1), or by an activation
  written as arithmetic, as exporters write it: SiLU as ``x * Sigmoid(x)``; torch's Softplus with
  ``beta != 1`` as ``Softplus(beta * x) / beta``, and by the dynamo exporter with its threshold as
  ``Where(beta * x > threshold, x, ...)``; GELU below opset 20 as the exact
  ``x * 0.5 * (1 + Erf(x / sqrt(2)))`` or the tanh approximation ``x * 0.5 * (1 + Tanh(sqrt(2 / pi)
  * (x + 0.044715 * x^3)))``; each matched node by node with every constant checked. A
  ``BatchNormalization`` at inference (constant scale, bias, mean and variance, one per unit)
  between the linear map and the activation is read through; the old exporter
  (``dynamo=False``) leaves one there, the dynamo exporter folds it into the Gemm. The activation
  tensors are added as graph outputs (with the ``onnx`` package) and the amended graph is run by
  onnxruntime, so the activations include whatever the graph computes before them. Input
  preprocessing in the graph (``(x - mean) / std`` as Sub, Add, Mul and Div by constants, or an
  ai.onnx.ml ``Scaler``) is read as the first layer's input map ``x -> scale * x + shift``
  (``OnnxActivations.input_map``).
* fitted scikit-learn ``MLPClassifier`` (and ``MLPRegressor``), alone or as the last step of a
  ``Pipeline`` whose earlier steps transform the rows (``SklearnActivations``): each hidden layer is
  computed from ``coefs_`` and ``intercepts_`` with the estimator's activation (relu, logistic,
  tanh or identity), on the rows as the estimator takes them (a DataFrame for a ColumnTransformer).

Layers are named after their linear layer: the torch module's qualified name (``"1"`` in a
Sequential, ``"encoder.fc1"``, ``"concepts"``), or for ONNX the weight initializer's name without
``.weight`` (exporters keep the torch names, so one network reads the same either way; a weight
named otherwise gives the node's name, or the weight's when the node has none); a scikit-learn
MLP's are ``hidden_0``, ``hidden_1``, ... A layer is
chosen by that name, by the name of its activation module or ONNX node, or by its position among
the hidden layers (``0`` first, ``-1`` last). Reads are batched. Modules or ONNX nodes that are not
read (normalisation other than that per-unit one, convolution, other activations, but not shape
plumbing, dropout, linear maps or an output softmax) are named in a warning, as is a torch Linear whose
output an operation in ``forward`` changes before its activation module (``relu(fc(x) * 2)``) or
before the next Linear (``fc2(torch.tanh(fc1(x)))``: an activation written as a function).

``HiddenLayer.activation`` names the kind: ``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"gelu"``,
``"leaky_relu"``, ``"elu"``, ``"silu"``, ``"softplus"`` or (a scikit-learn MLP's) ``"identity"``. It labels the layer and nothing more: the
rules threshold the values read, whatever their range (negative ones too, for LeakyReLU, ELU, SiLU
and GELU), and a concept layer's domain is the range the values take on the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .._errors import TeacherError, counted, exception_text, require_extra, warn
from .base import Teacher, check_batch_size, model_file, refuse_number_text
from .onnx import batch_axis_problem, input_rows
from .sklearn import fitted_rows
from .torch import TORCH_SAVE, eval_mode, forward_hint, rows_tensor, written_by_torch_save

SUPPORTED = (
    "torch modules built from nn.Linear layers each followed by an activation module (nn.ReLU, "
    "nn.Sigmoid, nn.Tanh, nn.GELU, nn.LeakyReLU, nn.ELU, nn.SiLU, nn.Softplus), possibly through an "
    "nn.BatchNorm1d with running statistics, in an nn.Sequential or as named submodules called in forward; "
    "ONNX MLP graphs (Gemm or MatMul (+ Add), possibly through a BatchNormalization, followed by Relu, "
    "Sigmoid, Tanh, Gelu, LeakyRelu, Elu, Softplus, SiLU as Sigmoid + Mul, or GELU written with Erf or "
    "Tanh) given as a path, bytes or onnx.ModelProto; fitted scikit-learn MLPClassifier, alone or last in a "
    "Pipeline"
)


# Why a TorchScript module (or file) is not read, and what to give instead.
_GIVE = ("pass the Python nn.Module (on the command line --teacher module:attribute) or the network exported "
         "to ONNX (an .onnx file)")
_SCRIPTED = f"TorchScript modules cannot be hooked; {_GIVE}"


class UnsupportedModelError(TypeError):
    """The network's structure gives no hidden activations that symdistill can read."""


@dataclass(frozen=True)
class HiddenLayer:
    """One readable hidden layer: its name, position, number of units and activation."""

    name: str
    index: int
    width: int
    activation: str
    aliases: tuple[str, ...] = ()

    def unit_names(self) -> list[str]:
        """Default unit names, ``<layer>[<unit>]``."""
        return [f"{self.name}[{i}]" for i in range(self.width)]


class ActivationReader:
    """Base of the readers: ``layers`` lists the hidden layers, ``read`` returns their activations."""

    layers: tuple[HiddenLayer, ...]
    batch_size: int
    # Modules of the network that are not hidden layers, by name, and why (the output layer): said when asked for.
    unread: dict[str, str] = {}

    def layer(self, key: str | int) -> HiddenLayer:
        """The hidden layer named ``key`` (a layer or activation name), or at position ``key``.

        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
        >>> activation_reader(net).layer(-1).name
        '0'
        """
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            n, p = len(self.layers), int(key)
            # A position written like a module's name (layer 1 of a Sequential, whose module '1' is the
            # first layer's ReLU) could mean either: refused rather than guessed.
            named = self._named(str(p))
            as_text = f"give the name as text (layer='{p}'; on the command line --option 'layer=\"{p}\"')"
            if not -n <= p < n:
                hint = f"; '{p}' names layer {named.name!r}: {as_text}" if named is not None else ""
                raise ValueError(f"layer index {p} out of range: the network has {counted(n, 'hidden layer')} "
                                 f"({', '.join(repr(h.name) for h in self.layers)}){hint}")
            if named is not None and named is not self.layers[p]:
                raise ValueError(f"layer {p} is ambiguous: position {p} is layer {self.layers[p].name!r}, but '{p}' "
                                 f"names layer {named.name!r}; {as_text}, or the position as {p - n if p >= 0 else p + n}")
            return self.layers[p]
        if not isinstance(key, str):
            raise TypeError(f"layer must be a layer name or an integer position, got {type(key).__name__}")
        named = self._named(key)
        if named is not None:
            return named
        why = f"; {key!r} is no hidden layer: {self.unread[key]}" if key in self.unread else ""
        raise ValueError(f"unknown layer {key!r}; hidden layers are "
                         f"{', '.join(repr(h.name) for h in self.layers)} (or their positions 0..{len(self.layers) - 1})"
                         f"{why}")

    def _named(self, name: str) -> HiddenLayer | None:
        """The hidden layer called ``name`` (its linear layer's or its activation's name), if any; a
        name of several layers (an ONNX graph applying one weight twice) is refused as ambiguous."""
        found = [h for h in self.layers if name == h.name or name in h.aliases]
        if len(found) > 1:
            nodes = [repr(h.aliases[0]) for h in found if h.aliases]
            by = f" or by its node name ({', '.join(nodes)})" if len(nodes) == len(found) else ""
            raise ValueError(f"layer {name!r} is ambiguous: it names the layers at positions "
                             f"{', '.join(str(h.index) for h in found[:-1])} and {found[-1].index} (one weight applied "
                             f"{len(found)} times); choose one by position{by}")
        return found[0] if found else None

    def read(self, X: Any, layers: Sequence[str | int | HiddenLayer] | None = None) -> list[np.ndarray]:
        """Activations ``(n, width)`` of the given layers (all when None), in the order asked: names,
        positions (see ``layer``) or this reader's ``HiddenLayer``s."""
        chosen = list(self.layers) if layers is None else [k if isinstance(k, HiddenLayer) else self.layer(k)
                                                           for k in layers]
        refuse_number_text(X, "hidden activations are read from rows of numbers")
        arr = np.asarray(X, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError(f"expected rows as a 2-D array, got shape {arr.shape}")
        parts: list[list[np.ndarray]] = [[] for _ in chosen]
        for s in range(0, max(len(arr), 1), self.batch_size):
            got = self._read_batch(arr[s:s + self.batch_size], [h.index for h in chosen])
            for p, a in zip(parts, got):
                p.append(a)
        return [np.concatenate(p, axis=0) if p else np.empty((0, h.width)) for p, h in zip(parts, chosen)]

    def _read_batch(self, X: np.ndarray, indices: list[int]) -> list[np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError


# -- torch ---------------------------------------------------------------------------------------
_TORCH_ACTIVATIONS = {"ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "GELU": "gelu", "LeakyReLU": "leaky_relu",
                      "ELU": "elu", "SiLU": "silu", "Softplus": "softplus"}
# Modules (and ONNX nodes) that pass a tensor on unchanged in eval mode: one between a layer and its
# activation is skipped.
_TRANSPARENT = {"Dropout", "Identity"}
# Modules that change nothing a layer-wise reading would miss (the output layer's softmax included).
_PASSIVE = {"Dropout", "Identity", "Flatten", "Softmax", "LogSoftmax", *_TORCH_ACTIVATIONS}
# Normalisations that mix a layer's units (each row is normalised over all of them): not a per-unit
# map, so a layer normalised by one before its activation is not read.
_MIXING_NORMS = {"LayerNorm", "RMSNorm", "GroupNorm", "LayerNormalization", "RMSNormalization",
                 "GroupNormalization"}


class TorchActivations(ActivationReader):
    """Hidden activations of a torch module, read with forward hooks on its linear layers.

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    >>> r = TorchActivations(net)
    >>> [(h.name, h.width, h.activation) for h in r.layers]
    [('0', 3, 'relu')]
    >>> r.read(np.zeros((4, 2)))[0].shape
    (4, 3)
    """

    def __init__(self, module: Any, *, batch_size: int = 8192, n_features: int | None = None) -> None:
        import torch

        if not isinstance(module, torch.nn.Module):
            raise UnsupportedModelError(f"expected a torch.nn.Module, got {type(module).__name__}; supported: {SUPPORTED}")
        if isinstance(module, torch.jit.ScriptModule):
            raise UnsupportedModelError(f"cannot read hidden activations of a TorchScript module: {_SCRIPTED}; "
                                        f"supported: {SUPPORTED}")
        check_batch_size(batch_size)
        self.module = module
        self.batch_size = int(batch_size)
        self._linears: list[Any] = []
        self._pre: list[Any] = []  # the module before each activation: its Linear, or the BatchNorm1d after it
        self._acts: list[Any] = []
        self.layers = self._trace(n_features)

    def _params(self) -> tuple[Any, Any]:
        import torch

        for p in self.module.parameters():
            return p.device, p.dtype
        return torch.device("cpu"), torch.float32

    def _trace(self, n_features: int | None) -> tuple[HiddenLayer, ...]:
        """Run one forward pass and record which module runs after which, on which tensor; on rows of
        ``n_features`` (the rows' width, when known) first."""
        import torch

        leaves = {m: name for name, m in self.module.named_modules() if not list(m.children())}
        linears = [m for m in leaves if isinstance(m, torch.nn.Linear)]
        if not linears:
            raise UnsupportedModelError(f"{type(self.module).__name__} has no nn.Linear layer; supported: {SUPPORTED}")
        calls: list[tuple[Any, Any, Any]] = []

        def record(m: Any, inputs: tuple, output: Any) -> None:
            first = inputs[0] if inputs else None
            calls.append((m, first, output))

        handles = [m.register_forward_hook(record) for m in leaves]
        device, dtype = self._params()
        # The input width is the rows' when known (a convolution or a reshape may come before the first
        # linear layer), else the first layer's; modules need not be defined in the order forward calls
        # them: each linear layer's input width is tried, in the order they are defined. Tensors are
        # matched by their values (see _same), so the rows vary: on rows of zeros a bias-free layer's
        # output equals itself plus a skip connection, and a bias its clamp. Own generator: the global
        # seed is the user's.
        failures: list[tuple[int, Exception]] = []
        rng = np.random.default_rng(0)
        try:
            first = [] if n_features is None else [int(n_features)]
            for width in dict.fromkeys(first + [int(m.in_features) for m in linears]):
                calls.clear()
                try:
                    with torch.no_grad(), eval_mode(self.module):
                        final = self.module(torch.as_tensor(rng.uniform(size=(8, width)), device=device, dtype=dtype))
                    break
                except Exception as exc:
                    failures.append((width, exc))
            else:
                width, exc = failures[0]
                guessed = "" if n_features is not None else \
                    "; that width was read off its linear layers (n_features= gives the rows' width)"
                raise UnsupportedModelError(
                    f"tracing {type(self.module).__name__} on rows of {width} features failed "
                    f"({type(exc).__name__}: {exc}){guessed}; supported: {SUPPORTED}") from None
        finally:
            for h in handles:
                h.remove()
        counts: dict[Any, int] = {}
        for m, _, _ in calls:
            counts[m] = counts.get(m, 0) + 1
        layers: list[HiddenLayer] = []
        output_layers: list[str] = []
        # linear layers applied to more than rows x features (a sequence's positions), or called more than once,
        # and why: named in the warning; and the output layer, which it leaves out (both named when asked for)
        not_rows: dict[str, str] = {}
        quiet: dict[str, str] = {}
        for p, (m, _, out) in enumerate(calls):
            if not isinstance(m, torch.nn.Linear):
                continue
            if counts[m] != 1:  # one module, several layers of the computation: hooks cannot tell them apart
                not_rows[leaves[m]] = f"Linear called {counts[m]} times in forward, not one hidden layer"
                continue
            q = _skip_transparent(calls, p + 1, out)
            pre, pre_out = m, out  # the module whose output the activation takes, and that output
            if q < len(calls) and _per_unit_norm(calls[q][0]) and counts[calls[q][0]] == 1 and _same(calls[q][1], out):
                pre, pre_out = calls[q][0], calls[q][2]  # Linear -> BatchNorm1d (eval) -> activation
                q = _skip_transparent(calls, q + 1, pre_out)
            nxt, nxt_in, act_out = calls[q] if q < len(calls) else (None, None, None)
            kind = _TORCH_ACTIVATIONS.get(type(nxt).__name__)
            if kind is None:
                if _changed_into(nxt, nxt_in, pre_out):  # fc2(torch.tanh(fc1(x))): a function, unseen
                    not_rows[leaves[m]] = ("Linear followed by no activation module: an activation called as a "
                                           "function in forward, F.relu or torch.tanh, is not seen: use activation "
                                           "modules")
                elif any(isinstance(c, torch.nn.Linear) for c, _, _ in calls[p + 1:]):
                    quiet[leaves[m]] = "a Linear with no activation module after it (a linear map into the next layer)"
                else:
                    quiet[leaves[m]] = "the output layer (a Linear with no activation module after it)"
                continue
            if not _same(nxt_in, pre_out):  # relu(fc(x) * 2): the activation's input is not the layer's output
                not_rows[leaves[m]] = (f"Linear whose output is changed in forward before the next activation "
                                       f"module, {leaves[nxt]}: an operation between them is not read")
                continue
            later = calls[q + 1:]
            if _is_output(act_out, final) and not any(isinstance(c, torch.nn.Linear) for c, _, _ in later):
                output_layers.append(leaves[m])  # the output layer's activation (a final Sigmoid)
                quiet[leaves[m]] = "the output layer (its activation's output is the network's)"
                continue
            if out.dim() != 2:  # a sequence's positions (or channels): more than one row of units per row
                not_rows[leaves[m]] = f"Linear on {out.dim()}-D tensors, not one row of units per input row"
                continue
            self._pre.append(pre)
            self._linears.append(m)
            self._acts.append(nxt)
            layers.append(HiddenLayer(leaves[m], len(layers), int(m.out_features), kind, (leaves[nxt],)
                                      if counts[nxt] == 1 else ()))
        kinds = {type(m).__name__ for m, _, _ in calls} | {
            "BatchNorm1d without running statistics" for m, _, _ in calls
            if isinstance(m, torch.nn.BatchNorm1d) and not _per_unit_norm(m)}
        read = set(self._linears) | set(self._pre) | set(self._acts)
        skipped = sorted({f"{leaves[m]} ({type(m).__name__})" for m, _, _ in calls
                          if m not in read and type(m).__name__ not in _PASSIVE and not isinstance(m, torch.nn.Linear)}
                         | {f"{name} ({why})" for name, why in not_rows.items()})
        self.unread = {**quiet, **not_rows}
        if not layers:
            why = f"{_output_note(output_layers)}{_not_read(skipped)}{_norm_note(kinds)}" or (
                " (a network of linear maps only has no hidden layer: distil it with method='pedagogical'; an "
                "activation called as a function in forward, F.relu or torch.relu, is not seen: use activation "
                "modules)")
            raise UnsupportedModelError(f"{type(self.module).__name__} has no nn.Linear layer followed by an activation "
                                        f"module{why}; supported: {SUPPORTED}")
        _warn_not_read(type(self.module).__name__, "Linear", layers, skipped, _norm_note(kinds))
        return tuple(layers)

    def _read_batch(self, X: np.ndarray, indices: list[int]) -> list[np.ndarray]:
        import torch

        got: dict[int, np.ndarray] = {}

        def hook(i: int) -> Any:
            act = self._acts[i]

            def fn(m: Any, inputs: tuple, output: Any) -> None:
                # Apply the activation on a copy, so an in-place ReLU cannot change the forward pass.
                got[i] = act(output.detach().clone()).to("cpu").double().numpy()

            return fn

        handles = [self._pre[i].register_forward_hook(hook(i)) for i in set(indices)]
        device, dtype = self._params()
        try:
            with torch.no_grad(), eval_mode(self.module):
                self.module(rows_tensor(X, dtype, device))
        except TeacherError:
            raise
        except Exception as exc:  # told as the teacher tells it (rows of another width: the columns it takes)
            raise TeacherError(f"torch {type(self.module).__name__} raised {type(exc).__name__} on a batch of "
                               f"{counted(len(X), 'row')}: {exception_text(exc)}"
                               f"{forward_hint(self.module, dtype, device, exc, X)}") from exc
        finally:
            for h in handles:
                h.remove()
        return [got[i] for i in indices]


def _warn_not_read(owner: str, linear: str, layers: Sequence[HiddenLayer], skipped: Sequence[str],
                   note: str) -> None:
    """Warn that the parts ``skipped`` of a network are not read (nothing when there are none);
    ``note`` (from :func:`_norm_note`) says why a normalisation is not."""
    if skipped:
        warn(f"{owner}: hidden layers are read where a {linear} is followed by an activation "
             f"({', '.join(h.name for h in layers)}){_not_read(skipped)}: "
             f"the rules are read from the layers listed{note}")


def _not_read(skipped: Sequence[str]) -> str:
    """``"; a, b not read"`` for the parts ``skipped`` of a network (the first few, then a count), or
    nothing when there are none."""
    if not skipped:
        return ""
    shown = list(skipped[:_NAMED]) + ([f"{len(skipped) - _NAMED} more"] if len(skipped) > _NAMED else [])
    return f"; {', '.join(shown)} not read"


def _norm_note(kinds: set[str]) -> str:
    """Why the normalisations among ``kinds`` (module or ONNX node types) are not read, if any is."""
    mixing = sorted(kinds & _MIXING_NORMS)
    why = [f"{'/'.join(mixing)} normalises each row over all of a layer's units, mixing them"] if mixing else []
    if "BatchNorm1d without running statistics" in kinds:
        why.append("a BatchNorm1d without running statistics normalises over the batch")
    if not why:
        return ""
    return (f"; {' and '.join(why)}, so a layer normalised that way before its activation is not read as a "
            "hidden layer (a BatchNorm1d in eval mode with running statistics is: it maps each unit on its own)")


def _skip_transparent(calls: Sequence[tuple[Any, Any, Any]], q: int, out: Any) -> int:
    """The first traced call from ``q`` on that is not a Dropout or Identity (in eval mode) passing
    ``out`` on unchanged."""
    while q < len(calls) and type(calls[q][0]).__name__ in _TRANSPARENT and _same(calls[q][1], out) \
            and _same(calls[q][2], out):
        q += 1
    return q


def _changed_into(nxt: Any, nxt_in: Any, out: Any) -> bool:
    """Whether the traced module ``nxt``, a Linear or a Dropout or Identity, takes a tensor of the
    shape of a Linear's output ``out`` but other values: a function in ``forward`` (an activation
    written as ``F.relu``) changed it on the way. A Linear straight into the next (a linear
    bottleneck) or one whose output goes elsewhere (a tensor of another shape) is not so changed."""
    import torch

    return (isinstance(nxt, torch.nn.Linear) or type(nxt).__name__ in _TRANSPARENT) and \
        isinstance(nxt_in, torch.Tensor) and nxt_in.shape == out.shape and not _same(nxt_in, out)


def _per_unit_norm(module: Any) -> bool:
    """Whether ``module`` is a BatchNorm1d that, in eval mode, maps each unit on its own
    (``x -> (x - running_mean) / sqrt(running_var + eps) * weight + bias``): one with running
    statistics. Without them it normalises over the batch even in eval mode."""
    import torch

    return isinstance(module, torch.nn.BatchNorm1d) and module.track_running_stats and module.running_mean is not None


def _same(tensor: Any, out: Any) -> bool:
    """Whether a traced module's input or output is the tensor ``out``: the same object (an in-place
    activation may have overwritten its values since), or the same values."""
    import torch

    return isinstance(tensor, torch.Tensor) and tensor.shape == out.shape and (
        tensor is out or torch.equal(tensor, out))


def _is_output(activation: Any, final: Any) -> bool:
    """Whether a traced activation's output is the module's output (its first one), up to shape."""
    import torch

    if isinstance(final, (tuple, list)) and final:
        final = final[0]
    if activation is final:
        return True
    return (isinstance(activation, torch.Tensor) and isinstance(final, torch.Tensor)
            and activation.numel() == final.numel() and torch.equal(activation.reshape(-1), final.reshape(-1)))


def _output_note(output_layers: Sequence[str]) -> str:
    """Why a network whose only activated linear layer is its output layer has no hidden layer."""
    if not output_layers:
        return ""
    return (f" (layer {output_layers[-1]!r} is the output layer: its activation is the network's output, not a "
            "hidden layer; a network without hidden layers is distilled with method='pedagogical')")


_NAMED = 12  # parts named in that warning; a graph of many unread nodes gets a count of the rest


# -- ONNX -----------------------------------------------------------------------------------------
_ONNX_ACTIVATIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Gelu": "gelu", "LeakyRelu": "leaky_relu",
                     "Elu": "elu", "Softplus": "softplus"}
# Nodes that pass a tensor on with its values unchanged: an activation so passed to a graph output is
# the output layer's, not a hidden layer's.
_ONNX_SHAPE = {"Identity", "Cast", "Reshape", "Flatten", "Squeeze", "Unsqueeze"}
# Nodes that change nothing a layer-wise reading would miss, like the torch reader's passive modules:
# shape plumbing, linear maps (an input map, the output layer), activations that follow no linear
# map, and the output's softmax or label. A MatMul's bias Add is one of them too (see _passive).
_ONNX_PASSIVE = {"Identity", "Constant", "Cast", "CastLike", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Shape",
                 "Size", "Gather", "Slice", "Concat", "ConstantOfShape", "Dropout", "Gemm", "MatMul", "Softmax",
                 "LogSoftmax", "ArgMax", "ZipMap", *_ONNX_ACTIVATIONS}


class OnnxActivations(ActivationReader):
    """Hidden activations of an ONNX MLP graph, exposed as extra graph outputs and run by onnxruntime.

    >>> import onnx
    >>> from onnx import helper, TensorProto, numpy_helper
    >>> W = numpy_helper.from_array(np.ones((3, 2), dtype=np.float32), "fc.weight")
    >>> b = numpy_helper.from_array(np.zeros(3, dtype=np.float32), "fc.bias")
    >>> V = numpy_helper.from_array(np.ones((1, 3), dtype=np.float32), "out.weight")
    >>> g = helper.make_graph([helper.make_node("Gemm", ["x", "fc.weight", "fc.bias"], ["h"], transB=1),
    ...                        helper.make_node("Relu", ["h"], ["a"]),
    ...                        helper.make_node("Gemm", ["a", "out.weight"], ["y"], transB=1)], "mlp",
    ...                       [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 2])],
    ...                       [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 1])], [W, b, V])
    >>> r = OnnxActivations(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]))
    >>> r.layers[0].name, r.read(np.array([[1.0, -3.0]]))[0].tolist()
    ('fc', [[0.0, 0.0, 0.0]])

    ``input_map`` is ``(scale, shift)``, one value per feature, when the graph maps its input feature
    by feature before the first layer (standardisation: Sub, Add, Mul, Div by constants in any order
    and count, or an ai.onnx.ml Scaler), else None. The first layer then computes
    ``W @ (scale * x + shift) + b``: its weights over the raw inputs are ``W * scale`` (column-wise)
    and its bias ``b + W @ shift``. Those nodes are read, not named in the warning; any other node
    before the first layer (an operand that is not a constant, a broadcast that is not one value per
    feature, a Div by zero) is named.

    >>> r.input_map is None
    True
    """

    def __init__(self, model: Any, *, batch_size: int = 8192) -> None:
        if isinstance(model, (str, Path)):
            model_file(model, "ONNX model")  # a mistyped path is named as such, not as a missing package
        onnx, onnxruntime = _onnx_packages()  # both named, with their extra, before anything is read
        check_batch_size(batch_size)
        self.batch_size = int(batch_size)
        proto = _load_onnx(model)
        graph = proto.graph
        inits = {t.name: t for t in graph.initializer}
        consumers: dict[str, list[Any]] = {}
        for node in graph.node:
            for name in node.input:
                consumers.setdefault(name, []).append(node)
        producers = {out: node for node in graph.node for out in node.output}
        layers: list[HiddenLayer] = []
        self._outputs: list[str] = []
        constants = _onnx_constants(graph)
        outputs = {o.name for o in graph.output}
        arithmetic = _Arithmetic(producers, consumers, constants, outputs)
        read: set[tuple[str, ...]] = set()
        first_rows: str | None = None
        output_layers: list[str] = []
        for node in graph.node:
            matched = arithmetic.activation(node)
            if matched is None:
                continue
            kind, act, pre, nodes = matched
            readers = [n for n in nodes if pre in n.input]
            via, norm = _before_activation(pre, readers, producers, consumers, constants)
            found = _linear_before(via, producers, inits)
            if found is None:
                continue
            read.update(tuple(n.output) for n in [*nodes, *norm])
            weight_name, width, linear_name, rows = found
            name = weight_name[: -len(".weight")] if weight_name.endswith(".weight") else linear_name or weight_name
            if _is_graph_output(act.output[0], consumers, outputs):
                output_layers.append(name)  # the output layer's activation (a final Sigmoid)
                continue
            if not layers:
                first_rows = rows
            aliases = tuple(a for a in (linear_name, act.name, act.output[0]) if a and a != name)
            layers.append(HiddenLayer(name, len(layers), width, kind, aliases))
            self._outputs.append(act.output[0])
        if not layers:
            raise UnsupportedModelError(
                f"the ONNX graph {graph.name!r} has no Gemm or MatMul (+ Add) followed by an activation"
                f"{_output_note(output_layers)}{_not_read(_unread(graph, read, producers, constants))}"
                f"{_norm_note({n.op_type for n in graph.node})}; "
                f"supported: {SUPPORTED}")
        if len(graph.input) - len([i for i in graph.input if i.name in inits]) != 1:
            raise UnsupportedModelError(f"the ONNX graph {graph.name!r} needs exactly one input (rows x features)")
        existing = {o.name for o in graph.output}
        for out in self._outputs:
            if out not in existing:  # untyped: onnxruntime infers it (float, or double in a float64 graph)
                graph.output.append(onnx.helper.make_empty_tensor_value_info(out))
        self.session = onnxruntime.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
        self._input = next(i for i in self.session.get_inputs())
        problem = batch_axis_problem(self._input, self.batch_size)
        if problem:
            raise UnsupportedModelError(f"the ONNX graph {graph.name!r}: {problem}")
        widths = self._probe()
        self.layers = tuple(HiddenLayer(h.name, h.index, w, h.activation, h.aliases) for h, w in zip(layers, widths))
        self.input_map: tuple[np.ndarray, np.ndarray] | None = None
        if first_rows is not None:
            found_map = _input_affine(first_rows, self._input.name, self.n_features, producers, constants)
            if found_map is not None:
                self.input_map = found_map[0]
                read.update(tuple(n.output) for n in found_map[1])
        _warn_not_read(f"the ONNX graph {graph.name!r}", "Gemm or MatMul (+ Add)", self.layers,
                       _unread(graph, read, producers, constants),
                       _norm_note({n.op_type for n in graph.node}))

    def _probe(self) -> list[int]:
        """Widths as the graph computes them (a MatMul's weight may not be an initializer)."""
        shape = self._input.shape
        d = shape[1] if len(shape) == 2 and isinstance(shape[1], int) else None
        if d is None:
            raise UnsupportedModelError(f"the ONNX input {self._input.name!r} should be 2-D (rows x features) with "
                                        f"a fixed number of features, got shape {shape}")
        self.n_features = d
        return [a.shape[1] for a in self._read_batch(np.zeros((1, d)), list(range(len(self._outputs))))]

    def _read_batch(self, X: np.ndarray, indices: list[int]) -> list[np.ndarray]:
        names = [self._outputs[i] for i in indices]
        out = self.session.run(names, {self._input.name: input_rows(X, self._input)})
        return [np.asarray(a, dtype=np.float64).reshape(len(X), -1) for a in out]


def _onnx_packages() -> tuple[Any, Any]:
    """The onnx and onnxruntime modules, which reading an ONNX graph's hidden layers takes both of."""
    why = "reading the hidden layers of an ONNX network needs onnx and onnxruntime"
    return require_extra("onnx", why, "onnx"), require_extra("onnxruntime", why, "onnx")


def _load_onnx(model: Any) -> Any:
    onnx = _onnx_packages()[0]

    if isinstance(model, onnx.ModelProto):
        proto = onnx.ModelProto()
        proto.CopyFrom(model)
        return proto
    if isinstance(model, (bytes, bytearray)):
        what, load = f"the {len(model)} bytes given", lambda: onnx.load_from_string(bytes(model))
    elif isinstance(model, (str, Path)):
        model_file(model, "ONNX model")
        what, load = Path(model).name, lambda: onnx.load(str(model))
    else:
        raise UnsupportedModelError(f"cannot read the graph of a {type(model).__name__}; supported: {SUPPORTED}")
    try:
        return load()
    except Exception as exc:
        raise TeacherError(f"onnx cannot read {what} as an ONNX model: {type(exc).__name__}: {exc}") from None


def _linear_before(node: Any, producers: dict[str, Any],
                   inits: dict[str, Any]) -> tuple[str, int, str, str | None] | None:
    """``(weight name, width or -1, node name, rows)`` when ``node`` is the affine map of a dense
    layer: a Gemm, a MatMul + Add of a constant bias, or a MatMul by a constant matrix alone (a layer
    without bias) (other nodes may read its output too, as torch modules may: the activation of it is
    the layer's); ``rows`` is the tensor of rows it maps (None for a Gemm that transposes them)."""
    from onnx import numpy_helper

    if node is None:
        return None
    if node.op_type == "Gemm" and len(node.input) >= 2:
        attrs = {a.name: a.i for a in node.attribute if a.name in ("transA", "transB")}
        rows = None if attrs.get("transA", 0) else node.input[0]
        w = inits.get(node.input[1])
        if w is None:
            return node.input[1], -1, node.name, rows
        shape = numpy_helper.to_array(w).shape
        return w.name, int(shape[0] if attrs.get("transB", 0) else shape[1]), node.name, rows
    if node.op_type == "Add":
        for i, j in ((0, 1), (1, 0)):
            mm = producers.get(node.input[i])
            if mm is not None and mm.op_type == "MatMul" and node.input[j] in inits:
                w = inits.get(mm.input[1])
                width = int(numpy_helper.to_array(w).shape[-1]) if w is not None else -1
                return mm.input[1], width, mm.name or node.name, mm.input[0]
    if node.op_type == "MatMul" and len(node.input) == 2:  # a layer without bias (the old exporter's bias=False)
        w = inits.get(node.input[1])
        if w is not None and len(w.dims) == 2:
            return w.name, int(w.dims[1]), node.name, node.input[0]
    return None


def _before_activation(pre: str, readers: list[Any], producers: dict[str, Any], consumers: dict[str, list[Any]],
                       constants: dict[str, np.ndarray]) -> tuple[Any, list[Any]]:
    """``(node, normalisation)``: the node making the activation's input ``pre`` (read by the
    activation's nodes ``readers``) once Identity and Dropout nodes (identities at inference) and at
    most one inference BatchNormalization, each read by the next alone, are passed, and the
    BatchNormalization passed (a list of zero or one node)."""
    via = producers.get(pre)
    norm: list[Any] = []
    while via is not None and _read_only_by(pre, readers, consumers):
        if via.op_type in _TRANSPARENT and len(via.input) <= 2:
            pass
        elif not norm and _per_unit_batch_norm(via, constants):
            norm.append(via)
        else:
            break
        readers, pre, via = [via], via.input[0], producers.get(via.input[0])
    return via, norm


def _per_unit_batch_norm(node: Any, constants: dict[str, np.ndarray]) -> bool:
    """Whether ``node`` is a BatchNormalization at inference (running statistics, one output)
    whose scale, bias, mean and variance are constants with one value per unit."""
    if node.op_type != "BatchNormalization" or node.domain not in ("", "ai.onnx") or len(node.input) != 5:
        return False
    if any(node.output[1:]) or any(a.name == "training_mode" and a.i for a in node.attribute):
        return False
    params = [constants.get(name) for name in node.input[1:]]
    return all(v is not None and v.ndim == 1 and v.size == params[0].size for v in params)


def _read_only_by(name: str, readers: list[Any], consumers: dict[str, list[Any]]) -> bool:
    """Whether the nodes reading the tensor ``name`` are exactly ``readers``."""
    return {tuple(n.output) for n in consumers.get(name, [])} == {tuple(r.output) for r in readers}


_AFFINE_OPS = ("Sub", "Add", "Mul", "Div")


def _input_affine(rows: str, graph_input: str, d: int, producers: dict[str, Any],
                  constants: dict[str, np.ndarray]) -> tuple[tuple[np.ndarray, np.ndarray], list[Any]] | None:
    """``((scale, shift), nodes)`` when the first layer's rows ``rows`` are the graph input mapped
    feature by feature as ``x -> scale * x + shift`` by ``nodes``: a chain of Sub, Add, Mul and Div
    by constants (a Div by non-zero ones, the input as dividend) and ai.onnx.ml Scaler nodes, in
    any order. Each constant is a scalar or one value per feature (shape ``(d,)`` or ``(1, d)``);
    anything else gives None, and the nodes stay unread."""
    chain: list[Any] = []
    name = rows
    while name != graph_input:
        node = producers.get(name)
        if node is None:
            return None
        if node.domain == "ai.onnx.ml" and node.op_type == "Scaler" and len(node.input) == 1:
            chain.append(node)
            name = node.input[0]
            continue
        if node.domain not in ("", "ai.onnx") or node.op_type not in _AFFINE_OPS or len(node.input) != 2:
            return None
        operands = [n for n in node.input if n not in constants]
        if len(operands) != 1:
            return None
        chain.append(node)
        name = operands[0]
    if not chain:
        return None
    scale, shift = np.ones(d), np.zeros(d)
    for node in reversed(chain):
        if node.op_type == "Scaler":
            attrs = {a.name: np.asarray(a.floats, dtype=np.float64) for a in node.attribute}
            offset, factor = (_per_feature(attrs.get(k, np.array([v])), d) for k, v in (("offset", 0.0), ("scale", 1.0)))
            if offset is None or factor is None:
                return None
            scale, shift = scale * factor, (shift - offset) * factor
            continue
        first_is_rows = node.input[0] not in constants
        k = _per_feature(constants[node.input[1] if first_is_rows else node.input[0]], d)
        if k is None:
            return None
        if node.op_type == "Add":
            shift = shift + k
        elif node.op_type == "Sub":
            scale, shift = (scale, shift - k) if first_is_rows else (-scale, k - shift)
        elif node.op_type == "Mul":
            scale, shift = scale * k, shift * k
        elif first_is_rows and np.all(k != 0):  # Div
            scale, shift = scale / k, shift / k
        else:
            return None
    return (scale, shift), chain


def _per_feature(value: np.ndarray, d: int) -> np.ndarray | None:
    """``value`` as ``d`` finite float64 numbers when it broadcasts over rows of ``d`` features one
    value per feature (a scalar, ``(d,)`` or ``(1, d)``), else None."""
    v = np.asarray(value)
    if v.dtype.kind not in "fiu" or v.ndim > 2 or (v.ndim == 2 and v.shape[0] != 1) or v.size not in (1, d):
        return None
    out = np.broadcast_to(v.astype(np.float64).reshape(-1), (d,)).copy()
    return out if np.all(np.isfinite(out)) else None


def _is_graph_output(name: str, consumers: dict[str, list[Any]], outputs: set[str]) -> bool:
    """Whether the tensor ``name`` is the output layer's activation: a graph output, or passed to one
    by shape plumbing only, and read by no Gemm or MatMul on the way (an activation exported as a
    graph output and also read by the next layer is hidden)."""
    seen, todo, reaches = {name}, [name], False
    while todo:
        current = todo.pop()
        reaches |= current in outputs
        for node in consumers.get(current, []):
            if node.op_type in ("Gemm", "MatMul"):
                return False
            if node.op_type in _ONNX_SHAPE:
                todo.extend(out for out in node.output if out not in seen)
                seen.update(node.output)
    return reaches


def _unread(graph: Any, read: set[tuple[str, ...]], producers: dict[str, Any],
            constants: dict[str, np.ndarray]) -> list[str]:
    """The graph's nodes, ``name (op)``, that are neither ``read`` (by their outputs) nor passive."""
    return [f"{n.name or n.output[0]} ({n.op_type})" for n in graph.node
            if tuple(n.output) not in read and not _passive(n, producers, constants)]


def _passive(node: Any, producers: dict[str, Any], constants: dict[str, np.ndarray]) -> bool:
    """Whether ``node`` is one of the nodes a reading may leave unread (``_ONNX_PASSIVE``, or the
    bias Add of a MatMul)."""
    if node.op_type in _ONNX_PASSIVE:
        return True
    if node.op_type != "Add" or len(node.input) != 2:
        return False
    made = [producers.get(name) for name in node.input]
    return any(m is not None and m.op_type == "MatMul" and other in constants
               for m, other in zip(made, reversed(node.input)))


def _onnx_constants(graph: Any) -> dict[str, np.ndarray]:
    """Values of the graph's constant tensors: initializers and ``Constant`` nodes' outputs."""
    from onnx import numpy_helper

    out = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:  # in topological order, as ONNX requires
        if node.op_type == "Constant" and not node.input:
            for a in node.attribute:
                if a.name == "value":
                    out[node.output[0]] = numpy_helper.to_array(a.t)
        elif node.op_type == "Identity" and len(node.input) == 1 and node.input[0] in out:
            out[node.output[0]] = out[node.input[0]]  # how the old exporter shares equal initializers
    return out


class _Arithmetic:
    """Activations written as arithmetic nodes, matched node by node with every constant checked.

    Exporters write GELU this way below opset 20: the exact one as ``x * 0.5 * (1 + Erf(x / sqrt(2)))``,
    the tanh approximation as ``x * 0.5 * (1 + Tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))``. SiLU is
    written ``x * Sigmoid(x)``; Softplus with ``beta != 1`` as ``Softplus(beta * x) / beta``, and the
    dynamo exporter adds torch's threshold as ``Where(beta * x > threshold, x, softplus)``.
    """

    def __init__(self, producers: dict[str, Any], consumers: dict[str, list[Any]],
                 constants: dict[str, np.ndarray], outputs: set[str]) -> None:
        self.producers = producers
        self.consumers = consumers
        self.constants = constants
        self.graph_outputs = outputs

    def activation(self, node: Any) -> tuple[str, Any, str, list[Any]] | None:
        """``(kind, last node, input tensor, the activation's nodes)`` when ``node`` is the heart of
        an element-wise activation (an activation node, or the Erf, Tanh, Sigmoid or Softplus of an
        arithmetic one), else None."""
        kind = _ONNX_ACTIVATIONS.get(node.op_type)
        if not node.input:
            return None
        # A Tanh may be the heart of a tanh GELU, whose input is never a linear map's output.
        pattern = self.gelu(node) if node.op_type in ("Erf", "Tanh") else self.silu(node) \
            if node.op_type == "Sigmoid" else self.softplus(node) if node.op_type == "Softplus" else None
        if pattern is not None:
            last, x, nodes = pattern
            return {"Sigmoid": "silu", "Softplus": "softplus"}.get(node.op_type, "gelu"), last, x, nodes
        if node.op_type == "Swish" and all(a.name != "alpha" or a.f == 1.0 for a in node.attribute):
            kind = "silu"  # x * sigmoid(alpha * x), an operator since opset 24: SiLU when alpha is 1
        return (kind, node, node.input[0], [node]) if kind is not None else None

    def silu(self, sigmoid: Any) -> tuple[Any, str, list[Any]] | None:
        """``(last node, x, nodes)`` when ``sigmoid``'s output is only multiplied by its input ``x``."""
        mul = self.only_reader(sigmoid.output[0], "Mul")
        if mul is None or _other(mul, sigmoid.output[0]) != sigmoid.input[0]:
            return None
        return mul, sigmoid.input[0], [sigmoid, mul]

    def softplus(self, softplus: Any) -> tuple[Any, str, list[Any]] | None:
        """``(last node, x, nodes)`` for a Softplus of ``x`` as exporters write torch's
        ``Softplus(beta, threshold)``: ``Softplus(x * beta) / beta`` (or a bare Softplus when beta is
        1), then possibly ``Where(x * beta > threshold, x, that)``. None for a bare Softplus,
        which is read as an activation node."""
        x = z = softplus.input[0]
        last, nodes = softplus, [softplus]
        scale, div = self.producers.get(z), self.only_reader(softplus.output[0], "Div")
        if scale is not None and scale.op_type == "Mul" and len(scale.input) == 2 and div is not None \
                and div.input[0] == softplus.output[0]:
            for operand, beta in (scale.input, scale.input[::-1]):
                c = self.constants.get(beta)
                if c is not None and c.size == 1 and self.is_const(div.input[1], float(c.reshape(-1)[0])):
                    x, last, nodes = operand, div, [scale, softplus, div]
                    break
        users = self.consumers.get(last.output[0], [])
        where = users[0] if len(users) == 1 and users[0].op_type == "Where" and len(users[0].input) == 3 else None
        greater = self.producers.get(where.input[0]) if where is not None else None
        if where is None or greater is None or greater.op_type != "Greater" or list(where.input[1:]) != [
                x, last.output[0]] or greater.input[0] != z or greater.input[1] not in self.constants:
            return (last, x, nodes) if len(nodes) > 1 and self._closed(nodes, last) else None
        nodes = [*nodes, greater, where]
        return (where, x, nodes) if self._closed(nodes, where) else None

    def _closed(self, nodes: list[Any], last: Any) -> bool:
        """Whether every output of ``nodes`` but ``last``'s is read by ``nodes`` alone."""
        inside = {id(n) for n in nodes}
        return all(all(id(c) in inside for c in self.consumers.get(out, [])) and out not in self.graph_outputs
                   for n in nodes if n is not last for out in n.output)

    def gelu(self, center: Any) -> tuple[Any, str, list[Any]] | None:
        """``(last node, input tensor, the pattern's nodes)`` when ``center`` (an Erf or a Tanh) is
        the heart of a GELU: its argument computed from ``x``, plus 1, then the product of ``x``,
        0.5 and that sum as two Mul nodes in any order."""
        if len(center.input) != 1:
            return None
        head = self._erf_argument(center) if center.op_type == "Erf" else self._tanh_argument(center)
        if head is None:
            return None
        x, nodes = head
        add = self.only_reader(center.output[0], "Add")
        if add is None or not self.is_const(_other(add, center.output[0]), 1.0):
            return None
        first = self.only_reader(add.output[0], "Mul")
        if first is None:
            return None
        factor = _other(first, add.output[0])
        half = self.made_by(factor, "Mul")
        if half is not None and x in half.input and self.is_const(_other(half, x), 0.5):
            return first, x, [*nodes, center, add, half, first]  # (x * 0.5) * (1 + ...)
        rest = 0.5 if factor == x else x if self.is_const(factor, 0.5) else None
        second = self.only_reader(first.output[0], "Mul")
        if rest is None or second is None:
            return None
        last = _other(second, first.output[0])
        if (rest == 0.5 and self.is_const(last, 0.5)) or (rest == x and last == x):
            return second, x, [*nodes, center, add, first, second]
        return None

    def _erf_argument(self, erf: Any) -> tuple[str, list[Any]] | None:
        """``(x, nodes)`` when Erf's argument is ``x / sqrt(2)`` or ``x * (1 / sqrt(2))``."""
        div, mul = self.made_by(erf.input[0], "Div"), self.made_by(erf.input[0], "Mul")
        if div is not None and self.is_const(div.input[1], np.sqrt(2.0)):
            return div.input[0], [div]
        x = self.times(mul, np.sqrt(0.5)) if mul is not None else None
        return (x, [mul]) if x is not None else None

    def _tanh_argument(self, tanh: Any) -> tuple[str, list[Any]] | None:
        """``(x, nodes)`` when Tanh's argument is ``sqrt(2 / pi) * (x + 0.044715 * x^3)``, the cube
        a Pow by 3 or two Mul nodes."""
        scale = self.made_by(tanh.input[0], "Mul")
        inner = self.made_by(self.times(scale, np.sqrt(2.0 / np.pi)), "Add") if scale is not None else None
        if inner is None:
            return None
        for x, term in (inner.input, inner.input[::-1]):
            coef = self.made_by(term, "Mul")
            cubed = self.times(coef, 0.044715) if coef is not None else None
            power, product = self.made_by(cubed, "Pow"), self.made_by(cubed, "Mul")
            if power is not None and power.input[0] == x and self.is_const(power.input[1], 3.0):
                return x, [power, coef, inner, scale]
            square = self.made_by(_other(product, x), "Mul") if product is not None else None
            if square is not None and list(square.input) == [x, x]:
                return x, [square, product, coef, inner, scale]
        return None

    def is_const(self, name: str | None, value: float) -> bool:
        c = self.constants.get(name) if name is not None else None
        return c is not None and c.size == 1 and bool(np.isclose(float(c.reshape(-1)[0]), value, rtol=1e-6, atol=0))

    def times(self, mul: Any, value: float) -> str | None:
        """The other factor of ``mul`` when one of its two inputs is the constant ``value``."""
        a, b = mul.input
        return b if self.is_const(a, value) else a if self.is_const(b, value) else None

    def made_by(self, name: str | None, op: str) -> Any:
        """The two-input ``op`` node making ``name``, when nothing else reads ``name``."""
        node = self.producers.get(name) if name is not None else None
        if node is None or node.op_type != op or len(node.input) != 2 or len(self.consumers.get(name, [])) != 1:
            return None
        return node

    def only_reader(self, name: str, op: str) -> Any:
        users = self.consumers.get(name, [])
        return users[0] if len(users) == 1 and users[0].op_type == op and len(users[0].input) == 2 else None


def _other(node: Any, name: str | None) -> str | None:
    """The input of a two-input node other than ``name``."""
    a, b = node.input
    return b if a == name else a if b == name else None


# -- scikit-learn ---------------------------------------------------------------------------------
_SKLEARN_ACTIVATIONS = {"relu": "relu", "logistic": "sigmoid", "tanh": "tanh", "identity": "identity"}


class SklearnActivations(ActivationReader):
    """Hidden activations of a fitted scikit-learn ``MLPClassifier`` (or ``MLPRegressor``), alone or
    the last step of a ``Pipeline`` whose earlier steps transform the rows. Each hidden layer is
    ``activation(h @ coefs_[i] + intercepts_[i])``, as the estimator computes it; the layers are named
    ``hidden_0``, ``hidden_1``, ... in ``hidden_layer_sizes`` order.

    >>> import warnings
    >>> from sklearn.neural_network import MLPClassifier
    >>> X = np.random.default_rng(0).uniform(size=(60, 2))
    >>> with warnings.catch_warnings():  # a few iterations do not converge
    ...     warnings.simplefilter("ignore")
    ...     mlp = MLPClassifier((4, 3), activation="tanh", max_iter=5, random_state=0).fit(X, X[:, 0] > 0.5)
    >>> [(h.name, h.width, h.activation) for h in SklearnActivations(mlp).layers]
    [('hidden_0', 4, 'tanh'), ('hidden_1', 3, 'tanh')]
    """

    def __init__(self, estimator: Any, *, batch_size: int = 8192) -> None:
        from sklearn.pipeline import Pipeline

        check_batch_size(batch_size)
        self.batch_size = int(batch_size)
        self._prep = estimator[:-1] if isinstance(estimator, Pipeline) and len(estimator.steps) > 1 else None
        mlp = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
        if type(mlp).__name__ not in ("MLPClassifier", "MLPRegressor"):
            where = " as the last step of its Pipeline" if isinstance(estimator, Pipeline) else ""
            held = type(getattr(mlp, "best_estimator_", None)).__name__  # a fitted search (GridSearchCV, ...)
            hint = f"; it holds a fitted {held}: pass its best_estimator_" if held in ("MLPClassifier",
                                                                                       "MLPRegressor") else ""
            raise UnsupportedModelError(f"cannot read hidden activations of a {type(mlp).__name__}{where}{hint}; "
                                        f"supported: {SUPPORTED}")
        if not hasattr(mlp, "coefs_"):
            raise UnsupportedModelError(f"the {type(mlp).__name__} is not fitted: fit it before reading its layers")
        kind = _SKLEARN_ACTIVATIONS.get(mlp.activation)
        if kind is None:
            raise UnsupportedModelError(f"{type(mlp).__name__} activation {mlp.activation!r} is not one of "
                                        f"{sorted(_SKLEARN_ACTIVATIONS)}")
        if len(mlp.coefs_) < 2:
            raise UnsupportedModelError(f"the {type(mlp).__name__} has no hidden layer; supported: {SUPPORTED}")
        self._estimator = estimator
        self._mlp = mlp
        self._kind = mlp.activation
        self.layers = tuple(HiddenLayer(f"hidden_{i}", i, int(w.shape[1]), kind)
                            for i, w in enumerate(mlp.coefs_[:-1]))

    def read(self, X: Any, layers: Sequence[str | int | HiddenLayer] | None = None) -> list[np.ndarray]:
        """Activations of the rows ``X`` as the estimator takes them (a Pipeline's DataFrame too), handed
        over as its teacher hands them (:func:`~symdistill.teachers.sklearn.fitted_rows`): a DataFrame's
        columns in the fitted order, an array as a DataFrame of them."""
        X = fitted_rows(self._estimator, X)
        if self._prep is not None:
            X = self._prep.transform(X)
            if hasattr(X, "toarray"):  # a sparse one-hot encoding
                X = X.toarray()
        return super().read(X, layers)

    def _read_batch(self, X: np.ndarray, indices: list[int]) -> list[np.ndarray]:
        from scipy.special import expit

        width = self._mlp.coefs_[0].shape[0]
        if X.shape[1] != width:
            raise ValueError(f"the {type(self._mlp).__name__} takes rows of {width} features, got {X.shape[1]}")
        act = {"relu": lambda h: np.maximum(h, 0.0), "logistic": expit, "tanh": np.tanh,
               "identity": lambda h: h}[self._kind]
        out: list[np.ndarray] = []
        h = X
        last = max(indices, default=-1) + 1  # the layers up to the deepest one asked for
        for w, b in zip(self._mlp.coefs_[:last], self._mlp.intercepts_[:last]):
            h = act(h @ np.asarray(w, dtype=np.float64) + np.asarray(b, dtype=np.float64))
            out.append(h)
        return [out[i] for i in indices]


# -- entry point ----------------------------------------------------------------------------------
def activation_reader(model: Any, *, batch_size: int | None = None, n_features: int | None = None) -> ActivationReader:
    """A reader of ``model``'s hidden activations, in batches of ``batch_size`` rows (default: 8192, or
    the ``batch_size`` of the teacher ``model`` is, so that a graph of a fixed batch of one is read).

    ``model`` is a torch module, an ONNX model (``.onnx`` path, bytes, ``onnx.ModelProto``), a fitted
    scikit-learn ``MLPClassifier`` (alone or last in a ``Pipeline``), or a teacher made of one by
    :func:`symdistill.as_teacher` (an ONNX one not from an onnxruntime session, whose graph is not
    exposed). Anything else raises
    :class:`UnsupportedModelError` saying what is supported. ``n_features``, the width of the rows
    the network takes, is where a torch module's trace starts (else at its linear layers' widths).

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    >>> [h.activation for h in activation_reader(net).layers]
    ['tanh']
    >>> activation_reader(lambda X: X)
    Traceback (most recent call last):
    ...
    symdistill.teachers.activations.UnsupportedModelError: cannot read hidden activations of a function: ...
    """
    while isinstance(model, Teacher) and getattr(model, "inner", None) is not None:
        model = model.inner  # a wrapper such as the frontier's caching SharedTeacher
    if isinstance(model, Teacher):
        batch_size = model.batch_size if batch_size is None else batch_size
        # A torch teacher's module, the path or bytes an ONNX teacher was made from, or a scikit-learn
        # teacher's estimator.
        inner = next((getattr(model, a) for a in ("module", "source", "estimator") if getattr(model, a, None)
                      is not None), None)
        if inner is None:
            raise UnsupportedModelError(
                f"cannot read hidden activations through the {model.name} teacher; pass the network itself "
                f"(supported: {SUPPORTED})")
        model = inner
    batch_size = 8192 if batch_size is None else batch_size
    module = type(model).__module__ or ""
    if module.startswith("torch") or _is_torch_module(model):
        return TorchActivations(model, batch_size=batch_size, n_features=n_features)
    if isinstance(model, (bytes, bytearray)) or module.startswith("onnx") and not module.startswith("onnxruntime"):
        return OnnxActivations(model, batch_size=batch_size)
    if isinstance(model, (str, Path)):
        if Path(model).suffix.lower() in (".pt", ".pth", ".torchscript"):
            if written_by_torch_save(model):
                raise UnsupportedModelError(f"cannot read hidden activations of {str(model)!r}: it {TORCH_SAVE}; {_GIVE}")
            raise UnsupportedModelError(f"cannot read hidden activations of {str(model)!r}: {_SCRIPTED}; "
                                        f"supported: {SUPPORTED}")
        if Path(model).suffix.lower() != ".onnx":
            raise UnsupportedModelError(f"cannot read hidden activations of {str(model)!r}; supported: {SUPPORTED}")
        return OnnxActivations(model, batch_size=batch_size)
    if module.startswith("sklearn"):
        return SklearnActivations(model, batch_size=batch_size)
    if module.startswith("onnxruntime"):
        raise UnsupportedModelError(
            "an onnxruntime InferenceSession does not expose its graph; pass the .onnx path or bytes instead "
            f"(supported: {SUPPORTED})")
    raise UnsupportedModelError(f"cannot read hidden activations of a {_kind(model)}: supported: {SUPPORTED}")


def read_activations(model: Any, X: Any, layer: str | int = -1) -> np.ndarray:
    """Activations ``(n, width)`` of one hidden layer of ``model`` on rows ``X``.

    Use it to feed a concept rule set (learned with ``layer=``) the activations it reads.

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    >>> read_activations(net, np.ones((5, 2)), layer="0").shape
    (5, 3)
    """
    reader = activation_reader(model, n_features=_width(X))
    return reader.read(X, [layer])[0]


def _width(X: Any) -> int | None:
    """The number of columns of rows ``X`` (a DataFrame or array), None when it is not a table."""
    shape = np.shape(X)
    return int(shape[1]) if len(shape) == 2 else None


def _is_torch_module(obj: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.nn.Module)


def _kind(obj: Any) -> str:
    if callable(obj) and type(obj).__name__ in ("function", "lambda", "builtin_function_or_method"):
        return "function"
    return type(obj).__name__
