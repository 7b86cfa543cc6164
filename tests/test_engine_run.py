"""run_rules: parameters bound, findings built by SQL, rules skipped with a reason, failures contained."""

from __future__ import annotations

import json

from engine_helpers import VALID_RULE, balanced, ledger, rule_text, write_pack
from jecheck.rules_engine import load_config, load_rules, run_rules

FILE = "ACME-001.large-journal.yaml"


def _ruleset(tmp_path, rules=None):
    return load_rules([write_pack(tmp_path / "acme", rules or {FILE: VALID_RULE})], include_builtin=False)


def _findings(con):
    rows = con.execute("SELECT rule_id, severity, journal_id, line_no, message, evidence, suppressed "
                       "FROM findings ORDER BY rule_id, journal_id, line_no").fetchall()
    return [dict(zip(("rule_id", "severity", "journal_id", "line_no", "message", "evidence", "suppressed"), r))
            for r in rows]


def test_findings_carry_message_and_evidence_built_from_the_result(tmp_path):
    con = ledger(balanced("BIG", 5000.5, entered_by="ann") + balanced("SMALL", 5, entered_by="bob"))
    [outcome] = run_rules(con, _ruleset(tmp_path))
    assert (outcome.status, outcome.hits, outcome.params) == ("ran", 1, {"threshold": 1000})
    [finding] = _findings(con)
    assert finding["journal_id"] == "BIG" and finding["line_no"] is None and finding["severity"] == "medium"
    assert finding["message"] == "Debits 5000.50 by ann"
    assert json.loads(finding["evidence"]) == {"total_debit": 5000.5, "entered_by": "ann"}
    assert finding["suppressed"] is False


def test_parameters_are_bound_values_and_config_overrides_them(tmp_path):
    ruleset = _ruleset(tmp_path)
    con = ledger(balanced("BIG", 5000, entered_by="ann") + balanced("MID", 500, entered_by="bob"))
    config_file = tmp_path / "jecheck.toml"
    config_file.write_text("[rules.ACME-001]\nparams = { threshold = 100 }\n")
    [outcome] = run_rules(con, ruleset, load_config(config_file, ruleset=ruleset))
    assert outcome.params == {"threshold": 100} and outcome.hits == 2


def test_hostile_ledger_text_stays_data(tmp_path):
    nasty = "x'); DROP TABLE lines; --{total_debit}\"<script>=1+1"
    con = ledger(balanced(nasty, 5000, entered_by=nasty))
    [outcome] = run_rules(con, _ruleset(tmp_path))
    assert outcome.status == "ran"
    [finding] = _findings(con)
    assert finding["journal_id"] == nasty
    assert finding["message"] == f"Debits 5000.00 by {nasty}"  # substituted once, never re-expanded
    assert json.loads(finding["evidence"])["entered_by"] == nasty
    assert con.execute("SELECT count(*) FROM lines").fetchone()[0] == 2


def test_null_evidence_reads_none_in_the_message(tmp_path):
    text = rule_text(**{"columns: [entered_by]": "columns: []"})
    con = ledger(balanced("BIG", 5000))
    run_rules(con, _ruleset(tmp_path, {FILE: text}))
    assert _findings(con)[0]["message"] == "Debits 5000.00 by (none)"


def test_rule_missing_a_column_or_context_is_skipped_with_the_reason(tmp_path):
    needs_tb = rule_text("ACME-002", "needs-tb", **{"context: []": "context: [tb, calendar]"})
    ruleset = _ruleset(tmp_path, {FILE: VALID_RULE, "ACME-002.needs-tb.yaml": needs_tb})
    con = ledger(balanced("BIG", 5000))  # no entered_by at all, no trial balance, no calendar
    outcomes = {o.id: o for o in run_rules(con, ruleset)}
    assert outcomes["ACME-001"].status == "skipped"
    assert outcomes["ACME-001"].skipped_reason == "needs column entered_by (not in this ledger)"
    assert outcomes["ACME-002"].skipped_reason == (
        "needs column entered_by (not in this ledger); needs context tb (--tb); needs context calendar (--calendar)")
    assert _findings(con) == []


def test_available_columns_given_by_the_caller_decide_skipping(tmp_path):
    con = ledger(balanced("BIG", 5000, entered_by="ann"))
    ruleset = _ruleset(tmp_path)
    [skipped] = run_rules(con, ruleset, available_columns={"entered_by": 0}, available_context=set())
    [ran] = run_rules(con, ruleset, available_columns={"entered_by": 2}, available_context=set())
    assert (skipped.status, ran.status, ran.hits) == ("skipped", "ran", 1)


def test_a_failing_rule_is_an_error_outcome_and_the_others_still_run(tmp_path):
    # Valid statically, fails at run time: the cast of a journal id to an integer.
    failing = rule_text("ACME-002", "fails", **{"WHERE total_debit >= $threshold":
                                                 "WHERE CAST(journal_id AS INTEGER) > $threshold"})
    ruleset = _ruleset(tmp_path, {FILE: VALID_RULE, "ACME-002.fails.yaml": failing})
    con = ledger(balanced("BIG", 5000, entered_by="ann"))
    outcomes = {o.id: o for o in run_rules(con, ruleset)}
    assert outcomes["ACME-002"].status == "error"
    assert outcomes["ACME-002"].skipped_reason.startswith("the SQL failed: Conversion Error")
    assert outcomes["ACME-001"].status == "ran" and outcomes["ACME-001"].hits == 1
    assert [f["rule_id"] for f in _findings(con)] == ["ACME-001"]


def test_line_grain_returns_line_numbers(tmp_path):
    text = rule_text(**{
        "grain: journal": "grain: line",
        "SELECT journal_id, total_debit, entered_by\n  FROM journals\n  WHERE total_debit >= $threshold":
            "SELECT journal_id, line_no, amount AS total_debit, entered_by\n  FROM lines\n"
            "  WHERE amount >= $threshold",
    })
    lines = balanced("BIG", 5000, entered_by="ann")
    for number, line in enumerate(lines, start=1):
        line["line_no"] = number
    con = ledger(lines)
    [outcome] = run_rules(con, _ruleset(tmp_path, {FILE: text}))
    assert outcome.status == "ran", outcome.skipped_reason
    [finding] = _findings(con)
    assert (finding["journal_id"], finding["line_no"]) == ("BIG", 1)
    assert "line_no" not in json.loads(finding["evidence"])


def test_account_grain_findings_have_no_journal(tmp_path):
    text = rule_text(**{
        "grain: journal": "grain: account",
        "SELECT journal_id, total_debit, entered_by\n  FROM journals\n  WHERE total_debit >= $threshold":
            "SELECT l.account, sum(l.amount) AS total_debit, min(l.entered_by) AS entered_by\n  FROM lines l\n"
            "  GROUP BY l.account HAVING sum(l.amount) >= $threshold",
        "flags: [BIG]": "flags: [\"1000\"]", "passes: [SMALL]": "passes: [\"2000\"]",
    })
    con = ledger(balanced("BIG", 5000, entered_by="ann"))
    [outcome] = run_rules(con, _ruleset(tmp_path, {FILE: text}))
    [finding] = _findings(con)
    assert outcome.hits == 1 and finding["journal_id"] is None
    assert json.loads(finding["evidence"])["account"] == "1000"


def test_rerun_replaces_the_findings_table(tmp_path):
    con = ledger(balanced("BIG", 5000, entered_by="ann"))
    ruleset = _ruleset(tmp_path)
    run_rules(con, ruleset)
    run_rules(con, ruleset)
    assert len(_findings(con)) == 1
    columns = [r[0] for r in con.execute("DESCRIBE findings").fetchall()]
    assert columns == ["rule_id", "category", "severity", "journal_id", "line_no", "message", "evidence",
                       "suppressed", "suppression_justification", "suppression_reviewer"]
