"""Ingest: read ledger and context files into DuckDB and map them onto the canonical schema.

`load(con, LoadOptions(paths=("ledger.csv",)))` creates `lines` (schema.LINE_COLUMNS), `rejects`
(source_file, source_row, reason, raw) and a `ctx_<name>` table per context file given, and returns
an IngestReport; `read = loaded + rejected` always holds. `detect_mapping(options)` shows how a
ledger's columns would be mapped without loading it (`jecheck map`).
"""

from .loader import detect_mapping, load, write_rejects
from .model import ContextInfo, FileInfo, IngestReport, LoadOptions, MappingPlan

__all__ = ["ContextInfo", "FileInfo", "IngestReport", "LoadOptions", "MappingPlan", "detect_mapping", "load",
           "write_rejects"]
