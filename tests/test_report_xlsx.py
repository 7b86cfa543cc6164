"""The workpaper read back with openpyxl, the way Excel would: sheets, headers, counts, provenance, safety."""

from __future__ import annotations

import json
from dataclasses import replace

import openpyxl
import pytest
from report_helpers import AT_SUM, HOSTILE_USER, HYPERLINK, JUSTIFICATION, PLUS_CMD, build_result

from jecheck.report import write_findings_json
from jecheck.report.xlsx import PROVENANCE_SHEET, write_workpaper


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx")
    result = build_result()
    write_findings_json(result, out / "findings.json")
    write_workpaper(result, out / "report.xlsx")
    book = openpyxl.load_workbook(out / "report.xlsx")
    return result, json.loads((out / "findings.json").read_text()), book


def rows_below_header(sheet, first_heading: str) -> tuple[list, list[tuple]]:
    """The header row whose first cell is `first_heading` and the data rows under it, until a blank row."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_heading)
    data = []
    for row in rows[start + 1:]:
        if all(v is None for v in row):
            break
        data.append(row)
    return list(rows[start]), data


def column(header: list, rows: list[tuple], name: str) -> list:
    return [row[header.index(name)] for row in rows]


def test_sheets_in_order_with_one_per_rule_that_hit(scanned):
    _, findings, book = scanned
    hit = sorted({f["rule_id"] for f in findings["findings"]})
    assert book.sheetnames == ["Summary", "Review", *hit, "Completeness", "Profile", PROVENANCE_SHEET]
    assert "TIM-001" not in book.sheetnames  # ran, no hits
    assert "APR-001" not in book.sheetnames  # skipped


def test_rule_sheets_list_every_finding_of_findings_json(scanned):
    _, findings, book = scanned
    for rule_id in {f["rule_id"] for f in findings["findings"]}:
        expected = sorted((f["journal_id"], f["line_no"]) for f in findings["findings"] if f["rule_id"] == rule_id)
        header, rows = rows_below_header(book[rule_id], "Journal")
        assert header[:3] == ["Journal", "Line", "Message"]
        assert sorted(zip(column(header, rows, "Journal"), column(header, rows, "Line"))) == expected
        suppressed = [f["journal_id"] for f in findings["findings"] if f["rule_id"] == rule_id and f["suppressed"]]
        assert [r[0] for r in rows if r[header.index("Suppressed")]] == suppressed


def test_rule_sheet_expands_evidence_into_typed_columns(scanned):
    _, _, book = scanned
    header, rows = rows_below_header(book["AMT-001"], "Journal")
    assert "Evidence: amount" in header and "Evidence: account" in header
    amounts = column(header, rows, "Evidence: amount")
    assert all(isinstance(a, float) for a in amounts)
    cut_header, cut_rows = rows_below_header(book["CUT-001"], "Journal")
    assert all(v.year == 2024 for v in column(cut_header, cut_rows, "Evidence: entered_at"))  # dates, not text


def test_summary_counts_match_findings_json(scanned):
    _, findings, book = scanned
    header, rows = rows_below_header(book["Summary"], "Rule")
    by_rule = {r["id"]: r for r in findings["rules"]}
    assert {row[0] for row in rows} == set(by_rule)
    for row in rows:
        rule = by_rule[row[0]]
        assert row[header.index("Status")] == rule["status"]
        if rule["status"] == "ran":
            assert row[header.index("Hits")] == rule["hits"]
        else:
            assert row[header.index("Reason not run / sheet")] == rule["skipped_reason"]
    sev_header, sev_rows = rows_below_header(book["Summary"], "Severity")
    open_findings = [f for f in findings["findings"] if not f["suppressed"]]
    for row in sev_rows:
        assert row[sev_header.index("Findings")] == sum(f["severity"] == row[0] for f in open_findings)
    checks = {row[0]: row[1] for row in rows_below_header(book["Summary"], "Check")[1]}
    assert checks == {"balanced journals": "PASS", "unique line keys": "PASS",
                      "trial balance rollforward": "NOT RUN", "control totals": "NOT RUN"}


def test_review_sheet_ranks_top_and_flagged_journals_with_room_for_conclusions(scanned):
    result, findings, book = scanned
    header, rows = rows_below_header(book["Review"], "Rank")
    assert header[-4:] == ["Conclusion", "Reviewed by", "Date reviewed", "Support / work-paper reference"]
    ranks = column(header, rows, "Rank")
    assert ranks == sorted(ranks)
    top = [(r["rank"], r["journal_id"]) for r in findings["review"]]
    assert list(zip(ranks, column(header, rows, "Journal")))[: len(top)] == top
    flagged = {f["journal_id"] for f in findings["findings"] if not f["suppressed"]}
    assert flagged <= set(column(header, rows, "Journal"))
    sheet = book["Review"]
    assert sheet.freeze_panes == f"C{_header_row(sheet) + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{_header_row(sheet)}")
    assert any(dv.formula1 and "No exception" in dv.formula1 for dv in sheet.data_validations.dataValidation)


def _header_row(sheet) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == "Rank")


def test_provenance_records_version_inputs_packs_parameters_and_suppressions(scanned):
    result, _, book = scanned
    rows = list(book[PROVENANCE_SHEET].iter_rows(values_only=True))
    pairs = {row[0]: row[1] for row in rows if row[0] is not None}
    assert pairs["jecheck version"] == result.version
    assert pairs["Seed"] == result.options.seed
    assert pairs["Started at"] == result.started_at
    assert any(row[:3] == ("/data/ledger.csv", 12345, "ab" * 32) for row in rows)
    assert any(row[:3] == ("jecheck-builtin", "1.0.0", "cd" * 32) for row in rows)
    for name, value in result.options.parameters().items():
        shown = ", ".join(value) if isinstance(value, list) else value
        assert pairs[name] == (shown or None), name
    assert ("CUT-001", "close_lag_days", 10) in [row[:3] for row in rows]
    stale = [row[0] for row in rows if row[0] and "TXT-009" in str(row[0])]
    assert stale and "J0404" in stale[0] and "one-off fee" in stale[0]
    suppression = [row for row in rows if JUSTIFICATION in row]
    assert [row[:2] for row in suppression] == [("CUT-001", "J0012")]
    assert "A. Auditor" in suppression[0]


def test_planted_formulas_are_stored_as_quoted_text(scanned):
    _, _, book = scanned
    hostile = {HYPERLINK, PLUS_CMD, AT_SUM, JUSTIFICATION}
    seen = set()
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
    assert hostile <= seen  # every planted value reached the workbook, and each is inert text
    assert "=1+1 reason; amount 38x this account's median" in seen


def test_markup_is_kept_verbatim(scanned):
    _, _, book = scanned
    users = [row[0] for row in rows_below_header(book["Profile"], "User")[1]]
    assert HOSTILE_USER in users


def test_caps_are_stated_on_the_sheet(tmp_path):
    result = build_result()
    write_workpaper(result, tmp_path / "capped.xlsx", row_cap=2, review_cap=3)
    book = openpyxl.load_workbook(tmp_path / "capped.xlsx")
    header, rows = rows_below_header(book["CUT-001"], "Journal")
    assert len(rows) == 2
    notes = [row[0] for row in book["CUT-001"].iter_rows(values_only=True) if row[0]]
    assert any("showing the first 2 of 7 findings" in str(n) for n in notes)
    _, review_rows = rows_below_header(book["Review"], "Rank")
    assert len(review_rows) == 3
    assert any("showing the first 3 of" in str(row[0]) for row in book["Review"].iter_rows(values_only=True))


def test_rule_sheets_share_a_row_budget_most_severe_first(tmp_path, monkeypatch):
    import jecheck.report.xlsx as xlsx

    monkeypatch.setattr(xlsx, "RULE_ROWS_MIN", 1)
    write_workpaper(build_result(), tmp_path / "budget.xlsx", rule_rows_total=4)
    book = openpyxl.load_workbook(tmp_path / "budget.xlsx")
    shown = {name: len(rows_below_header(book[name], "Journal")[1]) for name in ("CUT-001", "AMT-001", "TXT-001")}
    assert shown == {"CUT-001": 4, "AMT-001": 1, "TXT-001": 1}  # high, then medium, then low
    notes = [row[0] for row in book["TXT-001"].iter_rows(values_only=True) if row[0]]
    assert any("showing the first 1 of 5 findings" in str(n) for n in notes)


def test_without_the_model_the_review_sheet_says_why(tmp_path):
    result = build_result(model=False)
    write_workpaper(result, tmp_path / "nomodel.xlsx")
    book = openpyxl.load_workbook(tmp_path / "nomodel.xlsx")
    text = " ".join(str(row[0]) for row in book["Review"].iter_rows(values_only=True) if row[0])
    assert "--no-model" in text


def test_values_excel_cannot_hold_are_written_as_text(tmp_path):
    result = build_result()
    result.con.execute("UPDATE review SET anomaly_score = 'NaN'::DOUBLE WHERE rank = 1")
    result.con.execute("UPDATE journals SET effective_date = DATE '0202-01-05' WHERE journal_id = 'J0001'")
    write_workpaper(result, tmp_path / "odd.xlsx")
    header, rows = rows_below_header(openpyxl.load_workbook(tmp_path / "odd.xlsx")["Review"], "Rank")
    by_journal = {row[header.index("Journal")]: row for row in rows}
    first = next(row for row in rows if row[0] == 1)
    assert first[header.index("Anomaly score")] == "nan"
    assert by_journal["J0001"][header.index("Effective date")] == "0202-01-05"


def test_dates_and_times_read_back_as_the_ledger_has_them(scanned):
    result, _, book = scanned
    header, rows = rows_below_header(book["Review"], "Rank")
    ledger = {j: (d, t) for j, d, t in result.con.execute(
        "SELECT journal_id, effective_date, entered_at FROM journals").fetchall()}
    assert rows
    for row in rows:
        effective, entered = ledger[row[header.index("Journal")]]
        assert row[header.index("Effective date")].date() == effective
        assert abs(row[header.index("Entered at")] - entered).total_seconds() < 0.001


def test_an_info_rule_sheet_lists_a_sample_and_names_the_complete_list(tmp_path, monkeypatch):
    import jecheck.report.xlsx as xlsx

    monkeypatch.setattr(xlsx, "RULE_ROWS_MIN", 2)
    result = build_result()
    result.rules = [replace(o, severity="info") if o.id == "TXT-001" else o for o in result.rules]
    write_workpaper(result, tmp_path / "info.xlsx")
    book = openpyxl.load_workbook(tmp_path / "info.xlsx")
    assert len(rows_below_header(book["TXT-001"], "Journal")[1]) == 2
    assert len(rows_below_header(book["CUT-001"], "Journal")[1]) == 7  # other rules are not cut to the sample
    notes = [str(row[0]) for row in book["TXT-001"].iter_rows(values_only=True) if row[0]]
    assert any("showing the first 2 of 5 findings; findings.json lists all 5" in n for n in notes)
