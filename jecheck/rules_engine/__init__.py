"""The rules engine: load and validate YAML/SQL rule packs, configure a run, run rules into the
`findings` table, and run each rule's inline test cases.

    ruleset = load_rules(extra_dirs=["my_rules"])
    config = load_config("jecheck.toml", select=["CUT"], ignore=[], suppress_path="known.yaml", ruleset=ruleset)
    outcomes = run_rules(con, ruleset, config, available_columns=..., available_context=...)
"""

from .config import RuleSettings, RunConfig, Suppression, load_config, load_suppressions
from .harness import CaseResult, run_case, run_inline_tests, run_pack_tests
from .loader import builtin_rules_dir, load_pack, load_rules, read_pack
from .model import CATEGORIES, SEVERITIES, Pack, Param, Rule, RuleSet, TestCase
from .runner import RuleOutcome, exit_code_for, requirement_gap, run_rules

__all__ = [
    "CATEGORIES", "SEVERITIES", "CaseResult", "Pack", "Param", "Rule", "RuleOutcome", "RuleSet", "RuleSettings",
    "RunConfig", "Suppression", "TestCase", "builtin_rules_dir", "exit_code_for", "load_config", "load_pack",
    "load_rules", "load_suppressions", "read_pack", "requirement_gap", "run_case", "run_inline_tests",
    "run_pack_tests", "run_rules",
]
