"""Excel workbooks: sheet choice, title rows above the header, typed cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest
import xlsxwriter

from jecheck.errors import DataError, UsageError
from jecheck.ingest import LoadOptions, load

from ingest_helpers import load_paths, rows

HEADER = ["JEEntryKey", "GLAccountNumber", "EffectiveDate", "Debit", "Credit", "PreparerID", "JEDescription"]


def workbook(path, sheets: dict[str, list[list[object]]]):
    book = xlsxwriter.Workbook(path)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, table in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


LEDGER_SHEET = [
    ["ACME Corporation"],
    ["Journal entries FY2024"],
    [],
    HEADER,
    ["JE-1", 1000, dt.date(2024, 3, 31), 1234.56, None, "ann", "Accrual"],
    ["JE-1", 2000, dt.date(2024, 3, 31), None, 1234.56, "ann", "Accrual"],
    ["JE-2", "1000-01", 45382, 0.1, None, "bob", "serial date"],
    ["JE-2", 3000, "31/03/2024", None, 0.1, "bob", "text date"],
]


def test_title_rows_sheet_and_typed_cells(tmp_path):
    path = workbook(tmp_path / "gl.xlsx", {"Notes": [["read me"]], "Ledger": LEDGER_SHEET})
    con, report = load_paths(path, sheet="Ledger")
    info = report.files[0]
    assert (info.format, info.sheet, info.header_row, report.layout) == ("xlsx", "Ledger", 4, "je_testing")
    assert report.rows_loaded == 4
    assert rows(con, "SELECT source_row, journal_id, account, amount, effective_date FROM lines ORDER BY 1") == [
        (1, "JE-1", "1000", Decimal("1234.56"), dt.date(2024, 3, 31)),
        (2, "JE-1", "2000", Decimal("-1234.56"), dt.date(2024, 3, 31)),
        (3, "JE-2", "1000-01", Decimal("0.1"), dt.date(2024, 3, 31)),
        (4, "JE-2", "3000", Decimal("-0.1"), dt.date(2024, 3, 31))]


def test_sheet_by_number_and_unknown_sheet(tmp_path):
    path = workbook(tmp_path / "gl.xlsx", {"Notes": [["read me"]], "Ledger": LEDGER_SHEET})
    _, report = load_paths(path, sheet="2")
    assert report.rows_loaded == 4
    with pytest.raises(UsageError, match=r"has no sheet 'GL'; its sheets are Notes, Ledger"):
        load(duckdb.connect(), LoadOptions(paths=(str(path),), sheet="GL"))


def test_default_sheet_is_the_first_and_says_so(tmp_path):
    path = workbook(tmp_path / "gl.xlsx", {"Ledger": LEDGER_SHEET, "Other": [["x"]]})
    _, report = load_paths(path)
    assert any("has 2 sheets; read the first, 'Ledger'" in w for w in report.warnings)


def test_truncated_workbook_is_a_one_sentence_error(tmp_path):
    good = workbook(tmp_path / "good.xlsx", {"Ledger": LEDGER_SHEET})
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:400])
    with pytest.raises(DataError, match=r"broken\.xlsx is not a readable Excel workbook"):
        load(duckdb.connect(), LoadOptions(paths=(str(broken),)))


def test_csv_saved_as_xlsx_is_read_as_text(tmp_path):
    path = tmp_path / "gl.xlsx"
    path.write_text("JEEntryKey,GLAccountNumber,EffectiveDate,Amount\nJ1,1000,2024-01-31,5\nJ1,2000,2024-01-31,-5\n")
    _, report = load_paths(path)
    assert report.files[0].format == "csv" and report.rows_loaded == 2
