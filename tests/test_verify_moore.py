"""Verification of Moore machines: equivalence of two machines (a shortest distinguishing word with
both machines' labels), "never / always outputs LABEL on REGEX", through sd.verify and the CLI.
Before, sd.verify and `symdistill verify` refused a MooreMachine ("cannot verify a MooreMachine")."""

from __future__ import annotations

import re
from itertools import product

import numpy as np
import pytest

import symdistill as sd
from symdistill.cli import main
from symdistill.models.automata import MooreMachine

MOD3 = MooreMachine("ab", [[1, 0], [2, 1], [0, 2]], ["zero", "one", "two"])  # count of a mod 3


def words_upto(alphabet, n):
    return ["".join(w) for k in range(n + 1) for w in product(alphabet, repeat=k)]


def marker(word, alphabet="ab", hit="special", other="plain"):
    """A machine that outputs ``hit`` on exactly ``word`` and ``other`` on every other word."""
    n = len(word)
    dead = n + 1
    rows = [[i + 1 if s == word[i] else dead for s in alphabet] for i in range(n)]
    rows += [[dead] * len(alphabet), [dead] * len(alphabet)]
    return MooreMachine(alphabet, rows, [other] * n + [hit, other], classes=[hit, other])


def relabelled(m, perm, alphabet_order):
    """The same machine with states renumbered by ``perm`` and the alphabet's columns in another order."""
    inv = np.argsort(perm)
    cols = [m.alphabet.index(s) for s in alphabet_order]
    trans = perm[m.transitions[inv][:, cols]]
    return MooreMachine(alphabet_order, trans, [m.state_outputs[i] for i in inv], initial=int(perm[m.initial]))


def test_equivalent_to_its_minimised_and_relabelled_copies():
    messy = MooreMachine("ab", [[1, 3], [2, 4], [0, 5], [4, 3], [5, 4], [3, 5]],
                         ["zero", "one", "two", "zero", "one", "two"])  # MOD3 twice over, unminimised
    copy = relabelled(MOD3, np.array([2, 0, 1]), ["b", "a"])
    assert copy.alphabet == ("b", "a") and copy.initial == 2
    for other in (messy, messy.minimize(), copy):
        v = sd.verify(MOD3, sd.equivalent(other))
        assert v.holds and v.counterexample is None and v.backend == "direct"
        assert sd.verify(other, sd.equivalent(MOD3)).holds


def test_a_machine_differing_on_one_long_word_gives_that_word_with_both_labels():
    word = "abbabaabba"
    m, plain = marker(word), MooreMachine("ab", [[0, 0]], ["plain"])
    v = sd.verify(m, sd.equivalent(plain))
    assert not v.holds and v.counterexample.word == word
    assert v.counterexample.outputs == (m.predict([word])[0], plain.predict([word])[0]) == ("special", "plain")
    assert f"word {word!r} (outputs: 'special' vs 'plain')" in str(v)
    # shortest: the machines agree on every shorter word
    shorter = words_upto("ab", len(word) - 1)
    assert (m.predict(shorter) == plain.predict(shorter)).all()
    # with a machine that also differs elsewhere, the shortest difference is found
    v = sd.verify(marker(word), sd.equivalent(marker("ba")))
    assert v.counterexample.word == "ba" and v.counterexample.outputs == ("plain", "special")


def test_equivalence_agrees_with_brute_force_on_random_small_machines():
    """Two machines of at most 4 states that differ do so on a word of length <= 4 + 4 - 2 = 6, so
    comparing predict on every word up to length 6 decides equivalence."""
    rng = np.random.default_rng(0)
    words = words_upto("abc", 6)
    seen = {True: 0, False: 0}
    for _ in range(150):
        pair = []
        for _ in range(2):
            n = int(rng.integers(1, 5))
            labels = [str(x) for x in rng.choice(["x", "y"], size=n)]
            pair.append(MooreMachine("abc", rng.integers(0, n, size=(n, 3)), labels, classes=["x", "y"]))
        a, b = pair
        differ = np.nonzero(a.predict(words) != b.predict(words))[0]
        v = sd.verify(a, sd.equivalent(b))
        assert v.holds == (differ.size == 0)
        seen[v.holds] += 1
        if not v.holds:
            w = v.counterexample.word
            assert len(w) == len(words[differ[0]])  # words are listed shortest first
            assert v.counterexample.outputs == (a.output(w), b.output(w)) and a.output(w) != b.output(w)
    assert min(seen.values()) > 10  # both verdicts were exercised


@pytest.mark.parametrize("pattern", ["b*", "b*ab*", "(b*ab*ab*ab*)*", ".*aa.*", "a(a|b)*b", "()", "(ab)*"])
def test_never_and_always_outputs_agree_with_brute_force(pattern):
    words = [w for w in words_upto("ab", 8) if re.fullmatch(pattern, w)]
    for label in ["zero", "one", "two"]:
        got = MOD3.predict(words)
        never, always = sd.verify(MOD3, sd.never_outputs(label, pattern)), sd.verify(MOD3, sd.always_outputs(label, pattern))
        assert never.holds == (label not in got.tolist())
        assert always.holds == all(g == label for g in got)
        for v, bad in ((never, lambda o: o == label), (always, lambda o: o != label)):
            if not v.holds:
                w = v.counterexample.word
                assert re.fullmatch(pattern, w) and bad(MOD3.output(w)) and v.counterexample.outputs == (MOD3.output(w),)
                assert len(w) == min(len(x) for x, o in zip(words, got) if bad(o))  # a shortest one


def test_labels_are_matched_by_value_and_type():
    m = MooreMachine("ab", [[1, 0], [0, 1]], [0, 1])
    assert not sd.verify(m, sd.never_outputs(1, ".*")).holds
    with pytest.raises(ValueError, match=r"'1' is not a label of the machine; its labels are \[0, 1\]"):
        sd.verify(m, sd.never_outputs("1", ".*"))


def test_bad_comparisons_and_properties_are_refused_clearly():
    dfa = sd.DFA.from_regex("a*", "ab")
    X = np.random.default_rng(0).uniform(size=(100, 2))
    tree = sd.distill(lambda Z: (Z[:, 0] > 0.5).astype(int), X, max_size=2)
    with pytest.raises(TypeError, match="a MooreMachine compares with another MooreMachine .* got DFA"):
        sd.verify(MOD3, sd.equivalent(dfa))
    with pytest.raises(TypeError, match="a MooreMachine compares with another MooreMachine .* got Tree"):
        sd.verify(MOD3, sd.equivalent(tree))
    with pytest.raises(TypeError, match="cannot compare a DFA with a MooreMachine"):
        sd.verify(dfa, sd.equivalent(MOD3))
    with pytest.raises(TypeError, match=r"cannot compare a tree model with an automaton \(MooreMachine\)"):
        sd.verify(tree, sd.equivalent(MOD3))
    with pytest.raises(ValueError, match="alphabets differ"):
        sd.verify(MOD3, sd.equivalent(MooreMachine("abc", [[0, 0, 0]], ["zero"])))
    with pytest.raises(TypeError, match="NeverAccepts applies to DFAs; for a MooreMachine use never_outputs"):
        sd.verify(MOD3, sd.never_accepts("a*"))
    with pytest.raises(TypeError, match="Formula applies to tabular models; for a MooreMachine"):
        sd.verify(MOD3, "prediction == 'one'")
    with pytest.raises(TypeError, match="NeverOutputs applies to Moore machines; for a DFA use never_accepts"):
        sd.verify(dfa, sd.never_outputs(True, "a*"))
    with pytest.raises(ValueError, match="z3 backend covers tabular models"):
        sd.verify(MOD3, sd.equivalent(MOD3), backend="z3")
    with pytest.raises(TypeError, match="takes a regular expression"):
        sd.never_outputs("one", 3)


def test_cli_verify_moore_machines_end_to_end(tmp_path, capsys):
    word = "abbab"
    paths = {name: str(tmp_path / f"{name}.json") for name in ("m", "copy", "marked", "plain", "dfa")}
    MOD3.to_json(paths["m"])
    relabelled(MOD3, np.array([1, 2, 0]), ["b", "a"]).to_json(paths["copy"])
    marker(word).to_json(paths["marked"])
    MooreMachine("ab", [[0, 0]], ["plain"]).to_json(paths["plain"])
    sd.DFA.from_regex("a*", "ab").to_json(paths["dfa"])

    assert main(["verify", paths["m"], "--equivalent", paths["copy"]]) == 0
    assert "HOLDS: the model agrees everywhere" in capsys.readouterr().out
    assert main(["verify", paths["marked"], "--equivalent", paths["plain"]]) == 1
    assert f"counterexample: word {word!r} (outputs: 'special' vs 'plain')" in capsys.readouterr().out

    assert main(["verify", paths["m"], "--never-outputs", "two", "b*a?b*", "--always-outputs", "zero", "(b*ab*ab*a)*b*",
                 "--always-outputs", "one", "a"]) == 0
    assert "3 of 3 constraints hold" in capsys.readouterr().out
    assert main(["verify", paths["m"], "--never-outputs", "two", ".*", "--never-outputs", "one", "b*"]) == 1
    out = capsys.readouterr().out
    assert "counterexample: word 'aa' (output: 'two')" in out and "1 of 2 constraints hold" in out
    numeric = tmp_path / "numeric.json"
    MooreMachine("ab", [[1, 0], [0, 1]], [0, 1]).to_json(numeric)
    assert main(["verify", str(numeric), "--always-outputs", "1", "a(aa)*"]) == 0  # "1" names the label 1
    # as the machine prints it, quoted ("'one' is not a label of the machine")
    assert main(["verify", paths["m"], "--always-outputs", "'one'", "a"]) == 0
    capsys.readouterr()

    for argv, message in [
        ([paths["m"], "--never-accepts", "a*"],
         "--never-accepts applies to DFAs, and {m} is an automaton (a Moore machine); for Moore machines give "
         "--never-outputs, --always-outputs or --equivalent"),
        ([paths["m"], "-c", "prediction == 'one'"], "-c/--constraint applies to tabular models, and {m} is an automaton"),
        ([paths["dfa"], "--never-outputs", "x", "a*"],
         "--never-outputs applies to Moore machines, and {dfa} is an automaton (a DFA); for DFAs give --never-accepts"),
        ([paths["m"], "--equivalent", paths["dfa"]], "--equivalent: {m} is a moore model and {dfa} a dfa model"),
        ([paths["m"], "--never-outputs", "three", "a*"], "'three' is not a label of the machine"),
    ]:
        assert main(["verify", *argv]) == 2
        captured = capsys.readouterr()
        assert message.format(**paths) in captured.err and captured.out == ""
