"""Shared fixtures: small real teachers trained in seconds (torch, scikit-learn, ONNX)."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

# CI runs every property test on fixed examples, so a green main stays green; locally they explore.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def blobs():
    """A 3-feature binary problem with an interaction, split 70/30."""
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(1500, 3))
    y = ((X[:, 0] > 0.5) & (X[:, 1] > 0.3) | (X[:, 2] > 0.85)).astype(int)
    return X[:1050], X[1050:], y[:1050], y[1050:]


@pytest.fixture(scope="session")
def torch_mlp(blobs):
    torch = pytest.importorskip("torch")
    from symdistill.demo import train_mlp

    X, _, y, _ = blobs
    net = train_mlp(X, y, hidden=(16, 8), epochs=150, seed=0)
    assert isinstance(net, torch.nn.Module)
    return net


@pytest.fixture(scope="session")
def sklearn_mlp(blobs):
    from sklearn.neural_network import MLPClassifier

    X, _, y, _ = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MLPClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0).fit(X, y)


@pytest.fixture(scope="session")
def onnx_file(torch_mlp, tmp_path_factory):
    """The torch MLP exported to ONNX (legacy exporter; no extra packages needed)."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("onnxruntime")
    path = tmp_path_factory.mktemp("onnx") / "mlp.onnx"
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(torch_mlp, torch.zeros(1, 3), buf, input_names=["x"], output_names=["logits"],
                          dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}}, dynamo=False)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def bar_updates(monkeypatch):
    """``watch(module)`` records ``(description, n, total)`` at each update of the progress bars that
    ``module`` makes (its ``progress_bar``), in a list it returns: what a terminal would show."""

    def watch(module) -> list[tuple[str, int, int]]:
        seen: list[tuple[str, int, int]] = []
        real = module.progress_bar

        def spy(*args, **kwargs):
            bar = real(*args, **kwargs)
            update = bar.update

            def counted(n=1):
                update(n)
                seen.append((bar.desc, bar.n, bar.total))

            bar.update = counted
            return bar

        monkeypatch.setattr(module, "progress_bar", spy)
        return seen

    return watch
