"""entries.parquet (every ranked journal) and rejects.csv (every row that did not load, and why)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .files import atomic_path, inert_text_sql
from .summary import arrow_batches, query_frame

if TYPE_CHECKING:
    import pyarrow as pa


# Columns with few distinct values, worth a Parquet dictionary; the rest (ids, scores, reasons) are nearly
# all distinct, and building a dictionary for them costs time for nothing.
_DICTIONARY_COLUMNS = ["rule_ids.list.element", "entered_by", "approved_by", "source", "period_key"]
ENTRIES_BATCH_ROWS = 200_000


def write_entries_parquet(con, path: Path) -> Path:
    """One row per journal in rank order: the contract's columns plus the journal's date, preparer, source
    and size. Streamed from DuckDB in record batches, so memory stays bounded however many journals.

    The ranked rows and the journals' facts come as two streams, each sorted by rank, set side by side here:
    sorting the joined rows cost DuckDB twice as much (10M lines: query 6 -> 4 CPU s), the review's lists
    passing through the join's hash table and the sort.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    with arrow_batches(con, """
            SELECT journal_id, rank, risk_score, anomaly_score, percentile, rule_ids, reasons
            FROM review ORDER BY rank
        """, ENTRIES_BATCH_ROWS) as ranked, arrow_batches(con, """
            SELECT r.rank, j.effective_date, j.entered_at, j.entered_by, j.approved_by, j.source, j.period_key,
                   j.line_count, j.total_debit, j.header_description
            FROM review r LEFT JOIN journals j USING (journal_id)
            ORDER BY r.rank
        """, ENTRIES_BATCH_ROWS) as facts, atomic_path(path) as tmp:
        schema = pa.schema([*ranked.schema, *list(facts.schema)[1:]])
        with pq.ParquetWriter(tmp, schema, compression="zstd", use_dictionary=_DICTIONARY_COLUMNS) as out:
            for left, right in _side_by_side(ranked, facts):
                out.write_batch(pa.RecordBatch.from_arrays([*left.columns, *right.columns[1:]], schema=schema))
    return path


def _side_by_side(left: Iterable[pa.RecordBatch], right: Iterable[pa.RecordBatch]
                  ) -> Iterator[tuple[pa.RecordBatch, pa.RecordBatch]]:
    """Pairs of equally long slices of two streams of equally many rows, whose rank columns (the left's
    second, the right's first) must agree row by row."""
    import pyarrow.compute as pc

    lefts, rights = iter(left), iter(right)
    left_batch = right_batch = None
    while True:
        while left_batch is None or not left_batch.num_rows:
            left_batch = next(lefts, None)
            if left_batch is None:
                if (right_batch is not None and right_batch.num_rows
                        or next((b for b in rights if b.num_rows), None) is not None):
                    raise RuntimeError("entries.parquet: the journals' facts outnumber the ranked journals")
                return
        while right_batch is None or not right_batch.num_rows:
            right_batch = next(rights, None)
            if right_batch is None:
                raise RuntimeError("entries.parquet: the ranked journals outnumber the journals' facts")
        rows = min(left_batch.num_rows, right_batch.num_rows)
        pair = left_batch.slice(0, rows), right_batch.slice(0, rows)
        if not pc.all(pc.equal(pair[0].column(1), pair[1].column(0))).as_py():
            raise RuntimeError("entries.parquet: the ranked journals and their facts are out of step")
        yield pair
        left_batch, right_batch = left_batch.slice(rows), right_batch.slice(rows)


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
