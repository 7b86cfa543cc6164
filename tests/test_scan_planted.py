"""Every rule on a generated ledger, through the real scan: each finds what the generator planted for it,
and none floods the ordinary journals (the measured shares are in sample_ledgers/README.md)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict

import pytest

from jecheck.ingest import LoadOptions
from jecheck.rules_engine import load_rules
from jecheck.sample.generator import generate_sample
from jecheck.scan import ScanOptions, run_scan

CONTEXT = {"coa": "coa", "users": "users", "calendar": "calendar", "source_listing": "sources", "tb": "tb",
           "control_totals": "control_totals"}
RULES = {rule.id: rule for rule in load_rules().rules}
# Share of unplanted journals a rule may flag before it stops being a review list. Info rules describe the
# population (SRC-001 lists every manual entry); AMT-003 lists the largest entries of every account by design.
MAX_ORDINARY_SHARE = {"AMT-003": 0.02}
DEFAULT_MAX_SHARE = 0.005


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    ledger = tmp_path_factory.mktemp("planted") / "ledger.parquet"
    generate_sample(ledger, 40_000, 3, dt.date(2024, 1, 1), 12, 1_000_000)
    context = {field: str(ledger.with_name(f"ledger.{kind}.csv")) for field, kind in CONTEXT.items()}
    result = run_scan(ScanOptions(load=LoadOptions(paths=(str(ledger),), **context), model=False))
    found = defaultdict(set)
    for rule_id, key in result.con.execute("""
        SELECT rule_id, coalesce(journal_id, json_extract_string(evidence, '$.account'))
        FROM findings WHERE NOT suppressed
    """).fetchall():
        found[rule_id].add(key)
    planted = defaultdict(set)
    with open(ledger.with_name("ledger.labels.csv"), newline="") as handle:
        for row in csv.DictReader(handle):
            rule = RULES.get(row["rule_id"])  # None for model_only: no rule can see those
            # account-grain rules (trial-balance differences) are found by account, not journal
            planted[row["rule_id"]].add(row["account"] if rule and rule.grain == "account" else row["journal_id"])
    journals = result.con.execute("SELECT count(*) FROM journals").fetchone()[0]
    return found, planted, journals, {o.id: o.status for o in result.rules}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_finds_what_was_planted_for_it(scanned, rule_id):
    found, planted, _, status = scanned
    assert status[rule_id] == "ran"
    assert planted[rule_id], f"the generator planted nothing for {rule_id}"
    missed = planted[rule_id] - found[rule_id]
    if rule_id == "AMT-005":
        # Benford flags the entries in a non-conforming subset's over-represented digits, not every entry of
        # the subset: most of the planted preparer's entries, and at least a quarter, must be among them.
        assert len(planted[rule_id] & found[rule_id]) >= len(planted[rule_id]) / 4
    else:
        assert not missed, f"{rule_id} missed planted {sorted(missed)}"


@pytest.mark.parametrize("rule_id", sorted(r for r in RULES if RULES[r].severity != "info"))
def test_rule_leaves_ordinary_journals_alone(scanned, rule_id):
    found, planted, journals, _ = scanned
    any_planted = set().union(*planted.values())
    ordinary_hits = found[rule_id] - any_planted
    limit = MAX_ORDINARY_SHARE.get(rule_id, DEFAULT_MAX_SHARE)
    assert len(ordinary_hits) <= limit * journals, f"{rule_id} flagged {len(ordinary_hits)} of {journals}"
