"""`--na-values`: which CSV fields are read as missing values. pandas reads NA, None, null, n/a, ... as
missing by default, so a category written so (NA for North America, None for "no veneer") could not be
read as one from the command line: the column was refused as holding missing values, with advice
('fill or drop them') that cannot be followed for a value. A warning now says which fields of a text
column were read as missing, and `--na-values ''` reads only empty fields as missing."""

from __future__ import annotations

import numpy as np
import pytest

from symdistill.cli import main, read_table

pd = pytest.importorskip("pandas")

REGIONS = ["NA", "EU", "AS"]


def _region_teacher(df):
    return ((np.asarray(df["x"], dtype=float) > 0.5) & (np.asarray(df["region"]).astype(str) == "NA")).astype(int)


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    rows = pd.DataFrame({"x": rng.uniform(size=300).round(3), "region": rng.choice(REGIONS, 300)})
    rows.to_csv(tmp_path / "rows.csv", index=False)  # written as NA, EU, AS
    (tmp_path / "regions.py").write_text(
        "import numpy as np\n\n\ndef predict(df):\n"
        "    return ((np.asarray(df['x'], dtype=float) > 0.5) & (np.asarray(df['region']).astype(str) == 'NA'))"
        ".astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


ADVICE = r"column 'region' of rows.csv: \d+ fields such as 'NA' \(first in row \d+\) are read as missing .*--na-values ''"


def test_a_category_written_na_is_refused_with_advice_by_default(folder, capsys):
    with pytest.warns(UserWarning, match=ADVICE):
        code = main(["distill", "--teacher", "regions:predict", "--data", "rows.csv", "--categorical", "region",
                     "--form", "tree", "--max-size", "4", "-o", "m.json"])
    err = capsys.readouterr().err
    assert code != 0 and not (folder / "m.json").exists()
    assert "column 'region' has" in err and "missing values" in err, err


def test_na_values_empty_reads_na_as_a_category_in_every_command(folder, capsys):
    assert main(["distill", "--teacher", "regions:predict", "--data", "rows.csv", "--categorical", "region",
                 "--form", "tree", "--max-size", "4", "--na-values", "", "-o", "m.json"]) == 0
    capsys.readouterr()
    rows = pd.read_csv("rows.csv", keep_default_na=False)
    import symdistill as sd

    model = sd.load("m.json")
    assert "NA" in [str(c) for c in model.domain.features[model.domain.feature_names.index("region")].categories]
    assert (model.predict(rows) == _region_teacher(rows)).mean() > 0.97
    assert main(["predict", "m.json", "--data", "rows.csv", "--na-values", "", "-o", "p.csv"]) == 0
    assert pd.read_csv("p.csv")["prediction"].tolist() == model.predict(rows).tolist()
    assert main(["evaluate", "m.json", "--teacher", "regions:predict", "--data", "rows.csv",
                 "--na-values", ""]) == 0
    capsys.readouterr()
    # without the option the same file is refused by predict, naming the column and the field
    with pytest.warns(UserWarning, match=ADVICE):
        assert main(["predict", "m.json", "--data", "rows.csv", "-o", "q.csv"]) != 0
    assert "column 'region' has a missing value" in capsys.readouterr().err


def test_the_advice_prints_as_one_line_of_the_command(folder):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "symdistill", "distill", "--teacher", "regions:predict", "--data",
                           "rows.csv", "--categorical", "region", "-o", "m.json"], capture_output=True, text=True,
                          cwd=folder, env={**__import__("os").environ, "PYTHONPATH": f"{folder}:"
                                           + __import__("os").environ.get("PYTHONPATH", "")})
    warning, error = done.stderr.splitlines()
    assert warning.startswith("symdistill distill: warning: column 'region' of rows.csv: ")
    assert error.startswith("symdistill distill: error: --data rows.csv: column 'region' has ")


def test_report_takes_na_values(folder, capsys):
    pytest.importorskip("matplotlib")
    assert main(["report", "--teacher", "regions:predict", "--data", "rows.csv", "--categorical", "region",
                 "--forms", "tree", "--sizes", "2,4", "--na-values", "", "-o", "report.html"]) == 0


def test_na_values_names_the_fields_read_as_missing(tmp_path):
    (tmp_path / "r.csv").write_text("a,b\n1,?\n2,NA\n,x\n")
    default = read_table(str(tmp_path / "r.csv"), warn=False)
    assert default["a"].isna().tolist() == [False, False, True] and default["b"].isna().tolist() == [False, True, False]
    own = read_table(str(tmp_path / "r.csv"), warn=False, na=["?", ""])
    assert own["a"].isna().tolist() == [False, False, True]
    assert own["b"].tolist()[1:] == ["NA", "x"] and pd.isna(own["b"].iloc[0])
    # a text column read as written (text=) keeps the option too
    own = read_table(str(tmp_path / "r.csv"), text=["b"], warn=False, na=[""])
    assert own["b"].tolist() == ["?", "NA", "x"]


def test_na_values_is_refused_for_parquet(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    pd.DataFrame({"x": [0.1, 0.9], "region": ["NA", "EU"]}).to_parquet(tmp_path / "rows.parquet")
    code = main(["distill", "--teacher", "regions:predict", "--data", str(tmp_path / "rows.parquet"),
                 "--na-values", "", "-o", str(tmp_path / "m.json")])
    assert code != 0
    assert "--na-values" in capsys.readouterr().err


def test_no_advice_for_a_dropped_column_or_empty_fields(tmp_path):
    """Only words read as missing in a column that is read draw the warning: a dropped column's NA and a
    column's empty fields (missing as written) do not."""
    import warnings

    (tmp_path / "r.csv").write_text("a,b,c\n1,NA,x\n2,y,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = read_table(str(tmp_path / "r.csv"), drop=["b"])
    assert df["c"].isna().tolist() == [False, True]


def test_na_values_as_a_json_list(tmp_path):
    """A field holding a comma is listed in JSON; a JSON list of anything but strings is refused."""
    import argparse

    from symdistill.cli import CLIError, na_values

    assert na_values(argparse.Namespace(na_values='["n, a", ""]')) == ["n, a", ""]
    assert na_values(argparse.Namespace(na_values="NA, ?")) == ["NA", "?"]
    assert na_values(argparse.Namespace(na_values=None)) is None
    with pytest.raises(CLIError, match="a JSON list of fields must hold strings"):
        na_values(argparse.Namespace(na_values="[1, 2]"))
