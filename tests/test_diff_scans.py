"""jecheck diff on two scans' findings.json: new, gone and changed findings and review entries; exit codes."""

from __future__ import annotations

import json

import pytest
from report_helpers import build_result

from jecheck.diff import diff_scans
from jecheck.errors import DataError, UsageError
from jecheck.report import write_findings_json


def scan(folder, **kwargs):
    folder.mkdir()
    result = build_result(**kwargs)
    write_findings_json(result, folder / "findings.json")
    return result


@pytest.fixture(scope="module")
def two_scans(tmp_path_factory):
    """Yesterday's scan, and today's: one journal added (flagged high) and one finding suppressed."""
    root = tmp_path_factory.mktemp("diff")
    scan(root / "old")
    scan(root / "new", extra_journal=True, suppress_amt=True)
    return root


def test_added_entry_is_new_and_suppressed_finding_is_gone(two_scans):
    result = diff_scans(two_scans / "old", two_scans / "new")
    new = [(f.rule_id, f.journal_id, f.severity, f.detail) for f in result.findings if f.change == "new"]
    gone = [(f.rule_id, f.journal_id, f.detail) for f in result.findings if f.change == "gone"]
    assert new == [("CUT-001", "X9999", "high", "first flagged")]
    assert gone == [("AMT-001", "J0020", "suppressed: reviewed")]
    assert result.counts()["findings"] == {"new": 1, "gone": 1, "changed": 0}


def test_review_list_changes_follow_the_journals(two_scans):
    result = diff_scans(two_scans / "old", two_scans / "new")
    old = {r["journal_id"] for r in json.loads((two_scans / "old" / "findings.json").read_text())["review"]}
    new = {r["journal_id"] for r in json.loads((two_scans / "new" / "findings.json").read_text())["review"]}
    assert {r.journal_id for r in result.review if r.change == "new"} == new - old
    assert {r.journal_id for r in result.review if r.change == "gone"} == old - new
    assert "X9999" in new - old
    entered = next(r for r in result.review if r.journal_id == "X9999")
    assert entered.old_rank is None and entered.new_rule_ids == ("CUT-001",)


def test_fail_on_counts_only_new_findings_at_or_above(two_scans):
    result = diff_scans(two_scans / "old", two_scans / "new")
    assert result.new_at_or_above("high") == 1
    assert result.new_at_or_above("info") == 1
    assert result.new_at_or_above("never") == 0
    backwards = diff_scans(two_scans / "new", two_scans / "old")  # a lifted suppression is new again
    assert [(f.rule_id, f.journal_id, f.detail) for f in backwards.findings if f.change == "new"] == [
        ("AMT-001", "J0020", "was suppressed")]
    assert backwards.new_at_or_above("high") == 0 and backwards.new_at_or_above("medium") == 1


def test_same_scan_twice_has_no_differences(two_scans):
    result = diff_scans(two_scans / "old", two_scans / "old")
    assert result.findings == [] and result.review == [] and result.notes == []


def test_changed_severity_and_lines_are_described(tmp_path):
    scan(tmp_path / "old")
    tmp_path.joinpath("new").mkdir()
    result = build_result()
    result.con.execute("UPDATE findings SET severity = 'medium' WHERE rule_id = 'TXT-001' AND journal_id = 'J0001'")
    result.con.execute("UPDATE findings SET line_no = 2 WHERE rule_id = 'AMT-001' AND journal_id = 'J0021'")
    result.con.execute("UPDATE findings SET message = 'Entered after close (1 of 241 journals)' "
                       "WHERE rule_id = 'CUT-001' AND journal_id = 'J0002'")  # restated figures: no change
    write_findings_json(result, tmp_path / "new" / "findings.json")
    changed = {(f.rule_id, f.journal_id): f.detail for f in diff_scans(tmp_path / "old", tmp_path / "new").findings
               if f.change == "changed"}
    assert changed == {("TXT-001", "J0001"): "severity low -> medium", ("AMT-001", "J0021"): "lines 1 -> 2"}


def test_account_level_findings_match_by_account(tmp_path):
    for name, accounts in (("old", ["1000"]), ("new", ["1000", "2000"])):
        folder = tmp_path / name
        folder.mkdir()
        result = build_result()
        for account in accounts:
            result.con.execute("INSERT INTO findings VALUES ('ACC-001', 'ACC', 'low', NULL, NULL, 'rarely used', "
                               "json_object('account', $a), false, NULL, NULL)", {"a": account})
        write_findings_json(result, folder / "findings.json")
    new = [(f.rule_id, f.journal_id) for f in diff_scans(tmp_path / "old", tmp_path / "new").findings]
    assert new == [("ACC-001", "2000")]


def test_rule_status_and_setup_differences_are_noted(tmp_path):
    scan(tmp_path / "old")
    tmp_path.joinpath("new").mkdir()
    result = build_result()
    result.rules[0].status, result.rules[0].skipped_reason = "skipped", "needs entered_at"
    result.options.seed = 99
    write_findings_json(result, tmp_path / "new" / "findings.json")
    notes = diff_scans(tmp_path / "old", tmp_path / "new").notes
    assert "rule CUT-001: ran in the old scan, skipped in the new one" in notes
    assert any("parameters differ" in n for n in notes)


def test_folder_without_findings_is_a_usage_error(tmp_path):
    scan(tmp_path / "old")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="has no findings.json"):
        diff_scans(tmp_path / "old", tmp_path / "empty")
    with pytest.raises(UsageError, match="is not a folder"):
        diff_scans(tmp_path / "old", tmp_path / "missing")


def test_damaged_findings_json_is_a_data_error(tmp_path):
    scan(tmp_path / "old")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "findings.json").write_text('{"findings": [ {"rule_id": ')
    with pytest.raises(DataError, match="findings.json"):
        diff_scans(tmp_path / "old", tmp_path / "bad")


def test_cli_exit_code_follows_fail_on(two_scans):
    from click.testing import CliRunner

    from jecheck.cli import main

    runner = CliRunner(env={"COLUMNS": "200"})  # rich wraps table cells to the terminal width
    old, new = str(two_scans / "old"), str(two_scans / "new")
    failing = runner.invoke(main, ["diff", old, new, "--fail-on", "high"])
    assert failing.exit_code == 1, failing.output
    assert "X9999" in failing.output and "suppressed: reviewed" in failing.output
    assert runner.invoke(main, ["diff", old, new]).exit_code == 0  # default: never fail
    assert runner.invoke(main, ["diff", new, old, "--fail-on", "high"]).exit_code == 0
    quiet = runner.invoke(main, ["diff", old, new, "--fail-on", "medium", "--quiet"])
    assert (quiet.exit_code, quiet.output) == (1, "")
    missing = runner.invoke(main, ["diff", old, str(two_scans / "nowhere")])
    assert missing.exit_code == 2 and "not a folder" in missing.output


def test_cli_json_lists_every_change(two_scans):
    from click.testing import CliRunner

    from jecheck.cli import main

    run = CliRunner().invoke(main, ["diff", str(two_scans / "old"), str(two_scans / "new"), "--json",
                                    "--fail-on", "low"])
    data = json.loads(run.output)
    assert run.exit_code == 1 and data["new_at_or_above_fail_on"] == 1
    assert data["counts"]["findings"] == {"new": 1, "gone": 1, "changed": 0}
    assert [(f["change"], f["journal_id"]) for f in data["findings"]] == [("new", "X9999"), ("gone", "J0020")]


def test_cli_prints_ledger_text_literally(tmp_path):
    from click.testing import CliRunner

    from jecheck.cli import main

    scan(tmp_path / "old")
    tmp_path.joinpath("new").mkdir()
    result = build_result(extra_journal=True)
    result.con.execute("UPDATE findings SET message = '[red]pay[/red] me' WHERE journal_id = 'X9999'")
    write_findings_json(result, tmp_path / "new" / "findings.json")
    run = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new")])
    assert "[red]pay[/red] me" in run.output
