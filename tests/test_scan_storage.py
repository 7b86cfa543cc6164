"""Large ledgers are kept compressed (db.connect(compressed=True)); the results must not depend on it."""

from __future__ import annotations

import pytest

from jecheck import scan
from jecheck.ingest import LoadOptions
from jecheck.scan import ScanOptions, keep_compressed, parse_size, run_scan


@pytest.mark.parametrize("text, expected", [("8GB", 8 * 10**9), ("500 MiB", 500 * 2**20), ("2g", 2 * 10**9),
                                            ("100mb", 10**8), ("1.5GiB", int(1.5 * 2**30))])
def test_sizes_read_as_duckdb_reads_them(text, expected):
    assert parse_size(text) == expected


def test_a_size_that_is_not_one_is_refused():
    with pytest.raises(ValueError):
        parse_size("lots")


def test_small_ledgers_stay_in_memory_and_large_or_limited_ones_are_compressed(tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("journal_id,line_no,amount\n" + "J1,1,1.00\n" * 1000)
    big = tmp_path / "big.csv"
    with big.open("wb") as f:  # sparse: its size says 1 GiB without writing it
        f.truncate(1 << 30)
    assert not keep_compressed(LoadOptions(paths=(str(small),)), None)
    assert keep_compressed(LoadOptions(paths=(str(big),)), None)
    assert keep_compressed(LoadOptions(paths=(str(small),)), "10KB")  # a quarter of the limit is the budget
    assert keep_compressed(LoadOptions(paths=(str(small),), control_totals=str(big)), None)  # context counts
    assert not keep_compressed(LoadOptions(paths=(str(tmp_path / "missing.csv"),)), None)


def _result_keys(result):
    con = result.con
    findings = con.execute("SELECT rule_id, journal_id, line_no, message FROM findings ORDER BY ALL").fetchall()
    scores = con.execute("SELECT journal_id, rank, risk_score, anomaly_score, reasons FROM review ORDER BY journal_id").fetchall()
    storage = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return findings, scores, storage[0][0]


def test_compressed_storage_gives_the_same_findings_and_scores(repo_root, monkeypatch):
    base = repo_root / "sample_ledgers" / "locker_co_fy2004" / "locker_co_fy2004"
    options = ScanOptions(load=LoadOptions(paths=(f"{base}.parquet",), coa=f"{base}.coa.csv",
                                           users=f"{base}.users.csv", calendar=f"{base}.calendar.csv"))
    findings, scores, path = _result_keys(run_scan(options))
    assert path is None  # a small ledger is held in memory
    monkeypatch.setattr(scan, "COMPRESS_ABOVE_BYTES", 0)
    findings_c, scores_c, path_c = _result_keys(run_scan(options))
    assert path_c and path_c.endswith("scan.duckdb")
    assert findings and scores
    assert findings_c == findings
    assert scores_c == scores


def _memory_limit(con) -> int:
    return parse_size(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])


def test_a_compressed_ledger_gets_a_bounded_memory_budget_unless_the_user_gives_one(repo_root, monkeypatch):
    base = repo_root / "sample_ledgers" / "locker_co_fy2004" / "locker_co_fy2004"
    load = LoadOptions(paths=(f"{base}.parquet",))
    in_memory, _ = scan.open_ledger(load)
    assert _memory_limit(in_memory) > parse_size(scan.LARGE_LEDGER_MEMORY)  # DuckDB's default: 80% of RAM
    monkeypatch.setattr(scan, "COMPRESS_ABOVE_BYTES", 0)
    compressed, _ = scan.open_ledger(load)
    # DuckDB shows the setting rounded ("2.7 GiB")
    assert _memory_limit(compressed) == pytest.approx(parse_size(scan.LARGE_LEDGER_MEMORY), rel=0.05)
    chosen, _ = scan.open_ledger(load, memory_limit="5GB")
    assert _memory_limit(chosen) == pytest.approx(parse_size("5GB"), rel=0.05)
