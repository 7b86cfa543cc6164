"""Each known layout loads with no mapping file, from column names as the system exports them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ingest_helpers import load_paths, rows, write_text


def lines(con, columns="journal_id, account, amount, effective_date"):
    return rows(con, f"SELECT {columns} FROM lines ORDER BY source_row")


def test_ads_api_signed_amounts(tmp_path):
    path = write_text(tmp_path / "gl.txt", ["journalId", "journalIdLineNumber", "glAccountNumber", "amount",
                                            "amountCurrency", "effectiveDate", "enteredBy", "source"],
                      [["J1", "1", "1000", "-250.00", "EUR", "2024-06-30", "ann", "GJ"],
                       ["J1", "2", "2000", "250.00", "EUR", "2024-06-30", "ann", "GJ"]], delimiter="|")
    con, report = load_paths(path)
    assert report.layout == "ads_api"
    assert lines(con, "journal_id, line_no, amount, currency") == [
        ("J1", 1, Decimal("-250"), "EUR"), ("J1", 2, Decimal("250"), "EUR")]


def test_sap_acdoca(tmp_path):
    header = ["RLDNR", "RBUKRS", "GJAHR", "BELNR", "DOCLN", "RACCT", "HSL", "RHCUR", "TSL", "RTCUR", "DRCRK",
              "POPER", "BUDAT", "BLDAT", "BLART", "USNAM", "SGTXT", "RCNTR", "XREVERSING", "XREVERSED"]
    body = [["0L", "1000", "2024", "0100000007", "000001", "400000", "1.500,00-", "EUR", "1.500,00-", "EUR", "H",
             "003", "31.03.2024", "28.03.2024", "SA", "MKELLER", "Erlös", "", "X", ""],
            ["0L", "1000", "2024", "0100000007", "000002", "110000", "1.500,00", "EUR", "1.500,00", "EUR", "S",
             "003", "31.03.2024", "28.03.2024", "SA", "MKELLER", "", "CC10", "X", ""]]
    con, report = load_paths(write_text(tmp_path / "acdoca.csv", header, body, delimiter=";"))
    assert report.layout == "sap_acdoca" and report.decimal_comma
    assert not any("ledgers" in w for w in report.warnings)
    assert lines(con, "journal_id, line_no, account, amount, effective_date, document_date, period, "
                      "reversal_indicator, segment1") == [
        ("1000-100000007-2024", 1, "400000", Decimal("-1500"), dt.date(2024, 3, 31), dt.date(2024, 3, 28), "003",
         "1", None),
        ("1000-100000007-2024", 2, "110000", Decimal("1500"), dt.date(2024, 3, 31), dt.date(2024, 3, 28), "003",
         "1", "CC10")]


def test_acdoca_with_several_ledgers_warns(tmp_path):
    header = ["RLDNR", "RBUKRS", "GJAHR", "BELNR", "DOCLN", "RACCT", "HSL", "BUDAT"]
    body = [[ledger, "1000", "2024", "7", line, account, amount, "20240331"] for ledger in ("0L", "2L")
            for line, account, amount in (("1", "400000", "-5"), ("2", "110000", "5"))]
    _, report = load_paths(write_text(tmp_path / "acdoca.csv", header, body))
    assert any("2 ledgers (0L, 2L)" in w for w in report.warnings)


def test_oracle_gl(tmp_path):
    header = ["JE_HEADER_ID", "JE_LINE_NUM", "NAME", "JE_SOURCE", "JE_CATEGORY", "PERIOD_NAME", "EFFECTIVE_DATE",
              "STATUS", "CURRENCY_CODE", "CONCATENATED_SEGMENTS", "ENTERED_DR", "ENTERED_CR", "ACCOUNTED_DR",
              "ACCOUNTED_CR", "DESCRIPTION", "CREATED_BY", "CREATION_DATE", "REVERSED_JE_HEADER_ID"]
    body = [["5001", "1", "Accrual MAR-24", "Manual", "Adjustment", "MAR-24", "31-MAR-2024", "P", "USD",
             "01-000-5100-000", "1,000.00", "", "1,000.00", "", "Audit fee", "1234", "02-APR-2024 09:30:00", ""],
            ["5001", "2", "Accrual MAR-24", "Manual", "Adjustment", "MAR-24", "31-MAR-2024", "P", "USD",
             "01-000-2100-000", "", "1,000.00", "", "1,000.00", "Audit fee", "1234", "02-APR-2024 09:30:00", ""],
            ["5002", "1", "Payables A", "Payables", "Purchase", "MAR-24", "15-MAR-2024", "P", "USD",
             "01-000-2100-000", "10.00", "", "10.00", "", "", "1300", "15-MAR-2024 10:00:00", "4990"]]
    con, report = load_paths(write_text(tmp_path / "gl_je_lines.csv", header, body))
    assert report.layout == "oracle_gl"
    assert lines(con, "journal_id, account, amount, txn_amount, effective_date, is_manual, entered_at, "
                      "reversal_indicator, reversal_journal_id") == [
        ("5001", "01-000-5100-000", Decimal("1000"), Decimal("1000"), dt.date(2024, 3, 31), True,
         dt.datetime(2024, 4, 2, 9, 30), None, None),
        ("5001", "01-000-2100-000", Decimal("-1000"), Decimal("-1000"), dt.date(2024, 3, 31), True,
         dt.datetime(2024, 4, 2, 9, 30), None, None),
        ("5002", "01-000-2100-000", Decimal("10"), Decimal("10"), dt.date(2024, 3, 15), False,
         dt.datetime(2024, 3, 15, 10), "1", "4990")]


def test_dynamics_365(tmp_path):
    header = ["JournalNumber", "SubledgerVoucher", "AccountingDate", "DocumentDate", "FiscalCalendarPeriod",
              "JournalCategory", "LedgerAccount", "AccountingCurrencyAmount", "TransactionCurrencyAmount",
              "TransactionCurrencyCode", "IsCredit", "CreatedBy", "CreatedDateTime", "Approver", "Text"]
    body = [["GJ-000123", "VCH-0045", "3/31/2024 12:00:00 AM", "3/28/2024", "Period 3", "Daily",
             "110110-001-022", "-500.00", "-450.00", "GBP", "Yes", "admin", "4/1/2024 8:05:00 PM", "mlee", "Fee"],
            ["GJ-000123", "VCH-0045", "3/31/2024 12:00:00 AM", "3/28/2024", "Period 3", "Daily",
             "600100-001-022", "500.00", "450.00", "GBP", "No", "admin", "4/1/2024 8:05:00 PM", "mlee", "Fee"]]
    con, report = load_paths(write_text(tmp_path / "d365.csv", header, body))
    assert report.layout == "dynamics_365"
    assert lines(con, "journal_id, account, amount, txn_amount, effective_date, entered_at, approved_by") == [
        ("VCH-0045", "110110-001-022", Decimal("-500"), Decimal("-450"), dt.date(2024, 3, 31),
         dt.datetime(2024, 4, 1, 20, 5), "mlee"),
        ("VCH-0045", "600100-001-022", Decimal("500"), Decimal("450"), dt.date(2024, 3, 31),
         dt.datetime(2024, 4, 1, 20, 5), "mlee")]


def test_netsuite(tmp_path):
    header = ["Internal ID", "Document Number", "Date", "Period", "Type", "Account", "Memo", "Memo (Main)",
              "Amount (Debit)", "Amount (Credit)", "Currency", "Subsidiary", "Department", "Created By",
              "Date Created"]
    body = [["88121", "JE1042", "12/31/2024", "Dec 2024", "Journal", "6100 Rent", "Dec rent", "Rent accrual",
             "$2,500.00", "", "USD", "US Inc", "G&A", "Pat Lee", "1/3/2025 4:12 pm"],
            ["88121", "JE1042", "12/31/2024", "Dec 2024", "Journal", "2000 Accrued liabilities", "", "Rent accrual",
             "", "$2,500.00", "USD", "US Inc", "G&A", "Pat Lee", "1/3/2025 4:12 pm"]]
    con, report = load_paths(write_text(tmp_path / "netsuite.csv", header, body))
    assert report.layout == "netsuite"
    assert lines(con, "journal_id, account, amount, effective_date, header_description, entered_at, segment1") == [
        ("88121", "6100 Rent", Decimal("2500"), dt.date(2024, 12, 31), "Rent accrual",
         dt.datetime(2025, 1, 3, 16, 12), "G&A"),
        ("88121", "2000 Accrued liabilities", Decimal("-2500"), dt.date(2024, 12, 31), "Rent accrual",
         dt.datetime(2025, 1, 3, 16, 12), "G&A")]


def test_xero_manual_journals(tmp_path):
    header = ["JournalID", "JournalNumber", "JournalDate", "CreatedDateUTC", "Reference", "SourceType",
              "AccountCode", "AccountName", "AccountType", "Description", "NetAmount", "TaxAmount"]
    body = [["a1b2", "318", "2024-06-30T00:00:00", "2024-07-02T22:14:05", "Accrual", "MANJOURNAL", "200", "Sales",
             "REVENUE", "June", "-120.50", "0"],
            ["a1b2", "318", "2024-06-30T00:00:00", "2024-07-02T22:14:05", "Accrual", "MANJOURNAL", "610",
             "Accounts Receivable", "CURRENT", "June", "120.50", "0"],
            ["c3d4", "319", "2024-07-01T00:00:00", "2024-07-01T09:00:00", "INV-7", "ACCREC", "610",
             "Accounts Receivable", "CURRENT", "", "99", "0"]]
    con, report = load_paths(write_text(tmp_path / "xero.csv", header, body))
    assert report.layout == "xero"
    assert lines(con, "journal_id, account, account_name, amount, is_manual, source") == [
        ("318", "200", "Sales", Decimal("-120.50"), True, "MANJOURNAL"),
        ("318", "610", "Accounts Receivable", Decimal("120.50"), True, "MANJOURNAL"),
        ("319", "610", "Accounts Receivable", Decimal("99"), False, "ACCREC")]


def test_quickbooks_desktop_carries_account_headings_down(tmp_path):
    header = ["", "Type", "Date", "Num", "Name", "Memo", "Split", "Amount", "Balance"]
    body = [["Checking", "", "", "", "", "", "", "", "10,000.00"],
            ["", "Check", "01/05/2024", "1001", "Landlord", "Jan rent", "Rent", "-1,500.00", "8,500.00"],
            ["", "Deposit", "01/09/2024", "", "", "Deposit", "Sales", "700.00", "9,200.00"],
            ["Total Checking", "", "", "", "", "", "", "-800.00", "9,200.00"],
            ["Rent", "", "", "", "", "", "", "", "0.00"],
            ["", "Check", "01/05/2024", "1001", "Landlord", "Jan rent", "Checking", "1,500.00", "1,500.00"],
            ["Total Rent", "", "", "", "", "", "", "1,500.00", "1,500.00"],
            ["TOTAL", "", "", "", "", "", "", "700.00", ""]]
    con, report = load_paths(write_text(tmp_path / "qb_gl.csv", header, body))
    assert report.layout == "quickbooks_desktop"
    assert lines(con, "source_row, journal_id, account, amount, effective_date") == [
        (2, "Check-1001-01/05/2024", "Checking", Decimal("-1500"), dt.date(2024, 1, 5)),
        (3, "Deposit-01/09/2024", "Checking", Decimal("700"), dt.date(2024, 1, 9)),
        (6, "Check-1001-01/05/2024", "Rent", Decimal("1500"), dt.date(2024, 1, 5))]
    assert report.rows_skipped == {"account heading row": 2, "total row": 3}
    assert report.rows_read == 3


def test_quickbooks_online_journal_report(tmp_path):
    header = ["Date", "Transaction Type", "Num", "Name", "Memo/Description", "Account", "Debit", "Credit"]
    body = [["01/31/2024", "Journal Entry", "17", "", "Accrue bonus", "Payroll Expenses", "5,000.00", ""],
            ["", "", "", "", "Accrue bonus", "Accrued Liabilities", "", "5,000.00"],
            ["", "", "", "", "", "", "$5,000.00", "$5,000.00"],
            ["02/01/2024", "Deposit", "", "Client A", "", "Checking", "300.00", ""],
            ["", "", "", "Client A", "", "Sales", "", "300.00"],
            ["", "", "", "", "", "", "$300.00", "$300.00"]]
    con, report = load_paths(write_text(tmp_path / "qbo.csv", header, body,
                                        title_rows=["Acme LLC", "Journal", "January - February 2024", ""]))
    assert report.layout == "quickbooks_online"
    assert lines(con, "source_row, journal_id, account, amount, effective_date") == [
        (1, "Journal Entry-17-01/31/2024", "Payroll Expenses", Decimal("5000"), dt.date(2024, 1, 31)),
        (2, "Journal Entry-17-01/31/2024", "Accrued Liabilities", Decimal("-5000"), dt.date(2024, 1, 31)),
        (4, "Deposit-row 4-02/01/2024", "Checking", Decimal("300"), dt.date(2024, 2, 1)),
        (5, "Deposit-row 4-02/01/2024", "Sales", Decimal("-300"), dt.date(2024, 2, 1))]
    assert report.rows_skipped == {"subtotal, title or blank row": 2}


def test_sage_300_glpost(tmp_path):
    header = ["ACCTID", "FISCALYR", "FISCALPERD", "SRCECURN", "SRCELEDGER", "SRCETYPE", "POSTINGSEQ", "BATCHNBR",
              "ENTRYNBR", "TRANSNBR", "JRNLDATE", "DOCDATE", "JNLDTLDESC", "TRANSAMT", "AUDTDATE", "AUDTTIME",
              "AUDTUSER", "HCURNCODE"]
    body = [["6000-100", "2024", "03", "CAD", "GL", "JE", "88", "000412", "00001", "0000000020", "20240331",
             "20240331", "Accrual", "1200.000", "20240402", "9153012", "ADMIN", "CAD"],
            ["2100-100", "2024", "03", "CAD", "GL", "JE", "88", "000412", "00001", "0000000040", "20240331",
             "20240331", "Accrual", "-1200.000", "20240402", "9153012", "ADMIN", "CAD"]]
    con, report = load_paths(write_text(tmp_path / "glpost.csv", header, body))
    assert report.layout == "sage_300"
    assert lines(con, "journal_id, line_no, account, amount, source, entered_at") == [
        ("000412-00001", 20, "6000-100", Decimal("1200"), "GL-JE", dt.datetime(2024, 4, 2, 9, 15, 30)),
        ("000412-00001", 40, "2100-100", Decimal("-1200"), "GL-JE", dt.datetime(2024, 4, 2, 9, 15, 30))]


def test_je_testing_layout(tmp_path):
    header = ["JEEntryKey", "GLAccountNumber", "GLAccountName", "EffectiveDate", "Period", "EntryDate",
              "PreparerID", "Source", "BusinessUnit", "JEDescription", "Debit", "Credit", "Amount", "SysManInd"]
    body = [["JE-77", "4000", "Revenue", "2024-12-31", "2024-12", "2025-01-04", "kim", "GJ", "US01",
             "Top-side", "0", "25000", "-25000", "M"],
            ["JE-77", "1100", "Receivables", "2024-12-31", "2024-12", "2025-01-04", "kim", "GJ", "US01",
             "Top-side", "25000", "0", "25000", "M"],
            ["JE-78", "1100", "Receivables", "2024-12-30", "2024-12", "2024-12-30", "sys", "AR", "US01",
             "", "10", "0", "10", "S"]]
    con, report = load_paths(write_text(tmp_path / "je.csv", header, body))
    assert report.layout == "je_testing"
    assert lines(con, "journal_id, amount, is_manual, entered_by, period, account_name") == [
        ("JE-77", Decimal("-25000"), True, "kim", "2024-12", "Revenue"),
        ("JE-77", Decimal("25000"), True, "kim", "2024-12", "Receivables"),
        ("JE-78", Decimal("10"), False, "sys", "2024-12", "Receivables")]


def test_canonical_csv_and_generic_names(tmp_path):
    con, report = load_paths(write_text(tmp_path / "canonical.csv",
                                        ["journal_id", "line_no", "account", "amount", "effective_date", "entered_at"],
                                        [["J1", "1", "1000", "5.00", "2024-01-31", "2024-02-01 10:00:00"]]))
    assert report.layout == "jecheck" and report.rows_loaded == 1
    con, report = load_paths(write_text(tmp_path / "generic.csv",
                                        ["Voucher No", "Posting Date", "GL Account", "Debit", "Credit", "Created By"],
                                        [["V9", "2024-01-31", "1000", "5", "", "ann"]]))
    assert report.layout == "generic"
    assert lines(con, "journal_id, account, amount, effective_date, entered_by") == [
        ("V9", "1000", Decimal("5"), dt.date(2024, 1, 31), "ann")]


@pytest.mark.parametrize("name", ["ads_flat", "xero"])
def test_mapping_file_overrides_one_column(tmp_path, name):
    header = ["Journal_ID", "GL_Account_Number", "Amount", "Amount_Credit_Debit_Indicator", "Effective_Date",
              "Posting_Date"]
    path = write_text(tmp_path / "gl.csv", header, [["J1", "1000", "5", "C", "20240101", "20240131"]])
    mapping = tmp_path / ("map.toml" if name == "ads_flat" else "map.yaml")
    mapping.write_text('[columns]\neffective_date = "Posting_Date"\n' if name == "ads_flat"
                       else "columns:\n  effective_date: Posting_Date\n")
    con, report = load_paths(path, map_file=str(mapping))
    assert lines(con) == [("J1", "1000", Decimal("-5"), dt.date(2024, 1, 31))]
    assert "Effective_Date" in report.unmapped_columns
