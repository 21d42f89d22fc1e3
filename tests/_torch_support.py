"""Checks of torch teachers that need a fresh process."""

from __future__ import annotations

import subprocess
import sys
from typing import Any


def run_without_read_only_warning(code: str) -> None:
    """Run ``code`` (numpy as np, pandas as pd, torch, symdistill as sd imported; every warning an error)
    in a fresh Python, and check that it passes and torch never warned about a read-only array ("The
    given NumPy array is not writable"): torch warns once a process, so in a test worker another test
    may have drawn the warning first, and the check would see none whatever the code does."""
    preamble = "import warnings, numpy as np, pandas as pd, torch, symdistill as sd\nwarnings.simplefilter('error')\n"
    res = subprocess.run([sys.executable, "-c", preamble + code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "not writable" not in res.stderr


def save_step_net(path: Any) -> None:
    """Save to ``path`` a TorchScript step-style sequence teacher over the alphabet 0, 1 (an embedding of
    two symbols, a GRU cell, a linear readout), as ``symdistill automaton --teacher step.pt`` reads one."""
    import torch

    class StepNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding, self.cell, self.head = torch.nn.Embedding(2, 3), torch.nn.GRUCell(3, 4), torch.nn.Linear(4, 1)

        @torch.jit.export
        def initial_state(self, n: int) -> torch.Tensor:
            return torch.zeros(n, 4)

        @torch.jit.export
        def step(self, h: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
            return self.cell(self.embedding(tokens), h)

        @torch.jit.export
        def readout(self, h: torch.Tensor) -> torch.Tensor:
            return self.head(h)

        def forward(self, h: torch.Tensor) -> torch.Tensor:
            return self.readout(h)

    torch.jit.save(torch.jit.script(StepNet()), str(path))
