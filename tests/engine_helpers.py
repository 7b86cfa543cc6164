"""Small rule packs and ledgers for the engine tests (built in tmp_path, never from the real pack)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb

from jecheck import db, views
from jecheck.rules_engine import TestCase
from jecheck.rules_engine.harness import load_case_tables

VALID_RULE = textwrap.dedent("""\
    id: ACME-001
    slug: large-journal
    title: Large journal
    category: AMT
    severity: medium
    status: stable
    grain: journal
    version: 1
    rationale: Flags journals whose debits reach a threshold.
    references: ["ISA 240.A43"]
    false_positives: ["Year-end accruals."]
    requires:
      columns: [entered_by]
      context: []
    params:
      threshold:
        type: number
        default: 1000
        min: 0
        description: Smallest total debit flagged.
    sql: |
      SELECT journal_id, total_debit, entered_by
      FROM journals
      WHERE total_debit >= $threshold
    message: "Debits {total_debit} by {entered_by}"
    tests:
      - name: large flags, small passes
        given:
          lines:
            - {journal_id: BIG, account: "1000", amount: 5000, effective_date: 2024-01-31, entered_by: ann}
            - {journal_id: BIG, account: "2000", amount: -5000, effective_date: 2024-01-31, entered_by: ann}
            - {journal_id: SMALL, account: "1000", amount: 5, effective_date: 2024-01-31, entered_by: bob}
            - {journal_id: SMALL, account: "2000", amount: -5, effective_date: 2024-01-31}
        flags: [BIG]
        passes: [SMALL]
    """)


def write_pack(root: Path, rules: dict[str, str], name: str = "acme", version: str = "1.0") -> Path:
    """A user pack folder holding pack.yaml and the given rule files (file name -> YAML text)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text(f'name: {name}\nversion: "{version}"\ndescription: test pack\n')
    for filename, text in rules.items():
        path = root / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def rule_text(rule_id: str = "ACME-001", slug: str = "large-journal", **replacements: str) -> str:
    """VALID_RULE with another id/slug and any `old=new` text replacements (keys are placeholders)."""
    text = VALID_RULE.replace("ACME-001", rule_id).replace("large-journal", slug)
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


def ledger(lines: list[dict], **context: list[dict]) -> duckdb.DuckDBPyConnection:
    """An in-memory ledger with views built and the database locked down, as a scan leaves it."""
    con = db.connect(threads=1)
    load_case_tables(con, TestCase("fixture", {"lines": lines, **context}, (), ()))
    views.create_views(con, views.ViewOptions(country=None))
    db.lock_down(con)
    return con


def balanced(journal_id: str, amount: float, date: str = "2024-01-31", **extra) -> list[dict]:
    """Two lines of one balanced journal: debit 1000, credit 2000."""
    return [
        {"journal_id": journal_id, "account": "1000", "amount": amount, "effective_date": date, **extra},
        {"journal_id": journal_id, "account": "2000", "amount": -amount, "effective_date": date, **extra},
    ]
