"""A user who installed symdistill without an extra gets one line naming the extra to install.

The suite runs with every extra installed, so a missing package is simulated: ``sys.modules[name] = None``
makes ``import name`` raise ImportError, as it does where the package is not installed.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main

HEAVY = ("torch", "pandas", "pyarrow", "polars", "onnx", "onnxruntime", "matplotlib", "z3")


def _block(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


# Run in a fresh interpreter: a finder first on sys.meta_path refuses every optional backend, as a
# minimal install lacks them, and records the imports of one that symdistill's own files attempt
# (scikit-learn tries pandas where it is installed; that is its business).
_MINIMAL = f"""
import os, sys
HEAVY = {HEAVY!r}
tried = []

class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in HEAVY:
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith("<frozen"):
            frame = frame.f_back
        if frame is not None and "/symdistill/" in frame.f_code.co_filename.replace(os.sep, "/"):
            tried.append(name)
        raise ImportError(f"No module named {{name!r}}")

sys.meta_path.insert(0, Missing())
import symdistill, symdistill.cli
try:
    symdistill.cli.main(["--help"])
except SystemExit as done:
    assert done.code == 0, done.code
print("symdistill tried:", sorted(set(tried)))
"""


def test_importing_the_library_and_the_cli_imports_no_optional_backend():
    """The core imports numpy, scipy and scikit-learn only: importing ``symdistill`` and
    ``symdistill.cli`` and running ``symdistill --help`` where no extra is installed works and does
    not even try torch, pandas, pyarrow, polars, onnx, onnxruntime, matplotlib or z3."""
    done = subprocess.run([sys.executable, "-c", _MINIMAL], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "usage: symdistill" in done.stdout
    assert done.stdout.strip().endswith("symdistill tried: []")


@pytest.fixture()
def torchscript_step_net(tmp_path):
    pytest.importorskip("torch")
    from _torch_support import save_step_net

    save_step_net(tmp_path / "step.pt")
    return tmp_path / "step.pt"


def test_automaton_and_evaluate_of_a_torchscript_teacher_without_torch_name_the_extra(
        torchscript_step_net, tmp_path, monkeypatch, capsys):
    """`automaton --teacher step.pt` and `evaluate dfa.json --teacher step.pt` without torch said
    `error: No module named 'torch'`, not which extra installs it."""
    dfa = sd.distill_automaton(sd.as_sequence_teacher(lambda ws: [w.count("1") % 2 == 0 for w in ws],
                                                      alphabet=["0", "1"]), max_states=4, random_state=0)
    (tmp_path / "dfa.json").write_text(dfa.to_json())
    (tmp_path / "words.txt").write_text("0110\n1\n")
    _block(monkeypatch, "torch")
    for argv in (["automaton", "--teacher", str(torchscript_step_net), "--alphabet", "0,1", "-o",
                  str(tmp_path / "out.json")],
                 ["evaluate", str(tmp_path / "dfa.json"), "--teacher", str(torchscript_step_net), "--data",
                  str(tmp_path / "words.txt")]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1
        assert "this teacher needs PyTorch: pip install 'symdistill[torch]'" in err
    assert not (tmp_path / "out.json").exists()


def test_demo_without_torch_is_one_error_line_and_prints_nothing(monkeypatch, capsys):
    """`symdistill demo` without torch printed 'training a 64-32 ReLU network ...' and then failed."""
    _block(monkeypatch, "torch")
    assert main(["demo", "--max-size", "4"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == "symdistill demo: error: the demo trains a torch network: pip install 'symdistill[torch]'"


@pytest.mark.parametrize("missing", ["onnx", "onnxruntime"])
def test_decompositional_onnx_network_without_onnx_names_the_extra(onnx_file, blobs, monkeypatch, missing):
    """`sd.distill('net.onnx', X, method='decompositional')` without the onnx extra raised a bare
    `ModuleNotFoundError: No module named 'onnx'`."""
    X = blobs[0]
    _block(monkeypatch, missing)
    for net in (str(onnx_file), onnx_file.read_bytes()):
        with pytest.raises(ImportError) as info:
            sd.distill(net, X, method="decompositional", form="rules", max_size=4, random_state=0)
        assert str(info.value) == ("reading the hidden layers of an ONNX network needs onnx and onnxruntime: "
                                   "pip install 'symdistill[onnx]'")


def test_model_of_a_dataframe_scored_without_pandas_names_the_extra(monkeypatch):
    """A model distilled from a DataFrame, loaded where pandas is not installed: `sd.fidelity` against its
    teacher on array rows raised a bare `ModuleNotFoundError: No module named 'pandas'`; predicting needs
    no pandas and still works."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.integers(18, 80, 300), "colour": rng.choice(["red", "blue"], 300)})
    tree = sd.distill(lambda d: ((d["age"] > 40) & (d["colour"] == "red")).to_numpy().astype(int), df,
                      form="tree", max_size=4, random_state=0, categorical=["colour"])
    model = sd.load(tree.to_json())
    rows = np.array([[50, "red"], [20, "blue"]], dtype=object)
    _block(monkeypatch, "pandas")
    assert model.predict(rows).tolist() == [1, 0]
    with pytest.raises(ImportError) as info:
        sd.fidelity(model, lambda X: (X[:, 0].astype(float) > 40).astype(int), rows)
    assert str(info.value) == ("the teacher of a model distilled from a DataFrame is asked with DataFrames, "
                               "which needs pandas: pip install 'symdistill[pandas]'")


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_zstd_compressed_data_without_zstandard_names_the_extra(tmp_path, monkeypatch, capsys, command):
    """The README reads `--data rows.csv.zst` as pandas does, but pandas unpacks zstd with the zstandard
    package, which the [pandas] extra did not install: the error was pandas' "`Import zstandard` failed.
    Use pip, conda, or your preferred package management tool ...". The extra now installs it, and
    where it is missing the error names it."""
    pytest.importorskip("pandas")
    X = np.random.default_rng(0).uniform(size=(200, 2))
    tree = sd.distill(lambda A: (A[:, 0] > 0.5).astype(int), X, form="tree", max_size=2, random_state=0,
                      feature_names=["a", "b"])
    tree.to_json(tmp_path / "tree.json")
    (tmp_path / "rows.csv.zst").write_bytes(b"\x28\xb5\x2f\xfd")  # never unpacked: zstandard is asked for first
    (tmp_path / "teacher_zst.py").write_text("def f(X):\n    return (X[:, 0] > 0.5).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "teacher_zst", raising=False)
    _block(monkeypatch, "zstandard")
    teacher = ["--teacher", "teacher_zst:f"] if command == "evaluate" else []
    assert main([command, str(tmp_path / "tree.json"), *teacher, "--data", str(tmp_path / "rows.csv.zst")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"symdistill {command}: error: reading {tmp_path / 'rows.csv.zst'} (zstd-compressed) needs the "
                   "zstandard package: pip install 'symdistill[pandas]'\n")


@pytest.mark.parametrize("name, kind", [("missing.onnx", "ONNX model"), ("missing.pt", "TorchScript"),
                                        ("missing.pth", "TorchScript")])
def test_a_missing_teacher_file_is_named_before_its_missing_backend(tmp_path, monkeypatch, name, kind):
    """`sd.as_teacher("missing.onnx")` where onnxruntime is not installed said "ONNX teachers need
    onnxruntime: pip install 'symdistill[onnx]'": installing it only led to the real problem, a path
    that names no file. The path is checked first, by as_teacher, distill and read_activations."""
    from symdistill.teachers.activations import read_activations

    _block(monkeypatch, "torch", "onnx", "onnxruntime")
    path = str(tmp_path / name)
    X = np.random.default_rng(0).uniform(size=(20, 2))
    calls = [lambda: sd.as_teacher(path), lambda: sd.as_teacher(path, task="classification"),
             lambda: sd.distill(path, X, max_size=2)]
    if kind == "ONNX model":  # (the hidden layers of a TorchScript file cannot be read, found or not)
        calls.append(lambda: read_activations(path, X))
    for call in calls:
        with pytest.raises(FileNotFoundError) as info:
            call()
        assert str(info.value) == f"{kind} file not found: {path!r}"


@pytest.mark.parametrize("name", ["net.onnx", "net.pt", "models"])
def test_a_directory_given_as_the_teacher_is_named_a_directory(tmp_path, monkeypatch, capsys, name):
    """A directory named like a model (`net.onnx/`, as an export to a folder leaves it) was 'ONNX teachers
    need onnxruntime' without onnxruntime, and 'file not found' with it, in the library and on the command
    line, though it is there: it is a directory, not a model file."""
    _block(monkeypatch, "torch", "onnx", "onnxruntime")
    path = tmp_path / name
    path.mkdir()
    with pytest.raises(IsADirectoryError, match=re.escape(f"{str(path)!r} is a directory")):
        sd.as_teacher(str(path))
    (tmp_path / "rows.csv").write_text("a,b\n1,2\n3,4\n")
    assert main(["distill", "--teacher", str(path), "--data", str(tmp_path / "rows.csv"),
                 "-o", str(tmp_path / "m.json")]) == 2
    assert f"error: teacher {path} is a directory, not a file: expected a .onnx" in capsys.readouterr().err


def test_a_pt_file_that_is_no_zip_archive_is_named_so_without_torch(tmp_path, monkeypatch):
    """A .pt file that torch.jit.save did not write (not a zip archive) was 'this teacher needs PyTorch'
    where torch is not installed; the command line already named the file, the library now does too."""
    _block(monkeypatch, "torch")
    path = tmp_path / "net.pt"
    path.write_bytes(b"not a model")
    with pytest.raises(sd.TeacherError, match=r"^net\.pt is not a TorchScript file \(torch\.jit\.save writes a zip"):
        sd.as_teacher(str(path))


def test_a_pickle_path_given_to_as_teacher_says_how_to_load_it():
    with pytest.raises(ValueError, match=r"cannot tell the teacher kind of 'model\.joblib': .* a pickled "
                                         r"scikit-learn model with joblib\.load\(path\)\)$"):
        sd.as_teacher("model.joblib")


@pytest.mark.parametrize("make", ["pyarrow", "polars"])
def test_a_pyarrow_or_polars_table_without_pandas_is_an_import_error_naming_the_extra(monkeypatch, make):
    """The README: where an extra is missing, the feature that needs it raises an ImportError naming the
    extra. A pyarrow Table or a polars DataFrame (read as its ``to_pandas()``) where pandas is not
    installed raised a DataError (a ValueError), which ``except ImportError`` does not catch."""
    rng = np.random.default_rng(0)
    columns = {"a": rng.uniform(size=50), "b": rng.uniform(size=50)}
    X = pytest.importorskip(make).table(columns) if make == "pyarrow" else pytest.importorskip(make).DataFrame(columns)
    _block(monkeypatch, "pandas")
    kind = "pyarrow Table" if make == "pyarrow" else "polars DataFrame"
    with pytest.raises(ImportError) as info:
        sd.distill(lambda rows: np.zeros(len(rows), dtype=int), X, max_size=2, random_state=0)
    assert str(info.value) == (f"reading a {kind} needs pandas (symdistill reads it as X.to_pandas()): "
                               "pip install 'symdistill[pandas]'")
