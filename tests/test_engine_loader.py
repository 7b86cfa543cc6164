"""Rule packs are validated on load: an invalid file stops with file:line and what to fix."""

from __future__ import annotations

import pytest

from engine_helpers import VALID_RULE, rule_text, write_pack
from jecheck.errors import RuleError
from jecheck.rules_engine import load_rules
from jecheck.rules_engine.lint import lint_paths
from jecheck.rules_engine.loader import load_pack, read_pack

FILE = "ACME-001.large-journal.yaml"


def test_valid_user_pack_loads_with_provenance(tmp_path):
    pack_dir = write_pack(tmp_path / "acme", {FILE: VALID_RULE})
    ruleset = load_rules([pack_dir], include_builtin=False)
    rule = ruleset.get("ACME-001")
    assert rule.params["threshold"].default == 1000 and rule.requires_columns == ("entered_by",)
    assert [(p.name, p.version) for p in ruleset.packs] == [("acme", "1.0")]
    first_hash = ruleset.packs[0].sha256
    (pack_dir / FILE).write_text(VALID_RULE.replace("Year-end accruals.", "Accruals."))
    assert read_pack(pack_dir).sha256 != first_hash  # any edit to a rule file changes the pack hash


# (text to replace, replacement, expected words in the error, text on the line the error must point to)
INVALID = [
    ("title: Large journal\n", "", "required field 'title' is missing", "id: ACME-001"),
    ("severity: medium", "severity: urgent", "severity must be one of info, low, medium, high", "severity: urgent"),
    ("grain: journal", "grain: entry", "grain must be one of", "grain: entry"),
    ("version: 1", "version: one", "version must be a positive integer", "version: one"),
    ("id: ACME-001", "id: acme-1", "must look like ACME-001", "id: acme-1"),
    ("id: ACME-001", "id: CUT-900", "reserved for the built-in pack", "id: CUT-900"),
    ("slug: large-journal", "slug: big-journal", "file name must be ACME-001.big-journal.yaml", "id: ACME-001"),
    ("slug: large-journal", "slug: Large_Journal", "kebab-case", "slug: Large_Journal"),
    ("category: AMT", "category: MONEY", "category must be one of", "category: MONEY"),
    ("rationale:", "rational:", "unknown key 'rational'", "rational:"),
    ("columns: [entered_by]", "columns: [enterd_by]", "requires.columns names 'enterd_by'", "columns: [enterd_by]"),
    ("context: []", "context: [budget]", "requires.context names 'budget'", "context: [budget]"),
    ("type: number", "type: money", "params.threshold.type must be one of", "type: money"),
    ("default: 1000", "default: -5", "params.threshold.default must be at least 0", "default: -5"),
    ("default: 1000", "default: lots", "params.threshold.default must be a number", "default: lots"),
    ("min: 0", "min: zero", "params.threshold.min must be a number", "min: zero"),
    ("    description: Smallest total debit flagged.\n", "", "params.threshold.description is missing",
     "threshold:"),
    ("WHERE total_debit >= $threshold", "WHERE total_debit >= 1000", "declared but the SQL never uses $threshold",
     "threshold:"),
    ("WHERE total_debit >= $threshold", "WHERE total_debit >= $threshold AND line_count > $lines",
     "uses $lines, which is not declared", "sql: |"),
    ("FROM journals", "FROM journals JOIN secrets s ON true", "reads table 'secrets'", "sql: |"),
    ("FROM journals", "FROM read_csv('/etc/passwd')", "may not call table function", "sql: |"),
    ("FROM journals", "FROM main.journals", "with a schema", "sql: |"),
    ("FROM journals", "FROM journals j ASOF JOIN periods p ON j.effective_date >= p.period_start",
     "ASOF join", "sql: |"),
    ("WHERE total_debit >= $threshold", "QUALIFY row_number() OVER (ORDER BY $threshold) = 1", "QUALIFY", "sql: |"),
    ("  SELECT journal_id, total_debit, entered_by\n  FROM journals\n  WHERE total_debit >= $threshold",
     "  DELETE FROM lines WHERE amount > $threshold", "must be a SELECT query", "sql: |"),
    ("WHERE total_debit >= $threshold", "WHERE total_debit >= $threshold; DROP TABLE lines",
     "exactly one query", "sql: |"),
    ("WHERE total_debit >= $threshold", "WHERE total_debit >= ? AND $threshold > 0", "positional ? parameter",
     "sql: |"),
    ("WHERE total_debit >= $threshold", "WHERE total_debit >= $threshold AND (", "does not parse", "sql: |"),
    ("SELECT journal_id, total_debit", "SELECT total_debit", "must return a column named journal_id", "sql: |"),
    ("Debits {total_debit}", "Debits {amount}", "message uses {amount}", "message:"),
    ("Debits {total_debit}", "Debits {total_debit + 1}", "must be a plain column name", "message:"),
    ("Debits {total_debit}", "Debits {total_debit", "unmatched brace", "message:"),
    ("    flags: [BIG]\n", "", "at least one case that flags", "tests:"),
    ("    passes: [SMALL]\n", "", "must not be flagged", "tests:"),
    ("flags: [BIG]", "flags: [HUGE]", "flags names HUGE, which no given row has", "flags: [HUGE]"),
    ("passes: [SMALL]", "passes: [SMALL, BIG]", "BIG is in both flags and passes", "- name: large flags"),
    ("      lines:\n", "      ledger:\n", "given.ledger is not a table", "ledger:"),
    ("entered_by: bob}", "entered_by: bob, approver: x}", "given.lines has no column 'approver'",
     "approver: x"),
    ("false_positives: [\"Year-end accruals.\"]", "false_positives:\n  - Year end: accruals",
     "reads as a mapping because it contains ': '", "- Year end: accruals"),
    ("title: Large journal", "title: Large journal\ntitle: Again", "key 'title' appears twice", "title: Again"),
    ("passes: [SMALL]", "passes: [SMALL]\n    options: {fiscal_year_start_month: 13}",
     "options.fiscal_year_start_month must be a month number", "options:"),
    ("flags: [BIG]", "flags: [BIG", "YAML syntax error", None),
]


@pytest.mark.parametrize("old,new,expected,line_text", INVALID, ids=[case[2][:40] for case in INVALID])
def test_invalid_rule_file_names_file_line_and_fix(tmp_path, old, new, expected, line_text):
    assert old in VALID_RULE
    text = VALID_RULE.replace(old, new, 1)
    pack_dir = write_pack(tmp_path / "acme", {FILE: text})
    with pytest.raises(RuleError) as caught:
        load_rules([pack_dir], include_builtin=False)
    message = str(caught.value)
    assert expected in message
    location = message.split(": ", 1)[0]
    assert FILE in location
    if line_text is not None:
        line = int(location.rsplit(":", 1)[1])
        assert line_text in text.splitlines()[line - 1], (message, text.splitlines()[line - 1])


def test_ids_are_unique_across_packs(tmp_path):
    first = write_pack(tmp_path / "one", {FILE: VALID_RULE}, name="one")
    second = write_pack(tmp_path / "two", {FILE: VALID_RULE}, name="two")
    with pytest.raises(RuleError, match="ACME-001 is already used by"):
        load_rules([first, second], include_builtin=False)


def test_pack_needs_pack_yaml_with_a_version(tmp_path):
    folder = tmp_path / "loose"
    folder.mkdir()
    (folder / FILE).write_text(VALID_RULE)
    with pytest.raises(RuleError, match="no pack.yaml"):
        load_rules([folder], include_builtin=False)
    (folder / "pack.yaml").write_text("name: loose\nversion: 1.0\n")
    with pytest.raises(RuleError, match=r"pack.yaml:2: .*quoted text"):
        load_rules([folder], include_builtin=False)


def test_builtin_pack_folder_must_match_category(tmp_path):
    text = rule_text("AMT-001", "large-journal")
    misplaced = write_pack(tmp_path / "misplaced", {"CUT/AMT-001.large-journal.yaml": text})
    with pytest.raises(RuleError, match=r"AMT-001.large-journal.yaml:4: category AMT does not match the folder"):
        load_pack(misplaced, builtin=True)
    placed = write_pack(tmp_path / "placed", {"AMT/AMT-001.large-journal.yaml": text})
    pack, rules = load_pack(placed, builtin=True)
    assert [r.id for r in rules] == ["AMT-001"] and pack.builtin


def test_lint_reports_every_file_and_warns_on_missing_null_case(tmp_path):
    broken = rule_text("ACME-002", "broken", **{"severity: medium": "severity: big"})
    pack_dir = write_pack(tmp_path / "acme", {FILE: VALID_RULE, "ACME-002.broken.yaml": broken})
    report = lint_paths([pack_dir])
    assert report.files == 2 and report.errors == 1
    assert any("ACME-002.broken.yaml:5" in i.location for i in report.issues if i.level == "error")
    # VALID_RULE's SMALL journal has entered_by NULL on one line beside lines that have it: no warning.
    assert not [i for i in report.issues if i.level == "warning" and FILE in i.location]


def test_lint_warns_when_no_case_has_the_nullable_column_null(tmp_path):
    text = VALID_RULE.replace(
        "- {journal_id: SMALL, account: \"2000\", amount: -5, effective_date: 2024-01-31}",
        "- {journal_id: SMALL, account: \"2000\", amount: -5, effective_date: 2024-01-31, entered_by: bob}")
    pack_dir = write_pack(tmp_path / "acme", {FILE: text})
    report = lint_paths([pack_dir])
    assert report.errors == 0
    assert [i.message for i in report.issues if i.level == "warning"] == [
        "no test case has a line with entered_by NULL beside lines that have it (the rule reads a nullable column)"]
