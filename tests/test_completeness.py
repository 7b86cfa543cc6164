"""Completeness checks on small hand-made ledgers: each check flags what it must and nothing else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jecheck import completeness, db, schema, views


def make_db(lines: list[tuple], tb: list[tuple] = (), control: list[tuple] = ()):
    con = db.connect()
    con.execute(schema.create_table_sql("lines", schema.LINE_COLUMNS))
    for name, cols in schema.CONTEXT_TABLES.items():
        con.execute(schema.create_table_sql(f"ctx_{name}", cols))
    con.executemany(
        "INSERT INTO lines (journal_id, line_no, account, amount, effective_date, currency, posting_status, source_row)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(j, n, a, Decimal(str(amt)), d, "USD", st, i + 1) for i, (j, n, a, amt, d, st) in enumerate(lines)],
    )
    if tb:
        con.executemany("INSERT INTO ctx_tb VALUES (?, ?, ?, ?, NULL, ?, ?, 'USD')", tb)
    if control:
        con.executemany("INSERT INTO ctx_control_totals VALUES (?, ?, ?, NULL)", control)
    views.create_views(con, views.ViewOptions(country=None))
    return con


BALANCED = [
    ("J1", 1, "1000", 100, "2024-01-31", None),
    ("J1", 2, "4000", -100, "2024-01-31", None),
    ("J2", 1, "1000", 0.1, "2024-02-10", None),
    ("J2", 2, "5000", 0.2, "2024-02-10", None),
    ("J2", 3, "2000", -0.3, "2024-02-10", None),  # 0.1 + 0.2 - 0.3 is exactly zero in decimals
]


def test_balanced_ledger_passes_every_check():
    con = make_db(BALANCED)
    report = completeness.summarize(con, have_tb=False, have_control_totals=False)
    assert report.passed
    assert [c.passed for c in report.checks] == [True, True, None, None]
    assert "not run" in report.checks[2].summary


def test_unbalanced_journal_listed_with_exact_difference():
    con = make_db(BALANCED + [("J3", 1, "1000", 10.01, "2024-02-11", None), ("J3", 2, "2000", -10, "2024-02-11", None)])
    rows = con.execute("SELECT journal_id, difference FROM completeness_unbalanced").fetchall()
    assert rows == [("J3", Decimal("0.0100"))]
    assert not completeness.summarize(con, have_tb=False, have_control_totals=False).checks[0].passed


def test_parked_sap_documents_need_not_balance():
    con = make_db(BALANCED + [("J4", 1, "1000", 10, "2024-02-11", "V")])
    assert con.execute("SELECT count(*) FROM completeness_unbalanced").fetchone()[0] == 0


def test_duplicate_line_keys_name_their_source_rows():
    con = make_db(BALANCED + [("J1", 2, "4000", 0, "2024-01-31", None)])
    assert con.execute("SELECT journal_id, line_no, occurrences, source_rows FROM completeness_duplicate_keys").fetchall() == [
        ("J1", 2, 2, "2, 6")
    ]


def test_trial_balance_rollforward_lists_differences_and_untracked_accounts():
    tb = [
        ("1000", None, 2024, "1", Decimal("5"), Decimal("105")),  # 5 + 100 = 105: rolls forward
        ("4000", None, 2024, "1", Decimal("0"), Decimal("-90")),  # 0 - 100 <> -90: differs by -10
        ("1000", None, 2024, "2", Decimal("105"), Decimal("105.1")),
        ("5000", None, 2024, "2", Decimal("0"), Decimal("0.2")),
    ]
    con = make_db(BALANCED, tb=tb)
    rows = con.execute("SELECT account, period, difference, status FROM completeness_tb ORDER BY account").fetchall()
    assert rows == [("2000", "2", Decimal("-0.3000"), "missing_in_tb"), ("4000", "1", Decimal("-10.0000"), "differs")]
    check = completeness.summarize(con, have_tb=True, have_control_totals=False).checks[2]
    assert check.passed is False and check.details["differences"] == 1 and check.details["missing_in_tb"] == 1


@pytest.mark.parametrize("debit,credit", [("D", "C"), ("S", "H")])
def test_control_totals_compare_both_sides(debit, credit):
    control = [
        ("J1", debit, Decimal("100")), ("J1", credit, Decimal("100")),  # matches
        ("J2", debit, Decimal("0.3")), ("J2", credit, Decimal("0.31")),  # credit differs
        ("J9", debit, Decimal("5")), ("J9", credit, Decimal("5")),  # not in the extract
    ]
    con = make_db(BALANCED, control=control)
    rows = con.execute(
        "SELECT journal_id, dc_indicator, status FROM completeness_control_totals ORDER BY journal_id, dc_indicator"
    ).fetchall()
    assert rows == [("J2", "C", "differs"), ("J9", "C", "missing_in_extract"), ("J9", "D", "missing_in_extract")]
    check = completeness.summarize(con, have_tb=False, have_control_totals=True).checks[3]
    assert check.details == {"system_journals": 3, "extract_journals": 2, "missing_in_extract": 1,
                             "missing_in_system": 0, "differs": 1}


def test_journal_missing_from_system_log():
    con = make_db(BALANCED, control=[("J1", "D", Decimal("100")), ("J1", "C", Decimal("100"))])
    assert con.execute("SELECT DISTINCT journal_id, status FROM completeness_control_totals").fetchall() == [
        ("J2", "missing_in_system")
    ]


def test_zero_log_total_for_a_side_the_extract_lacks_is_a_match():
    lines = BALANCED + [("J5", 1, "1000", 0, "2024-02-12", None)]  # a zero-amount journal: no debit, no credit
    control = [("J1", "D", Decimal("100")), ("J1", "C", Decimal("100")), ("J1", "C", Decimal("0")),
               ("J2", "D", Decimal("0.3")), ("J2", "C", Decimal("0.3")), ("J5", "D", Decimal("0"))]
    con = make_db(lines, control=control)
    assert con.execute("SELECT count(*) FROM completeness_control_totals").fetchone()[0] == 0


def test_control_totals_unknown_indicator_and_zero_total_journal():
    """An indicator neither debit nor credit is a side of its own; a journal with no debit or credit is
    still in the extract, so a log amount for it differs instead of being missing."""
    lines = BALANCED + [("J5", 1, "1000", 0, "2024-02-12", None)]
    control = [("J1", "D", Decimal("100")), ("J1", "C", Decimal("100")), ("J1", "X", Decimal("0")),
               ("J5", "X", Decimal("5")), ("J7", "D", Decimal("7"))]
    con = make_db(lines, control=control)
    rows = con.execute(
        "SELECT journal_id, dc_indicator, extract_total, system_total, difference, status "
        "FROM completeness_control_totals ORDER BY journal_id, dc_indicator"
    ).fetchall()
    assert rows == [
        ("J2", "C", Decimal("0.3"), None, Decimal("0.3"), "missing_in_system"),
        ("J2", "D", Decimal("0.3"), None, Decimal("0.3"), "missing_in_system"),
        ("J5", None, None, Decimal("5"), Decimal("-5"), "differs"),
        ("J7", "D", None, Decimal("7"), Decimal("-7"), "missing_in_extract"),
    ]


def test_trial_balance_reads_period_labels_and_falls_back_to_the_effective_date():
    """Line periods 'M01' and '001' both name period 1; a line without one takes its journal's period."""
    con = make_db([("J1", 1, "1000", 10, "2024-01-15", None), ("J1", 2, "4000", -10, "2024-01-15", None),
                   ("J2", 1, "1000", 5, "2024-01-20", None), ("J2", 2, "4000", -5, "2024-01-20", None),
                   ("J3", 1, "1000", 1, "2024-01-25", None), ("J3", 2, "4000", -1, "2024-01-25", None)])
    con.execute("UPDATE lines SET fiscal_year = 2024, "
                "period = CASE journal_id WHEN 'J1' THEN 'M01' WHEN 'J2' THEN '001' END")
    con.executemany("INSERT INTO ctx_tb VALUES (?, NULL, 2024, ?, NULL, ?, ?, 'USD')",
                    [("1000", "01", Decimal("0"), Decimal("16")), ("4000", "01", Decimal("0"), Decimal("-15"))])
    views.create_views(con, views.ViewOptions(country=None))
    rows = con.execute("SELECT account, activity, difference, status FROM completeness_tb ORDER BY ALL").fetchall()
    assert rows == [("4000", Decimal("-16"), Decimal("-1"), "differs")]


def _open_ledger(path):
    from jecheck.ingest import LoadOptions
    from jecheck.scan import open_ledger

    return open_ledger(LoadOptions(paths=(str(path),)))


def test_repeated_line_numbers_are_said_as_a_full_count_finds_them(tmp_path):
    """Line numbers equal modulo 64 (1 and 65) share a bit but are no repeat; large, negative and blank ones."""
    line_numbers = {"J1": [1, 65, 129, 2], "J2": [130, 130, 3], "J3": [-1, -1, 63, 127], "J4": ["", "", 5],
                    "J5": [7, 8, 7, 7], "J6": list(range(1, 70))}
    path = tmp_path / "gl.csv"
    path.write_text("journal_id,line_no,account,amount,effective_date\n" + "".join(
        f"{j},{n},1000,1,2024-01-31\n" for j, numbers in line_numbers.items() for n in numbers), encoding="utf-8")
    con, report = _open_ledger(path)
    expected = con.execute("SELECT count(*), min(journal_id || ' line ' || line_no) FROM (SELECT journal_id, line_no "
                           "FROM lines WHERE line_no IS NOT NULL GROUP BY ALL HAVING count(*) > 1)").fetchall()
    assert expected == [(3, "J2 line 130")]
    said = [w for w in report.warnings if "line number pairs appear on more than one row" in w]
    assert said == ["3 journal id and line number pairs appear on more than one row (e.g. J2 line 130); all are kept: "
                    "check that the extract has no doubled rows"]


def test_no_repeated_line_numbers_no_warning(tmp_path):
    path = tmp_path / "gl.csv"
    path.write_text("journal_id,line_no,account,amount,effective_date\n"
                    + "".join(f"J1,{n},1000,1,2024-01-31\n" for n in (1, 65, 129, 193, 2)), encoding="utf-8")
    _, report = _open_ledger(path)
    assert not [w for w in report.warnings if "line number" in w]
