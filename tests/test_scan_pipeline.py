"""The whole scan as a user runs it: the locker_co answer key, exit codes, period scope, and the AICPA profile."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner

from jecheck.cli import main
from jecheck.ingest import LoadOptions
from jecheck.scan import ScanOptions, run_scan

CONTEXT = {"coa": "coa", "users": "users", "calendar": "calendar", "source_listing": "sources", "tb": "tb",
           "control_totals": "control_totals"}


def locker_load_options(repo_root) -> LoadOptions:
    stem = repo_root / "sample_ledgers" / "locker_co_fy2004" / "locker_co_fy2004"
    return LoadOptions(paths=(f"{stem}.parquet",), **{k: f"{stem}.{v}.csv" for k, v in CONTEXT.items()})


@pytest.fixture(scope="module")
def locker(repo_root):
    return run_scan(ScanOptions(load=locker_load_options(repo_root), fail_on="high"))


@pytest.fixture(scope="module")
def answer_key(repo_root):
    return pl.read_csv(repo_root / "sample_ledgers" / "locker_co_fy2004" / "answer_key.csv",
                       schema_overrides={"journal_id": pl.Utf8})


def test_every_answer_key_journal_is_found_by_the_categories_it_names(locker, answer_key):
    found = locker.con.execute(
        "SELECT journal_id, list(DISTINCT category) FROM findings WHERE NOT suppressed GROUP BY journal_id"
    ).fetchall()
    categories = {journal: set(cats) for journal, cats in found}
    missing = {
        row["journal_id"]: sorted(set(row["expected_categories"].split(";")) - categories.get(row["journal_id"], set()))
        for row in answer_key.iter_rows(named=True)
    }
    assert {j: m for j, m in missing.items() if m} == {}


def test_answer_key_journals_lead_the_review_list(locker, answer_key):
    ranks = dict(locker.con.execute("SELECT journal_id, rank FROM review").fetchall())
    total = len(ranks)
    assert total == locker.con.execute("SELECT count(*) FROM journals").fetchone()[0]  # every journal ranked
    key_ranks = sorted(ranks[j] for j in answer_key["journal_id"])
    # 20 entries a reviewer must find, among 15,000 journals: all of them within the first 40 of the list.
    assert key_ranks[-1] <= 2 * len(key_ranks), key_ranks


def test_population_is_complete_and_accounted_for(locker):
    assert locker.ingest.rows_read == locker.ingest.rows_loaded + locker.ingest.rows_rejected
    assert locker.ingest.rows_rejected == 0
    assert [c.passed for c in locker.completeness.checks] == [True, True, True, True]


def test_fail_on_sets_the_exit_code(locker):
    assert locker.exit_code() == 1  # the answer key holds high-severity findings
    locker.options.fail_on = "never"
    try:
        assert locker.exit_code() == 0
    finally:
        locker.options.fail_on = "high"


def test_period_under_review_limits_findings_and_scores(repo_root):
    result = run_scan(ScanOptions(load=locker_load_options(repo_root), period="2005-06", select=("CUT", "APR"),
                                  model=True))
    outside = result.con.execute("""
        SELECT count(*) FROM findings f JOIN journals j USING (journal_id) WHERE j.period_key <> '2005-06'
    """).fetchone()[0]
    assert outside == 0
    assert result.con.execute("SELECT count(*) FROM findings").fetchone()[0] > 0
    scored_periods = result.con.execute(
        "SELECT DISTINCT j.period_key FROM review r JOIN journals j USING (journal_id)"
    ).fetchall()
    assert scored_periods == [("2005-06",)]
    assert {o.category for o in result.rules if o.status == "ran"} <= {"CUT", "APR"}


def test_unknown_period_is_a_usage_error(repo_root):
    runner = CliRunner()
    stem = repo_root / "sample_ledgers" / "locker_co_fy2004" / "locker_co_fy2004"
    outcome = runner.invoke(main, ["scan", f"{stem}.parquet", "--period", "1999-01", "--no-model", "--quiet",
                                   "--out", "unused"])
    assert outcome.exit_code == 2
    assert "period '1999-01' is not in this ledger" in outcome.output
    assert "Traceback" not in outcome.output


def test_profile_of_the_aicpa_sample_with_its_control_totals(aicpa_dir):
    outcome = CliRunner().invoke(main, [
        "profile", str(aicpa_dir / "GL_Detail_YYYYMMDD_YYYYMMDD.csv"),
        "--control-totals", str(aicpa_dir / "log_file.csv"), "--json",
    ])
    assert outcome.exit_code == 0, outcome.output
    profile = json.loads(outcome.output)
    assert profile["rows"]["read"] == profile["rows"]["loaded"] == 28_160
    assert profile["journals"] == 13_295
    assert profile["placeholder_dates"] == {"effective_date": 23_137}
    checks = {c["name"]: c for c in profile["completeness"]["checks"]}
    assert checks["balanced_journals"]["details"]["unbalanced_journals"] == 4
    control = checks["control_totals"]["details"]
    assert control["system_journals"] == control["extract_journals"] == 13_295
    assert control["missing_in_extract"] == control["missing_in_system"] == 0
