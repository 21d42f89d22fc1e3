"""A demanding user's audit of rule sets (``form="rules"``): end to end, in Python and on the command line,
on cases the rule tests leave out. Each test failed before the fix it names."""

from __future__ import annotations

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
