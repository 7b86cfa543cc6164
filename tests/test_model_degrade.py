"""Ledgers that lack columns, or journals, still get scored or say why not."""

from __future__ import annotations

from jecheck.model import MIN_FIT_JOURNALS, ModelOptions, score
from jecheck.review import rank
from model_helpers import ledger, ordinary_journals, planted_journals

BARE = ("entered_by", "entered_at", "approved_by", "approved_at", "header_description", "line_description",
        "source", "is_manual", "segment1")


def test_ledger_without_users_times_or_descriptions_still_scores():
    journals, plants = planted_journals(600)
    con = ledger(journals + plants, drop=BARE)
    report = score(con, ModelOptions())
    dropped = dict(report.features_dropped)
    assert dropped["preparer_rarity"] == "the ledger has no entered_by"
    assert dropped["approval_lag_days"] == "the ledger has no entered_at"
    assert dropped["keyword_rarity"] == "the ledger has no header_description or line_description"
    used = {name for name, _ in report.features_used}
    assert used and not used & set(dropped)
    assert "entry_time_rarity" in used  # falls back to the weekday of the effective date
    n, low, high = con.execute("SELECT count(*), min(anomaly_score), max(anomaly_score) FROM scores").fetchall()[0]
    assert n == len(journals) + len(plants) and 0 < low < high < 1
    # What the bare ledger still shows: the big amount and the new pair.
    first = dict(con.execute("SELECT journal_id, feature FROM score_reasons WHERE reason_rank = 1").fetchall())
    assert first["P_AMOUNT"] in {"amount_size", "amount_vs_account"}
    assert first["P_PAIR"] == "account_pair_rarity"


def test_too_few_journals_to_learn_from_leaves_scores_empty_and_still_ranks():
    con = ledger(ordinary_journals(MIN_FIT_JOURNALS - 1))
    report = score(con, ModelOptions())
    assert report.skipped_reason == f"only {MIN_FIT_JOURNALS - 1} journals to learn from (at least 20 needed)"
    assert con.execute("SELECT count(*), count(anomaly_score) FROM scores").fetchall()[0] == (MIN_FIT_JOURNALS - 1, 0)
    rank(con)
    assert con.execute("SELECT count(*), max(rank), max(risk_score) FROM review").fetchall()[0] == (
        MIN_FIT_JOURNALS - 1, MIN_FIT_JOURNALS - 1, 0.0)


def test_scoring_leaves_no_work_tables_behind():
    con = ledger(ordinary_journals(100))
    score(con, ModelOptions())
    left = con.execute("SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, 'model_')").fetchall()
    assert left == []
