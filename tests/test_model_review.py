"""The review list: one risk score from rule hits and the anomaly score, every journal ranked."""

from __future__ import annotations

import duckdb
import pytest

from jecheck.errors import UsageError
from jecheck.review import RiskWeights, rank

N = 1000
TIED_LOW = [f"J{i:04d}" for i in range(991, N + 1)]  # share the lowest anomaly score: no model part


def findings(con, rows) -> None:
    con.execute("""
        CREATE OR REPLACE TABLE findings (
            rule_id VARCHAR, category VARCHAR, severity VARCHAR, journal_id VARCHAR, line_no INTEGER,
            message VARCHAR, evidence VARCHAR, suppressed BOOLEAN,
            suppression_justification VARCHAR, suppression_reviewer VARCHAR)
    """)
    con.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL)",
                    [(r, r[:3], sev, j, line, msg, sup) for r, sev, j, line, msg, sup in rows])


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    # J0001 is the most unusual; J0991..J1000 tie at the bottom (q = 1, so no model part).
    con.execute(f"""
        CREATE TABLE scores AS
        SELECT printf('J%04d', i) AS journal_id,
               CASE WHEN i > 990 THEN 0.1 ELSE 0.9 - i / 10000.0 END AS anomaly_score,
               100.0 - i / 10.0 AS percentile,
               CASE WHEN i = 1 THEN ['amount 41x the median for account 1400'] ELSE [] END AS reasons
        FROM range(1, {N + 1}) t(i)
    """)
    # as the model stores it: how many journals score at least as high
    con.execute("CREATE OR REPLACE TABLE scores AS SELECT *, count(*) OVER (ORDER BY anomaly_score DESC "
                "RANGE UNBOUNDED PRECEDING) AS as_unusual FROM scores")
    findings(con, [
        ("CUT-001", "high", "J1000", 1, "entered after close", False),
        ("CUT-001", "high", "J1000", 2, "entered after close", False),  # same rule, another line: counts once
        ("APR-001", "high", "J0999", None, "never approved", False),
        ("CUT-001", "high", "J0999", None, "entered after close", False),
        ("APR-001", "high", "J0998", None, "never approved", False),
        ("TIM-001", "medium", "J0998", None, "keyed on a Sunday", False),
        ("SRC-001", "info", "J0997", None, "manual entry", False),
        ("USR-001", "high", "J0996", None, "rare preparer", True),  # suppressed: listed elsewhere, not ranked
        ("APR-001", "medium", "J0001", None, "never approved", False),
    ])
    return con


def review(con) -> dict[str, dict]:
    rows = con.execute("SELECT journal_id, rank, risk_score, rule_ids, reasons FROM review").fetchall()
    return {r[0]: {"rank": r[1], "risk": r[2], "rules": r[3], "reasons": r[4]} for r in rows}


def test_rule_hits_combine_by_severity_and_each_rule_counts_once(con):
    rank(con)
    r = review(con)
    assert r["J1000"]["risk"] == pytest.approx(0.6)  # one high rule, on two lines
    assert r["J0999"]["risk"] == pytest.approx(1 - 0.4 * 0.4)  # two high rules: more than one
    assert r["J0998"]["risk"] == pytest.approx(1 - 0.4 * 0.65)  # high and medium
    assert r["J0997"]["risk"] == 0 and r["J0997"]["rules"] == ["SRC-001"]  # info: listed, not ranked
    assert r["J0996"]["risk"] == 0 and r["J0996"]["rules"] == []  # suppressed


def test_model_part_grows_a_third_per_factor_of_ten_in_rarity(con):
    rank(con)
    r = review(con)
    assert r["J0001"]["risk"] == pytest.approx(1 - 0.4 * 0.65)  # top 0.1 %: as much as a high hit; and a medium
    assert r["J0010"]["risk"] == pytest.approx(0.4)  # top 1 %
    assert r["J0100"]["risk"] == pytest.approx(0.2)  # top 10 %


def test_every_journal_ranked_once_highest_risk_first(con):
    rank(con)
    rows = con.execute("SELECT journal_id, rank, risk_score, anomaly_score FROM review ORDER BY rank").fetchall()
    assert [r[1] for r in rows] == list(range(1, N + 1))
    assert all((a[2], a[3]) >= (b[2], b[3]) for a, b in zip(rows, rows[1:]))
    assert rows[0][0] == "J0999"  # two high hits (0.84) beat the top anomaly with a medium hit (0.74)
    # Equal risk and equal anomaly score: by journal id.
    assert [r[0] for r in rows[-5:]] == ["J0993", "J0994", "J0995", "J0996", "J0997"]


def test_reasons_give_rule_messages_most_severe_first_then_the_model(con):
    rank(con)
    r = review(con)
    assert r["J0998"]["rules"] == ["APR-001", "TIM-001"]
    assert r["J0998"]["reasons"] == ["APR-001: never approved", "TIM-001: keyed on a Sunday"]
    assert r["J0001"]["reasons"] == ["APR-001: never approved", "amount 41x the median for account 1400"]


def test_rules_listed_by_severity_then_id_and_at_most_three_messages_before_the_model(con):
    findings(con, [
        ("APR-001", "low", "J0001", None, "never approved", False),
        ("USR-001", "high", "J0001", None, "rare preparer", False),
        ("TIM-001", "medium", "J0001", None, "keyed on a Sunday", False),
        ("CUT-001", "high", "J0001", None, "entered after close", False),
        ("SRC-001", "info", "J0002", None, "manual entry", False),
    ])
    rank(con)
    r = review(con)
    assert r["J0001"]["rules"] == ["CUT-001", "USR-001", "TIM-001", "APR-001"]
    assert r["J0001"]["reasons"] == ["CUT-001: entered after close", "USR-001: rare preparer",
                                     "TIM-001: keyed on a Sunday", "amount 41x the median for account 1400"]
    assert r["J0002"]["reasons"] == ["SRC-001: manual entry"]  # no model reasons of its own
    assert r["J0003"]["rules"] == [] and r["J0003"]["reasons"] == []


def test_custom_weights(con):
    rank(con, weights=RiskWeights(high=0.9, model=0.0))
    r = review(con)
    assert r["J1000"]["risk"] == pytest.approx(0.9) and r["J0010"]["risk"] == 0
    with pytest.raises(UsageError, match="risk weight high=1.0 must be at least 0 and below 1"):
        rank(con, weights=RiskWeights(high=1.0))


def test_without_model_journals_rank_on_rules_alone():
    con = duckdb.connect()
    con.execute("CREATE TABLE journals AS SELECT printf('J%04d', i) AS journal_id FROM range(1, 6) t(i)")
    findings(con, [("APR-001", "high", "J0003", None, "never approved", False)])
    rank(con)
    rows = con.execute("SELECT journal_id, rank, risk_score, anomaly_score FROM review ORDER BY rank").fetchall()
    assert rows[0] == ("J0003", 1, pytest.approx(0.6), None)
    assert [r[0] for r in rows[1:]] == ["J0001", "J0002", "J0004", "J0005"]
