"""Outputs of a scan: findings.json, entries.parquet, rejects.csv (and the workpaper and HTML page).

Every file is written to a temporary name in the output folder and renamed into place when complete,
so an interrupted run never leaves a file that looks finished.
"""

from __future__ import annotations

from pathlib import Path

from .files import atomic_path
from .findings_json import write_findings_json
from .tables import write_entries_parquet, write_rejects_csv

__all__ = ["write_outputs", "atomic_path", "write_findings_json", "write_entries_parquet", "write_rejects_csv"]


def write_outputs(result, out_dir: str | Path) -> list[Path]:
    """Write every output file of `result` (a ScanResult) into `out_dir`; return the paths written."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        from ..errors import UsageError

        raise UsageError(f"--out {out} is a file; give a folder for the reports")
    out.mkdir(parents=True, exist_ok=True)
    written = [write_findings_json(result, out / "findings.json")]
    if _has_table(result.con, "review"):
        written.append(write_entries_parquet(result.con, out / "entries.parquet"))
    if result.ingest.rows_rejected:
        written.append(write_rejects_csv(result.con, out / "rejects.csv"))
    return written


def _has_table(con, name: str) -> bool:
    from ..db import table_exists

    return table_exists(con, name)
