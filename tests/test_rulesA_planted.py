"""The CUT, APR and PPA rules on a generated ledger, through the real scan: every journal the generator
planted for a rule is found by that rule, and no rule floods the ordinary journals with hits."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from jecheck.ingest import LoadOptions
from jecheck.sample.generator import generate_sample
from jecheck.scan import ScanOptions, run_scan

RULE_IDS = [f"CUT-{n:03d}" for n in range(1, 9)] + [f"APR-{n:03d}" for n in range(1, 7)] + \
           [f"PPA-{n:03d}" for n in range(1, 6)]
# Share of unplanted journals a rule may flag on an ordinary ledger before it is noise, not a review list.
MAX_ORDINARY_SHARE = 0.005


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    ledger = tmp_path_factory.mktemp("rulesA") / "ledger.parquet"
    generate_sample(ledger, 40_000, 11, dt.date(2024, 1, 1), 12, 1_000_000)
    context = {field: str(ledger.with_name(f"ledger.{name}.csv")) for field, name in
               {"coa": "coa", "users": "users", "calendar": "calendar", "source_listing": "sources"}.items()}
    result = run_scan(ScanOptions(load=LoadOptions(paths=(str(ledger),), **context),
                                  select=("CUT", "APR", "PPA"), model=False, country=None))
    found = defaultdict(set)
    for rule_id, journal_id in result.con.execute("SELECT rule_id, journal_id FROM findings").fetchall():
        found[rule_id].add(journal_id)
    planted = defaultdict(set)
    with open(ledger.with_name("ledger.labels.csv"), newline="") as handle:
        for row in csv.DictReader(handle):
            planted[row["rule_id"]].add(row["journal_id"])
    journals = result.con.execute("SELECT count(*) FROM journals").fetchone()[0]
    status = {outcome.id: outcome.status for outcome in result.rules}
    return found, planted, journals, status


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_finds_what_was_planted_for_it(scanned, rule_id):
    found, planted, _, status = scanned
    assert status[rule_id] == "ran"
    assert planted[rule_id], f"the generator planted nothing for {rule_id}"
    missed = planted[rule_id] - found[rule_id]
    assert not missed, f"{rule_id} missed planted journals {sorted(missed)}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_leaves_ordinary_journals_alone(scanned, rule_id):
    found, planted, journals, _ = scanned
    any_planted = set().union(*planted.values())
    ordinary_hits = found[rule_id] - any_planted
    assert len(ordinary_hits) <= MAX_ORDINARY_SHARE * journals, (
        f"{rule_id} flagged {len(ordinary_hits)} of {journals} ordinary journals")
