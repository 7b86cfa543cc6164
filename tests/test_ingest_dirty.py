"""Dirty cells real exports contain (gl-formats.md): each is read right or rejected with a reason."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import duckdb
import pytest

from jecheck.errors import DataError
from jecheck.ingest import LoadOptions, load

from ingest_helpers import load_paths, rejects, rows, write_text

HEADER = ["journal_id", "account", "amount", "effective_date"]


def ledger(tmp_path, amounts=(), dates=(), *, delimiter=",", name="gl.csv", extra=None):
    """One line per amount/date pair, journal J<n>."""
    amounts = list(amounts) or ["1"] * len(dates)
    dates = list(dates) or ["2024-01-31"] * len(amounts)
    body = [[f"J{i}", "1000", a, d] for i, (a, d) in enumerate(zip(amounts, dates), start=1)]
    return write_text(tmp_path / name, HEADER, body, delimiter=delimiter)


def amounts_by_row(con):
    return dict(rows(con, "SELECT source_row, amount FROM lines ORDER BY source_row"))


def test_amount_conventions(tmp_path):
    cells = ["1,234.50", "(1,234.50)", "1234.50-", "-12", "+7.5", "$1,000.00", "\u00a042.10\u00a0", "0.00005"]
    con, report = load_paths(ledger(tmp_path, cells))
    assert report.rows_rejected == 0
    assert list(amounts_by_row(con).values()) == [Decimal(v) for v in (
        "1234.50", "-1234.50", "-1234.50", "-12", "7.5", "1000.00", "42.10", "0.0001")]


def test_blank_dot_and_dash_amounts_load_as_null(tmp_path):
    con, report = load_paths(ledger(tmp_path, ["", ".", "-", "5"]))
    assert report.rows_rejected == 0
    assert list(amounts_by_row(con).values()) == [None, None, None, Decimal("5")]


def test_unreadable_and_overflowing_amounts_are_rejected(tmp_path):
    con, report = load_paths(ledger(tmp_path, ["abc", "9" * 40, "1,2,3", "12.5.3", "7"]))
    assert report.rows_loaded == 1
    assert rejects(con) == {1: "amount: cannot read 'abc' as a number",
                            2: f"amount: cannot read '{'9' * 40}' as a number",
                            3: "amount: cannot read '1,2,3' as a number",
                            4: "amount: cannot read '12.5.3' as a number"}
    assert report.reject_reasons == {"amount: cannot read a value as a number": 4}


def test_reject_reasons_keep_cells_holding_separator_characters(tmp_path):
    # A row's kinds and reason are stored together, split at \x1e: a cell may hold it (and \x1f) itself.
    con, report = load_paths(ledger(tmp_path, ["1\x1e2", "3\x1f\x1e4", "7"], dates=["", "x\x1ey", ""]))
    assert rejects(con) == {1: "amount: cannot read '1\x1e2' as a number",
                            2: "amount: cannot read '3\x1f\x1e4' as a number; effective_date: cannot read 'x\x1ey' "
                               "as a date"}
    assert report.reject_reasons == {"amount: cannot read a value as a number": 2,
                                     "effective_date: cannot read a value as a date": 1}


def test_decimal_comma_is_detected_with_semicolons(tmp_path):
    con, report = load_paths(ledger(tmp_path, ["1.234,50", "-1.234,50", "(5,00)", "12"], delimiter=";"))
    assert report.decimal_comma and report.files[0].delimiter == ";"
    assert list(amounts_by_row(con).values()) == [Decimal(v) for v in ("1234.50", "-1234.50", "-5.00", "12")]


def test_decimal_comma_can_be_forced(tmp_path):
    path = ledger(tmp_path, ["1,234", "2,5"], delimiter=";")
    con, report = load_paths(path, decimal_comma=True)
    assert list(amounts_by_row(con).values()) == [Decimal("1.234"), Decimal("2.5")]


def test_date_forms_that_are_not_ambiguous(tmp_path):
    cells = ["20240131", "2024-01-31", "2024-01-31T10:20:30", "31.01.2024", "31-JAN-2024", "45322", "2024/01/31"]
    con, report = load_paths(ledger(tmp_path, dates=cells))
    assert report.rows_rejected == 0
    assert set(rows(con, "SELECT DISTINCT effective_date FROM lines")) == {(dt.date(2024, 1, 31),)}
    assert any("effective_date: dates come in 5 forms" in w for w in report.warnings)


def test_day_month_order_comes_from_the_data(tmp_path):
    con, report = load_paths(ledger(tmp_path, dates=["03/04/2024", "12/25/2024"]))
    assert rows(con, "SELECT effective_date FROM lines ORDER BY source_row") == [
        (dt.date(2024, 3, 4),), (dt.date(2024, 12, 25),)]
    assert report.date_formats["effective_date"] == "MM/DD/YYYY"
    assert not report.warnings
    con, report = load_paths(ledger(tmp_path, dates=["03/04/2024", "25/12/2024"], name="dmy.csv"))
    assert rows(con, "SELECT effective_date FROM lines ORDER BY source_row") == [
        (dt.date(2024, 4, 3),), (dt.date(2024, 12, 25),)]


def test_ambiguous_dates_are_never_read_silently(tmp_path):
    path = ledger(tmp_path, dates=["03/04/2024", "1/2/24"])
    con, report = load_paths(path)
    assert rows(con, "SELECT effective_date FROM lines ORDER BY source_row") == [
        (dt.date(2024, 3, 4),), (dt.date(2024, 1, 2),)]
    assert any("ambiguous" in w and "--date-format DMY" in w for w in report.warnings)
    con, report = load_paths(path, date_format="DMY")
    assert rows(con, "SELECT effective_date FROM lines ORDER BY source_row") == [
        (dt.date(2024, 4, 3),), (dt.date(2024, 2, 1),)]
    assert not any("ambiguous" in w for w in report.warnings)


def test_strftime_date_format(tmp_path):
    con, _ = load_paths(ledger(tmp_path, dates=["2024|31|01"]), date_format="%Y|%d|%m")
    assert rows(con, "SELECT effective_date FROM lines") == [(dt.date(2024, 1, 31),)]


def test_impossible_and_unreadable_dates_are_rejected(tmp_path):
    con, report = load_paths(ledger(tmp_path, dates=["2024-02-31", "0000-01-01", "soon", "31/02/2024", "2024",
                                                     "2024-02-29"]))
    assert rejects(con) == {1: "effective_date: cannot read '2024-02-31' as a date",
                            2: "effective_date: cannot read '0000-01-01' as a date",
                            3: "effective_date: cannot read 'soon' as a date",
                            4: "effective_date: cannot read '31/02/2024' as a date",
                            5: "effective_date: cannot read '2024' as a date"}
    assert report.rows_loaded == 1


def test_placeholder_dates_are_counted_and_nulled(tmp_path):
    con, report = load_paths(ledger(tmp_path, dates=["19000101", "9999-12-31", "00000000", "0000-00-00", "20240105"]))
    assert report.placeholder_dates == {"effective_date": 4}
    assert rows(con, "SELECT count(*) FROM lines WHERE effective_date IS NULL") == [(4,)]


def test_dates_far_from_the_ledger_are_counted_and_kept(tmp_path):
    dates = ["2024-01-31"] * 5 + ["1949-12-31", "2204-01-01", "2008-01-01"]
    con, report = load_paths(ledger(tmp_path, dates=dates))
    assert report.out_of_range_dates == {"effective_date": 3}
    assert report.rows_loaded == 8


def test_entry_times_with_lost_leading_zeros(tmp_path):
    header = ["Journal_ID", "GL_Account_Number", "Amount", "Amount_Credit_Debit_Indicator", "Effective_Date",
              "Entered_Date", "Entered_Time"]
    body = [["J1", "1", "5", "D", "20240131", "20240201", t] for t in ("91500", "5", "235959", "7:05", "")]
    con, report = load_paths(write_text(tmp_path / "gl.csv", header, body))
    assert [r[0].time() for r in rows(con, "SELECT entered_at FROM lines ORDER BY source_row")] == [
        dt.time(9, 15), dt.time(0, 0, 5), dt.time(23, 59, 59), dt.time(7, 5), dt.time(0, 0)]


def test_text_is_trimmed_of_spaces_and_non_breaking_spaces(tmp_path):
    header = HEADER + ["line_description", "entered_by"]
    body = [["  J1\u00a0", " 1000 ", "5", "2024-01-31", "\u00a0Hotel \u202f", "   "]]
    con, _ = load_paths(write_text(tmp_path / "gl.csv", header, body))
    assert rows(con, "SELECT journal_id, account, line_description, entered_by FROM lines") == [
        ("J1", "1000", "Hotel", None)]


def test_rows_with_the_wrong_number_of_fields_are_rejected_not_dropped(tmp_path):
    path = tmp_path / "gl.csv"
    path.write_text("journal_id,account,amount,effective_date\n"
                    "J1,1000,5,2024-01-31\n"
                    "J2,1000,Smith, Jones,2024-01-31\n"
                    "J3,1000\n"
                    "J4,1000,6,2024-01-31\n")
    con, report = load_paths(path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 2, 2)
    assert rows(con, "SELECT source_row FROM lines ORDER BY 1") == [(1,), (4,)]
    reasons = rejects(con)
    assert reasons[2].startswith("row: more than 4 fields") and reasons[3].startswith("row: fewer than 4 fields")


def test_title_rows_above_the_header_are_skipped(tmp_path):
    path = write_text(tmp_path / "gl.csv", HEADER, [["J1", "1000", "5", "2024-01-31"]],
                      title_rows=["ACME Corp", "General ledger 2024", ""])
    con, report = load_paths(path)
    assert report.rows_loaded == 1 and report.files[0].header_row == 4
    assert rows(con, "SELECT source_row FROM lines") == [(1,)]


@pytest.mark.parametrize("delimiter", ["\t", "|", ";"])
def test_delimiters_are_detected(tmp_path, delimiter):
    con, report = load_paths(ledger(tmp_path, ["5", "-5"], delimiter=delimiter))
    assert report.files[0].delimiter == delimiter and report.rows_loaded == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "utf-16"])
def test_encodings_are_detected(tmp_path, encoding):
    path = write_text(tmp_path / "gl.csv", HEADER + ["line_description"],
                      [["J1", "1000", "5", "2024-01-31", "Café Müller"]], encoding=encoding)
    con, report = load_paths(path)
    assert rows(con, "SELECT journal_id, line_description FROM lines") == [("J1", "Café Müller")]
    assert report.files[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_latin1_bytes_inside_a_utf8_file(tmp_path):
    path = tmp_path / "gl.csv"
    path.write_bytes("journal_id,account,amount,effective_date,line_description\n"
                     "J1,1000,5,2024-01-31,Straße\n".encode() + b"J2,1000,5,2024-01-31,Caf\xe9\n")
    con, report = load_paths(path)
    assert rows(con, "SELECT line_description FROM lines ORDER BY source_row") == [("Straße",), ("Café",)]
    assert any("not valid UTF-8" in w for w in report.warnings)


def test_hostile_descriptions_load_intact(tmp_path):
    description = "=cmd|' /C calc'!A0 \u202eRTL \U0001F600 \x07bell \x00nul " + "x" * 100_000
    path = write_text(tmp_path / "gl.csv", HEADER + ["line_description"],
                      [["J1", "1000", "5", "2024-01-31", description], ["J1", "2000", "-5", "2024-01-31", "ok"]])
    con, report = load_paths(path)
    assert report.rows_loaded == 2
    assert rows(con, "SELECT line_description FROM lines WHERE source_row = 1") == [(description,)]


def test_empty_header_only_and_binary_files_are_clear_errors(tmp_path):
    cases = {"empty.csv": b"", "header.csv": b"journal_id,account,amount,effective_date\n",
             "binary.csv": bytes(range(256)) * 64}
    messages = {"empty.csv": "is empty", "header.csv": "no data rows", "binary.csv": "binary data"}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(DataError, match=messages[name]):
            load(duckdb.connect(), LoadOptions(paths=(str(tmp_path / name),)))


def test_rejects_file_is_written_without_live_formulas(tmp_path):
    path = write_text(tmp_path / "gl.csv", HEADER, [["J1", "1000", "=1+1", "2024-01-31"], ["J2", "1", "2", "2024-01-01"]])
    out = tmp_path / "rejects.csv"
    load_paths(path, rejects_file=str(out))
    text = out.read_text()
    assert text.splitlines()[0] == "source_file,source_row,reason,raw"
    assert "cannot read '=1+1' as a number" in text and ",=" not in text


def test_trailing_delimiters_are_not_extra_fields(tmp_path):
    path = tmp_path / "gl.csv"
    path.write_text("journal_id,account,amount,effective_date,,\n"
                    "J1,1000,5,2024-01-31,\n"
                    "J1,2000,-5,2024-01-31,,,\n"
                    "J2,2000,-5,2024-01-31,,,x\n")
    con, report = load_paths(path)
    assert (report.rows_loaded, report.rows_rejected) == (2, 1)
    assert rejects(con)[3].startswith("row: more than 6 fields")


def test_unknown_debit_credit_code_is_rejected_with_the_codes(tmp_path):
    header = ["Journal_ID", "GL_Account_Number", "Amount", "Amount_Credit_Debit_Indicator", "Effective_Date"]
    path = write_text(tmp_path / "gl.csv", header, [["J1", "1", "5", "X", "20240101"], ["J1", "1", "0", "", "20240101"],
                                                    ["J2", "1", "5", "", "20240101"]])
    mapping = tmp_path / "map.toml"
    mapping.write_text("[dc_codes]\ndebit = [\"S'oll\"]\ncredit = [\"H\"]\n")
    con, report = load_paths(path, map_file=str(mapping))
    assert rejects(con) == {1: "dc_indicator: 'X' is neither debit S'OLL; credit H",
                            3: "dc_indicator: empty, so the sign of the amount is unknown"}
    assert rows(con, "SELECT amount FROM lines") == [(Decimal("0"),)]


def test_more_written_forms(tmp_path):
    con, report = load_paths(ledger(tmp_path, ["1 234,50", "-2,5", "7"], dates=["Jan 31, 2024", "31-JAN-24", "31 Jan 2024"],
                                    delimiter=";"))
    assert report.decimal_comma and report.rows_rejected == 0
    assert rows(con, "SELECT amount, effective_date FROM lines ORDER BY source_row") == [
        (Decimal("1234.50"), dt.date(2024, 1, 31)), (Decimal("-2.5"), dt.date(2024, 1, 31)),
        (Decimal("7"), dt.date(2024, 1, 31))]


def test_unreadable_yes_no_flag_is_rejected(tmp_path):
    path = write_text(tmp_path / "gl.csv", HEADER + ["is_manual"],
                      [["J1", "1", "5", "2024-01-31", "Y"], ["J2", "1", "5", "2024-01-31", "maybe"],
                       ["J3", "1", "5", "2024-01-31", ""]])
    con, _ = load_paths(path)
    assert rows(con, "SELECT journal_id, is_manual FROM lines ORDER BY 1") == [("J1", True), ("J3", None)]
    assert rejects(con) == {2: "is_manual: cannot read 'maybe' as yes or no"}
