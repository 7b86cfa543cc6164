"""Configuration (params, severity, enabling), --select/--ignore, suppressions and exit codes."""

from __future__ import annotations

import pytest

from engine_helpers import VALID_RULE, balanced, ledger, rule_text, write_pack
from jecheck.errors import RuleError, UsageError
from jecheck.rules_engine import exit_code_for, load_config, load_rules, load_suppressions, run_rules

FILE = "ACME-001.large-journal.yaml"


@pytest.fixture
def ruleset(tmp_path):
    """Three rules: ACME-001 (AMT, medium), ACME-002 (USR, low), OTHER-001 (AMT, deprecated)."""
    acme = write_pack(tmp_path / "acme", {
        FILE: VALID_RULE,
        "ACME-002.by-user.yaml": rule_text("ACME-002", "by-user", **{"category: AMT": "category: USR",
                                                                      "severity: medium": "severity: low"}),
    })
    other = write_pack(tmp_path / "other", {
        "OTHER-001.old.yaml": rule_text("OTHER-001", "old", **{"status: stable": "status: deprecated"}),
    }, name="other")
    return load_rules([acme, other], include_builtin=False)


@pytest.fixture
def con():
    return ledger(balanced("BIG", 5000, entered_by="ann") + balanced("SMALL", 5, entered_by="bob"))


def _status(outcomes):
    return {o.id: (o.status, o.skipped_reason) for o in outcomes}


def test_select_and_ignore_take_ids_categories_and_prefixes(ruleset, con):
    outcomes = run_rules(con, ruleset, load_config(None, select=["AMT"], ruleset=ruleset))
    assert _status(outcomes)["ACME-002"] == ("skipped", "not selected (--select AMT)")
    assert _status(outcomes)["ACME-001"] == ("ran", None)
    outcomes = run_rules(con, ruleset, load_config(None, ignore=["ACME"], ruleset=ruleset))
    assert {i for i, (s, _) in _status(outcomes).items() if s == "ran"} == set()
    assert _status(outcomes)["ACME-001"] == ("skipped", "ignored (--ignore ACME)")


def test_deprecated_rules_run_only_when_asked_for_by_id(ruleset, con):
    by_default = _status(run_rules(con, ruleset))["OTHER-001"]
    assert by_default[0] == "skipped" and by_default[1].startswith("deprecated")
    selected = run_rules(con, ruleset, load_config(None, select=["OTHER-001"], ruleset=ruleset))
    assert _status(selected)["OTHER-001"] == ("ran", None)


def test_unknown_select_token_is_a_usage_error(ruleset):
    with pytest.raises(UsageError, match="--select CUTT matches no rule id or category"):
        load_config(None, select=["CUTT"], ruleset=ruleset)


def test_toml_config_sets_params_severity_and_enabled(ruleset, con, tmp_path):
    path = tmp_path / "jecheck.toml"
    path.write_text('[model]\nseed = 7\n\n[rules]\nignore = ["OTHER-001"]\n\n'
                    '[rules.ACME-001]\nparams = { threshold = 1 }\nseverity = "high"\n\n'
                    '[rules.ACME-002]\nenabled = false\n')
    config = load_config(path, ignore=["USR"], ruleset=ruleset)
    outcomes = {o.id: o for o in run_rules(con, ruleset, config)}
    assert (outcomes["ACME-001"].severity, outcomes["ACME-001"].hits) == ("high", 2)
    assert con.execute("SELECT DISTINCT severity FROM findings").fetchall() == [("high",)]
    assert outcomes["ACME-002"].skipped_reason == "ignored (--ignore USR)"  # the command line adds to the file
    assert outcomes["OTHER-001"].skipped_reason == "ignored (--ignore OTHER-001)"


def test_yaml_config_disables_a_rule(ruleset, con, tmp_path):
    path = tmp_path / "jecheck.yaml"
    path.write_text("rules:\n  ACME-002:\n    enabled: false\n")
    outcomes = _status(run_rules(con, ruleset, load_config(path, ruleset=ruleset)))
    assert outcomes["ACME-002"] == ("skipped", f"disabled in {path}")


@pytest.mark.parametrize("text,expected", [
    ("[rules.ACME-009]\nseverity = 'low'\n", "jecheck.toml: rules.ACME-009: no rule has id ACME-009"),
    ("[rules.ACME-001]\nparams = { treshold = 5 }\n", "rules.ACME-001.params.treshold: ACME-001 has no parameter"),
    ("[rules.ACME-001]\nparams = { threshold = -5 }\n", "rules.ACME-001.params.threshold must be at least 0"),
    ("[rules.ACME-001]\nparams = { threshold = 'big' }\n", "threshold must be a number, not 'big'"),
    ("[rules.ACME-001]\nseverity = 'urgent'\n", "rules.ACME-001.severity must be one of info, low"),
    ("[rules.ACME-001]\nenable = false\n", "rules.ACME-001.enable is unknown"),
    ("[rules.ACME-001\n", "not valid TOML"),
])
def test_bad_config_names_the_file_and_key(ruleset, tmp_path, text, expected):
    path = tmp_path / "jecheck.toml"
    path.write_text(text)
    with pytest.raises(RuleError) as caught:
        load_config(path, ruleset=ruleset)
    assert expected in str(caught.value) and "jecheck.toml" in str(caught.value)


def test_yaml_config_errors_carry_the_line(ruleset, tmp_path):
    path = tmp_path / "jecheck.yaml"
    path.write_text("rules:\n  ACME-001:\n    params:\n      treshold: 5\n")
    with pytest.raises(RuleError, match=r"jecheck.yaml:4: rules.ACME-001.params.treshold"):
        load_config(path, ruleset=ruleset)


def test_suppressed_findings_stay_visible_and_stale_ones_are_reported(ruleset, con, tmp_path):
    path = tmp_path / "known.yaml"
    path.write_text(
        "- rule: ACME-001\n  journal: BIG\n  justification: Year-end bonus accrual, agreed to payroll.\n"
        "  reviewer: JD\n  date: 2025-01-15\n"
        "- rule: ACME-001\n  journal: GONE\n  justification: Reversed in March.\n"
    )
    config = load_config(None, suppress_path=path, ruleset=ruleset)
    outcomes = {o.id: o for o in run_rules(con, ruleset, config)}
    row = con.execute("SELECT journal_id, suppressed, suppression_justification, suppression_reviewer "
                      "FROM findings WHERE rule_id = 'ACME-001'").fetchall()
    assert row == [("BIG", True, "Year-end bonus accrual, agreed to payroll.", "JD")]
    assert (outcomes["ACME-001"].hits, outcomes["ACME-001"].suppressed_hits) == (0, 1)
    assert [(s.journal_id, s.where) for s in config.stale_suppressions] == [("GONE", f"{path}:6")]
    assert exit_code_for(outcomes.values(), "info") == (1 if outcomes["ACME-002"].hits else 0)


def test_csv_suppressions_and_missing_justification(tmp_path):
    path = tmp_path / "known.csv"
    path.write_text("rule,journal,justification,reviewer,date\nACME-001,BIG,Agreed to contract,JD,2025-01-15\n"
                    "ACME-001,J2,,JD,2025-01-15\n")
    with pytest.raises(RuleError, match=r"known.csv:3: the suppression of ACME-001 has no justification"):
        load_suppressions(path)
    path.write_text("rule,journal,justification\nACME-001,BIG,Agreed to contract\n")
    [entry] = load_suppressions(path)
    assert (entry.rule_id, entry.journal_id, entry.justification, entry.date) == (
        "ACME-001", "BIG", "Agreed to contract", None)


def test_suppression_of_an_unknown_rule_is_an_error(ruleset, tmp_path):
    path = tmp_path / "known.yaml"
    path.write_text("suppressions:\n  - rule: ACME-404\n    journal: BIG\n    justification: x\n")
    with pytest.raises(RuleError, match=r"known.yaml:2: suppression names rule ACME-404"):
        load_config(None, suppress_path=path, ruleset=ruleset)


def test_exit_code_counts_unsuppressed_findings_at_or_above_fail_on(ruleset, con):
    outcomes = run_rules(con, ruleset)  # ACME-001 medium: 1 hit; ACME-002 low: 1 hit
    assert exit_code_for(outcomes, None) == 0 and exit_code_for(outcomes, "never") == 0
    assert exit_code_for(outcomes, "medium") == 1
    assert exit_code_for(outcomes, "high") == 0
    findings = [{"severity": "high", "suppressed": True}, {"severity": "low", "suppressed": False}]
    assert exit_code_for(findings, "high") == 0 and exit_code_for(findings, "low") == 1
    with pytest.raises(UsageError):
        exit_code_for(outcomes, "severe")
