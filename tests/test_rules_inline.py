"""Every inline test case of every built-in rule, and each of the built-in pack's own cases, runs as its own
pytest test.

Rule files are discovered at collection time, so a new rule file is picked up without touching
this module. An invalid rule file fails `test_builtin_rule_files_are_valid` and is left out of the
cases, so it never hides the other rules' results.
"""

from __future__ import annotations

import pytest

from jecheck.rules_engine import builtin_rules_dir, load_rules, read_pack, run_case
from jecheck.rules_engine.harness import run_pack_case
from jecheck.rules_engine.loader import load_each

RULES, ERRORS = load_each([builtin_rules_dir()])
CASES = [(rule, case) for rule in RULES for case in rule.tests]


def test_builtin_rule_files_are_valid():
    assert not ERRORS, "\n".join(str(e) for e in ERRORS)
    ruleset = load_rules()  # the strict loader a scan uses: pack.yaml, ids unique
    assert {r.id for r in ruleset} == {r.id for r in RULES}


@pytest.mark.parametrize("rule,case", CASES, ids=[f"{rule.id}: {case.name}" for rule, case in CASES])
def test_inline_case(rule, case):
    result = run_case(rule, case)
    assert result.passed, "\n".join(f"{result.location}: {p}" for p in result.problems)


PACK = read_pack(builtin_rules_dir())


@pytest.mark.parametrize("case", PACK.tests, ids=[case.name for case in PACK.tests])
def test_pack_case(case):
    result = run_pack_case(PACK, RULES, case)
    assert result.passed, "\n".join(f"{result.location}: {p}" for p in result.problems)
