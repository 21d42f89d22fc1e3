"""torch teachers, reports and verification on odd but legal data: huge magnitudes, whole-number floats,
one feature, names with markup in them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import symdistill as sd


def _logit_net(torch, dtype, scale):
    """A one-logit network whose logit is ``scale * (x0 - x1)`` plus a fraction, in ``dtype``."""
    net = torch.nn.Linear(2, 1).to(dtype)
    with torch.no_grad():
        net.weight[:] = torch.tensor([[scale, -scale]], dtype=dtype)
        net.bias[:] = 0.25
    return net


@pytest.mark.parametrize("dtype, scale", [("float64", 1e20), ("float32", 1e9)])
def test_a_huge_logit_column_of_a_declared_classifier_is_a_logit_not_labels(dtype, scale):
    """One logit column with task='classification' whose logits are beyond the float type's whole numbers
    (every float64 from 2**53 on, every float32 from 2**24 on, is whole) was read as labels: a float64 net on
    rows near 1e39 was refused as 'returned labels 5.3e+37, ... which are not among its classes [100 logits]'."""
    torch = pytest.importorskip("torch")
    net = _logit_net(torch, getattr(torch, dtype), scale)
    X = np.random.default_rng(0).normal(size=(200, 2))
    model = sd.distill(net, X, task="classification", form="tree", random_state=0)
    assert model.classes.tolist() == [0, 1]
    assert sd.fidelity(model, sd.as_teacher(net, task="classification"), X).value > 0.97


def test_a_logit_column_far_from_zero_draws_no_overflow_warning():
    """A logit of -1000 gave P(class 1) through 1 / (1 + exp(1000)): NumPy warned 'overflow encountered in exp'
    for every batch (the answer, 0, was right)."""
    teacher = sd.as_teacher(lambda X: np.where(X[:, 0] > 0, 1000.5, -1000.5), task="classification")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = teacher.predict_proba(np.array([[-1.0], [1.0]]))
    assert proba.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_a_number_beyond_float32_tells_a_float32_net_to_run_in_float64():
    """A float32 network given a row of 1e39 was told to 'run the module in float32 (net.float())', the type it
    already ran in; only a wider type holds the number."""
    torch = pytest.importorskip("torch")
    X = np.array([[1e39, 0.0], [1.0, 2.0]])
    with pytest.raises(sd.TeacherError, match=r"which float32 holds as infinity; scale the feature, or run the "
                                              r"module in float64 \(net\.double\(\)\)$"):
        sd.as_teacher(torch.nn.Linear(2, 2)).predict(X)


def test_a_logit_read_as_a_probability_off_a_first_answer_in_0_1_says_to_declare_logits():
    """sd.verify(tree, sd.robust(point, r), teacher=net) of a one-logit net asks the net about the point alone
    first; a logit of 0.009 there was read as P(class 1), and the next answer, -0.03, was refused as 'returned
    probabilities outside [0, 1]', with no word of how the column had been read or what to declare."""
    torch = pytest.importorskip("torch")
    net = torch.nn.Linear(1, 1)
    with torch.no_grad():
        net.weight[:], net.bias[:] = 1.0, 0.01
    X = np.linspace(-1, 1, 101).reshape(-1, 1)
    model = sd.distill(net, X, task="classification", form="tree", random_state=0)
    assert model.predict(np.array([[-0.5], [0.5]])).tolist() == [0, 1]
    with pytest.raises(sd.TeacherError, match=r"outside \[0, 1\] .*: -0\.\d+; its first answer \(1 row\) lay all "
                                              r"between 0 and 1 and was read as probabilities: for a logit, declare "
                                              r"output='logits' \(sd\.as_teacher\(teacher, output='logits'\)\)$"):
        sd.verify(model, sd.robust({"x0": 0.0}, 0.5), teacher=net)
    logits = sd.as_teacher(net, task="classification", output="logits")
    v = sd.verify(model, sd.robust({"x0": 0.0}, 0.5), teacher=logits)
    assert not v.holds and v.teacher.status == "teacher violation"


@pytest.mark.parametrize("offset", [2**24, 10**6])
def test_disagreement_bins_of_a_narrow_whole_feature_far_from_zero_print_whole_numbers(offset):
    """A whole-number feature of a narrow spread far from zero (ids 16777216 to 16777315) had report bins
    '[16777216, 1.677723e+07]', '(1000011.5, 1000025]' and '(1.00005e+06, 1.00006e+06]': quantiles between
    whole numbers printed with their fraction, or in an exponent that reads as rounded, where the README says a
    whole feature's edges print as whole numbers. The bins now print whole numbers that hold the rows they count."""
    from symdistill.domain import Domain
    from symdistill.report.figures import disagreement_by_feature

    rng = np.random.default_rng(0)
    Z = (rng.integers(0, 100, 333) + offset).astype(float).reshape(-1, 1)
    part = disagreement_by_feature(Domain.from_data(Z), Z, (rng.random(333) < 0.1).astype(float))[0]
    assert len(part.bins) == 8
    for k, (text, count) in enumerate(zip(part.bins, part.counts)):
        low, high = text[1:-1].split(", ")
        assert low.isdigit() and high.isdigit(), text
        inside = (Z[:, 0] >= int(low)) if k == 0 else (Z[:, 0] > int(low))
        assert text[0] == ("[" if k == 0 else "(") and int((inside & (Z[:, 0] <= int(high))).sum()) == count, text


def test_the_model_card_gives_a_whole_feature_its_observed_range_in_whole_numbers():
    """The model card printed ids 16777216 to 16777315 as the range [1.67772e+07, 1.67773e+07], rounded to
    nearest: its upper end, 16777300, below 15 of the ids."""
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 100, 300) + 2**24, rng.normal(size=300)]).astype(float)
    X[:2, 0] = [2**24, 2**24 + 99]
    front = sd.frontier(lambda X: (X[:, 1] > 0).astype(int), X, forms=["tree"], sizes=[2], progress=False)
    rep = sd.report(front, path=None, shifts=["none"])
    assert "| x0 | integer | \\[16777216, 16777315\\] |" in rep.markdown


def test_a_torch_module_answering_complex_numbers_is_refused():
    """A module whose output is complex (an FFT feature left in the head) was read through out.long(), which
    dropped the imaginary parts with only torch's own warning: its class indices or values were the real parts'."""
    torch = pytest.importorskip("torch")

    class Complex(torch.nn.Module):
        def forward(self, x):
            return torch.complex(x[:, :2], x[:, 1:])

    with pytest.raises(sd.TeacherError, match=r"returned complex numbers \(complex64\), which are no .*: "
                                              r"return their real part, magnitude or angle"):
        sd.as_teacher(Complex()).predict(np.random.default_rng(0).normal(size=(10, 3)))


def test_a_torch_module_answering_an_empty_tuple_is_told_to_return_a_tensor():
    """Of a tuple answer the first element is read; an empty one raised IndexError ('tuple index out of range'),
    reported as if the module had raised it on the rows."""
    torch = pytest.importorskip("torch")

    class Nothing(torch.nn.Module):
        def forward(self, x):
            return ()

    with pytest.raises(sd.TeacherError, match=r"^torch Nothing returned a tuple, not a tensor; wrap the module to "
                                              r"return one tensor"):
        sd.as_teacher(Nothing()).predict(np.zeros((4, 2)))


def test_rows_given_as_a_tensor_are_asked_without_a_numpy_warning():
    """Rows a user holds as a torch tensor are copied for the module as NumPy reads a tensor: np.array(tensor)
    warned that torch's __array__ takes no copy keyword (a DeprecationWarning at every batch)."""
    torch = pytest.importorskip("torch")
    from symdistill.teachers.activations import read_activations

    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    rows = torch.tensor(np.random.default_rng(0).normal(size=(10, 2)), dtype=torch.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        answers = sd.as_teacher(net).predict(rows)
        acts = read_activations(net, rows, 0)
    assert np.array_equal(answers, net(rows).argmax(1).numpy())
    assert np.allclose(acts, torch.relu(net[0](rows)).detach().numpy())
