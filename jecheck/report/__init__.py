"""Outputs of a scan: findings.json, entries.parquet, rejects.csv, report.xlsx and report.html.

The files are written into a private folder inside the output folder and moved into place together
when all are complete (`files.output_set`), so an interrupted run leaves the earlier run's set as it was
and never a file that looks finished but is not.

The writers load on first use (`import_writers`): they bring polars and xlsxwriter (~0.4 s), which
`jecheck --help`, the progress display and the scan's start need not wait for.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import db
from ..db import table_exists
from .files import atomic_path, output_set

_WRITERS = {"write_findings_json": ".findings_json", "write_entries_parquet": ".tables",
            "write_rejects_csv": ".tables", "write_workpaper": ".xlsx", "write_html_report": ".html"}

__all__ = ["write_outputs", "import_writers", "atomic_path", *_WRITERS]


def __getattr__(name: str):
    if name not in _WRITERS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    writer = getattr(importlib.import_module(_WRITERS[name], __name__), name)
    globals()[name] = writer
    return writer


def import_writers() -> None:
    """Import every writer now (say, on a thread while DuckDB loads the ledger)."""
    for name in _WRITERS:
        __getattr__(name)


def _writer(name: str) -> Callable:
    # globals() first: a writer replaced on the package (tests stall or interrupt one) is the one called.
    return globals()[name] if name in globals() else __getattr__(name)


def write_outputs(result, out_dir: str | Path, progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write every output file of `result` (a ScanResult) into `out_dir`; return the paths written.

    `progress`, if given, is called with "report" before the first file is written.

    findings.json, entries.parquet and rejects.csv (DuckDB and Arrow work, which releases the GIL) are
    written on a thread while the workpaper and the page (mostly Python) are written on this one.
    """
    with output_set(out_dir) as staging:
        if progress:
            progress("report")
        with ThreadPoolExecutor(1, thread_name_prefix="jecheck-write") as pool:
            tables = pool.submit(_write_tables, result, staging)
            try:
                documents = [_writer("write_workpaper")(result, staging / "report.xlsx"),
                             _writer("write_html_report")(result, staging / "report.html")]
                written = [*tables.result(), *documents]
            except BaseException:  # Ctrl-C or a failure: the other thread's query need not run on
                db.interrupt_all()
                raise
    return [staging.parent / path.name for path in written]


def _write_tables(result, staging: Path) -> list[Path]:
    """findings.json, entries.parquet and rejects.csv, on a cursor of their own (a DuckDB connection object
    serves one thread at a time)."""
    result = copy.copy(result)
    with db.cursor(result.con) as con:
        result.con = con
        written = [_writer("write_findings_json")(result, staging / "findings.json")]
        if table_exists(con, "review"):
            written.append(_writer("write_entries_parquet")(con, staging / "entries.parquet"))
        if result.ingest.rows_rejected:
            written.append(_writer("write_rejects_csv")(con, staging / "rejects.csv"))
    return written
