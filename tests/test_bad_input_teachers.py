"""Bad input to teachers, the domain and the learners' shared parameters gets a clear error: the
right exception type and a message that names the problem, never a raw NumPy / pandas / torch
exception from deep inside, and never a silently wrong model."""

from __future__ import annotations

import datetime
import decimal
import re
import warnings

import numpy as np
import pytest

import symdistill as sd
from symdistill import DataError, TeacherError

KW = {"max_size": 4, "random_state": 0, "n_samples": 400}


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).uniform(size=(200, 4))


# -- 1. NaN and complex answers, complex data ---------------------------------------------------
def test_nan_labels_in_an_object_array_are_rejected(X):
    def f(X):
        return np.array([np.nan if v > 0.5 else 0.0 for v in X[:, 0]], dtype=object)

    with pytest.raises(TeacherError, match="NaN"):
        sd.distill(f, X, form="linear", **KW)


@pytest.mark.parametrize("labels", [[None, "a"], ["a", float("nan")], ["a", 1j]])
def test_missing_or_complex_labels_are_rejected_even_with_declared_classes(labels):
    t = sd.as_teacher(lambda X: np.array(labels, dtype=object), classes=["a", "b"])
    with pytest.raises(TeacherError, match=r"returned (None|NaN|the complex number 1j) as the label of row \d"):
        t.answer(np.zeros((2, 1)))


def test_complex_teacher_output_is_an_error_not_a_warning(X):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TeacherError, match="complex"):
            sd.distill(lambda X: X[:, 0] + 1j, X, **KW)


def test_a_multi_output_regressor_is_told_to_distil_one_output_at_a_time(X):
    from sklearn.linear_model import LinearRegression

    two = LinearRegression().fit(X, X[:, :2])
    for teacher in (two, lambda X: X[:, :2], lambda X: np.round(10 * X[:, :3]).astype(int)):
        with pytest.raises(TeacherError, match=r"returned \d values per row .* several outputs are not supported"):
            sd.distill(teacher, X, form="tree", task="regression", **KW)  # was 'answered like a classification one'


def test_a_multi_output_classifier_is_told_to_distil_one_output_at_a_time(X):
    """Its classes_ is a list of class arrays: NumPy's 'inhomogeneous shape' ValueError, or 'classes
    must be a 1-D sequence' with the arrays printed over lines, or (classes declared) 'returned
    something that is not an array: list'."""
    from sklearn.multioutput import MultiOutputClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    y = np.column_stack([X[:, 0] > 0.5, np.digitize(X[:, 1], [0.3, 0.6])]).astype(int)
    for est in (DecisionTreeClassifier().fit(X, y), MultiOutputClassifier(LogisticRegression()).fit(X, y),
                DecisionTreeClassifier().fit(X, y[:, [0, 0]])):
        for make in (lambda: sd.distill(est, X, form="tree", **KW),
                     lambda: sd.as_teacher(est, classes=[0, 1, 2]).predict(X)):
            with pytest.raises(TeacherError, match=r"^sklearn \w+ is a multi-output classifier \(2 outputs\); "
                                                   r"symdistill distils one output at a time") as info:
                make()
            assert "\n" not in str(info.value)


def test_a_multilabel_mlp_classifier_is_told_to_distil_one_output_at_a_time(X):
    """A multilabel MLPClassifier (its classes_ one array, its predict_proba a column per label) was
    refused with 'returned probability rows that are negative or do not sum to 1', which says
    nothing of the labels, on both routes."""
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y = np.column_stack([X[:, 0] > 0.5, X[:, 1] > 0.3]).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few iterations do not converge
        mlp = MLPClassifier((4,), max_iter=20, random_state=0).fit(X, y)
        piped = make_pipeline(StandardScaler(), MLPClassifier((4,), max_iter=20, random_state=0)).fit(X, y)
    for est, method in ((mlp, "pedagogical"), (mlp, "decompositional"), (piped, "decompositional")):
        with pytest.raises(TeacherError, match=r"^sklearn \w+ is a multi-output classifier \(2 outputs\); "
                                               r"symdistill distils one output at a time"):
            sd.distill(est, X, form="rules", method=method, max_size=2)


def test_a_multilabel_one_vs_rest_classifier_is_told_to_distil_one_output_at_a_time(X):
    """A multilabel OneVsRestClassifier (its binarizer public, label_binarizer_; classes_ one array,
    predict_proba a column per label) was refused with 'returned probability rows that are negative
    or do not sum to 1', which says nothing of the labels, bare and in a Pipeline."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y = np.column_stack([X[:, 0] > 0.5, X[:, 1] > 0.3]).astype(int)
    ovr = OneVsRestClassifier(LogisticRegression()).fit(X, y)
    piped = make_pipeline(StandardScaler(), OneVsRestClassifier(LogisticRegression())).fit(X, y)
    for est in (ovr, piped):
        with pytest.raises(TeacherError, match=r"^sklearn \w+ is a multi-output classifier \(2 outputs\); "
                                               r"symdistill distils one output at a time"):
            sd.distill(est, X, form="tree", **KW)


def test_an_estimator_fitted_on_a_dataframe_given_a_wider_array_is_told_to_drop_a_column(X):
    """An estimator fitted on an array and given rows with one more column (a label left in a file) is told
    to drop the columns it was not fitted on; one fitted on a DataFrame, given such an array (distill
    --as-array), was told only scikit-learn's 'X has 4 features, but LogisticRegression is expecting 3'."""
    pd = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    rows, y = X[:, :3], X[:, 0] > 0.5
    wider = np.column_stack([rows, y])
    for fitted in (rows, pd.DataFrame(rows, columns=["a", "b", "c"])):
        est = LogisticRegression().fit(fitted, y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scikit-learn's own, of feature names
            with pytest.raises(TeacherError, match=r"; it was fitted on 3 features and the rows have 4 columns: drop "
                                                   r"the columns it was not fitted on \(a label column left in\?"):
                sd.as_teacher(est).predict(wider)


def test_complex_data_is_an_error_not_a_warning(X):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match="column 'x0' holds complex numbers"):
            sd.distill(lambda X: X[:, 0] > 0.5, X + 1j, **KW)
        with pytest.raises(DataError, match="complex"):
            sd.Domain.from_data(X).encode(X.astype(complex))


# -- 2. declared output kinds are enforced ------------------------------------------------------
def test_declared_labels_reject_continuous_values(X):
    with pytest.raises(TeacherError, match="non-integer numbers.*labels"):
        sd.distill(sd.as_teacher(lambda X: X[:, 0], output="labels"), X, **KW)
    with pytest.raises(TeacherError, match="output='labels'"):
        sd.as_teacher(lambda X: X[:, :2], output="labels").answer(X)
    with pytest.raises(TeacherError, match="2 labels per row"):
        sd.as_teacher(lambda X: np.full((len(X), 2), "a")).answer(X)
    t = sd.as_teacher(lambda X: np.round(X[:, 0] * 2), output="labels")  # whole numbers are labels
    assert t.task == "classification" and t.predict(X[:3]).tolist() == np.round(X[:3, 0] * 2).tolist()


def test_declared_proba_rejects_values_outside_unit_interval(X):
    with pytest.raises(TeacherError, match=r"outside \[0, 1\]"):
        sd.distill(sd.as_teacher(lambda X: 3 * X[:, 0], output="proba"), X, **KW)
    with pytest.raises(TeacherError, match=r"outside \[0, 1\]"):
        sd.as_teacher(lambda X: np.full(len(X), 3), output="proba").answer(X)  # whole numbers too


@pytest.mark.parametrize("output", ["proba", "logits"])
def test_declared_scores_reject_string_labels(X, output):
    t = sd.as_teacher(lambda X: np.where(X[:, 0] > 0.5, "a", "b"), output=output)
    with pytest.raises(TeacherError, match=f"output='{output}'.*labels"):
        sd.distill(t, X, **KW)


def test_declared_output_contradicting_task_is_rejected():
    with pytest.raises(ValueError, match="output='proba' is a classification output"):
        sd.as_teacher(lambda X: X[:, 0], output="proba", task="regression")
    with pytest.raises(ValueError, match="output='values' is a regression output"):
        sd.as_teacher(lambda X: X[:, 0], output="values", task="classification")


# -- 3. declared classes ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "classes, message",
    [
        (["a", "a"], "repeated labels: \\['a'\\]"),
        ("ab", "got the string 'ab'"),
        ([[0, 1]], "1-D sequence of distinct labels, got shape \\(1, 2\\)"),
        ([[0], [1, 2]], "1-D sequence of distinct labels"),
        ([], "classes is empty"),
        ([None, "a"], "not a label"),
        ([float("nan"), "a"], "classes holds nan, which is not a label"),
    ],
)
def test_bad_declared_classes_are_rejected(classes, message):
    with pytest.raises(ValueError, match=message):
        sd.as_teacher(lambda X: X[:, 0] > 0.5, classes=classes)


# -- 4. labels that cannot be ordered -----------------------------------------------------------
@pytest.mark.parametrize(
    "make, message",
    [
        (lambda n: np.array([None] * n, dtype=object), "None"),
        (lambda n: np.array([1, "a"] * (n // 2), dtype=object), "cannot be ordered \\(types: int, str\\)"),
    ],
)
def test_unorderable_labels_get_a_teacher_error(X, make, message):
    with pytest.raises(TeacherError, match=message):
        sd.distill(lambda X: make(len(X)), X, **KW)


# -- 5. unreadable models and bad torch options -------------------------------------------------
def test_garbage_onnx_bytes_are_a_teacher_error():
    pytest.importorskip("onnxruntime")
    with pytest.raises(TeacherError, match="onnxruntime cannot load the 7 bytes"):
        sd.as_teacher(b"garbage")


def test_file_that_is_not_torchscript_is_a_teacher_error(tmp_path):
    pytest.importorskip("torch")
    path = tmp_path / "garbage.pt"
    path.write_text("garbage")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit.load's own deprecation notice
        with pytest.raises(TeacherError, match=r"^garbage\.pt is not a TorchScript file \(torch\.jit\.save writes a zip"):
            sd.as_teacher(str(path))


def test_unknown_torch_dtype_lists_the_accepted_ones():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="dtype must be one of .*float32.*got 'float99'"):
        sd.as_teacher(torch.nn.Linear(4, 2), dtype="float99")
    assert sd.as_teacher(torch.nn.Linear(4, 2), dtype="float64").dtype == torch.float64


# -- 6. random_state ----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [-1, "abc", 1.5, True])
def test_bad_random_state_is_rejected(X, seed):
    with pytest.raises(ValueError, match="random_state must be a non-negative integer or None"):
        sd.distill(lambda X: X[:, 0] > 0.5, X, max_size=4, n_samples=400, random_state=seed)
    with pytest.raises(ValueError, match="random_state must be a non-negative integer or None"):
        sd.distill_automaton(lambda ws: ["1" in w for w in ws], alphabet="01", max_states=3, random_state=seed)


def test_numpy_integer_random_state_is_accepted_and_saved_as_json(X):
    a = sd.distill(lambda X: X[:, 0] > 0.5, X, max_size=4, n_samples=400, random_state=np.int64(3))
    b = sd.distill(lambda X: X[:, 0] > 0.5, X, max_size=4, n_samples=400, random_state=3)
    assert a == b and a.meta["random_state"] == 3
    assert sd.load(a.to_json()) == a  # the seed is stored as a plain int


# -- 7. DataFrame and array edge cases ----------------------------------------------------------
def _frames():
    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).uniform(size=(200, 4))
    return [
        (pd.DataFrame({"a": pd.Series([], dtype=float)}), "no rows"),
        (pd.DataFrame(index=range(200)), "no features"),
        (pd.DataFrame(X, columns=["x", "x", "y", "z"]), "duplicate column name 'x'"),
        (pd.DataFrame({"x": [[1, 2]] * 200, "y": X[:, 0]}), "column 'x' holds lists"),
        (pd.DataFrame({"x": [{"a": 1}] * 200, "y": X[:, 0]}), "column 'x' holds dicts"),
        (np.zeros((0, 4)), "no rows"),
        (np.zeros((200, 0)), "no features"),
    ]


@pytest.mark.parametrize("case", range(7))
def test_degenerate_data_gets_a_data_error(case):
    data, message = _frames()[case]
    with pytest.raises(DataError, match=message):
        sd.distill(lambda X: np.zeros(len(X)), data, **KW)


def test_encode_rejects_duplicate_columns_and_list_cells():
    pd = pytest.importorskip("pandas")
    dom = sd.Domain.from_data(pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0], "c": ["a", "b"]}))
    # a repeated column would otherwise be read in the place of the next feature
    with pytest.raises(DataError, match="duplicate column name 'x'"):
        dom.encode(pd.DataFrame([[1.0, 9.0, 3.0, "a"]], columns=["x", "x", "y", "c"]))
    with pytest.raises(DataError, match="column 'c' holds lists"):
        dom.encode(pd.DataFrame({"x": [1.0], "y": [3.0], "c": [["a"]]}))


@pytest.mark.parametrize("label", [None, np.nan, "NA", "NaT"])
def test_a_column_without_a_label_is_refused_by_distill_and_predict_alike(label):
    """A column labelled None, NaN, pd.NA or pd.NaT became the feature 'nan' (or 'NaT'), so a DataFrame whose
    column is named 'nan' predicted with that model as if it were the same column."""
    pd = pytest.importorskip("pandas")
    label = {"NA": pd.NA, "NaT": pd.NaT}.get(label, label)
    X = np.random.default_rng(0).uniform(size=(200, 2))
    unlabelled = pd.DataFrame(X, columns=pd.Index([label, "b"], dtype=object))
    message = r"the DataFrame's column at position 0 has no label \((None|nan|<NA>|NaT)\): every column needs a name"
    with pytest.raises(DataError, match=message):
        sd.distill(lambda X: np.zeros(len(X)), unlabelled, **KW)
    model = sd.distill(lambda X: (np.asarray(X)[:, 0] > 0.5).astype(int), pd.DataFrame(X, columns=["nan", "b"]),
                       **KW)
    with pytest.raises(DataError, match=message):
        model.predict(unlabelled)


# -- 8. recurrent torch teachers that do not fit together ---------------------------------------
def _rnn_net(vocab=2, head_in=8):
    torch = pytest.importorskip("torch")

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(vocab, 4)
            self.rnn = torch.nn.GRU(4, 8, batch_first=True)
            self.head = torch.nn.Linear(head_in, 1)

    torch.manual_seed(0)
    return Net()


def test_alphabet_larger_than_the_embedding_is_a_teacher_error():
    with pytest.raises(TeacherError, match="torch Net raised IndexError.*3 symbols.*embedding has 2 entries"):
        sd.distill_automaton(_rnn_net(vocab=2), alphabet="abc", max_states=3, random_state=0)


def test_head_of_the_wrong_width_is_a_teacher_error():
    with pytest.raises(TeacherError, match="torch Net raised RuntimeError.*head must take the rnn's hidden size \\(8\\)"):
        sd.distill_automaton(_rnn_net(head_in=5), alphabet="ab", max_states=3, random_state=0)


def test_step_module_with_inconsistent_state_widths_is_a_teacher_error():
    torch = pytest.importorskip("torch")

    class Stepper(torch.nn.Module):
        def initial_state(self, n):
            return torch.zeros(n, 3)

        def step(self, state, tokens):
            return torch.zeros(len(tokens), 5)

        def readout(self, state):
            return state[:, :1]

    t = sd.as_sequence_teacher(Stepper(), alphabet="ab")
    with pytest.raises(TeacherError, match="torch Stepper raised.*one width D"):
        t.predict(["ab", "b"])


def test_token_ids_must_be_a_mapping_of_ids():
    net = _rnn_net()
    with pytest.raises(TypeError, match="token_ids must map each symbol to an id, got a list"):
        sd.as_sequence_teacher(net, alphabet="01", token_ids=[0, 1])
    with pytest.raises(ValueError, match="token_ids\\['1'\\] must be a non-negative integer"):
        sd.as_sequence_teacher(net, alphabet="01", token_ids={"0": 0, "1": "one"})



def test_token_ids_that_give_two_symbols_one_id_are_refused():
    """Two symbols on one token id were accepted: the network cannot tell them apart, so every word
    read the same with either, and the automaton silently merged them."""
    with pytest.raises(ValueError, match="token_ids maps symbols 'a', 'c' to the same id 1; each symbol needs its "
                                         "own token id"):
        sd.as_sequence_teacher(_rnn_net(), alphabet="abc", token_ids={"a": 1, "b": 0, "c": 1})
    assert sd.as_sequence_teacher(_rnn_net(), alphabet="ab", token_ids={"a": 1, "b": 0}).predict(["ab"]).shape == (1,)


def _torch_teachers():
    torch = pytest.importorskip("torch")
    return [lambda **kw: sd.as_sequence_teacher(_rnn_net(), alphabet="01", **kw),
            lambda **kw: sd.as_teacher(torch.nn.Linear(2, 1), **kw)]


@pytest.mark.parametrize("which", [0, 1], ids=["sequence", "tabular"])
def test_a_device_torch_cannot_use_is_named_in_one_line(which):
    """device='cuda' on a CPU-only torch raised torch's bare 'AssertionError: Torch not compiled with CUDA
    enabled' (the sequence teacher at once, the tabular one at its first batch), and device='gpu' torch's
    list of twenty device types."""
    torch = pytest.importorskip("torch")
    make = _torch_teachers()[which]
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"^device='cuda': CUDA is not available .*; devices available here: "
                                             r"cpu"):
            make(device="cuda")
    with pytest.raises(ValueError, match=r"^device='gpu' is not a device torch knows; devices available here: cpu"):
        make(device="gpu")
    with pytest.raises(TypeError, match="device must be a string such as 'cpu'"):
        make(device=0.5)
    assert make(device="cpu").device == torch.device("cpu")


# -- 9-10. sequence teachers and automaton options ----------------------------------------------
def test_a_max_length_whose_random_words_would_not_fit_in_memory_is_refused():
    """max_length=10**6 failed inside random_words with numpy's 'MemoryError: Unable to allocate 27.5 GiB for an
    array with shape (3689, 1000000)', after the teacher had been asked the short words."""
    asked = []

    def teacher(ws):
        asked.extend(ws)
        return [True] * len(ws)

    with pytest.raises(ValueError, match=r"^max_length=1000000 is too long: the held-out sample \(n_validation\) is "
                                         r"10000 random words .* 74.5 GiB of memory, over the limit of 2 GiB; use "
                                         r"max_length <= 26843 \(or a smaller n_validation\)$"):
        sd.distill_automaton(teacher, alphabet="ab", max_length=10**6, max_states=5)
    with pytest.raises(ValueError, match=r"the statistical oracle's first sample .* is 36889 random words .* use "
                                         r"max_length <= 7276 \(or a larger epsilon\)$"):
        sd.distill_automaton(teacher, alphabet="ab", max_length=10**4, epsilon=1e-4, max_states=5)
    assert not asked
    assert sd.distill_automaton(teacher, alphabet="ab", max_length=300, random_state=0).size == 1


@pytest.mark.parametrize("answer", [lambda ws: {w: True for w in ws}, lambda ws: {True for _ in ws}])
def test_sequence_teacher_returning_a_mapping_or_set_is_rejected(answer):
    with pytest.raises(TeacherError, match="one label per word"):
        sd.distill_automaton(answer, alphabet=["0", "1"], max_states=3)


@pytest.mark.parametrize("budget", [float("nan"), float("inf")])
def test_time_budget_must_be_finite(budget):
    with pytest.raises(ValueError, match="time_budget must be a positive number"):
        sd.distill_automaton(lambda ws: ["1" in w for w in ws], alphabet="01", max_states=3, time_budget=budget)


def test_unknown_options_and_flags_are_named():
    X = np.random.default_rng(0).uniform(size=(100, 2))
    f = lambda X: (X[:, 0] > 0.5).astype(int)  # noqa: E731
    with pytest.raises(TypeError, match=r"distill\(form='rules', method='pedagogical'\): unknown option "
                                        r"'max_literal'; did you mean 'max_literals'\?"):
        sd.distill(f, X, form="rules", max_literal=3)
    with pytest.raises(ValueError, match="progress must be True, False or None, got 'yes'"):
        sd.distill(f, X, progress="yes")
    with pytest.raises(ValueError, match="check_determinism must be True or False, got 'no'"):
        sd.distill(f, X, form="linear", check_determinism="no")


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
@pytest.mark.parametrize("option, value", [("classes", ["no", "yes"]), ("batch_size", 10), ("output", "labels"),
                                           ("cache", True)])
def test_a_teacher_option_given_to_distill_says_to_pass_it_to_as_teacher(form, option, value):
    """distill(f, X, classes=[...]) answered "unknown option 'classes'" with no word of where it goes, and
    batch_size=10 "did you mean 'max_size'?", another option altogether."""
    X = np.random.default_rng(0).uniform(size=(100, 2))
    f = lambda X: (X[:, 0] > 0.5).astype(int)  # noqa: E731
    with pytest.raises(TypeError, match=rf"unknown option '{option}'; {option}= is a teacher option: pass "
                                        rf"sd\.as_teacher\(teacher, {option}=\.\.\.\) as the teacher"
                                        + ("; on the command line: --classes" if option == "classes" else "")
                                        + r" \(options:") as info:
        sd.distill(f, X, form=form, **{option: value})
    assert "max_size" not in str(info.value)


@pytest.mark.parametrize("option, ours", [("min_samples_leaf", "min_leaf"), ("max_leaf_nodes", "max_size")])
def test_a_scikit_learn_tree_option_names_ours(option, ours):
    """A scikit-learn user's min_samples_leaf=20 drew "did you mean 'n_samples'?", the count of
    teacher-labelled rows, another option altogether (and max_leaf_nodes no hint at all)."""
    X = np.random.default_rng(0).uniform(size=(100, 2))
    f = lambda X: (X[:, 0] > 0.5).astype(int)  # noqa: E731
    with pytest.raises(TypeError, match=rf"unknown option '{option}'; scikit-learn's {option}= is {ours}= here "
                                        r"\(options:") as info:
        sd.distill(f, X, form="tree", **{option: 20})
    assert "n_samples'?" not in str(info.value)


def test_a_scikit_learn_tree_option_a_form_lacks_is_not_read_as_a_misspelling():
    """form='rules' has no min_leaf, and min_samples_leaf=5 still drew "did you mean 'n_samples'?"."""
    X = np.random.default_rng(0).uniform(size=(100, 2))
    f = lambda X: (X[:, 0] > 0.5).astype(int)  # noqa: E731
    with pytest.raises(TypeError, match=r"unknown option 'min_samples_leaf'; scikit-learn's min_samples_leaf= has no "
                                        r"counterpart in form='rules' \(options:") as info:
        sd.distill(f, X, form="rules", min_samples_leaf=5)
    assert "n_samples'?" not in str(info.value)


def test_options_for_a_teacher_made_already_are_named_with_where_they_go():
    """'as_teacher got options for an object that is already a Teacher' named neither the options nor the
    teacher; distill's advice for a teacher option given to it (pass sd.as_teacher(teacher, classes=...))
    led a user holding a Teacher there."""
    t = sd.as_teacher(lambda X: (X[:, 0] > 0.5).astype(int), name="net")
    with pytest.raises(ValueError, match=r"^as_teacher: classes=, batch_size= for net, which is a Teacher made "
                                         r"already: pass them when it is made \(sd\.as_teacher\(model, classes=\.\.\., "
                                         r"batch_size=\.\.\.\)\)$"):
        sd.as_teacher(t, classes=["a", "b"], batch_size=10)
    assert sd.as_teacher(t) is t


def test_integer_options_refuse_booleans_and_take_numpy_integers():
    X = np.random.default_rng(0).uniform(size=(200, 2))
    f = lambda X: (X[:, 0] > 0.5).astype(int)  # noqa: E731
    for name in ("min_node_samples", "lookahead_depth", "refine_passes", "min_leaf", "max_depth"):
        with pytest.raises(ValueError, match=f"{name} must be a"):
            sd.distill(f, X, **{name: True})
    with pytest.raises(ValueError, match="n_samples must be"):
        sd.distill(f, X, form="linear", n_samples=True)
    assert sd.distill(f, X, max_depth=np.int64(2), n_samples=np.int64(400), random_state=0).depth <= 2


# -- teachers' answers as NumPy would misread them ----------------------------------------------
def test_whole_number_labels_beyond_int64_stay_distinct_classes():
    # 1e20 and -1e20 both cast to the same int64: the teacher looked like it had one class.
    t = sd.as_teacher(lambda X: np.where(X[:, 0] > 0.5, 1e20, -1e20), output="labels")
    assert t.predict(np.array([[0.2], [0.9]])).tolist() == [-1e20, 1e20]
    assert len(t.classes_) == 2


def test_a_callables_tensor_that_needs_grad_is_read(X):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Linear(4, 2)  # called without no_grad: its output requires grad
    f = lambda X: net(torch.tensor(X, dtype=torch.float32))
    tree = sd.distill(f, X, **KW)
    assert sd.fidelity(tree, f, X).value > 0.8


def test_a_list_of_mixed_labels_is_not_read_as_strings(X):
    # NumPy reads [1, 'a'] as ['1', 'a']; a batch of only 1s then answered a label outside the classes.
    f = lambda X: [1 if v > 0.5 else "a" for v in X[:, 0]]
    with pytest.raises(TeacherError, match=r"labels that cannot be ordered \(types: int, str\)"):
        sd.distill(f, X, **KW)


NUL_ENDED = (r"it ends in a NUL character, which NumPy's string arrays drop \(it would be read as 'a'\); strip it or "
             r"use another label$")


@pytest.mark.parametrize("answer", [list, lambda labels: np.asarray(labels, dtype=object)])
def test_a_label_ending_in_a_nul_is_refused_not_changed(X, answer):
    """NumPy's string arrays drop trailing NULs: a teacher answering the list ['a\\x00', 'b', ...] gave a
    model of the class 'a', and one answering an object array a model whose saved JSON did not load
    ("'classes' ... cannot be held without changing them (integers too large ...)")."""
    f = lambda X: answer(["a\x00" if v > 0.5 else "b" for v in X[:, 0]])  # noqa: E731
    with pytest.raises(TeacherError, match=r"^callable .*<lambda> returned 'a\\x00' as the label of row \d+ \(\[.*\]\); "
                                           + NUL_ENDED):
        sd.distill(f, X, **KW)
    with pytest.raises(ValueError, match=r"^classes holds 'a\\x00'; " + NUL_ENDED):
        sd.as_teacher(lambda X: X, classes=answer(["a\x00", "b"]))
    words = lambda ws: ["a\x00" if w.count("a") % 2 else "b" for w in ws]  # noqa: E731
    with pytest.raises(TeacherError, match=r"^callable .*<lambda> returned 'a\\x00' for word 'a'; " + NUL_ENDED):
        sd.distill_automaton(words, alphabet="ab")
    tree = sd.distill(lambda X: np.where(X[:, 0] > 0.5, "a", "b"), X, **KW)
    with pytest.raises(sd.ModelFormatError, match=r"^malformed model: class label 'a\\x00'; " + NUL_ENDED):
        sd.load(tree.to_json().replace('"a"', '"a\\u0000"'))


def test_cache_must_be_a_boolean():
    """cache='no' turned the cache on (bool('no') is True)."""
    with pytest.raises(TypeError, match="cache must be True or False"):
        sd.as_teacher(lambda X: np.zeros(len(X), dtype=int), cache="no")
    assert sd.as_teacher(lambda X: np.zeros(len(X), dtype=int), cache=np.bool_(True)).cache


# -- options an adapter does not take -----------------------------------------------------------
def _sklearn_tree():
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier().fit(np.eye(2), [0, 1])


@pytest.mark.parametrize(
    "make, options, message",
    [
        (lambda: lambda X: X[:, 0] > 0.5, {"device": "cuda"}, "device= is only for a torch module or a TorchScript "
         "file; this teacher was detected as a callable"),
        (lambda: lambda X: X[:, 0] > 0.5, {"dtype": "float64"}, "dtype= is only for a torch module .* a callable"),
        (lambda: lambda X: X[:, 0] > 0.5, {"batchsize": 10}, "batchsize= is not a teacher option; .* batch_size="),
        (_sklearn_tree, {"device": "cpu", "name": "t"}, "device= .*; name= is only for a callable; this teacher was "
         "detected as a scikit-learn estimator"),
        (lambda: "model.onnx", {"dtype": "float32"}, "dtype= .* detected as an ONNX model"),
        (lambda: b"onnx bytes", {"device": "cpu"}, "device= .* detected as an ONNX model"),
        (lambda: "model.pt", {"name": "t"}, "name= is only for a callable; .* detected as a TorchScript file, "
         "which takes .*device=, dtype="),
    ],
)
def test_options_the_detected_teacher_kind_does_not_take_are_named(make, options, message):
    with pytest.raises(TypeError, match=message):
        sd.as_teacher(make(), **options)


def test_torch_options_on_a_torch_module_are_accepted_and_others_named():
    torch = pytest.importorskip("torch")
    t = sd.as_teacher(torch.nn.Linear(2, 2), device="cpu", dtype="float64")
    assert t.dtype == torch.float64
    with pytest.raises(TypeError, match="name= is only for a callable; this teacher was detected as a torch module"):
        sd.as_teacher(torch.nn.Linear(2, 2), name="net")


def test_output_for_a_scikit_learn_estimator_is_named():
    """The adapter decides how the estimator answers and overwrote output= silently."""
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(60, 2))
    clf = LogisticRegression().fit(X, (X[:, 0] > 0).astype(int))
    with pytest.raises(TypeError, match="output= is only for .*detected as a scikit-learn estimator"):
        sd.as_teacher(clf, output="labels")
    assert sd.as_teacher(clf, output=None).predict(X[:3]).shape == (3,)


@pytest.mark.parametrize("dtype", ["datetime64[D]", "timedelta64[s]"])
def test_dates_and_time_spans_as_answers_are_refused(X, dtype):
    """They were read as their counts (days since 1970: class 18262), silently."""
    with pytest.raises(TeacherError, match=rf"returned dates or time spans \(dtype {re.escape(dtype)}\); expected "
                                           "labels, probabilities, logits or values: convert them"):
        sd.as_teacher(lambda X: np.where(X[:, 0] > 0.5, 18262, 18263).astype(dtype)).predict(X)


@pytest.mark.parametrize("labels, shown, how", [
    (np.array([b"yes", b"no"]), r"b'no' \(bytes\)", r"\(b'no'.decode\(\)\)"),
    (np.array([datetime.date(2020, 1, 1), datetime.date(2021, 1, 1)], dtype=object),
     r"datetime.date\(2020, 1, 1\) \(date\)", r"\(str\(label\), or numbers\)"),
    (np.array([decimal.Decimal("1.5"), decimal.Decimal("2.5")], dtype=object), r"Decimal\('1.5'\) \(Decimal\)",
     r"\(str\(label\), or numbers\)")])
def test_labels_a_model_cannot_save_are_refused(X, labels, shown, how):
    """A teacher answering bytes (a NumPy 'S' array, as read from HDF5), dates or Decimals was distilled
    into a model that predicted them, but whose to_json() failed with Python's 'Object of type bytes is
    not JSON serializable', as did sd.fidelity of bytes labels. The labels are now refused when first
    seen, naming one, and so are such classes declared."""
    def teacher(rows):
        return labels[(rows[:, 0] > 0.5).astype(int)]

    with pytest.raises(TeacherError, match=rf"^callable \S*teacher returned {shown} as a label; a label is a string, a "
                                           rf"number or a boolean, as a model saves it in its JSON: convert them {how}$"):
        sd.distill(teacher, X, **KW)
    with pytest.raises(ValueError, match=r"^classes holds .+ as a label; a label is a string, a number or a boolean"):
        sd.as_teacher(lambda rows: rows[:, 0] > 0.5, classes=list(labels))


def test_an_answer_for_one_row_is_counted_in_the_singular():
    """'returned one float (5.0) for 1 rows' and 'returned shape (3,) for 1 rows'."""
    with pytest.raises(sd.TeacherError, match=r"returned one float \(5\.0\) for 1 row; expected"):
        sd.as_teacher(lambda X: 5.0).predict(np.zeros((1, 2)))
    with pytest.raises(sd.TeacherError, match=r"returned shape \(3,\) for 1 row; expected"):
        sd.as_teacher(lambda X: np.zeros(3)).predict(np.zeros((1, 2)))


@pytest.mark.parametrize("form", ["tree", "rules", "linear"])
def test_distill_names_a_bad_teacher_or_task_before_the_rows_problems(tmp_path, form):
    """With rows holding a NaN, sd.distill(3, X), sd.distill('net.pt', X) for a file that is not there and
    sd.distill(f, X, task='regresion') all said "column 'x1' has a non-finite value (nan) in row 3":
    fixed, the user then learned that the teacher or the option was wrong from the start. The option is
    checked with the others (distill checks options before it touches the data), and the teacher before
    the rows, as the decompositional learner reads its network first."""
    X = np.random.default_rng(0).uniform(size=(50, 2))
    X[3, 1] = np.nan
    with pytest.raises(TypeError, match="^cannot use a int as a teacher"):
        sd.distill(3, X, form=form)
    with pytest.raises(FileNotFoundError, match="^TorchScript file not found: .*net.pt'$"):
        sd.distill(str(tmp_path / "net.pt"), X, form=form)
    with pytest.raises(ValueError, match=r"^task must be one of \('classification', 'regression'\) or None, "
                                         r"got 'regresion'$"):
        sd.distill(lambda rows: rows[:, 0] > 0.5, X, form=form, task="regresion")
    with pytest.raises(sd.DataError, match="^column 'x1' has a non-finite value"):
        sd.distill(lambda rows: rows[:, 0] > 0.5, X, form=form)


def test_a_model_class_instead_of_a_trained_instance_is_named_as_a_class(X):
    """sd.as_teacher(torch.nn.Linear) was taken as a callable, and distilling failed on the first rows
    with "callable Linear raised TypeError ... missing 1 required positional argument: 'out_features'"
    (a scikit-learn class: "model ABCMeta raised TypeError ... predict() missing ... 'X'")."""
    from sklearn.tree import DecisionTreeClassifier

    classes = [DecisionTreeClassifier]
    try:
        import torch
    except ImportError:
        pass
    else:
        classes.append(torch.nn.Linear)
    for cls in classes:
        message = rf"^as_teacher: got the class {re.escape(cls.__module__)}\.{cls.__name__}, not a model; pass a trained instance"
        with pytest.raises(TypeError, match=message):
            sd.as_teacher(cls)
        with pytest.raises(TypeError, match=message):
            sd.distill(cls, X, **KW)


def test_an_unfitted_sklearn_estimator_is_refused_as_not_fitted_before_any_query(X):
    """An unfitted estimator was taken, and failed on the first rows asked, wrapped as "sklearn
    LogisticRegression raised NotFittedError on a batch of 32 rows: ...": it is now refused when
    wrapped, saying it is not fitted."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y = (X[:, 0] > 0.5).astype(int)
    for est in (LogisticRegression(), make_pipeline(StandardScaler(), LogisticRegression())):
        name = type(est).__name__
        with pytest.raises(TeacherError, match=rf"^sklearn {name} is not fitted: fit it first"):
            sd.as_teacher(est)
        with pytest.raises(TeacherError, match=rf"^sklearn {name} is not fitted"):
            sd.distill(est, X, **KW)
        assert sd.as_teacher(est.fit(X, y)).predict(X).tolist() == est.predict(X).tolist()


def test_a_fitted_custom_estimator_that_keeps_no_fitted_attribute_is_taken(X):
    """A rule written as a scikit-learn estimator, fitted, keeps no attribute ending in '_', which is how
    scikit-learn's check_is_fitted tells a fitted estimator of another package: it was refused as 'not
    fitted: fit it first', also after fit."""
    from sklearn.base import BaseEstimator, ClassifierMixin

    class Rule(ClassifierMixin, BaseEstimator):
        def __init__(self, t=0.5):
            self.t = t

        def fit(self, X, y=None):
            return self

        def predict(self, X):
            return (np.asarray(X)[:, 0] > self.t).astype(int)

    rule = Rule().fit(X)
    assert sd.as_teacher(rule).predict(X).tolist() == (X[:, 0] > 0.5).astype(int).tolist()
    assert sd.distill(rule, X, **KW).size <= 2


@pytest.mark.parametrize("index", [lambda X: X[:, 0], lambda X: X[0]])
def test_a_function_that_indexes_an_array_given_a_dataframe_is_told_how_to_take_the_rows(X, index):
    """A function written for arrays (X[:, 0]) fails on the DataFrame the command line hands it a CSV's rows
    as, with pandas' "InvalidIndexError: (slice(None, None, None), 0)" or "KeyError: 0" alone; the error now
    says it was given a DataFrame, and how to index it (np.asarray(X), or --as-array)."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    with pytest.raises(TeacherError, match=r"it was given the rows as a pandas DataFrame, whose columns are taken by "
                                           r"name: take np.asarray\(X\) first to index it by position \(on the command "
                                           r"line, --as-array hands it a float array\)"):
        sd.distill(lambda X: (index(X) > 0.5).astype(int), df, **KW)


def test_a_function_that_takes_columns_by_name_given_an_array_is_told_to_take_a_dataframe(X):
    with pytest.raises(TeacherError, match="it was given the rows as a NumPy array, whose columns have no names: give "
                                           "it a pandas DataFrame to take them by name"):
        sd.distill(lambda X: (X["a"] > 0.5).astype(int), X, **KW)


def test_a_function_computing_on_an_object_array_is_told_why_it_got_one():
    """Rows of a float array with a categorical column reach the teacher as an array of objects (each
    category as given): np.sin(X[:, 0]) of a regressor then failed with NumPy's "loop of ufunc does not
    support argument 0 of type float which has no callable sin method" alone."""
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(-1, 1, 200), rng.integers(0, 3, 200)])
    with pytest.raises(TeacherError, match=r"it was given the rows as an array of objects, as rows with a categorical "
                                           r"feature are \(each category as given\): take the columns it computes "
                                           r"with as numbers, np.asarray\(X\[:, 0\], dtype=float\)"):
        sd.distill(lambda X: np.sin(X[:, 0]), X, form="tree", max_size=2, task="regression", categorical=[1])


@pytest.mark.parametrize("method, output", [("decision_function", "logits"), ("predict_proba", "proba")])
def test_a_model_without_predict_names_the_method_it_has_and_how_to_pass_it(method, output):
    """An object with decision_function (or predict_proba) but no predict was "cannot use a Scorer as a
    teacher: expected ... a scikit-learn estimator (or another model with predict) ...", which did not
    say that its method is a teacher as it is. The error now shows the call, and that call distills."""
    class Scorer:
        classes_ = np.array(["lo", "hi"])

        def score(self, X):
            return 8 * (np.asarray(X)[:, 0] - 0.5)

    def proba(self, X):
        p = 1 / (1 + np.exp(-self.score(X)))
        return np.c_[1 - p, p]

    setattr(Scorer, method, Scorer.score if method == "decision_function" else proba)
    model = Scorer()
    with pytest.raises(TypeError, match=rf"^cannot use a Scorer as a teacher: it has {method} but no predict; pass the "
                                        rf"method: sd\.as_teacher\(model\.{method}, output='{output}', "
                                        rf"classes=model\.classes_\)$"):
        sd.as_teacher(model)
    X = np.random.default_rng(0).uniform(size=(300, 2))
    tree = sd.distill(sd.as_teacher(getattr(model, method), output=output, classes=model.classes_), X, max_size=2,
                      random_state=0, n_samples=1000)
    assert list(tree.classes) == ["lo", "hi"] and list(tree.predict([[0.2, 0.5], [0.8, 0.5]])) == ["lo", "hi"]


def test_rows_given_where_the_teacher_goes_are_named_as_such():
    """fit(X, y) by scikit-learn's habit, or sd.distill(X, model) with the arguments swapped, was "cannot use
    a ndarray as a teacher: expected a torch module, ...", which did not say that the rows came first."""
    pd = pytest.importorskip("pandas")
    from sklearn.tree import DecisionTreeClassifier

    from symdistill.learners import TreeLearner

    X = np.random.default_rng(0).uniform(size=(50, 2))
    y = (X[:, 0] > 0.5).astype(int)
    clf = DecisionTreeClassifier().fit(X, y)
    for kind, call in [("ndarray", lambda: sd.distill(X, clf)), ("ndarray", lambda: TreeLearner().fit(X, y)),
                       ("DataFrame", lambda: sd.distill(pd.DataFrame(X), clf)), ("list", lambda: sd.as_teacher(y.tolist())),
                       ("ndarray", lambda: sd.fidelity(sd.distill(clf, X, max_size=2), X, clf))]:
        with pytest.raises(TypeError, match=rf"^cannot use a {kind} as a teacher: it is data, not a model; the teacher "
                                            r"comes first and labels the rows itself: sd\.distill\(teacher, X\)"):
            call()
