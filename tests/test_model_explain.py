"""Every journal is scored; reasons are worded for the journals the reports list (rule hits, the most unusual)."""

from __future__ import annotations

import duckdb
import pytest

from jecheck.model import ModelOptions, score
from jecheck.review import rank
from model_helpers import ledger, planted_journals

EXPLAIN = 40


def reasons(con) -> dict[str, list[str]]:
    return dict(con.execute("SELECT journal_id, reasons FROM scores").fetchall())


@pytest.fixture(scope="module")
def runs() -> tuple[duckdb.DuckDBPyConnection, dict, dict, str, str]:
    """A run explaining every journal, then one explaining the top EXPLAIN plus two journals with rule hits."""
    journals, plants = planted_journals(1500)
    con = ledger(journals + plants, drop=("segment1",))
    score(con, ModelOptions(explain=len(journals) + len(plants)))
    full = reasons(con)
    order = [j for (j,) in con.execute("SELECT journal_id FROM scores ORDER BY anomaly_score DESC, journal_id").fetchall()]
    hit, suppressed = [j for j in order[3 * EXPLAIN:] if full[j]][-2:]  # ordinary journals that do have reasons
    con.execute("""
        CREATE TABLE findings AS
        SELECT * FROM (VALUES ($hit, 'TST-001', 'high', 'planted hit', false),
                              ($suppressed, 'TST-002', 'low', 'suppressed hit', true))
            t(journal_id, rule_id, severity, message, suppressed)
    """, {"hit": hit, "suppressed": suppressed})
    score(con, ModelOptions(explain=EXPLAIN))
    rank(con)
    return con, full, reasons(con), hit, suppressed


def test_every_journal_is_scored(runs):
    journals, scored = runs[0].execute(
        "SELECT (SELECT count(*) FROM journals), count(anomaly_score) FROM scores").fetchall()[0]
    assert scored == journals


def test_the_most_unusual_journals_keep_their_reasons_and_the_rest_have_none(runs):
    con, full, partial, hit, _ = runs
    order = [j for (j,) in con.execute("SELECT journal_id FROM scores ORDER BY anomaly_score DESC, journal_id").fetchall()]
    top = order[:EXPLAIN]
    assert [partial[j] for j in top] == [full[j] for j in top]
    assert sum(1 for j in top if partial[j]) >= EXPLAIN // 2
    assert not any(partial[j] for j in order[EXPLAIN:] if j != hit)


def test_a_journal_with_an_unsuppressed_rule_hit_gets_the_models_reasons(runs):
    con, full, partial, hit, suppressed = runs
    assert partial[hit] == full[hit]
    listed = con.execute("SELECT reasons FROM review WHERE journal_id = ?", [hit]).fetchall()[0][0]
    assert listed == ["TST-001: planted hit", *full[hit]]
    assert full[suppressed] and partial[suppressed] == []  # a suppressed hit puts it on no list


def test_score_reasons_hold_the_same_journals(runs):
    con, _, partial, _, _ = runs
    listed = {j for (j,) in con.execute("SELECT DISTINCT journal_id FROM score_reasons").fetchall()}
    assert listed == {j for j, r in partial.items() if r}


def test_reference_from_known_medians_is_the_same():
    """Whole-number medians the model already took stand in for the reference's own quantiles, unchanged."""
    from jecheck.model import _create_scope, _medians
    from jecheck.model import features as feature_sql
    from jecheck.model import reasons as reason_sql
    from jecheck.views import column_counts

    journals, plants = planted_journals(300)
    con = ledger(journals + plants)
    _create_scope(con, ModelOptions())
    feature_sql.build_features(con, column_counts(con))
    names = sorted(reason_sql._WHOLE_NUMBERS)
    rows = []
    for medians in (None, dict(zip(names, _medians(con, names)))):
        reason_sql.create_reference(con, baseline=False, medians=medians)
        rows.append(con.execute("SELECT * FROM model_reference").fetchall())
    assert rows[0] == rows[1]
    assert rows[0][0][5] is not None  # a real median, not an empty population
