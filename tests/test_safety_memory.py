"""Large ledgers: --memory-limit is what DuckDB uses, spilling works inside the locked-down sandbox,
and a scan that cannot fit ends with one sentence instead of a traceback or the OOM killer."""

from __future__ import annotations

import gc
import stat
import tempfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from jecheck import db
from jecheck.cli import main
from jecheck.errors import DataError, UsageError

from safety_helpers import scan, small_ledger

SORT_WITH_SPILL = """
    SELECT count(*), count(DISTINCT h), min(h)
    FROM (SELECT h, row_number() OVER (ORDER BY h) AS position FROM big) WHERE position > 0
"""


def locked_connection_with_big_table(rows: int) -> duckdb.DuckDBPyConnection:
    """48 MB of memory for about 70 MB of text: the table and the sort both have to spill."""
    con = db.connect(memory_limit="48MB", threads=1)
    con.execute("CREATE TABLE big AS SELECT md5(CAST(i AS VARCHAR)) AS h FROM range($rows) r(i)", {"rows": rows})
    return con


def test_spilling_still_works_after_lock_down():
    con = locked_connection_with_big_table(1_000_000)
    db.lock_down(con)
    count, distinct, smallest = con.execute(SORT_WITH_SPILL).fetchone()
    assert (count, distinct) == (1_000_000, 1_000_000)
    assert smallest == con.execute("SELECT min(h) FROM big").fetchone()[0]


def test_the_same_work_without_room_to_spill_is_one_sentence_about_memory():
    # Proves the test above had to spill: with 1 MB of spill space the same work cannot finish.
    con = locked_connection_with_big_table(1_000_000)
    with pytest.raises(DataError, match=r"^the scan ran out of memory \(.*\); raise --memory-limit") as caught:
        with db.explain_engine_errors():
            con.execute("SET max_temp_directory_size = '1MB'")
            db.lock_down(con)
            con.execute(SORT_WITH_SPILL).fetchone()
    assert "\n" not in str(caught.value)


def test_each_connection_spills_into_its_own_private_folder():
    first, second = db.connect(), db.connect()
    folders = [Path(c.execute("SELECT current_setting('temp_directory')").fetchone()[0]) for c in (first, second)]
    assert folders[0] != folders[1]
    for folder in folders:
        assert folder.is_dir() and stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert folder.parent == Path(tempfile.gettempdir())
    first.close(), second.close()
    del first, second
    gc.collect()
    assert not any(folder.exists() for folder in folders)


def test_scan_runs_with_the_memory_limit_and_threads_given(tmp_path):
    result = scan(small_ledger(tmp_path / "gl.parquet"), memory_limit="300MB", threads=1, model=False,
                  select=("INT-001",))
    limit, threads = result.con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()
    expected = duckdb.connect(config={"memory_limit": "300MB"}).execute(
        "SELECT current_setting('memory_limit')").fetchone()[0]
    assert (limit, threads) == (expected, 1)


@pytest.mark.parametrize("limit, problem", [("lots", "is not a size"), ("-2GB", "is negative")])
def test_a_memory_limit_duckdb_cannot_use_is_a_usage_error(limit, problem):
    with pytest.raises(UsageError, match=f"^--memory-limit {limit} {problem}"):
        db.connect(memory_limit=limit)


def test_scan_that_does_not_fit_exits_3_with_one_sentence(tmp_path):
    ledger = small_ledger(tmp_path / "gl.parquet")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(ledger), "--out", str(out), "--memory-limit", "4MB", "--quiet"])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("jecheck: error: the scan ran out of memory (")
    assert "--memory-limit" in result.stderr and result.stderr.count("\n") == 1
    assert not (out / "findings.json").exists()
