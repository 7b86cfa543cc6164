"""The canonical schema: the `lines` table every rule reads, and the context tables.

Named after the AICPA Audit Data Standard in snake_case (see DESIGN.md). Ingest maps every
source layout onto these names; nothing downstream knows which system a ledger came from.
`lines` always has every column below; a column the source lacks is all NULL, and the table
`column_availability` says which columns were mapped and how many values each holds.
"""

from __future__ import annotations

from dataclasses import dataclass

AMOUNT_TYPE = "DECIMAL(38,4)"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    kind: str  # text | amount | date | timestamp | integer | boolean | rownum
    description: str
    required: bool = False


LINE_COLUMNS: tuple[Column, ...] = (
    Column("journal_id", "VARCHAR", "text", "journal (entry) identifier; SAP: company code + document + year", True),
    Column("account", "VARCHAR", "text", "general-ledger account number, as text", True),
    Column("amount", AMOUNT_TYPE, "amount", "functional-currency amount, signed, debit positive", True),
    Column("effective_date", "DATE", "date", "accounting (posting) date", True),
    Column("line_no", "INTEGER", "integer", "line number within the journal"),
    Column("entity", "VARCHAR", "text", "business unit / company code"),
    Column("fiscal_year", "INTEGER", "integer", "fiscal year as the ledger states it"),
    Column("period", "VARCHAR", "text", "fiscal period as the ledger states it (1..12, M13, W1...)"),
    Column("document_date", "DATE", "date", "date on the source document (SAP BLDAT)"),
    Column("entered_at", "TIMESTAMP", "timestamp", "when the entry was created in the system"),
    Column("entered_by", "VARCHAR", "text", "user who created the entry"),
    Column("approved_by", "VARCHAR", "text", "user who approved the entry"),
    Column("approved_at", "TIMESTAMP", "timestamp", "when the entry was approved"),
    Column("modified_by", "VARCHAR", "text", "user who last changed the entry before posting"),
    Column("modified_at", "TIMESTAMP", "timestamp", "when the entry was last changed"),
    Column("header_description", "VARCHAR", "text", "journal header text"),
    Column("line_description", "VARCHAR", "text", "line text"),
    Column("source", "VARCHAR", "text", "originating journal / document type / source code"),
    Column("is_manual", "BOOLEAN", "boolean", "true for manual entries, false for system-generated"),
    Column("currency", "VARCHAR", "text", "currency of `amount` (ISO 4217)"),
    Column("txn_amount", AMOUNT_TYPE, "amount", "transaction/document-currency amount, signed"),
    Column("txn_currency", "VARCHAR", "text", "transaction/document currency"),
    Column("reversal_indicator", "VARCHAR", "text", "ADS numbering: 1 = is a reversal, 2 = is being reversed"),
    Column("reversal_journal_id", "VARCHAR", "text", "the journal this one reverses or is reversed by"),
    Column("posting_status", "VARCHAR", "text", "SAP BSTAT / Oracle STATUS; blank or 'posted' = normal"),
    Column("account_name", "VARCHAR", "text", "account name when the extract carries it (Xero, QuickBooks, JE layouts)"),
    Column("account_type", "VARCHAR", "text", "account type when the extract carries it"),
    Column("segment1", "VARCHAR", "text", "segment 1 (cost centre...)"),
    Column("segment2", "VARCHAR", "text", "segment 2 (profit centre...)"),
    Column("segment3", "VARCHAR", "text", "segment 3 (posting key...)"),
    Column("segment4", "VARCHAR", "text", "segment 4 (vendor...)"),
    Column("segment5", "VARCHAR", "text", "segment 5 (customer...)"),
    Column("source_row", "BIGINT", "rownum", "row number in the input file (1 = first data row)"),
    Column("source_file", "VARCHAR", "text", "input file the line came from"),
)

LINE_COLUMN_NAMES = tuple(c.name for c in LINE_COLUMNS)
REQUIRED_COLUMNS = tuple(c.name for c in LINE_COLUMNS if c.required)
COLUMNS_BY_NAME = {c.name: c for c in LINE_COLUMNS}

# Context tables as ingest leaves them in DuckDB (ctx_<name>). All optional.
CONTEXT_TABLES: dict[str, tuple[Column, ...]] = {
    "coa": (
        Column("account", "VARCHAR", "text", "GL account number", True),
        Column("name", "VARCHAR", "text", "account name"),
        Column("type", "VARCHAR", "text", "asset | liability | equity | revenue | expense"),
        Column("subtype", "VARCHAR", "text", "cash, receivable, revenue, deferred_revenue, suspense, clearing, "
               "retained_earnings, opening_balance, prior_period_adjustment, intercompany, reserve, ..."),
        Column("fs_caption", "VARCHAR", "text", "financial-statement caption"),
        Column("parent_account", "VARCHAR", "text", "parent account"),
        Column("entity", "VARCHAR", "text", "business unit"),
    ),
    "users": (
        Column("user_id", "VARCHAR", "text", "user id as it appears in entered_by / approved_by", True),
        Column("name", "VARCHAR", "text", "full name"),
        Column("title", "VARCHAR", "text", "job title"),
        Column("department", "VARCHAR", "text", "department"),
        Column("role", "VARCHAR", "text", "role / responsibility"),
        Column("active", "BOOLEAN", "boolean", "user is active"),
        Column("active_modified_at", "TIMESTAMP", "timestamp", "when the active flag last changed"),
        Column("can_approve", "BOOLEAN", "boolean", "user may approve journal entries"),
        Column("approval_limit", AMOUNT_TYPE, "amount", "largest entry the user may approve"),
    ),
    "calendar": (
        Column("period", "VARCHAR", "text", "period label as in the ledger's period field or YYYY-MM", True),
        Column("fiscal_year", "INTEGER", "integer", "fiscal year"),
        Column("period_start", "DATE", "date", "first day", True),
        Column("period_end", "DATE", "date", "last day", True),
        Column("closed_at", "TIMESTAMP", "timestamp", "when the period was locked"),
        Column("is_adjustment", "BOOLEAN", "boolean", "adjustment period (13, 14, M13)"),
    ),
    "sources": (
        Column("source", "VARCHAR", "text", "source code as in the ledger", True),
        Column("description", "VARCHAR", "text", "description"),
        Column("module", "VARCHAR", "text", "ERP sub-ledger module"),
        Column("is_manual", "BOOLEAN", "boolean", "source creates manual entries"),
    ),
    "tb": (
        Column("account", "VARCHAR", "text", "GL account", True),
        Column("entity", "VARCHAR", "text", "business unit"),
        Column("fiscal_year", "INTEGER", "integer", "fiscal year"),
        Column("period", "VARCHAR", "text", "period"),
        Column("balance_as_of", "DATE", "date", "balance date"),
        Column("beginning", AMOUNT_TYPE, "amount", "beginning balance, signed, debit positive", True),
        Column("ending", AMOUNT_TYPE, "amount", "ending balance, signed, debit positive", True),
        Column("currency", "VARCHAR", "text", "currency"),
    ),
    "control_totals": (
        Column("journal_id", "VARCHAR", "text", "journal id", True),
        Column("dc_indicator", "VARCHAR", "text", "D or C (S/H accepted)", True),
        Column("total", AMOUNT_TYPE, "amount", "system total for that journal and side, unsigned", True),
        Column("entered_at", "TIMESTAMP", "timestamp", "entry time per the system log"),
    ),
}

# Dates that systems write where they have no date. Counted and shown, never used as real dates.
PLACEHOLDER_DATES = ("1900-01-01", "1899-12-30", "1899-12-31", "9999-12-31", "0001-01-01")


def create_table_sql(table: str, columns: tuple[Column, ...]) -> str:
    cols = ",\n  ".join(f'"{c.name}" {c.sql_type}' for c in columns)
    return f'CREATE OR REPLACE TABLE "{table}" (\n  {cols}\n)'
