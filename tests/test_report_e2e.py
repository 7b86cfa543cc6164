"""End to end: the locker_co sample and a generated ledger through the real pipeline; the workpaper and the
page agree with findings.json, and the provenance names the very bytes that were scanned."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from test_report_html import Page

from jecheck.ingest import LoadOptions
from jecheck.report import write_outputs
from jecheck.report.xlsx import PROVENANCE_SHEET
from jecheck.scan import ScanOptions, run_scan

CONTEXT = {"coa": "coa", "users": "users", "calendar": "calendar", "source_listing": "sources", "tb": "tb",
           "control_totals": "control_totals"}


def scan_options(ledger: Path, **options) -> ScanOptions:
    """A scan of `ledger` with the context files the sample generator writes beside it (<stem>.<name>.csv)."""
    context = {field: str(ledger.with_name(f"{ledger.stem}.{name}.csv")) for field, name in CONTEXT.items()}
    return ScanOptions(load=LoadOptions(paths=(str(ledger),), **context), **options)


def scanned(ledger: Path, out: Path, **options) -> Path:
    write_outputs(run_scan(scan_options(ledger, **options)), out)
    return out


@pytest.fixture(scope="module")
def locker_co(repo_root, tmp_path_factory):
    """The sample's ledger, and its scan's findings.json, workbook and parsed page."""
    ledger = repo_root / "sample_ledgers" / "locker_co_fy2004" / "locker_co_fy2004.parquet"
    out = scanned(ledger, tmp_path_factory.mktemp("locker_co"), top=30, seed=3)
    return (ledger, json.loads((out / "findings.json").read_text()), openpyxl.load_workbook(out / "report.xlsx"),
            Page((out / "report.html").read_text()))


def rows_under(sheet, first_heading: str) -> tuple[list, list]:
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_heading)
    body = []
    for row in rows[start + 1:]:
        if all(v is None for v in row):
            break
        body.append(row)
    return list(rows[start]), body


def test_workpaper_and_page_match_findings_json(locker_co):
    _, findings, book, page = locker_co
    per_rule: dict[str, int] = {}
    for f in findings["findings"]:
        per_rule[f["rule_id"]] = per_rule.get(f["rule_id"], 0) + 1
    assert per_rule, "the locker_co sample has planted anomalies; some rule must find them"
    sections = {a["data-rule"]: a for t, a, _ in page.elements if t == "section" and "data-rule" in a}
    assert set(sections) == set(per_rule)
    for rule_id, count in per_rule.items():
        shown = len(rows_under(book[rule_id], "Journal")[1])
        notes = " ".join(str(row[0]) for row in book[rule_id].iter_rows(values_only=True) if row[0])
        # A sheet lists every finding of its rule, or states its cap and the count findings.json holds.
        assert shown == count or (0 < shown < count and f"showing the first {shown:,} of {count:,} findings" in notes)
        assert int(sections[rule_id]["data-findings"]) == count
    header, rules = rows_under(book["Summary"], "Rule")
    hits = {r["id"]: r["hits"] for r in findings["rules"] if r["status"] == "ran"}
    assert {row[0]: row[header.index("Hits")] for row in rules if row[0] in hits} == hits
    review = [a for a in page.inside("review-table", "tr")][1:]
    assert len(review) == len(findings["review"]) == 30
    header, ranked = rows_under(book["Review"], "Rank")
    assert [row[1] for row in ranked[:30]] == [r["journal_id"] for r in findings["review"]]


def test_provenance_names_the_scanned_bytes(locker_co):
    ledger, findings, book, _ = locker_co
    digest = hashlib.sha256(ledger.read_bytes()).hexdigest()
    rows = list(book[PROVENANCE_SHEET].iter_rows(values_only=True))
    assert any(digest in row for row in rows)
    assert digest in json.dumps(findings["run"]["inputs"])
    pairs = {row[0]: row[1] for row in rows if row[0]}
    assert pairs["Seed"] == 3 and pairs["jecheck version"] == findings["jecheck_version"]


def test_answer_key_entries_are_on_the_workpaper(locker_co, repo_root):
    """Every planted entry of the sample's answer key is flagged, so it sits on the Review sheet."""
    key = (repo_root / "sample_ledgers" / "locker_co_fy2004" / "answer_key.csv").read_text().splitlines()[1:]
    planted = {line.split(",", 1)[0] for line in key if line}
    header, ranked = rows_under(locker_co[2]["Review"], "Rank")
    assert planted <= {row[header.index("Journal")] for row in ranked}
