"""The HTML report as a person sees it (headless Chromium), its Markdown twin, drawings and the CLI."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import select
import shutil
import subprocess
import time
import urllib.parse
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import symdistill as sd
from symdistill._errors import UnknownClassError
from symdistill.cli import main
from symdistill.frontier import Frontier
from symdistill.report import DRAWERS, Report, draw_model
from symdistill.report._mpl import png_bytes

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

HOSTILE_FEATURE = '<b>x&y</b> "$a$"'
HOSTILE_CLASS = "<img src=x onerror=alert(1)>"
FIGURES = ("frontier", "model", "by_feature", "by_class", "shift")


def _data(n: int = 700, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(size=(n, 3))


def _net(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return np.where((X[:, 0] > 0.5) & (X[:, 1] > 0.3), HOSTILE_CLASS, "plain")


@pytest.fixture(scope="module")
def front() -> Frontier:
    teacher = sd.as_teacher(_net, classes=["plain", HOSTILE_CLASS])
    return sd.frontier(teacher, _data(), sizes=[2, 4], n_samples=900,
                       feature_names=[HOSTILE_FEATURE, "x1", "x2"])


@pytest.fixture(scope="module")
def written(front: Frontier, tmp_path_factory: pytest.TempPathFactory) -> Report:
    path = tmp_path_factory.mktemp("report") / "report.html"
    constraint = {"constraint": f"{HOSTILE_FEATURE} > 2 -> prediction == 'plain'", "holds": False,
                  "counterexample": "<script>alert(2)</script>"}
    return sd.report(front, path=path, verification=[constraint], title="Report <for> & 'you'")


# -- helpers ------------------------------------------------------------------------------------
class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href", "action", "srcset", "poster", "data") and v is not None:
                self.refs.append((tag, k, v))


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def _non_blank(png: bytes) -> bool:
    px = _pixels(png)
    return px.std() > 5 and np.mean(px < 200) > 0.005


def _embedded_pngs(html: str) -> dict[str, bytes]:
    out = {}
    for name, data in re.findall(r'<figure id="fig-([\w-]+)"><img alt="[^"]*" src="data:image/png;base64,([^"]+)"',
                                 html):
        out[name] = base64.b64decode(data)
    return out


# -- content ------------------------------------------------------------------------------------
def test_report_is_self_contained_and_has_every_figure(written: Report) -> None:
    html = written.html
    parser = _Refs()
    parser.feed(html)
    for tag, attr, value in parser.refs:
        assert value.startswith(("data:image/png;base64,", "#")), f"<{tag} {attr}={value[:40]!r}> leaves the file"
    assert "script" not in parser.tags and "link" not in parser.tags and "iframe" not in parser.tags
    assert not re.search(r"https?://|url\(", html)
    pngs = _embedded_pngs(html)
    assert set(pngs) == set(FIGURES)
    for name, png in pngs.items():
        assert _non_blank(png), f"figure {name} is blank"
        assert png == written.figures[name]


def test_user_names_are_escaped(written: Report) -> None:
    html = written.html
    assert HOSTILE_CLASS not in html and "<b>x&y</b>" not in html and "<script>alert(2)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;x&amp;y&lt;/b&gt;" in html
    assert "<title>Report &lt;for&gt; &amp; &#x27;you&#x27;</title>" in html
    md = written.markdown
    # fenced code blocks (the model's text form) show their content literally; elsewhere, escape
    prose = re.sub(r"(`{3,})text\n.*?\n\1", "", md, flags=re.S)
    assert HOSTILE_CLASS in md and HOSTILE_CLASS not in prose
    assert "<b>" not in prose and "<script>" not in prose
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in md


def test_report_sections_and_numbers(written: Report, front: Frontier) -> None:
    html = written.html
    for anchor in ("summary", "frontier", "model", "disagreement", "shift", "verification", "card"):
        assert f'<section id="{anchor}">' in html
    chosen = written.chosen
    assert chosen is front.knee
    assert f"{chosen.score.value:.4f}" in html
    for r in front.table().cells():
        assert "<td>" + "</td><td>".join(r[:4]).replace("[", "[") in html.replace("&#x27;", "'") or r[0] in html
    for key in ("numpy", "matplotlib", "symdistill", "training rows", "seed", "sampler", "teacher queries"):
        assert key in html
    assert "violated" in html  # the given verification result is shown
    labels = list(written.shifts)
    # rules of max size 2 and 4 both have size 1, both on the Pareto front: each label has its max size
    assert labels[0] == f"{chosen.form} size {chosen.size} (max size {chosen.max_size})"
    assert len(labels) == len(front.pareto) + (not chosen.pareto)
    assert all(len(r) == 5 for r in written.shifts.values())
    # the shift table writes each score as the frontier and shifted_fidelity's tables do: 4 decimals, interval too
    first = written.shifts[labels[0]][0].score
    shift_section = html.split('<section id="shift">')[1].split("</section>")[0]
    assert f"{first.value:.4f} [{first.low:.4f}, {first.high:.4f}]" in shift_section


def test_pareto_models_of_one_form_and_size_each_get_a_shift_row_of_their_own() -> None:
    """Trees of max size 4 and 8 both have 3 leaves and fidelity 1.0, both on the Pareto front: the shift
    table had one row 'tree size 3' for the two (the second model was left out)."""
    X = _data(800)
    front = sd.frontier(lambda X: ((X[:, 0] > 0.5) & (X[:, 1] > 0.3)).astype(int), X, forms=["tree"],
                        sizes=[1, 2, 4, 8], n_samples=1500, progress=False)
    assert [(p.size, p.max_size) for p in front.pareto] == [(1, 1), (2, 2), (3, 4), (3, 8)]
    rep = sd.report(front, path=None)
    assert list(rep.shifts) == ["tree size 3 (max size 4)", "tree size 1", "tree size 2", "tree size 3 (max size 8)"]
    section = rep.markdown.split("## Fidelity under shift")[1].split("## ")[0]
    rows = [line.split(" | ")[0] for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows == [r"| model \(chosen, then Pareto front\)", r"| **tree size 3 \(max size 4\)**", r"| tree size 1",
                    r"| tree size 2", r"| tree size 3 \(max size 8\)"]
    assert "fidelity of tree size 3 \\(max size 4\\) under each shift" in section
    assert "<td>tree size 3 (max size 8)</td>" in rep.html
    assert "fidelity of tree size 3 (max size 4) under each shift" in rep.html


def test_markdown_twin_and_its_figure_files(written: Report) -> None:
    md_path = written.markdown_path
    assert md_path is not None and md_path.read_text(encoding="utf-8") == written.markdown
    for name in FIGURES:
        png = (md_path.parent / "report_figures" / f"{name}.png").read_bytes()
        assert png == written.figures[name]
        assert f"](report_figures/{name}.png)" in written.markdown
    for title in ("## Summary", "## Fidelity-size frontier", "## Chosen model", "## Model card"):
        assert title in written.markdown


def test_markdown_figure_links_work_for_a_path_with_spaces_and_parentheses(front: Frontier, tmp_path: Path) -> None:
    """Written to 'my report (v2).html', the Markdown linked `](my report (v2)_figures/frontier.png)`: a link
    destination ends at its first space, so the twin showed no figure and printed the raw brackets."""
    rep = sd.report(front, path=tmp_path / "my report (v2).html")
    links = re.findall(r"!\[(?:\\.|[^\]\\])*\]\(([^()\s]+)\)", rep.markdown)
    assert len(links) == len(FIGURES)
    for link in links:
        assert (tmp_path / urllib.parse.unquote(link)).is_file()


def test_markdown_written_elsewhere_links_the_figures_written_beside_it(front: Frontier, tmp_path: Path) -> None:
    """A report built with path=None (or for another path) and then written with ``write("other.html")`` put
    its figures in other_figures/ but its Markdown still linked report_figures/: the twin showed no figure."""
    rep = sd.report(front, path=None)
    rep.write(tmp_path / "other.html")
    md = (tmp_path / "other.md").read_text(encoding="utf-8")
    assert md == rep.markdown
    links = re.findall(r"!\[(?:\\.|[^\]\\])*\]\(([^()\s]+)\)", md)
    assert len(links) == len(FIGURES)
    for link in links:
        assert (tmp_path / urllib.parse.unquote(link)).is_file()


def test_the_frontiers_own_held_out_rows_given_to_the_report_are_not_called_other_rows() -> None:
    """The README's sd.report(front, X_holdout) with the rows the frontier was measured on: the summary said
    'the chosen model is examined on other rows given to the report' although they were the same rows.
    Other rows are still said to be other."""
    X, X_hold = _data(400, seed=1), _data(150, seed=2)
    front = sd.frontier(_net, X, forms=["tree"], sizes=[2, 4], X_holdout=X_hold, n_samples=500)
    other = "examined on other rows"
    for rows in (X_hold, X_hold.copy()):
        rep = sd.report(front, rows, path=None)
        assert other not in rep.markdown and other not in rep.html
    assert other in sd.report(front, _data(150, seed=3), path=None).markdown


def test_shift_figure_of_a_regressor_says_r2_as_the_frontier_figure_does() -> None:
    """The frontier figure's axis read 'fidelity R2 to the teacher' for a regressor, its shift figure
    'fidelity to the teacher', as if the bars were shares of agreeing rows."""
    from symdistill.report.figures import shift_figure
    from symdistill.shift import shifted_fidelity

    X = _data(300)
    net = sd.as_teacher(lambda X: X[:, 0] + 0.5 * X[:, 1], task="regression")
    model = sd.distill(net, X, max_size=4, n_samples=400, random_state=0)
    fig = shift_figure(shifted_fidelity(model, net, X, shifts=["none", "marginal"]), "t")
    assert fig.axes[0].get_xlabel() == "fidelity R2 to the teacher"
    clf = sd.distill(_net, X, max_size=2, n_samples=400, random_state=0)
    fig = shift_figure(shifted_fidelity(clf, _net, X, shifts=["none"]), "t")
    assert fig.axes[0].get_xlabel() == "fidelity to the teacher"


def test_a_regressors_value_scatter_is_not_named_by_class(tmp_path: Path) -> None:
    """A regressor's report saved its scatter of student against teacher values as by_class.png (and
    fig-by_class in the HTML), the name of a classifier's confusion of classes; it is by_value.png."""
    X = _data(300)
    front = sd.frontier(sd.as_teacher(lambda X: X[:, 0] + 0.5 * X[:, 1], task="regression"), X, forms=["tree"],
                        sizes=[4], n_samples=400, random_state=0, progress=False)
    written = sd.report(front, path=tmp_path / "r.html")
    assert "by_value" in written.figures and "by_class" not in written.figures
    assert (tmp_path / "r_figures" / "by_value.png").read_bytes() == written.figures["by_value"]
    assert not (tmp_path / "r_figures" / "by_class.png").exists()
    assert "](r_figures/by_value.png)" in written.markdown and "fig-by_value" in written.html


def test_a_report_written_over_another_leaves_none_of_its_figures(front: Frontier, tmp_path: Path) -> None:
    """A regressor's report written where a classifier's was kept the earlier report's by_class.png in
    r_figures/, a figure of another model beside the new ones; the user's own files there stay."""
    from symdistill.report.build import FIGURE_NAMES

    first = sd.report(front, path=tmp_path / "r.html")
    assert set(first.figures) <= FIGURE_NAMES  # every figure a report draws is one a later report can clear
    assert (tmp_path / "r_figures" / "by_class.png").exists()
    (tmp_path / "r_figures" / "mine.png").write_bytes(b"kept")
    X = _data(300)
    reg = sd.frontier(sd.as_teacher(lambda X: X[:, 0] + 0.5 * X[:, 1], task="regression"), X, forms=["tree"],
                      sizes=[4], n_samples=400, random_state=0, progress=False)
    second = sd.report(reg, path=tmp_path / "r.html")
    assert set(second.figures) <= FIGURE_NAMES
    pngs = {p.stem for p in (tmp_path / "r_figures").glob("*.png")}
    assert pngs == set(second.figures) | {"mine"}


def test_the_model_card_says_where_each_form_drew_its_queries() -> None:
    """The model card said the sampler drew 'inside each region' whatever was fitted, where a linear
    model (and decompositional rules) draw over the whole domain only."""
    X = _data(300)
    linear = sd.report(sd.frontier(_net, X, forms=["linear", "tree"], sizes=[2], n_samples=400, random_state=0,
                                   progress=False), path=None)
    line = next(li for li in linear.markdown.splitlines() if "RegionSampler" in li).replace("\\", "")
    assert "inside each region" not in line
    assert "linear: over the whole domain only; tree: over the whole domain, then inside each node's region" in line
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 6), torch.nn.ReLU(), torch.nn.Linear(6, 2))
    concepts = sd.report(sd.frontier(net, X.astype(np.float32), forms=["rules"], sizes=[2], method="decompositional",
                                     n_samples=400, random_state=0, progress=False), path=None)
    line = next(li for li in concepts.markdown.splitlines() if "RegionSampler" in li).replace("\\", "")
    assert "rules: over the whole domain only (the rules are read off the network's hidden layers)" in line


def test_min_fidelity_picks_the_model_and_unreachable_bar_is_shown(front: Frontier) -> None:
    rep = sd.report(front, path=None, min_fidelity=0.0)
    assert rep.chosen.size == min(p.size for p in front.points)
    with pytest.warns(UserWarning, match="No model reaches"):
        rep = sd.report(front, path=None, min_fidelity=1.0, conservative=True)
    assert rep.warnings and "No model reaches" in rep.html
    assert rep.chosen.score.low == max(p.score.low for p in front.points)
    # the bar was on the interval's lower end, and the note says so (the chosen model's fidelity is 1.0,
    # so "No model reaches fidelity 1.0" contradicted the table)
    assert rep.chosen.fidelity == 1.0
    assert "No model reaches the lower end of its 95% interval at 1.0" in rep.warnings[0]


def test_constraints_are_verified_on_the_chosen_model(front: Frontier) -> None:
    rep = sd.report(front, path=None, min_fidelity=0.99, constraints=[sd.invariant("x2")])
    assert len(rep.verification) == 1 and rep.verification[0].holds
    assert "holds" in rep.html


def test_a_constraint_verify_would_refuse_is_refused_before_the_report_asks_anything() -> None:
    """sd.report(front, constraints=[sd.monotonic('nope')]) drew the figures and asked the teacher about every
    shifted row before verify refused the unknown feature."""
    asked: list[int] = []

    def net(X: np.ndarray) -> np.ndarray:
        asked.append(len(X))
        return ((X[:, 0] > 0.5) & (X[:, 1] > 0.3)).astype(int)

    front = sd.frontier(net, _data(300), forms=["tree"], sizes=[2], n_samples=300, progress=False)
    asked.clear()
    with pytest.raises(sd.DataError, match="monotonic: unknown feature 'nope'"):
        sd.report(front, path=None, constraints=[sd.invariant("x2"), sd.monotonic("nope")])
    with pytest.raises(ValueError, match="unknown target class 'yes'"):
        sd.report(front, path=None, constraints=[sd.monotonic("x0", target="yes")])
    assert asked == []
    rep = sd.report(front, path=None, constraints=[sd.monotonic("x0")])
    assert [v.holds for v in rep.verification] == [True]


def test_a_constraint_that_holds_vacuously_says_so(front: Frontier) -> None:
    """x1 lies in [0, 1]: no input meets x1 > 2, and the row said "holds" as for a real proof."""
    every = "x1 >= 0 -> prediction in {'plain', " + repr(HOSTILE_CLASS) + "}"
    rep = sd.report(front, path=None, constraints=[f"x1 > 2 -> prediction == {HOSTILE_CLASS!r}", every])
    assert [(v.holds, v.vacuous) for v in rep.verification] == [(True, True), (True, False)]
    assert "holds vacuously: no input in the model&#x27;s domain meets x1 &gt; 2 (the domain has x1 in [" in rep.html
    assert r"holds vacuously: no input in the model's domain meets x1 &gt; 2 \(the domain has x1 in \[" in rep.markdown
    assert "2 hold, 0 violated" in rep.markdown


def test_a_constraint_without_a_verdict_is_a_row_not_a_crash() -> None:
    # x - y != 0.1 is decided in exact arithmetic, and predict's floats cannot confirm the violation
    # the solver finds (a RoundingAmbiguity), which escaped sd.report and symdistill report as a traceback.
    front = sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), _data(600)[:, :2], forms=["tree"], sizes=[2],
                        n_samples=900, feature_names=["x", "y"], progress=False)
    rep = sd.report(front, path=None, constraints=["x - y != 0.1 or prediction == 0", sd.invariant("y")])
    assert [r["holds"] if isinstance(r, dict) else r.holds for r in rep.verification] == [None, True]
    assert "no verdict" in rep.html and "1 without a verdict" in rep.markdown and "exact arithmetic" in rep.markdown


def test_report_arguments_are_checked(front: Frontier, tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="needs a Frontier"):
        sd.report(front.points[0].model, path=None)
    with pytest.raises(TypeError, match="list of constraint strings"):
        sd.report(front, path=None, constraints="x2 > 1 -> prediction == 'plain'")
    with pytest.raises(ValueError, match="'constraint' and 'holds'"):
        sd.report(front, path=None, verification=[{"holds": True}])
    with pytest.raises(ValueError, match="must end in .html"):
        sd.report(front, path=tmp_path / "report.txt")
    with pytest.raises(TypeError, match="shifts must be a list of shifts, got the string 'noise'"):
        sd.report(front, path=tmp_path / "r.html", shifts="noise")
    with pytest.raises(ValueError, match="shift kind must be one of"):
        sd.report(front, path=tmp_path / "r.html", shifts=["noise", "wobble"])
    with pytest.raises(sd.DataError, match="X_holdout has no rows"):  # as sd.frontier says it, not "0 rows"
        sd.report(front, front.X_holdout[:0], path=tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()  # refused before the report was built


@pytest.mark.parametrize("options, error, message", [
    ({"title": 5}, TypeError, "title must be text (a str), got int 5"),
    ({"title": None}, TypeError, "title must be text (a str), got NoneType None"),
    ({"shifts": 5}, TypeError, "shifts must be a list of shifts, got int 5"),
    ({"path": 5}, TypeError, "report path must be a file path (str or Path), or None to write nothing; got int 5"),
])
def test_a_report_option_of_another_type_is_refused_by_name(front: Frontier, options: dict[str, Any],
                                                            error: type, message: str) -> None:
    """sd.report(front, title=5) wrote a report titled '5' (None: 'None'); shifts=5 and path=5 were refused
    with Python's "'int' object is not iterable" and "expected str, bytes or os.PathLike object", naming
    neither option."""
    with pytest.raises(error, match=re.escape(message)):
        sd.report(front, **{"path": None, **options})


@pytest.mark.parametrize("seed", [-1, True, 1.5, np.random.default_rng(0)])
def test_a_bad_random_state_is_refused_before_any_work(front: Frontier, seed: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The shifts' seed was checked only where the shifted rows were drawn, after the chosen model was
    scored and the frontier, model and disagreement figures drawn; it is checked with the other
    arguments, before any of that (nothing is drawn)."""
    from symdistill.report import build

    def drawn(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a figure was drawn before random_state was checked")

    monkeypatch.setattr(build, "frontier_figure", drawn)
    with pytest.raises(ValueError, match=r"^random_state must be a non-negative integer or None, got "):
        sd.report(front, path=None, random_state=seed)


def test_report_paths_that_cannot_be_written_fail_before_any_work(front: Frontier, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "afile").write_text("")
    (tmp_path / "r_figures").write_text("")
    (tmp_path / "s.md").mkdir()
    cases = [(tmp_path / "afile" / "r.html", "afile' is a file, not a folder"),
             (tmp_path / "r.html", "r_figures': it is a file, not a folder"),
             (tmp_path / "s.html", "s.md': Is a directory")]
    for path, match in cases:
        with pytest.raises(ValueError, match=match):
            sd.report(front, path=path)
    # nothing was half-written (the HTML had been written before the Markdown or figures failed)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "r_figures", "s.md"]
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    with pytest.raises(ValueError, match="is not writable"):
        sd.report(front, path=tmp_path / "new" / "t.html")


def test_cli_report_checks_the_output_path_and_min_fidelity_before_fitting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "afile").write_text("")
    out = str(tmp_path / "afile" / "r.html")
    # the teacher and data files do not exist: the output path is checked first, before any fit
    assert main(["report", "--teacher", "t.onnx", "--data", "rows.csv", "-o", out]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    for bar in ("2", "nan"):  # refused before the frontier is fitted, not after
        assert main(["report", "--teacher", "t.onnx", "--data", "rows.csv", "-o", str(tmp_path / "r.html"),
                     "--min-fidelity", bar]) == 2
        assert "--min-fidelity must be a number at most 1" in capsys.readouterr().err
    # --conservative without --min-fidelity changed nothing (the knee was chosen), without a word
    assert main(["report", "--teacher", "t.onnx", "--data", "rows.csv", "-o", str(tmp_path / "r.html"),
                 "--conservative"]) == 2
    assert "--conservative applies --min-fidelity" in capsys.readouterr().err


# -- drawings -----------------------------------------------------------------------------------
def test_every_model_kind_with_a_learner_has_a_non_blank_drawing(front: Frontier) -> None:
    for p in front.points:
        assert p.model.kind in DRAWERS
        assert _non_blank(png_bytes(draw_model(p.model, front.X_holdout)))


def test_multiclass_regression_and_automaton_drawings() -> None:
    from sklearn.datasets import load_iris

    from symdistill.models.automata import DFA, MooreMachine

    iris = load_iris()
    teacher = sd.as_teacher(lambda X: np.digitize(X[:, 2], [2.5, 4.9]), classes=[0, 1, 2])
    for form in ("tree", "rules", "linear"):
        if form == "tree" or (form, "pedagogical") in sd.learners.registered_learners():
            m = sd.distill(teacher, iris.data, form=form, max_size=3, random_state=0, n_samples=300)
            assert _non_blank(png_bytes(draw_model(m, iris.data)))
    reg = sd.distill(lambda X: X[:, 0] * 2, iris.data, max_size=4, random_state=0, n_samples=600, task="regression")
    assert _non_blank(png_bytes(draw_model(reg)))
    assert _non_blank(png_bytes(draw_model(DFA.from_regex(".*000.*", "01"))))
    moore = MooreMachine(["a", "$b"], [[1, 0], [0, 1]], ["even", "odd"])
    assert _non_blank(png_bytes(draw_model(moore)))
    with pytest.raises(TypeError, match="no drawing for model kind"):
        draw_model(object())


# -- as a person sees it: headless Chromium -----------------------------------------------------
def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (make system-deps installs it)")


class _DevTools:
    """Chrome DevTools Protocol over --remote-debugging-pipe (fd 3 commands in, fd 4 events out)."""

    def __init__(self, binary: str, profile: Path, width: int) -> None:
        cmd_r, self._cmd_w = os.pipe()
        self._evt_r, evt_w = os.pipe()

        def wire() -> None:
            os.dup2(cmd_r, 3)
            os.dup2(evt_w, 4)

        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", "--remote-debugging-pipe",
                f"--window-size={width},900", "--hide-scrollbars", "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=wire, close_fds=False)
        os.close(cmd_r)
        os.close(evt_w)
        self._buf = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict[str, Any]:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        reply = self._read_until(lambda m: m.get("id") == self._next, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(self, method: str, timeout: float = 30.0) -> dict[str, Any]:
        for m in self.events:
            if m.get("method") == method:
                return m
        return self._read_until(lambda m: m.get("method") == method, timeout)

    def _read_until(self, done: Any, timeout: float) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while True:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                m = json.loads(raw)
                if "method" in m:
                    self.events.append(m)
                if done(m):
                    return m
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._evt_r], [], [], left)
            if ready:
                chunk = os.read(self._evt_r, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buf += chunk

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_w)
        os.close(self._evt_r)


_PAGE_STATE = """JSON.stringify({
  images: Array.from(document.images).map(im => {
    const r = im.getBoundingClientRect();
    return {id: im.parentElement.id, complete: im.complete, w: im.naturalWidth, h: im.naturalHeight,
            shownW: r.width, shownH: r.height, top: r.top + window.scrollY};
  }),
  height: document.documentElement.scrollHeight,
  width: document.documentElement.scrollWidth,
  text: document.body.innerText
})"""


def test_report_renders_in_headless_chromium(written: Report, tmp_path: Path) -> None:
    binary = _chromium()
    width = 1280
    dt = _DevTools(binary, tmp_path / "profile", width)
    try:
        target = dt.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = dt.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            dt.send(f"{domain}.enable", session=session)
        dt.send("Page.navigate", {"url": written.path.resolve().as_uri()}, session=session)
        dt.wait_event("Page.loadEventFired")
        state = json.loads(dt.send("Runtime.evaluate", {"expression": _PAGE_STATE, "returnByValue": True},
                                   session=session)["result"]["value"])
        height = int(state["height"])
        dt.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                       "mobile": False}, session=session)
        shot = base64.b64decode(dt.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"])
    finally:
        dt.close()
    screenshot = tmp_path / "report.png"
    screenshot.write_bytes(shot)

    errors = [m for m in dt.events if m.get("method") == "Runtime.exceptionThrown"
              or (m.get("method") == "Runtime.consoleAPICalled" and m["params"]["type"] in ("error", "assert"))
              or (m.get("method") == "Log.entryAdded" and m["params"]["entry"]["level"] == "error")]
    assert errors == [], f"console errors: {errors}"
    requests = [m["params"]["request"]["url"] for m in dt.events if m.get("method") == "Network.requestWillBeSent"]
    assert requests and all(u.startswith(("file://", "data:")) for u in requests), requests
    assert sum(u.startswith("file://") for u in requests) == 1  # the page itself, nothing else

    images = {im["id"]: im for im in state["images"]}
    assert set(images) == {f"fig-{name}" for name in FIGURES}
    for im in images.values():
        assert im["complete"] and im["w"] > 100 and im["h"] > 100, im
        assert im["shownW"] > 100 and im["shownH"] > 50, im
        assert 0 < im["top"] < height
    assert state["width"] <= width  # nothing forces a horizontal scroll bar
    assert HOSTILE_CLASS in state["text"] and "<b>x&y</b>" in state["text"]  # shown as text, not markup

    px = _pixels(shot)
    assert px.shape == (height, width)
    assert _non_blank(shot)
    for im in images.values():  # every figure's area on the screenshot has content
        top = int(im["top"])
        band = px[top:top + int(im["shownH"])]
        assert band.std() > 5, f"{im['id']} renders blank"


# -- command line -------------------------------------------------------------------------------
def test_cli_report_with_holdout_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pd = pytest.importorskip("pandas")
    joblib = pytest.importorskip("joblib")
    from sklearn.tree import DecisionTreeClassifier

    X = _data(600)
    y = ((X[:, 0] > 0.5) & (X[:, 1] > 0.3)).astype(int)
    model = DecisionTreeClassifier(max_depth=3, random_state=0).fit(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    joblib.dump(model, tmp_path / "teacher.joblib")
    pd.DataFrame(X[:450], columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    # the holdout also has a label column: --drop takes it out of the file that has it
    pd.DataFrame(X[450:], columns=["a", "b", "c"]).assign(y=y[450:]).to_csv(tmp_path / "hold.csv", index=False)
    out = tmp_path / "out" / "r.html"
    with pytest.warns(UserWarning, match="pickle"):
        code = main(["report", "--teacher", str(tmp_path / "teacher.joblib"), "--data", str(tmp_path / "rows.csv"),
                     "--holdout", str(tmp_path / "hold.csv"), "--drop", "y", "--forms", "tree", "--sizes", "2,4",
                     "--n-samples", "800", "-o", str(out), "--no-progress",
                     "--constraint", "a <= 0.4 -> prediction == 0"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "knee" in printed and "chosen: tree size" in printed
    html = out.read_text(encoding="utf-8")
    assert set(_embedded_pngs(html)) == set(FIGURES)
    assert out.with_suffix(".md").is_file()
    assert "150 (given)" in html
    assert "1 hold, 0 violated" in html


def test_rows_given_to_the_report_that_the_models_were_distilled_from_are_said_to_be() -> None:
    """symdistill report --holdout naming the --data file measured 'held-out' fidelity on the training rows
    without a word (found by the CLI audit); half or more of such rows is now a warning and a note."""
    X = _data(400)
    front = sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), X, forms=["tree"], sizes=[2], n_samples=400,
                        random_state=0, progress=False)
    with pytest.warns(UserWarning, match=r"280 of the 280 rows given to the report are rows the models were "
                                         r"distilled from"):
        r = sd.report(front, front.X_train, path=None)
    assert "rows the models were distilled from" in r.html
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sd.report(front, _data(50, seed=1), path=None)  # fresh rows
        sd.report(front, np.vstack([front.X_train[:20], _data(30, seed=1)]), path=None)  # a few shared: no warning
    # distilled from a sample of 100 of the 280 training rows: all 400 rows given again hold those 100
    sampled = sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), X, forms=["tree"], sizes=[2], n_samples=400,
                          random_state=0, progress=False, max_train_rows=100)
    with pytest.warns(UserWarning, match=r"100 of the 400 rows given to the report are rows the models were"):
        sd.report(sampled, X, path=None)


def test_report_names_x_holdout_whose_rows_do_not_fit() -> None:
    """sd.report(front, X_holdout) with a country that the frontier's rows lack ('Hungary', 13 of adult's
    32,561 rows, is missing from its first 8,000) said "unknown category 'Hungary' in row 562", as if
    of the rows the models were distilled from; the error now starts "X_holdout: "."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.uniform(size=300), "country": rng.choice(["Cuba", "Peru"], 300)})
    net = lambda X: ((X["x"] > 0.5) & (X["country"] != "Peru")).astype(int).to_numpy()  # noqa: E731
    front = sd.frontier(net, df, forms=["tree"], sizes=[2], n_samples=500, progress=False)
    hold = df.iloc[:20].assign(country=["Hungary" if i == 7 else "Cuba" for i in range(20)])
    with pytest.raises(sd.DataError, match=r"^X_holdout: column 'country' has unknown category 'Hungary' in row 7; "):
        sd.report(front, hold, path=None)

def test_cli_report_names_the_holdout_file_whose_rows_do_not_fit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`report --holdout hold.csv` with a country that --data lacks said "column 'country' has unknown
    category 'Atlantis' in row 7", leaving the user to look for it in --data; it names the file now."""
    pytest.importorskip("matplotlib")
    (tmp_path / "report_rule.py").write_text("def rule(X):\n    return ((X['x'] > 0.5) & (X['country'] != 'Peru'))"
                                             ".astype(int).to_numpy()\n")
    rng = np.random.default_rng(0)
    rows = [f"{x},{c}" for x, c in zip(rng.uniform(size=200), rng.choice(["Cuba", "Peru"], 200))]
    (tmp_path / "rows.csv").write_text("x,country\n" + "\n".join(rows) + "\n")
    (tmp_path / "hold.csv").write_text("x,country\n" + "\n".join(
        f"0.5,{'Atlantis' if i == 7 else 'Cuba'}" for i in range(10)) + "\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["report", "--teacher", "report_rule:rule", "--data", "rows.csv", "--holdout", "hold.csv",
                 "--forms", "tree", "--sizes", "2", "--no-progress", "-o", "r.html"]) == 2
    assert capsys.readouterr().err.startswith("symdistill report: error: --holdout hold.csv: column 'country' has "
                                              "unknown category 'Atlantis' in row 7; ")

def test_cli_report_errors_are_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--teacher", "t.onnx", "--data", "rows.csv", "-o", str(tmp_path / "r.pdf")]) == 2
    assert "-o must name an .html file" in capsys.readouterr().err
    assert main(["report", "--teacher", "t.onnx", "--data", str(tmp_path / "none.csv"), "-o", "r.html"]) == 2
    assert "data file not found" in capsys.readouterr().err


def test_frontier_figure_keeps_sizes_apart_when_a_model_is_constant() -> None:
    """A size-0 model (an intercept-only linear fit) has no place on a log axis; the others must not
    be squashed against the edge because of it."""
    from symdistill.report.figures import frontier_figure

    # 190 rows: judged on the held-out share, the linear fits of this teacher are the intercept alone
    # (from 200 rows they are judged on the user's, where a 2-term fit with R² near 0 is chosen).
    X = np.random.default_rng(0).normal(size=(190, 4))
    teacher = sd.as_teacher(lambda X: X[:, 0] ** 2 + np.sin(3 * X[:, 1]) + 0.1 * X[:, 2], task="regression")
    front = sd.frontier(teacher, X, forms=["tree", "linear"], sizes=[2, 4, 8], n_samples=1000, progress=False)
    assert min(p.size for p in front.points) == 0
    ax = frontier_figure(front).axes[0]
    x0, x2, x8 = ax.transData.transform([[0, 0], [2, 0], [8, 0]])[:, 0]
    left, right = ax.transAxes.transform([[0, 0], [1, 0]])[:, 0]
    assert x0 < x2 < x8 and (x8 - x2) > 0.4 * (right - left)  # a log axis with a 0 on it: 0.002


def test_cli_report_checks_constraints_before_fitting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(50), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    # the teacher file does not exist: the constraint is judged first, so no fitting could have started
    code = main(["report", "--teacher", str(tmp_path / "none.onnx"), "--data", str(tmp_path / "rows.csv"),
                 "-o", str(tmp_path / "r.html"), "--constraint", "aa <= 0.4 -> prediction == 0"])
    assert code == 2
    assert "--constraint 'aa <= 0.4 -> prediction == 0': unknown feature 'aa'; did you mean 'a'?" in capsys.readouterr().err
    assert main(["report", "--teacher", str(tmp_path / "none.onnx"), "--data", str(tmp_path / "rows.csv"),
                 "-o", str(tmp_path / "r.html"), "--constraint", "a <= "]) == 2
    assert "teacher file not found" not in capsys.readouterr().err


@pytest.mark.parametrize("constraint", ["capital-gain <= 0.4 -> prediction == 0", "b > 0 and hours per week > 1"])
def test_cli_report_names_a_constraint_feature_written_without_its_backticks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], constraint: str) -> None:
    """Adult's columns written bare read as other words: the check named 'gain' (of capital - gain)."""
    pd = pytest.importorskip("pandas")
    name = "capital-gain" if "capital" in constraint else "hours per week"
    pd.DataFrame(_data(50), columns=[name, "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    code = main(["report", "--teacher", str(tmp_path / "none.onnx"), "--data", str(tmp_path / "rows.csv"),
                 "-o", str(tmp_path / "r.html"), "--constraint", constraint])
    err = capsys.readouterr().err
    assert code == 2 and "teacher file not found" not in err
    assert f"--constraint {constraint!r}: {name!r} is a feature: write its name between backticks, `{name}`" in err


def test_cli_report_refuses_arithmetic_that_spells_a_feature(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With columns x and `x-1`, x-1 read as x minus 1 and passed the check, to be verified of x."""
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(50), columns=["x", "x-1", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    constraint = "x-1 <= 0.4 -> prediction == 0"
    code = main(["report", "--teacher", str(tmp_path / "none.onnx"), "--data", str(tmp_path / "rows.csv"),
                 "-o", str(tmp_path / "r.html"), "--constraint", constraint])
    err = capsys.readouterr().err
    assert code == 2 and "teacher file not found" not in err
    assert (f"--constraint {constraint!r}: 'x-1' here is both the feature `x-1` and the arithmetic x - 1: "
            "write `x-1` for the feature, or x - 1 for the arithmetic") in err


def test_cli_report_says_an_unmet_fidelity_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pd = pytest.importorskip("pandas")
    X = _data(400)
    pd.DataFrame(X, columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "wavy.py").write_text("import numpy as np\n"
                                      "def predict(df):\n"
                                      "    return (np.sin(9 * df['a'].to_numpy()) > np.cos(7 * df['b'].to_numpy())).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["report", "--teacher", "wavy:predict", "--data", str(tmp_path / "rows.csv"), "--forms", "tree",
                     "--sizes", "2", "--n-samples", "600", "--min-fidelity", "0.999", "--no-progress",
                     "-o", str(tmp_path / "r.html")])
    assert code == 0
    out, err = capsys.readouterr()
    assert "warning" not in out and err.count("symdistill report: warning:") == 1 and "0.999" in err
    assert not [w for w in caught if "0.999" in str(w.message)]


def test_report_names_a_class_the_teacher_first_answers_under_shift() -> None:
    X = np.random.default_rng(0).uniform(size=(500, 2))
    net = lambda X: (X[:, 0] * 3).astype(int)  # noqa: E731  label 3 above the range
    rep = sd.report(sd.frontier(net, X, forms=["tree"], sizes=[2, 4], random_state=0), path=None)
    chosen = rep.shifts[next(iter(rep.shifts))]
    unscored = [r for r in chosen if r.score is None]
    assert "outside" in [r.shift.kind for r in unscored]
    assert chosen[0].score is not None  # the rest of the report is built
    for text in (rep.html, rep.markdown):
        assert "label 3" in text and "classes=" in text


def test_cli_report_of_a_pipeline_that_refuses_rows_off_the_data_writes_the_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scikit-learn pipeline taking the log of a feature raises on rows moved below its range ('Input X
    contains NaN'): symdistill report stopped with that error after every fit and wrote nothing. Those
    shifts are unscored with the error, and the report is written."""
    pd = pytest.importorskip("pandas")
    joblib = pytest.importorskip("joblib")
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    rng = np.random.default_rng(0)
    rows = pd.DataFrame({"income": rng.lognormal(10, 1, 600), "age": rng.uniform(18, 80, 600)})
    y = (np.log(rows["income"]) + 0.02 * rows["age"] > 11).astype(int)
    joblib.dump(make_pipeline(FunctionTransformer(np.log), LogisticRegression()).fit(rows, y), tmp_path / "t.joblib")
    rows.to_csv(tmp_path / "rows.csv", index=False)
    out = tmp_path / "r.html"
    with pytest.warns(UserWarning, match="pickle"), np.errstate(invalid="ignore"):
        code = main(["report", "--teacher", str(tmp_path / "t.joblib"), "--data", str(tmp_path / "rows.csv"),
                     "--forms", "tree", "--sizes", "2", "--n-samples", "600", "-o", str(out), "--no-progress"])
    assert code == 0
    capsys.readouterr()
    md = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "outside range \\(margin 0.25\\): n/a, the teacher raised an error on these rows: sklearn Pipeline " \
           "raised ValueError" in md and "Input X contains NaN" in md
    row = next(line for line in md.splitlines() if line.startswith("| **tree size"))
    cells = [c.strip("* ") for c in row.strip("|").split("|")]
    assert cells[-1][0].isdigit() and cells[1][0].isdigit()  # the shift it answers (marginals) is scored


def test_the_shift_section_says_how_integer_features_are_shifted() -> None:
    """The report said "discrete features resampled with that probability", but an integer feature gets
    Gaussian noise, rounded (values the data never holds), and can be moved outside its range; only binary
    and categorical features are resampled."""
    from symdistill.shift import shifted_rows

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 101, 500) * 2.0, rng.uniform(size=500)])  # even whole numbers
    net = lambda X: (X[:, 0] > 100).astype(int)  # noqa: E731
    front = sd.frontier(net, X, forms=["tree"], sizes=[2], n_samples=500)
    assert front.domain.features[0].kind == "integer"
    noisy = shifted_rows(front.domain, front.X_holdout, ("noise", 0.5))
    assert np.any(noisy[:, 0] % 2 == 1) and np.all(noisy[:, 0] == np.rint(noisy[:, 0]))  # noise, rounded
    rep = sd.report(front, path=None)
    for text in (rep.html, rep.markdown.replace("\\", "")):
        assert "discrete features resampled" not in text
        assert ("integers rounded; binary and categorical features, and numeric ones of two values, resampled with "
                "that probability") in text


def test_cli_report_checks_constraint_classes_before_fitting(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Classes are known once the teacher answers: it is asked about the rows before the frontier is
    fitted, so a class it does not have fails with nothing on standard output."""
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(200), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "step.py").write_text("def predict(df):\n    return (df['a'].to_numpy() > 0.5).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code = main(["report", "--teacher", "step:predict", "--data", str(tmp_path / "rows.csv"), "--forms", "tree",
                 "--sizes", "2", "--n-samples", "300", "--no-progress", "-o", str(tmp_path / "r.html"),
                 "--constraint", "a <= 0.4 -> prediction == 0", "--constraint", "prediction == 7"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "--constraint 'prediction == 7': unknown class 7; the model's classes: 0, 1" in err
    assert not (tmp_path / "r.html").exists()


def test_cli_report_reads_the_classes_from_every_training_row(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A class the teacher answers only for rows after the first 256 of --data failed the report
    (UnknownClassError), where `symdistill distill` on the same rows read every class."""
    pd = pytest.importorskip("pandas")
    X = _data(1200)
    pd.DataFrame(X[np.argsort(X[:, 0])], columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "late.py").write_text("import numpy as np\ndef predict(df):\n"
                                      "    return np.where(df['a'] > 0.95, 2, (df['b'] > 0.5).astype(int))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code = main(["report", "--teacher", "late:predict", "--data", str(tmp_path / "rows.csv"), "--forms", "tree",
                 "--sizes", "2,4", "--n-samples", "1500", "--no-progress", "-o", str(tmp_path / "r.html")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "chosen: tree size" in out
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "- **classes**: 0, 1, 2\n" in markdown


def test_cli_report_reads_a_class_the_teacher_gives_only_on_holdout_rows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A class the teacher answers only on --holdout rows failed the report (UnknownClassError) after the
    fits had run: the classes were read off the --data rows alone. A constraint may name that class."""
    pd = pytest.importorskip("pandas")
    hold = _data(100, seed=1)
    hold[:5, 0] = 2.0  # beyond every --data row
    pd.DataFrame(_data(400), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    pd.DataFrame(hold, columns=["a", "b", "c"]).to_csv(tmp_path / "hold.csv", index=False)
    (tmp_path / "beyond.py").write_text("import numpy as np\ndef predict(df):\n"
                                        "    return np.where(df['a'] > 1.5, 2, (df['a'] > 0.5).astype(int))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code = main(["report", "--teacher", "beyond:predict", "--data", str(tmp_path / "rows.csv"), "--holdout",
                 str(tmp_path / "hold.csv"), "--forms", "tree", "--sizes", "2", "--n-samples", "500", "--no-progress",
                 "--constraint", "a > 1.5 -> prediction == 2", "-o", str(tmp_path / "r.html")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "chosen: tree size 2, fidelity 0.9500" in out  # the five rows of class 2 are misses
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "- **classes**: 0, 1, 2\n" in markdown


def test_cli_report_without_matplotlib_fails_before_fitting(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole frontier used to be fitted (and its table printed) before the figures found
    matplotlib missing."""
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(200), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "asked.py").write_text("def predict(df):\n    raise AssertionError('the teacher was asked')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(__import__("sys").modules, name, None)
    code = main(["report", "--teacher", "asked:predict", "--data", str(tmp_path / "rows.csv"), "--forms", "tree",
                 "--sizes", "2", "--no-progress", "-o", str(tmp_path / "r.html")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "reports and drawings need matplotlib: pip install 'symdistill[report]'" in err
    assert not (tmp_path / "r.html").exists()


def test_cli_report_refuses_a_linear_design_too_large_before_the_teacher_is_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A linear form whose design matrix is over max_design_gib was refused after the tree and rule fits
    had run (and the teacher had answered for them): on 1,000,000 rows, minutes of work for an error."""
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(300), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "asked.py").write_text("def predict(df):\n    raise AssertionError('the teacher was asked')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code = main(["report", "--teacher", "asked:predict", "--data", str(tmp_path / "rows.csv"), "--no-progress",
                 "--n-samples", "1000", "--option", "linear.hinges=true", "--option", "linear.max_design_gib=0.0001",
                 "-o", str(tmp_path / "r.html")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == ("symdistill report: error: 21 candidate terms (with hinges at n_knots=3) need a 1,000-row design "
                   "matrix of 2.1e+04 values (0.000156 GiB), over the linear learner's limit of 1.34e+04 "
                   "(--option linear.max_design_gib=0.0001): ask for fewer knots (--option linear.n_knots=N), "
                   "fewer rows (--n-samples N), no hinges or a larger --option linear.max_design_gib=N (GiB)\n")
    assert not (tmp_path / "r.html").exists()


def test_cli_report_with_a_constraint_checks_the_design_before_the_teacher_is_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """With --constraint the teacher was asked about every row of --data (for its classes) before the
    frontier checked a linear design too large: the cheap checks now come first."""
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(300), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "asked2.py").write_text("def predict(df):\n    raise AssertionError('the teacher was asked')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code = main(["report", "--teacher", "asked2:predict", "--data", str(tmp_path / "rows.csv"), "--no-progress",
                 "--n-samples", "1000", "--option", "linear.hinges=true", "--option", "linear.max_design_gib=0.0001",
                 "--constraint", "a <= 0.4 -> prediction == 0", "-o", str(tmp_path / "r.html")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("symdistill report: error: 21 candidate terms (with hinges at n_knots=3) need a 1,000-row")


def test_cli_report_with_a_constraint_asks_no_training_row_left_out_of_the_sample(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """--constraint had the teacher answer every row of --data, also the training rows that
    --max-train-rows leaves out (on a million rows, 650,000 answers nothing used)."""
    pd = pytest.importorskip("pandas")
    X = _data(600)
    pd.DataFrame(X, columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "seen.py").write_text("import numpy as np\nrows = []\ndef predict(df):\n"
                                      "    rows.extend(df['a'].tolist())\n"
                                      "    return (df['a'].to_numpy() > 0.5).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import seen  # type: ignore[import-not-found]

    code = main(["report", "--teacher", "seen:predict", "--data", str(tmp_path / "rows.csv"), "--forms", "tree",
                 "--sizes", "2", "--n-samples", "300", "--max-train-rows", "100", "--no-progress",
                 "--constraint", "a <= 0.4 -> prediction == 0", "-o", str(tmp_path / "r.html")])
    capsys.readouterr()
    assert code == 0
    data_rows = set(X[:, 0].tolist())
    assert len(data_rows & set(seen.rows)) == 180 + 100  # the held-out rows and the training sample


def test_cli_report_distils_from_a_sample_of_at_most_max_train_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """--max-train-rows (default 50,000) caps the rows every fit distils from: the report of a million rows
    fitted all 700,000 training rows 18 times (20 minutes). The report says when the rows were sampled."""
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(300), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "step.py").write_text("def predict(df):\n    return (df['a'].to_numpy() > 0.5).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    base = ["report", "--teacher", "step:predict", "--data", str(tmp_path / "rows.csv"), "--forms", "tree", "--sizes",
            "2", "--n-samples", "300", "--no-progress", "-o", str(tmp_path / "r.html")]
    assert main([*base, "--max-train-rows", "100"]) == 0
    err = capsys.readouterr().err
    assert " teacher queries; models distilled from 100 of the 210 training rows, --max-train-rows)" in err
    # The time is the frontier's and the report's both, each named (it was the frontier's alone).
    total, fits, drawn = (float(v) for v in re.search(r" in ([\d.]+) s \(frontier ([\d.]+) s, report ([\d.]+) s; ",
                                                       err).groups())
    assert abs(total - (fits + drawn)) <= 0.11
    assert ("- **training rows**: 210; the models were distilled from a seeded random sample of 100 "
            "\\(max\\_train\\_rows=100\\)\n") in (tmp_path / "r.md").read_text()
    for value in ("all", "210"):
        assert main([*base, "--max-train-rows", value]) == 0
        assert "models distilled from" not in capsys.readouterr().err
        assert "- **training rows**: 210\n" in (tmp_path / "r.md").read_text()
    with pytest.raises(SystemExit):
        main([*base, "--max-train-rows", "1"])
    assert "--max-train-rows: must be at least 2 (rows to distil from) or 'all', got '1'" in capsys.readouterr().err


def test_linear_weight_chart_of_features_near_1e200_shows_finite_bars() -> None:
    """Each weight is drawn times its term's spread on the rows: a plain std of values near 1e200
    overflowed, and the bar of such a feature read 'inf'."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(400, 2))
    X[:, 0] *= 1e200
    model = sd.models.LinearModel(sd.Domain.from_data(X), "classification", np.array([0, 1]), terms=[0, 1],
                                  coef=[2e-200, 1.0], intercept=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        fig = draw_model(model, X)
    shown = sorted(float(t.get_text()) for t in fig.axes[0].texts)
    assert np.all(np.isfinite(shown))
    assert shown == pytest.approx(sorted([2.0 * (X[:, 0] / 1e200).std(), X[:, 1].std()]), rel=1e-2)
    assert _non_blank(png_bytes(fig))


def test_drawn_shares_of_a_rare_rule_or_a_nearly_exact_leaf_do_not_read_0_or_100_percent() -> None:
    """The rule table and the tree diagram rounded shares to whole percents: a rule covering 0.3% of
    rows read '0%' and one the teacher agrees with on 99.6% '100%', where the printouts say '<1%'
    and '>99%'. A label holding a newline is drawn escaped, as the printouts write it."""
    from symdistill.models import Condition, Rule, RuleSet, Tree

    dom = sd.Domain.from_data(np.array([[0.0], [10.0]]), feature_names=["age"])
    rules = RuleSet(dom, "classification", np.array(["yes\nno", "ok"]),
                    [Rule((Condition(0, ">", 9.5),), 0, coverage=0.003, agreement=0.996)],
                    Rule((), 1, coverage=0.997, agreement=1.0))
    texts = [t.get_text() for t in draw_model(rules).axes[0].texts]
    assert texts[5:] == ["1", "age > 9.5", "yes\\nno", "<1%", ">99%", "else", "otherwise", "ok", ">99%", "100%"]
    tree = Tree(dom, "classification", np.array(["low", "high\nlow"]), children_left=[1, -1, -1],
                children_right=[2, -1, -1], feature=[0, -1, -1], threshold=[5.0, 0, 0],
                value=[[0.5, 0.5], [0.996, 0.004], [0.0, 1.0]])
    texts = [t.get_text() for t in draw_model(tree).axes[0].texts]
    assert "low\n>99% agree" in texts and "high\\nlow\n100% agree" in texts


@pytest.mark.parametrize("flag, value", [("--sizes", ",2"), ("--sizes", "2,,4"), ("--forms", "tree,"),
                                         ("--drop", "c,"), ("--categorical", ",c")])
def test_cli_report_refuses_an_empty_list_item_by_its_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch, flag: str,
                                                           value: str) -> None:
    """'--sizes ,2' was read as '--sizes 2' (the empty item dropped), quietly fitting other sizes
    than the ones written; it is refused, naming the flag, before the teacher is loaded."""
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(50), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "loaded.py").write_text("raise AssertionError('the teacher was loaded')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    args = {"--forms": "tree", "--sizes": "2", flag: value}
    code = main(["report", "--teacher", "loaded:predict", "--data", str(tmp_path / "rows.csv"), "--no-progress",
                 "-o", str(tmp_path / "r.html"), *[x for kv in args.items() for x in kv]])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert f"{flag} {value!r} has an empty item; separate the items by single commas" in err


def test_cli_report_takes_learner_options_for_every_form_or_for_one(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """'symdistill report' had no way to pass learner options ('distill' has --option NAME=VALUE).
    --option NAME=VALUE goes to every form, --option FORM.NAME=VALUE to one; both are checked
    before the teacher is loaded."""
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(200), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    (tmp_path / "loaded.py").write_text("raise AssertionError('the teacher was loaded')\n")
    (tmp_path / "step.py").write_text("def predict(df):\n    return (df['a'].to_numpy() > 0.5).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    base = ["report", "--data", str(tmp_path / "rows.csv"), "--sizes", "2", "--no-progress", "-o", str(tmp_path / "r.html")]
    for option, message in [("n_sample=300", "unknown option 'n_sample'; did you mean 'n_samples'?"),
                            ("max_literals=2", "--option max_literals=...: an option of form rules only, not of "
                                               "tree or linear; write --option rules.max_literals=..."),
                            ("tree.hinges=true", "unknown option 'hinges'"),
                            ("tres.max_depth=2", "'tres' is not among the forms fitted (tree, rules, linear)"),
                            ("max_size=3", "--option max_size=...: use --sizes")]:
        assert main([*base, "--teacher", "loaded:predict", "--forms", "tree,rules,linear", "--option", option]) == 2
        out, err = capsys.readouterr()
        assert out == "" and message in err, (option, err)
    code = main([*base, "--teacher", "step:predict", "--forms", "rules,linear", "--n-samples", "400",
                 "--option", "rules.max_literals=1", "--option", "linear.hinges=true", "--option", "sampler_bandwidth=0.4"])
    assert code == 0 and "chosen:" in capsys.readouterr().out
    assert "sampler\\_bandwidth=0.4" in (tmp_path / "r.md").read_text()


def test_the_model_card_lists_the_options_given_for_one_form(tmp_path: Path) -> None:
    """The card listed only the options for every form: a frontier fitted with
    form_options={'rules': {'max_literals': 1}} reported its learner options as 'n_samples=400'."""
    X = _data(300)
    front = sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), X, forms=["tree", "rules"], sizes=[2], n_samples=400,
                        form_options={"rules": {"max_literals": 1, "min_gain": 0.01}}, progress=False)
    rep = sd.report(front, path=tmp_path / "r.html")
    assert "n\\_samples=400; rules: max\\_literals=1, min\\_gain=0.01" in rep.markdown


def test_held_out_and_shifted_rows_are_asked_once_for_all_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every model's fidelity looked the held-out rows (and in the report each shift's rows) up in the
    teacher's cache again, one model after another: on a million rows, where the cache (1,000,000 rows)
    had forgotten them, the teacher answered 4.9 million rows for 1.2 million distinct ones. The
    teacher's answers are now taken once for every model of the frontier; the scores are the same."""
    from collections import Counter

    import symdistill.teachers.base as teacher_base
    from symdistill.shift import DEFAULT_SHIFTS, shifted_rows

    monkeypatch.setattr(teacher_base, "CACHE_SIZE", 600)  # a cache that forgets, as at scale
    asked: Counter = Counter()

    def net(X: np.ndarray) -> np.ndarray:
        asked.update(map(tuple, np.asarray(X).tolist()))
        return ((X[:, 0] > 0.5) & (X[:, 1] > 0.3)).astype(int) + (X[:, 2] > 0.8)

    X = _data(1500)
    front = sd.frontier(net, X, forms=["tree"], sizes=[2, 4, 8], n_samples=1000, progress=False)
    held = np.asarray(front.X_holdout)
    assert {asked[tuple(r)] for r in held.tolist()} == {1}
    reference = sd.frontier(net, X, forms=["tree"], sizes=[2, 4, 8], n_samples=1000, progress=False)
    assert [p.row()["fidelity"] for p in front.points] == [
        sd.fidelity(p.model, net, reference.X_holdout).value for p in reference.points]
    asked.clear()
    rep = sd.report(front, path=None, random_state=0)
    assert len(rep.shifts) == len(front.pareto) > 1
    for shift in DEFAULT_SHIFTS[1:]:
        rows = np.asarray(shifted_rows(front.domain, front.X_holdout, shift, random_state=0)).tolist()
        assert {asked[tuple(r)] for r in rows} == {1}, shift


def test_cli_report_takes_a_holdout_with_the_columns_in_another_order_reading_each_file_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A --holdout file with --data's columns in another order was refused ("differ"), and the command
    parsed every row of --data and of --holdout once more just to learn their columns (on a million
    rows, seconds each). The holdout's columns are put in --data's order, and each file is parsed once."""
    pd = pytest.importorskip("pandas")
    X = _data(500)
    pd.DataFrame(X[:350], columns=["a", "b", "c"]).assign(y=0).to_csv(tmp_path / "rows.csv", index=False)
    pd.DataFrame(X[350:], columns=["a", "b", "c"])[["c", "a", "b"]].to_csv(tmp_path / "hold.csv", index=False)
    (tmp_path / "byposition.py").write_text("import numpy as np\ndef predict(X):\n"
                                            "    return (np.asarray(X, dtype=float)[:, 0] > 0.5).astype(int)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    parses: list[str] = []
    real = pd.read_csv

    def counted(source: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("nrows") is None:
            parses.append(Path(str(source)).name)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", counted)
    code = main(["report", "--teacher", "byposition:predict", "--as-array", "--data", str(tmp_path / "rows.csv"),
                 "--holdout", str(tmp_path / "hold.csv"), "--drop", "y", "--forms", "tree", "--sizes", "2",
                 "--n-samples", "500", "--no-progress", "-o", str(tmp_path / "r.html")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert sorted(parses) == ["hold.csv", "rows.csv"]
    assert "chosen: tree size 2, fidelity 1.0000" in out  # the teacher read column a first in the held-out rows too


def test_cli_report_names_the_drop_for_a_label_column_only_the_holdout_has(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Letters' test rows keep their `Letter` column: the refusal listed both files' 17 and 16 columns,
    leaving the user to spot the one that differs and to find that --drop applies to --holdout too."""
    pd = pytest.importorskip("pandas")
    X = _data(100)
    pd.DataFrame(X[:50], columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    pd.DataFrame(X[50:], columns=["a", "b", "c"]).assign(Letter="A").to_csv(tmp_path / "hold.csv", index=False)
    code = main(["report", "--teacher", str(tmp_path / "none.onnx"), "--data", str(tmp_path / "rows.csv"),
                 "--holdout", str(tmp_path / "hold.csv"), "-o", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert code == 2
    assert "--holdout has a column --data lacks: 'Letter' (a label column? --drop Letter)" in err


def test_cli_report_refuses_a_holdout_fraction_beside_a_holdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--holdout-fraction was ignored without a word when --holdout was given: the user's 0.5 split never
    happened, and the report measured fidelity on the other file."""
    pd = pytest.importorskip("pandas")
    pd.DataFrame(_data(300), columns=["a", "b", "c"]).to_csv(tmp_path / "rows.csv", index=False)
    code = main(["report", "--teacher", str(tmp_path / "none.onnx"), "--data", str(tmp_path / "rows.csv"),
                 "--holdout", str(tmp_path / "rows.csv"), "--holdout-fraction", "0.5", "-o", str(tmp_path / "r.html")])
    assert code == 2
    assert ("--holdout-fraction 0.5 holds out part of --data, but --holdout gives the held-out rows: give one of them"
            in capsys.readouterr().err)


def test_disagreement_bins_of_a_feature_that_is_mostly_zero_show_where_it_disagrees() -> None:
    """A feature that is 0 on most rows (adult's capital_gain) had quantile edges 0, 0, ..., 0 and its
    largest value, so the report showed one bin, [0, 1e+05], holding every row: where among the other
    values the student disagreed could not be seen. The 0s are a bin of their own, the rest cut at quantiles."""
    from symdistill.domain import Domain
    from symdistill.report.figures import disagreement_by_feature

    rng = np.random.default_rng(0)
    gain = np.where(rng.uniform(size=1000) < 0.9, 0.0, rng.integers(1, 100_000, 1000).astype(float))
    Z = np.column_stack([gain, rng.uniform(size=1000)])
    parts = disagreement_by_feature(Domain.from_data(Z, feature_names=["gain", "u"]), Z, (gain > 50_000).astype(float))
    part = parts[0]
    assert part.feature == "gain" and len(part.bins) == 8
    assert (part.bins[0], part.counts[0], part.rates[0]) == ("[0, 0]", int((gain == 0).sum()), 0.0)
    assert part.rates[part.worst] == 1.0 and sum(part.counts) == 1000


def test_disagreement_bins_of_a_large_whole_feature_print_whole_numbers_that_hold_their_rows() -> None:
    """adult's fnlwgt (whole numbers from 1e4 to 1.5e6) had bins printed '(7.958e+05, 9.545e+05]', rounded
    to nearest, where its tree's thresholds print 954523; each bin now prints as thresholds do, and the
    rows a printed bin takes in are the rows it counts."""
    from symdistill.domain import Domain
    from symdistill.report.figures import disagreement_by_feature

    rng = np.random.default_rng(0)
    Z = np.column_stack([rng.integers(12285, 1490400, 1000).astype(float), rng.integers(0, 4, 1000) * 250_000.0])
    parts = {p.feature: p for p in disagreement_by_feature(Domain.from_data(Z, feature_names=["fnlwgt", "steps"]), Z,
                                                           (Z[:, 0] > 900_000).astype(float))}
    assert parts["steps"].bins == ("0", "250000", "500000", "750000")
    fnlwgt = parts["fnlwgt"]
    assert len(fnlwgt.bins) == 8 and not any("e+" in b for b in fnlwgt.bins)
    for k, (text, count) in enumerate(zip(fnlwgt.bins, fnlwgt.counts)):
        low, high = (float(v) for v in text[1:-1].split(", "))
        inside = (Z[:, 0] >= low) if k == 0 else (Z[:, 0] > low)
        assert text[0] == ("[" if k == 0 else "(") and int((inside & (Z[:, 0] <= high)).sum()) == count, text


def test_summary_counts_one_form_in_the_singular() -> None:
    """The summary said 'models fitted: 2 (1 forms x 2 sizes)'."""
    X = _data(300)
    rep = sd.report(sd.frontier(lambda X: (X[:, 0] > 0.5).astype(int), X, forms=["tree"], sizes=[1, 2], n_samples=600,
                                progress=False), path=None, shifts=["none"])
    assert "1 form x 2 sizes" in rep.markdown and "1 forms" not in rep.html


def _beyond(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return np.where(X[:, 0] > 1.5, 2, (X[:, 0] > 0.5).astype(int))


def test_report_scores_other_rows_holding_a_class_the_frontier_never_saw() -> None:
    """sd.report(front, X_other) raised UnknownClassError asking for classes= when the teacher answered
    X_other's rows in a class it never gave on the frontier's rows. Each such row is a miss for every
    model (none predicts the class), as the frontier counts a class only its held-out rows hold."""
    front = sd.frontier(_beyond, _data(400), forms=["tree"], sizes=[2, 4], n_samples=500, random_state=0)
    other = _data(100, seed=1)
    other[:5, 0] = 2.0
    with pytest.warns(UserWarning, match="class 2 on 5 of the 100 rows given to the report"):
        rep = sd.report(front, other, path=None)
    declared = sd.fidelity(rep.chosen.model, sd.as_teacher(_beyond, classes=[0, 1, 2]), other)
    assert declared.value <= 0.95
    assert f"fidelity of the chosen model**: {declared}".replace("[", "\\[").replace("]", "\\]").replace(
        "(", "\\(").replace(")", "\\)") in rep.markdown
    assert "class 2 on 5 of the 100 rows given to the report (first: row 0)" in rep.warnings[0]
    assert "| 2 | 5 | 5 | 1.0000 | " in rep.markdown  # teacher's class 2: 5 rows, all missed (rate 4 decimals)
    assert "- **classes**: 0, 1, 2\n" in rep.markdown
    assert front.teacher.classes_.tolist() == [0, 1]  # the frontier's teacher is left as it was


def test_report_refuses_other_rows_outside_declared_classes_naming_them() -> None:
    """Declared classes say what the teacher answers: a label outside them on the report's rows is an
    error that says it came from the rows given to the report."""
    teacher = sd.as_teacher(_beyond, classes=[0, 1])
    front = sd.frontier(teacher, _data(400), forms=["tree"], sizes=[2], n_samples=300, random_state=0)
    other = _data(50, seed=1)
    other[3, 0] = 2.0
    with pytest.raises(UnknownClassError, match=r"^X_holdout \(the rows given to the report\): .*label 2"):
        sd.report(front, other, path=None)


def _summary_items(markdown: str) -> dict[str, str]:
    summary = markdown.split("## Summary")[1].split("## ")[0]
    return dict(re.findall(r"^- \*\*(.+?)\*\*: (.*)$", summary, flags=re.M))


def test_report_summary_says_why_the_chosen_model_was_chosen() -> None:
    """The summary named the chosen model but not the rule that chose it: with min_fidelity=0.9 a reader
    saw 'rules, size 8' beside a knee of 'rules size 4' and could not tell why the larger one."""
    X = _data(600)
    front = sd.frontier(lambda X: ((X[:, 0] > 0.5) ^ (X[:, 1] > 0.5)).astype(int), X, forms=["tree"],
                        sizes=[1, 2, 4, 8], n_samples=800, random_state=0)
    bar = 0.9
    chosen = front.best_point(bar)
    smaller = [p for p in front.points if p.size < chosen.size]
    assert smaller and all(p.fidelity < bar for p in smaller)  # the reason below is true
    why = _summary_items(sd.report(front, path=None, min_fidelity=bar).markdown)["why this model"]
    assert why == r"the smallest model whose fidelity reaches min\_fidelity 0.9"
    why = _summary_items(sd.report(front, path=None, min_fidelity=bar, conservative=True).markdown)["why this model"]
    assert why == r"the smallest model whose 95% interval's lower end reaches min\_fidelity 0.9 \(conservative\)"
    why = _summary_items(sd.report(front, path=None).markdown)["why this model"]
    assert why.startswith(r"the knee of the frontier \(no min\_fidelity given\)")
    with pytest.warns(UserWarning):
        rep = sd.report(front, path=None, min_fidelity=0.999, conservative=True)  # n=180: lower ends under 0.98
    assert _summary_items(rep.markdown)["why this model"] == \
        r"no model reaches min\_fidelity 0.999: the one whose lower end is highest"
    # a bar given as np.float32 is named as written, not as its float64 value 0.9990000128746033
    with pytest.warns(UserWarning, match="at 0.999; the report shows"):
        rep = sd.report(front, path=None, min_fidelity=np.float32(0.999), conservative=True)
    assert _summary_items(rep.markdown)["why this model"] == \
        r"no model reaches min\_fidelity 0.999: the one whose lower end is highest"
    why = _summary_items(sd.report(front, path=None, min_fidelity=np.float32(bar)).markdown)["why this model"]
    assert why == r"the smallest model whose fidelity reaches min\_fidelity 0.9"


def test_report_summary_says_what_fidelity_was_measured_on_and_which_interval() -> None:
    """The summary's 'fidelity 0.9217 [0.9051, 0.9356] (n=1200)' said neither what the number is nor
    which interval the brackets hold nor which rows it was measured on."""
    X = _data(500)
    front = sd.frontier(_net, X, forms=["tree"], sizes=[2], n_samples=400, random_state=0)
    on = _summary_items(sd.report(front, path=None).markdown)["fidelity measured on"]
    assert on == (r"the 150 held-out rows \(split from the data\), which no model was distilled from: the share "
                  r"where the model gives the teacher's label, \[low, high\] its 95% Wilson interval")
    on = _summary_items(sd.report(front, _data(80, seed=5), path=None).markdown)["fidelity measured on"]
    assert on.startswith(r"the 80 rows given to the report \(the frontier table: its 150 held-out rows\)")
    reg = sd.frontier(sd.as_teacher(lambda X: X[:, 0] + X[:, 1], task="regression"), X, forms=["tree"], sizes=[2],
                      n_samples=400, random_state=0)
    on = _summary_items(sd.report(reg, path=None).markdown)["fidelity measured on"]
    assert on.endswith(r"R2 of the model's values against the teacher's, \[low, high\] its 95% bootstrap interval")


def test_frontier_figure_and_table_say_what_the_bars_are_and_which_rows() -> None:
    """The frontier figure's caption explained the dashes, star and ring but not the error bars, and the
    table's note did not say which rows its fidelities were measured on: with other rows given to the
    report, the table's 0.98 and the summary's 0.85 for the same model read as a contradiction."""
    X = _data(500)
    front = sd.frontier(_net, X, forms=["tree"], sizes=[2, 4], n_samples=400, random_state=0)
    rep = sd.report(front, _data(80, seed=5), path=None, min_fidelity=0.9)
    section = rep.markdown.split("## Fidelity-size frontier")[1].split("\n## ")[0]
    assert r"bars: 95% Wilson interval" in section and "dotted: min\\_fidelity 0.9" in section
    assert ("fidelity: measured on the frontier's 150 held-out rows \\(split from the data\\), which no model was "
            "distilled from, not on the 80 rows given to the report") in section
    reg = sd.frontier(sd.as_teacher(lambda X: X[:, 0] + X[:, 1], task="regression"), X, forms=["tree"], sizes=[2],
                      n_samples=400, random_state=0)
    section = sd.report(reg, path=None).markdown.split("## Fidelity-size frontier")[1].split("\n## ")[0]
    assert "bars: 95% bootstrap interval" in section and "dotted" not in section
    assert "measured on the frontier's 150 held-out rows \\(split from the data\\), which no model was distilled " \
           "from." in section


def test_report_calls_the_rows_given_to_it_so_in_every_section() -> None:
    """With other rows given to the report, the disagreement section said 'on 80 held-out rows' and the
    shift section 'the held-out rows moved away', though those rows were the report's, not held out."""
    front = sd.frontier(_net, _data(500), forms=["tree"], sizes=[2], n_samples=400, random_state=0)
    other = sd.report(front, _data(80, seed=5), path=None).markdown
    assert "Overall disagreement rate on the 80 rows given to the report:" in other
    assert "Fidelity measured again on the 80 rows given to the report moved away from the data" in other
    own = sd.report(front, path=None).markdown
    assert "Overall disagreement rate on the 150 held-out rows:" in own
    assert "Fidelity measured again on the 150 held-out rows moved away from the data" in own


def test_frontier_figure_marks_the_knee_and_front_on_the_points_they_mark() -> None:
    """Forms are drawn a little apart along the size axis, but the Pareto squares, the knee's star and the
    chosen model's ring were drawn at the unshifted size: beside a shifted form's point they read as
    other points."""
    from symdistill.report.figures import frontier_figure

    front = sd.frontier(_net, _data(500), forms=["tree", "linear"], sizes=[2, 4], n_samples=400, random_state=0)
    chosen = front.points[-1]
    ax = frontier_figure(front, chosen).axes[0]
    lines = [(line.get_label(), line) for line in ax.lines] + [(c.get_label(), c.lines[0]) for c in ax.containers]
    drawn = {(label, float(x), float(y)) for label, line in lines for x, y in zip(line.get_xdata(), line.get_ydata())}
    points = {(x, y) for label, x, y in drawn if label in front.forms}

    def marks(label: str) -> set[tuple[float, float]]:
        return {(x, y) for lab, x, y in drawn if lab == label}

    assert marks(f"knee: {front.knee.form} size {front.knee.size}") <= points
    assert marks(f"chosen: {chosen.form} size {chosen.size}") <= points
    assert len(marks("_Pareto points")) == len({(p.form, p.size) for p in front.pareto})
    assert marks("_Pareto points") <= points


def test_worst_disagreement_bin_is_not_a_single_row() -> None:
    """On adult the 'worst bin' of native-country was Thailand: one row, which disagreed (rate 1), ranked
    above categories of hundreds of rows that disagree twice as often as the rest; the figure coloured
    that one-row bar as the worst. The worst bin is the one holding the most disagreement beyond the
    overall rate."""
    from symdistill.domain import Domain
    from symdistill.report.figures import disagreement_by_feature

    country = np.r_[np.zeros(899), np.ones(100), [2.0]]  # 899 rows of one country, 100 of another, 1 of a third
    loss = np.r_[np.zeros(850), np.ones(49), np.zeros(70), np.ones(30), [1.0]]
    Z = country[:, None]
    part = disagreement_by_feature(Domain.from_data(Z, feature_names=["country"]), Z, loss)[0]
    assert part.counts == (899, 100, 1) and part.rates[2] == 1.0
    assert part.worst == 1 and part.rates[1] == 0.3


def test_frontier_figure_says_a_conservative_bar_is_on_the_lower_ends() -> None:
    """With conservative=True the min_fidelity line is compared with each interval's lower end, but the
    legend and caption read 'min fidelity 0.9' as if the points had to reach it: a point above the line
    whose bar dips below it was not chosen, with nothing saying why."""
    from symdistill.report.figures import frontier_figure

    front = sd.frontier(_net, _data(500), forms=["tree"], sizes=[2, 4], n_samples=400, random_state=0)
    ax = frontier_figure(front, min_fidelity=0.9, conservative=True).axes[0]
    assert "min fidelity 0.9 (95% interval's lower end)" in [t.get_text() for t in ax.get_legend().get_texts()]
    section = sd.report(front, path=None, min_fidelity=0.9, conservative=True).markdown.split(
        "## Fidelity-size frontier")[1].split("\n## ")[0]
    assert "dotted: min\\_fidelity 0.9, reached by the 95% interval's lower end" in section


def test_report_on_one_row_counts_it_as_one_row(front: Frontier) -> None:
    """A report on one row given to it wrote 'the 1 rows given to the report' in the disagreement and
    shift sections and in how fidelity was measured."""
    rep = sd.report(front, _data(1, seed=3), path=None)
    assert "the 1 row given to the report" in rep.markdown
    assert "1 rows" not in rep.markdown


def test_the_model_card_quotes_a_class_holding_the_lists_comma(tmp_path: Path) -> None:
    """The card listed the teacher's classes joined by ', ' with each label bare, so the classes
    'a, b' and 'c' read as three classes, 'a, b, c'. A label holding a comma is now quoted, as
    printouts quote a label they could misread; the others stay bare."""
    X = _data(300)
    labels = np.array(["a, b", "c"])
    front = sd.frontier(lambda X: labels[(X[:, 0] > 0.5).astype(int)], X, forms=["tree"], sizes=[2], n_samples=400,
                        progress=False)
    rep = sd.report(front, path=tmp_path / "r.html")
    line = next(row for row in rep.markdown.splitlines() if "classes" in row and "c" in row)
    assert "'a, b', c" in line and "a, b, c" not in line


def test_a_regressor_s_report_on_one_row_is_refused_naming_x_holdout(tmp_path: Path) -> None:
    """A report given one row for a regressor failed in sd.fidelity ('cannot compute fidelity R2 on 1
    row') without naming the argument; it is refused first, as sd.frontier refuses it."""
    X = _data(300)
    f = sd.as_teacher(lambda X: 3 * X[:, 0] + X[:, 1], task="regression")
    front = sd.frontier(f, X, forms=["tree"], sizes=[2], n_samples=400, progress=False)
    with pytest.raises(sd.DataError, match=r"^X_holdout has 1 row: a regressor's fidelity \(R²\) is undefined"):
        sd.report(front, X[:1], path=tmp_path / "r.html")
    # on 2 rows R² has no interval, which the report's tables print: refused too
    with pytest.raises(sd.DataError, match=r"^X_holdout has 2 rows: a regressor's fidelity \(R²\) has no 95% interval"):
        sd.report(front, X[:2], path=tmp_path / "r.html")


def test_drawn_regression_values_read_as_the_printouts_write_them() -> None:
    """The tree diagram and the rule table wrote a regressor's values with 4 significant digits:
    leaves of 123456 and 123499 both read '1.235e+05', where the printouts write '123456' and
    '123499'. They are drawn as printed, with the printouts' note when a value is rounded."""
    from symdistill.models import Condition, Rule, RuleSet, Tree

    dom = sd.Domain.from_data(np.array([[0.0], [10.0]]), feature_names=["age"])
    for values, shown, rounded in [((123456.0, 123499.0), ["123456", "123499"], False),
                                   ((1 / 3, 2 / 3), ["0.333333", "0.666667"], True)]:
        tree = Tree(dom, "regression", None, children_left=[1, -1, -1], children_right=[2, -1, -1],
                    feature=[0, -1, -1], threshold=[5.0, 0, 0], value=[[sum(values) / 2], [values[0]], [values[1]]])
        rules = RuleSet(dom, "regression", None, [Rule((Condition(0, ">", 9.5),), values[0])], Rule((), values[1]))
        for model in (tree, rules):
            assert all(f" {text}" in str(model) for text in shown)
            ax = draw_model(model).axes[0]
            assert [t.get_text() for t in ax.texts if t.get_text() in shown] == shown
            assert ("values rounded to the digits shown (exact: to_json())" in ax.get_title()) == rounded


def test_a_regressors_rule_table_shows_each_rules_mean_absolute_error() -> None:
    """A regressor's rules carry their mean absolute error, not an agreement: the rule table headed
    its last column 'agreement' and left it empty, where the printout gives 'mean abs. error 12.5'."""
    from symdistill.models import Condition, Rule, RuleSet

    dom = sd.Domain.from_data(np.array([[0.0], [10.0]]), feature_names=["age"])
    rules = RuleSet(dom, "regression", None, [Rule((Condition(0, ">", 9.5),), 100.0, coverage=0.25, error=12.5)],
                    Rule((), 40.0, coverage=0.75, error=3.25))
    assert "mean abs. error 12.5" in str(rules) and "mean abs. error 3.25" in str(rules)
    texts = [t.get_text() for t in draw_model(rules).axes[0].texts]
    assert "agreement" not in texts
    assert texts[:5] == ["#", "IF", "THEN", "coverage", "mean abs. error"]
    assert texts[5:] == ["1", "age > 9.5", "100", "25%", "12.5", "else", "otherwise", "40", "75%", "3.25"]


def test_the_class_table_writes_labels_as_the_model_and_the_model_card_print_them():
    """The disagreement-by-class table wrote each class with str(): the empty label as an empty cell,
    'yes\\nno' with its line break (a space once rendered), where the tree printed '' and yes\\nno and
    the model card listed '', yes\\nno; its rows read as no class the model names."""
    from symdistill.models.base import label_text
    from symdistill.report.render import Table

    def teacher(X):
        X = np.asarray(X, dtype=float)
        return np.where(X[:, 0] > 0.5, "yes\nno", np.where(X[:, 1] > 0.5, "", "a  b"))

    front = sd.frontier(teacher, _data(300), forms=["tree"], sizes=[2], n_samples=600, progress=False)
    rep = sd.report(front, path=None)
    section = next(s for s in rep.document[2] if s.anchor == "disagreement")
    table = next(b for b in section.blocks if isinstance(b, Table) and b.header[0] == "teacher's class")
    printed = {label_text(c) for c in front.teacher.classes_}
    assert printed == {"''", "'a  b'", "yes\\nno"}
    assert {row[0] for row in table.rows} == printed
    leaves = set(re.findall(r"-> (.+?)  \(agreement", str(rep.chosen.model)))
    assert {row[4] for row in table.rows if row[4]} <= leaves <= printed
    assert any(row[4] for row in table.rows)  # two leaves for three classes: some rows disagree


def test_the_model_card_counts_the_rows_the_teacher_answered_without_calling_them_distinct():
    """The model card said '11814 distinct rows answered for the frontier and this report' (and the
    command 'distinct teacher queries') where the teacher had answered 11,494 distinct rows: each
    fit's determinism check asks rows again. The number is the rows the teacher answered, said so."""
    asked: list[np.ndarray] = []

    def teacher(X):
        X = np.asarray(X, dtype=float)
        asked.append(X)
        return (X[:, 0] + X[:, 1] > 1).astype(int)

    front = sd.frontier(teacher, _data(300), forms=["tree", "rules"], sizes=[2, 4], n_samples=600, progress=False)
    rep = sd.report(front, path=None)
    rows = np.concatenate(asked)
    assert len(np.unique(rows, axis=0)) < len(rows) == front.teacher.n_queries  # some rows asked twice
    n = int(re.search(r"\*\*teacher queries\*\*: (\d+) ([^\n]*)", rep.markdown).group(1))
    assert n == len(rows)
    assert f"{n} rows the teacher answered for the frontier and this report" in rep.markdown
    assert "distinct" not in re.search(r"\*\*teacher queries\*\*: ([^\n]*)", rep.markdown).group(1)


def test_the_markdown_twin_keeps_a_name_holding_a_carriage_return_on_its_line() -> None:
    # Markdown ends a line at \r as at \n (a header cell typed in a spreadsheet holds \r\n): a feature,
    # category or title holding one broke the table row or heading it was in.
    rng = np.random.default_rng(0)
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"a\rb": rng.uniform(size=120), "k": pd.Categorical(rng.choice(["p\r\nq", "r"], 120))})
    front = sd.frontier(lambda X: (X.iloc[:, 0] > 0.5).astype(int).to_numpy(), X, forms=["tree"], sizes=[2],
                        n_samples=200)
    md = sd.report(front, path=None, title="T\rU", shifts=["none"]).markdown
    prose = re.sub(r"(`{3,})text\n.*?\n\1", "", md, flags=re.S)
    assert "\r" not in prose
    assert prose.startswith("# T U\n")
    assert "| a b | numeric |" in prose


def test_the_model_card_and_disagreement_bins_write_categories_so_that_each_reads_as_one():
    """The model card listed categories with str(): '', 'a, b', c and yes<newline>no read
    '4 categories: , a, b, c, yes no' (five names, one blank), and the empty category's
    disagreement bin was an empty cell, where the rules print {'', 'yes\\nno'}."""
    from symdistill.report.figures import disagreement_by_feature

    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"k": pd.Categorical(rng.choice(["", "a, b", "yes\nno", "c"], 400)), "u": rng.uniform(size=400)})
    front = sd.frontier(lambda X: (X["u"].to_numpy() > 0.5).astype(int), X, forms=["tree"], sizes=[2],
                        n_samples=300)
    md = sd.report(front, path=None, shifts=["none"]).markdown
    assert "| k | categorical | 4 categories: '', 'a, b', c, yes\\\\nno |" in md
    Z = front.domain.encode(X)
    part = next(p for p in disagreement_by_feature(front.domain, Z, (X["k"] == "").to_numpy(float)) if p.feature == "k")
    assert part.bins == ("''", "a, b", "c", "yes\\nno")  # a cell of its own: its comma misreads nothing
    assert part.bins[part.worst] == "''"


def test_a_model_that_agrees_everywhere_has_no_worst_bin():
    """With no disagreement, every feature's 'worst bin' was its first bin (argmax of zeros), rate 0, and
    the figure coloured it as the worst: the table read as if age [17, 23] were where the model errs."""
    from symdistill.report.figures import disagreement_by_feature
    from symdistill.report.render import Table

    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(2)
    X = pd.DataFrame({"k": pd.Categorical(rng.choice(["a", "b", "c"], 300)), "u": rng.uniform(size=300)})
    front = sd.frontier(lambda X: (X["k"] == "a").to_numpy().astype(int), X, forms=["tree"], sizes=[2],
                        n_samples=300)
    rep = sd.report(front, path=None, shifts=["none"])
    assert rep.chosen.fidelity == 1.0
    section = next(s for s in rep.document[2] if s.anchor == "disagreement")
    table = next(b for b in section.blocks if isinstance(b, Table) and b.header[0] == "feature")
    assert [row[1:4] for row in table.rows] == [("none: every bin at the overall rate", "", "")] * 2
    Z = front.domain.encode(X)
    assert all(p.worst is None for p in disagreement_by_feature(front.domain, Z, np.zeros(300)))
    even = disagreement_by_feature(front.domain, Z, np.full(300, 0.5))  # as even, at a rate above 0
    assert all(p.worst is None for p in even)


def test_a_multiclass_linear_heat_map_writes_class_labels_as_the_model_prints_them():
    """The softmax weight heat map labelled its class columns with str(): the empty class was a blank
    tick and 'yes\\nno' two lines, where the model prints score['']... and the class figure '' and yes\\nno."""
    from symdistill.models.base import label_text

    X = _data(400)
    labels = np.array(["", "yes\nno", "c"])
    m = sd.distill(lambda X: labels[np.digitize(np.asarray(X)[:, 0], [0.3, 0.6])], X, form="linear", max_size=3,
                   random_state=0, n_samples=400)
    assert m.link == "softmax"
    fig = draw_model(m, X)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == [label_text(c) for c in m.classes] and set(ticks) == {"''", "yes\\nno", "c"}


@pytest.mark.parametrize("other_rows", [False, True])
def test_the_model_card_counts_rows_whose_answers_were_refused(other_rows: bool):
    """Rows the teacher answered in a class it never gave on the frontier's rows (moved outside the data by
    the 'outside' shift, or among the rows given to the report) were answered, then refused: the shared
    teacher did not count them, so the model card (and front.teacher.n_queries, and the command's last line)
    said fewer rows than the teacher answered (2019 of 2139)."""
    asked = [0]

    def teacher(X):
        X = np.asarray(X, dtype=float)
        asked[0] += len(X)
        return np.where(X[:, 0] > 1.0, 2, (X[:, 1] > 0.5).astype(int))

    front = sd.frontier(teacher, _data(300), forms=["tree"], sizes=[2], n_samples=400, progress=False)
    assert front.teacher.n_queries == asked[0]
    rows = _data(60, seed=5)
    if other_rows:
        rows[:10, 0] = 1.2  # the teacher answers 2 there: a class of its own for the report's rows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = sd.report(front, rows, path=None)
    n = int(re.search(r"\*\*teacher queries\*\*: (\d+)", rep.markdown).group(1))
    assert n == asked[0]
    if not other_rows:  # (with them, the report's teacher knows class 2, and scores the shift)
        outside = next(r for r in next(iter(rep.shifts.values())) if r.shift.kind == "outside")
        assert outside.score is None and "label 2" in outside.note  # the shift whose answers were refused
        assert front.teacher.n_queries == asked[0]


def test_the_report_command_prints_each_decided_constraints_verdict(tmp_path, capsys, monkeypatch):
    """symdistill report --constraint named on the terminal only the constraints without a verdict: a violated
    one was seen only by opening the report."""
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    X = np.random.default_rng(0).uniform(0, 10, (300, 2))
    teacher = sd.distill(lambda A: (np.asarray(A)[:, 0] > 5).astype(int), X, form="tree", max_size=2,
                         feature_names=["a", "b"], random_state=0, progress=False)
    teacher.to_json("teacher.json")
    pd.DataFrame(X, columns=["a", "b"]).to_csv("rows.csv", index=False)
    assert main(["report", "--teacher", "teacher.json", "--data", "rows.csv", "--forms", "tree", "--sizes", "2",
                 "--constraint", "a > 8 -> prediction == 1", "--constraint", "prediction == 0", "--no-progress",
                 "-o", "r.html"]) == 0
    out = capsys.readouterr().out
    assert "--constraint a > 8 -> prediction == 1: holds\n" in out
    line = next(x for x in out.splitlines() if x.startswith("--constraint prediction == 0: "))
    assert line.startswith("--constraint prediction == 0: violated (counterexample: ")
