"""Shared by the sample tests: open a generated ledger and its context files in DuckDB."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_sample(ledger: Path) -> duckdb.DuckDBPyConnection:
    """A connection with views `l` (ledger lines), `j` (one row per journal), and the context files."""
    con = duckdb.connect()
    stem = ledger.with_suffix("")
    con.execute(f"CREATE VIEW l AS SELECT * FROM read_parquet('{ledger}')")
    for kind in ("coa", "users", "calendar", "sources", "labels"):
        path = Path(f"{stem}.{kind}.csv")
        if path.exists():
            con.execute(f"CREATE TABLE {kind} AS SELECT * FROM read_csv('{path}', all_varchar=true, header=true)")
    con.execute(f"""CREATE TABLE tb AS SELECT * FROM read_csv('{stem}.tb.csv', header=true, all_varchar=true)""")
    con.execute(f"""CREATE TABLE log AS SELECT * FROM read_csv('{stem}.control_totals.csv', header=true,
                    all_varchar=true)""")
    con.execute("""
        CREATE TABLE j AS
        SELECT journal_id, min(effective_date) AS effective, min(entered_at) AS entered_at,
               min(entered_by) AS entered_by, min(approved_by) AS approved_by, min(approved_at) AS approved_at,
               count(approved_at) AS approved_times, min(header_description) AS header, bool_or(is_manual) AS manual,
               sum(amount) AS net, min(source) AS source, min(period) AS period, min(fiscal_year) AS fiscal_year,
               min(document_date) AS document, sum(abs(amount)) / 2 AS total, count(*) AS line_count
        FROM l GROUP BY journal_id
    """)
    return con
