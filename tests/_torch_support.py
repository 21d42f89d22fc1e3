"""Checks of torch teachers that need a fresh process."""

from __future__ import annotations

import subprocess
import sys


def run_without_read_only_warning(code: str) -> None:
    """Run ``code`` (numpy as np, pandas as pd, torch, symdistill as sd imported; every warning an error)
    in a fresh Python, and check that it passes and torch never warned about a read-only array ("The
    given NumPy array is not writable"): torch warns once a process, so in a test worker another test
    may have drawn the warning first, and the check would see none whatever the code does."""
    preamble = "import warnings, numpy as np, pandas as pd, torch, symdistill as sd\nwarnings.simplefilter('error')\n"
    res = subprocess.run([sys.executable, "-c", preamble + code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "not writable" not in res.stderr
