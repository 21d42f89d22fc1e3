"""The command line on odd data files, as a user brings them (encodings, ...)."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main

pytest.importorskip("pandas")


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "m.json"
    sd.distill(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), np.random.default_rng(0).uniform(size=(300, 3)),
               feature_names=["a", "b", "c"], max_size=2, random_state=0).to_json(path)
    return path


@pytest.mark.parametrize("encoding, named", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"),
                                             ("utf-16-be", "UTF-16BE")])
def test_a_utf16_csv_is_named_as_utf16_text(model_file, tmp_path, capsys, encoding, named):
    """A CSV saved as UTF-16 (a spreadsheet's 'Unicode Text' export, Windows PowerShell's `>`) was refused as
    binary data ("it holds binary data, a NUL byte at byte offset 3; give the rows as a CSV (text)"): the
    user gave a CSV of text. The error now names its encoding and how to save it as UTF-8."""
    rows = "a,b,c\n" + "".join(f"{i / 10},{i % 3},{i % 5}\n" for i in range(10))
    data = tmp_path / "rows.csv"
    data.write_bytes(rows.encode(encoding))
    for args in (["distill", "--teacher", "x:y", "-o", str(tmp_path / "t.json")], ["predict", str(model_file)]):
        assert main([*args, "--data", str(data)]) == 2
        err = capsys.readouterr().err
        assert f"{data} is {named} text, not UTF-8: save it as UTF-8 (iconv -f {named} -t UTF-8)" in err, err
        assert "binary" not in err and err.count("\n") == 1
