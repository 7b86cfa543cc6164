"""entries.parquet: every ranked journal once, in rank order, beside its own journal's facts."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from report_helpers import build_result

from jecheck.report import tables


def _expected(con) -> pa.Table:
    """The contract's rows as one joined, rank-ordered query gives them."""
    return con.sql("""
        SELECT r.journal_id, r.rank, r.risk_score, r.anomaly_score, r.percentile, r.rule_ids, r.reasons,
               j.effective_date, j.entered_at, j.entered_by, j.approved_by, j.source, j.period_key,
               j.line_count, j.total_debit, j.header_description
        FROM review r LEFT JOIN journals j USING (journal_id)
        ORDER BY r.rank
    """).to_arrow_table()


@pytest.mark.parametrize("batch_rows", [7, 100_000])
def test_rows_are_the_ranked_journals_beside_their_own_facts(tmp_path, monkeypatch, batch_rows):
    result = build_result(journals=240)
    # Shuffle the stored order so that neither table is already in rank order.
    result.con.execute("CREATE OR REPLACE TABLE review AS SELECT * FROM review ORDER BY hash(journal_id)")
    result.con.execute("CREATE OR REPLACE TABLE journals AS SELECT * FROM journals ORDER BY hash(journal_id || 'x')")
    monkeypatch.setattr(tables, "ENTRIES_BATCH_ROWS", batch_rows)
    path = tables.write_entries_parquet(result.con, tmp_path / "entries.parquet")
    written = pq.read_table(path)
    assert written.equals(_expected(result.con))
    assert written.column("rank").to_pylist() == list(range(1, 241))


def _batch(ranks: list[int], name: str) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array(ranks), pa.array([f"{name}{r}" for r in ranks])], ["rank", name])


def test_streams_cut_differently_are_paired_row_by_row():
    left = [pa.RecordBatch.from_arrays([pa.array(["a", "b", "c"]), pa.array([1, 2, 3])], ["id", "rank"]),
            pa.RecordBatch.from_arrays([pa.array([], pa.string()), pa.array([], pa.int64())], ["id", "rank"]),
            pa.RecordBatch.from_arrays([pa.array(["d", "e"]), pa.array([4, 5])], ["id", "rank"])]
    right = [_batch([1], "f"), _batch([2, 3, 4, 5], "f")]
    pairs = list(tables._side_by_side(left, right))
    assert [p[0].num_rows for p in pairs] == [p[1].num_rows for p in pairs]
    assert [r for p in pairs for r in p[1].column(1).to_pylist()] == ["f1", "f2", "f3", "f4", "f5"]
    assert [r for p in pairs for r in p[0].column(0).to_pylist()] == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize("right_ranks, problem", [([1, 3], "out of step"), ([1], "outnumber"),
                                                  ([1, 2, 3], "outnumber")])
def test_streams_out_of_step_or_of_unequal_length_fail(right_ranks, problem):
    left = [pa.RecordBatch.from_arrays([pa.array(["a", "b"]), pa.array([1, 2])], ["id", "rank"])]
    with pytest.raises(RuntimeError, match=problem):
        list(tables._side_by_side(left, [_batch(right_ranks, "f")]))
