"""Baseline mode: fit on earlier periods, score the period under review against them."""

from __future__ import annotations

import datetime as dt

import pytest

from jecheck.errors import UsageError
from jecheck.model import ModelOptions, parse_baseline, score
from model_helpers import ledger, ordinary_journals, plant, retemplate

PERIOD, BASELINE = "2025-06", ("2024-07", "2025-05")


def on(day: dt.date, base: dict, journal_id: str, **changes) -> dict:
    entered = dt.datetime.combine(day, dt.time(10, 15))
    return plant(base, journal_id, effective_date=day, entered_at=entered, **changes)


def weekdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5]


@pytest.fixture(scope="module")
def con():
    journals = ordinary_journals(2500, seed=21)
    payment = next(j for j in journals if j["template"].name == "payment")
    sale = next(j for j in journals if j["template"].name == "sale")
    zed = retemplate(payment, debit="6900", users=("ZED",), source="GJ")
    # A: ZED's postings to 6900, routine all year before June, once in June.
    history = weekdays(dt.date(2024, 7, 1), dt.date(2025, 5, 30))[::4][:60]
    pattern_a = [on(d, payment, f"A{i:03d}", template=zed, entered_by="ZED") for i, d in enumerate(history)]
    pattern_a.append(on(dt.date(2025, 6, 11), payment, "A_JUNE", template=zed, entered_by="ZED"))
    # B: a user never seen before June posts 40 ordinary sales in June.
    june = weekdays(dt.date(2025, 6, 2), dt.date(2025, 6, 27))
    pattern_b = [on(june[i % len(june)], sale, f"B{i:03d}", entered_by="NEWBY") for i in range(40)]
    return ledger(journals + pattern_a + pattern_b, drop=("segment1",))


def scored(con, **options) -> dict[str, tuple[float, list[str]]]:
    report = score(con, ModelOptions(**options))
    rows = con.execute("SELECT journal_id, percentile, reasons FROM scores").fetchall()
    return report, {r[0]: (r[1], r[2]) for r in rows}


def test_model_fits_on_the_baseline_and_scores_only_the_period(con):
    report, rows = scored(con, period=PERIOD, baseline=BASELINE)
    in_june, in_baseline = con.execute("""
        SELECT count(*) FILTER (WHERE period_key = '2025-06'),
               count(*) FILTER (WHERE period_key BETWEEN '2024-07' AND '2025-05')
        FROM journals
    """).fetchall()[0]
    assert report.scored == len(rows) == in_june
    assert report.fitted_on["journals"] == in_baseline and report.fitted_on["periods"] == list(BASELINE)
    assert "A000" not in rows  # baseline journals are not scored


def test_new_in_the_period_is_flagged_against_the_baseline_but_not_against_the_whole_ledger(con):
    _, rows = scored(con, period=PERIOD, baseline=BASELINE)
    most_unusual = sorted(rows, key=lambda j: -rows[j][0])[:40]
    assert sorted(most_unusual) == [f"B{i:03d}" for i in range(40)]
    assert all(rows[j][1][:2] == ["prepared by NEWBY, who prepared no baseline entry",
                                  "first entry by user NEWBY to account 1200"] for j in most_unusual)
    # Fitted on the whole ledger, 40 of NEWBY's entries are an ordinary share of it.
    _, whole = scored(con, period=PERIOD)
    assert all(not any("NEWBY" in reason for reason in whole[f"B{i:03d}"][1]) for i in range(40))


def test_routine_in_the_baseline_is_not_unusual_in_the_period(con):
    _, rows = scored(con, period=PERIOD, baseline=BASELINE)
    percentile, reasons = rows["A_JUNE"]
    assert percentile < 90
    assert not any("ZED" in r or "6900" in r for r in reasons)


def test_baseline_and_period_are_checked(con):
    with pytest.raises(UsageError, match="--baseline needs --period"):
        score(con, ModelOptions(baseline=BASELINE))
    with pytest.raises(UsageError, match="contains the period under review 2025-06"):
        score(con, ModelOptions(period=PERIOD, baseline=("2025-01", "2025-06")))
    with pytest.raises(UsageError, match="--period '2031-01' is not a period of this ledger"):
        score(con, ModelOptions(period="2031-01"))
    with pytest.raises(UsageError, match="ends before it starts"):
        score(con, ModelOptions(period=PERIOD, baseline=("2025-05", "2024-07")))


def test_parse_baseline():
    assert parse_baseline("2024-07..2025-05") == ("2024-07", "2025-05")
    assert parse_baseline("2025-05") == ("2025-05", "2025-05")
    with pytest.raises(UsageError, match="write FIRST..LAST"):
        parse_baseline("2024-07..")
