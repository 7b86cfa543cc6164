"""The figures the reports and charts are drawn from, on small ledgers whose answers are known by construction."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from report_helpers import build_result

from jecheck import db, schema, views
from jecheck.report import summary


def ledger(lines: list[tuple], findings: list[tuple] = ()):
    """lines: (journal_id, amount, effective_date, entered_by); each journal balanced against account 9999."""
    con = db.connect()
    con.execute(schema.create_table_sql("lines", schema.LINE_COLUMNS))
    for name, cols in schema.CONTEXT_TABLES.items():
        con.execute(schema.create_table_sql(f"ctx_{name}", cols))
    columns: dict[str, list] = {"j": [], "n": [], "a": [], "amt": [], "d": [], "u": []}
    for journal, amount, day, user in lines:
        for line_no, account, sign in ((1, "1000", 1), (2, "9999", -1)):
            for key, value in zip(columns, (journal, line_no, account, str(sign * Decimal(str(amount))), day, user)):
                columns[key].append(value)
    # One set-based insert from lists (executemany inserts row by row and is slow in DuckDB).
    con.execute("""
        INSERT INTO lines (journal_id, line_no, account, amount, effective_date, entered_by, source_row)
        SELECT unnest($j), unnest($n), unnest($a), CAST(unnest($amt) AS DECIMAL(38,4)),
               CAST(unnest($d) AS DATE), unnest($u), unnest(range(len($j)))
    """, columns)
    views.create_views(con, views.ViewOptions(country=None))
    con.execute("CREATE TABLE findings (rule_id VARCHAR, category VARCHAR, severity VARCHAR, journal_id VARCHAR, "
                "line_no INTEGER, message VARCHAR, evidence VARCHAR, suppressed BOOLEAN, "
                "suppression_justification VARCHAR, suppression_reviewer VARCHAR)")
    for rule, severity, journal, suppressed in findings:
        con.execute("INSERT INTO findings VALUES (?, ?, ?, ?, NULL, 'm', '{}', ?, NULL, NULL)",
                    [rule, rule[:3], severity, journal, suppressed])
    return con


def test_entries_around_period_end_count_each_day_and_the_flagged():
    con = ledger([("A", 1, "2024-01-25", "u"), ("B", 1, "2024-01-25", "u"), ("C", 1, "2024-01-31", "u"),
                  ("D", 1, "2024-01-31", "u"), ("E", 1, "2024-01-31", "u"), ("F", 1, "2024-02-01", "u"),
                  ("G", 1, "2024-02-15", "u")],
                 [("CUT-001", "high", "C", False), ("CUT-001", "high", "D", True), ("TXT-001", "low", "C", False)])
    windows, total = summary.entries_around_period_ends(con, days=7)
    assert total == 2 and [w.period for w in windows] == ["2024-01", "2024-02"]
    january = dict(zip(windows[0].offsets, zip(windows[0].journals, windows[0].flagged)))
    assert january[-6] == (2, 0) and january[0] == (3, 1) and january[1] == (1, 0)
    assert sum(windows[0].journals) == 6  # G is 14 days after the January end: outside the window
    february = dict(zip(windows[1].offsets, windows[1].journals))
    assert sum(february.values()) == 0  # nothing within a week of 29 February


def test_entries_around_period_end_keep_only_the_latest_periods():
    con = ledger([(f"J{m}", 1, f"2024-{m:02d}-28", "u") for m in range(1, 13)])
    windows, total = summary.entries_around_period_ends(con, periods=4)
    assert total == 12
    assert [w.period for w in windows] == ["2024-09", "2024-10", "2024-11", "2024-12"]


def benford_ledger(counts_by_digit: dict[int, int]):
    lines = []
    for digit, count in counts_by_digit.items():
        for i in range(count):
            lines.append((f"{digit}-{i}", digit * 10 ** (i % 4) + (i % 7) / 100 * 10 ** (i % 4 - 1), "2024-01-10", "u"))
    return ledger(lines)


def test_benford_conforming_amounts_are_close():
    n = 2000
    result = summary.benford_first_digit(benford_ledger({d: round(n * math.log10(1 + 1 / d)) for d in range(1, 10)}))
    assert result.mad < 0.001 and result.conformity == "close conformity"


def test_benford_uniform_first_digits_do_not_conform():
    result = summary.benford_first_digit(benford_ledger({d: 100 for d in range(1, 10)}))
    assert result.conformity == "nonconformity"
    assert result.observed == pytest.approx((1 / 9,) * 9)


def test_benford_is_not_tested_on_too_few_amounts():
    result = summary.benford_first_digit(benford_ledger({1: 30, 2: 20}))
    assert result.conformity.startswith("not tested") and result.amounts == 100


def test_benford_reads_amounts_below_one_by_their_first_nonzero_digit():
    result = summary.benford_first_digit(ledger([("A", "0.0300", "2024-01-01", "u")]))
    assert result.observed[2] == 1.0  # digit 3, for both the debit and the credit line


def test_anomaly_histogram_counts_every_scored_journal_and_the_review_cut():
    result = build_result(journals=300, top=25)
    hist = summary.anomaly_histogram(result.con, top=25, bins=20)
    assert sum(hist.in_review) == 25
    assert sum(hist.in_review) + sum(hist.others) == 300
    top_scores = sorted((s for (s,) in result.con.execute("SELECT anomaly_score FROM review").fetchall()),
                        reverse=True)
    assert hist.cut == pytest.approx(top_scores[24])


def test_hits_by_user_and_period_count_journals_once_at_their_worst_severity():
    con = ledger([("A", 1, "2024-01-10", "ann"), ("B", 1, "2024-01-11", "ann"), ("C", 1, "2024-02-10", None),
                  ("D", 1, "2024-02-11", "bob")],
                 [("CUT-001", "high", "A", False), ("TXT-001", "low", "A", False), ("TXT-001", "low", "C", False),
                  ("TXT-001", "low", "D", True), ("INT-009", "info", "B", False)])  # suppressed and info: no flag
    users, total = summary.hits_by_user(con)
    assert total == 2
    assert users == [{"user": "ann", "journals": 2, "flagged": 1}, {"user": None, "journals": 1, "flagged": 1}]
    periods = {p["period"]: p for p in summary.hits_by_period(con)}
    assert (periods["2024-01"]["high"], periods["2024-01"]["low"], periods["2024-01"]["journals"]) == (1, 0, 2)
    assert (periods["2024-02"]["high"], periods["2024-02"]["low"]) == (0, 1)


def test_severity_counts_separate_suppressed_findings():
    con = ledger([("A", 1, "2024-01-10", "u"), ("B", 1, "2024-01-11", "u")],
                 [("CUT-001", "high", "A", False), ("CUT-001", "high", "B", True), ("AMT-001", "medium", "A", False)])
    rows = {r["severity"]: r for r in summary.severity_counts(con)}
    assert list(rows) == ["high", "medium", "low", "info"]
    assert (rows["high"]["findings"], rows["high"]["journals"], rows["high"]["suppressed"]) == (1, 1, 1)
    assert summary.flagged_journal_count(con) == 1


def test_info_findings_are_counted_but_never_flag_a_journal():
    con = ledger([("A", 1, "2024-01-10", "u"), ("B", 1, "2024-01-11", "u")],
                 [("INT-009", "info", "A", False), ("TXT-001", "low", "B", False)])
    assert {r["severity"]: r["findings"] for r in summary.severity_counts(con)}["info"] == 1
    assert summary.flagged_journal_count(con) == 1


def test_lists_served_from_an_earlier_fetch_equal_a_fresh_query():
    # The workpaper fetches the review list and each rule's findings first; the page's smaller requests are
    # served from those frames and must be exactly what their own query would return.
    from report_helpers import build_result

    con = build_result(journals=240, top=10).con
    rules = [r for (r,) in con.execute("SELECT DISTINCT rule_id FROM findings ORDER BY 1").fetchall()]
    wide = summary.findings_by_rule(con, {rule: 100 for rule in rules})
    served_findings = summary.findings_by_rule(con, {rule: 2 for rule in rules[1:]})
    wide_review = summary.review_list(con, 50, top=10)
    served_review = summary.review_list(con, 7)
    summary._fetched.clear()
    assert served_findings.equals(summary.findings_by_rule(con, {rule: 2 for rule in rules[1:]}))
    assert served_review.equals(summary.review_list(con, 7))
    assert served_findings.height < wide.height and served_review.height == 7 < wide_review.height
    assert set(served_findings.get_column("rule_id")) == set(rules[1:])
