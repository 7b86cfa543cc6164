"""The committed locker_co_fy2004 sample: its answer key, and that the key's claims hold in the ledger."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sample_helpers import open_sample

from jecheck.sample.locker_co import write_locker_co

# The events the issue lists, with their effect on pre-tax income in dollars.
STATED_EFFECTS = sorted([540_000, -582_000, -203_000, -80_000, 194_000, -124_000, -1_103_000, -66_000, 39_000,
                         -32_000, -20_000, -198_000, -14_000, 250_000, -6_155_000, -147_000, -125_000, -83_000,
                         -532_000, -100_000])
CATEGORIES = {"CUT", "APR", "PPA", "USR", "AMT", "ACC"}


@pytest.fixture(scope="module")
def folder(repo_root) -> Path:
    return repo_root / "sample_ledgers" / "locker_co_fy2004"


@pytest.fixture(scope="module")
def key(folder) -> list[dict[str, str]]:
    with open(folder / "answer_key.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def con(folder):
    return open_sample(folder / "locker_co_fy2004.parquet")


def test_answer_key_is_present_and_its_journals_are_in_the_ledger(key, con):
    assert key and list(key[0]) == ["journal_id", "event", "amount_effect", "quarter", "expected_categories", "why"]
    ids = [row["journal_id"] for row in key]
    assert len(set(ids)) == len(ids)
    found = {r[0] for r in con.execute("SELECT DISTINCT journal_id FROM l WHERE journal_id IN "
                                       f"({', '.join('?' * len(ids))})", ids).fetchall()}
    assert found == set(ids)
    for row in key:
        categories = row["expected_categories"].split(";")
        assert categories and set(categories) <= CATEGORIES, row
        assert row["quarter"] in ("Q4 2004", "Q1 2005", "Q2 2005") and row["why"]


def test_committed_files_are_what_the_code_writes(folder, tmp_path):
    written = write_locker_co(tmp_path)
    for path in written.values():
        committed = folder / path.name
        if path.suffix == ".parquet":
            assert pq.read_table(committed).equals(pq.read_table(path)), "regenerate: jecheck sample --locker-co DIR"
        else:
            assert committed.read_bytes() == path.read_bytes(), f"{path.name} differs: jecheck sample --locker-co DIR"
    assert sorted(p.name for p in folder.iterdir() if p.name != "README.md") == sorted(p.name for p in written.values())


def test_the_ledger_is_small_and_holds_tens_of_thousands_of_lines(folder, con):
    assert sum(p.stat().st_size for p in folder.iterdir()) < 5_000_000
    lines, first, last = con.execute("SELECT count(*), min(effective_date), max(effective_date) FROM l").fetchone()
    assert 20_000 <= lines <= 100_000
    assert (first.year, first.month, str(last)) == (2004, 1, "2005-06-30")


def test_amount_effects_are_the_ledgers_and_match_the_issue(key, con):
    effects = []
    for row in key:
        booked = con.execute("""SELECT -sum(amount) FROM l JOIN coa ON coa.GL_Account_Number = l.account
                                WHERE journal_id = ? AND coa.Account_Type IN ('revenue', 'expense')""",
                             [row["journal_id"]]).fetchone()[0]
        assert float(booked) == pytest.approx(float(row["amount_effect"]), abs=0.005), row["event"]
        effects.append(float(booked))
    restructuring = [e for e, row in zip(effects, key) if row["event"].startswith("Restructuring")]
    assert len(restructuring) == 1
    # The issue states the effects in thousands; each booked entry rounds to its figure.
    assert sorted(round(e, -3) for e in effects) == sorted(s for s in STATED_EFFECTS)


def test_year_end_2004_entries_were_keyed_in_july_2005(key, con):
    for row in (r for r in key if r["quarter"] == "Q4 2004"):
        entered = con.execute("SELECT min(entered_at) FROM l WHERE journal_id = ?", [row["journal_id"]]).fetchone()[0]
        assert (entered.year, entered.month) == (2005, 7), row["event"]


def test_only_answer_key_journals_lack_approval_or_are_self_approved(key, con):
    flagged = {r[0] for r in con.execute(
        "SELECT journal_id FROM j WHERE approved_by IS NULL OR approved_by = entered_by").fetchall()}
    assert flagged and flagged <= {row["journal_id"] for row in key}


def test_sales_go_largely_to_the_postal_customer_until_the_contract_is_lost(con):
    before, after = con.execute("""
        SELECT avg(CASE WHEN segment5 = 'POSTAL-001' THEN 1.0 ELSE 0 END) FILTER (WHERE effective_date < '2005-03-01'),
               count(*) FILTER (WHERE effective_date >= '2005-03-01' AND segment5 = 'POSTAL-001')
        FROM l WHERE source = 'SD'""").fetchone()
    assert before > 0.5 and after == 0


# Each category an answer-key row names, as a fact about its journal in the ledger.
CLAIMS = {
    "CUT": """SELECT j.entered_at > CAST(c.Closed_At AS TIMESTAMP) FROM j JOIN calendar c
              ON j.effective BETWEEN CAST(c.Period_Start AS DATE) AND CAST(c.Period_End AS DATE)
              AND c.Period NOT LIKE '%-13' WHERE j.journal_id = $id""",
    "APR": "SELECT approved_by IS NULL OR approved_by = entered_by FROM j WHERE journal_id = $id",
    "PPA": """SELECT regexp_matches(lower(header), 'correct|true-up|q1-q3') FROM j WHERE journal_id = $id""",
    "USR": """SELECT (SELECT count(*) FROM j AS other WHERE other.entered_by = j.entered_by) <= 5
                     OR u.Department = 'Executive'
              FROM j JOIN users u ON u.User_ID = j.entered_by WHERE journal_id = $id""",
    "AMT": """SELECT bool_and(abs(amount) % 1000 = 0 AND abs(amount) >= (SELECT max(abs(o.amount)) FROM l o
                                                                         WHERE o.account = l.account))
              FROM l WHERE journal_id = $id""",
    "ACC": """SELECT bool_or(account IN (SELECT account FROM l GROUP BY account HAVING count(DISTINCT journal_id) <= 3)
                     OR (account = '1000' AND amount < 0)
                     OR account IN (SELECT account FROM l WHERE source = 'INV'))
              FROM l WHERE journal_id = $id AND is_manual""",
}


@pytest.mark.parametrize("category", sorted(CLAIMS))
def test_expected_categories_are_true_of_the_journal(key, con, category):
    claimed = [row for row in key if category in row["expected_categories"].split(";")]
    assert claimed
    for row in claimed:
        assert con.execute(CLAIMS[category], {"id": row["journal_id"]}).fetchone()[0], f"{category}: {row['event']}"
