"""A demanding user's audit of rule sets (``form="rules"``): end to end, in Python and on the command line,
on cases the rule tests leave out. Each test failed before the fix it names."""

from __future__ import annotations

import re

import numpy as np
import pytest

from symdistill.domain import Domain, Feature
from symdistill.models import Condition, Rule, RuleSet

DOMAIN = Domain((Feature("a", "numeric", 0.0, 10.0), Feature("b", "numeric", 0.0, 10.0)))


@pytest.mark.parametrize("n_rules, title", [(1, "1 rule + default, 1 literal"),
                                            (2, "2 rules + default, 2 literals"),
                                            (0, "0 rules + default, 0 literals")])
def test_the_drawn_rule_tables_title_counts_one_rule_and_one_literal_in_the_singular(n_rules, title) -> None:
    """The report's rule table was titled 'rule set (decision list): 1 rules + default, 1 literals' for a
    list of one rule of one literal, where the printout's header says '1 rule, 1 literal' and the tree
    diagram's title '1 leaf'."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from symdistill.report.drawing import draw_rules

    rules = [Rule((Condition(k, ">", 5.0),), 1) for k in range(n_rules)]
    fig = draw_rules(RuleSet(DOMAIN, "classification", np.array(["no", "yes"]), rules, Rule((), 0)))
    try:
        assert fig.axes[0].get_title() == f"rule set (decision list): {title}"
    finally:
        plt.close(fig)


@pytest.mark.parametrize("point, says, not_said", [
    ({"a": 3.0}, "missing ['b']", "unknown"),
    ({"a": 3.0, "b": 1.0, "c": 2.0}, "unknown ['c']", "missing"),
    ({"a": 3.0, "b ": 1.0}, "('b ' is 'b' with spaces around it: strip the column names)", None),
])
def test_a_robustness_point_that_misses_or_adds_features_names_only_those(point, says, not_said) -> None:
    """``sd.robust`` of a dict point that left out a feature of a rule set said "missing ['b'], unknown []",
    an empty list of nothing wrong (and "missing [], unknown ['c']" the other way); a name with a space
    beside it got no word of it, where a DataFrame's column so named does. The point's names are now
    compared as the rows' columns are: each part only where it names a feature, and the padded name said."""
    import symdistill as sd

    rules = RuleSet(DOMAIN, "classification", np.array(["no", "yes"]), [Rule((Condition(0, ">", 5.0),), 1)],
                    Rule((), 0))
    with pytest.raises(ValueError, match="robust: the point must give every feature") as info:
        sd.verify(rules, sd.robust(point, 0.5))
    assert says in str(info.value)
    if not_said:
        assert not_said not in str(info.value)


@pytest.mark.parametrize("make, message", [
    (lambda: Rule(Condition(0, ">", 5.0), 1), "rule conditions must be a sequence of Condition objects, got one "
                                              "Condition: pass (Condition(feature=0, op='>', value=5.0),)"),
    (lambda: Rule(None, 1), "rule conditions must be a sequence of Condition objects, got None (a rule that "
                            "always holds has none: pass ())"),
    (lambda: RuleSet(DOMAIN, "classification", ["no", "yes"], Rule((Condition(0, ">", 5.0),), 1), Rule((), 0)),
     "rules must be a sequence of Rule objects in decision-list order, got one Rule: pass it in a list, [rule]"),
    (lambda: RuleSet(DOMAIN, "classification", ["no", "yes"], None, Rule((), 0)),
     "rules must be a sequence of Rule objects in decision-list order, got None (the default alone: pass [])"),
])
def test_a_rule_or_rule_set_built_from_one_literal_or_rule_says_to_pass_a_sequence(make, message) -> None:
    """Building rules by hand (README: literals are data), a rule given one Condition where a tuple of them
    goes, or a rule set given one Rule (or None) where a list goes, failed inside with Python's
    "'Condition' object is not iterable" ("'Rule' object", "'NoneType' object"), naming neither the
    argument nor what to pass. Each is now a TypeError naming the argument and the fix."""
    with pytest.raises(TypeError, match=re.escape(message)):
        make()


def test_a_rules_literals_tested_on_rows_of_labels_say_they_take_encoded_rows() -> None:
    """``rule.evaluate(X)`` / ``condition.evaluate(X)`` on the user's rows (a DataFrame holding a category's
    text) failed in NumPy with "could not convert string to float: 'red'", one row (1-D) with "too many
    indices for array", and rows narrower than the feature tested with "index 2 is out of bounds": none
    said that these take encoded rows, nor how to make them. Each is now a DataError saying so."""
    import pandas as pd

    from symdistill import DataError

    dom = Domain((Feature("a", "numeric", 0.0, 10.0), Feature("s", "categorical", 0.0, 1.0, ("blue", "red"))))
    rule = Rule((Condition(0, ">", 5.0), Condition(1, "in", [1])), 1)
    rows = pd.DataFrame({"a": [6.0, 7.0], "s": ["red", "blue"]})
    with pytest.raises(DataError, match=re.escape("Rule.evaluate takes encoded rows (numbers, categories as their "
                                                  "codes): cannot read DataFrame as floats; pass "
                                                  "model.domain.encode(X)")):
        rule.evaluate(rows)
    with pytest.raises(DataError, match=re.escape("Condition.evaluate takes encoded rows of shape (n_rows, "
                                                  "n_features), got shape (2,) (one row: z.reshape(1, -1))")):
        rule.conditions[1].evaluate(np.array([6.0, 1.0]))
    with pytest.raises(DataError, match="Condition.evaluate: the literal tests feature 1, but the rows have 1 column"):
        rule.conditions[1].evaluate(np.array([[6.0]]))
    assert rule.evaluate(dom.encode(rows)).tolist() == [True, False]  # encoded, as it says


@pytest.mark.parametrize("flags, says", [
    (["--method", "decompositional"], "--max-literals is an option of --method pedagogical (the default), not of "
                                      "--method decompositional"),
    (["--option", "layer=\"0\""], "--max-literals is an option of --method pedagogical (the default), not of "
                                  "--method decompositional (which --option layer=... asks for)"),
])
def test_max_literals_with_decompositional_rules_is_refused_as_the_command_writes_it(tmp_path, capsys, flags,
                                                                                     says) -> None:
    """``symdistill distill --form rules --method decompositional --max-literals 2`` was refused with the Python
    spelling of the library's message: "unknown option 'max_literals'; it is an option of
    method='pedagogical'", an option and a method the user wrote as neither. As --max-literals with another
    --form, it is now refused naming the flags, before the data or the teacher is read."""
    from symdistill.cli import main

    (tmp_path / "rows.csv").write_text("a,b\n0.1,0.2\n0.7,0.9\n")
    code = main(["distill", "--teacher", "no_such_module_rulesaudit:predict", "--data", str(tmp_path / "rows.csv"),
                 "--form", "rules", "--max-literals", "2", *flags, "-o", str(tmp_path / "m.json")])
    err = capsys.readouterr().err
    assert code == 2 and says in err, err
    assert "max_literals" not in err
