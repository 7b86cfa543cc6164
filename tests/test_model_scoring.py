"""Scoring a ledger: planted outliers reach the top with the right first reason, deterministically."""

from __future__ import annotations

import json

import duckdb
import pytest

import jecheck.model as model
from jecheck.model import ModelOptions, ModelReport, score
from model_helpers import PLANT_FEATURES, ledger, load, planted_journals, to_lines

# Segments follow the template here, so a planted account change would also make a new
# segment-account pairing: without segments each plant differs in exactly one feature.
NO_SEGMENTS = ("segment1",)


@pytest.fixture(scope="module")
def scored() -> tuple[duckdb.DuckDBPyConnection, ModelReport]:
    journals, plants = planted_journals(3000)
    con = ledger(journals + plants, drop=NO_SEGMENTS)
    return con, score(con, ModelOptions())


@pytest.fixture(scope="module")
def planted(scored) -> duckdb.DuckDBPyConnection:
    return scored[0]


def ranks(con) -> dict[str, int]:
    return dict(con.execute("SELECT journal_id, rank() OVER (ORDER BY anomaly_score DESC) FROM scores").fetchall())


def test_planted_outliers_rank_in_the_top_percent_with_their_feature_first(planted):
    rank = ranks(planted)
    first = dict(planted.execute("SELECT journal_id, feature FROM score_reasons WHERE reason_rank = 1").fetchall())
    top_percent = len(rank) // 100
    for journal_id, features in PLANT_FEATURES.items():
        assert rank[journal_id] <= top_percent, (journal_id, rank[journal_id])
        assert first[journal_id] in features, (journal_id, first[journal_id])


@pytest.mark.parametrize("journal_id, words", [
    ("P_NIGHT", ["entered on a", "at 23:40", "no other entry in that weekday and hour"]),
    ("P_SUNDAY", ["entered on a Sunday at 10:", "no other entry on a Sunday"]),
    ("P_SOURCE", ["source XX appears in no other entry"]),
    ("P_USER_ACCOUNT", ["only entry by user FAY to account 1200"]),
    ("P_PAIR", ["debit to account 1000 with credit to account 4000 appears in no other entry"]),
    ("P_ROUND", ["round total 10,000.00", "as round as no other entry"]),
    ("P_APPROVAL", ["approved 60.0 days after entry"]),
    ("P_KEYWORD", ["description mentions", "plug"]),
    ("P_LATE", ["189 days after its effective date"]),
])
def test_reasons_name_the_values(planted, journal_id, words):
    reasons = " | ".join(planted.execute("SELECT reasons FROM scores WHERE journal_id = ?", [journal_id]).fetchall()[0][0])
    for word in words:
        assert word in reasons, reasons


def test_amount_reason_gives_the_multiple_of_the_median(planted):
    reason = planted.execute("SELECT reasons[1] FROM scores WHERE journal_id = 'P_AMOUNT'").fetchall()[0][0]
    assert "x the median entry" in reason or "x that account's median" in reason, reason


def test_every_journal_scored_between_0_and_1_with_a_percentile(planted):
    n, low, high, pct_low, pct_high, journals = planted.execute("""
        SELECT count(*), min(anomaly_score), max(anomaly_score), min(percentile), max(percentile),
               (SELECT count(*) FROM journals)
        FROM scores
    """).fetchall()[0]
    assert n == journals
    assert 0 < low < high < 1
    assert 0 < pct_low < pct_high == 100


def test_report_lists_features_and_provenance(scored):
    report = scored[1].to_dict()
    json.dumps(report)  # goes into findings.json as is
    used = {f["name"] for f in report["features_used"]}
    assert {"amount_size", "preparer_account_rarity", "entry_time_rarity", "account_pair_rarity"} <= used
    dropped = {f["name"]: f["reason"] for f in report["features_dropped"]}
    assert dropped["segment_rarity"] == "the ledger has no segment1 or segment2 or segment3 or segment4 or segment5"
    assert dropped["preparer_rarity"] == "the same value for every journal"  # every preparer is common here
    assert report["seed"] == 42 and report["fitted_on"]["journals"] == report["scored"] == 3010
    assert report["fitted_on"]["periods"] == "all"


def _snapshot(con) -> list[tuple]:
    return con.execute("SELECT journal_id, anomaly_score, percentile, reasons FROM scores ORDER BY journal_id").fetchall()


def test_same_input_same_scores_to_the_last_digit_whatever_the_row_order_or_threads():
    journals, plants = planted_journals(200, seed=11)
    lines = to_lines(journals + plants, drop=NO_SEGMENTS)
    first = load(lines)
    score(first, ModelOptions(threads=1))
    again = load(lines.take(list(range(lines.num_rows - 1, -1, -1))))  # the same rows, reversed
    score(again, ModelOptions(threads=2))
    assert _snapshot(first) == _snapshot(again)


def test_a_sampled_fit_draws_the_same_journals_whatever_the_row_order(monkeypatch):
    monkeypatch.setattr(model, "FIT_SAMPLE_CAP", 120)
    journals, plants = planted_journals(200, seed=11)
    lines = to_lines(journals + plants, drop=NO_SEGMENTS)
    first = load(lines)
    assert score(first, ModelOptions()).fitted_on["sample"] == 120
    again = load(lines.take(list(range(lines.num_rows - 1, -1, -1))))
    score(again, ModelOptions())
    assert _snapshot(first) == _snapshot(again)


def test_scores_and_reasons_do_not_depend_on_how_many_journals_are_scored_at_a_time(monkeypatch):
    journals, plants = planted_journals(200, seed=11)
    con = ledger(journals + plants, drop=NO_SEGMENTS)
    score(con, ModelOptions(explain=40))
    whole = _snapshot(con)
    monkeypatch.setattr(model, "CHUNK_ROWS", 7)  # scores and reasons both come in many chunks
    score(con, ModelOptions(explain=40))
    assert _snapshot(con) == whole
    assert sum(1 for row in whole if row[3]) >= 40


def test_seed_is_what_changes_the_scores():
    journals, plants = planted_journals(200, seed=11)
    con = ledger(journals + plants, drop=NO_SEGMENTS)
    score(con, ModelOptions(seed=1))
    one = _snapshot(con)
    score(con, ModelOptions(seed=2))
    assert one != _snapshot(con)


def test_two_debit_accounts_never_seen_together():
    """The sample generator's model-only kind: every account and debit/credit pair is ordinary."""
    journals, _ = planted_journals(1500, seed=5)
    rent = next(j for j in journals if j["template"].name == "rent")
    odd = {**rent, "journal_id": "P_TWO_DEBITS", "extra_legs": [("6200", 800.0), ("1000", -800.0)]}
    con = ledger(journals + [odd], drop=NO_SEGMENTS)
    score(con, ModelOptions())
    assert ranks(con)["P_TWO_DEBITS"] <= 15
    reasons = con.execute("SELECT reasons FROM scores WHERE journal_id = 'P_TWO_DEBITS'").fetchall()[0][0]
    assert "debit to account 6100 with debit to account 6200 appears in no other entry" in reasons
