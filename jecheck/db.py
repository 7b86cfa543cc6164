"""The DuckDB connection: one in-process database per run, holding the ledger and every result."""

from __future__ import annotations

import os
import tempfile

import duckdb


def connect(
    database: str = ":memory:",
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection with the run's resource limits.

    `memory_limit` is DuckDB's own (e.g. "4GB"); past it DuckDB spills to `temp_directory`.
    No extension is ever auto-installed: nothing leaves the machine.
    """
    config: dict[str, str | int | bool] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if threads:
        config["threads"] = int(threads)
    if memory_limit:
        config["memory_limit"] = memory_limit
    config["temp_directory"] = temp_directory or os.path.join(tempfile.gettempdir(), "jecheck_spill")
    con = duckdb.connect(database, config=config)
    return con


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """After the data is loaded: no file, network or extension access, and no way to undo that.

    Rule packs are code from elsewhere; from here on SQL can only read the tables already loaded.
    """
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when a table or view of that name exists in the main schema."""
    return con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()[0] > 0
