"""The load's shortcuts give exactly what the slow, obvious way gives."""

from __future__ import annotations

import csv

import duckdb

from jecheck.ingest import parsing

from ingest_helpers import load_paths, rows

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
    assert rows(con, "SELECT source_row FROM lines ORDER BY rowid") == [(i,) for i in range(1, len(dates) + 1)]
    assert rows(con, "SELECT count(*) FROM lines WHERE effective_date IS NULL") == [(12,)]
