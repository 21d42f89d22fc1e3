"""Automata, as a demanding user drives them: torch teachers, callables, exports and the CLI."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd

torch = pytest.importorskip("torch")


class _Net(torch.nn.Module):
    """embedding / rnn / head, ``n_out`` output columns (untrained: the tests need its shape only)."""

    def __init__(self, n_out: int, n_tokens: int = 2, hidden: int = 8) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embedding = torch.nn.Embedding(n_tokens, 4)
        self.rnn = torch.nn.GRU(4, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, n_out)


@pytest.mark.parametrize("classes, repeated", [(["x", "x"], "'x'"), ([1, True], "True"), ([0, 0.0, "z"], "0.0")])
def test_repeated_classes_of_a_torch_teacher_are_refused(classes, repeated):
    """classes=["x", "x"] named two output columns alike: both were read as the label 'x', and the
    automaton came out as one state answering 'x' everywhere, with no word of the mistake."""
    net = _Net(len(classes)).eval()
    with pytest.raises(ValueError, match=rf"classes has repeated labels: \[{repeated}\]"):
        sd.as_sequence_teacher(net, alphabet="ab", classes=classes)

