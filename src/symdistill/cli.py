"""The ``symdistill`` command: distill, show, evaluate, demo (and more as subcommands register).

Every subcommand is a pair of functions: ``_add_<name>(subparsers)`` declares its arguments and
``_run_<name>(args)`` does the work and returns the exit code.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import math
import os
import re
import sys
import time
import warnings
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Collection, Iterator, Sequence

from . import __version__
from ._encoding import utf16_text
from ._files import write_whole
from ._errors import DataError, ModelFormatError, TeacherError, counted, flag_list, require_extra
from ._errors import warn as _warn  # as _warn: read_table's flag whether to warn takes the name warn


class CLIError(Exception):
    """A user error: printed without a traceback, exit code 2."""


# -- loading ----------------------------------------------------------------------------------
def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message (a library's reason can run over several), or its type."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def require_file(path: str, what: str) -> None:
    """Refuse a ``path`` to read that is no regular file, saying whether it is missing, a directory or another
    kind of file (a pipe, as ``--data <(...)`` gives: a table is read more than once, a pipe only once).
    ``-``, which names standard input to many commands (as ``-o -`` names standard output), is refused as such."""
    if path == "-":
        raise CLIError(f"{what} '-': symdistill reads files, not standard input; save the input to a file and give "
                       "its name")
    if Path(path).is_dir():
        raise CLIError(f"{what} {path} is a directory, not a file")
    if not Path(path).exists():
        raise CLIError(f"{what} not found: {path}")
    if not Path(path).is_file():
        raise CLIError(f"{what} {path} is not a regular file (a pipe or a device?): save it to a file first")


def read_table(path: str, drop: list[str] | None = None, text: Sequence[str] = (), warn: bool = True,
               codes: Sequence[str] = (), na: Collection[str] | None = None, rows: int | None = None,
               drop_missing: bool = False, needed: Sequence[str] = ()) -> Any:
    """Rows from a CSV or Parquet file, as a DataFrame (pandas needed); the CSV columns named in ``text``
    are read as written (codes such as 01 and 2 stay the strings '01' and '2'), and so are those named in
    ``codes`` (columns declared categorical) that hold a zero-padded code (01, 007), which read as a
    number would lose its text. ``warn=False`` reads a file again without repeating the warnings about
    its header and its missing fields. ``na``: the CSV fields read as missing values (``--na-values``;
    None: pandas' own, ``CSV_MISSING``), so that with ``na=[""]`` only an empty field is one and NA is
    'NA'. ``rows``: of a CSV, only the first so many rows are read (its columns are known from them).
    ``drop_missing`` (``--drop-missing``): the rows holding a missing field in a column read are dropped,
    as ``drop_missing_rows`` drops them (``needed``: dropped columns that count too, evaluate's --label)."""
    return read_table_written(path, drop, text, warn, codes, na, rows=rows, drop_missing=drop_missing,
                              needed=needed)[0]


def read_table_written(path: str, drop: list[str] | None = None, text: Sequence[str] = (), warn: bool = True,
                       codes: Sequence[str] = (), na: Collection[str] | None = None, written: Sequence[str] = (),
                       rows: int | None = None, drop_missing: bool = False, needed: Sequence[str] = (),
                       spare: Sequence[str] = (), note: str = "") -> tuple[Any, Any, Any]:
    """``(read_table(path, drop, text, warn, codes, na), the columns written, the columns needed)``, in one
    reading of the file: the second a DataFrame of the columns named in ``written`` as ``read_table(path,
    drop, written, na=[])`` reads them (of a CSV, every field as written; None when ``written`` is empty);
    the third the columns of ``needed`` as read (typed as the rows are, as text where ``text`` names them;
    None when ``needed`` is empty), before ``drop`` drops them from the rows: evaluate's --label, read with
    the rows rather than in a second reading of the file. With ``drop_missing``, all three lose the rows
    ``drop_missing_rows`` drops, where the columns of ``spare`` (predict's --keep identifiers, no features)
    do not count and the dropped ones of ``needed`` do; ``note`` ends its message."""
    try:
        import pandas as pd
    except ImportError:
        raise CLIError("reading data files needs pandas: pip install 'symdistill[pandas]'") from None
    p = Path(path)
    require_file(path, "data file")
    suffix = p.suffix.lower()
    compressed = suffix in COMPRESSED_SUFFIXES and len(p.suffixes) > 1  # rows.csv.gz: pandas reads it unpacked
    if compressed:
        suffix = p.suffixes[-2].lower()
    if compressed and p.suffix.lower() == ".zst":  # pandas unpacks it with the zstandard package
        require_extra("zstandard", f"reading {path} (zstd-compressed) needs the zstandard package", "pandas")
    unnamed: dict[Any, int] = {}  # columns with no name in the header ('Unnamed: 0', as pandas names them): number
    ended, sep = None, ","  # the last of them when it is empty too; the CSV's separator
    try:
        if suffix in (".parquet", ".pq") and not compressed:
            if na is not None:
                raise CLIError(f"--na-values applies to CSV files; {path} is a Parquet file, whose missing values "
                               "are its nulls, and whose text is read as written")
            df = pd.read_parquet(p)
            kept = df[[c for c in written if c in df.columns]].copy() if written else None
        elif suffix in (".csv", ".txt", ".data", ".tsv"):
            sep = "\t" if suffix == ".tsv" else ","
            # a NUL byte is in no text: pandas read one as a header of NUL characters
            start = _unpacked(p, compressed, 1 << 16)
            if b"\x00" in start:
                raise CLIError(_not_text(p, path, compressed))
            if not start.strip():  # pandas: "No columns to parse from file"
                raise CLIError(f"{path} is empty: a CSV file starts with a header line naming its columns, then a "
                               "line per row")
            df, kept = _read_csv_written(pd, p, sep, text, na, written, rows)
            # the header as written: pandas renames a repeated name ('a', 'a' -> 'a', 'a.1')
            header = pd.read_csv(p, sep=sep, skipinitialspace=True, header=None, nrows=1, dtype=str,
                                 keep_default_na=False).iloc[0].tolist()
            if re.fullmatch("sep=.", sep.join(header), re.S):  # Excel's line declaring the separator
                raise CLIError(f"line 1 of {path} is {sep.join(header)!r}, a spreadsheet's line naming the separator, "
                               "not a header: delete it, so that the header naming the columns is the first line")
            repeated = [name for i, name in enumerate(header) if name in header[:i]]
            if repeated:
                raise CLIError(f"duplicate column name {repeated[0]!r} in the header of {path}: every column "
                               "needs its own name")
            wider = not df.index.equals(pd.RangeIndex(len(df)))  # pandas made the fields beyond the header an index
            for other in [c for c in ",;\t|" if c != sep]:  # one column: the file may use another separator
                # (its rows wider than its header when its numbers hold the separator read: 0,5;1,25)
                if len(header) == 1 and len(df) and other in header[0] and (wider or other in str(df.iat[0, 0])):
                    raise CLIError(f"{path} looks {other!r}-separated (header {header[0]!r} is one column): "
                                   f"{suffix} files are read {sep!r}-separated")
            numbers = [name for name in header if _is_decimal(name)] or _values_as_names(df, header)
            if numbers and warn:  # no header line (UCI's .data files): the first row names the columns
                _warn(f"the header of {path} names columns with numbers ({', '.join(numbers[:3])}"
                      f"{', ...' if len(numbers) > 3 else ''}): if the file has no header line, its first "
                      "row is read as the column names; add a line naming the columns")
            if wider:
                raise CLIError(_wider_row(p, path, sep, len(header)))
            # a short row's last field is missing (looked for only then, and not again in a second reading,
            # warn False); a header ending in the separator above rows that do not is named below, as a
            # column of no name and no value
            if warn and len(header) > 1 and header[-1] != "" and rows is None and df.iloc[:, -1].isna().any():
                short = _short_row(p, path, sep, len(header))
                if short:
                    raise CLIError(short)
            unnamed = {column: i + 1 for i, (column, name) in enumerate(zip(df.columns, header)) if name == ""}
            last = df.columns[-1]  # no name and no value: the header and every row end in the separator
            ended = last if unnamed.get(last) == len(header) and (df[last].isna() | df[last].eq("")).all() else None
            padded = [c for c in codes if c in df.columns and c not in text and df[c].dtype.kind in "iuf"]
            if padded:
                written = pd.read_csv(p, sep=sep, skipinitialspace=True, usecols=padded, dtype=str, **_na_options(na))
                for c in padded:
                    if written[c].str.fullmatch(r"[+-]?0\d+(\.\d*)?").any():
                        df[c] = written[c]
            if warn and na is None:
                _warn_missing_words(pd, p, sep, df, [*written, *(drop or [])], path)
        else:
            raise CLIError(f"cannot read {path}: expected a .csv (or .csv.gz, .csv.bz2, ...) or .parquet file")
    except CLIError:
        raise
    except Exception as exc:  # pandas' and pyarrow's reasons can run over several lines: the first says it
        if isinstance(exc, UnicodeDecodeError):
            raise CLIError(_not_text(p, path, compressed)) from None
        raise CLIError(f"cannot read {path}: {_first_line(exc)}") from None
    for col in drop or []:
        if col not in df.columns:  # of the flag that names it: evaluate's --label is among them (``needed``)
            raise CLIError(f"{'--label' if col in needed else '--drop'}: column {col!r} not in {path}; columns are "
                           f"{list(df.columns)}{comma_hint(col, df.columns)}")
    if len(df) == 0:
        raise CLIError(f"{path} has no rows (columns {list(df.columns)}, but no data under them)")
    if drop_missing:  # before the columns are dropped: a --label column among them counts (``needed``)
        read = [c for c in df.columns if (c not in (drop or []) or c in needed) and c not in spare]
        kept_rows = drop_missing_rows(df[read], path, warn, note)
        if kept_rows is not None:
            _ROWS_KEPT[path] = kept_rows.nonzero()[0]
            df = df[kept_rows].reset_index(drop=True)
            kept = None if kept is None else kept[kept_rows].reset_index(drop=True)
            _typed_again(pd, p, None if suffix in (".parquet", ".pq") and not compressed else sep, df, kept_rows)
    held = df[list(needed)] if needed else None
    df = df.drop(columns=drop or [])
    if df.shape[1] == 0:
        raise CLIError(f"no feature columns left in {path} after --drop {','.join(map(str, drop or []))}")
    for column, number in unnamed.items():
        if column in df.columns and column == ended:
            raise CLIError(f"column {number} of {path} has no name in the header and no value (a {sep!r} at the end "
                           f"of every line?): --drop {column!r}")
        if column in df.columns:  # most often the index of DataFrame.to_csv without index=False
            raise CLIError(f"column {number} of {path} has no name in the header (an index written by "
                           f"DataFrame.to_csv?): name it, or --drop {column!r}")
    return df, kept, held


def drop_missing_rows(df: Any, path: str, warn: bool = True, note: str = "") -> Any:
    """``--drop-missing``: the rows of ``df`` (the columns a command reads, of the file ``path``) to keep, those
    holding no missing field, as a boolean array; None when every row is kept. Never silent: how many rows
    were dropped, of how many, and the first one's line in the file (its row, counted from 0, of a Parquet
    file) go to stderr (not again when ``warn`` is False: the file read a second time), ``note`` after. A
    file every row of which holds one is refused, naming the column missing most often."""
    missing = df.isna().to_numpy()
    dropped = missing.any(axis=1)
    if not dropped.any():
        return None
    counts = missing.sum(axis=0)
    worst = df.columns[int(counts.argmax())]
    if dropped.all():
        raise CLIError(f"--drop-missing would drop every row of {path}: each of its {counted(len(df), 'row')} holds "
                       f"a missing field (column {worst!r} is missing in {int(counts.max())}); fill them, or --drop "
                       "a column that is mostly missing")
    if warn:
        first = int(dropped.argmax())
        line = _record_line(path, first)
        where = f"row {first}" if line is None else f"line {line}"
        named = ", ".join(f"{c!r} {n}" for c, n in zip(df.columns, counts.tolist()) if n)
        print(f"--drop-missing: dropped {int(dropped.sum())} of {counted(len(df), 'row')} of {path}, holding a "
              f"missing field (the first at {where}; missing per column: {named}){note}", file=sys.stderr)
    return ~dropped


# The rows of each file read (by its path as given) that --drop-missing kept, as the file numbers them
# (counted from 0, the header aside): a message naming a row of the rows kept names it by the file's
# number (``file_row``), where the row's place among those kept (row 2 for the file's row 3) is no row of the
# file the user can find. main empties it before each command.
_ROWS_KEPT: dict[str, Any] = {}


def file_row(path: str, row: int) -> int:
    """The number in the file ``path`` (counted from 0, the header aside) of the row ``row`` of the rows read
    from it: the same where --drop-missing dropped none."""
    kept = _ROWS_KEPT.get(path)
    return row if kept is None or not 0 <= row < len(kept) else int(kept[row])


def file_rows(message: str, path: str) -> str:
    """``message``, a refusal of the rows read from ``path`` ("column 'b' has a non-finite value (inf) in row
    2"), naming each row as the file counts it (``file_row``)."""
    if path not in _ROWS_KEPT:
        return message
    return re.sub(r"\brow (\d+)\b", lambda m: f"row {file_row(path, int(m[1]))}", message)


def _typed_again(pd: Any, p: Path, sep: str | None, df: Any, rows: Any) -> None:
    """Type again the columns of ``df``, the rows of the file ``p`` that --drop-missing kept (``rows``, of the
    file's), that pandas typed as it did only for the missing fields dropped: integers read as floats (30
    as 30.0; of a Parquet file, ``sep`` None, its integer columns holding nulls), True and False as
    objects. So the rows kept are read as a file of them alone is (the teacher is asked with the column's
    type, and a model records it)."""
    for c in df.columns:
        if df[c].dtype.kind == "O" and len(df) and df[c].map(type).eq(bool).all():
            df[c] = df[c].astype(bool)
    floats = [c for c in df.columns if df[c].dtype.kind == "f" and df[c].mod(1).eq(0).all()]
    if not floats:
        return
    if sep is None:
        try:
            import pyarrow.parquet as pq
        except ImportError:  # read by fastparquet: its nullable integers are read as such
            return
        schema = pq.read_schema(p)
        for c in floats:
            if c in schema.names and str(schema.field(c).type).startswith(("int", "uint")):
                df[c] = df[c].astype(str(schema.field(c).type))
        return
    fields = pd.read_csv(p, sep=sep, skipinitialspace=True, usecols=floats, dtype=str, keep_default_na=False)[rows]
    for c in floats:
        if fields[c].str.fullmatch(r"\s*[+-]?\d{1,18}\s*").all():  # whole numbers as written: pandas' int64
            df[c] = pd.to_numeric(fields[c].str.strip()).to_numpy(dtype="int64")


def _record_line(path: str, row: int) -> int | None:
    """The line of a CSV file ``path`` on which its row ``row`` (counted from 0, the header aside, as pandas
    reads them: blank lines skipped, a quoted field may span lines) starts; None for a Parquet file."""
    from pandas.io.common import get_handle  # pandas' opener: a compressed file is read unpacked

    suffixes = [s.lower() for s in Path(path).suffixes]
    if len(suffixes) > 1 and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    if suffixes and suffixes[-1] in (".parquet", ".pq"):
        return None
    with get_handle(path, "r", encoding="utf-8", compression="infer") as handles:
        reader = csv.reader(handles.handle, delimiter="\t" if suffixes[-1:] == [".tsv"] else ",")
        records = -1  # the header is the first record
        start = 1
        for record in reader:
            if record:
                if records == row:
                    return start
                records += 1
            start = reader.line_num + 1
    return None


# The first bytes of a compressed file (as pandas unpacks it, by its name) and of a Parquet file
PACKED = {b"\x1f\x8b": ("gzip", ".gz"), b"BZh": ("bzip2", ".bz2"), b"PK\x03\x04": ("zip", ".zip"),
          b"\xfd7zXZ\x00": ("xz", ".xz"), b"\x28\xb5\x2f\xfd": ("zstd", ".zst")}

# The first bytes of binary files that are given as --data by mistake, named in the error
BINARY = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"SQLite format 3\x00": "an SQLite database",
          b"\x93NUMPY": "a NumPy .npy array", b"\xd0\xcf\x11\xe0": "an old Excel .xls or other Office file"}


def _unpacked(p: Path, compressed: bool, size: int = -1) -> bytes:
    """The first ``size`` bytes (all: -1) of the file ``p``, unpacked by pandas' opener where ``compressed``,
    as read_table reads it."""
    if not compressed:
        with open(p, "rb") as f:
            return f.read(size)
    from pandas.io.common import get_handle

    with get_handle(p, "rb", compression="infer", is_text=False) as handles:
        return handles.handle.read(size)


def _not_text(p: Path, path: str, compressed: bool = False) -> str:
    """Why the CSV file ``p`` is not UTF-8 text, which pandas' decoding error ("can't decode byte 0xe9 in
    position 1": a place in some chunk) does not say: compressed or Parquet under a CSV name, binary (a NUL
    byte, which no text holds: an image), or the line and byte of its first character in another encoding
    (a spreadsheet's Latin-1 export). A ``compressed`` file's unpacked text is read so."""
    data = _unpacked(p, compressed)
    if data.startswith(b"PK\x03\x04") and b"[Content_Types].xml" in data:  # a zip of Office Open XML parts
        kind = "an Excel workbook (.xlsx)" if b"xl/workbook" in data else "an Office document (a zip of XML parts)"
        return (f"{path} is not a CSV file: it is {kind}, not a zip-compressed CSV; save it as CSV (the "
                "spreadsheet's Save As: CSV UTF-8) or give the rows as a Parquet file")
    for magic, (kind, suffix) in PACKED.items():
        if data.startswith(magic):
            return f"{path} is {kind}-compressed, and its name does not say so: name it {p.name}{suffix}"
    if data.startswith(b"PAR1"):
        return f"{path} is a Parquet file, and its name does not say so: name it {p.stem}.parquet"
    utf16 = utf16_text(data, path)
    if utf16:  # its NUL bytes are no sign of binary data
        return utf16
    nul = data.find(b"\x00")
    if nul >= 0:
        what = next((f" ({kind})" for magic, kind in BINARY.items() if data.startswith(magic)), "")
        return (f"{path} is not a CSV file: it holds binary data{what}, a NUL byte at byte offset {nul}; give the "
                "rows as a CSV (text) or Parquet file")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return (f"{path} is not UTF-8 text: line {line} holds the byte 0x{data[exc.start]:02x} ({exc.reason}); "
                "save it as UTF-8 (a spreadsheet's Latin-1 or Windows-1252 export: iconv -f cp1252 -t utf-8)")
    return f"cannot read {path}: not UTF-8 text"


# The fields pandas' read_csv reads as missing by default: its na_values default as its documentation lists
# it, the same in every pandas >= 2.0 (which added 'None'); pandas keeps the list itself in a private module.
CSV_MISSING = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                         "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})


def _na_options(na: Collection[str] | None) -> dict[str, Any]:
    """``pd.read_csv``'s options reading the fields ``na`` as missing values (None: pandas' default)."""
    return {} if na is None else {"keep_default_na": False, "na_values": sorted(na) or None}


def _read_csv_written(pd: Any, p: Path, sep: str, text: Sequence[str], na: Collection[str] | None,
                      written: Sequence[str], rows: int | None = None) -> tuple[Any, Any]:
    """A CSV file read once: its rows as ``read_table`` reads them (before its checks), and the
    columns named in ``written`` as written (None when none is named). Those are read as strings, no
    field missing, and the rows' own columns made from them as pandas makes them from the file: text
    columns missing where a field is one of the missing-value fields (``na``; None: pandas' own), other
    columns parsed by pandas from the same fields. Each column is typed whole (``_typed_whole``)."""
    dtype = dict.fromkeys(text, str)
    if not written:
        return _typed_whole(pd, p, sep=sep, skipinitialspace=True, dtype=dtype, nrows=rows, **_na_options(na)), None
    fields_missing = sorted(CSV_MISSING if na is None else na)
    names = list(pd.read_csv(p, sep=sep, skipinitialspace=True, nrows=0).columns)
    as_written = [c for c in dict.fromkeys(written) if c in names]
    # Only the other columns read missing values: a written column keeps '' and 'NA' as they stand.
    df = _typed_whole(pd, p, sep=sep, skipinitialspace=True, dtype={**dtype, **dict.fromkeys(as_written, str)},
                      keep_default_na=False, na_values={c: fields_missing for c in names if c not in as_written},
                      nrows=rows)
    kept = df[as_written].copy()
    for c in as_written:
        if c in text:
            df[c] = kept[c].where(~kept[c].isin(fields_missing))
            continue
        # parsed as the file's own column would be: the same fields (quoted, so spaces stay) through pandas
        fields = "".join(f'"{v}"\n' for v in kept[c].str.replace('"', '""', regex=False).tolist())
        df[c] = pd.read_csv(io.StringIO(f"x\n{fields}"), skipinitialspace=True, low_memory=False,
                            **_na_options(na))["x"].to_numpy()
    return df, kept


def _typed_whole(pd: Any, p: Path, **options: Any) -> Any:
    """``pd.read_csv(p, **options)`` with each column typed whole: pandas types a long file's chunks one by
    one (``low_memory``), and a column of numbers whose word came after the first chunk held ints and
    strings, 1 and '1'. Such a file, which pandas warns of, is read again without chunks (slower: only then)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.DtypeWarning)
        try:
            return pd.read_csv(p, **options)
        except pd.errors.DtypeWarning:
            pass
    return pd.read_csv(p, low_memory=False, **options)


def _warn_missing_words(pd: Any, p: Path, sep: str, df: Any, skip: Sequence[str], path: str) -> None:
    """Warn of a text column (not among ``skip``: those kept as written or dropped) some of whose fields
    pandas read as missing values although they are words (NA, None, null, ...: pandas' default), which
    may be the column's values (NA for North America): missing values are refused, and
    ``--na-values ''`` reads only empty fields as missing."""
    columns = [c for c in df.columns if df[c].dtype.kind == "O" and c not in skip and df[c].isna().any()]
    if not columns:
        return
    fields = pd.read_csv(p, sep=sep, skipinitialspace=True, usecols=columns, dtype=str, keep_default_na=False)
    for c in columns:
        words = fields[c][df[c].isna().to_numpy() & fields[c].ne("").to_numpy()]
        if len(words):
            word = words.iloc[0]
            if len(words) == 1:
                found = f"a field {word!r} (row {words.index[0]}) is read as a missing value, as pandas reads it; if " \
                        "it is a value"
            else:
                found = f"{len(words)} fields such as {word!r} (first in row {words.index[0]}) are read as missing " \
                        "values, as pandas reads them; if they are values"
            _warn(f"column {c!r} of {path}: {found} of the column, --na-values '' reads only empty fields as missing")


COMPRESSED_SUFFIXES = (".gz", ".bz2", ".zip", ".xz", ".zst")  # a CSV packed so, read as pandas reads it
MODEL_SUFFIXES = (".onnx", ".pt", ".pth", ".torchscript")  # teachers read as ONNX or TorchScript files
PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle")  # teachers loaded with joblib


def _is_decimal(name: str) -> bool:
    """Whether a column name reads as a number that is not a whole one (17.99, -8.2, 1e5): a value, where
    whole numbers (years, positions) name columns too."""
    try:
        float(name)
    except ValueError:
        return False
    return any(c.isdigit() for c in name) and not name.strip().lstrip("+-").isdigit()


def _values_as_names(df: Any, header: list[str]) -> list[str]:
    """Whole-number header names that read as a row of the data: two or more, not a run (1..16,
    2019..2023 name columns) and each within the values of its column (years naming columns of
    measurements lie outside them)."""
    wholes = [(j, name) for j, name in enumerate(header) if name.strip().lstrip("+-").isdigit()]
    if len(wholes) < 2 or df.shape[1] != len(header) or any(df.dtypes.iloc[j].kind not in "iuf" for j, _ in wholes):
        return []
    values = sorted(int(name) for _, name in wholes)
    if values == list(range(values[0], values[0] + len(values))):
        return []
    inside = all(df.iloc[:, j].min() <= int(name) <= df.iloc[:, j].max() for j, name in wholes)
    return [name for _, name in wholes] if inside else []


def _wider_row(p: Path, path: str, sep: str, width: int) -> str:
    """The error for a CSV whose rows have more fields than its header names columns (pandas reads the
    first fields as an index, and every column gets the values of the one after it), naming the first."""
    from pandas.io.common import get_handle  # pandas' opener: a compressed file is read unpacked

    with get_handle(p, "r", encoding="utf-8", compression="infer") as handles:
        reader = csv.reader(handles.handle, delimiter=sep, skipinitialspace=True)
        for row in reader:
            if len(row) > width:
                hint = f" (a {sep!r} at the end of the line?)" if row[-1] == "" else ""
                return (f"line {reader.line_num} of {path} has {len(row)} fields, but the header names "
                        f"{counted(width, 'column')}{hint}: every field needs a column named in the header")
    return f"rows of {path} have more fields than its header names columns ({width})"


def _short_row(p: Path, path: str, sep: str, width: int) -> str:
    """The error for the first row of a CSV with fewer fields than its header names columns (a separator
    forgotten: pandas reads its fields into the first columns and the rest as missing, a missing value no
    field is), naming its line; '' where every row has a field for every column."""
    from pandas.io.common import get_handle  # pandas' opener: a compressed file is read unpacked

    with get_handle(p, "r", encoding="utf-8", compression="infer") as handles:
        reader = csv.reader(handles.handle, delimiter=sep, skipinitialspace=True)
        next(reader, None)  # the header
        for row in reader:
            if 0 < len(row) < width:  # (a blank line is no row)
                return (f"line {reader.line_num} of {path} has {counted(len(row), 'field')}, but the header names "
                        f"{counted(width, 'column')}: every column needs a field (an empty one for a missing value)")
    return ""


def load_teacher_object(spec: str) -> Any:
    """A teacher from a file (.onnx, TorchScript .pt, scikit-learn .joblib, a saved tabular model's .json)
    or ``module:attribute``."""
    from .models.base import concept_layer

    p = Path(spec)
    suffix = p.suffix.lower()
    expected = ("expected a .onnx, TorchScript .pt, scikit-learn .joblib, .pkl or .pickle file, a saved model's "
                ".json, or module:attribute")
    if p.is_dir():
        raise CLIError(f"teacher {spec} is a directory, not a file: {expected}")
    if suffix == ".json":  # a saved model answers as sd.fidelity and sd.distill take it (JSON: no code runs)
        if not p.is_file():
            raise CLIError(f"teacher file not found: {spec}")
        model = load_model(spec)
        if model.kind in ("dfa", "moore"):
            raise CLIError(f"teacher {spec} is a saved automaton, a teacher of words (symdistill automaton, or "
                           "evaluate of an automaton), not of rows")
        if concept_layer(model) is not None:
            raise CLIError(f"teacher {spec} holds concept rules, which read a hidden layer's activations, not the "
                           "rows")
        return model
    if suffix in MODEL_SUFFIXES:
        if not p.is_file():
            raise CLIError(f"teacher file not found: {spec}")
        if suffix != ".onnx" and not zipfile.is_zipfile(p):
            raise CLIError(f"cannot load teacher {spec}: not a TorchScript file (torch.jit.save writes a zip archive)")
        return spec
    if suffix in PICKLE_SUFFIXES:
        if not p.is_file():
            raise CLIError(f"teacher file not found: {spec}")
        _warn(f"loading {p.name} runs pickle: only load files you trust")
        import joblib

        try:
            return joblib.load(p)
        except (ImportError, AttributeError) as exc:  # a pickle of a class whose module (or name) is missing here
            raise CLIError(f"cannot load teacher {spec}: {_first_line(exc)}") from None
        except Exception as exc:  # joblib's reason ('pop from empty list') does not say the file is no pickle
            raise CLIError(f"cannot load teacher {spec}: it is not a pickle that joblib.load reads (one written by "
                           f"joblib.dump or pickle.dump), or a damaged one ({_first_line(exc)})") from None
    if ":" in spec:
        mod_name, _, attr = spec.partition(":")
        if "" not in sys.path and os.getcwd() not in sys.path:  # as `python -m` does: modules here are found
            sys.path.insert(0, os.getcwd())
        try:
            obj: Any = importlib.import_module(mod_name)
        except ImportError as exc:
            module = mod_name[:-3] if mod_name.endswith(".py") else mod_name
            hint = f"; name the module as Python imports it, {module.replace('/', '.').replace(os.sep, '.')}:{attr}, " \
                   "not its file" if module != mod_name or "/" in module or os.sep in module else ""
            raise CLIError(f"cannot import teacher module {mod_name!r}: {exc}{hint}") from None
        except Exception as exc:  # the module's own code failed (a SyntaxError, an error at import time)
            raise CLIError(f"cannot import teacher module {mod_name!r}: it raised {type(exc).__name__}: {exc}") from None
        for part in attr.split("."):
            if not hasattr(obj, part):
                raise CLIError(f"module {mod_name!r} has no attribute {attr!r}")
            obj = getattr(obj, part)
        return obj
    raise CLIError(f"cannot load teacher {spec!r}: {expected}")


def teacher_source(spec: str) -> str | None:
    """The file a loaded teacher came from: the file ``spec`` names, or the source of a ``module:attribute``
    teacher's module (None for a module without one); an output path must not be it."""
    if Path(spec).suffix.lower() not in MODEL_SUFFIXES + PICKLE_SUFFIXES and ":" in spec:
        return getattr(sys.modules.get(spec.partition(":")[0]), "__file__", None)
    return spec


def load_model(path: str) -> Any:
    from .models import load

    require_file(path, "model file")
    if Path(path).stat().st_size == 0:
        raise CLIError(f"model file {path} is empty; a model file holds the JSON that distill -o writes")
    try:
        return load(Path(path))
    except ModelFormatError as exc:  # "model is not valid JSON" named no file: verify --equivalent reads two
        # no JSON at all (a CSV of rows given for the model): what a model file is, as for an empty one
        what = "; a model file holds the JSON that distill -o writes" if str(exc).startswith("model is not valid JSON") \
            else ""
        raise CLIError(f"{exc}{what}" if path in str(exc) else f"model file {path}: {exc}{what}") from None


def check_output(path: str, command: str) -> None:
    """Fail before any work when ``path`` cannot be a file to write: a directory, a read-only file, a folder's name
    (``results/``, which ``Path`` would read as the file ``results``), or in a folder that does not
    exist or is not writable (``symdistill report`` checks its paths with ``check_report_path``); or
    ``-``, standard output elsewhere, for a ``command`` that writes a file (predict and export read
    ``-o -`` as standard output before this check)."""
    if path == "":  # ``-o "$OUT"`` with OUT unset: Path("") is the current folder
        raise CLIError("cannot write '': the path is empty; give a file name")
    if path == "-":
        raise CLIError(f"cannot write '-': {command} writes a file, not standard output; give a file name "
                       "(./- for a file named '-')")
    p = Path(path)
    if p.is_dir():
        raise CLIError(f"cannot write {path!r}: Is a directory")
    if p.is_file() and not os.access(p, os.W_OK):  # write_output moves a new file over it: no permission stops that
        raise CLIError(f"cannot write {path!r}: the file is read-only; make it writable, or give another path")
    if os.path.basename(path) in ("", ".", ".."):
        raise CLIError(f"cannot write {path!r}: it names a folder, not a file")
    parent = p.parent
    if not parent.is_dir():
        raise CLIError(f"cannot write {path!r}: folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise CLIError(f"cannot write {path!r}: folder {str(parent)!r} is not writable")


def check_model_output(path: str, command: str, teacher: str | None = None) -> None:
    """Refuse a model file's ``-o`` named for an export target (``tree.onnx``, ``rules.c``): the command
    writes the model's JSON, which such a name would hide from its reader (onnxruntime, gcc). Given the
    ``teacher`` spec, a ``.py`` name waits while it may be a ``module:attribute`` teacher's source, which
    is known once the module is imported: the command checks again then, after naming that graver case."""
    suffix = Path(path).suffix.lower()
    if teacher is not None and suffix == ".py" and teacher_source(teacher) != teacher:
        return
    target = named_for_another(path, "json")
    if target is not None:
        json_path = str(Path(path).with_suffix(".json"))
        hint = ("--dot writes the automaton's drawing" if command == "automaton" and target == "dot"
                else f"then symdistill export {json_path} --to {target} -o {path}")
        raise CLIError(f"-o {path!r} names a {suffix} file, which export --to {target} writes; {command} writes "
                       f"the model's JSON: give -o {json_path}, {hint}")


def check_distinct(output: tuple[str, str], *others: tuple[str, str | None]) -> None:
    """Refuse an output path that names the same file as another path of the command (``(flag, path)``
    pairs): writing it would overwrite that file (the model JSON with its DOT, say) without a word."""
    flag, path = output
    for other_flag, other in others:
        if other is None:
            continue
        if os.path.abspath(other) == os.path.abspath(path) or \
                (os.path.exists(path) and os.path.exists(other) and os.path.samefile(path, other)):  # links too
            raise CLIError(f"{flag} {path!r} is the same file as {other_flag} {other!r}: writing it would overwrite "
                           "that file; give another path")


def write_output(path: str, write: Callable[[Path], Any]) -> None:
    """``write(Path(path))`` written whole (``symdistill._files.write_whole``: an error or Ctrl-C midway leaves
    an earlier file as it was), with an OS error (permissions, a full disk, ...) as a user error."""
    try:
        write_whole(path, write)
    except OSError as exc:
        raise CLIError(f"cannot write {path!r}: {exc.strerror or exc}") from None


def _positive_seconds(text: str) -> float:
    """argparse type of a time budget: a finite number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0, got {text!r}")
    return value


def _whole_number(text: str, least: int, kind: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be a {kind} integer, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    """argparse type of a size: a whole number > 0."""
    return _whole_number(text, 1, "positive")


def _seed(text: str) -> int:
    """argparse type of a seed: a whole number >= 0 (as numpy takes it)."""
    return _whole_number(text, 0, "non-negative")


# argparse reads a token that starts with '-' as an option unless it reads as a negative number, and
# refused "--output-range -1e-06 1e-06" ("expected 2 arguments"), "-c -x0<=0" and "--never-accepts --.*"
# or "--alphabet -,." (a regex or an alphabet over the symbols - and .: "expected one argument"). No
# option of ours looks like a number, holds a comparison or has a non-letter after its dashes, so such
# tokens are values.
_DASH_VALUE = re.compile(r"^-(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^-inf(?:inity)?$"
                         r"|^-(?!-).*(?:[<>]|[=!]=)|^--?[^A-Za-z-]", re.I)


def dash_values(parser: argparse.ArgumentParser) -> None:
    """Let ``parser``'s options take values that start with a dash (see ``_DASH_VALUE``)."""
    parser._negative_number_matcher = _DASH_VALUE


def _split_list(text: str | None, flag: str) -> list[str] | None:
    """The comma-separated items of option ``flag``'s ``text`` (None when not given); an empty item
    is refused: ``--sizes ,2`` (or ``2,,4``) was read as ``2``, quietly dropping what was meant."""
    if not text:
        return None
    items = [s.strip() for s in text.split(",")]
    if "" in items:
        raise CLIError(f"{flag} {text!r} has an empty item; separate the items by single commas, "
                       "with none at either end")
    return items


def column_list(text: str | None, flag: str) -> list[str] | None:
    """The columns that ``flag`` (--drop, --keep, --categorical) names: a JSON list of names when ``text``
    is one (``["Income, USD", "id"]``: a quoted CSV header's names may hold commas), else names separated
    by commas (``_split_list``)."""
    names = json_strings(text)
    if names is not None:
        if "" in names:
            raise CLIError(f"{flag} {text!r} names a column with no name; list each column by its name")
        return names
    try:
        items = json.loads(text) if text and text.lstrip().startswith("[") else None
    except ValueError:  # not JSON: names separated by commas, the first starting with '['
        items = None
    if isinstance(items, list):
        bad = next(item for item in items if not isinstance(item, str))
        raise CLIError(f"{flag} {text!r} is a JSON list whose items must be column names (strings), got "
                       f"{json.dumps(bad)}")
    return _split_list(text, flag)


def json_strings(text: str | None) -> list[str] | None:
    """``text`` as a JSON list of strings, when it starts with ``[`` and is one; else None."""
    if not text or not text.lstrip().startswith("["):
        return None
    try:
        items = json.loads(text)
    except ValueError:
        return None
    return items if isinstance(items, list) and all(isinstance(item, str) for item in items) else None


def comma_hint(name: str, columns: Sequence[Any]) -> str:
    """A hint for a column ``name`` not among ``columns`` that is a part of a column whose name holds a
    comma (``--drop 'Income, USD'`` split into 'Income' and 'USD'), or a column's name without the spaces
    around it (a header's ``a ,b`` names 'a ', which a comma-separated list strips), or one that differs
    only in case (``--drop letter`` for letter recognition's 'Letter'); else ''."""
    whole = next((str(c) for c in columns if "," in str(c) and name in [part.strip() for part in str(c).split(",")]),
                 None)
    if whole is not None:
        return f" ({whole!r} holds a comma: name it in a JSON list, '{json.dumps([whole])}')"
    spaced = next((str(c) for c in columns if str(c).strip() == name and str(c) != name), None)
    if spaced is not None:
        return f" ({spaced!r} has spaces around its name: name it in a JSON list, '{json.dumps([spaced])}')"
    cased = next((str(c) for c in columns if str(c).casefold() == name.casefold()), None)
    return "" if cased is None else f" (did you mean {cased!r}? column names are case-sensitive)"


# -- commands ---------------------------------------------------------------------------------
def _add_distill(sub: Any) -> None:
    p = sub.add_parser("distill", help="distill a teacher into a symbolic model (JSON)")
    p.add_argument("--teacher", required=True, help=TEACHER_HELP)
    p.add_argument("--data", required=True, help=f"unlabelled rows ({TABLE_FORMATS})")
    p.add_argument("--form", default="tree", help="tree | rules | linear (default tree)")
    p.add_argument("--method", default=None,
                   help="pedagogical | decompositional (default pedagogical; decompositional with --option layer=...)")
    p.add_argument("--max-size", type=_positive_int, default=16, help="leaves / rules / non-zero weights; a multi-class linear model's terms, each weighed in every "
                        "class's score (default 16)")
    p.add_argument("--max-literals", type=_positive_int, default=None,
                   help="rules: most conditions per rule (default: no limit)")
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE", type=_learner_option,
                   help="another learner option, as sd.distill takes it (repeatable; VALUE is read as JSON "
                        "when it parses: --option n_samples=20000 --option criterion=soft)")
    add_data_options(p)
    p.add_argument("-o", "--output", required=True, help="where to write the model JSON")


_OWN_FLAG = {"max_size": "--max-size", "random_state": "--random-state", "form": "--form", "method": "--method",
             "max_literals": "--max-literals", "task": "--task", "categorical": "--categorical",
             "sampler_kernel": "--sampler-kernel", "batch_size": "--batch-size"}


def refuse_own_option(name: str, flag: str, own: dict[str, str]) -> None:
    """Refuse an ``--option`` (written ``flag``) that a flag of the command sets (``own``: option -> flag),
    or that is the teacher's: the command line wraps the teacher itself, so its other options are set in a
    module."""
    from .teachers import _OPTIONS

    if name in own:
        raise CLIError(f"{flag}: use {own[name]}")
    if name == "classes":
        raise CLIError(f"{flag}: classes= is the teacher's option: use --classes")
    if any(name in names for names in _OPTIONS.values()):
        raise CLIError(f"{flag}: {name}= is an option of the teacher, which the command line does not set: make the "
                       f"teacher in a module, teacher = sd.as_teacher(obj, {name}=...), and give --teacher "
                       "module:teacher")


def _learner_option(text: str) -> tuple[str, Any]:
    """argparse type of ``--option NAME=VALUE``: the value as JSON when it parses (numbers, true/false,
    null, lists), else the text itself."""
    name, eq, value = text.partition("=")
    name = name.strip()
    if not eq or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE with NAME an option name, got {text!r}")
    return name, option_value(value)


def refuse_twice(given: Sequence[tuple[Any, ...]]) -> None:
    """Refuse an ``--option`` given twice (``given``: argparse's list of ``(name, value)``, or report's
    ``(form, name, value)``): the last would win, the first dropped without a word."""
    seen: dict[tuple[Any, ...], Any] = {}
    for *key, value in given:
        if tuple(key) in seen:
            name = ".".join(str(k) for k in key if k is not None)
            shown = [v if isinstance(v, str) else json.dumps(v) for v in (seen[tuple(key)], value)]
            raise CLIError(f"--option {name}= is given twice ({shown[0]}, then {shown[1]}): give it once")
        seen[tuple(key)] = value


def option_value(text: str) -> Any:
    """``--option``'s VALUE: read as JSON when it parses (numbers, true/false, null, lists), else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


COLUMNS_HELP = "names separated by commas, or a JSON list for names that hold commas ('[\"Income, USD\", \"id\"]')"
TABLE_FORMATS = ".csv or .tsv, compressed or not (.gz, .bz2, .zip, .xz, .zst), or .parquet"
TEACHER_HELP = ".onnx, TorchScript .pt, scikit-learn .joblib or .pkl, a saved model .json, or module:attribute"
TASK_HELP = ("what the teacher is (default: inferred from its answers; whole numbers read as classes, so a "
             "regressor answering them needs regression)")
AS_ARRAY_HELP = ("hand the teacher a float array instead of a DataFrame (default for .pt teachers, and for .onnx "
                 "ones but those with an input per column or a string input, and symdistill's export of a model "
                 "with categorical features)")


CLASSES_HELP = ("a classifier teacher's classes, in the order of its outputs, as sd.as_teacher(teacher, classes=[...]) "
                "names them: names separated by commas (malignant,benign), or a JSON list ('[0, 1]' keeps numbers, "
                "'[\"a,b\", \"c\"]' holds names with commas)")


def add_task(p: Any) -> None:
    """--task and --classes: what a tabular teacher is, as ``teacher_options`` reads them."""
    p.add_argument("--task", choices=["classification", "regression"], default=None, help=TASK_HELP)
    add_classes(p)


def add_classes(p: Any) -> None:
    p.add_argument("--classes", metavar="NAMES", help=CLASSES_HELP)
    add_batch_size(p)


def add_batch_size(p: Any) -> None:
    p.add_argument("--batch-size", type=_positive_int, default=None, metavar="N",
                   help="most rows the teacher is given in one call, as sd.as_teacher(teacher, batch_size=N) "
                        "(default 8192; 1 for an ONNX graph whose batch axis is fixed at one row)")


def teacher_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options of ``sd.as_teacher`` that --task and --classes give (none when neither is given;
    ``verify`` has no --task), checked: commands call it before the teacher is loaded, and ``declare``
    wraps the teacher so."""
    task, classes = getattr(args, "task", None), args.classes
    if classes is not None and task == "regression":
        raise CLIError(f"--classes {classes} names a classifier's classes, and --task regression says the teacher "
                       "answers values: give one of them")
    options: dict[str, Any] = {"task": task} if task else {}
    if classes is not None:
        options["classes"] = parse_classes(classes)
    if getattr(args, "batch_size", None) is not None:
        options["batch_size"] = args.batch_size
    return options


def refuse_classes_of_a_regressor(args: argparse.Namespace, model: Any) -> None:
    """--classes for the teacher of ``args.model``, a saved regressor, whose teacher answers values."""
    if args.classes is not None and getattr(model, "task", None) == "regression":
        raise CLIError(f"--classes names a classifier's classes, and {args.model} holds a regression {model.kind} "
                       "model, whose teacher answers values")


def refuse_another_task(args: argparse.Namespace, model: Any) -> None:
    """--task other than that of ``args.model``, a saved tabular model: its teacher answers as the model
    does (given a regressor's teacher, --task classification read its values as logits)."""
    task = getattr(model, "task", None)
    if args.task is not None and task in ("classification", "regression") and args.task != task:
        answers = "values" if task == "regression" else "classes"
        raise CLIError(f"--task {args.task}: {args.model} holds a {task} {model.kind} model, whose teacher answers "
                       f"{answers}; give --task {task} or leave it out")


def declare(teacher: Any, args: argparse.Namespace) -> Any:
    """``teacher`` (as ``load_teacher_object`` loads it) wrapped with the ``teacher_options`` of ``args``,
    or as it is when there are none. A class written in a comma list that prints as a label the teacher
    has of itself (a scikit-learn classifier's ``classes_`` 0 and 1, an ONNX classifier's labels) is
    that label, as ``named_label`` reads it: ``--classes 1,0`` lists those classes in another order,
    where the text '1' would name the column of class 0."""
    from .teachers import Teacher, as_teacher

    options = teacher_options(args)
    if "classes" in options and not args.classes.lstrip().startswith("["):
        own = _own_labels(teacher)
        named = [named_label(own, c) for c in options["classes"]]
        if any(c in own for c in named) and not all(c in own for c in named):  # some of its own, some new names
            raise CLIError(f"--classes {args.classes}: {next(c for c in named if c in own)!r} is a class of "
                           f"{args.teacher} and {next(c for c in named if c not in own)!r} is not (its classes: "
                           f"{', '.join(map(repr, own))}); list those classes in any order, or other names for "
                           "all of them in their order")
        options["classes"] = named
    if isinstance(teacher, Teacher):  # made already: it keeps what it was made with
        refuse_declared(teacher, args, options)
        return teacher
    return as_teacher(teacher, **options) if options else teacher


def refuse_declared(teacher: Any, args: argparse.Namespace, options: dict[str, Any]) -> None:
    """Refuse --task, --classes or --batch-size for a ``module:attribute`` teacher that is a Teacher made already
    (``sd.as_teacher(...)``, an ``OnnxTeacher``): as_teacher takes no options for one, and its own task and
    classes stay. An option it was made with (``task='regression'`` and --task regression) asks nothing."""
    from .domain import _plain

    given = {"task": teacher._task_given and teacher.task,
             "classes": teacher._declared_classes and [_plain(c) for c in teacher.classes_],
             "batch_size": teacher.batch_size}
    for key, flag in (("task", "--task"), ("classes", "--classes"), ("batch_size", "--batch-size")):
        if key in options and given[key] != (list(options[key]) if key == "classes" else options[key]):
            raise CLIError(f"{flag} {getattr(args, key)}: {args.teacher} is a teacher made already "
                           f"({type(teacher).__name__}, as sd.as_teacher makes one), which keeps the {key} it was "
                           f"made with: give {key}={options[key]!r} to sd.as_teacher where it is made, or name the "
                           "model itself")


def _own_labels(teacher: Any) -> list[Any]:
    """The labels ``teacher`` answers in of itself, where it says: a scikit-learn classifier's ``classes_``,
    or those of the classifier nodes of an ONNX model (its file, or one a module holds; else none)."""
    from .domain import _plain
    from .teachers.onnx import graph_class_labels, model_source

    source = model_source(teacher)
    labels = getattr(teacher, "classes_", None) if source is None else graph_class_labels(source)
    try:
        return [_plain(c) for c in labels] if labels is not None else []
    except TypeError:  # not a sequence
        return []


def named_label(labels: list[Any], text: str) -> Any:
    """The label of ``labels`` (a Moore machine's, a model's or a teacher's classes) that LABEL names on the
    command line: the one label that prints as ``text``, as trees and rules print it (``maybe\\\\`` for the
    label ``maybe\\``, ``''`` for the empty label) or as counterexamples and Moore machines quote it
    (``'maybe\\\\'``); else a string label as written (``maybe\\``, where no label prints so); else the one
    number or boolean label that prints as ``text`` (so ``1`` names the label 1); anything else stays text,
    and the command names the labels."""
    from .models.base import label_text

    printed = [c for c in labels if label_text(c) == text or isinstance(c, str) and repr(c) == text]
    if len(printed) == 1:
        return printed[0]
    if any(isinstance(c, str) and c == text for c in labels):
        return text
    named = [c for c in labels if not isinstance(c, str) and str(c) == text]
    return named[0] if len(named) == 1 else text


def add_random_state(p: Any) -> None:
    p.add_argument("--random-state", type=_seed, default=0, help="seed of sampling and fitting (default 0)")


NA_VALUES_HELP = ("the CSV fields read as missing values (refused), comma-separated or a JSON list (default: "
                  "pandas' list: an empty field, NA, N/A, NaN, null, None, ...); --na-values '' reads only empty "
                  "fields as missing, so that a category written NA is the category 'NA'")


DROP_MISSING_HELP = ("drop the rows holding a missing field (see --na-values) in a column the command reads, "
                     "saying on stderr how many of how many and the first one's line (default: such rows are "
                     "refused)")


def add_na_values(p: Any) -> None:
    """--na-values and --drop-missing: which fields are missing, and the rows holding one dropped."""
    p.add_argument("--na-values", help=NA_VALUES_HELP)
    p.add_argument("--drop-missing", action="store_true", help=DROP_MISSING_HELP)


def na_values(args: argparse.Namespace) -> list[str] | None:
    """The fields ``--na-values`` reads as missing (None: not given, pandas' own)."""
    text = getattr(args, "na_values", None)
    if text is None:
        return None
    if text.lstrip().startswith("["):
        fields = json_strings(text)
        if fields is None:
            raise CLIError(f"--na-values {text!r}: a JSON list of fields must hold strings (\"NA\", \"\")")
        return fields
    return [field.strip() for field in text.split(",")]


def add_data_options(p: Any) -> None:
    """Options every command that distills from a data file shares."""
    add_random_state(p)
    add_task(p)
    add_na_values(p)
    p.add_argument("--drop", help=f"columns to ignore (e.g. a label column): {COLUMNS_HELP}")
    p.add_argument("--categorical", help=f"columns to treat as categorical: {COLUMNS_HELP}")
    p.add_argument("--as-array", action="store_true", help=AS_ARRAY_HELP)
    p.add_argument("--sampler-kernel", choices=["diagonal", "correlated"], default="diagonal",
                   help="jitter of sampled queries: independent per feature, or with the numeric features' "
                        "correlations (default diagonal)")


def _teacher_input(df: Any, as_array: bool, path: str) -> Any:
    """The rows read from ``path`` as the teacher takes them: a float array (``as_array``) or the DataFrame."""
    if not as_array:
        return df
    try:
        return df.to_numpy(dtype=float)
    except (ValueError, TypeError):
        for name in df.columns:  # name the column, and the first value, that is not a number
            for row, value in enumerate(df[name].tolist()):
                try:
                    float(value)
                except (ValueError, TypeError):
                    raise CLIError(f"column {name!r} of {path} is not numeric (row {file_row(path, row)}: {value!r}); "
                                   "an .onnx or .pt teacher, or --as-array, takes numbers only: --drop the column or "
                                   "encode it") from None
        raise


# The fields pandas' read_csv reads as booleans (its default true_values and false_values)
_CSV_BOOLEANS = ("True", "TRUE", "true", "False", "FALSE", "false")


def warn_words_in_numbers(df: Any, path: str, meant: Sequence[str], declared: Sequence[str] = ()
                          ) -> list[tuple[str, str, str]]:
    """Warn of a column of ``df`` that pandas read as text only because a few of its fields (5% at most)
    are not numbers ('?' marking a missing age, as adult does), or not booleans ('maybe' among True and
    False): it becomes a categorical feature, every number (or True and False) a category of its own. Columns in ``meant`` (declared categorical, read as text) are so meant;
    one ``declared`` categorical but not meant is one the teacher takes as numbers, which the word is not.
    Returns what a teacher's error is then told (see :func:`words_named`): a column's name and word as
    printed, and the text that names them, one entry a column."""
    import numpy as np
    import pandas as pd

    told = []
    for name in df.columns:
        column = df[name]
        if name in meant or pd.api.types.is_numeric_dtype(column.dtype) or \
                isinstance(column.dtype, pd.CategoricalDtype):
            continue
        kind = "numbers"
        # each distinct field parsed once, not each row's: a column of categories holds few (500 levels of a
        # million rows took 0.9 s a column field by field, 0.03 s so); a missing field (code -1) is no word
        try:
            codes, distinct = pd.factorize(column)
        except TypeError:  # unhashable fields (a Parquet column of lists): parsed row by row, as before
            codes, distinct = np.where(column.notna(), np.arange(len(column)), -1), column.to_numpy()
        words = np.append(pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce").isna().to_numpy(),
                          False)[codes]
        if words.all():  # a column of True and False holding a word ('maybe') is read as text too
            kind, words = "booleans", (~column.isin(_CSV_BOOLEANS) & column.notna()).to_numpy()
        if words.any() and not words.all() and words.mean() <= 0.05:
            word = column.iloc[int(words.argmax())]
            row = file_row(path, int(words.argmax()))  # the file's, where --drop-missing dropped rows before it
            found = f"column {name!r} of {path} holds {kind} but {counted(int(words.sum()), 'field')} of text " \
                    f"({word!r} in row {row})"
            told.append((repr(name), repr(word),
                         f"column {name!r} of {path} holds the text {word!r} in row {row} among its {kind}, read as "
                         f"categorical: a teacher that takes the column as {kind} fails on it; if {word!r} marks a "
                         "missing value, fill or drop those rows"))
            if name in declared:  # the flag was given: the teacher, not the flag, is what the word blocks
                _warn(f"{found}; --categorical {flag_list([str(name)])} makes it categorical, but the teacher "
                      f"takes its values as {kind}, which {word!r} is not: if it marks a missing value, fill "
                      "or drop those rows")
                continue
            each = "each number a category" if kind == "numbers" else "True and False the categories 'True' and 'False'"
            _warn(f"{found}, so it is read as categorical, {each}; if {word!r} marks a "
                  f"missing value, fill or drop those rows (--categorical {flag_list([str(name)])} says it "
                  "is meant so)")
    return told


@contextmanager
def words_named(told: Sequence[tuple[str, str, str]]) -> Iterator[None]:
    """A teacher's error, where a column of numbers holds a word (``told``, by warn_words_in_numbers), ends
    naming the column, its word and row: the error quotes the teacher ("could not convert string to float:
    '?'", or a TypeError naming no value at all), and the warning that named them may be long scrolled by.
    An error that names both already (an ONNX input of the column's name) is left as it is."""
    try:
        yield
    except TeacherError as exc:
        message = str(exc)
        untold = [text for name, word, text in told if not (name in message and word in message)]
        if not untold:
            raise
        raise CLIError(f"{message}; {'; '.join(untold)}") from exc


def _data_options(args: argparse.Namespace, df: Any, as_array: bool) -> dict[str, Any]:
    """The distillation options the shared data flags (``add_data_options``) ask for."""
    options: dict[str, Any] = {}
    if as_array:
        options["feature_names"] = [str(c) for c in df.columns]
    if args.categorical:
        options["categorical"] = column_list(args.categorical, "--categorical")
    if args.task:
        options["task"] = args.task
    if args.sampler_kernel != "diagonal":
        options["sampler_kernel"] = args.sampler_kernel
    return options


def declared_codes(args: argparse.Namespace, as_array: bool) -> list[str]:
    """The --categorical columns, whose zero-padded codes a DataFrame teacher gets as written (an array
    teacher takes numbers, and so does an ONNX model's input of numbers, which refuses text). A column
    both declared and dropped is refused."""
    declared = column_list(args.categorical, "--categorical") or []
    both = next((c for c in declared if c in (column_list(args.drop, "--drop") or [])), None)
    if both is not None:
        raise CLIError(f"--categorical and --drop both name {both!r}: a dropped column is no feature to declare "
                       "categorical")
    codes = [] if as_array else declared
    # read_again would come to the same rows, but only after a first reading of the file with the codes as
    # text, which it reads again (and meanwhile warn_words_in_numbers takes such a column as meant to be
    # text); a .onnx file's inputs are known before any row is read (kept per file), so it is read once.
    if codes and Path(args.teacher).suffix.lower() == ".onnx" and Path(args.teacher).is_file():
        from .teachers.onnx import dataframe_inputs

        numbers = dataframe_inputs(args.teacher)[2]
        codes = [c for c in codes if c not in numbers]
    return codes


def teacher_columns(teacher: Any, columns: Sequence[Any]) -> tuple[list[str], list[str], str]:
    """The columns of the rows that a loaded teacher (``module:attribute``) takes as numbers, refusing text,
    those it takes as text, as teacher_format reads them for a .onnx file, and what the teacher is: every
    column for a torch module (or a teacher made of one) and for an ONNX model (an OnnxTeacher, a session,
    its bytes) of one input of numbers; for an ONNX model of an input per column or a string input, the
    columns of its inputs of numbers and those of its string inputs; for symdistill's export of a model with
    categorical features, which encodes their labels, the columns of its other features and those of its
    features of text categories. None for other teachers."""
    from .teachers import _is_torch_module
    from .teachers.onnx import exported_columns, exported_encoding, model_inputs
    from .teachers.torch import TorchTeacher

    names = [str(c) for c in columns]
    if _is_torch_module(teacher) or isinstance(teacher, TorchTeacher):
        return names, [], "torch module"
    inputs = model_inputs(teacher)
    if inputs is None:
        return [], [], "teacher"
    encoding = exported_encoding(teacher)
    if encoding is not None:
        text, numbers = exported_columns(encoding)
        return [n for n in names if n in numbers], [n for n in names if n in text], "ONNX model"
    strings = [a.name for a in inputs if a.type == "tensor(string)"]
    if len(inputs) == 1 and not strings:
        return names, [], "ONNX model"
    numbers = [a.name for a in inputs if a.name not in strings]
    return [n for n in names if n in numbers], [n for n in names if n in strings], "ONNX model"


def check_input_columns(teacher: Any, df: Any, path: str, spec: str, drop: list[str] | None) -> None:
    """Refuse columns of ``df`` (read from ``path`` less ``drop``) that an ONNX model of an input per column
    (skl2onnx's ColumnTransformer) has no input for, naming the --drop to write: it takes those it has
    inputs for alone, where a pipeline's ColumnTransformer ignores the others."""
    from .teachers.onnx import model_inputs

    inputs = model_inputs(teacher)
    if inputs is None or len(inputs) < 2:
        return
    names = [a.name for a in inputs]
    extra = [str(c) for c in df.columns if str(c) not in names]
    if extra and all(n in map(str, df.columns) for n in names):
        raise CLIError(f"{spec} takes one column per input ({', '.join(names)}), and {path} has "
                       f"{counted(len(extra), 'other column')} ({', '.join(map(repr, extra))}): --drop "
                       f"{flag_list([*(drop or []), *extra])}")


def read_again(teacher: Any, df: Any, as_array: bool, text: list[str], codes: list[str]
               ) -> tuple[list[str], list[str]] | None:
    """How to read the rows ``df`` again for the loaded ``teacher`` (read_table's ``text`` and ``codes``), or
    None when as they were read: columns an encoder of a scikit-learn teacher was fitted on as strings, or
    an ONNX model's string input takes, as written (10 as '10'); --categorical columns of codes that a torch
    module or an ONNX model's input of numbers takes, which refuse text, as numbers (02 as 2)."""
    if as_array:
        return None
    numbers, strings, _ = teacher_columns(teacher, df.columns)
    strings = [c for c in fitted_text(teacher, df) + strings if c not in text and df[c].dtype.kind in "iuf"]
    numbers = [c for c in codes if c in numbers and df[c].dtype.kind not in "iuf"]  # read as text (zero-padded)
    if not strings and not numbers:
        return None
    return [c for c in text if c not in numbers] + strings, [c for c in codes if c not in numbers]


def estimator_of(teacher: Any) -> Any:
    """The scikit-learn estimator of a teacher made already of one (``sd.as_teacher(pipeline)`` a module
    holds), whose encoders and fitted names are read as the estimator's; else ``teacher``."""
    from .teachers.sklearn import SklearnTeacher

    return teacher.estimator if isinstance(teacher, SklearnTeacher) else teacher


def fitted_text(teacher: Any, df: Any) -> list[str]:
    """The columns of ``df`` read as numbers that an encoder of a scikit-learn teacher (a pickled
    pipeline's OneHotEncoder, say) was fitted on as strings: read as written, 10 as '10', they are
    the categories it knows."""
    from .teachers.sklearn import encoders_of

    numeric = [c for c in df.columns if df[c].dtype.kind in "iuf"]
    found: list[str] = []
    for encoder, read in encoders_of(estimator_of(teacher), list(df.columns)):
        for column, categories in zip(read, encoder.categories_):
            if column in numeric and column not in found and len(categories) and \
                    all(isinstance(c, str) for c in categories):
                found.append(column)
    return found


def check_spaced_fit(teacher: Any, df: Any, path: str) -> None:
    """Refuse a scikit-learn teacher fitted on names or categories that differ from those of ``path`` only
    in the spaces around them: read_table drops the spaces after a comma ('39, State-gov', as adult's raw
    file writes it), which pd.read_csv keeps unless told skipinitialspace=True, and such a teacher fails
    on every row, or (an encoder with handle_unknown='ignore') reads every such value as unknown."""
    from .teachers.sklearn import spaced_fit, spaced_words

    found = spaced_fit(estimator_of(teacher), df)
    if found is not None:
        raise CLIError(f"{spaced_words(found, path)}; symdistill reads a CSV without the spaces after its commas: fit "
                       "the teacher on pd.read_csv(path, skipinitialspace=True)")


def teacher_format(teacher_spec: str, flag: bool) -> tuple[bool, list[str]]:
    """Whether the teacher is handed the rows as a float array (``flag``: --as-array), else as the DataFrame,
    and the columns to read as text (``read_table``'s ``text``)."""
    # ONNX and torch teachers take float arrays; scikit-learn pipelines and callables may want a DataFrame,
    # and so does an ONNX model with an input per feature (skl2onnx's ColumnTransformer) or a string input,
    # whose columns are read as text: a string input fed a column of codes gets them as written.
    suffix = Path(teacher_spec).suffix.lower()
    if suffix == ".onnx" and Path(teacher_spec).is_file():
        from .teachers.onnx import dataframe_inputs, exported_encoding

        takes_columns, strings, others = dataframe_inputs(teacher_spec)
        if flag and exported_encoding(teacher_spec) is not None:  # its graph takes the codes of the categories
            return True, []
        if flag and takes_columns:  # it would refuse the array, after the rows were read (and a text column named)
            raise CLIError(f"--as-array hands the teacher a float array, and {teacher_spec} takes a DataFrame's "
                           f"columns ({'one input per column' if len(strings + others) > 1 else 'a string input'}): "
                           "leave out --as-array")
        return flag or not takes_columns, strings
    return flag or suffix in MODEL_SUFFIXES, []


def _run_distill(args: argparse.Namespace) -> int:
    from .api import make_learner

    check_output(args.output, "distill")
    check_distinct(("-o", args.output), ("--data", args.data), ("--teacher", args.teacher))
    check_model_output(args.output, "distill", args.teacher)
    teacher_options(args)  # checked before anything is read
    as_array, text = teacher_format(args.teacher, args.as_array)
    drop = column_list(args.drop, "--drop")
    codes = declared_codes(args, as_array)
    df = read_table(args.data, drop, text, codes=codes, na=na_values(args), drop_missing=args.drop_missing)
    X = _teacher_input(df, as_array, args.data)
    told = warn_words_in_numbers(df, args.data, text + codes, column_list(args.categorical, "--categorical") or [])
    options: dict[str, Any] = {"progress": None, **_data_options(args, df, as_array)}
    if args.max_literals is not None:
        if args.form != "rules":
            raise CLIError(f"--max-literals is an option of --form rules, not of --form {args.form}")
        options["max_literals"] = args.max_literals
    refuse_twice(args.option)
    for name, value in args.option:
        refuse_own_option(name, f"--option {name}=...", _OWN_FLAG)
        if name in ("progress", "feature_names"):
            raise CLIError(f"--option {name}=...: the command sets it (features are named by the data's header)")
        options[name] = value
    implied = args.method is None and options.get("layer") is not None  # layer= asks for concept rules
    if args.max_literals is not None and (args.method == "decompositional" or implied):
        # (the library's refusal names the Python option, max_literals, and method='pedagogical')
        raise CLIError("--max-literals is an option of --method pedagogical (the default), not of --method "
                       "decompositional" + (" (which --option layer=... asks for)" if implied else ""))
    # Options are checked before the teacher is loaded: a misspelt one costs no pickle warning or load.
    learner = make_learner(form=args.form, max_size=args.max_size, method=args.method,
                           random_state=args.random_state, **options)
    teacher = load_teacher_object(args.teacher)
    check_distinct(("-o", args.output), ("--teacher", teacher_source(args.teacher)))
    check_model_output(args.output, "distill")
    check_spaced_fit(teacher, df, args.data)
    check_input_columns(teacher, df, args.data, args.teacher, drop)
    again = read_again(teacher, df, as_array, text, codes)
    if again is not None:
        X = df = read_table(args.data, drop, again[0], warn=False, codes=again[1], na=na_values(args),
                            drop_missing=args.drop_missing)
    t0 = time.perf_counter()
    with words_named(told):
        model = learner.fit(declare(teacher, args), X).model_
    seconds = time.perf_counter() - t0
    write_output(args.output, model.to_json)
    print(model)
    print(f"wrote {args.output}: {args.form}, size {model.size}, {seconds:.1f} s, "
          f"{model.meta.get('n_queries', '?')} teacher queries", file=sys.stderr)
    return 0


def _add_show(sub: Any) -> None:
    p = sub.add_parser("show", help="print a saved model")
    p.add_argument("model", help="model JSON file")


def _run_show(args: argparse.Namespace) -> int:
    print(load_model(args.model))
    return 0


def _add_evaluate(sub: Any) -> None:
    p = sub.add_parser("evaluate", help="fidelity of a saved model to a teacher on held-out rows")
    p.add_argument("model", help="model JSON file")
    p.add_argument("--teacher", required=True,
                   help=f"{TEACHER_HELP}; for an automaton, module:attribute, TorchScript .pt or a saved automaton .json")
    p.add_argument("--data", required=True,
                   help=f"held-out rows ({TABLE_FORMATS}); for an automaton a text file of words, one a line: "
                        "symbols written together (0110) when each is one character, else comma-separated "
                        "(ab,c) or a JSON list ([\"a,b\", \" \"])")
    p.add_argument("--label", help="column with true labels: also report accuracy (dropped from the rows)")
    p.add_argument("--by-class", action="store_true",
                   help="classifiers and automata: also print fidelity class by class (sd.class_fidelity): per "
                        "class, the rows the teacher and the model put in it, recall and precision")
    p.add_argument("--drop", help=f"columns to ignore: {COLUMNS_HELP}")
    p.add_argument("--as-array", action="store_true", help=AS_ARRAY_HELP)
    add_na_values(p)
    add_task(p)
    add_teacher_output(p)
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE", type=_learner_option,
                   help="automata: an option of the sequence teacher, as given to automaton (repeatable; VALUE is "
                        "read as JSON when it parses: --option per_word=true --option 'classes=[\"a\", \"b\"]')")


def _run_evaluate(args: argparse.Namespace) -> int:
    from .api import TeacherAnswers, concept_layer
    from .teachers import Teacher, as_teacher

    model = load_model(args.model)
    if model.kind in ("dfa", "moore"):  # an automaton: --data is a file of words
        if args.task:
            raise CLIError("--task is for tabular models; an automaton's teacher is a sequence classifier")
        if args.na_values is not None:
            raise CLIError("--na-values applies to tabular models' CSV rows; an automaton's --data is a file of words")
        refuse_drop_missing(args)
        if args.classes is not None:
            raise CLIError(f"--classes is for tabular models; a sequence teacher's classes are its option: "
                           f"--option 'classes={json.dumps(parse_classes(args.classes))}'")
        if args.batch_size is not None:
            raise CLIError(f"--batch-size is for tabular models; a sequence teacher's batch size is its option: "
                           f"--option batch_size={args.batch_size}")
        return _evaluate_automaton(args, model)
    teacher_options(args)  # checked before anything is read
    refuse_classes_of_a_regressor(args, model)
    refuse_another_task(args, model)
    if args.by_class and model.task == "regression":
        raise CLIError(f"--by-class is for classifiers, whose rows fall in classes; {args.model} holds a regression "
                       f"{model.kind} model: evaluate without --by-class prints its fidelity R² (and mean absolute "
                       "error)")
    if args.teacher_output is not None:
        raise CLIError("--teacher-output applies to automata (a torch sequence teacher's output column); a "
                       f"{model.kind} model's teacher is read as it answers")
    if args.option:
        raise CLIError(f"--option applies to automata (an option of the sequence teacher); a {model.kind} model's "
                       "teacher is read as it answers")
    drop = column_list(args.drop, "--drop") or []
    if concept_layer(model) is None:  # (concept rules read input columns, not their features)
        refuse_feature_columns(model, args.model, {"--label": [args.label] if args.label else [], "--drop": drop})
    as_array, text = teacher_format(args.teacher, args.as_array)
    if not as_array:
        text = text + [name for name in text_categories(model) if name not in text]
    if args.drop_missing and args.label:
        refuse_dropping_classes(model, args.label, na_values(args))
    # --drop-missing: a row whose true label is missing is dropped too (it has no accuracy to score), from
    # the rows and the labels alike: they stay paired
    label = [args.label] if args.label else []
    # true labels of a model whose classes are text are read as written, '01' as '01' (pandas: the number 1)
    written = [args.label] if model.task == "classification" and all(isinstance(c, str) for c in model.classes) else []
    # the labels are read with the rows, in one reading of the file (a second for them took as long again:
    # 5 s of a million rows), and dropped from the rows
    df, _, held = read_table_written(args.data, drop + label, text + written, na=na_values(args),
                                  drop_missing=args.drop_missing, needed=label)
    labels = None if held is None else held[args.label].to_numpy()
    # Concept rules read a hidden layer: --data holds the network's input rows, matched by name to the
    # features they were distilled on (in the file's column order for rules that do not record them).
    # Other models match the columns by name (checked here, before the teacher is loaded): an array
    # teacher gets them in the model's order, a DataFrame teacher as the file has them.
    layer = concept_layer(model)
    hint = " (--label names a column of true labels, --drop columns to ignore)"
    in_order = in_model_order(df, model, args.data, hint) if layer is None else \
        _concept_rows(df, model, args.data, hint)
    # a model of input rows hands a DataFrame teacher its columns by name; concept rules read activations
    X = _teacher_input(in_order if as_array or layer is not None else df, as_array, args.data)
    teacher = load_teacher_object(args.teacher)
    check_spaced_fit(teacher, df, args.data)
    numbers, _, kind = ([], [], "") if as_array else teacher_columns(teacher, df.columns)
    coded = [f for f in model.domain.features if f.name in text and f.name in numbers]
    if coded:  # distilled before distill read its codes as numbers
        shown = ", ".join(map(repr, coded[0].categories[:3])) + (", ..." if len(coded[0].categories) > 3 else "")
        raise CLIError(f"{args.model} reads feature {coded[0].name!r} as text (categories {shown}), and the {kind} "
                       f"{args.teacher} takes numbers, not text: distill the model again (distill reads a "
                       f"--categorical column of codes as numbers for a {kind})")
    teacher = declare(teacher, args)
    # sd.fidelity's and sd.accuracy's scores, with one reading of concept rules' network for both
    answers = TeacherAnswers(teacher if isinstance(teacher, Teacher) else as_teacher(teacher), X, progress=None,
                             check_determinism=True)
    # computed before anything is printed: an error leaves stdout empty
    by_class = answers.class_fidelity(model) if args.by_class else None
    score = answers.fidelity(model) if by_class is None else by_class.overall
    against = None
    if labels is not None:
        try:
            against = answers.accuracy(model, labels)
        except DataError as exc:  # the labels' own fault (missing, none a class): name where they came from
            # a class read as missing is named (no row to drop); else a missing label's row is --drop-missing's
            named = _classes_read_missing(model, labels, na_values(args)) or \
                (" (or pass --drop-missing)" if "contain missing values" in str(exc) else "")
            raise CLIError(f"--label {args.label} of {args.data}: {file_rows(str(exc), args.data)}{named}") from None
    print(f"model: {model!r}")
    print(score)
    if against is not None:
        print(f"against --label {args.label}: {against}")
    if by_class is not None:
        print(by_class.to_text(overall=False))
    return 0


def _classes_read_missing(model: Any, labels: Any, na: Collection[str] | None) -> str:
    """Where true labels were read as missing values and a class of the model is written as a field that
    is one (``NA``, ``None``, an empty field: pandas' own, or ``na``), a sentence naming it and the
    ``--na-values`` that reads it as the class: dropping or filling those rows is no fix for a label."""
    import pandas as pd

    missing = CSV_MISSING if na is None else set(na)
    named = [c for c in model.classes.tolist() if isinstance(c, str) and c in missing] \
        if model.task == "classification" and pd.isna(labels).any() else []
    if not named:
        return ""
    fix = "--na-values '[]' reads no field as missing" if "" in named else \
        "--na-values '' reads only empty fields as missing"
    return (f"; but {named[0]!r} is one of the model's classes, and a field {named[0]!r} is read as a missing "
            f"value: {fix}")


def refuse_drop_missing(args: argparse.Namespace) -> None:
    """Refuse --drop-missing for an automaton, whose --data is a file of words: no field of it is missing."""
    if args.drop_missing:
        raise CLIError(f"--drop-missing applies to tabular models' rows; an automaton's --data is a file of words, "
                       f"one a line, none of them missing ({args.command} reads every line)")


def refuse_dropping_classes(model: Any, label: str, na: Collection[str] | None) -> None:
    """Refuse --drop-missing beside --label where a class of ``model`` is written as a field read as missing
    (``NA``, an empty label): the rows of that class would be dropped, not scored."""
    if model.task != "classification":
        return
    fields = CSV_MISSING if na is None else set(na)
    named = [c for c in model.classes.tolist() if isinstance(c, str) and c in fields]
    if named:
        fix = "--na-values '[]' reads no field" if named[0] == "" else "--na-values '' reads only empty fields"
        raise CLIError(f"--drop-missing drops the rows whose --label {label} is missing, and {named[0]!r}, one of the "
                       f"model's classes, is a field read as a missing value, so its rows would be dropped: {fix} "
                       "as missing")


def refuse_feature_columns(model: Any, path: str, flags: dict[str, list[str]]) -> None:
    """Columns that ``flags`` (``--label``, ``--drop``) take out of the rows, none of which may be a feature
    of ``model`` (the file ``path``): taken out, it was then named missing from a file that holds it."""
    what = {"--label": "a column of true labels", "--drop": "a column to ignore"}
    for flag, names in flags.items():
        read = [n for n in names if n in model.domain.feature_names]
        if read:
            raise CLIError(f"{flag} {read[0]} names {what[flag]}, but {read[0]!r} is a feature of {path}, which "
                           "reads it")


def _concept_rows(df: Any, model: Any, path: str, hint: str) -> Any:
    """The network's input rows of ``df`` for concept rules: its columns matched by name to the features
    the rules were distilled on (``meta["input_features"]``), or by position when those were an array's
    (``x0``, ``x1``, ... and no such column), as for rules that do not record them."""
    inputs = model.meta.get("input_features")
    if not isinstance(inputs, list):
        return df
    names = [str(c) for c in df.columns]
    if inputs == [f"x{i}" for i in range(len(inputs))] and not set(inputs) & set(names):
        if len(names) != len(inputs):
            raise CLIError(f"these concept rules were distilled on rows of {counted(len(inputs), 'feature')}; {path} "
                           f"has {counted(len(names), 'column')}{hint}")
        return df
    return in_model_order(df, model, path, hint, inputs)


def text_categories(model: Any) -> list[str]:
    """The categorical features of ``model`` whose categories are all strings: their columns are read as
    written, as they were when the model was distilled (a code 01 stays '01', 10 is '10', not 10)."""
    return [f.name for f in model.domain.features if f.is_categorical and all(isinstance(c, str) for c in f.categories)]


def in_model_order(df: Any, model: Any, path: str, hint: str = "", expected: list[str] | None = None) -> Any:
    """``df``'s columns in ``model``'s feature order (or ``expected``'s: concept rules' input features),
    matched by name as the model matches a DataFrame's (an array hands them over by position); ``hint``
    follows the error when ``df`` has unknown columns."""
    from .domain import mismatch

    names = [str(c) for c in df.columns]
    expected = model.domain.feature_names if expected is None else [str(n) for n in expected]
    missing = [n for n in expected if n not in names]
    extra = [n for n in names if n not in expected]
    if missing or extra:
        named = "in a file whose columns are named x0, x1, ... in the order distilled" \
            if model.domain.input_format == "array" else None
        raise CLIError(f"columns of {path} do not match the model's features: {mismatch(missing, extra, named)}"
                       f"{hint if extra else ''}")
    return df.iloc[:, [names.index(n) for n in expected]]


def parse_symbols(text: str, where: str, *, item: str = "symbol") -> list[str]:
    """Symbols written as ``text``: comma-separated, each as written (no spaces around the commas), or,
    when ``text`` starts with ``[``, a JSON list of strings, for symbols that hold a comma or a space or
    start with ``[`` (``["a,b", " ", "c"]``). ``where`` names the text in errors, ``item`` what the list
    holds (``--invariant`` reads feature names so)."""
    if not text.startswith("["):
        return text.split(",")
    symbols = json_list(text, where, item, f"[\"[\", \"]\"] for the {item}s [ and ]")
    if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
        bad = symbols if not isinstance(symbols, list) else next(s for s in symbols if not isinstance(s, str))
        raise CLIError(f"{where} is a JSON list whose items must be strings ({item}s), got {json.dumps(bad)}; "
                       f"write [\"0\", \"1\"], not [0, 1]")
    return symbols


def json_list(text: str, where: str, item: str, example: str) -> Any:
    """``text``, which starts with ``[``, read as JSON (so a list); ``where`` names it and ``example``
    shows a list of ``item``s in the error when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CLIError(f"{where} starts with '[', so it is read as a JSON list of {item}s, but it is not "
                       f"JSON ({exc}); e.g. {example}") from None


def parse_classes(text: str) -> list[Any]:
    """``--classes``: names separated by commas (``benign,malignant``, read as text), or, when ``text``
    starts with ``[``, a JSON list (``[0, 1]`` keeps numbers as numbers, ``["a,b", "c"]`` writes names
    that hold commas). An empty list, an item that is no label (null, a list), a list mixing names and
    numbers and a class given twice are refused."""
    where = f"--classes {text!r}"
    if not text.lstrip().startswith("["):
        classes: Any = _split_list(text, "--classes") or []
    else:
        classes = json_list(text.strip(), where, "class name", "'[0, 1]' or '[\"a,b\", \"c\"]'")
    if not classes:
        raise CLIError(f"{where} names no class; list the teacher's classes in the order of its outputs, "
                       "e.g. --classes malignant,benign")
    for c in classes:
        if c is None or isinstance(c, (list, dict)) or c != c:  # c != c: NaN
            raise CLIError(f"{where} holds {json.dumps(c)}, which is not a class; classes are names or numbers")
    if len({isinstance(c, str) for c in classes}) > 1:
        flag = next((c for c in classes if isinstance(c, bool)), None)
        if flag is not None:  # JSON's true and false are booleans, not names
            raise CLIError(f"{where} mixes names and a boolean, {json.dumps(flag)} (a name is quoted in JSON: "
                           f"\"{json.dumps(flag)}\")")
        raise CLIError(f"{where} mixes names and numbers; classes are all names or all numbers")
    repeated = next((c for i, c in enumerate(classes) if c in classes[:i]), None)
    if repeated is not None:
        raise CLIError(f"{where} names the class {repeated!r} twice; list every class once")
    return classes


def parse_alphabet(text: str) -> list[str]:
    """``--alphabet``: symbols by ``parse_symbols``; an empty, repeated or space-padded symbol is refused
    (``"a, b"`` would give the symbol ' b': a JSON list says such a symbol is meant)."""
    symbols = parse_symbols(text, "--alphabet")
    if not text or not symbols:
        raise CLIError("--alphabet needs at least one symbol, e.g. --alphabet 0,1")
    for s in symbols:
        if not s:
            raise CLIError(f"--alphabet {text!r} has an empty symbol; symbols are separated by single commas "
                           "(a JSON list such as [\"a,b\", \"c\"] writes symbols that hold commas)")
        if s.strip() != s and not text.startswith("["):
            raise CLIError(f"--alphabet {text!r} has the symbol {s!r}, with spaces around it: write the symbols "
                           f"without spaces ({','.join(x.strip() for x in symbols)}), or as a JSON list when the "
                           f"spaces belong to them ({json.dumps(symbols)})")
    repeated = next((s for i, s in enumerate(symbols) if s in symbols[:i]), None)
    if repeated is not None:
        raise CLIError(f"--alphabet {text!r} has the symbol {repeated!r} twice; every symbol is listed once")
    return symbols


def read_words(path: str, alphabet: tuple[str, ...]) -> list[Any]:
    """Words from a text file, one a line (an empty line is the empty word). When every symbol is one
    character, a line is its symbols written together (``0110``); else the symbols are separated by
    commas, each as written (``ab,c,ab``). A line starting with ``[`` is a JSON list of symbols
    (``["a,b", " "]``), unless ``[`` is a symbol of a one-character alphabet."""
    return [word for _, word in read_word_lines(path, alphabet)]


def read_word_lines(path: str, alphabet: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The lines of a file of words (``read_words``), each with its word."""
    p = Path(path)
    require_file(path, "data file")
    try:
        data = p.read_bytes()
        utf16 = utf16_text(data, path)  # read as UTF-8 without a byte-order mark: words of NUL characters
        if utf16:
            raise CLIError(utf16)
        # a tabular model's rows, given to an automaton: no text, and the codec's error did not say so
        packed = next((f"{kind}-compressed" for magic, (kind, _) in PACKED.items() if data.startswith(magic)),
                      "a Parquet file" if data.startswith(b"PAR1") else None)
        if packed:
            raise CLIError(f"{path} is {packed}, not a text file of words: an automaton's --data holds words, one a "
                           "line")
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # universal newlines
    except (OSError, UnicodeDecodeError) as exc:
        raise CLIError(f"cannot read {path}: {exc}") from None
    # Only "\n" ends a word: str.splitlines also breaks at form feeds, \x1c-\x1e, \x85 and \u2028,
    # which may be symbols.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the newline that ends the last line (or an empty file)
    if not lines:
        raise CLIError(f"{path} has no words (one word a line; an empty line is the empty word)")
    chars = all(len(a) == 1 for a in alphabet)
    symbols = set(alphabet)  # a word's symbols tested at once (a generator a line took 0.9 s a million words)
    words: list[tuple[str, Any]] = []
    for number, line in enumerate(lines, 1):
        as_json = line.startswith("[") and not (chars and "[" in alphabet)  # '[' a symbol: its symbols written together
        word = line if chars and not as_json else tuple(parse_symbols(line, f"line {number} of {path}")) if line else ()
        bad = None if symbols.issuperset(word) else next(s for s in word if s not in alphabet)
        if bad is not None:
            table = number == 1 and Path(path).suffix.lower() in (".csv", ".tsv")
            hint = (" (a byte-order mark: save the file as UTF-8 without one)" if bad == "\ufeff" and number == 1 else
                    " (a table's header? an automaton's --data holds words, one a line)" if table else
                    "" if chars else
                    " (symbols are separated by commas alone, without spaces)" if bad.strip() in alphabet else
                    " (a line starting with '[' is a JSON list of symbols)" if line.startswith("[") else
                    " (symbols are separated by commas; a line that is a JSON list of symbols, "
                    "[\"a,b\", \"c\"], writes symbols that hold commas)")
            raise CLIError(f"line {number} of {path}: symbol {bad!r} is not in the alphabet {list(alphabet)}{hint}")
        words.append((line, word))
    return words


def _evaluate_automaton(args: argparse.Namespace, model: Any) -> int:
    from .api import class_fidelity, fidelity

    if args.label or args.drop or args.as_array:
        raise CLIError("--label, --drop and --as-array apply to tabular models; an automaton is evaluated on a "
                       "file of words, one a line")
    import inspect

    from .automata_api import distill_automaton

    refuse_twice(args.option)
    options = dict(args.option)
    learner = next((name for name in options if name in inspect.signature(distill_automaton).parameters), None)
    if learner == "output":
        raise CLIError("--option output=...: a torch teacher's output column is read with --teacher-output")
    if learner is not None:
        raise CLIError(f"--option {learner}=...: an option of the learner (symdistill automaton); evaluate takes the "
                       "teacher's options (those automaton was given for the teacher)")
    teacher = sequence_teacher(args, model.alphabet, options)
    words = read_words(args.data, model.alphabet)
    by_class = class_fidelity(model, teacher, words) if args.by_class else None
    score = fidelity(model, teacher, words) if by_class is None else by_class.overall
    print(f"model: {model!r}")
    print(score)
    if by_class is not None:
        print(by_class.to_text(overall=False))
    return 0


def _add_predict(sub: Any) -> None:
    p = sub.add_parser("predict", help="apply a saved model to rows (an automaton to words): its predictions as CSV")
    p.add_argument("model", help="model JSON file")
    p.add_argument("--data", required=True,
                   help=f"rows ({TABLE_FORMATS}) whose header names the model's features, in any order; for "
                        "an automaton a text file of words, one a line, as evaluate reads them")
    p.add_argument("-o", "--output", help="CSV file to write (.tsv: tab-separated; default: standard output)")
    p.add_argument("--proba", action="store_true",
                   help="classifiers: also a column proba_<class> per class, the model's predict_proba")
    p.add_argument("--keep", help="columns of --data (identifiers) to copy into the output as written, before the "
                                  f"predictions; a kept column that is no feature is not read as one: {COLUMNS_HELP}")
    p.add_argument("--drop", help=f"columns to ignore: {COLUMNS_HELP}")
    p.add_argument("--activations", action="store_true",
                   help="concept rules: --data holds the activations of their hidden layer, a column per unit")
    add_na_values(p)


PREDICT_CHUNK = 100_000  # rows predicted and written at a time: the output is never held whole


def _run_predict(args: argparse.Namespace) -> int:
    from .domain import is_missing
    from .models.base import concept_layer, labels_to_json

    sep = ","
    if args.output == "-":  # standard output, as without -o
        args.output = None
    if args.output is not None:
        check_output(args.output, "predict")
        check_distinct(("-o", args.output), ("the model", args.model), ("--data", args.data))
        sep = output_separator(args.output)
    model = load_model(args.model)
    if model.kind in ("dfa", "moore"):  # --data is a file of words
        if args.keep or args.drop or args.proba or args.activations or args.na_values is not None:
            raise CLIError("--keep, --drop, --proba, --activations and --na-values apply to tabular models; an "
                           "automaton predicts on a file of words, one a line")
        refuse_drop_missing(args)
        lines = read_word_lines(args.data, model.alphabet)
        header = ["word", "prediction"]

        def rows(start: int, stop: int) -> Any:
            chunk = lines[start:stop]
            return zip([line for line, _ in chunk], model.predict([word for _, word in chunk]).tolist())

        n_rows = len(lines)
    else:
        layer = concept_layer(model)
        if layer is not None and not args.activations:
            units = model.domain.feature_names
            raise CLIError(f"{args.model} holds concept rules: they read the activations of hidden layer {layer!r} "
                           "(distilled with layer=), not input rows; give --data those activations, a column per "
                           f"unit ({', '.join(units if len(units) <= 6 else [*units[:3], '...', units[-1]])}), "
                           "with --activations")
        if layer is None and args.activations:
            raise CLIError(f"--activations applies to concept rules (distilled with layer=); {args.model} holds a "
                           f"{model.kind} model of input rows")
        if args.proba and model.task != "classification":
            raise CLIError(f"--proba applies to classifiers; {args.model} holds a {model.task} {model.kind} model, "
                           "whose predictions are values")
        drop = column_list(args.drop, "--drop") or []
        refuse_feature_columns(model, args.model, {"--drop": drop})
        keep = column_list(args.keep, "--keep") or []
        both = next((c for c in keep if c in drop), None)
        if both is not None:
            raise CLIError(f"--keep and --drop both name {both!r}: a kept column is copied into the output, a "
                           "dropped one ignored")
        header = [*keep, "prediction"] + ([f"proba_{label}" for label in labels_to_json(model.classes)]
                                          if args.proba else [])
        twice = next((c for i, c in enumerate(header) if c in header[:i]), None)
        if twice is not None and keep.count(twice) > 1:
            raise CLIError(f"--keep {args.keep} names {twice!r} twice: keep a column once")
        if twice is not None:
            raise CLIError(f"--keep {args.keep}: the output would have two columns named {twice!r}, the kept one "
                           f"and its own; rename that column of {args.data}")
        carried = [c for c in keep if c not in model.domain.feature_names]  # identifiers: read as text
        # kept columns as written (an empty field stays empty, 007 stays 007), in the same reading
        # --drop-missing: a missing identifier (a --keep column that is no feature) drops no row
        told = f", identified by --keep {args.keep}" if keep else ": --keep <id> copies a column that identifies them"
        df, kept, _ = read_table_written(args.data, drop, text_categories(model) + carried, na=na_values(args),
                                      written=keep, drop_missing=args.drop_missing, spare=carried,
                                      note=f"; the output has a line for each row kept only{told}")
        for c in keep:
            if c not in df.columns:
                raise CLIError(f"--keep: column {c!r} not in {args.data}; columns are {list(df.columns)}"
                               f"{comma_hint(c, df.columns)}")
        X = in_model_order(df.drop(columns=carried), model, args.data,
                           " (--keep columns to copy them into the output, or --drop them)")
        # Every row is checked (a NaN, an unknown category, named by its row) before anything is written:
        # an error leaves the output untouched. The checked rows are then predicted a chunk at a time.
        Z = model.domain.encode(X)
        del df, X

        def written(col: Any) -> list[Any]:
            """A kept column's values, a missing one as None (an empty field); a column that holds none (pandas'
            isna, which every missing value is to is_missing too) as it is: a million identifiers tested one by
            one took 0.6 s."""
            values = col.tolist()
            return [None if is_missing(v) else v for v in values] if col.isna().any() else values

        def rows(start: int, stop: int) -> Any:
            columns = [] if kept is None else [written(kept[c].iloc[start:stop]) for c in keep]
            if args.proba:  # the labels and probabilities of one walk of the model
                labels, proba = model.predict_and_proba_encoded(Z[start:stop])
                columns += [labels.tolist(), *proba.T.tolist()]
            else:
                columns.append(model.predict_encoded(Z[start:stop]).tolist())
            return zip(*columns)

        n_rows = len(Z)

    def write(out: Any) -> None:
        writer = csv.writer(out, delimiter=sep, lineterminator="\n")
        writer.writerow(header)
        for start in range(0, n_rows, PREDICT_CHUNK):
            writer.writerows(rows(start, min(start + PREDICT_CHUNK, n_rows)))

    if args.output:
        def to_file(p: Path) -> None:
            if p.suffix.lower() in COMPRESSED_SUFFIXES:  # compressed as its name says
                require_extra("pandas", f"writing {args.output} (compressed) needs pandas", "pandas")
                if p.suffix.lower() == ".zst":
                    require_extra("zstandard", f"writing {args.output} (zstd-compressed) needs the zstandard package",
                                  "pandas")
                from pandas.io.common import get_handle  # pandas' opener, as read_table reads such a file

                with get_handle(p, "w", encoding="utf-8", compression="infer") as handles:
                    write(handles.handle)
                return
            with p.open("w", encoding="utf-8", newline="") as out:
                write(out)

        write_output(args.output, to_file)
        print(f"wrote {args.output}: {counted(n_rows, 'prediction')}", file=sys.stderr)
    else:
        write(sys.stdout)
    return 0


def output_separator(path: str) -> str:
    """The separator of predict's CSV output ``path``: a tab for a .tsv (compressed or not), as --data reads
    one, else a comma. A Parquet name is refused: the text written would not be Parquet."""
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    if len(suffixes) > 1 and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    suffix = suffixes[-1] if suffixes else ""
    if suffix in (".parquet", ".pq"):
        raise CLIError(f"-o {path!r} names a Parquet file, and predict writes CSV: give a .csv or .tsv path "
                       "(compressed or not)")
    return "\t" if suffix == ".tsv" else ","


def _add_demo(sub: Any) -> None:
    p = sub.add_parser("demo", help="train a small network on bundled data and distill it (offline)")
    p.add_argument("--max-size", type=_positive_int, default=16,  # checked before the network is trained
                   help="leaves of the distilled tree (default 16)")
    add_random_state(p)


def _run_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(max_size=args.max_size, random_state=args.random_state)
    return 0


def _add_export(sub: Any) -> None:
    from .export import TARGETS

    p = sub.add_parser("export", help="export a saved model as C99, Python, Prolog, ONNX or JSON (automata: also DOT)")
    p.add_argument("model", help="model JSON file")
    p.add_argument("--to", required=True, choices=TARGETS, help="target language")
    p.add_argument("-o", "--output", help="file to write (default: standard output; required for onnx)")
    p.add_argument("--prefix", help="c: prefix of every exported symbol (default symdistill)")
    p.add_argument("--module", help="prolog: wrap the clauses in this module")


# the names each export target's files go by: an -o named for another target is refused, not overwritten
EXPORT_SUFFIXES = {"c": (".c", ".h"), "python": (".py",), "prolog": (".pl", ".pro", ".prolog"), "onnx": (".onnx",),
                   "json": (".json",), "dot": (".dot", ".gv")}


def named_for_another(path: str, target: str) -> str | None:
    """The export target other than ``target`` whose files ``path``'s suffix names (``model.onnx``: onnx),
    or None: a suffix of ``target``'s own, or of none (``model.txt``)."""
    suffix = Path(path).suffix.lower()
    if suffix in EXPORT_SUFFIXES.get(target, ()):
        return None
    return next((t for t, suffixes in EXPORT_SUFFIXES.items() if suffix in suffixes), None)


def _run_export(args: argparse.Namespace) -> int:
    from .export import export

    options = {k: v for k, v in (("prefix", args.prefix), ("module", args.module)) if v is not None}
    for flag, name, target in (("--prefix", "prefix", "c"), ("--module", "module", "prolog")):
        if name in options and args.to != target:  # the library would name its option, not the flag
            raise CLIError(f"{flag} applies to --to {target}, not to --to {args.to}")
    if args.output == "-":  # standard output, as without -o
        args.output = None
    if args.output is not None:
        check_output(args.output, "export")
        check_distinct(("-o", args.output), ("the model", args.model))
        other = named_for_another(args.output, args.to)
        if other is not None:
            raise CLIError(f"-o {args.output!r} names a {Path(args.output).suffix.lower()} file, which --to {other} "
                           f"writes, and --to {args.to} writes another language: give a path that names it")
    result = export(load_model(args.model), args.to, **options)
    if isinstance(result, bytes):
        if not args.output:
            raise CLIError("exporting to onnx writes a binary file: give it with -o model.onnx")
        write_output(args.output, lambda p: p.write_bytes(result))
    elif args.output:
        write_output(args.output, lambda p: p.write_text(result, encoding="utf-8"))
    else:
        sys.stdout.write(result)
    if args.output:
        print(f"wrote {args.output} ({args.to})", file=sys.stderr)
    return 0


def _add_verify(sub: Any) -> None:
    from .verify.cli import add_verify

    add_verify(sub)


def _run_verify(args: argparse.Namespace) -> int:
    from .verify.cli import run_verify

    return run_verify(args)


def _add_report(sub: Any) -> None:
    from .report.cli import add_report

    add_report(sub)


def _run_report(args: argparse.Namespace) -> int:
    from .report.cli import run_report

    return run_report(args)


def _add_automaton(sub: Any) -> None:
    p = sub.add_parser("automaton", help="extract a finite-state automaton from a sequence classifier (JSON)")
    p.add_argument("--teacher", required=True,
                   help="module:attribute (a callable on a list of words, or a recurrent torch module), TorchScript .pt, or "
                        "a saved automaton .json")
    p.add_argument("--alphabet",
                   help="the input symbols, comma-separated with no spaces (0,1), or a JSON list for symbols that "
                        "hold commas or spaces or start with '[' ('[\"a,b\", \" \", \"c\"]'); required unless "
                        "the teacher is an automaton (saved, or a module's) or a sequence teacher (made by "
                        "sd.as_sequence_teacher), whose alphabet is the default")
    add_teacher_output(p)
    p.add_argument("--max-states", type=_positive_int, default=50,
                   help="most states; on reaching it the best hypothesis so far is kept (default 50)")
    p.add_argument("--oracle", default="auto", choices=["auto", "statistical", "whitebox", "both"],
                   help="equivalence oracle (default auto: the white-box one too when hidden states can be read, a torch "
                        "teacher's, else statistical)")
    p.add_argument("--time-budget", type=_positive_seconds, default=None,
                   help="seconds; the best hypothesis so far is kept (default: no limit)")
    add_random_state(p)
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE", type=_learner_option,
                   help="another option of sd.distill_automaton or of the teacher (repeatable; VALUE is read as "
                        "JSON when it parses: --option max_length=60 --option strategy=lstar --option output=moore)")
    p.add_argument("--dot", help="also write the automaton as Graphviz DOT here")
    p.add_argument("-o", "--output", required=True, help="where to write the automaton JSON")


def add_teacher_output(p: Any) -> None:
    p.add_argument("--teacher-output", choices=["logit", "probability"], default=None,
                   help="a torch teacher's single output column: a logit of 'accept' (default) or a probability "
                        "(as sd.as_sequence_teacher(module, alphabet, output=...))")
    dash_values(p)  # --alphabet -,.


def sequence_teacher(args: argparse.Namespace, alphabet: Sequence[str] | None,
                     options: dict[str, Any] | None = None) -> Any:
    """``args.teacher`` loaded as a sequence teacher over ``alphabet`` (None: the teacher's own, an automaton's or
    a SequenceTeacher's; other teachers are refused), its output read as ``--teacher-output`` says (a torch
    module's option only), with the teacher ``options`` given by ``--option`` (refused by name when the teacher's
    adapter has no such option)."""
    import inspect

    from .models.automata import _Automaton
    from .teachers.sequence import (CallableSequenceTeacher, SequenceTeacher, TorchSequenceTeacher, _is_torch_module,
                                    as_sequence_teacher)

    obj = load_sequence_model(args.teacher)
    if alphabet is None and not isinstance(obj, (SequenceTeacher, _Automaton)):
        raise CLIError(f"--alphabet is required: {args.teacher} is a {type(obj).__name__}, not a saved automaton "
                       "(.json), an automaton or a sequence teacher (sd.as_sequence_teacher), which bring their own; "
                       "list the input symbols, e.g. --alphabet 0,1")
    options = dict(options or {})
    if args.teacher_output is not None:
        if not _is_torch_module(obj):
            raise CLIError(f"--teacher-output reads a torch module's output column, and {args.teacher} is a "
                           f"{type(obj).__name__}, whose answers are the labels")
        options["output"] = args.teacher_output
    if not options:
        return obj
    if isinstance(obj, SequenceTeacher):
        raise CLIError(f"--option {next(iter(options))}=...: {args.teacher} is a sequence teacher made already (a "
                       f"{type(obj).__name__}), whose options are given where it is made (sd.as_sequence_teacher(f, "
                       "alphabet, ...)); or give --teacher the callable or module itself")
    adapter = TorchSequenceTeacher if _is_torch_module(obj) else CallableSequenceTeacher
    known = [name for name in list(inspect.signature(adapter).parameters)[2:] if name != "output"]
    unknown = [name for name in options if name not in known and name != "output"]
    if unknown:
        raise CLIError(f"--option {unknown[0]}=...: not an option of sd.distill_automaton, nor of a "
                       f"{'torch' if adapter is TorchSequenceTeacher else 'callable'} teacher ({', '.join(known)})")
    return as_sequence_teacher(obj, alphabet, **options)


def load_sequence_model(spec: str) -> Any:
    """A sequence teacher: ``module:attribute``, a TorchScript file, or a saved automaton (``.json``), loaded."""
    if Path(spec).suffix.lower() == ".json":  # an automaton answers as a teacher (as sd.distill_automaton takes it)
        model = load_model(spec)
        if model.kind not in ("dfa", "moore"):
            raise CLIError(f"{spec} holds a {model.kind} model, and a sequence teacher saved as JSON is an automaton "
                           "(a DFA or a Moore machine)")
        return model
    obj = load_teacher_object(spec)
    if isinstance(obj, str) and obj.lower().endswith(".onnx"):
        raise CLIError(f"{spec}: ONNX models are not sequence teachers; give a TorchScript file (a step-style "
                       "module, see the README) or a module:attribute function over words")
    if isinstance(obj, str):  # a TorchScript file
        from .teachers.torch import TORCH_SAVE, _torch, written_by_torch_save

        if written_by_torch_save(obj):  # torch.jit.load would call it a corrupted checkpoint
            raise CLIError(f"{Path(spec).name} {TORCH_SAVE}: a .pt sequence teacher is TorchScript with step methods "
                           "(see the README's torch convention); or pass the module itself: --teacher module:attribute")
        torch = _torch()  # named with its extra where torch is not installed
        try:
            obj = torch.jit.load(obj, map_location="cpu")
        except Exception as exc:  # torch reports a bad file as RuntimeError (and others), with its reason
            raise CLIError(f"cannot load TorchScript teacher {spec}: {_first_line(exc)}") from None
    return obj


_AUTOMATON_FLAG = {"max_states": "--max-states", "oracle": "--oracle", "time_budget": "--time-budget",
                   "random_state": "--random-state", "alphabet": "--alphabet", "seq_model": "--teacher",
                   "teacher_options": "--option"}


def _run_automaton(args: argparse.Namespace) -> int:
    import inspect

    from .automata_api import distill_automaton

    check_output(args.output, "automaton")
    check_distinct(("-o", args.output), ("--teacher", args.teacher))
    check_model_output(args.output, "automaton", args.teacher)
    if args.dot is not None:
        check_output(args.dot, "automaton")
        check_distinct(("--dot", args.dot), ("-o", args.output), ("--teacher", args.teacher))
    alphabet = None if args.alphabet is None else parse_alphabet(args.alphabet)
    learner: dict[str, Any] = {}
    teacher: dict[str, Any] = {}
    own = inspect.signature(distill_automaton).parameters
    refuse_twice(args.option)
    for name, value in args.option:
        if name in _AUTOMATON_FLAG:
            raise CLIError(f"--option {name}=...: use {_AUTOMATON_FLAG[name]}")
        if name == "output" and value in ("logit", "probability"):
            raise CLIError(f"--option output={value}: a torch teacher's output column is read with --teacher-output "
                           f"{value}; output= is the automaton kind (auto, dfa or moore)")
        (learner if name in own else teacher)[name] = value
    obj = sequence_teacher(args, alphabet, teacher)
    for output in (("-o", args.output), ("--dot", args.dot)):  # a module:attribute teacher's source, once imported
        if output[1]:
            check_distinct(output, ("--teacher", teacher_source(args.teacher)))
    check_model_output(args.output, "automaton")
    t0 = time.perf_counter()
    model = distill_automaton(obj, alphabet=alphabet, max_states=args.max_states, oracle=args.oracle,
                              time_budget=args.time_budget, random_state=args.random_state, **learner)
    dot = None
    if args.dot:  # rendered before either file is written: a model it refuses leaves no JSON behind
        from .export import export

        dot = export(model, "dot")
    write_output(args.output, model.to_json)
    if dot is not None:
        write_output(args.dot, lambda p: p.write_text(dot, encoding="utf-8"))
    print(model)
    written = args.output if dot is None else f"{args.output} and {args.dot}"
    print(f"wrote {written}: {model.size} state{'s' * (model.size != 1)}, {time.perf_counter() - t0:.1f} s, "
          f"{model.meta['n_queries']} teacher queries ({model.meta['cache_hits']} more answered by the cache), "
          f"{counted(model.meta['rounds'], 'equivalence query')}", file=sys.stderr)
    return 0


COMMANDS: dict[str, tuple[Callable[[Any], None], Callable[[argparse.Namespace], int]]] = {
    "distill": (_add_distill, _run_distill),
    "show": (_add_show, _run_show),
    "evaluate": (_add_evaluate, _run_evaluate),
    "predict": (_add_predict, _run_predict),
    "demo": (_add_demo, _run_demo),
    "export": (_add_export, _run_export),
    "verify": (_add_verify, _run_verify),
    "report": (_add_report, _run_report),
    "automaton": (_add_automaton, _run_automaton),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symdistill", description="Distill a trained model into a symbolic one.")
    parser.add_argument("--version", action="version", version=f"symdistill {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add, _ in COMMANDS.values():
        add(sub)
    return parser


def _option_hint(args: argparse.Namespace, message: str) -> str:
    """``message``, a learner's refusal of an ``--option`` of a float where it takes an integer, followed by
    the integer to write when the float is whole: the VALUE is read as JSON, where 1e4 and 2.0 are floats
    (10000.0), and the learner takes no float for an integer, as ``sd.distill`` takes none. Likewise a
    switch written as Python writes it (``hinges=True``, the text 'True' in JSON) names ``hinges=true``."""
    for *form, name, value in getattr(args, "option", None) or []:
        flag = f"--option {form[0] + '.' if form and form[0] else ''}{name}"
        if isinstance(value, float) and value.is_integer() and message.startswith(f"{name} must be ") \
                and "integer" in message:
            return (f"{message}; {flag}=... is read as JSON, where it is the float {value!r} (as 1e4 and 2.0 are): "
                    f"write the whole number, {flag}={int(value)}")
        # True as Python writes it is no JSON: the text 'True', refused by a switch that asks for True or False.
        if isinstance(value, str) and value.lower() in ("true", "false") \
                and message.startswith(f"{name} must be True") and "False" in message:
            return (f"{message}; {flag}=... is read as JSON, where {value} is the text {value!r}, not a switch: "
                    f"write {flag}={value.lower()}")
    return message


def _option_flag(args: argparse.Namespace, name: str) -> str:
    """The learner option ``name`` as the command line sets it, up to its value: the command's flag for it
    (``--max-size ``; report's ``--n-samples ``), whose ``--option`` is refused, else ``--option NAME=`` (with
    the FORM. prefix the user wrote it with; in report, not given, the prefix of the one form taking it, as
    the linear form alone takes ``n_knots``)."""
    from .report.cli import _OWN_FLAG as report_flags

    own = report_flags if args.command == "report" else _OWN_FLAG
    if name in own and own[name] != "--no-progress":  # (a switch, which takes no value)
        return f"{own[name]} "
    given = [o for o in args.option if o[-2] == name]
    form = given[0][0] if given and len(given[0]) == 3 else None
    if not given and args.command == "report":
        from .api import _options_of
        from .learners import registered_learners

        takers = {f for (f, m), cls in registered_learners().items()
                  if m == (args.method or "pedagogical") and name in _options_of(cls)}
        form = takers.pop() if len(takers) == 1 else None
    return f"--option {form + '.' if form else ''}{name}="


# How a learner's refusal names its options, and as what distill and report name them (FLAG: _option_flag's):
# "(max_design_gib=2)" the value as set, "fewer knots (n_knots)" the option to set, "a larger max_design_gib"
# (GiB), "n_samples=None" (JSON's null; report has no flag for it: without --n-samples the tree and rules
# scale theirs), and at the head "n_samples=10,000,000 cannot fit ..." where report's --n-samples gave it.
_JSON_CONSTANTS = {"True": "true", "False": "false", "None": "null"}
_WRITTEN_OPTIONS = ((r"(?<![\w.-])(\w+)=(True|False|None)\b",  # Python's constants, as --option's JSON writes them
                     lambda flag, m: f"{flag}{_JSON_CONSTANTS[m[2]]}" if flag.endswith("=") else m[0]),
                    (r"\((\w+)=([^)\s]*)\)", lambda flag, m: f"({flag}{m[2]})"),
                    (r"\((\w+)\)", lambda flag, m: f"({flag}N)"),
                    (r"a larger (max_design_gib)$", lambda flag, m: f"a larger {flag}N (GiB)"),
                    (r"\((n_samples)=None scales", lambda flag, m: f"({flag}null scales" if flag.endswith("=")
                     else "(without --n-samples a tree's and rules' n_samples scale"),
                    (r"^(\w+)=", lambda flag, m: m[0] if flag.endswith("=") else flag))


def _options_as_written(args: argparse.Namespace, message: str) -> str:
    """``message``, a learner's refusal passed on by distill or report, naming the learner options it
    names as the command line sets them (``_option_flag``), where it named the Python options, which a
    command-line user cannot write: the design limit's '(max_design_gib=2): ask for fewer knots (n_knots),
    fewer rows (n_samples) ... or a larger max_design_gib' names ``--option max_design_gib=2``, ``--option
    n_knots=N``, ``--option n_samples=N`` (report: ``--n-samples N``) and ``--option max_design_gib=N (GiB)``.
    An option the user wrote as ``--option NAME=VALUE`` heading the message ('n_knots must be ...') is left
    as it is: it names what they wrote. ``sd.distill``'s messages are unchanged."""
    if args.command not in ("distill", "report"):
        return message
    from .api import _options_of
    from .learners import registered_learners

    options = set().union(*(_options_of(cls) for cls in registered_learners().values()))
    for pattern, written in _WRITTEN_OPTIONS:
        message = re.sub(pattern, lambda m: written(_option_flag(args, m[1]), m) if m[1] in options else m[0],
                         message)
    return message


def _drop_missing_hint(message: str) -> str:
    """What a refusal of a file's missing field (a NaN read from an empty field is one) adds where
    --drop-missing was not given: the flag dropping its rows; for a word among numbers that may mark one
    (adult's '?'), the --na-values reading it as missing too. '' for other errors."""
    if re.search(r"(missing value|non-finite value \(nan\)).*fill or drop (them|it) first$", message):
        return " (or pass --drop-missing)"
    word = re.search(r"holds the text '([^',\\\"]+)' in row \d+; fill or drop such rows \(does it mark a missing "
                     r"value\?\)", message)
    if word:
        return f" (--na-values '{word[1]},' --drop-missing reads it and empty fields as missing, and drops their rows)"
    return ""


# Commands whose DataError (not rewritten as a CLIError naming its flag) is about the rows of --data, which
# the error then names, as report's errors about --holdout name that file.
_READS_DATA = ("distill", "evaluate", "predict", "report")


def _once(showwarning: Any) -> Any:
    """``showwarning`` printing each warning's line once in a command: Python's once-per-location registry is
    reset whenever code changes the filters (a ``catch_warnings`` block, as fitting runs several), so a
    learner's warning printed again for each fit (report: three times the same line for one option)."""
    shown: set[str] = set()

    def show(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
        text = warnings.formatwarning(message, category, filename, lineno, line)
        if text not in shown:
            shown.add(text)
            showwarning(message, category, filename, lineno, file, line)
    return show


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:  # a usage error: the commands go to stderr, where a pipe does not take them for output
        parser.print_help(sys.stderr)
        return 2
    # Warnings print as the errors do, one line, without the library's file and line.
    formatwarning = warnings.formatwarning
    _ROWS_KEPT.clear()  # (of an earlier command run in this process)
    # (a learner's warning names its options as this command writes them, as its errors do)
    warnings.formatwarning = lambda message, *_, **__: \
        f"symdistill {args.command}: warning: {_options_as_written(args, str(message))}\n"
    showwarning = warnings.showwarning
    warnings.showwarning = _once(showwarning)
    try:
        return COMMANDS[args.command][1](args)
    except (CLIError, DataError, ModelFormatError, TeacherError, ValueError, TypeError, ImportError) as exc:
        message = _options_as_written(args, _option_hint(args, str(exc))) if type(exc) in (ValueError, TypeError) \
            else str(exc)
        if isinstance(exc, DataError) and getattr(args, "drop_missing", True) is False:
            message += _drop_missing_hint(message)
        if isinstance(exc, DataError) and args.command in _READS_DATA:
            message = file_rows(message, str(args.data))  # its rows as the file counts them, not as those kept
            if str(args.data) not in message:
                message = f"--data {args.data}: {message}"  # the rows refused: name the file they came from
    except KeyboardInterrupt:  # Ctrl-C: one line, not the traceback of wherever the work was
        print(f"symdistill {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `symdistill show m.json | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except OSError as exc:  # a file that cannot be read or written: a directory, permissions, a full disk
        message = str(exc) if exc.filename is None or not exc.strerror else \
            f"cannot access {str(exc.filename)!r}: {exc.strerror}"
    except RecursionError:  # e.g. a JSON file nested thousands of levels deep
        message = "the input is nested too deeply to process (maximum recursion depth exceeded)"
    except OverflowError as exc:  # a number too large for a float
        message = f"a number is out of range: {exc}"
    finally:
        warnings.formatwarning, warnings.showwarning = formatwarning, showwarning
    print(f"symdistill {args.command}: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    # ``python -m symdistill.cli``: run the imported module, whose CLIError is the one subcommands raise.
    from symdistill.cli import main as _main

    sys.exit(_main())
