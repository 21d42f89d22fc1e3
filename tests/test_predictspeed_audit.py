"""Applying a model to many rows takes faster paths (text columns factorized, checks skipped where the rows
are checked already, blocks of rows): each answer must be the answer of the slow path, row by row."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import symdistill as sd
from symdistill import DataError


def _text_frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({"x": rng.uniform(0, 10, n),
                         "colour": rng.choice(["red", "green", "blue", "grey"], n),
                         "size": rng.choice(["S", "M", "L"], n)})


@pytest.mark.parametrize("dtype", ["str", "object", "string", "category"])
def test_text_columns_encode_as_their_values_one_by_one(dtype: str) -> None:
    X = _text_frame()
    domain = sd.Domain.from_data(X)
    # rows whose first categories are not the domain's first ones (codes follow the domain's order),
    # and a column holding some of its categories only
    Y = X.iloc[::-1].reset_index(drop=True)
    Y.loc[:, "colour"] = Y["colour"].replace({"blue": "grey"})
    Y = Y.astype({"colour": dtype, "size": dtype})
    by_value = domain.encode(Y.to_numpy(dtype=object))  # an object array: each value looked up alone
    assert domain.encode(Y).tolist() == by_value.tolist()
    assert set(domain.encode(Y)[:, 1]) == {domain.features[1].categories.index(c) for c in ("red", "green", "grey")}


@pytest.mark.parametrize("dtype", ["str", "object", "string"])
def test_an_unknown_or_missing_text_in_a_late_row_is_still_named(dtype: str) -> None:
    X = _text_frame()
    domain = sd.Domain.from_data(X)
    Y = X.astype({"colour": object})
    Y.loc[399, "colour"] = "purple"
    with pytest.raises(DataError, match="unknown category 'purple' in row 399"):
        domain.encode(Y.astype({"colour": dtype}))
    Y.loc[399, "colour"] = None
    with pytest.raises(DataError, match="missing value .* in row 399"):
        domain.encode(Y.astype({"colour": dtype}))


def test_text_of_numbers_is_no_numeric_category() -> None:
    X = pd.DataFrame({"x": np.arange(40.0), "code": np.tile([3, 7, 9, 11], 10)})
    domain = sd.Domain.from_data(X, categorical=["code"])
    with pytest.raises(DataError, match="unknown category '3' in row 0.*they are numbers"):
        domain.encode(X.astype({"code": str}))


@pytest.mark.parametrize("block", [1, 7, 64, 10**6])
def test_encoded_rows_checked_in_blocks_name_the_problem_the_whole_matrix_names(monkeypatch: pytest.MonkeyPatch,
                                                                                block: int) -> None:
    from symdistill.models import base

    monkeypatch.setattr(base, "BLOCK_ROWS", block)
    X = _text_frame(200)
    model = sd.distill(lambda d: np.where(d["colour"].isin(["red", "grey"]) & (d["x"] > 4), "a", "b"), X,
                       max_size=6, random_state=0, progress=False)
    Z = model.domain.encode(X)
    assert model.predict_encoded(Z).tolist() == model.predict(X).tolist()
    bad = Z.copy()
    bad[150, 2] = 3.0  # no code of size's 3 categories, in a later row than colour's
    bad[60, 1] = 1.5
    with pytest.raises(DataError, match=r"row 60 has 1\.5 for categorical feature 'colour'"):
        model.predict_encoded(bad)
    bad[60, 1] = 0.0
    with pytest.raises(DataError, match=r"row 150 has 3\.0 for categorical feature 'size'"):
        model.predict_proba_encoded(bad)
    bad[180, 0] = np.nan  # a non-finite value is named first, wherever it lies
    with pytest.raises(DataError, match="row 180 has a non-finite value"):
        model.predict_encoded(bad)


def test_an_automaton_predicts_many_words_as_it_answers_each_alone() -> None:
    rng = np.random.default_rng(5)
    dfa = sd.DFA.from_regex("(a|b)*abb(a|b)*", ["a", "b"])
    words = ["".join(rng.choice(["a", "b"], n)) for n in rng.integers(0, 12, 300)] + ["", "abb" * 40]
    assert dfa.predict(words).tolist() == [dfa.accepts(w) for w in words]
    assert dfa.predict([tuple(w) for w in words]).tolist() == [dfa.accepts(w) for w in words]
    with pytest.raises(ValueError, match=r"symbol 'c' in word 'abc' is not in the alphabet \['a', 'b'\]"):
        dfa.predict(["ab", "abc"])
    with pytest.raises(ValueError, match=r"symbol \['a'\] in word \('b', \['a'\]\) is not in the alphabet"):
        dfa.predict([("a",), ("b", ["a"])])


@pytest.mark.parametrize("chunk", [3, 10**6])
@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_predict_keeps_identifiers_as_written_in_chunks_with_and_without_missing_ones(
        tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], chunk: int, suffix: str) -> None:
    from symdistill import cli

    X = _text_frame(12)
    model = sd.distill(lambda d: np.where(d["x"] > 5, "a", "b"), X, max_size=2, random_state=0, progress=False)
    model.to_json(tmp_path / "m.json")
    ids = ["007", "", "x", "1e3", "NA", "a,b", "", "", "", "08", "9", "10"]  # chunks of 3: one all missing
    X.insert(0, "id", [i or None for i in ids] if suffix == "parquet" else ids)  # Parquet's missing: null
    getattr(X, f"to_{suffix}")(tmp_path / f"rows.{suffix}", index=False)
    monkeypatch.setattr(cli, "PREDICT_CHUNK", chunk)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["predict", "m.json", "--data", f"rows.{suffix}", "--keep", "id"]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = model.predict(X.drop(columns="id")).tolist()
    written = [f'"{i}"' if "," in i else i for i in ids]  # the missing ones empty, 007 and NA as they are
    assert lines == ["id,prediction"] + [f"{i},{p}" for i, p in zip(written, expected)]


@pytest.mark.parametrize("bad", ["a\U0001f600b", "ab\ud800", "abc", "a`"])  # beyond the alphabet, a lone surrogate, below
def test_words_read_in_one_pass_are_the_words_read_one_by_one(bad: str) -> None:
    rng = np.random.default_rng(6)
    moore = sd.MooreMachine(["a", "b"], [[1, 0], [2, 1], [0, 2]], ["x", "y", "z"])  # a's minus b's, mod 3
    words = ["".join(rng.choice(["a", "b"], n)) for n in rng.integers(0, 9, 200)]
    alone = [moore.output(w) for w in words]
    assert moore.predict(words).tolist() == alone
    assert moore.predict(tuple(np.array(words))).tolist() == alone  # a tuple of NumPy strings
    assert moore.predict(words[:5] + [tuple(words[5])] + words[6:]).tolist() == alone  # one word a tuple
    assert moore.predict([]).tolist() == [] and moore.predict([""]).tolist() == ["x"]
    symbol = "\U0001f600" if bad == "a\U0001f600b" else bad[-1]
    with pytest.raises(ValueError, match=re.escape(f"symbol {symbol!r} in word {bad!r} is not in the alphabet")):
        moore.predict(words + [bad])
    multi = sd.DFA(["ab", "b"], [[1, 0], [1, 1]], [False, True])
    assert multi.predict(["", ("ab", "b")]).tolist() == [False, True]
    with pytest.raises(TypeError, match="multi-character symbols"):
        multi.predict(["", "ab"])


@pytest.mark.parametrize("block", [1, 7, 10**6])
def test_a_linear_model_scores_rows_in_blocks_as_row_by_row(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    from symdistill.models import linear
    from symdistill.models.linear import LinearModel, Term

    X = _text_frame(100).assign(y=np.linspace(-3, 3, 100))
    domain = sd.Domain.from_data(X)
    terms = [Term.numeric(0), Term.category(1, 2), Term.hinge(0, 4.0, -1), Term.product(0, 3), Term.category(2, 0)]
    coef = [[0.5, -1.25, 2.0, 0.0, 0.75], [-0.1, 0.3, 0.0, 1.5, -2.0], [0.0, 0.0, 0.0, 0.0, 0.0]]
    models = [LinearModel(domain, "classification", ["p", "q", "r"], terms=terms, coef=coef, intercept=[0.1, 0.2, 0.3]),
              LinearModel(domain, "classification", ["no", "yes"], terms=terms, coef=coef[1], intercept=-0.5),
              LinearModel(domain, "regression", None, terms=terms, coef=coef[0], intercept=3.0)]
    Z = domain.encode(X)
    Z[17, 0] = 1e300  # a product past the largest double: inf in a block as alone
    for model in models:
        alone = [model.decision_function_encoded(Z[i:i + 1]).tolist()[0] for i in range(len(Z))]
        monkeypatch.setattr(linear, "BLOCK_ROWS", block)
        assert model.decision_function_encoded(Z).tolist() == alone
        assert model.decision_function_encoded(Z[:0]).shape[0] == 0
        if model.task == "classification":
            assert model.predict_proba(X).tolist() == [model.predict_proba(X.iloc[i:i + 1]).tolist()[0]
                                                        for i in range(len(X))]
    with pytest.raises(IndexError):  # no matrix of rows: refused, with rows or without
        models[0].decision_function_encoded(np.zeros(0))


def test_fidelity_scores_the_models_own_predictions_from_the_rows_encoded_once() -> None:
    X = _text_frame(300)

    def teacher(d: pd.DataFrame) -> np.ndarray:
        return np.where(d["colour"].isin(["red", "grey"]) & (d["x"] > 4), "a", np.where(d["size"] == "S", "b", "c"))

    for form in ("tree", "rules", "linear"):
        model = sd.distill(teacher, X, form=form, max_size=3, random_state=0, progress=False)
        hits = int((model.predict(X) == teacher(X)).sum())
        assert sd.fidelity(model, teacher, X).value == hits / len(X)
        assert int(np.trace(sd.class_fidelity(model, teacher, X).confusion)) == hits

    class Always(type(model)):  # a model of its own predict is scored on that predict
        def predict(self, X):
            return np.full(len(X), "b")

    always = model.copy()
    always.__class__ = Always
    assert sd.fidelity(always, teacher, X).value == float(np.mean(teacher(X) == "b"))
    Y = X.astype({"colour": object})
    Y.loc[250, "colour"] = "purple"
    with pytest.raises(DataError, match="unknown category 'purple' in row 250"):
        sd.fidelity(model, teacher, Y)


@pytest.mark.parametrize("alphabet", [["a", "b"], ["ab", "b", " "]])
def test_predict_on_a_file_of_words_reads_each_line_as_the_model_reads_the_word(
        tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], alphabet: list[str]) -> None:
    from symdistill import cli

    dfa = sd.DFA(alphabet, [[1] + [0] * (len(alphabet) - 1), [1] * len(alphabet)], [False, True])
    dfa.to_json(tmp_path / "dfa.json")
    chars = len(alphabet[0]) == 1
    words = ["", "ab", "ba", "bb", "aab"] if chars else [(), ("ab",), ("b", "ab"), ("b", "b"), (" ", "ab")]
    lines = [w if chars else ",".join(w) if " " not in w else '["' + '", "'.join(w) + '"]' for w in words]
    (tmp_path / "words.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["predict", "dfa.json", "--data", "words.txt"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [f'{line if "," not in line else chr(34) + line.replace(chr(34), 2 * chr(34)) + chr(34)},{p}'
                       for line, p in zip(lines, dfa.predict(words).tolist())]
    (tmp_path / "words.txt").write_text("\n".join(lines + ["bc" if chars else "b,c"]) + "\n", encoding="utf-8")
    assert cli.main(["predict", "dfa.json", "--data", "words.txt"]) == 2
    assert "line 6 of words.txt: symbol 'c' is not in the alphabet" in capsys.readouterr().err


def test_importing_symdistill_and_its_cli_leaves_scikit_learn_and_scipy_stats_unimported() -> None:
    """`symdistill predict` spent 0.8 s of its start importing scikit-learn and scipy.stats, which applying a
    model never uses: they are imported where a learner or an interval needs them."""
    import subprocess
    import sys

    code = ("import sys, symdistill, symdistill.cli; print(sorted(m for m in ('sklearn', 'scipy.stats') if m in "
            "sys.modules)); import numpy as np; print(symdistill.metrics.wilson_interval(95, 100))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", str(sd.metrics.wilson_interval(95, 100))]
