"""Context files: chart of accounts, users, close calendar, source listing, trial balance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from jecheck.errors import DataError, UsageError
from jecheck.ingest import LoadOptions, load

from ingest_helpers import load_paths, rows, write_text

LEDGER_HEADER = ["Journal_ID", "GL_Account_Number", "Amount", "Amount_Credit_Debit_Indicator", "Effective_Date",
                 "Source", "Entered_By"]


@pytest.fixture
def ledger(tmp_path):
    return write_text(tmp_path / "gl.csv", LEDGER_HEADER, [
        ["J1", "1000", "10", "D", "20240131", "GJ", "ann"], ["J1", "2000", "10", "C", "20240131", "GJ", "ann"],
        ["J2", "1000", "7", "D", "20240131", "ar", "sys"], ["J2", "4000", "7", "C", "20240131", "ar", "sys"]])


def test_ads_chart_of_accounts(tmp_path, ledger):
    coa = write_text(tmp_path / "Chart_Of_Accounts.csv",
                     ["GL_Account_Number", "GL_Account_Name", "GL_Account_Description", "Account_Type",
                      "Account_Subtype", "FS_Caption", "Parent_GL_Account_Number", "Business_Unit_Code"],
                     [["1000", "Cash", "", "Assets", "Cash", "Cash", "", "US01"],
                      ["2000", "Suspense", "", "Liabilities", "Suspense Account", "Other", "", "US01"],
                      ["3100", "Retained earnings", "", "Equity", "Retained Earnings", "Equity", "", "US01"],
                      ["4000", "Sales", "", "Revenue", "", "Revenue", "", "US01"],
                      ["", "no number", "", "Expenses", "", "", "", "US01"]])
    con, report = load_paths(ledger, coa=str(coa))
    assert rows(con, "SELECT account, name, type, subtype FROM ctx_coa ORDER BY account") == [
        ("1000", "Cash", "asset", "cash"), ("2000", "Suspense", "liability", "suspense_account"),
        ("3100", "Retained earnings", "equity", "retained_earnings"), ("4000", "Sales", "revenue", None)]
    info = report.context["coa"]
    assert (info.rows_read, info.rows_loaded, info.rows_rejected) == (5, 4, 1)
    assert rows(con, "SELECT source_file, source_row, reason FROM rejects") == [
        ("Chart_Of_Accounts.csv", 5, "account: empty")]
    assert report.rows_rejected == 0  # the ledger's own count is untouched


def test_user_listing_with_approval_rights(tmp_path, ledger):
    users = write_text(tmp_path / "users.csv",
                       ["User_ID", "First_Name", "Last_Name", "Title", "Department", "Role_Responsibility",
                        "User_Active_Status", "User_Active_Modified_Date", "Approval_Rights", "Approval_Limit"],
                       [["ann", "Ann", "Lee", "Controller", "Finance", "GL", "Active", "2023-01-05", "Y", "50,000"],
                        ["sys", "", "Batch", "", "IT", "", "Inactive", "2024-02-01", "N", ""]])
    con, _ = load_paths(ledger, users=str(users))
    assert rows(con, "SELECT user_id, name, active, active_modified_at, can_approve, approval_limit "
                     "FROM ctx_users ORDER BY 1") == [
        ("ann", "Ann Lee", True, dt.datetime(2023, 1, 5), True, Decimal("50000")),
        ("sys", "Batch", False, dt.datetime(2024, 2, 1), False, None)]


def test_close_calendar_and_its_rejects(tmp_path, ledger):
    calendar = write_text(tmp_path / "close.csv", ["period", "period_start", "period_end", "closed_at"],
                          [["2024-01", "2024-01-01", "2024-01-31", "2024-02-06 17:00"],
                           ["2024-02", "2024-02-01", "2024-02-30", ""]])
    con, report = load_paths(ledger, calendar=str(calendar))
    assert rows(con, "SELECT period, period_start, period_end, closed_at FROM ctx_calendar") == [
        ("2024-01", dt.date(2024, 1, 1), dt.date(2024, 1, 31), dt.datetime(2024, 2, 6, 17))]
    assert rows(con, "SELECT source_file, source_row, reason FROM rejects") == [
        ("close.csv", 2, "period_end: cannot read '2024-02-30' as a date")]
    assert any("--calendar close.csv: 1 of 2 rows rejected" in w for w in report.warnings)


def test_source_listing_fills_is_manual(tmp_path, ledger):
    sources = write_text(tmp_path / "Source_Listing.csv",
                         ["Source", "Source_Description", "ERP_Subledger_Module", "System_Manual_Identifier"],
                         [["GJ", "General journal", "GL", "Manual"], ["AR", "Receivables", "AR", "System"]])
    con, report = load_paths(ledger, source_listing=str(sources))
    assert rows(con, "SELECT journal_id, bool_and(is_manual) FROM lines GROUP BY 1 ORDER BY 1") == [
        ("J1", True), ("J2", False)]
    assert "source listing" in report.mapping["is_manual"]


def test_trial_balance(tmp_path, ledger):
    tb = write_text(tmp_path / "Trial_Balance.csv",
                    ["GL_Account_Number", "Business_Unit_Code", "Fiscal_Year", "Period", "Balance_As_Of_Date",
                     "Amount_Beginning", "Amount_Ending", "Amount_Currency"],
                    [["1000", "US01", "2024", "1", "20240131", "100.00", "117.00", "USD"],
                     ["4000", "US01", "2024", "1", "20240131", "0", "(7.00)", "USD"]])
    con, report = load_paths(ledger, tb=str(tb))
    assert rows(con, "SELECT account, fiscal_year, balance_as_of, beginning, ending FROM ctx_tb ORDER BY 1") == [
        ("1000", 2024, dt.date(2024, 1, 31), Decimal("100"), Decimal("117")),
        ("4000", 2024, dt.date(2024, 1, 31), Decimal("0"), Decimal("-7"))]
    assert report.context["tb"].rows_loaded == 2


def test_context_file_without_its_key_column(tmp_path, ledger):
    users = write_text(tmp_path / "staff.csv", ["Person", "Dept"], [["ann", "Finance"]])
    with pytest.raises(DataError, match=r"--users staff\.csv: no column found for user_id .*"
                                        r"\[context\.users\.columns\]"):
        load(duckdb.connect(), LoadOptions(paths=(str(ledger),), users=str(users)))
    mapping = tmp_path / "map.toml"
    mapping.write_text('[context.users.columns]\nuser_id = "Person"\ndepartment = "Dept"\n')
    con, _ = load_paths(ledger, users=str(users), map_file=str(mapping))
    assert rows(con, "SELECT user_id, department FROM ctx_users") == [("ann", "Finance")]


def test_mapping_file_naming_a_missing_column(tmp_path, ledger):
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\namount = "Amt"\n')
    with pytest.raises(UsageError, match=r"map\.toml maps amount to column 'Amt', which gl\.csv does not have "
                                         r"\(its columns: Journal_ID, GL_Account_Number"):
        load(duckdb.connect(), LoadOptions(paths=(str(ledger),), map_file=str(mapping)))


@pytest.mark.parametrize("text, message", [
    ("[columns\n", "is not valid TOML"),
    ('[columns]\namout = "Amount"\n', "'amout' is not a column jecheck knows \\(did you mean 'amount'\\?\\)"),
    ('colums = 1\n', "unknown key 'colums'"),
    ('layout = "oracle"\n', "layout 'oracle' is unknown"),
])
def test_bad_mapping_files_are_one_sentence_errors(tmp_path, ledger, text, message):
    mapping = tmp_path / "map.toml"
    mapping.write_text(text)
    with pytest.raises(UsageError, match=message):
        load(duckdb.connect(), LoadOptions(paths=(str(ledger),), map_file=str(mapping)))


def test_unknown_layout_names_missing_columns_candidates_and_remedy(tmp_path):
    path = write_text(tmp_path / "export.csv", ["Doc", "Acct No.", "Value", "Booked"], [["1", "2", "3", "4"]])
    with pytest.raises(DataError) as caught:
        load(duckdb.connect(), LoadOptions(paths=(str(path),)))
    message = str(caught.value)
    assert message.startswith("export.csv: no column found for journal_id")
    assert "account (the GL account number; candidates: Acct No.)" in message
    assert "effective_date (the accounting (posting) date; candidates: Booked)" in message
    assert message.endswith("`jecheck map " + str(path) + "` writes one to edit)")
    assert "\n" not in message
