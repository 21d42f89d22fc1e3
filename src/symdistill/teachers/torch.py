"""PyTorch modules and TorchScript files. torch is imported only when such a teacher is made."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import TeacherError, exception_text
from .base import Teacher, model_file, refuse_infinity, refuse_number_text

DTYPES = ("float16", "bfloat16", "float32", "float64")


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("this teacher needs PyTorch: pip install 'symdistill[torch]'") from exc
    return torch


class TorchTeacher(Teacher):
    """A ``torch.nn.Module`` (or TorchScript module) used in eval mode under ``no_grad``, in batches.

    Output width k >= 2 is read as class logits (or probabilities when rows sum to one); a float
    column (width 1) is a regression value unless ``task="classification"``, then a logit (or
    probability) of class 1; whole-number and boolean outputs, one per row, are class labels.
    Rows are sent as ``dtype`` (one of :data:`DTYPES`; default: the module's parameters' type, else
    float32) on ``device`` (default: the module's).
    """

    def __init__(self, module: Any, *, device: str | None = None, dtype: str | None = None, **kwargs: Any) -> None:
        torch = _torch()
        if not isinstance(module, torch.nn.Module) and not isinstance(module, torch.jit.ScriptModule):
            raise TypeError(f"expected a torch.nn.Module, got {type(module).__name__}")
        if dtype is not None and (not isinstance(dtype, str) or dtype not in DTYPES):
            raise ValueError(f"dtype must be one of {DTYPES} (the type rows are sent to the module in), got {dtype!r}")
        super().__init__(**kwargs)
        self.module = module
        self.device = module_device(module, device)
        self.dtype = getattr(torch, dtype) if dtype is not None else _module_dtype(module)
        self.name = f"torch {type(module).__name__}"

    def _forward(self, X: Any) -> Any:
        torch = _torch()
        with torch.no_grad(), eval_mode(self.module):
            out = self.module(rows_tensor(X, self.dtype, self.device))
        if isinstance(out, (tuple, list)) and len(out):  # an empty one is no tensor, refused below
            out = out[0]
        if not isinstance(out, torch.Tensor):
            keys = f" (keys: {', '.join(map(repr, list(out)[:10]))})" if isinstance(out, dict) else ""
            raise TeacherError(f"{self.name} returned a {type(out).__name__}{keys}, not a tensor; wrap the module to "
                               "return one tensor (the logits, probabilities or values)")
        # A float answer keeps its type (Teacher._as_array reads bfloat16 and knows the precision);
        # whole-number and boolean answers are integers, class indices 0, 1, ... (one per row, also as a
        # column), read as labels however many there are, as a callable's are: as whole floats, more
        # distinct than a quarter of the rows were taken for regression values.
        if out.is_complex():  # out.long() below would keep the real parts, with only torch's warning
            raise TeacherError(f"{self.name} returned complex numbers ({str(out.dtype).removeprefix('torch.')}), "
                               "which are no labels, probabilities, logits or values: return their real part, "
                               "magnitude or angle")
        out = out.detach().to("cpu")
        if not out.is_floating_point():
            out = out.long()
            if out.ndim == 2 and out.shape[1] == 1:
                out = out[:, 0]
        elif self.task is None and out.ndim == 2 and out.shape[1] == 1:
            self.task = "regression"  # a regression head; a column of class indices is labels
        return out

    def _randomness_advice(self) -> str:
        """Eval mode is set for every query already: a module that still answers at random draws in its forward,
        or, traced in training mode, in the trace (a dropout traced so stays on whatever eval() says)."""
        traced = "Traced" in type(self.module).__name__
        return ("it was asked in eval mode already: its randomness is in its forward (F.dropout(x, training=True), "
                "torch.rand)" + (", or in the trace: trace it in eval mode (torch.jit.trace(net.eval(), ...))"
                                 if traced else ""))

    def _hint(self, exc: Exception, X: Any) -> str:
        return forward_hint(self.module, self.dtype, self.device, exc, X)


def forward_hint(module: Any, dtype: Any, device: Any, exc: Exception, X: Any) -> str:
    """The tensor the module was given, rows by features, where it raised a RuntimeError (torch's words for
    what does not fit), and what to do: a type other than its parameters' is dtype='s doing; a first layer
    of another width (a Linear, a standardisation, a BatchNorm1d or LayerNorm) wants the columns it was
    trained on; a module that takes another shape (a 1-D convolution's 'expected input[1, 32, 4] to have 1
    channels') a wrapper that reshapes the rows; parameters on another device than the rows one device; an
    nn.Embedding, integers."""
    if not isinstance(exc, RuntimeError) or np.ndim(X) != 2:
        return ""
    n, d = np.shape(X)
    given = f"; it was given the rows as a {str(dtype).removeprefix('torch.')} tensor of shape ({n}, {d})"
    text = str(exc)
    own = str(_module_dtype(module)).removeprefix("torch.")
    if ("dtype" in text or "scalar type" in text) and own != str(dtype).removeprefix("torch."):
        return f"{given}, and its parameters are {own}: leave dtype= out, or pass dtype={own!r}"
    width = _layer_width(text, d)
    if "mat1 and mat2 shapes cannot be multiplied" in text or width is not None:
        if width is None or width > d:
            return f"{given}: give it the columns it was trained on, in their order"
        return (f"{given}: give it the columns it was trained on ({width}), in their order (a label column left "
                "in? on the command line: --drop NAME)")
    if "device" in text or "cuda" in text.lower():  # parameters on two devices, or rows on another one
        held = sorted({str(t.device) for t in [*module.parameters(), *module.buffers()]})
        return (f"{given} on {device}, and its parameters and buffers are on {', '.join(held)}: put the module "
                f"on one device (net.to({str(device)!r})) and pass that device as device=")
    if "indices" in text or ("index" in text and "int" in text.lower()):  # an nn.Embedding takes integers
        return (f"{given}: a module that looks up integer codes (an nn.Embedding) takes them as a wrapper casts "
                "them, e.g. x[:, 0].long(), in a module or a function")
    if not any(word in text.lower() for word in ("shape", "size", "dimension", "channel", "input[", "element")):
        return given  # torch's words say what is wrong; the rows' shape is no answer to it
    return (f"{given}, a row of {d} feature{'s' * (d != 1)} each: wrap a module that takes another shape "
            f"(channels, a sequence) in one that reshapes them, e.g. nn.Sequential(nn.Unflatten(1, (1, {d})), net)")


# torch's words where a layer of another width than the rows' d meets them first: a Linear, a standardisation
# ((x - mean) / std, buffers of the trained width), a BatchNorm1d, a LayerNorm. Each names two widths.
_WIDTH_ERRORS = (
    re.compile(r"mat1 and mat2 shapes cannot be multiplied \(\d+x(\d+) and (\d+)x\d+\)"),
    re.compile(r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton dimension 1\b"),
    re.compile(r"running_mean should contain (\d+) elements not (\d+)"),
    re.compile(r"normalized_shape=\[(\d+)\], expected input with shape \[\*, \d+\], but got input of size\[\d+, (\d+)\]"),
)


def _layer_width(text: str, d: int) -> int | None:
    """The width of the layer that torch's error ``text`` says met rows of ``d`` columns, where it names
    the rows' width and another; None otherwise (a mismatch deeper in the network, between widths neither
    of which is the rows')."""
    for pattern in _WIDTH_ERRORS:
        match = pattern.search(text)
        if match:
            widths = {int(w) for w in match.groups()}
            return (widths - {d}).pop() if d in widths and len(widths) == 2 else None
    return None


class eval_mode:
    """Eval mode for the duration of a block, then every submodule's own training flag back: a
    frozen batch norm in a training network stays frozen, a dropout left on (MC dropout) stays on."""

    def __init__(self, module: Any) -> None:
        self.module = module

    def __enter__(self) -> None:
        self.modes = [(m, m.training) for m in self.module.modules()]
        self.module.eval()

    def __exit__(self, *exc: Any) -> None:
        for m, training in self.modes:
            m.training = training


def rows_tensor(X: Any, dtype: Any, device: Any) -> Any:
    """Rows as a torch tensor of ``dtype`` on ``device``, made from a copy of ``X``: a float64 tensor on the
    CPU shares its array's memory, so a forward that changes its input in place (``x.sub_(0.5)``) changed
    the caller's rows (the user's X read by ``read_activations``, the decompositional learner's rows between
    reading a layer and rewriting its rules); a copy is also writable, which torch wants ("The given NumPy
    array is not writable"), and has no negative stride (``X[::-1]``), which torch refuses. Text is not
    read as a number ('01' as 1.0): it is a TeacherError naming it."""
    refuse_number_text(X, "a torch module takes rows of numbers")
    arr = np.asarray(X, dtype=np.float64).copy()  # np.array(X) of a tensor warns of __array__'s copy keyword
    torch = _torch()
    rows = torch.as_tensor(arr, dtype=dtype, device=device)
    if rows.is_floating_point() and rows.dtype != torch.float64:
        name = str(rows.dtype).removeprefix("torch.")
        refuse_infinity(arr, torch.isinf(rows).cpu().numpy(), name, torch.finfo(rows.dtype).max,
                        f"a torch module in {name}", "scale the feature, or run the module in "
                        + ("float64 (net.double())" if name == "float32" else "float32 (net.float())"),
                        getattr(X, "columns", None))
    return rows


def module_device(module: Any, device: Any = None) -> Any:
    """The torch device a teacher runs ``module`` on: ``device`` when given (checked, so that a device this
    torch cannot use is named now, in one line, and not by an AssertionError at the first batch), else
    the device of the module's parameters (or buffers). A module on the meta device, which holds no
    numbers, is a TeacherError."""
    torch = _torch()
    held = [*module.parameters(), *module.buffers()]
    if any(t.is_meta for t in held):  # it failed on the first rows: 'Cannot copy out of meta tensor; no data!'
        raise TeacherError(f"torch {type(module).__name__} has its parameters on the meta device, which holds no "
                           "numbers (a network made under torch.device('meta') or init_empty_weights): load its "
                           "weights first (net.load_state_dict(weights, assign=True), or net.to_empty(device='cpu') "
                           "and then load_state_dict)")
    if device is None:
        return held[0].device if held else torch.device("cpu")
    if isinstance(device, bool) or not isinstance(device, (str, int, torch.device)):
        raise TypeError(f"device must be a string such as 'cpu' or 'cuda:0', a CUDA index or a torch.device, got "
                        f"{type(device).__name__}: {device!r}")
    available = ["cpu"] + [f"cuda:{i}" for i in range(torch.cuda.device_count() if torch.cuda.is_available() else 0)]
    available += ["mps"] if torch.backends.mps.is_available() else []
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise ValueError(f"device={device!r} is not a device torch knows; devices available here: "
                         f"{', '.join(available)}") from None
    if dev.type == "meta":
        raise ValueError(f"device={device!r} holds no numbers: a teacher is asked on a device that computes; devices "
                         f"available here: {', '.join(available)}")
    if dev.type == "cuda" and not torch.cuda.is_available():
        why = f"in this torch build ({torch.__version__}, CPU only)" if torch.version.cuda is None else \
            "(torch.cuda.is_available() is False: no GPU or driver found)"
        raise ValueError(f"device={device!r}: CUDA is not available {why}; devices available here: "
                         f"{', '.join(available)}")
    try:
        torch.empty(0, device=dev)
    except (AssertionError, RuntimeError) as exc:
        raise ValueError(f"device={device!r} cannot be used: {exception_text(exc)}; devices available here: "
                         f"{', '.join(available)}") from None
    return dev


def _module_dtype(module: Any) -> Any:
    """The floating type of the module's parameters (a float64 net takes float64 rows)."""
    torch = _torch()
    for p in module.parameters():
        if p.is_floating_point():
            return p.dtype
    return torch.float32


# What a file written by torch.save is, and what a teacher file is instead.
TORCH_SAVE = "was written by torch.save (a pickled module or state_dict), not torch.jit.save"


def written_by_torch_save(path: str | Path) -> bool:
    """Whether ``path`` is a zip archive as ``torch.save`` writes it (a ``data.pkl`` and no TorchScript
    ``constants.pkl``), not a TorchScript file; read without importing torch."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n.rsplit("/", 1)[-1] for n in archive.namelist()]
    except (OSError, zipfile.BadZipFile):
        return False
    return "data.pkl" in names and "constants.pkl" not in names


def load_torchscript(path: str | Path, **kwargs: Any) -> TorchTeacher:
    model_file(path, "TorchScript")
    if written_by_torch_save(path):
        raise TeacherError(f"{Path(path).name} {TORCH_SAVE}: a .pt teacher file is TorchScript "
                           "(torch.jit.script(net).save(path)); or pass the nn.Module itself (on the command line "
                           "--teacher module:attribute)")
    if not zipfile.is_zipfile(path):  # told before torch is imported: without torch, not a missing extra first
        raise TeacherError(f"{Path(path).name} is not a TorchScript file (torch.jit.save writes a zip archive)")
    torch = _torch()
    try:
        module = torch.jit.load(str(path), map_location="cpu")
    except Exception as exc:
        raise TeacherError(f"torch cannot load {Path(path).name} as a TorchScript module: {exc}") from None
    teacher = TorchTeacher(module, **kwargs)
    teacher.name = f"torchscript {Path(path).name}"
    return teacher
