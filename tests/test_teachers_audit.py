"""Teachers as users bring them from the wild: torch modules, scikit-learn estimators, ONNX models and callables
that answer at random, sit on a device that holds no data, or take another kind of input."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill._errors import TeacherError


def test_fidelity_refuses_a_teacher_that_answers_the_same_rows_differently():
    """sd.fidelity (and symdistill evaluate) against a network with dropout left on in its forward gave a
    number with no word, a different one at each call (0.68 for a tree that agreed with the network's mean
    answer), where distill refused the same teacher as not deterministic."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    tree = sd.distill(lambda X: (X[:, 0] > 0).astype(int), X, max_size=2, random_state=0)
    noise = np.random.default_rng(1)

    def noisy(X):
        return (X[:, 0] + noise.normal(size=len(X)) > 0).astype(int)

    with pytest.raises(TeacherError, match=r"^callable .*noisy is not deterministic: two calls on the same 32 rows"):
        sd.fidelity(tree, noisy, X)
    assert sd.fidelity(tree, lambda X: (X[:, 0] > 0).astype(int), X).value == 1.0


def test_a_torch_module_on_the_meta_device_is_refused_when_it_is_wrapped():
    """A network made on the meta device (torch.device('meta'), accelerate's init_empty_weights) before its weights
    were loaded holds no numbers: it was taken, and failed on the first rows with 'Cannot copy out of meta tensor;
    no data!' and the advice to wrap it in a module that reshapes the rows."""
    torch = pytest.importorskip("torch")

    def make():
        return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))

    with torch.device("meta"):
        net = make()
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(TeacherError, match=r"^torch Sequential has its parameters on the meta device, which holds no "
                                           r"numbers \(a network made under torch\.device\('meta'\) or "
                                           r"init_empty_weights\): load its weights first"):
        sd.as_teacher(net)
    with pytest.raises(TeacherError, match="on the meta device"):
        sd.distill(net, X, max_size=2)
    with pytest.raises(TeacherError, match="on the meta device"):
        sd.as_teacher(net, device="cpu")
    with pytest.raises(ValueError, match=r"^device='meta' holds no numbers: a teacher is asked on a device that "
                                         r"computes; devices available here: cpu"):
        sd.as_teacher(torch.nn.Linear(3, 2), device="meta")
    net.load_state_dict(make().state_dict(), assign=True)  # the weights loaded, as the error says
    assert sd.as_teacher(net).predict(X).shape == (20,)

