"""Outputs of a scan: findings.json, entries.parquet, rejects.csv, report.xlsx and report.html.

Every file is written to a temporary name in the output folder and renamed into place when complete,
so an interrupted run never leaves a file that looks finished.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..db import table_exists
from ..errors import UsageError
from .files import atomic_path
from .findings_json import write_findings_json
from .html import write_html_report
from .tables import write_entries_parquet, write_rejects_csv
from .xlsx import write_workpaper

__all__ = ["write_outputs", "atomic_path", "write_findings_json", "write_entries_parquet", "write_rejects_csv",
           "write_workpaper", "write_html_report"]


def write_outputs(result, out_dir: str | Path, progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write every output file of `result` (a ScanResult) into `out_dir`; return the paths written.

    `progress`, if given, is called with "report" before the first file is written.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder for the reports")
    out.mkdir(parents=True, exist_ok=True)
    if progress:
        progress("report")
    written = [write_findings_json(result, out / "findings.json")]
    if table_exists(result.con, "review"):
        written.append(write_entries_parquet(result.con, out / "entries.parquet"))
    if result.ingest.rows_rejected:
        written.append(write_rejects_csv(result.con, out / "rejects.csv"))
    written.append(write_workpaper(result, out / "report.xlsx"))
    written.append(write_html_report(result, out / "report.html"))
    return written
