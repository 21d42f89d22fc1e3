"""``symdistill report``: frontier + report from files, the command-line twin of ``sd.report``."""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from .._errors import DataError, flag_list
from ..cli import (TABLE_FORMATS, TEACHER_HELP, CLIError, _data_options, _positive_seconds, _split_list,
                   _teacher_input, _whole_number,
                   add_data_options, check_input_columns, check_spaced_fit, column_list, declare, declared_codes,
                   file_rows, load_teacher_object, na_values, option_value, read_again, read_table, refuse_own_option,
                   refuse_twice, teacher_format, teacher_options,
                   warn_words_in_numbers, words_named)
from ..frontier import DEFAULT_MAX_TRAIN_ROWS
from ..shift import DEFAULT_SHIFTS, Shift
from ..verify.language import ConstraintError

DEFAULT_SIZES = "2,4,8,16,32,64"


def add_report(sub: Any) -> None:
    p = sub.add_parser("report", help="distil several forms and sizes and write an HTML + Markdown report")
    p.add_argument("--teacher", required=True, help=TEACHER_HELP)
    p.add_argument("--data", required=True, help=f"unlabelled rows ({TABLE_FORMATS})")
    p.add_argument("-o", "--output", required=True, help="HTML file to write (the Markdown twin goes beside it)")
    p.add_argument("--holdout", help="rows to measure fidelity on (default: hold out part of --data)")
    p.add_argument("--holdout-fraction", type=_fraction,
                   help="share of --data held out when --holdout is not given (default 0.3)")
    p.add_argument("--forms", help="comma-separated forms (default: every one of tree, rules, linear available)")
    p.add_argument("--method", default=None,
                   help="pedagogical | decompositional (default pedagogical; decompositional: rules read off the "
                        "network's hidden layers)")
    p.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated sizes (default {DEFAULT_SIZES})")
    p.add_argument("--min-fidelity", type=float,
                   help="choose the smallest model reaching this fidelity (default: the frontier's knee)")
    p.add_argument("--conservative", action="store_true",
                   help="--min-fidelity applies to the lower end of the 95%% interval")
    p.add_argument("--constraint", action="append", default=[],
                   help="constraint to verify on the chosen model (repeatable), e.g. \"age < 18 -> prediction == 0\"")
    p.add_argument("--shift", action="append", type=_shift, metavar="KIND[=SEVERITY]",
                   help="a shift the fidelity-under-shift section scores (repeatable, in order): none, noise, outside "
                        "or marginal, a severity after = (noise=0.3, outside=1); default: none, noise=0.1, noise=0.5, "
                        "outside=0.25, marginal")
    p.add_argument("--timeout", type=_positive_seconds, default=None, metavar="SECONDS",
                   help="most seconds z3 may take on each --constraint, as symdistill verify --timeout (default: no "
                        "limit); out of time, the report lists it as no verdict and says so")
    p.add_argument("--n-samples", type=_n_samples, help="teacher-labelled rows per fit (learner default when omitted)")
    p.add_argument("--max-train-rows", type=_max_rows, default=DEFAULT_MAX_TRAIN_ROWS, metavar="N",
                   help=f"most training rows the models are distilled from: more are sampled at random (seeded) to N; "
                        f"fidelity is measured on every held-out row (default {DEFAULT_MAX_TRAIN_ROWS}; 'all': every "
                        "training row)")
    p.add_argument("--option", action="append", default=[], metavar="[FORM.]NAME=VALUE", type=_form_option,
                   help="another learner option, for every form or (FORM.NAME) for one, as sd.frontier takes them "
                        "(repeatable; VALUE is read as JSON when it parses: --option tree.criterion=soft "
                        "--option linear.hinges=true)")
    add_data_options(p)
    p.add_argument("--title", default="symdistill report", help="the report's title (default 'symdistill report')")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


_OWN_FLAG = {"max_size": "--sizes", "form": "--forms", "random_state": "--random-state", "n_samples": "--n-samples",
             "task": "--task", "categorical": "--categorical", "sampler_kernel": "--sampler-kernel",
             "progress": "--no-progress", "max_train_rows": "--max-train-rows", "method": "--method",
             "batch_size": "--batch-size"}


def _fraction(text: str) -> float:
    """argparse type of --holdout-fraction: a number strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value < 1:  # NaN too
        raise argparse.ArgumentTypeError(f"must be a number strictly between 0 and 1, got {text!r}")
    return value


def _n_samples(text: str) -> int:
    """argparse type of --n-samples: a whole number >= 0."""
    return _whole_number(text, 0, "non-negative")


def _max_rows(text: str) -> int | None:
    """argparse type of --max-train-rows: 'all' (None) or a whole number >= 2."""
    if text == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'all', got {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be at least 2 (rows to distil from) or 'all', got {text!r}")
    return value


def _shift(text: str) -> Shift:
    """argparse type of ``--shift KIND[=SEVERITY]``: the Shift (a kind alone takes its default severity)."""
    kind, eq, value = text.partition("=")
    try:
        severity = float(value) if eq else None
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected KIND or KIND=SEVERITY with SEVERITY a number, got {text!r}") from None
    try:
        return Shift(kind.strip(), severity)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _form_option(text: str) -> tuple[str | None, str, Any]:
    """argparse type of ``--option [FORM.]NAME=VALUE``: the form (None: every form), the name, and
    the value as JSON when it parses, else the text itself."""
    head, eq, value = text.partition("=")
    form, dot, name = head.strip().rpartition(".")
    if not eq or not name.isidentifier() or dot and not form.isidentifier():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE or FORM.NAME=VALUE with NAME an option name, got {text!r}")
    return form or None, name, option_value(value)


def _learner_options(given: list[tuple[str | None, str, Any]], forms: list[str], options: dict[str, Any],
                     method: str) -> dict[str, dict[str, Any]]:
    """Adds the ``--option``s for every form to ``options`` and returns those for one form
    (``form_options``), refusing an option a flag sets, concept rules (which the report refuses), a form
    not among ``forms``, an option of another ``--method`` only, and an option for every form that only
    some of them take (saying how to give it to those)."""
    from ..api import _options_of
    from ..learners import get_learner, registered_learners

    takes = {form: _options_of(get_learner(form, method)) for form in forms}
    form_options: dict[str, dict[str, Any]] = {}
    refuse_twice(given)
    for form, name, value in given:
        flag = f"--option {form + '.' if form else ''}{name}=..."
        refuse_own_option(name, flag, _OWN_FLAG)
        if name == "feature_names":
            raise CLIError(f"{flag}: the command sets it (features named by the data's header)")
        if name == "layer":  # the report examines models of the input rows (sd.report refuses concept rules)
            raise CLIError(f"{flag}: concept rules (layer=) read a hidden layer, not the rows a report examines; "
                           "distil them with symdistill distill --form rules --option layer=...")
        if form is not None and form not in forms:
            raise CLIError(f"{flag}: {form!r} is not among the forms fitted ({', '.join(forms)})")
        takers = [f for f in forms if name in takes[f]]
        owners = sorted({m for (f, m), cls in registered_learners().items()
                         if f in forms and m != method and name in _options_of(cls)})
        if not takers and owners:  # layers= without --method decompositional
            raise CLIError(f"{flag}: an option of --method {owners[0]}, not of --method {method}")
        if form is None and takers and len(takers) < len(forms):
            raise CLIError(f"{flag}: an option of form {' and '.join(takers)} only, not of "
                           f"{' or '.join(f for f in forms if f not in takers)}; write --option {takers[0]}.{name}=...")
        (form_options.setdefault(form, {}) if form else options)[name] = value
    return form_options


def _sizes(text: str) -> list[int]:
    try:
        return [int(s) for s in _split_list(text, "--sizes") or []]
    except ValueError:
        raise CLIError(f"--sizes must be comma-separated whole numbers, got {text!r}") from None


def _check_constraints(texts: list[str], names: list[str]) -> None:
    """Syntax and feature names of every --constraint, before any model is fitted."""
    import dataclasses
    import difflib

    from ..verify.formula import arithmetic_message, arithmetic_naming_a_feature, backticks_message, unquoted_name
    from ..verify.language import ConstraintError, Name, parse

    for text in texts:
        bare = unquoted_name(text, names)  # `capital-gain` written bare reads as capital - gain
        written_bare = CLIError(f"--constraint {text!r}: {backticks_message(bare[1])}") if bare else None
        try:
            stack: list[Any] = [parse(text)]
        except ConstraintError:
            if written_bare is None:
                raise
            raise written_bare from None
        while stack:
            node = stack.pop()
            if isinstance(node, Name) and node.name not in names:
                if written_bare is not None:
                    raise written_bare
                close = difflib.get_close_matches(node.name, names, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise CLIError(f"--constraint {text!r}: unknown feature {node.name!r}{hint}")
            if dataclasses.is_dataclass(node):
                for f in dataclasses.fields(node):
                    value = getattr(node, f.name)
                    stack.extend(value if isinstance(value, (tuple, list)) else [value])
        spelled = arithmetic_naming_a_feature(text, names)  # x-1 beside features x and `x-1`
        if spelled is not None:
            raise CLIError(f"--constraint {text!r}: {arithmetic_message(spelled[1], spelled[2])}")


def _columns(path: str) -> list[str]:
    """The columns of a table file, read from its header (and first row), not from every row."""
    return [str(c) for c in read_table(path, warn=False, rows=1).columns]


def _like_data(hold: Any, df: Any) -> Any:
    """The --holdout rows ``hold`` with the columns of the --data rows ``df``, in their order (a teacher
    that reads rows by position takes them so); other columns are refused, naming both files' columns."""
    if list(hold.columns) == list(df.columns):
        return hold
    if sorted(map(str, hold.columns)) != sorted(map(str, df.columns)):
        extra = [str(c) for c in hold.columns if str(c) not in set(map(str, df.columns))]
        if extra and len(hold.columns) - len(extra) == len(df.columns):  # a label column the holdout keeps
            raise CLIError(f"--holdout has {'a column' if len(extra) == 1 else 'columns'} --data lacks: "
                           f"{', '.join(map(repr, extra))} (a label column? --drop {flag_list(extra)})")
        raise CLIError(f"--holdout columns {list(hold.columns)} differ from --data columns {list(df.columns)}")
    return hold[list(df.columns)]


def _no_verdicts(results: list[Any]) -> None:
    """Print each --constraint the report lists as no verdict (z3 out of --timeout, a tie within rounding) to
    stderr: the report is written and exits 0, and the terminal would not show which constraint is undecided.
    Out of time, the library's hint names its keyword, timeout=; this names --timeout."""
    from ..verify.cli import timeout_message

    for r in results:
        if not (isinstance(r, dict) and r["holds"] is None):
            continue
        why = timeout_message(f"--constraint {r['constraint']}", r["timeout"]) if r.get("timeout") is not None else \
            f"--constraint {r['constraint']}: {r['note'].removeprefix('no verdict: ')}"
        print(f"symdistill report: no verdict: {why}", file=sys.stderr)


def _verdicts(results: list[Any]) -> None:
    """Print the verdict of each --constraint z3 decided on the chosen model, as the report's table has it: the
    terminal said only which constraints had no verdict, so a violated one went unseen until the report was
    opened."""
    from .build import _verdict_row

    for r in results:
        if isinstance(r, dict) and r["holds"] is None:
            continue  # _no_verdicts said so on stderr
        constraint, verdict, cx, _ = _verdict_row(r)
        print(f"--constraint {constraint}: {verdict}" + (f" (counterexample: {cx})" if cx else ""))


def run_report(args: argparse.Namespace) -> int:
    from ..frontier import check_options, frontier
    from ._mpl import require_matplotlib
    from .build import check_report_path, report

    if Path(args.output).suffix.lower() not in (".html", ".htm"):
        raise CLIError(f"-o must name an .html file, got {args.output!r}")
    check_report_path(args.output)  # before the frontier is fitted; the report makes missing folders
    if args.holdout and args.holdout_fraction is not None:
        raise CLIError(f"--holdout-fraction {args.holdout_fraction:g} holds out part of --data, but --holdout gives the "
                       "held-out rows: give one of them")
    require_matplotlib()  # ... as is the figures' library
    if args.min_fidelity is not None and not (math.isfinite(args.min_fidelity) and args.min_fidelity <= 1):
        raise CLIError(f"--min-fidelity must be a number at most 1, got {args.min_fidelity!r}")
    if args.conservative and args.min_fidelity is None:  # the knee would be chosen, the flag unused
        raise CLIError("--conservative applies --min-fidelity to the lower end of each model's 95% interval: "
                       "give --min-fidelity too")
    teacher_options(args)  # checked before anything is read
    forms, sizes = _split_list(args.forms, "--forms"), _sizes(args.sizes)
    drop = column_list(args.drop, "--drop") or []
    hold_columns = _columns(args.holdout) if args.holdout else []
    # A column to drop may be in only one of the files (a label column the holdout alone has).
    only_in_holdout = set(c for c in drop if c in hold_columns) - set(_columns(args.data)) if hold_columns else set()
    as_array, text = teacher_format(args.teacher, args.as_array)
    codes = declared_codes(args, as_array)
    data_drop, hold_drop = [c for c in drop if c not in only_in_holdout], [c for c in drop if c in hold_columns]
    dropna = args.drop_missing  # each file read again drops the same rows (quietly)
    df = read_table(args.data, data_drop, text, codes=codes, na=na_values(args), drop_missing=dropna)
    X = _teacher_input(df, as_array, args.data)
    told = warn_words_in_numbers(df, args.data, text + codes, column_list(args.categorical, "--categorical") or [])
    X_hold = None
    if args.holdout:
        hold = _like_data(read_table(args.holdout, hold_drop, text, codes=codes, na=na_values(args),
                                     drop_missing=dropna), df)
        # a --categorical column zero-padded (01) in one file only is read as written in both
        padded = [c for c in codes if c in df.columns and (df[c].dtype.kind in "iuf") != (hold[c].dtype.kind in "iuf")]
        if padded:
            text = text + padded
            X = df = read_table(args.data, data_drop, text, False, codes, na_values(args), drop_missing=dropna)
            hold = _like_data(read_table(args.holdout, hold_drop, text, False, codes, na_values(args),
                                         drop_missing=dropna), df)
        X_hold = _teacher_input(hold, as_array, args.holdout)
    _check_constraints(args.constraint or [], [str(c) for c in df.columns])
    options = _data_options(args, df, as_array)
    if args.n_samples is not None:
        options["n_samples"] = args.n_samples
    # Checked before the teacher is loaded: a misspelt option costs no load.
    method = args.method or "pedagogical"
    forms = check_options(forms, sizes, method, args.random_state, {}, options)[0]
    form_options = _learner_options(args.option, forms, options, method)
    check_options(forms, sizes, method, args.random_state, form_options, options)
    teacher = load_teacher_object(args.teacher)
    check_spaced_fit(teacher, df, args.data)
    check_input_columns(teacher, df, args.data, args.teacher, data_drop)
    again = read_again(teacher, df, as_array, text, codes)
    if again is not None:
        X = read_table(args.data, data_drop, again[0], False, again[1], na_values(args), drop_missing=dropna)
        if args.holdout:
            X_hold = _like_data(read_table(args.holdout, hold_drop, again[0], False, again[1], na_values(args),
                                           drop_missing=dropna), df)
    teacher = declare(teacher, args)
    try:
        # The classes a --constraint names are checked once the teacher's are known (from its answers to
        # the training and held-out rows), after the frontier's checks of the rows and before its first fit.
        with words_named(told):
            front = frontier(teacher, X, forms=forms, sizes=sizes, X_holdout=X_hold,
                             holdout_fraction=args.holdout_fraction,
                             method=method, random_state=args.random_state,
                             progress=False if args.no_progress else None, form_options=form_options,
                             max_train_rows=args.max_train_rows, constraints=args.constraint or None, **options)
    except DataError as exc:  # the rows of --holdout, or the split of --data, as the command names them
        text = str(exc)
        if text.startswith("X_holdout"):
            raise CLIError(f"--holdout {args.holdout}{file_rows(text[len('X_holdout'):], args.holdout)}") from None
        if text.startswith("holdout_fraction="):
            raise CLIError("--holdout-fraction " + text[len("holdout_fraction="):].replace(
                "holdout_fraction", "--holdout-fraction").replace("X_holdout", "--holdout")) from None
        raise
    except ConstraintError as exc:
        raise CLIError(f"--constraint {exc.text!r}: {exc.__cause__}") from None
    print(front.table())
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rep = report(front, path=args.output, min_fidelity=args.min_fidelity, conservative=args.conservative,
                     constraints=args.constraint or None, shifts=args.shift or DEFAULT_SHIFTS, title=args.title,
                     random_state=args.random_state,
                     progress=False if args.no_progress else None, timeout=args.timeout)
    reported = time.perf_counter() - started
    for w in caught:  # the report's own notes are printed below, once
        if str(w.message) not in rep.warnings:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    for note in rep.warnings:
        print(f"symdistill report: warning: {note}", file=sys.stderr)  # as main prints a warning
    _no_verdicts(rep.verification)
    c = rep.chosen
    print(f"\nchosen: {c.form} size {c.size}, {c.score}")
    _verdicts(rep.verification)
    # The frontier's fits and the report's figures, scores and checks both (the time gave the frontier's only).
    print(f"wrote {rep.path} and {rep.markdown_path} in {front.seconds + reported:.1f} s (frontier "
          f"{front.seconds:.1f} s, report {reported:.1f} s; {front.teacher.n_queries} teacher queries"
          + (f"; models distilled from {len(front.X_train)} of the {front.n_training_rows} training rows, "
             f"--max-train-rows" if front.sampled else "") + ")", file=sys.stderr)
    return 0
