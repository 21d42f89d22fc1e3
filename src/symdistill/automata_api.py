"""Entry point for automata: ``distill_automaton`` and ``as_sequence_teacher``."""

from __future__ import annotations

import inspect
from typing import Any, Literal, overload

from .learners.automata import AutomatonLearner
from .models.automata import DFA, MooreMachine
from .teachers.sequence import (SequenceTeacher, as_sequence_teacher, check_teacher_options,
                                warn_probability_read_as_logit)

__all__ = ["distill_automaton", "as_sequence_teacher", "DFA", "MooreMachine", "SequenceTeacher"]


@overload
def distill_automaton(seq_model: Any, alphabet: Any = ..., *, max_states: int = ..., oracle: str = ...,
                      strategy: str = ..., epsilon: float = ..., delta: float = ..., max_length: int = ...,
                      time_budget: float | None = ..., output: Literal["dfa"], n_validation: int = ...,
                      lstar_states: int = ..., walks_per_transition: int = ..., max_refinements: int = ...,
                      random_state: int | None = ..., progress: bool | None = ...,
                      **teacher_options: Any) -> DFA: ...
@overload
def distill_automaton(seq_model: Any, alphabet: Any = ..., *, max_states: int = ..., oracle: str = ...,
                      strategy: str = ..., epsilon: float = ..., delta: float = ..., max_length: int = ...,
                      time_budget: float | None = ..., output: Literal["moore"], n_validation: int = ...,
                      lstar_states: int = ..., walks_per_transition: int = ..., max_refinements: int = ...,
                      random_state: int | None = ..., progress: bool | None = ...,
                      **teacher_options: Any) -> MooreMachine: ...
@overload
def distill_automaton(seq_model: Any, alphabet: Any = ..., *, max_states: int = ..., oracle: str = ...,
                      strategy: str = ..., epsilon: float = ..., delta: float = ..., max_length: int = ...,
                      time_budget: float | None = ..., output: str = ..., n_validation: int = ...,
                      lstar_states: int = ..., walks_per_transition: int = ..., max_refinements: int = ...,
                      random_state: int | None = ..., progress: bool | None = ...,
                      **teacher_options: Any) -> DFA | MooreMachine: ...


def distill_automaton(seq_model: Any, alphabet: Any = None, *, max_states: int = 50, oracle: str = "auto",
                      strategy: str = "auto", epsilon: float = 0.001, delta: float = 0.05, max_length: int = 30,
                      time_budget: float | None = None, output: str = "auto", n_validation: int = 10000,
                      lstar_states: int = 64, walks_per_transition: int = 4, max_refinements: int = 200,
                      random_state: int | None = None, progress: bool | None = None,
                      **teacher_options: Any) -> DFA | MooreMachine:
    """Extract a finite-state automaton from a sequence classifier by active learning (L*).

    Parameters
    ----------
    seq_model : callable, torch.nn.Module, SequenceTeacher or automaton
        ``f(words) -> one label per word``; a recurrent torch module (embedding / rnn / head
        attributes, or initial_state / step / readout methods, see
        :mod:`symdistill.teachers.sequence`); or a teacher made by :func:`as_sequence_teacher`.
    alphabet : sequence of str
        The input symbols (taken from ``seq_model`` when it is a teacher or an automaton).
    max_states : int
        Largest automaton returned; beyond it, the best hypothesis so far is returned with a warning.
    oracle : {"auto", "statistical", "whitebox", "both"}
        Equivalence oracle of L*; "auto" uses the white-box one too when hidden states can be read.
    strategy : {"auto", "lstar", "hidden"}
        "auto": L*, and when hidden states can be read and L* has not converged within ``lstar_states``
        states (an imperfect network: the approximate case), hidden-state refinement up to ``max_states``,
        far faster per state than L* (see :class:`~symdistill.learners.automata.AutomatonLearner`).
        Give a large ``max_states`` and a ``time_budget`` for a faithful automaton of an imperfect
        network. "lstar": L* only. "hidden": hidden-state refinement only.
    epsilon, delta : float
        The statistical oracle's guarantee: with probability >= 1 - delta, disagreement <= epsilon
        on random words with length uniform in 0..``max_length``.
    max_length : int
    time_budget : float or None
        Seconds, for the whole fit; when spent, the best hypothesis so far is returned with a warning.
    output : {"auto", "dfa", "moore"}
        "auto": a DFA for boolean (or 0/1) labels, a Moore machine otherwise. (A torch module's
        own ``output="probability"`` is a teacher option of the same name: pass
        ``sd.as_sequence_teacher(module, alphabet, output="probability")`` here.)
    n_validation : int
        Held-out random words (same length distribution) on which, when a budget stops learning,
        the hypotheses are compared; about ``10 / epsilon`` tells apart agreements ``epsilon`` apart.
        Under a ``time_budget`` they are asked within it: a teacher too slow to answer them all in
        the time learning keeps back for them (at most half the budget, at least that of 100) is
        asked as many as fit, at least 100 (``meta["validation_words"]``).
    lstar_states, walks_per_transition, max_refinements : int
        :class:`~symdistill.learners.automata.AutomatonLearner`'s: the most states L* may use before
        ``strategy="auto"`` turns to hidden-state refinement, the coverage walks per (state, symbol) of each
        statistical equivalence query, and the most partition splits of the white-box oracle.
    random_state : int or None
        Seed of the random words (a whole number >= 0): same seed, same automaton unless a
        ``time_budget`` stops learning. None (the default) draws fresh entropy.
    progress : bool or None
    **teacher_options
        Passed to :func:`as_sequence_teacher` (``batch_size``, ``token_ids``, ``per_word``, ...).

    Returns
    -------
    DFA or MooreMachine
        Minimal, complete, canonically numbered. ``meta`` records the oracle, the number of
        equivalence queries (``rounds``), of membership queries (``n_queries``: words the teacher
        answered) and of words its cache answered (``cache_hits``), and why learning stopped (None
        when the oracles found no counterexample; else "max_states", "time_budget" or "max_length", the last where the
        statistical oracle's next sample of random words would not fit in memory, with the agreement
        of the returned best hypothesis with the teacher on held-out random words).

    Examples
    --------
    >>> import symdistill as sd
    >>> dfa = sd.distill_automaton(lambda ws: ["000" not in w for w in ws], alphabet=["0", "1"], random_state=0)
    >>> dfa.size, dfa.accepts("0110"), dfa.predict(["", "01", "1000"]).tolist()
    (4, True, [True, True, False])
    >>> sd.load(dfa.to_json()) == dfa
    True
    """
    if isinstance(seq_model, SequenceTeacher) and teacher_options:
        raise ValueError("teacher options were given, but seq_model is already a SequenceTeacher")
    if output in ("logit", "probability"):  # the torch teacher's option of the same name, not the automaton kind
        raise ValueError(f"output={output!r} is how a torch teacher reads its output column, but distill_automaton's "
                         f"output= is the automaton kind ('auto', 'dfa' or 'moore'); wrap the module first: "
                         f"sd.distill_automaton(sd.as_sequence_teacher(module, alphabet, output={output!r}), ...)")
    if not isinstance(seq_model, SequenceTeacher):
        own = [n for n in inspect.signature(distill_automaton).parameters if n not in ("seq_model", "alphabet",
                                                                                       "teacher_options")]
        check_teacher_options(seq_model, teacher_options, "distill_automaton", own)
    teacher = as_sequence_teacher(seq_model, alphabet, **teacher_options)
    learner = AutomatonLearner(max_states=max_states, oracle=oracle, strategy=strategy, epsilon=epsilon, delta=delta,
                               max_length=max_length, time_budget=time_budget, output=output,
                               n_validation=n_validation, lstar_states=lstar_states,
                               walks_per_transition=walks_per_transition, max_refinements=max_refinements,
                               random_state=random_state, progress=progress)
    model = learner.fit(teacher).model_
    warn_probability_read_as_logit(teacher)
    return model
