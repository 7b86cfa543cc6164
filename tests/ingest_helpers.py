"""Helpers for the ingest tests: write small ledgers in any layout and load them."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from jecheck.ingest import IngestReport, LoadOptions, load


def write_text(path: Path, header: list[str], rows: list[list[object]], *, delimiter: str = ",",
               encoding: str = "utf-8", title_rows: list[str] = ()) -> Path:
    """A delimited text file, quoted the way spreadsheet exports quote."""
    with open(path, "w", newline="", encoding=encoding) as handle:
        for title in title_rows:
            handle.write(title + "\r\n")
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def load_paths(*paths: Path | str, **options) -> tuple[duckdb.DuckDBPyConnection, IngestReport]:
    """Load into a fresh in-memory database; checks the row accounting every load must keep."""
    con = duckdb.connect()
    report = load(con, LoadOptions(paths=tuple(str(p) for p in paths), **options))
    assert_accounted(con, report)
    return con, report


def assert_accounted(con: duckdb.DuckDBPyConnection, report: IngestReport) -> None:
    """read = loaded + rejected, and the tables hold exactly those rows."""
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    lines = con.execute("SELECT count(*) FROM lines").fetchone()[0]
    ledger_files = {f.name for f in report.files if f.role in ("ledger", "bseg")}
    rejected = con.execute(
        f"SELECT count(*) FROM rejects WHERE source_file IN ({', '.join('?' * len(ledger_files))})",
        list(ledger_files)).fetchone()[0]
    assert lines == report.rows_loaded
    assert rejected == report.rows_rejected


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def rejects(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """source_row -> reason."""
    return dict(con.execute("SELECT source_row, reason FROM rejects ORDER BY source_row").fetchall())
