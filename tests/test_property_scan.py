"""Properties of whole scans on generated ledgers: every row is accounted for, balanced ledgers are
balanced, results are reproducible and independent of row order, and one planted anomaly adds
exactly its own finding."""

from __future__ import annotations

import random
import tempfile
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from safety_helpers import (findings_document, flagged, journal_bodies, ledger_rows, ledgers, outcome_of, scan,
                            write_csv, write_parquet)

# Ledger files are written per example into a fresh folder, so no function-scoped fixture is needed.
# Each example is a scan (about a second): shrinking a failure would take minutes, so the first
# failing ledger is reported as generated.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
FAST = settings(max_examples=8, deadline=None, database=None, phases=NO_SHRINK)
WHOLE_SCAN = settings(max_examples=2, deadline=None, database=None, phases=NO_SHRINK)

CORRUPTIONS = {  # what a broken cell looks like -> the column it breaks
    "amount": "12..50",
    "effective_date": "2024-02-30",
    "journal_id": "",
}


@FAST
@given(journals=ledgers(min_journals=3, max_journals=12), data=st.data())
def test_every_row_read_is_loaded_or_rejected(journals, data):
    rows = ledger_rows(journals)
    broken = data.draw(st.dictionaries(st.integers(0, len(rows) - 1), st.sampled_from(sorted(CORRUPTIONS)),
                                       max_size=len(rows)))
    for index, column in broken.items():
        rows[index] = {**rows[index], column: CORRUPTIONS[column]}
    with tempfile.TemporaryDirectory() as folder:
        result = scan(write_csv(rows, Path(folder) / "gl.csv"), model=False, select=("INT-001",))
        document = findings_document(result, Path(folder) / "out")
        counts = document["run"]["rows"]
        assert counts == {"read": len(rows), "loaded": len(rows) - len(broken), "rejected": len(broken)}
        loaded = [r for (r,) in result.con.execute("SELECT source_row FROM lines ORDER BY 1").fetchall()]
        rejected = [r for (r,) in result.con.execute("SELECT source_row FROM rejects ORDER BY 1").fetchall()]
        assert rejected == sorted(i + 1 for i in broken)
        assert sorted(loaded + rejected) == list(range(1, len(rows) + 1))


@FAST
@given(journals=ledgers(min_journals=1, max_journals=25), file_format=st.sampled_from(["parquet", "csv"]))
def test_a_balanced_ledger_reports_no_unbalanced_journal(journals, file_format):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"gl.{file_format}"
        (write_parquet if file_format == "parquet" else write_csv)(ledger_rows(journals), path)
        result = scan(path, model=False, select=("INT-001",))
        document = findings_document(result, Path(folder) / "out")
    assert [(r["id"], r["status"], r["hits"]) for r in document["rules"] if r["status"] != "skipped"] == [
        ("INT-001", "ran", 0)]
    assert result.con.execute("SELECT count(*) FROM completeness_unbalanced").fetchone()[0] == 0


PLANTED_RULES = ("INT-001", "TIM-001", "APR-002")


def plant(journal, kind: str):
    """The journal with one anomaly of `kind`, and the rule that must flag it."""
    if kind == "unbalanced":
        return replace(journal, amounts=(journal.amounts[0] + Decimal("0.01"), *journal.amounts[1:])), "INT-001"
    if kind == "weekend":
        saturday = journal.entered_at + timedelta(days=6 - journal.entered_at.isoweekday())
        return replace(journal, entered_at=saturday), "TIM-001"
    return replace(journal, approved_by=journal.entered_by), "APR-002"


@FAST
@given(journals=ledgers(min_journals=2, max_journals=15), extra=journal_bodies(),
       kind=st.sampled_from(["unbalanced", "weekend", "self-approved"]), position=st.floats(0, 1))
def test_one_planted_anomaly_adds_exactly_its_finding(journals, extra, kind, position):
    planted, rule_id = plant(replace(extra, journal_id="JE-PLANTED"), kind)
    with_anomaly = list(journals)
    with_anomaly.insert(int(position * len(journals)), planted)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        before = findings_document(scan(write_parquet(ledger_rows(journals), folder / "before.parquet"),
                                        model=False, select=PLANTED_RULES), folder / "before")
        after = findings_document(scan(write_parquet(ledger_rows(with_anomaly), folder / "after.parquet"),
                                       model=False, select=PLANTED_RULES), folder / "after")
    assert flagged(before) == set()
    assert flagged(after) == {(rule_id, "JE-PLANTED")}


@WHOLE_SCAN
@given(journals=ledgers(), shuffle_seed=st.integers(0, 2**32 - 1))
def test_rerun_and_row_order_change_nothing_but_row_numbers(journals, shuffle_seed):
    rows = ledger_rows(journals)
    shuffled = list(rows)
    random.Random(shuffle_seed).shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = write_parquet(rows, folder / "gl.parquet")
        first = findings_document(scan(path), folder / "first")
        again = findings_document(scan(path), folder / "again")
        reordered = findings_document(scan(write_parquet(shuffled, folder / "shuffled.parquet")), folder / "shuffled")
    assert first["review"] and any(entry["anomaly_score"] is not None for entry in first["review"])
    assert outcome_of(again) == outcome_of(first)
    assert outcome_of(reordered, ignore_row_numbers=True) == outcome_of(first, ignore_row_numbers=True)
