"""Segment rarity counts journals, not the accounts a journal carries the value on."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from jecheck.model import ModelOptions, _create_scope
from jecheck.model.features import build_features
from jecheck.views import column_counts
from model_helpers import load


def _lines(rows: list[tuple[str, str, str | None, float]]) -> pa.Table:
    """(journal, account, segment1 value, amount) per line."""
    return pa.table({
        "journal_id": [r[0] for r in rows],
        "account": [r[1] for r in rows],
        "segment1": pa.array([r[2] for r in rows], pa.string()),
        "amount": pa.array([r[3] for r in rows], pa.float64()),
        "effective_date": [dt.date(2025, 3, 14)] * len(rows),
    })


def _segment_counts(rows) -> dict[str | None, tuple[int, int]]:
    """segment1 value -> (reference journals sharing it, others a journal carrying it is told about)."""
    con = load(_lines(rows))
    _create_scope(con, ModelOptions())
    parts = build_features(con, column_counts(con))
    assert "segments" in parts
    shared = dict(con.execute("SELECT value, n FROM model_values_segment WHERE segment = 'segment1'").fetchall())
    base = con.execute("SELECT count(*) + 1 FROM model_values_segment").fetchall()[0][0]
    others = dict(con.execute(f"""
        SELECT v.value, min(p.segment_code // {base})
        FROM model_part_segments p JOIN model_values_segment v ON v.rk = p.segment_code % {base}
        GROUP BY v.value
    """).fetchall())
    return {value: (n, others.get(value)) for value, n in shared.items()}


def test_a_value_on_several_accounts_of_one_journal_counts_that_journal_once():
    rows = []
    for i in range(20):  # common: CC1 on both sides of twenty journals
        rows += [(f"J{i}", "6100", "CC1", 100.0), (f"J{i}", "1000", "CC1", -100.0)]
    # RARE on three accounts of one journal, and on one account of another
    rows += [("R1", "6100", "RARE", 50.0), ("R1", "6200", "RARE", 50.0), ("R1", "1000", "RARE", -100.0)]
    rows += [("R2", "6100", "RARE", 70.0), ("R2", "1000", None, -70.0)]
    counts = _segment_counts(rows)
    assert counts["CC1"][0] == 20
    assert counts["RARE"] == (2, 1)  # two journals; each is told of the one other


def test_a_value_only_one_journal_carries_has_no_others_however_many_lines():
    rows = [(f"J{i}", "6100", "CC1", 100.0) for i in range(10)] + [(f"J{i}", "1000", "CC1", -100.0) for i in range(10)]
    rows += [("ONLY", a, "LONE", x) for a, x in (("6100", 10.0), ("6200", 20.0), ("6300", 30.0), ("1000", -60.0))]
    counts = _segment_counts(rows)
    assert counts["LONE"] == (1, 0)
