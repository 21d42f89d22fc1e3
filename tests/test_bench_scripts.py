"""The benchmark scripts the README's table tells users to run answer ``--help`` with their usage,
rather than starting a run (``run_all.py`` runs every benchmark, for minutes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if p.name.startswith("bench_")) + ["run_all.py"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_benchmark_script_answers_help_with_its_usage(script):
    pytest.importorskip("torch")  # every benchmark trains torch teachers
    env = {**os.environ, "SYMDISTILL_DATA": str(BENCH / "no data here")}  # nothing to run, should it start
    proc = subprocess.Popen([sys.executable, str(BENCH / script), "--help"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # run_all's benchmarks too
        proc.communicate()
        pytest.fail(f"bench/{script} --help ran for a minute: it started a run")
    assert proc.returncode == 0 and out.startswith(f"usage: {script} "), out[-2000:]
