"""The AICPA Audit Data Standard sample (a real SAP extract in ADS layout) loads as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ingest_helpers import load_paths, rows

GL = "GL_Detail_YYYYMMDD_YYYYMMDD.csv"


@pytest.fixture(scope="module")
def aicpa(aicpa_dir):
    return load_paths(aicpa_dir / GL, control_totals=str(aicpa_dir / "log_file.csv"))


def test_every_line_and_journal_loads(aicpa):
    con, report = aicpa
    assert report.layout == "ads_flat"
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (28_160, 28_160, 0)
    assert rows(con, "SELECT count(DISTINCT journal_id) FROM lines") == [(13_295,)]


def test_sap_debit_credit_letters_sign_the_amounts(aicpa):
    con, _ = aicpa
    # Journal 100000000: 9,770.52 debit (S) to 473000, credit (H) to 113100.
    assert rows(con, "SELECT account, amount FROM lines WHERE journal_id = '100000000' ORDER BY line_no") == [
        ("473000", Decimal("9770.52")), ("113100", Decimal("-9770.52"))]
    unbalanced = rows(con, "SELECT count(*) FROM (SELECT journal_id FROM lines GROUP BY 1 HAVING sum(amount) <> 0)")
    assert unbalanced == [(4,)]  # the README's four unbalanced journals, no more


def test_header_typo_and_extra_columns_are_mapped(aicpa):
    con, report = aicpa
    assert report.mapping["header_description"] == "JE_Header_ Description"
    assert report.mapping["document_date"] == "Document_Date"
    assert report.unmapped_columns == []
    assert rows(con, "SELECT count(*) FROM lines WHERE document_date IS NULL") == [(0,)]


def test_placeholder_effective_dates_are_counted_not_used(aicpa):
    con, report = aicpa
    assert report.placeholder_dates == {"effective_date": 23_137}
    assert rows(con, "SELECT count(*) FROM lines WHERE effective_date IS NULL") == [(23_137,)]
    assert rows(con, "SELECT min(effective_date) > DATE '2000-01-01' FROM lines") == [(True,)]


def test_entry_time_integers_that_lost_their_leading_zero(aicpa):
    con, _ = aicpa
    # Every Entered_Time below 100000 is a morning time: it must land before 10:00.
    early = rows(con, "SELECT count(*), count(*) FILTER (WHERE hour(entered_at) < 10) FROM lines "
                      "WHERE hour(entered_at) < 10 OR entered_at IS NULL")
    assert early[0][0] == early[0][1] > 0
    assert rows(con, "SELECT entered_at FROM lines WHERE journal_id = '100000000' AND line_no = 1") == [
        (dt.datetime(2007, 1, 22, 10, 12, 5),)]


def test_control_totals_load_as_context(aicpa):
    con, report = aicpa
    info = report.context["control_totals"]
    assert (info.rows_read, info.rows_rejected) == (26_590, 0)
    assert rows(con, "SELECT DISTINCT dc_indicator FROM ctx_control_totals ORDER BY 1") == [("H",), ("S",)]
    assert rows(con, "SELECT count(*) FROM ctx_control_totals c ANTI JOIN lines l USING (journal_id)") == [(0,)]
