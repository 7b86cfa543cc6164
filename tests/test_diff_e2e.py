"""The pre-close loop end to end: scan the locker_co sample, add one entry and suppress one finding, scan again,
and `jecheck diff` the two output folders."""

from __future__ import annotations

import json
import shutil

import polars as pl
import pytest
import yaml
from click.testing import CliRunner
from test_report_e2e import CONTEXT, scanned

from jecheck.cli import main
from jecheck.diff import diff_scans

ADDED = "100099999"
RULES = ("CUT", "APR")  # the categories of the planted late, unapproved entries: enough for the loop, and quick
JUSTIFICATION = "Audit adjustment agreed with the engagement partner"


@pytest.fixture(scope="module")
def loop(repo_root, tmp_path_factory):
    """(old folder, new folder, the added journal's model, the suppressed finding)."""
    root = tmp_path_factory.mktemp("loop")
    sample = repo_root / "sample_ledgers" / "locker_co_fy2004"
    old = scanned(sample / "locker_co_fy2004.parquet", root / "old", top=30, seed=3, select=RULES)
    findings = json.loads((old / "findings.json").read_text())["findings"]
    high = [f for f in findings if f["severity"] == "high" and f["journal_id"] and not f["suppressed"]]
    copied, suppressed = high[0]["journal_id"], high[-1]
    assert copied != suppressed["journal_id"]

    # Today's extract: yesterday's plus one entry (a copy of a flagged journal under a new number).
    today = root / "today"
    today.mkdir()
    ledger = pl.read_parquet(sample / "locker_co_fy2004.parquet")
    added = ledger.filter(pl.col("journal_id") == copied).with_columns(journal_id=pl.lit(ADDED))
    pl.concat([ledger, added]).write_parquet(today / "ledger.parquet")
    for name in CONTEXT.values():
        shutil.copy(sample / f"locker_co_fy2004.{name}.csv", today / f"ledger.{name}.csv")
    suppress = today / "suppress.yaml"
    suppress.write_text(yaml.safe_dump([{"rule": suppressed["rule_id"], "journal": suppressed["journal_id"],
                                         "justification": JUSTIFICATION, "reviewer": "E2E"}]))
    new = scanned(today / "ledger.parquet", root / "new", top=30, seed=3, select=RULES, suppress=str(suppress))
    return old, new, copied, suppressed


def test_added_entry_shows_as_new_findings(loop):
    old, new, copied, _ = loop
    result = diff_scans(old, new)
    on_added = {f.rule_id for f in result.findings if f.change == "new" and f.journal_id == ADDED}
    copied_rules = {f["rule_id"] for f in json.loads((old / "findings.json").read_text())["findings"]
                    if f["journal_id"] == copied and f["severity"] == "high"}
    assert copied_rules and copied_rules <= on_added
    assert ADDED in {r.journal_id for r in result.review if r.change == "new"}


def test_suppressed_finding_is_gone_with_its_justification(loop):
    old, new, _, suppressed = loop
    gone = [(f.rule_id, f.journal_id, f.detail) for f in diff_scans(old, new).findings if f.change == "gone"]
    assert gone == [(suppressed["rule_id"], suppressed["journal_id"], f"suppressed: {JUSTIFICATION}")]


def test_cli_fails_on_the_new_high_finding_and_notes_the_changed_setup(loop):
    old, new, _, _ = loop
    run = CliRunner().invoke(main, ["diff", str(old), str(new), "--fail-on", "high", "--json"])
    assert run.exit_code == 1
    data = json.loads(run.output)
    assert data["new_at_or_above_fail_on"] >= 1
    assert any("parameters differ" in note for note in data["notes"])  # the suppression file was added
    assert CliRunner().invoke(main, ["diff", str(old), str(old), "--fail-on", "info"]).exit_code == 0
