"""The TIM, AMT, USR, ACC, TXT and SRC rules on a real ledger (the AICPA sample): they run, report each
journal once, and give the same findings whatever the order of the input rows or the thread count."""

from __future__ import annotations

import pytest

from jecheck import db, views
from jecheck.ingest.loader import LINES_STORED, load
from jecheck.ingest.model import LoadOptions
from jecheck.rules_engine import read_pack, run_rules
from jecheck.rules_engine.loader import builtin_rules_dir, rule_files
from jecheck.rules_engine.validate import parse_rule_file

CATEGORIES = ("TIM", "AMT", "USR", "ACC", "TXT", "SRC")


@pytest.fixture(scope="module")
def rules():
    pack = read_pack(builtin_rules_dir(), builtin=True)
    return [parse_rule_file(path, pack) for path in rule_files(pack.path) if path.parent.name in CATEGORIES]


def _ledger(aicpa_dir, *, threads: int, shuffle: bool):
    con = db.connect(threads=threads)
    load(con, LoadOptions(paths=(str(aicpa_dir / "GL_Detail_YYYYMMDD_YYYYMMDD.csv"),)))
    if shuffle:  # same rows, another physical order (`lines` is a view over the stored table)
        con.execute(f"CREATE OR REPLACE TABLE {LINES_STORED} AS SELECT * FROM {LINES_STORED} "
                    "ORDER BY hash(source_row)")
    views.create_views(con)
    return con


def _findings(con, rules) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    outcomes = run_rules(con, rules)
    rows = con.execute("SELECT rule_id, journal_id, message FROM findings ORDER BY rule_id, journal_id").fetchall()
    by_rule: dict[str, list[tuple[str, str]]] = {}
    for rule_id, journal_id, message in rows:
        by_rule.setdefault(rule_id, []).append((journal_id, message))
    return {o.id: o.status for o in outcomes}, by_rule


@pytest.fixture(scope="module")
def aicpa_findings(aicpa_dir, rules):
    con = _ledger(aicpa_dir, threads=2, shuffle=False)
    try:
        journals = {j for (j,) in con.execute("SELECT journal_id FROM journals").fetchall()}
        return journals, *_findings(con, rules)
    finally:
        con.close()


def test_every_rule_runs_on_the_aicpa_ledger(aicpa_findings, rules):
    _, statuses, _ = aicpa_findings
    failed = {rule_id: status for rule_id, status in statuses.items() if status == "error"}
    assert not failed
    assert set(statuses) == {rule.id for rule in rules}


def test_each_journal_is_reported_once_per_rule_and_exists(aicpa_findings):
    journals, _, by_rule = aicpa_findings
    for rule_id, hits in by_rule.items():
        ids = [journal_id for journal_id, _ in hits]
        assert len(ids) == len(set(ids)), rule_id
        assert set(ids) <= journals, rule_id
        assert all(message and "{" not in message for _, message in hits), rule_id


def test_findings_do_not_depend_on_row_order_or_threads(aicpa_dir, rules, aicpa_findings):
    _, _, expected = aicpa_findings
    con = _ledger(aicpa_dir, threads=1, shuffle=True)
    try:
        _, shuffled = _findings(con, rules)
    finally:
        con.close()
    assert shuffled == expected
