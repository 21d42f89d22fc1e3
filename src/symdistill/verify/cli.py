"""The ``symdistill verify`` subcommand: exit 0 when every constraint holds, 1 when one fails, 2 on bad input
or when no verdict can be given (a ``RoundingAmbiguity``, or z3 out of ``--timeout``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .._errors import counted
from ..domain import _plain
from . import properties as P
from .api import BACKENDS, NotCovered, verify
from .language import ConstraintError
from .result import NoVerdict, VerificationTimeout


def add_verify(sub: Any) -> None:
    from ..cli import _positive_seconds, add_classes, dash_values

    p = sub.add_parser("verify", help="check constraints on a saved model (exit 1 when one fails)",
                       description="Decide constraints exactly on a saved model. Exit status: 0 all hold, "
                                   "1 some constraint fails, 2 bad input or no verdict (within rounding of a tie, "
                                   "or z3 out of --timeout).")
    p.add_argument("model", help="model JSON file")
    p.add_argument("-c", "--constraint", action="append", default=[],
                   help="constraint text, e.g. \"age < 18 -> prediction != 'approve'\" (repeatable)")
    p.add_argument("--constraint-file", action="append", default=[], metavar="FILE",
                   help="constraints, one a line, as -c takes them (blank lines and lines starting with '#' are "
                        "skipped; repeatable)")
    p.add_argument("--monotonic", action="append", default=[], metavar="FEATURE[:decreasing]",
                   help="the output is monotonic in FEATURE (increasing unless ':decreasing'; repeatable; a "
                        "feature whose name holds ':' is named as it is, or followed by ':increasing'; or a JSON list: "
                        "'[\"x\", \"decreasing\"]')")
    p.add_argument("--target", help="class whose indicator --monotonic checks (needed for multi-class models), "
                                    "written as the class prints: 2 names the class 2, yes the class 'yes'")
    p.add_argument("--invariant", action="append", default=[], metavar="F1,F2",
                   help="changing only these features never changes the prediction (repeatable; one feature "
                        "whose name holds ',' is named as it is, several as a JSON list: '[\"a,b\", \"c\"]')")
    p.add_argument("--output-range", nargs=2, type=_bound, metavar=("LOW", "HIGH"), action="append", default=[],
                   help="a regressor's output stays within [LOW, HIGH] (repeatable; inf or -inf: no bound)")
    dash_values(p)  # "--output-range -1e-06 1e-06", "-c -x0<=0", "--never-accepts --.*"
    p.add_argument("--equivalent", metavar="MODEL2", help="another model JSON that must agree everywhere")
    p.add_argument("--never-accepts", action="append", default=[], metavar="REGEX", help="automata (repeatable)")
    p.add_argument("--always-accepts", action="append", default=[], metavar="REGEX", help="automata (repeatable)")
    p.add_argument("--included-in", action="append", default=[], metavar="REGEX",
                   help="automata: every accepted word matches REGEX (repeatable)")
    p.add_argument("--never-outputs", nargs=2, action="append", default=[], metavar=("LABEL", "REGEX"),
                   help="Moore machines: no word matching REGEX gets LABEL (repeatable)")
    p.add_argument("--always-outputs", nargs=2, action="append", default=[], metavar=("LABEL", "REGEX"),
                   help="Moore machines: every word matching REGEX gets LABEL (repeatable)")
    p.add_argument("--backend", choices=BACKENDS, default="auto",
                   help="direct: the exact checkers; z3: an SMT encoding; auto (default): direct, and z3 for what "
                        "the direct checkers do not cover")
    p.add_argument("--timeout", type=_positive_seconds, default=None, metavar="SECONDS",
                   help="most seconds z3 may take on each constraint, all its checks together (default: no limit); "
                        "out of time, no verdict: exit 2")
    p.add_argument("--teacher", help="also check counterexamples on this teacher (.onnx, .pt, .joblib or .pkl, a saved model .json, module:attribute)")
    add_classes(p)


def _bound(text: str) -> float:
    """argparse type of an ``--output-range`` bound: a number, or inf / -inf written so (a number too
    large for a float, 1e400, is refused as a constraint's ``prediction <= 1e400`` is, not read as
    infinity)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if abs(value) == float("inf") and text.strip().lstrip("+-").lower() not in ("inf", "infinity"):
        raise argparse.ArgumentTypeError(f"{text} is too large: it is not a finite float (inf or -inf for no bound)")
    return value


def timeout_message(constraint: str, seconds: float, backend: str = "auto") -> str:
    """A ``VerificationTimeout`` of ``constraint`` (as the command names it) as a command line says it, naming
    ``--timeout`` where the library's hint names its keyword, ``timeout=`` (``symdistill verify``'s error,
    ``symdistill report``'s warning)."""
    return (f"{constraint}: z3 did not decide it within --timeout {seconds:g} s; give a larger --timeout "
            f"(none: no limit), or verify a smaller model"
            f"{' (--backend auto tries the direct checkers first)' * (backend == 'z3')}")


TABULAR_FLAGS = "-c/--constraint, --constraint-file, --monotonic, --invariant, --output-range or --equivalent"
AUTOMATA_FLAGS = "--never-accepts, --always-accepts, --included-in or --equivalent"
MOORE_FLAGS = "--never-outputs, --always-outputs or --equivalent"
_DFA_PROPS = (P.NeverAccepts, P.AlwaysAccepts, P.IncludedIn)
_MOORE_PROPS = (P.NeverOutputs, P.AlwaysOutputs)


def run_verify(args: argparse.Namespace) -> int:
    from ..cli import (CLIError, declare, load_model, load_teacher_object, named_label, refuse_classes_of_a_regressor,
                       teacher_options)
    from ..models.base import concept_layer

    if args.classes is not None and not args.teacher:
        raise CLIError(f"--classes {args.classes} names the classes of --teacher; give --teacher too")
    if args.batch_size is not None and not args.teacher:
        raise CLIError(f"--batch-size {args.batch_size} is the batch of --teacher; give --teacher too")
    teacher_options(args)  # checked before anything is read
    model = load_model(args.model)
    refuse_classes_of_a_regressor(args, model)
    props: list[tuple[str, Any]] = [("-c/--constraint", P.Formula(c)) for c in args.constraint]
    props += [(where, P.Formula(text)) for path in args.constraint_file for where, text in _constraint_lines(path)]
    names = model.domain.feature_names if hasattr(model, "domain") else []
    target = _target(model, args)
    props += [("--monotonic", P.monotonic(*_monotonic_spec(spec, names), target=target))
              for spec in args.monotonic]
    props += [("--invariant", P.invariant(*_invariant_spec(spec, names))) for spec in args.invariant]
    props += [("--output-range", P.output_range(*bounds)) for bounds in args.output_range]
    if args.equivalent:
        if args.teacher:  # refused before any verdict, whatever the verdict would be
            raise CLIError(f"--teacher checks counterexamples to one model's constraints on the teacher; --equivalent "
                           f"{args.equivalent} compares two models, which has none to check: give --equivalent "
                           "without --teacher (in a command of its own)")
        other = load_model(args.equivalent)
        kinds = [getattr(m, "kind", None) for m in (model, other)]
        automata = [k in ("dfa", "moore") for k in kinds]
        if automata[0] != automata[1] or automata[0] and kinds[0] != kinds[1]:
            raise CLIError(f"--equivalent: {args.model} is a {kinds[0]} model and {args.equivalent} a {kinds[1]} "
                           "model; equivalence compares an automaton with one of its kind, or two tabular models")
        props.append(("--equivalent", P.equivalent(other)))
    props += [("--never-accepts", P.never_accepts(r)) for r in args.never_accepts]
    props += [("--always-accepts", P.always_accepts(r)) for r in args.always_accepts]
    props += [("--included-in", P.included_in(r)) for r in args.included_in]
    moore = model._labels() if getattr(model, "kind", None) == "moore" else []
    props += [("--never-outputs", P.never_outputs(named_label(moore, label), r)) for label, r in args.never_outputs]
    props += [("--always-outputs", P.always_outputs(named_label(moore, label), r)) for label, r in args.always_outputs]
    if not props:
        raise CLIError("nothing to verify: give --constraint, --constraint-file, --monotonic, --invariant, "
                       "--output-range, --equivalent, --never-accepts, --always-accepts, --included-in, --never-outputs "
                       "or --always-outputs")
    # refuse a flag of the wrong kind before any verdict is printed, naming the flags (the Python
    # API's message names sd.never_accepts and the like)
    kind = getattr(model, "kind", None)
    for flag, prop in props:
        if isinstance(prop, P.Equivalent):
            continue
        applies = "Moore machines" if isinstance(prop, _MOORE_PROPS) else \
            "automata" if isinstance(prop, _DFA_PROPS) else "tabular models"
        if kind == "dfa" and not isinstance(prop, _DFA_PROPS):
            raise CLIError(f"{flag} applies to {applies}, and {args.model} is an automaton (a DFA); "
                           f"for DFAs give {AUTOMATA_FLAGS}")
        if kind == "moore" and not isinstance(prop, _MOORE_PROPS):
            raise CLIError(f"{flag} applies to {'DFAs' if applies == 'automata' else applies}, and {args.model} is "
                           f"an automaton (a Moore machine); for Moore machines give {MOORE_FLAGS}")
        if kind not in ("dfa", "moore") and isinstance(prop, _DFA_PROPS + _MOORE_PROPS):
            raise CLIError(f"{flag} applies to {applies}, and {args.model} is a {kind} model; "
                           f"for tabular models give {TABULAR_FLAGS}")
    layer = concept_layer(model)
    if args.teacher and layer is not None:  # said before the teacher is loaded, naming the flag
        raise CLIError(f"--teacher checks put a counterexample to the network, but {args.model} holds concept "
                       f"rules: their rows are activations of hidden layer {layer!r}, not the network's inputs; "
                       "verify them without --teacher")
    teacher = declare(load_teacher_object(args.teacher), args) if args.teacher else None
    # every verdict before any is printed: a bad constraint further on exits 2 with nothing on stdout
    verdicts = []
    for flag, prop in props:
        try:
            verdicts.append(verify(model, prop, backend=args.backend, teacher=teacher, timeout=args.timeout))
        except VerificationTimeout as exc:  # the library's hint names its keyword, timeout=
            raise CLIError("no verdict: " + timeout_message(f"{flag} {exc.constraint}", args.timeout, args.backend)
                           ) from None
        except NoVerdict as exc:  # no verdict, so neither exit 0 nor 1 (a violation) fits
            raise CLIError(f"no verdict: {exc}") from None
        except NotCovered as exc:  # the library's hint names its keyword, backend='z3'
            raise CLIError(f"{flag}: --backend direct does not cover this: {exc.reason}; use --backend z3 or "
                           "auto") from None
        except ConstraintError as exc:
            if flag.startswith("--constraint-file"):  # which file and line holds the text the caret points into
                if exc.position is not None and exc.text[exc.position:exc.position + 1] == "#":
                    exc = type(exc)(f"{exc.message}; a comment takes a line of its own, starting with '#'", exc.text,
                                    exc.position)
                raise CLIError(f"{flag}: {exc}") from None
            raise
    failed = sum(not v.holds for v in verdicts)
    for verdict in verdicts:
        print(verdict)
    print(f"\n{len(props) - failed} of {counted(len(props), 'constraint')} hold{'s' * (len(props) == 1)}")
    return 1 if failed else 0


def _constraint_lines(path: str) -> list[tuple[str, str]]:
    """``--constraint-file``'s constraints, each with where it was read (``--constraint-file c.txt
    (line 3)``): one a line, blank lines and lines starting with ``#`` skipped; a file holding none is
    refused rather than verified as nothing."""
    from .._encoding import utf16_text
    from ..cli import CLIError

    where = f"--constraint-file {path}"
    if not Path(path).is_file():
        raise CLIError(f"{where}: file not found" if not Path(path).exists() else f"{where}: not a file")
    data = Path(path).read_bytes()
    utf16 = utf16_text(data, where)  # read as UTF-8 without a byte-order mark: constraints of NUL characters
    if utf16:
        raise CLIError(utf16)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CLIError(f"{where} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    if text.lstrip()[:1] in ("{", "["):  # no constraint starts so; a JSON file read a line at a time failed at a ':'
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            raise CLIError(f"{where} holds JSON; it takes constraint text, one a line, as -c takes it (age < 18 -> "
                           "prediction != 'approve'), with blank lines and lines starting with '#' skipped")
    lines = [(f"{where} (line {i})", line.strip()) for i, line in enumerate(text.split("\n"), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise CLIError(f"{where} holds no constraint; write one a line (blank lines and lines starting "
                       "with '#' are skipped)")
    return lines


def _monotonic_spec(spec: str, names: list[str]) -> tuple[str, str]:
    """``--monotonic``'s feature and direction: a feature's whole name (``time:s``) is that feature,
    increasing; else the text after the last ``:`` is the direction when the text before it is a
    feature or the text after it is a direction (``time:s:decreasing``). Splitting at the first ``:``
    made a feature whose name holds one impossible to name. Text starting with ``[`` is a JSON list,
    ``["x", "decreasing"]``: the feature, then the direction if any. A feature followed by another
    direction (``age:down``), and text that is a feature's whole name and also another feature and a
    direction (``x:decreasing`` with features ``x`` and ``x:decreasing``), are refused, naming the flag."""
    from ..cli import CLIError, parse_symbols

    if spec.startswith("["):
        parts = parse_symbols(spec, "--monotonic", item="string")
        if not 1 <= len(parts) <= 2 or (len(parts) == 2 and parts[1] not in P.DIRECTIONS):
            raise CLIError(f"--monotonic {spec!r}: a JSON list names the feature, then the direction if any "
                           f"({' or '.join(P.DIRECTIONS)}): [\"x\"] or [\"x\", \"decreasing\"]")
        return parts[0], parts[1] if len(parts) == 2 else "increasing"
    feature, colon, direction = spec.rpartition(":")
    if spec in names:
        if colon and feature in names and direction in P.DIRECTIONS:
            raise CLIError(f"--monotonic {spec!r} names the feature {spec!r} and also the feature {feature!r} "
                           f"with the direction {direction!r}: write {spec + ':increasing'!r} for the first, "
                           f"{json.dumps([feature, direction])!r} for the second")
        return spec, "increasing"
    if colon and feature in names and direction not in P.DIRECTIONS:
        raise CLIError(f"--monotonic {spec!r}: the direction after ':' is {direction!r}; expected "
                       f"{' or '.join(P.DIRECTIONS)} (FEATURE alone is increasing)")
    if colon and (feature in names or direction in P.DIRECTIONS):
        return feature, direction
    return spec, "increasing"


def _invariant_spec(spec: str, names: list[str]) -> list[str]:
    """``--invariant``'s features: a feature's whole name (``a,b``) is that feature; text starting with
    ``[`` a JSON list of names (``["a,b", " c"]``, for names that hold commas or spaces at their ends);
    else names separated by commas."""
    from ..cli import _split_list, parse_symbols

    if spec in names:
        return [spec]
    if spec.startswith("["):
        return parse_symbols(spec, "--invariant", item="feature name")
    return _split_list(spec, "--invariant") or []


def _target(model: Any, args: argparse.Namespace) -> Any:
    """``--target``'s class, named as ``named_label`` reads it (``--target 1`` names the class 1 of a model
    whose classes are 0, 1, 2: as text it was an 'unknown target class'); a ``--target`` without
    ``--monotonic``, which nothing read, is refused, and so is a multi-class model's ``--monotonic``
    without one (the library's error named its own ``target=``)."""
    from ..cli import CLIError, named_label

    if args.target is not None and not args.monotonic:
        raise CLIError(f"--target {args.target!r} names the class that --monotonic checks; give --monotonic "
                       "FEATURE too")
    classes = [_plain(c) for c in model.classes] \
        if getattr(model, "task", None) == "classification" else []
    if args.target is None:
        if args.monotonic and len(classes) > 2:
            raise CLIError(f"--monotonic on a multi-class model needs --target CLASS, the class whose "
                           f"prediction it checks; the model's classes: {', '.join(map(repr, classes))}")
        return None
    return named_label(classes, args.target)
