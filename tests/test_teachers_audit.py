"""Teachers as users bring them from the wild: torch modules, scikit-learn estimators, ONNX models and callables
that answer at random, sit on a device that holds no data, or take another kind of input."""

from __future__ import annotations

import numpy as np
import pytest

import symdistill as sd
from symdistill._errors import TeacherError
from symdistill.shift import shifted_fidelity


def test_fidelity_refuses_a_teacher_that_answers_the_same_rows_differently():
    """sd.fidelity (and symdistill evaluate) against a network with dropout left on in its forward gave a
    number with no word, a different one at each call (0.68 for a tree that agreed with the network's mean
    answer), where distill refused the same teacher as not deterministic."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    tree = sd.distill(lambda X: (X[:, 0] > 0).astype(int), X, max_size=2, random_state=0)
    noise = np.random.default_rng(1)

    def noisy(X):
        return (X[:, 0] + noise.normal(size=len(X)) > 0).astype(int)

    with pytest.raises(TeacherError, match=r"^callable .*noisy is not deterministic: two calls on the same 32 rows"):
        sd.fidelity(tree, noisy, X)
    with pytest.raises(TeacherError, match=r"^callable .*noisy is not deterministic: two calls on the same 32 rows"):
        shifted_fidelity(tree, noisy, X)
    assert sd.fidelity(tree, lambda X: (X[:, 0] > 0).astype(int), X).value == 1.0


def test_a_torch_module_on_the_meta_device_is_refused_when_it_is_wrapped():
    """A network made on the meta device (torch.device('meta'), accelerate's init_empty_weights) before its weights
    were loaded holds no numbers: it was taken, and failed on the first rows with 'Cannot copy out of meta tensor;
    no data!' and the advice to wrap it in a module that reshapes the rows."""
    torch = pytest.importorskip("torch")

    def make():
        return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))

    with torch.device("meta"):
        net = make()
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(TeacherError, match=r"^torch Sequential has its parameters on the meta device, which holds no "
                                           r"numbers \(a network made under torch\.device\('meta'\) or "
                                           r"init_empty_weights\): load its weights first"):
        sd.as_teacher(net)
    with pytest.raises(TeacherError, match="on the meta device"):
        sd.distill(net, X, max_size=2)
    with pytest.raises(TeacherError, match="on the meta device"):
        sd.as_teacher(net, device="cpu")
    with pytest.raises(ValueError, match=r"^device='meta' holds no numbers: a teacher is asked on a device that "
                                         r"computes; devices available here: cpu"):
        sd.as_teacher(torch.nn.Linear(3, 2), device="meta")
    net.load_state_dict(make().state_dict(), assign=True)  # the weights loaded, as the error says
    assert sd.as_teacher(net).predict(X).shape == (20,)


def test_a_torch_module_failing_for_its_device_or_its_input_type_is_not_told_to_reshape_the_rows():
    """Every RuntimeError of a torch module was answered with 'wrap a module that takes another shape ... in one
    that reshapes them': also parameters on two devices (torch: 'Expected all tensors to be on the same device'),
    and an nn.Embedding of category codes, which takes integers and was sent floats."""
    torch = pytest.importorskip("torch")

    class Split(torch.nn.Module):  # as a network put on two devices raises (torch's words, a CUDA build's)
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(3, 2)

        def forward(self, x):
            raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                               "cuda:0 and cpu!")

    class Codes(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed, self.out = torch.nn.Embedding(5, 2), torch.nn.Linear(2, 2)

        def forward(self, x):
            return self.out(self.embed(x[:, 0]))

    X = np.random.default_rng(0).integers(0, 5, size=(10, 1)).astype(float)
    with pytest.raises(TeacherError, match=r"same device, but found at least two devices, cuda:0 and cpu!; it was "
                                           r"given the rows as a float32 tensor of shape \(10, 1\) on cpu, and its "
                                           r"parameters and buffers are on cpu: put the module on one device "
                                           r"\(net\.to\('cpu'\)\) and pass that device as device=$"):
        sd.as_teacher(Split()).predict(X)
    with pytest.raises(TeacherError, match=r"Long, Int; but got torch\.FloatTensor instead .*; it was given the rows "
                                           r"as a float32 tensor of shape \(10, 1\): a module that looks up integer "
                                           r"codes \(an nn\.Embedding\) takes them as a wrapper casts them, e\.g\. "
                                           r"x\[:, 0\]\.long\(\), in a module or a function$"):
        sd.as_teacher(Codes()).predict(X)
    class Busy(torch.nn.Linear):
        def forward(self, x):
            raise RuntimeError("the licence server did not answer")

    with pytest.raises(TeacherError, match=r"did not answer; it was given the rows as a float32 tensor of shape "
                                           r"\(10, 1\)$"):
        sd.as_teacher(Busy(1, 2)).predict(X)
    codes = Codes()
    assert sd.as_teacher(lambda X: codes(torch.tensor(X).long()).detach()).predict(X).shape == (10,)


def test_batch_size_true_is_refused_not_read_as_one_row_a_call():
    """batch_size=True (meant as 'do batch the calls') was read as 1: one row per call, a distillation asking
    its thousands of rows one call each, where cache_size=True was refused."""
    with pytest.raises(ValueError, match=r"^batch_size must be a positive integer, got True$"):
        sd.as_teacher(lambda X: X[:, 0], batch_size=True)
    with pytest.raises(ValueError, match=r"^batch_size must be a positive integer, got (np\.)?False_?$"):
        sd.as_teacher(lambda X: X[:, 0], batch_size=np.bool_(False))
    assert sd.as_teacher(lambda X: X[:, 0], batch_size=np.int64(3)).batch_size == 3


def test_one_column_of_probabilities_read_as_values_is_warned_of():
    """A Keras binary classifier (predict: one sigmoid column) or a torch network ending in a sigmoid was read as a
    regressor of its probabilities, with no word: the model came back a regression tree of values 0.02 to 0.98,
    where the user expected classes."""
    import warnings

    torch = pytest.importorskip("torch")

    class Keras:  # a binary classifier's predict, as Keras answers it: P(class 1), one float32 column
        def predict(self, X, verbose=0):
            return (1 / (1 + np.exp(-3 * X[:, :1]))).astype(np.float32)

    X = np.random.default_rng(0).normal(size=(200, 3))
    sigmoid = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Sigmoid())
    for teacher, name in ((Keras(), "model Keras"), (sigmoid, "torch Sequential")):
        with pytest.warns(UserWarning, match=rf"^{name} answers one number per row, all between 0 and 1 \(.* to .*\), "
                                             r"read as regression values; if they are the probability of a class "
                                             r"\(a sigmoid output\), pass task='classification' \(on the command "
                                             r"line: --task classification\); task='regression' keeps them values, "
                                             r"quietly$"):
            assert sd.distill(teacher, X, max_size=2, random_state=0).task == "regression"
        assert sd.distill(teacher, X, max_size=2, random_state=0, task="classification").task == "classification"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert sd.distill(teacher, X, max_size=2, random_state=0, task="regression").task == "regression"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # values beyond [0, 1] are no probabilities
        assert sd.distill(lambda X: X[:, 0] * 3, X, max_size=2, random_state=0).task == "regression"


def test_a_teacher_whose_answer_to_a_row_depends_on_the_rows_asked_with_it_is_refused():
    """A function that fits its scaler on the rows it is given (model.predict(StandardScaler().fit_transform(X))),
    or a network whose BatchNorm keeps no running statistics (normalising each batch by itself, in eval mode too),
    answers a row by the other rows of its batch: asked the same rows twice it agreed with itself, so it was taken,
    and the tree was fitted to answers that changed with every batch the sampler drew, with no word."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3)) + [5.0, 0.0, 0.0]
    clf = LogisticRegression().fit(StandardScaler().fit_transform(X), (X[:, 0] > 5).astype(int))

    def scaled(X):
        return clf.predict_proba(StandardScaler().fit_transform(X))

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.BatchNorm1d(8, track_running_stats=False),
                              torch.nn.ReLU(), torch.nn.Linear(8, 2))
    for teacher, name in ((scaled, "callable .*scaled"), (net, "torch Sequential")):
        with pytest.raises(TeacherError, match=rf"^{name} answers a row differently depending on the rows asked with "
                                               r"it: 32 rows asked at once and in two halves differ \(largest "
                                               r"difference .*\); it computes with statistics of the rows it is given"):
            sd.distill(teacher, X, max_size=4, random_state=0)
        with pytest.raises(TeacherError, match="answers a row differently depending on the rows asked with it"):
            sd.fidelity(sd.distill(clf, X, max_size=2, random_state=0), teacher, X)
    scaler = StandardScaler().fit(X)  # fitted once, outside: every row answered by itself
    assert sd.distill(lambda X: clf.predict_proba(scaler.transform(X)), X, max_size=4, random_state=0).size <= 4


def test_a_forward_that_squeezes_the_axis_of_rows_of_one_row_is_told_so():
    """A forward ending in out.squeeze() answers a batch of one row without its axis of rows: logits (2,) for one
    row, or one float. Rows of one more than a multiple of batch_size (8,193 rows by default) or one row asked
    failed with 'returned shape (2,) for 1 row; expected one answer per row', no word of why, where every other
    batch was answered."""
    torch = pytest.importorskip("torch")

    class Squeezed(torch.nn.Module):
        def __init__(self, k):
            super().__init__()
            self.lin = torch.nn.Linear(3, k)

        def forward(self, x):
            return self.lin(x).squeeze()

    X = np.random.default_rng(0).normal(size=(9, 3))
    hint = (r"; asked about one row, it answered without the axis of rows, as out\.squeeze\(\) \(np\.squeeze\) "
            r"answers one row: squeeze only the last axis \(squeeze\(-1\)\), so that it answers one row as it "
            r"answers many$")
    assert sd.as_teacher(Squeezed(2)).predict(X).shape == (9,)
    with pytest.raises(TeacherError, match=r"^torch Squeezed returned shape \(2,\) for 1 row; expected one answer per "
                                           r"row" + hint):
        sd.as_teacher(Squeezed(2)).predict(X[:1])
    with pytest.raises(TeacherError, match=r"^torch Squeezed returned one float \(.*\) for 1 row; expected one answer "
                                           r"per row \(an array of labels, probabilities, logits or values\)" + hint):
        sd.as_teacher(Squeezed(1), task="classification", batch_size=4).predict(X)  # batches of 4, 4 and 1 rows
    with pytest.raises(TeacherError, match=r"returned shape \(2,\) for 3 rows; expected one answer per row$"):
        sd.as_teacher(lambda X: np.zeros(2)).predict(X[:3])  # not one row: no word of squeezing


@pytest.mark.parametrize("zipmap", [None, False, True])
def test_classes_printing_as_the_teachers_own_in_another_order_are_refused_not_swapped(zipmap):
    """classes=['5', '1'] (read from a file as text) for a classifier of classes 1 and 5 were taken as
    other names for them in their order: class 1 was named '5' and class 5 '1', every answer swapped
    without a word, where the command line's --classes 5,1 lists the two classes in another order. Of a
    scikit-learn classifier, and of an ONNX one with a probability tensor or a ZipMap; the same text
    in the order of the classes still names them."""
    from test_teachers import _onnx_linear_classifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    if zipmap is None:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression().fit(X, np.where(X[:, 0] > 0, 5, 1))
        truth = model.predict(X)
    else:
        ort = pytest.importorskip("onnxruntime")
        model = _onnx_linear_classifier([1, 5], zipmap=zipmap)
        session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        truth = session.run(["label"], {"X": X.astype(np.float32)})[0]
    with pytest.raises(TeacherError, match=r"classes \['5', '1'\] print as its classes \[1, 5\] in another order"):
        sd.as_teacher(model, classes=["5", "1"]).predict(X)
    assert sd.as_teacher(model, classes=["1", "5"]).predict(X).tolist() == [str(c) for c in truth]
    assert sd.as_teacher(model, classes=[5, 1]).predict(X).tolist() == truth.tolist()


def test_names_printing_as_float_classes_in_another_order_are_refused_not_swapped():
    """The swap check compared text, so a classifier of the classes 0.0 and 1.0 given classes=['1', '0'] (a
    file's header) still named class 0.0 '1' and 1.0 '0', every answer swapped; numbers now compare by value."""
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(200, 2))
    model = LogisticRegression().fit(X, (X[:, 0] > 0).astype(float))
    with pytest.raises(TeacherError, match=r"classes \['1', '0'\] print as its classes \[0.0, 1.0\] in another order"):
        sd.as_teacher(model, classes=["1", "0"]).predict(X)
    named = sd.as_teacher(model, classes=["0", "1"]).predict(X)
    assert named.tolist() == [str(int(c)) for c in model.predict(X)]


def test_a_dataframe_of_scores_whose_columns_print_as_the_declared_classes_is_read_by_them():
    """A callable answering a DataFrame of probabilities whose columns are the classes written as text
    ('1', '0': read from a file's header), with classes=[0, 1] declared, was read by position: the
    column '1' taken for class 0, every answer swapped without a word. Its columns are now read by the
    class each prints as; other names are still read in order."""
    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).uniform(size=(300, 2))

    def proba(rows, columns):
        p = (np.asarray(rows)[:, 0] > 0.5).astype(float)
        return pd.DataFrame(np.column_stack([p, 1 - p]), columns=columns)

    truth = (X[:, 0] > 0.5).astype(int)
    assert sd.as_teacher(lambda rows: proba(rows, ["1", "0"]), classes=[0, 1]).predict(X).tolist() == truth.tolist()
    tree = sd.distill(sd.as_teacher(lambda rows: proba(rows, ["1", "0"]), classes=[0, 1]), X, max_size=4,
                      random_state=0, n_samples=500)
    assert (tree.predict(X) == truth).all()
    assert sd.as_teacher(lambda rows: proba(rows, ["p", "q"]), classes=[1, 0]).predict(X).tolist() == truth.tolist()


def test_an_onnx_classifiers_labels_are_renamed_by_the_classes_declared_in_their_order():
    """README: classes= may name an ONNX classifier's labels with other labels in their order. Of its
    probabilities they were; of its label output (output='label', or a graph answering labels only)
    the teacher failed with UnknownClassError 'returned labels 7, 9, 3, which are not among its
    classes', where a scikit-learn classifier's predict labels are renamed so."""
    ort = pytest.importorskip("onnxruntime")
    from test_teachers import _onnx_linear_classifier

    model = _onnx_linear_classifier([7, 3, 9], zipmap=False)
    X = np.random.default_rng(0).normal(size=(200, 2))
    labels = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(["label"], {"X": X.astype(np.float32)})[0]
    named = {7: "a", 3: "b", 9: "c"}
    assert len(set(labels.tolist())) == 3
    for options in ({"output": "label"}, {}):
        t = sd.as_teacher(model, classes=["a", "b", "c"], **options)
        assert t.predict(X).tolist() == [named[v] for v in labels.tolist()]
        assert t.classes_.tolist() == ["a", "b", "c"]
    assert sd.as_teacher(model, output="label", classes=[9, 7, 3]).predict(X).tolist() == labels.tolist()


def test_fidelity_against_a_function_answering_other_labels_does_not_offer_classes_to_rename_them():
    """sd.fidelity of a model of classes 0 and 1 against a function answering '0' and '1' said to rename
    the teacher's classes with sd.as_teacher(teacher, classes=[...]); done, that failed with 'a teacher
    answering labels answers in its own classes ... it renames columns of probabilities or logits, not
    labels'. The refusal now says to map the labels in the function; a scikit-learn classifier answering
    labels (its predict, renamed by classes=) is still offered classes=."""
    from sklearn.svm import LinearSVC

    X = np.random.default_rng(0).normal(size=(100, 2))
    tree = sd.distill(lambda X: (X[:, 0] > 0).astype(int), X, max_size=2, random_state=0)
    with pytest.raises(sd.DataError, match=r"^none of the teacher's labels \('1', '0', ...\) is one of the model's "
                                           r"classes \[0, 1\]; .*it answers labels of its own, which classes= does not "
                                           r"rename: map them to the model's classes in the function it calls") as info:
        sd.fidelity(tree, lambda X: np.where(X[:, 0] > 0, "1", "0"), X)
    assert "sd.as_teacher(teacher, classes=[...]) renames" not in str(info.value)
    svc = LinearSVC().fit(X, np.where(X[:, 0] > 0, "yes", "no"))
    with pytest.raises(sd.DataError, match=r"sd.as_teacher\(teacher, classes=\[...\]\) renames a classifier's classes"):
        sd.fidelity(tree, svc, X)
    assert sd.fidelity(tree, sd.as_teacher(svc, classes=[0, 1]), X).value > 0.9


def test_a_function_answering_a_masked_array_with_masked_answers_is_refused():
    """np.ma.masked_where(unsure, labels), the rows a model would not answer masked, was read through its
    mask: the values under it were taken as answers, with no word. An unmasked masked array is read as it is."""
    X = np.random.default_rng(0).normal(size=(50, 2))
    labels = lambda X: (X[:, 0] > 0).astype(int)  # noqa: E731
    masked = sd.as_teacher(lambda X: np.ma.masked_where(np.abs(X[:, 0]) < 0.1, labels(X)))
    with pytest.raises(TeacherError, match=r"^callable .* returned a masked array, \d+ of its 50 answers masked: a "
                                           r"teacher answers every row"):
        masked.predict(X)
    assert sd.as_teacher(lambda X: np.ma.masked_array(labels(X))).predict(X).tolist() == labels(X).tolist()
