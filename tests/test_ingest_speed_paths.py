"""The load's shortcuts give exactly what the slow, obvious way gives."""

from __future__ import annotations

import csv

import duckdb
import pytest

from jecheck.ingest import parsing
from jecheck.ingest.loader import LINES_STORED

from ingest_helpers import load_paths, rejects, rows

# The trim the cleanup promises, applied to every cell with no shortcut.
REFERENCE_CLEAN = (r"nullif(nullif(regexp_replace(c, '^[\s\x{a0}\x{2007}\x{202f}\x{feff}]+|"
                   r"[\s\x{a0}\x{2007}\x{202f}\x{feff}]+$', '', 'g'), ''), 'NULL')")


def test_cleanup_shortcut_never_skips_a_cell_that_needs_trimming():
    """Every Unicode character alone, first, last, inside, next to a combining mark and around NULL."""
    con = duckdb.connect()
    con.execute("CREATE TABLE ch AS SELECT chr(CAST(i AS INTEGER)) AS ch FROM range(1, 70000) t(i) "
                "WHERE i < 55296 OR i > 57343")  # surrogates are not characters
    con.execute("CREATE TABLE cells AS SELECT ch AS c FROM ch UNION ALL SELECT ch || 'x' FROM ch "
                "UNION ALL SELECT 'x' || ch FROM ch UNION ALL SELECT 'ab' || ch || 'cd' FROM ch "
                "UNION ALL SELECT ch || 'e\u0301' FROM ch UNION ALL SELECT 'e\u0301' || ch FROM ch "
                "UNION ALL SELECT ch || ch FROM ch UNION ALL SELECT ch || 'NULL' || ch FROM ch "
                "UNION ALL SELECT 'NULL' || ch FROM ch UNION ALL SELECT ch || 'NULL' FROM ch "
                "UNION ALL SELECT unnest(['', 'NULL', ' NULL ', NULL, 'NULLNULL', ' NULL NULL ', 'null', ' a b '])")
    differ, trimmed = con.execute(
        f"SELECT count(*) FILTER (WHERE {parsing.clean('c', 'VARCHAR')} IS DISTINCT FROM {REFERENCE_CLEAN}), "
        f"count(*) FILTER (WHERE {REFERENCE_CLEAN} IS DISTINCT FROM c) FROM cells").fetchone()
    assert trimmed > 9 * 5  # the nine trimmed characters, in each position that is trimmed
    assert differ == 0


def test_placeholder_dates_are_counted_and_emptied_and_lines_keep_file_order(tmp_path):
    path = tmp_path / "gl.csv"
    dates = ["2024-01-31", "1900-01-01", "9999-12-31", "2024-02-01", "", "1899-12-30"] * 3
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["journal_id", "account", "amount", "effective_date"])
        writer.writerows([[f"J{i}", "1000", "1", d] for i, d in enumerate(dates, start=1)])
    con, report = load_paths(path)
    assert report.placeholder_dates == {"effective_date": 9}
    # `lines` is a view over LINES_STORED, whose rows are in file order
    assert rows(con, f"SELECT source_row FROM {LINES_STORED} ORDER BY rowid") == [(i,) for i in range(1, len(dates) + 1)]
    assert rows(con, "SELECT count(*) FROM lines WHERE effective_date IS NULL") == [(12,)]


def test_a_file_database_loads_as_memory_does_and_keeps_no_scratch(tmp_path):
    """Scratch tables are TEMP (never written compressed into the file); results must not depend on it."""
    from jecheck import db
    from jecheck.ingest import LoadOptions, load

    ledger = tmp_path / "gl.csv"
    ledger.write_text("journal_id,account,amount,effective_date\nJ1,1000,5,2024-01-31\nJ2,1000,abc,2024-01-31\n"
                      "J3,1000,1,2024-01-31,extra\nJ4, 2000 ,-5,31/01/2024\n")
    coa = tmp_path / "coa.csv"
    coa.write_text("account,name,type\n1000,Cash,asset\n2000,AP,liability\n3000,Bad,\n")
    tables = ("lines", "rejects", "ctx_coa")
    results = []
    for compressed in (False, True):
        con = db.connect(compressed=compressed)
        load(con, LoadOptions(paths=(str(ledger),), coa=str(coa)))
        results.append([rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in tables])
        assert rows(con, "SELECT table_name FROM information_schema.tables WHERE starts_with(table_name, '__')") == []
    in_memory, in_file = results
    assert in_file == in_memory
    assert len(in_memory[0]) == 2 and len(in_memory[1]) == 2  # two lines loaded, two rows rejected


def _ledger_and_contexts(tmp_path, ledger_text: str):
    ledger = tmp_path / "gl.csv"
    ledger.write_text(ledger_text)
    coa = tmp_path / "coa.csv"
    coa.write_text("account,name,type\n1000,Cash,asset\n2000,AP,liability\n")
    calendar = tmp_path / "cal.csv"
    calendar.write_text("period,fiscal_year,period_start,period_end\n2024-01,2024,2024-01-01,2024-01-31\n"
                        "2024-02,2024,2024-02-01,not a date\n")
    return ledger, {"coa": str(coa), "calendar": str(calendar)}


def _load_with_threads(threads: int, ledger, contexts):
    from jecheck import db
    from jecheck.ingest import LoadOptions, load

    con = db.connect(threads=threads)
    report = load(con, LoadOptions(paths=(str(ledger),), **contexts))
    return con, report


def test_contexts_loaded_alongside_the_ledger_give_what_a_serial_load_gives(tmp_path):
    ledger, contexts = _ledger_and_contexts(tmp_path, "journal_id,account,amount,effective_date\n"
                                                      "J1,1000,5,2024-01-31\nJ1,3000,-5,2024-01-31\n")
    outcomes = []
    for threads in (1, 2):  # one thread loads in turn; two load the contexts on a second cursor
        con, report = _load_with_threads(threads, ledger, contexts)
        tables = [rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in ("lines", "rejects", "ctx_coa", "ctx_calendar")]
        outcomes.append((tables, [f.name for f in report.files], report.warnings, sorted(report.context)))
        assert all(f.sha256 for f in report.files)
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][1] == ["gl.csv", "coa.csv", "cal.csv"]
    assert any("does not list 1 of the ledger's accounts" in w for w in outcomes[1][2])


def test_a_broken_ledger_is_the_error_even_when_a_context_file_is_broken_too(tmp_path):
    from jecheck.errors import DataError

    ledger, contexts = _ledger_and_contexts(tmp_path, "journal_id,account,amount,effective_date\n")
    (tmp_path / "coa.csv").write_bytes(b"")
    for threads in (1, 2):
        with pytest.raises(DataError, match="gl.csv has column names but no data rows"):
            _load_with_threads(threads, ledger, contexts)


def test_placeholders_per_date_column_and_reject_reasons_holding_separators(tmp_path):
    """Each date column's placeholders are counted on their own; a rejected cell holding the characters
    that separate kinds and reasons internally is quoted in its reason as it is, and counted once."""
    path = tmp_path / "gl.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["journal_id", "account", "amount", "effective_date", "document_date"])
        writer.writerows([["J1", "1000", "1", "1900-01-01", "2024-01-02"],
                          ["J2", "1000", "1", "2024-01-31", "9999-12-31"],
                          ["J3", "1000", "1", "1899-12-30", "1899-12-30"],
                          ["J4", "1000", "x\x1e\x1fy", "2024-01-31", "2024-01-31"],
                          ["J5", "1000", "1", "2024-01-31", "2024-01-31"]])
    con, report = load_paths(path)
    assert report.placeholder_dates == {"effective_date": 2, "document_date": 2}
    assert rejects(con) == {4: "amount: cannot read 'x\x1e\x1fy' as a number"}
    assert report.reject_reasons == {"amount: cannot read a value as a number": 1}
    assert rows(con, "SELECT journal_id FROM lines ORDER BY source_row") == [("J1",), ("J2",), ("J3",), ("J5",)]
