"""Ctrl-C and errors midway through a command: one line on stderr (not a traceback) and no half-written
output file, an earlier one left as it was."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill import cli
from symdistill.cli import main

pd = pytest.importorskip("pandas")


def _label(d):
    return np.where(np.asarray(d["a"], dtype=float) > 0, "yes", "no")


@pytest.fixture()
def folder(tmp_path):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    sd.distill(_label, df, form="tree", max_size=4, random_state=0).to_json(tmp_path / "tree.json")
    df.to_csv(tmp_path / "rows.csv", index=False)
    return tmp_path


def _main(argv):
    """main(argv), with a KeyboardInterrupt it lets out (which would stop pytest) as a failure."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped main as a traceback")


def _interrupt_on_second_chunk(monkeypatch, exc: BaseException) -> None:
    """predict writes 10 rows at a time and is stopped by ``exc`` on its second chunk."""
    monkeypatch.setattr(cli, "PREDICT_CHUNK", 10)
    from symdistill.models.tree import Tree
    calls = []
    original = Tree.predict_encoded

    def predict_encoded(self, Z):
        calls.append(len(Z))
        if len(calls) == 2:
            raise exc
        return original(self, Z)

    monkeypatch.setattr(Tree, "predict_encoded", predict_encoded)


@pytest.mark.parametrize("name", ["out.csv", "out.csv.gz"])
def test_interrupted_predict_leaves_earlier_output_and_no_part(folder, monkeypatch, capsys, name):
    out = folder / name
    out.write_bytes(b"earlier output\n")
    _interrupt_on_second_chunk(monkeypatch, KeyboardInterrupt())
    code = _main(["predict", str(folder / "tree.json"), "--data", str(folder / "rows.csv"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 130
    assert err == "symdistill predict: interrupted\n"  # one line, no traceback
    assert out.read_bytes() == b"earlier output\n"
    assert sorted(p.name for p in folder.iterdir()) == sorted(["tree.json", "rows.csv", name])


def test_failed_predict_writes_no_new_file(folder, monkeypatch, capsys):
    out = folder / "new.csv"
    _interrupt_on_second_chunk(monkeypatch, MemoryError("no room"))
    with pytest.raises(MemoryError):
        main(["predict", str(folder / "tree.json"), "--data", str(folder / "rows.csv"), "-o", str(out)])
    assert sorted(p.name for p in folder.iterdir()) == ["rows.csv", "tree.json"]


def test_completed_output_is_written_whole(folder, capsys):
    out = folder / "out.csv"
    out.write_text("earlier output\n")
    assert main(["predict", str(folder / "tree.json"), "--data", str(folder / "rows.csv"), "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "prediction" and len(lines) == 201
    assert sorted(p.name for p in folder.iterdir()) == ["out.csv", "rows.csv", "tree.json"]


def test_interrupted_distill_is_one_line(folder, monkeypatch, capsys):
    # a teacher stopped by Ctrl-C while it answers
    (folder / "stopped_teacher.py").write_text("def stopped(d):\n    raise KeyboardInterrupt\n")
    monkeypatch.syspath_prepend(str(folder))
    code = _main(["distill", "--teacher", "stopped_teacher:stopped", "--data", str(folder / "rows.csv"),
                 "-o", str(folder / "m.json")])
    assert code == 130
    assert capsys.readouterr().err == "symdistill distill: interrupted\n"
    assert not (folder / "m.json").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
