"""The inline-test harness judges a rule the way a scan would run it."""

from __future__ import annotations

from engine_helpers import VALID_RULE, rule_text, write_pack
from jecheck.rules_engine import load_rules, run_case

FILE = "ACME-001.large-journal.yaml"


def _rule(tmp_path, text):
    [rule] = load_rules([write_pack(tmp_path / "acme", {FILE: text})], include_builtin=False)
    return rule


def test_a_passing_case_reports_what_it_flagged(tmp_path):
    rule = _rule(tmp_path, VALID_RULE)
    result = run_case(rule, rule.tests[0])
    assert result.passed and result.flagged == ["BIG"] and result.problems == []


def test_a_case_without_the_required_column_sees_the_rule_skipped(tmp_path):
    text = VALID_RULE.replace(", entered_by: ann}", "}").replace(", entered_by: bob}", "}")
    rule = _rule(tmp_path, text)
    result = run_case(rule, rule.tests[0])
    assert result.skipped_reason == "needs column entered_by (not in this ledger)"
    assert not result.passed and "the rule was skipped" in result.problems[0]


def test_a_journal_grain_rule_must_return_each_journal_once(tmp_path):
    text = rule_text(**{"FROM journals\n  WHERE total_debit >= $threshold":
                        "FROM journals JOIN lines l USING (journal_id)\n  WHERE total_debit >= $threshold",
                        "SELECT journal_id, total_debit, entered_by": "SELECT journal_id, total_debit, l.entered_by"})
    rule = _rule(tmp_path, text)
    result = run_case(rule, rule.tests[0])
    assert "returned BIG more than once; a journal-grain rule returns one row per journal" in result.problems


def test_a_value_that_does_not_fit_its_column_is_reported(tmp_path):
    rule = _rule(tmp_path, VALID_RULE.replace("effective_date: 2024-01-31, entered_by: ann}",
                                              "effective_date: 31 Jan, entered_by: ann}", 1))
    result = run_case(rule, rule.tests[0])
    assert not result.passed and result.problems[0].startswith("could not run: given.lines: a value does not fit")


def test_view_options_reach_the_views(tmp_path):
    # A rule reading the holidays table sees the case's country: 2024-07-01 is Canada Day, not a US holiday.
    text = rule_text(**{
        "columns: [entered_by]": "columns: []",
        "FROM journals\n  WHERE total_debit >= $threshold":
            "FROM journals WHERE total_debit >= $threshold\n"
            "    AND effective_date IN (SELECT holiday_date FROM holidays)",
        "2024-01-31": "2024-07-01",
        "    passes: [SMALL]\n": "    passes: [SMALL]\n    options: {country: CA}\n",
    })
    rule = _rule(tmp_path, text)
    assert run_case(rule, rule.tests[0]).passed
    us_case = rule.tests[0].__class__(**{**rule.tests[0].__dict__, "options": {"country": "US"}})
    assert run_case(rule, us_case).problems == ["expected BIG to be flagged; it was not"]
