"""The command line on odd data files, as a user brings them (encodings, ...)."""

from __future__ import annotations

from pathlib import Path

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


def _refusals(data, model_file, tmp_path, capsys):
    """What distill and predict print on stderr for the --data file ``data``, each refusing it (exit 2)."""
    for args in (["distill", "--teacher", "x:y", "-o", str(tmp_path / "t.json")], ["predict", str(model_file)]):
        assert main([*args, "--data", str(data)]) == 2
        yield capsys.readouterr().err


@pytest.mark.parametrize("encoding, named", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"),
                                             ("utf-16-be", "UTF-16BE")])
def test_a_utf16_csv_is_named_as_utf16_text(model_file, tmp_path, capsys, encoding, named):
    """A CSV saved as UTF-16 (a spreadsheet's 'Unicode Text' export, Windows PowerShell's `>`) was refused as
    binary data ("it holds binary data, a NUL byte at byte offset 3; give the rows as a CSV (text)"): the
    user gave a CSV of text. The error now names its encoding and how to save it as UTF-8."""
    rows = "a,b,c\n" + "".join(f"{i / 10},{i % 3},{i % 5}\n" for i in range(10))
    data = tmp_path / "rows.csv"
    data.write_bytes(rows.encode(encoding))
    for err in _refusals(data, model_file, tmp_path, capsys):
        assert f"{data} is {named} text, not UTF-8: save it as UTF-8 (iconv -f {named} -t UTF-8)" in err, err
        assert "binary" not in err and err.count("\n") == 1


def test_a_seed_or_option_past_64_bits_fits_instead_of_failing_after_the_fit(tmp_path, capsys):
    """--random-state 99999999999999999999 (a seed NumPy takes) and --max-literals of as many digits ran the whole
    fit, then failed with NumPy's "ufunc 'isfinite' not supported for the input types", naming neither option,
    while recording the options in the model's meta: a whole number past 64 bits is finite, and JSON holds it."""
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" + "".join(f"{i / 50},{i % 7}\n" for i in range(100)))
    (tmp_path / "big_seed_teacher.py").write_text(
        "import numpy as np\n\ndef f(X):\n    return (np.asarray(X, dtype=float)[:, 0] > 1).astype(int)\n")
    big = 10 ** 20
    import sys
    sys.path.insert(0, str(tmp_path))
    try:
        assert main(["distill", "--teacher", "big_seed_teacher:f", "--data", str(rows), "--form", "rules",
                     "--max-literals", str(big), "--random-state", str(big), "-o", str(tmp_path / "m.json")]) == 0, \
            capsys.readouterr().err
    finally:
        sys.path.remove(str(tmp_path))
    model = sd.load(tmp_path / "m.json")
    assert model.meta["random_state"] == big and model.meta["options"]["max_literals"] == big
    assert model.predict([[0.5, 1], [1.5, 1]]).tolist() == [0, 1]


def test_dash_output_is_standard_output_or_refused(model_file, tmp_path, monkeypatch, capsys):
    """`-o -`, standard output to most command-line tools, wrote a file named '-' into the working folder
    (predict: "wrote -: 10 predictions"), which `cat -` then does not read. predict and export now write to
    standard output for it, as without -o; the commands that write a file refuse it, writing nothing."""
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b,c\n" + "".join(f"{i / 10},{i % 3},{i % 5}\n" for i in range(10)))
    monkeypatch.chdir(tmp_path)
    assert main(["predict", str(model_file), "--data", str(rows)]) == 0
    expected = capsys.readouterr().out
    assert main(["predict", str(model_file), "--data", str(rows), "-o", "-"]) == 0
    assert capsys.readouterr().out == expected and expected.startswith("prediction\n")
    assert main(["export", str(model_file), "--to", "python"]) == 0
    expected = capsys.readouterr().out
    assert main(["export", str(model_file), "--to", "python", "-o", "-"]) == 0
    assert capsys.readouterr().out == expected and "def predict" in expected
    assert main(["distill", "--teacher", "x:y", "--data", str(rows), "-o", "-"]) == 2
    err = capsys.readouterr().err
    assert "cannot write '-': distill writes a file, not standard output; give a file name" in err, err
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", [
    ["distill", "--teacher", "x:y", "-o", "m2.json", "--option", "n_samples=100", "--option", "n_samples=200"],
    ["report", "--teacher", "x:y", "-o", "r.html", "--option", "tree.criterion=soft", "--option", "tree.criterion=hard"],
    ["automaton", "--teacher", "x:y", "-o", "a.json", "--option", "max_length=10", "--option", "max_length=20"],
])
def test_an_option_given_twice_is_refused(tmp_path, monkeypatch, capsys, command):
    """--option NAME=VALUE is repeatable, and one NAME given twice with two values (a line edited, the old
    one left) was fitted with the last, the first dropped without a word. It is now refused, naming both."""
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" + "".join(f"{i / 50},{i % 7}\n" for i in range(100)))
    monkeypatch.chdir(tmp_path)
    args = command if command[0] == "automaton" else [*command, "--data", str(rows)]
    assert main(args) == 2
    name, first, second = command[-3].partition("=")[0], command[-3].partition("=")[2], command[-1].partition("=")[2]
    err = capsys.readouterr().err
    assert f"--option {name}= is given twice ({first}, then {second}): give it once" in err, err


def test_column_flags_naming_no_column_say_why(tmp_path, monkeypatch, capsys):
    """A header written 'a ,b' names the column 'a ' (a CSV is read without the spaces after separators, not
    those before), and --drop 'a ' (the name as written) was refused as "column 'a' not in rows.csv; columns are
    ['a ', 'b', 'c']": the comma-separated list strips its names. The error now says the name has spaces around it
    and gives the JSON list that names it. --categorical a --drop a said "unknown categorical column 'a'" of a
    file that holds it: it now says both flags name it."""
    rows = tmp_path / "rows.csv"
    rows.write_text("a ,b,c\n" + "".join(f"{i / 50},{i % 7},{i % 3}\n" for i in range(100)))
    monkeypatch.chdir(tmp_path)
    assert main(["distill", "--teacher", "x:y", "--data", str(rows), "--drop", "a ", "-o", "m2.json"]) == 2
    err = capsys.readouterr().err
    assert f"column 'a' not in {rows}; columns are ['a ', 'b', 'c'] ('a ' has spaces around its name: name it in a " \
           """JSON list, '["a "]')""" in err, err
    assert main(["distill", "--teacher", "x:y", "--data", str(rows), "--drop", "b", "--categorical", "b",
                 "-o", "m2.json"]) == 2
    err = capsys.readouterr().err
    assert "--categorical and --drop both name 'b': a dropped column is no feature to declare categorical" in err, err


@pytest.mark.parametrize("line", ["sep=,", "sep=;"])
def test_a_spreadsheet_separator_line_is_named(model_file, tmp_path, capsys, line):
    """A CSV whose first line is a spreadsheet's separator line (Excel writes and reads 'sep=,' or 'sep=;') was
    refused as "line 2 of rows.csv has 3 fields, but the header names 2 columns", the 'sep=' line taken for a
    header, or as a ';'-separated file (header 'sep=;'). The error now names that line, to delete."""
    data = tmp_path / "rows.csv"
    sep = line[-1]
    data.write_text(f"{line}\n" + "".join(sep.join(row) + "\n" for row in [["a", "b", "c"]] + [
        [str(i / 10), str(i % 3), str(i % 5)] for i in range(10)]))
    for err in _refusals(data, model_file, tmp_path, capsys):
        assert f"line 1 of {data} is {line!r}, a spreadsheet's line naming the separator, not a header: delete it" \
            in err, err


def test_a_read_only_output_file_is_not_replaced(model_file, tmp_path, monkeypatch, capsys):
    """An -o file its user may not write (chmod a-w tree.json, to keep it) was replaced all the same after
    the work was done: the output is written beside it and moved over it, which a file's own permissions do
    not stop. It is now refused before any work, as writing it in place would be. (The tests may run as root,
    who may write any file: os.access is answered as for a user without write permission on it.)"""
    import os

    target = tmp_path / "old.csv"
    target.write_text("kept\n")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if Path(p) == target and mode == os.W_OK
                        else real_access(p, mode, *a, **k))
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b,c\n" + "".join(f"{i / 10},{i % 3},{i % 5}\n" for i in range(10)))
    assert main(["predict", str(model_file), "--data", str(rows), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {str(target)!r}: the file is read-only; make it writable, or give another path" in err, err
    assert target.read_text() == "kept\n"


@pytest.mark.parametrize("encoding, named", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE")])
def test_utf16_constraint_and_word_files_are_named_as_utf16_text(model_file, tmp_path, capsys, encoding, named):
    """A constraint file or a file of words saved as UTF-16 (Windows PowerShell's `echo ... > rules.txt`) was
    refused as "not UTF-8 text: invalid start byte at byte 0" or "cannot read words.txt: 'utf-8' codec can't
    decode byte 0xff in position 0" with a byte-order mark, and, without one, read as text holding NUL
    characters: "symbol '\\x00' is not in the alphabet", a constraint that does not parse. The errors now name
    the encoding, as --data's does."""
    rules = tmp_path / "rules.txt"
    rules.write_bytes("a < 0.2 -> prediction == 0\n".encode(encoding))
    assert main(["verify", str(model_file), "--constraint-file", str(rules)]) == 2
    err = capsys.readouterr().err
    assert f"--constraint-file {rules} is {named} text, not UTF-8: save it as UTF-8 (iconv -f {named} -t UTF-8)" \
        in err, err
    dfa = tmp_path / "dfa.json"
    sd.DFA("01", [[1, 0], [0, 1]], [False, True]).to_json(dfa)
    words = tmp_path / "words.txt"
    words.write_bytes("0110\n1\n".encode(encoding))
    assert main(["predict", str(dfa), "--data", str(words)]) == 2
    err = capsys.readouterr().err
    assert f"{words} is {named} text, not UTF-8: save it as UTF-8 (iconv -f {named} -t UTF-8)" in err, err


def test_report_files_are_written_whole(tmp_path, monkeypatch):
    """README: every output file is written beside its place and moved there whole, so an error or Ctrl-C
    midway leaves an earlier file as it was. The report's HTML and Markdown were written in place: a disk
    filling up (or Ctrl-C) midway left a half-written report over the earlier one."""
    pytest.importorskip("matplotlib")
    X = np.random.default_rng(0).uniform(size=(300, 2))
    front = sd.frontier(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), X, forms=["tree"], sizes=[2],
                        random_state=0, progress=False)
    rep = sd.report(front, path=None)
    target = tmp_path / "r.html"
    target.write_text("earlier report")
    (tmp_path / "r.md").write_text("earlier markdown")
    real = Path.write_text

    def full_disk(self, data, *args, **kwargs):  # half the text reaches the file, then the disk is full
        real(self, data[:len(data) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(OSError, match="No space left"):
        rep.write(target)
    monkeypatch.setattr(Path, "write_text", real)
    assert target.read_text() == "earlier report" and (tmp_path / "r.md").read_text() == "earlier markdown"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.md"] + (
        ["r_figures"] if (tmp_path / "r_figures").exists() else [])
    rep.write(target)
    assert target.read_text() == rep.html and (tmp_path / "r.md").read_text() == rep.markdown
    link = tmp_path / "link.html"  # a link to the report: its target is written, the link kept
    link.symlink_to(target.name)
    target.write_text("earlier report")
    rep.write(link)
    assert link.is_symlink() and target.read_text() == rep.html


@pytest.mark.parametrize("encoding, message", [("latin-1", "is not UTF-8 text: line 4 holds the byte 0xe9"),
                                               ("utf-16", "is UTF-16 text, not UTF-8")])
def test_a_compressed_csv_in_another_encoding_is_named_as_one_uncompressed_is(model_file, tmp_path, capsys, encoding,
                                                                             message):
    """README: a compressed CSV is read 'with the same checks'. A gzip'd CSV in Latin-1 or UTF-16 was refused with
    pandas' "'utf-8' codec can't decode byte 0xe9 in position 31: invalid continuation byte" (a place in the
    unpacked text), where the same file uncompressed names the line and the byte, or the encoding."""
    import gzip

    data = tmp_path / "rows.csv.gz"
    data.write_bytes(gzip.compress("a,b,c\n0.1,0.2,1\n0.3,0.4,2\n0.5,0.6,México\n".encode(encoding)))
    for err in _refusals(data, model_file, tmp_path, capsys):
        assert f"{data} {message}" in err and "codec" not in err, err


def test_a_compressed_binary_file_is_named_as_no_csv_text(model_file, tmp_path, capsys):
    """A gzip'd file of zeros given as --data was refused as "has no rows (columns ['\\x00\\x00...'])", three
    thousand NUL characters read as a header, where the same file uncompressed is named as binary data."""
    import gzip

    data = tmp_path / "zeros.csv.gz"
    data.write_bytes(gzip.compress(bytes(3000)))
    for err in _refusals(data, model_file, tmp_path, capsys):
        assert f"{data} is not a CSV file: it holds binary data, a NUL byte at byte offset 0" in err, err
        assert "\\x00" not in err and err.count("\n") == 1


def test_a_json_list_of_columns_holding_no_name_is_refused(tmp_path, capsys):
    """--categorical '["a", 1]' (a JSON list, one item a number) was split at its comma and refused as "unknown
    categorical column '[\\"a\\"'; columns are ['a', 'b']", naming a column nobody wrote. A JSON list whose
    items are not all names is now refused as such."""
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" + "".join(f"{i / 50},{i % 7}\n" for i in range(100)))
    for flag in ("--categorical", "--drop"):
        assert main(["distill", "--teacher", "x:y", "--data", str(rows), flag, '["a", 1]',
                     "-o", str(tmp_path / "m.json")]) == 2
        err = capsys.readouterr().err
        assert f"""{flag} '["a", 1]' is a JSON list whose items must be column names (strings), got 1""" in err, err


def test_a_read_only_report_file_is_not_replaced(tmp_path, monkeypatch, capsys):
    """A report's files are moved over the earlier ones whole, which a read-only file's permissions do not
    stop: symdistill report -o r.html over a protected r.html (or its r.md) is refused before any work, as
    writing it in place was. (os.access is answered as for a user without write permission on it.)"""
    import os

    pytest.importorskip("matplotlib")
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" + "".join(f"{i / 50},{i % 7}\n" for i in range(100)))
    for name in ("r.html", "r.md"):
        target = tmp_path / name
        target.write_text("kept")
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if Path(p) == target and mode == os.W_OK
                            else real_access(p, mode, *a, **k))
        assert main(["report", "--teacher", "x:y", "--data", str(rows), "-o", str(tmp_path / "r.html")]) == 2
        err = capsys.readouterr().err
        assert f"cannot write {str(target)!r}: the file is read-only; make it writable, or give another path" in err, err
        assert target.read_text() == "kept"
        monkeypatch.setattr(os, "access", real_access)
        target.unlink()


def test_a_long_csv_with_a_word_late_in_a_column_of_numbers_gives_each_category_once(tmp_path, monkeypatch, capsys):
    """pandas parses a long CSV in chunks (low_memory), each typed on its own: a column of numbers whose word
    ('many', adult's '?') comes after the first chunk was read as Python ints from the first chunks and
    strings from the last, and the model's categories held every code twice, [1, 2, '1', '2', 'many'], the rows
    split between them (pandas' "Columns (1: c) have mixed types" the only sign). The file is now typed
    whole, as a short one is: the categories '1', '2', 'many'."""
    rows = tmp_path / "rows.csv"
    n = 300_000
    rows.write_text("a,c\n" + "".join(f"{i % 10 / 10},{1 + i % 2}\n" for i in range(n - 1)) + "0.5,many\n")
    (tmp_path / "late_word_teacher.py").write_text(
        "import numpy as np\n\ndef f(X):\n    return (np.asarray(X['a'], dtype=float) > 0.45).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["distill", "--teacher", "late_word_teacher:f", "--data", str(rows), "--max-size", "2",
                     "-o", str(tmp_path / "m.json")]) == 0
    said = [str(w.message) for w in caught]
    assert not any("mixed types" in text for text in said), said
    assert any("holds numbers but 1 field of text ('many' in row 299999)" in text for text in said), said
    categories = sd.load(tmp_path / "m.json").domain.features[1].categories
    assert list(categories) == ["1", "2", "many"], categories
