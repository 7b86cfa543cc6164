"""The closing summary on the terminal and its --json twin."""

from __future__ import annotations

import io
import json

from report_helpers import build_result
from rich.console import Console

from jecheck.report.terminal import print_scan_summary, scan_summary_dict


def printed(result, top: int = 5) -> str:
    buffer = io.StringIO()
    print_scan_summary(result, Console(file=buffer, width=250), top=top, written=[])
    return buffer.getvalue()


def test_summary_lists_rules_with_findings_and_groups_those_not_run():
    text = printed(build_result())
    assert "Findings by rule" in text
    for rule in ("CUT-001", "AMT-001", "TXT-001"):
        assert rule in text
    assert "1 rules ran and found nothing." in text  # TIM-001
    assert "not run APR-001 - skipped: needs approved_by" in text
    assert "findings: 6 high, 3 medium, 5 low, 0 info; 11 journals flagged" in text


def test_summary_shows_the_top_of_the_review_list():
    result = build_result()
    text = printed(result, top=3)
    assert "Review list (top 3)" in text
    first = result.con.execute("SELECT journal_id FROM review WHERE rank <= 3 ORDER BY rank").fetchall()
    positions = [text.index(f" {j} ") for (j,) in first]
    assert positions == sorted(positions)


def test_ledger_text_is_printed_literally_never_as_markup():
    result = build_result()
    result.con.execute("UPDATE review SET reasons = ['[bold red]urgent[/bold red] wire'] WHERE rank = 1")
    assert "[bold red]urgent[/bold red] wire" in printed(result)


def test_json_summary_counts_match_the_tables():
    result = build_result()
    result.options.fail_on = "high"
    data = json.loads(json.dumps(scan_summary_dict(result, [])))
    assert data["findings"] == {"high": 6, "medium": 3, "low": 5, "info": 0}
    assert data["suppressed"] == 1 and data["flagged_journals"] == 11 and data["exit_code"] == 1
    assert {r["id"]: r["status"] for r in data["rules"]}["APR-001"] == "skipped"
    assert data["rows"] == {"read": 481, "loaded": 480, "rejected": 1}


def test_review_table_shows_the_first_reason_and_counts_the_rest():
    result = build_result()
    result.con.execute("UPDATE review SET reasons = [repeat('x', 200), 'second', 'third'] WHERE rank = 1")
    text = printed(result)
    assert "x" * 87 + "... (+2 more)" in text and "second" not in text
