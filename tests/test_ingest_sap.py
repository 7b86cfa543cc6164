"""SAP BKPF (headers) + BSEG (lines) given as two files, joined on company code, document and year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from jecheck.errors import DataError, UsageError
from jecheck.ingest import LoadOptions, load

from ingest_helpers import load_paths, rejects, rows, write_text

BKPF = ["MANDT", "BUKRS", "BELNR", "GJAHR", "BLART", "BLDAT", "BUDAT", "MONAT", "CPUDT", "CPUTM", "USNAM", "TCODE",
        "BKTXT", "XBLNR", "STBLG", "STJAH", "XREVERSAL", "BSTAT", "WAERS"]
BSEG = ["MANDT", "BUKRS", "BELNR", "GJAHR", "BUZEI", "BSCHL", "KOART", "SHKZG", "HKONT", "DMBTR", "WRBTR", "SGTXT",
        "KOSTL", "AUGDT", "LIFNR"]


def sap_pair(tmp_path, headers, items):
    return (write_text(tmp_path / "BKPF.csv", BKPF, headers, delimiter=";"),
            write_text(tmp_path / "BSEG.csv", BSEG, items, delimiter=";"))


HEADERS = [
    ["800", "1000", "0100000001", "2024", "SA", "28.03.2024", "31.03.2024", "03", "02.04.2024", "91502", "MKELLER",
     "FB50", "Accrual", "", "0100000009", "2024", "1", "", "EUR"],
    ["800", "1000", "0100000009", "2024", "SA", "05.04.2024", "05.04.2024", "04", "05.04.2024", "140000", "MKELLER",
     "FB08", "Reversal", "", "", "", "2", "", "EUR"],
    ["800", "2000", "0100000001", "2024", "KR", "01.03.2024", "02.03.2024", "03", "02.03.2024", "101010", "BATCH",
     "MIRO", "", "INV-1", "", "", "", "", "USD"],
    ["800", "1000", "0100000077", "2024", "SA", "01.03.2024", "01.03.2024", "03", "01.03.2024", "101010", "X",
     "FB01", "header without lines", "", "", "", "", "", "EUR"],
]
ITEMS = [
    ["800", "1000", "100000001", "2024", "001", "40", "S", "S", "0000640000", "1.250,00", "1.250,00", "Audit",
     "CC100", "", ""],
    ["800", "1000", "100000001", "2024", "002", "50", "S", "H", "0000210000", "1.250,00", "1.250,00", "Audit",
     "", "15.04.2024", ""],
    ["800", "1000", "0100000009", "2024", "001", "50", "S", "H", "0000640000", "1.250,00", "1.250,00", "", "", "", ""],
    ["800", "1000", "0100000009", "2024", "002", "40", "S", "S", "0000210000", "1.250,00", "1.250,00", "", "", "", ""],
    ["800", "2000", "0100000001", "2024", "001", "31", "K", "H", "0000160000", "99,90", "99,90", "", "", "",
     "V-77"],
    ["800", "2000", "0100000001", "2024", "002", "40", "S", "S", "0000400000", "99,90", "99,90", "", "", "", ""],
    ["800", "3000", "0100000005", "2024", "001", "40", "S", "S", "0000400000", "5,00", "5,00", "", "", "", ""],
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    bkpf, bseg = sap_pair(tmp_path_factory.mktemp("sap"), HEADERS, ITEMS)
    return load_paths(bkpf, bseg)


def test_pair_loads_as_lines_with_sap_journal_ids(loaded):
    con, report = loaded
    assert report.layout == "sap_bkpf_bseg"
    assert {f.role: f.name for f in report.files} == {"bkpf": "BKPF.csv", "bseg": "BSEG.csv"}
    assert rows(con, "SELECT DISTINCT source_file FROM lines") == [("BSEG.csv",)]
    assert rows(con, "SELECT source_row, journal_id, line_no, account, amount, effective_date, document_date "
                     "FROM lines WHERE journal_id = '1000-100000001-2024' ORDER BY 1") == [
        (1, "1000-100000001-2024", 1, "640000", Decimal("1250"), dt.date(2024, 3, 31), dt.date(2024, 3, 28)),
        (2, "1000-100000001-2024", 2, "210000", Decimal("-1250"), dt.date(2024, 3, 31), dt.date(2024, 3, 28))]


def test_header_fields_reach_every_line(loaded):
    con, _ = loaded
    assert rows(con, "SELECT journal_id, entered_at, entered_by, is_manual, source, reversal_indicator, "
                     "reversal_journal_id, txn_currency FROM lines WHERE line_no = 1 ORDER BY source_row") == [
        ("1000-100000001-2024", dt.datetime(2024, 4, 2, 9, 15, 2), "MKELLER", True, "SA", "2", "1000-100000009-2024",
         "EUR"),
        ("1000-100000009-2024", dt.datetime(2024, 4, 5, 14), "MKELLER", False, "SA", "1", None, "EUR"),
        ("2000-100000001-2024", dt.datetime(2024, 3, 2, 10, 10, 10), "BATCH", False, "KR", None, None, "USD")]


def test_zero_padded_sap_numbers_are_shown_unpadded(loaded):
    con, _ = loaded
    assert rows(con, "SELECT DISTINCT account FROM lines ORDER BY 1") == [("160000",), ("210000",), ("400000",),
                                                                         ("640000",)]
    assert rows(con, "SELECT DISTINCT segment4 FROM lines WHERE segment4 IS NOT NULL") == [("V-77",)]


def test_clearing_date_is_never_the_effective_date(loaded):
    con, _ = loaded
    assert rows(con, "SELECT effective_date FROM lines WHERE source_row = 2") == [(dt.date(2024, 3, 31),)]


def test_orphans_on_both_sides_are_counted(loaded):
    con, report = loaded
    assert report.headers_without_lines == 1
    assert report.lines_without_headers == 1
    assert rejects(con) == {7: "sap: no BKPF header for company code/document/year 3000/100000005/2024"}
    assert report.reject_reasons == {"sap: line has no BKPF header": 1}
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (7, 6, 1)


def test_file_order_does_not_matter(tmp_path):
    bkpf, bseg = sap_pair(tmp_path, HEADERS, ITEMS)
    _, report = load_paths(bseg, bkpf)
    assert report.layout == "sap_bkpf_bseg" and report.rows_loaded == 6


def test_files_sharing_no_document_are_an_error(tmp_path):
    bkpf, bseg = sap_pair(tmp_path, HEADERS[3:], ITEMS[:2])
    with pytest.raises(DataError, match="share no document"):
        load(duckdb.connect(), LoadOptions(paths=(str(bkpf), str(bseg))))


def test_two_files_that_are_not_a_sap_pair(tmp_path):
    a = write_text(tmp_path / "a.csv", ["journal_id", "account", "amount", "effective_date"], [["1", "2", "3", "4"]])
    with pytest.raises(UsageError, match="lacks BUKRS, BELNR, GJAHR"):
        load(duckdb.connect(), LoadOptions(paths=(str(a), str(a))))
