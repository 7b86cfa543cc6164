"""`jecheck rules list | explain | test | lint` as a rule author uses them."""

from __future__ import annotations

from click.testing import CliRunner

from engine_helpers import VALID_RULE, rule_text, write_pack
from jecheck.cli import main

FILE = "ACME-001.large-journal.yaml"


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_list_shows_builtin_and_user_rules(tmp_path):
    pack = write_pack(tmp_path / "acme", {FILE: VALID_RULE})
    result = _run("rules", "list", "--rules", str(pack))
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "Large journal" in rows["ACME-001"] and "entered_by" in rows["ACME-001"]
    assert "INT-001" in rows and "--tb" in rows["INT-004"]


def test_explain_shows_rationale_parameters_and_examples(tmp_path):
    pack = write_pack(tmp_path / "acme", {FILE: VALID_RULE})
    result = _run("rules", "explain", "acme-001", "--rules", str(pack))
    assert result.exit_code == 0, result.output
    for expected in ("Flags journals whose debits reach a threshold", "ISA 240.A43", "Year-end accruals",
                     "threshold", "Smallest total debit flagged", "large flags, small passes: flags BIG; passes SMALL"):
        assert expected in result.output


def test_explain_unknown_rule_is_a_usage_error():
    result = _run("rules", "explain", "NOPE-001")
    assert result.exit_code == 2
    assert "no rule has id NOPE-001" in result.output


def test_test_passes_fails_and_reports_invalid_files(tmp_path):
    pack = write_pack(tmp_path / "acme", {FILE: VALID_RULE})
    result = _run("rules", "test", str(pack))
    assert result.exit_code == 0, result.output
    assert "PASS ACME-001 large flags, small passes" in result.output

    wrong = rule_text("ACME-002", "wrong", **{"flags: [BIG]": "flags: [SMALL]", "passes: [SMALL]": "passes: [BIG]"})
    broken = rule_text("ACME-003", "broken", **{"grain: journal": "grain: entry"})
    write_pack(pack, {"ACME-002.wrong.yaml": wrong, "ACME-003.broken.yaml": broken})
    result = _run("rules", "test", str(pack))
    assert result.exit_code == 1
    assert "PASS ACME-001" in result.output  # the invalid file does not hide the others
    assert "FAIL ACME-002 large flags, small passes" in result.output
    case_line = 1 + wrong.splitlines().index("  - name: large flags, small passes")
    assert f"ACME-002.wrong.yaml:{case_line}: expected SMALL to be flagged; it was not" in result.output
    assert "BIG must not be flagged, but was: Debits 5000.00 by ann" in result.output
    assert "FAIL invalid rule file:" in result.output and "ACME-003.broken.yaml:7: grain must be one of" in result.output

    one_file = _run("rules", "test", str(pack / FILE))
    assert one_file.exit_code == 0 and "ACME-002" not in one_file.output


def test_lint_exit_codes(tmp_path):
    clean = write_pack(tmp_path / "clean", {FILE: VALID_RULE})
    assert _run("rules", "lint", str(clean)).exit_code == 0
    no_null_case = VALID_RULE.replace("effective_date: 2024-01-31}", "effective_date: 2024-01-31, entered_by: bob}")
    warned = write_pack(tmp_path / "warned", {FILE: no_null_case})
    result = _run("rules", "lint", str(warned))
    assert result.exit_code == 0 and "warning: no test case has a line with entered_by NULL" in result.output
    assert _run("rules", "lint", "--strict", str(warned)).exit_code == 1
    broken = write_pack(tmp_path / "broken", {FILE: VALID_RULE.replace("status: stable", "status: final")})
    result = _run("rules", "lint", str(broken))
    assert result.exit_code == 1 and f"{FILE}:6: error: status must be one of" in result.output


def test_an_invalid_user_pack_stops_list_with_file_and_line(tmp_path):
    broken = write_pack(tmp_path / "broken", {FILE: VALID_RULE.replace("severity: medium", "severity: urgent")})
    result = _run("rules", "list", "--rules", str(broken))
    assert result.exit_code == 3
    assert f"{FILE}:5: severity must be one of info, low, medium, high, not 'urgent'" in result.output
    assert "Traceback" not in result.output


PACK_CASES = """\
tests:
  - name: the pack flags the large journal and nothing else
    given:
      lines:
        - {journal_id: BIG, account: "1000", amount: 5000, effective_date: 2024-01-31, entered_by: ann}
        - {journal_id: BIG, account: "2000", amount: -5000, effective_date: 2024-01-31, entered_by: ann}
        - {journal_id: SMALL, account: "1000", amount: 5, effective_date: 2024-01-31, entered_by: bob}
        - {journal_id: SMALL, account: "2000", amount: -5, effective_date: 2024-01-31, entered_by: bob}
    flags: [%s]
    passes: [%s]
"""


def test_a_packs_own_cases_run_every_rule_of_the_pack(tmp_path):
    pack = write_pack(tmp_path / "acme", {FILE: VALID_RULE})
    with open(pack / "pack.yaml", "a") as handle:
        handle.write(PACK_CASES % ("BIG", "SMALL"))
    result = _run("rules", "test", str(pack))
    assert result.exit_code == 0, result.output
    assert "PASS pack acme the pack flags the large journal and nothing else" in result.output

    (pack / "pack.yaml").write_text((pack / "pack.yaml").read_text().replace("[BIG]", "[SMALL]").replace(
        "passes: [SMALL]", "passes: [BIG]"))
    result = _run("rules", "test", str(pack))
    assert result.exit_code == 1
    assert "FAIL pack acme the pack flags the large journal and nothing else" in result.output
    case_line = 1 + (pack / "pack.yaml").read_text().splitlines().index(
        "  - name: the pack flags the large journal and nothing else")
    assert f"pack.yaml:{case_line}: expected SMALL to be flagged by some rule of the pack; none did" in result.output
    assert "BIG must not be flagged by any rule, but was: ACME-001 (Debits 5000.00 by ann)" in result.output
    # a pack's cases need all its rules: testing one file or a selection leaves them out
    assert "pack acme" not in _run("rules", "test", str(pack / FILE)).output
    assert "pack acme" not in _run("rules", "test", "--select", "ACME-001", str(pack)).output


def test_a_packs_cases_take_no_params(tmp_path):
    pack = write_pack(tmp_path / "acme", {FILE: VALID_RULE})
    with open(pack / "pack.yaml", "a") as handle:
        handle.write((PACK_CASES % ("BIG", "SMALL")).replace("    flags:", "    params: {threshold: 1}\n    flags:"))
    result = _run("rules", "list", "--rules", str(pack))
    assert result.exit_code == 3
    params_line = 1 + (pack / "pack.yaml").read_text().splitlines().index("    params: {threshold: 1}")
    assert f"pack.yaml:{params_line}: a pack's cases run every rule with its defaults" in result.output
