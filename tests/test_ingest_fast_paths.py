"""The load's fast paths give what the thorough paths gave: encodings decided from a sample and checked by
DuckDB, hashes computed in the background, Parquet names read without pyarrow."""

from __future__ import annotations

import hashlib

import duckdb

from jecheck.ingest import parsing

from ingest_helpers import load_paths, rows

HEADER = "journal_id,account,amount,effective_date,line_description\n"
FILLER_ROWS = 40_000  # ~1.4 MB of ASCII: more than the part sniffed for the encoding


def ascii_rows(count: int) -> bytes:
    return "".join(f"F{i},1000,{'5' if i % 2 else '-5'},2024-01-31,plain text\n" for i in range(count)).encode()


def test_latin1_byte_after_the_sniffed_part_of_a_utf8_file(tmp_path):
    path = tmp_path / "gl.csv"
    path.write_bytes((HEADER + "J0,1000,0,2024-01-31,Straße\n").encode() + ascii_rows(FILLER_ROWS)
                     + b"J9,1000,0,2024-01-31,Caf\xe9\n")
    con, report = load_paths(path)
    assert report.rows_loaded == FILLER_ROWS + 2
    assert rows(con, "SELECT line_description FROM lines WHERE journal_id IN ('J0', 'J9') ORDER BY source_row") == [
        ("Straße",), ("Café",)]
    assert any("not valid UTF-8" in w for w in report.warnings)
    assert report.files[0].encoding == "utf-8, stray bytes as latin-1"


def test_latin1_file_whose_first_megabyte_is_ascii(tmp_path):
    path = tmp_path / "gl.csv"
    path.write_bytes(HEADER.encode() + ascii_rows(FILLER_ROWS) + b"J9,1000,0,2024-01-31,Caf\xe9 M\xfcller\n")
    con, report = load_paths(path)
    assert rows(con, "SELECT line_description FROM lines WHERE journal_id = 'J9'") == [("Café Müller",)]
    assert report.files[0].encoding == "latin-1"
    assert not any("UTF-8" in w for w in report.warnings)


def test_every_file_read_has_its_sha256(tmp_path):
    ledger = tmp_path / "gl.csv"
    ledger.write_bytes(HEADER.encode() + ascii_rows(10))
    coa = tmp_path / "coa.csv"
    coa.write_text("account,name,type\n1000,Cash,asset\n")
    _, report = load_paths(ledger, coa=str(coa))
    assert {f.name: f.sha256 for f in report.files} == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ledger, coa)}


def test_parquet_column_names_as_the_file_has_them(tmp_path):
    path = tmp_path / "gl.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT 'J1' AS journal_id, '1000' AS account, 5.0 AS amount, DATE '2024-01-31' AS effective_date, "
        "{'a': 1, 'b': {'c': 2}} AS nested, 'x' AS \"Memo\") TO '" + str(path) + "' (FORMAT parquet)")
    _, report = load_paths(path)
    assert report.unmapped_columns == ["nested", "Memo"]


def test_date_profile_stand_in_keeps_every_piece_of_evidence():
    values = ["2024-01-31", "2024-01-31 08:01:23", "2024-12-01T23:59:59.125", "1999-02-03 10:00", "0000-00-00",
              "0000-00-00 00:00:00", "0999-01-01", "2024/01/31", "2024.1.31", "31/01/2024", "01/31/2024 10:00",
              "31.01.24", "20240131", "20240131235959", "45000", "45000.5", "31-JAN-2024", "Jan 31, 2024",
              "2024-01-31 garbage", "2024-1-31", "not a date"]
    con = duckdb.connect()
    con.execute("CREATE TABLE cells AS SELECT unnest(?) AS x", [values * 3])
    evidence = parsing.day_month_evidence_sql("v", "n")
    aggregates = ", ".join(evidence.values())

    def profile(key: str) -> tuple:
        return con.execute(f"SELECT {aggregates} FROM (SELECT {key} AS v, count(*) AS n FROM cells GROUP BY 1)").fetchone()

    assert profile(parsing.evidence_key("x")) == profile("x")
    assert con.execute(f"SELECT count(DISTINCT {parsing.evidence_key('x')}) FROM cells").fetchone()[0] < len(values)
