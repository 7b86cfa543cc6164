"""Outputs of a scan: findings.json, entries.parquet, rejects.csv, report.xlsx and report.html.

The files are written into a private folder inside the output folder and moved into place together
when all are complete (`files.output_set`), so an interrupted run leaves the earlier run's set as it was
and never a file that looks finished but is not.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..db import table_exists
from .files import atomic_path, output_set
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
    with output_set(out_dir) as staging:
        if progress:
            progress("report")
        written = [write_findings_json(result, staging / "findings.json")]
        if table_exists(result.con, "review"):
            written.append(write_entries_parquet(result.con, staging / "entries.parquet"))
        if result.ingest.rows_rejected:
            written.append(write_rejects_csv(result.con, staging / "rejects.csv"))
        written.append(write_workpaper(result, staging / "report.xlsx"))
        written.append(write_html_report(result, staging / "report.html"))
    return [staging.parent / path.name for path in written]
