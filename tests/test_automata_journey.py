"""Automata along the README's user journey: a trained torch sequence classifier, saved the ways users
save one, distilled, exported and evaluated from Python and from the command line."""

from __future__ import annotations

import pytest

import symdistill as sd

torch = pytest.importorskip("torch")


class _SeqNet(torch.nn.Module):
    """embedding / rnn / head, as the README's torch convention reads them (untrained)."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embedding = torch.nn.Embedding(2, 4)
        self.rnn = torch.nn.GRU(4, 8, batch_first=True)
        self.head = torch.nn.Linear(8, 1)


def test_a_sequence_teacher_written_by_torch_save_is_named_so(tmp_path, capsys):
    """``torch.save(net, "net.pt")`` (or its state_dict), the usual way to save a network, given to
    ``automaton`` or ``evaluate`` as ``--teacher net.pt`` drew torch's "PytorchStreamReader failed
    locating file constants.pkl ... your checkpoint file is corrupted": the file is fine, it is no
    TorchScript. The error now says it was written by torch.save and what to give instead."""
    from symdistill.cli import main

    net = _SeqNet()
    words = tmp_path / "words.txt"
    words.write_text("\n01\n110\n")
    model = tmp_path / "dfa.json"
    model.write_text(sd.DFA.from_regex("(0|1)*1", "01").to_json())
    for what, obj in (("module", net), ("state_dict", net.state_dict())):
        path = tmp_path / f"{what}.pt"
        torch.save(obj, str(path))
        for argv in (["automaton", "--teacher", str(path), "--alphabet", "0,1", "-o", str(tmp_path / "out.json")],
                     ["evaluate", str(model), "--teacher", str(path), "--data", str(words)]):
            assert main(argv) == 2
            err = capsys.readouterr().err
            assert f"{what}.pt was written by torch.save (a pickled module or state_dict), not torch.jit.save" in err, err
            assert "--teacher module:attribute" in err and "corrupted" not in err, err
            assert len(err.strip().splitlines()) == 1, err
        assert not (tmp_path / "out.json").exists()
