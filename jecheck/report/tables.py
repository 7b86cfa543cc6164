"""entries.parquet (every ranked journal) and rejects.csv (every row that did not load, and why)."""

from __future__ import annotations

from pathlib import Path

from .files import atomic_path, inert_text_sql
from .summary import arrow_batches, query_frame


# Columns with few distinct values, worth a Parquet dictionary; the rest (ids, scores, reasons) are nearly
# all distinct, and building a dictionary for them costs time for nothing.
_DICTIONARY_COLUMNS = ["rule_ids.list.element", "entered_by", "approved_by", "source", "period_key"]
ENTRIES_BATCH_ROWS = 200_000


def write_entries_parquet(con, path: Path) -> Path:
    """One row per journal in rank order: the contract's columns plus the journal's date, preparer, source
    and size. Streamed from DuckDB in record batches, so memory stays bounded however many journals."""
    import pyarrow.parquet as pq

    with arrow_batches(con, """
            SELECT r.journal_id, r.rank, r.risk_score, r.anomaly_score, r.percentile, r.rule_ids, r.reasons,
                   j.effective_date, j.entered_at, j.entered_by, j.approved_by, j.source, j.period_key,
                   j.line_count, j.total_debit, j.header_description
            FROM review r LEFT JOIN journals j USING (journal_id)
            ORDER BY r.rank
        """, ENTRIES_BATCH_ROWS) as reader, atomic_path(path) as tmp:
        with pq.ParquetWriter(tmp, reader.schema, compression="zstd", use_dictionary=_DICTIONARY_COLUMNS) as out:
            for batch in reader:
                out.write_batch(batch)
    return path


def write_rejects_csv(con, path: Path) -> Path:
    """Rejected rows with file, row number, reason and the raw row; no cell can run as a formula."""
    frame = query_frame(con, f"""
        SELECT {inert_text_sql('source_file')} AS source_file, source_row,
               {inert_text_sql('reason')} AS reason, {inert_text_sql('raw')} AS raw
        FROM rejects ORDER BY source_file, source_row
    """)
    with atomic_path(path) as tmp:
        frame.write_csv(tmp)
    return path
