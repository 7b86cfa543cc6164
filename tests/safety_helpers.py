"""Generated ledgers and a scan runner for the safety and property tests.

Ledgers are built from `Journal` values: every journal balances, is entered on a weekday in business
hours a little after its effective date, and is approved by someone other than its preparer, so the
integrity, weekend and self-approval rules have nothing to say until a test plants something.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from unittest import mock

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import strategies as st

from jecheck import rules_engine
from jecheck.rules_engine import load_rules
from jecheck.ingest import LoadOptions
from jecheck.report import write_findings_json
from jecheck.scan import ScanOptions, ScanResult, run_scan

USERS = ("ann", "bob", "cai", "dee", "eve")
ACCOUNTS = ("1000", "1200", "2000", "2100", "4000", "5000", "6100", "6200")
DESCRIPTIONS = ("Monthly rent", "Payroll accrual", "Customer receipt", "Vendor invoice", "Depreciation run")
LEDGER_SCHEMA = pa.schema([
    ("journal_id", pa.string()), ("line_no", pa.int32()), ("account", pa.string()),
    ("amount", pa.decimal128(20, 2)), ("effective_date", pa.date32()), ("entered_at", pa.timestamp("s")),
    ("entered_by", pa.string()), ("approved_by", pa.string()), ("approved_at", pa.timestamp("s")),
    ("header_description", pa.string()),
])


@dataclass(frozen=True)
class Journal:
    journal_id: str
    effective_date: date
    entered_at: datetime
    entered_by: str
    approved_by: str
    description: str
    accounts: tuple[str, ...]
    amounts: tuple[Decimal, ...]  # signed, debit positive

    def rows(self) -> list[dict]:
        """The journal's lines as canonical ledger rows."""
        return [{"journal_id": self.journal_id, "line_no": n, "account": account, "amount": amount,
                 "effective_date": self.effective_date, "entered_at": self.entered_at,
                 "entered_by": self.entered_by, "approved_by": self.approved_by,
                 "approved_at": self.entered_at + timedelta(hours=1), "header_description": self.description}
                for n, (account, amount) in enumerate(zip(self.accounts, self.amounts), start=1)]


def weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=8 - day.isoweekday() if day.isoweekday() > 5 else 0)


@st.composite
def journal_bodies(draw) -> Journal:
    """One balanced, weekday, independently approved journal (its id is set by `ledgers`)."""
    debits = draw(st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2),
                           min_size=1, max_size=3))
    amounts = (*debits, -sum(debits))
    accounts = tuple(draw(st.sampled_from(ACCOUNTS)) for _ in amounts)
    effective = weekday_on_or_after(date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 330))))
    entered_day = weekday_on_or_after(effective + timedelta(days=draw(st.integers(0, 3))))
    entered_at = datetime.combine(entered_day, datetime.min.time()) + timedelta(
        hours=draw(st.integers(9, 16)), minutes=draw(st.integers(0, 59)))
    preparer = draw(st.sampled_from(USERS))
    approver = draw(st.sampled_from([u for u in USERS if u != preparer]))
    return Journal("", effective, entered_at, preparer, approver, draw(st.sampled_from(DESCRIPTIONS)),
                   accounts, amounts)


def ledgers(min_journals: int = 20, max_journals: int = 35) -> st.SearchStrategy[list[Journal]]:
    """Clean ledgers of numbered journals (JE-00001...); 20+ journals so the model has enough to fit.

    No two journals have the same amounts: a ledger of identical entries gives the model nothing to
    learn, and it rightly scores nothing.
    """
    return st.lists(journal_bodies(), min_size=min_journals, max_size=max_journals,
                    unique_by=lambda journal: journal.amounts).map(
        lambda bodies: [replace(j, journal_id=f"JE-{i:05d}") for i, j in enumerate(bodies, start=1)])


def ledger_rows(journals: list[Journal]) -> list[dict]:
    return [row for journal in journals for row in journal.rows()]


def write_parquet(rows: list[dict], path: Path) -> Path:
    pq.write_table(pa.Table.from_pylist(rows, schema=LEDGER_SCHEMA), path)
    return path


def write_csv(rows: list[dict], path: Path, columns: tuple[str, ...] = tuple(LEDGER_SCHEMA.names)) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@cache
def builtin_rules() -> rules_engine.RuleSet:
    return load_rules()


def scan(ledger: Path, **options) -> ScanResult:
    """run_scan as the CLI calls it; the built-in pack is validated once per session, not per scan."""
    load = LoadOptions(paths=(str(ledger),))
    scan_options = ScanOptions(load=load, **options)
    if scan_options.rules_dirs:
        return run_scan(scan_options)
    with mock.patch.object(rules_engine, "load_rules", lambda extra_dirs=(): builtin_rules()):
        return run_scan(scan_options)


def findings_document(result: ScanResult, out_dir: Path) -> dict:
    """findings.json of `result`, written and read back as a user would."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return json.loads(write_findings_json(result, out_dir / "findings.json").read_text(encoding="utf-8"))


INPUT_ROW = re.compile(r"input row \d+")


def outcome_of(document: dict, *, ignore_row_numbers: bool = False) -> dict:
    """What a scan concluded: rule statuses and hits, findings and the review list (no timings or paths).

    With `ignore_row_numbers`, input row numbers are blanked out of findings (they are where a line
    sat in the file, not what it says).
    """
    findings = []
    for finding in document["findings"]:
        finding = dict(finding)
        if ignore_row_numbers:
            finding["evidence"] = {k: v for k, v in (finding["evidence"] or {}).items() if "source_row" not in k}
            finding["message"] = INPUT_ROW.sub("input row ?", finding["message"])
        findings.append(finding)
    key = lambda f: (f["rule_id"], f["journal_id"] or "", f["line_no"] or 0, f["message"])  # noqa: E731
    return {
        "rules": [{k: v for k, v in rule.items() if k != "duration_s"} for rule in document["rules"]],
        "findings": sorted(findings, key=key),
        "review": document["review"],
    }


def flagged(document: dict, rule_ids: tuple[str, ...] | None = None) -> set[tuple[str, str]]:
    """(rule id, journal id) of every finding, optionally of some rules only."""
    return {(f["rule_id"], f["journal_id"]) for f in document["findings"]
            if rule_ids is None or f["rule_id"] in rule_ids}


ATTACK_RULE = """\
id: {rule_id}
slug: attack
title: A rule from elsewhere
category: INT
severity: high
status: stable
grain: journal
version: 1
rationale: A rule pack nobody here wrote.
sql: |
{sql}
message: "Flagged"
tests:
  - name: anything
    given:
      lines:
        - {{journal_id: A, account: "1000", amount: 1, effective_date: 2024-01-31}}
        - {{journal_id: B, account: "1000", amount: 2, effective_date: 2024-01-31}}
    flags: [B]
    passes: [A]
"""
ATTACK_SQL_LINE = ATTACK_RULE.splitlines().index("sql: |") + 1  # where errors about the SQL point


def write_attack_pack(root: Path, attacks: dict[str, str]) -> Path:
    """A user rule pack with one rule per attack (rule id -> SQL), as its author would ship it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text('name: elsewhere\nversion: "1.0"\ndescription: rules from elsewhere\n')
    for rule_id, sql in attacks.items():
        body = "\n".join("  " + line for line in sql.splitlines())
        (root / f"{rule_id}.attack.yaml").write_text(ATTACK_RULE.format(rule_id=rule_id, sql=body))
    return root


def small_ledger(path: Path, *, unbalanced: tuple[str, ...] = ()) -> Path:
    """Six two-line journals JE-00001..JE-00006 as Parquet; the named ones are off by 0.01."""
    journals = []
    for n in range(1, 7):
        entered = datetime(2024, 3, 4 + n % 5, 10, 30)
        amount = Decimal(100 * n)
        journal_id = f"JE-{n:05d}"
        credit = -amount + (Decimal("0.01") if journal_id in unbalanced else 0)
        journals.append(Journal(journal_id, entered.date(), entered, USERS[n % 5], USERS[(n + 1) % 5],
                                DESCRIPTIONS[n % 5], ("6100", "2000"), (amount, credit)))
    return write_parquet(ledger_rows(journals), path)
