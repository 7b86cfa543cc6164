"""Canonical-layout Parquet (what `jecheck sample` writes) loads on the typed fast path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from jecheck.errors import DataError
from jecheck.ingest import LoadOptions, load
from jecheck.schema import LINE_COLUMNS

from ingest_helpers import load_paths, rejects, rows


def write_parquet(path, select_sql: str):
    duckdb.connect().execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet)")
    return path


CANONICAL = """
    SELECT * FROM (VALUES
      ('J1', '1000', CAST(0.1 AS DECIMAL(18,2)), DATE '2024-03-31', 1, TIMESTAMP '2024-04-02 09:15:00', 'ann', true),
      ('J1', '1000', CAST(0.2 AS DECIMAL(18,2)), DATE '2024-03-31', 2, TIMESTAMP '2024-04-02 09:15:00', 'ann', true),
      ('J1', '4000', CAST(-0.3 AS DECIMAL(18,2)), DATE '2024-03-31', 3, TIMESTAMP '2024-04-02 09:15:00', 'ann', true),
      (NULL, '4000', CAST(5 AS DECIMAL(18,2)), DATE '2024-03-31', 1, NULL, 'bob', false),
      ('J2', '2000', CAST(7 AS DECIMAL(18,2)), DATE '1900-01-01', 1, NULL, ' bob ', false)
    ) t(journal_id, account, amount, effective_date, line_no, entered_at, entered_by, is_manual)
"""


def test_typed_columns_load_exactly(tmp_path):
    con, report = load_paths(write_parquet(tmp_path / "ledger.parquet", CANONICAL))
    assert report.layout == "jecheck"
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 4, 1)
    described = rows(con, "SELECT column_name, data_type FROM information_schema.columns "
                          "WHERE table_name = 'lines' ORDER BY ordinal_position")
    assert described == [(c.name, c.sql_type) for c in LINE_COLUMNS]
    assert rows(con, "SELECT sum(amount) FROM lines WHERE journal_id = 'J1'") == [(Decimal("0.0000"),)]
    assert rows(con, "SELECT entered_at, is_manual FROM lines WHERE source_row = 1") == [
        (dt.datetime(2024, 4, 2, 9, 15), True)]


def test_null_journal_id_is_rejected_with_its_row(tmp_path):
    con, report = load_paths(write_parquet(tmp_path / "ledger.parquet", CANONICAL))
    assert rejects(con) == {4: "journal_id: empty"}
    raw = rows(con, "SELECT raw FROM rejects")[0][0]
    assert '"account":"4000"' in raw


def test_placeholder_and_padding_in_parquet(tmp_path):
    con, report = load_paths(write_parquet(tmp_path / "ledger.parquet", CANONICAL))
    assert report.placeholder_dates == {"effective_date": 1}
    assert rows(con, "SELECT effective_date, entered_by FROM lines WHERE journal_id = 'J2'") == [(None, "bob")]


def test_truncated_parquet_is_a_one_sentence_error(tmp_path):
    good = write_parquet(tmp_path / "good.parquet", CANONICAL)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(DataError, match=r"broken\.parquet is not a readable Parquet file .*export it again"):
        load(duckdb.connect(), LoadOptions(paths=(str(broken),)))


def test_csv_with_a_parquet_extension_is_read_as_text(tmp_path):
    path = tmp_path / "ledger.parquet"
    path.write_text("journal_id,account,amount,effective_date\nJ1,1000,5,2024-01-31\nJ1,2000,-5,2024-01-31\n")
    con, report = load_paths(path)
    assert report.rows_loaded == 2
    assert any("really delimited text" in w for w in report.warnings)


def test_parquet_without_rows_is_an_error(tmp_path):
    path = write_parquet(tmp_path / "empty.parquet", CANONICAL + " WHERE false")
    with pytest.raises(DataError, match="no data rows"):
        load(duckdb.connect(), LoadOptions(paths=(str(path),)))


def test_ads_parquet_with_integer_dates_and_float_amounts(tmp_path):
    path = write_parquet(tmp_path / "ads.parquet", """
        SELECT * FROM (VALUES
          (100000000, 1, 473000, 9770.52::DOUBLE, 'S', 20070101, 20070122, 91500),
          (100000000, 2, 113100, 9770.52::DOUBLE, 'H', 20070101, 20070122, 91500)
        ) t(Journal_ID, Journal_ID_Line_Number, GL_Account_Number, Amount, Amount_Credit_Debit_Indicator,
            Effective_Date, Entered_Date, Entered_Time)""")
    con, report = load_paths(path)
    assert report.layout == "ads_flat"
    assert rows(con, "SELECT journal_id, account, amount, effective_date, entered_at FROM lines ORDER BY line_no") == [
        ("100000000", "473000", Decimal("9770.52"), dt.date(2007, 1, 1), dt.datetime(2007, 1, 22, 9, 15)),
        ("100000000", "113100", Decimal("-9770.52"), dt.date(2007, 1, 1), dt.datetime(2007, 1, 22, 9, 15))]
    assert report.date_formats["effective_date"] == "YYYYMMDD"


def test_damaged_data_page_is_a_one_sentence_error(tmp_path):
    path = write_parquet(tmp_path / "damaged.parquet",
                         "SELECT 'J' || i AS journal_id, '1000' AS account, i::DECIMAL(18,2) AS amount, "
                         "DATE '2024-01-01' AS effective_date FROM range(200000) t(i)")
    content = bytearray(path.read_bytes())
    middle = len(content) // 3
    content[middle:middle + 2000] = b"\xff" * 2000  # footer intact, a data page destroyed
    path.write_bytes(bytes(content))
    with pytest.raises(DataError, match=r"damaged\.parquet could not be read to the end .*check that the file is "
                                        r"complete"):
        load(duckdb.connect(), LoadOptions(paths=(str(path),)))
