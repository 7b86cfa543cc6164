"""report.xlsx: the auditor's workpaper.

Sheets: Summary, Review, one per rule with findings (named by rule ID), Completeness, Profile, and
Parameters & provenance. Written with xlsxwriter in memory: the caps below bound its size.

Sheets are for reading, so they are capped at what a reviewer can work through: the Review sheet at the
first REVIEW_ROW_CAP journals by rank, each rule sheet at ROW_CAP findings (an info rule's at
RULE_ROWS_MIN) and all of them together at RULE_ROWS_TOTAL, shared out most severe rule first. A capped sheet states its cap and names the file
holding everything (findings.json: every finding; entries.parquet: every ranked journal), so the time
to write the workbook is bounded whatever the size of the ledger.

Ledger text is never a formula: the workbook stores every string as a string, and a string a
spreadsheet would read as a formula (=, +, -, @, tab, CR) also carries Excel's quote prefix, so
editing the cell keeps it text.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
import xlsxwriter

from . import summary
from .files import FORMULA_PREFIXES, atomic_path, looks_like_formula

ROW_CAP = 1_000  # findings per rule sheet
RULE_ROWS_TOTAL = 5_000  # findings across all rule sheets, however many rules hit
RULE_ROWS_MIN = 100  # every rule sheet shows at least this many of its findings, an info rule's at most
REVIEW_ROW_CAP = 1_000  # ranked journals on the Review sheet
LISTING_CAP = 10_000  # rows of the completeness, profile and suppression tables (normally far fewer)
SUMMARY_REVIEW_ROWS = 20
MAX_CELL_TEXT = 32_767  # Excel's limit on characters in a cell
CONCLUSIONS = ["No exception", "Exception", "Follow up", "Not tested"]
PROVENANCE_SHEET = "Parameters & provenance"

# Column headings for the database names the sheets show.
LABELS = {
    "journal_id": "Journal", "line_no": "Line", "rank": "Rank", "risk_score": "Risk score",
    "anomaly_score": "Anomaly score", "percentile": "Percentile", "effective_date": "Effective date",
    "period_key": "Period", "entered_at": "Entered at", "entered_by": "Entered by", "approved_by": "Approved by",
    "source": "Source", "line_count": "Lines", "total_debit": "Debits", "total_credit": "Credits",
    "header_description": "Description", "rule_ids": "Rules", "reasons": "Reasons", "message": "Message",
    "suppressed": "Suppressed", "suppression_justification": "Suppression justification",
    "suppression_reviewer": "Suppressed by", "user_id": "User", "flagged_journals": "Flagged journals",
    "manual_journals": "Manual journals", "journals_approved": "Journals approved", "first_date": "First date",
    "last_date": "Last date", "last_3_days": "Dated in last 3 days", "type_source": "Type from",
    "rule_id": "Rule",
}

# Widths (characters) by database name; others get a width from their heading.
WIDTHS = {
    "journal_id": 16, "message": 60, "header_description": 40, "reasons": 70, "rule_ids": 18, "name": 28,
    "suppression_justification": 40, "justification": 40, "sha256": 66, "path": 50, "value": 60,
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")


def write_workpaper(result, path: Path, *, row_cap: int = ROW_CAP, review_cap: int = REVIEW_ROW_CAP,
                    rule_rows_total: int = RULE_ROWS_TOTAL, listing_cap: int = LISTING_CAP) -> Path:
    """Write the workpaper of `result` (a ScanResult) to `path`.

    Rule sheets stop at `row_cap` rows, all rule sheets together at `rule_rows_total` (shared out by
    severity), the Review sheet at `review_cap` and the other tables at `listing_cap`; a capped sheet
    states its cap and where the complete list is.
    """
    con = result.con
    rules = summary.rule_rows(result)
    listed = summary.finding_counts_by_rule(con)
    sheet_names = _rule_sheet_names([r.id for r in rules if listed.get(r.id)])
    limits = _rule_row_limits([r for r in rules if r.id in sheet_names], listed, row_cap, rule_rows_total)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {
            "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd",
        })
        book.set_properties({"title": "jecheck workpaper", "comments": f"jecheck {result.version}"})
        formats = _Formats(book)
        if summary.has_review(con):  # the Review sheet's rows first: the Summary's top rows are read from them
            summary.review_list(con, review_cap, top=int(result.options.top))
        _summary_sheet(_Sheet(book, "Summary", formats), result, rules, sheet_names)
        _review_sheet(_Sheet(book, "Review", formats), result, review_cap)
        shown = summary.findings_by_rule(con, limits)
        columns = shown.drop("rule_id", "evidence")
        ready = _excel_ready(columns, [_kind(columns.schema[n]) for n in columns.columns])  # once for all sheets
        start, by_id = 0, {r.id: r for r in rules}
        for rule_id, rows in shown.group_by("rule_id", maintain_order=True).len().iter_rows():
            _rule_sheet(_Sheet(book, sheet_names[rule_id], formats), by_id[rule_id], listed[rule_id],
                        shown.slice(start, rows), ready.slice(start, rows))
            start += rows
        _completeness_sheet(_Sheet(book, "Completeness", formats), result, listing_cap)
        _profile_sheet(_Sheet(book, "Profile", formats), con, listing_cap)
        _provenance_sheet(_Sheet(book, PROVENANCE_SHEET, formats), result, rules, listing_cap)
        book.close()
    return path


def _rule_row_limits(rules: list[summary.RuleRow], listed: dict[str, int], row_cap: int, total: int
                     ) -> dict[str, int]:
    """Rows each rule sheet may list: severe rules first take what they need from the shared total.
    Info rules (context, no follow-up expected) show RULE_ROWS_MIN at most."""
    order = {s: i for i, s in enumerate(summary.SEVERITY_ORDER)}
    limits, remaining = {}, total
    for rule in sorted(rules, key=lambda r: (order.get(r.severity, len(order)), r.id)):
        cap = RULE_ROWS_MIN if rule.severity == "info" else row_cap
        limits[rule.id] = min(listed[rule.id], cap, max(remaining, RULE_ROWS_MIN))
        remaining -= limits[rule.id]
    return limits


def _rule_sheet_names(rule_ids: list[str]) -> dict[str, str]:
    """A valid, unique sheet name per rule ID (Excel: 31 characters, none of []:*?/\\)."""
    names: dict[str, str] = {}
    taken = {"summary", "review", "completeness", "profile", PROVENANCE_SHEET.lower()}
    for rule_id in rule_ids:
        base = re.sub(r"[\[\]:*?/\\']", "_", rule_id)[:31] or "rule"
        name, n = base, 2
        while name.lower() in taken:
            name = f"{base[:27]} ({n})"
            n += 1
        taken.add(name.lower())
        names[rule_id] = name
    return names


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        add = book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.heading = add({"bold": True, "font_size": 12, "font_color": "#1F3864"})
        self.note = add({"italic": True, "font_color": "#595959"})
        self.label = add({"bold": True})
        self.header = add({"bold": True, "bg_color": "#D9E1F2", "bottom": 1, "text_wrap": True, "valign": "top"})
        self.inert = add({"quote_prefix": True})
        self.int = add({"num_format": "#,##0"})
        self.amount = add({"num_format": "#,##0.00;[Red]-#,##0.00"})
        self.score = add({"num_format": "0.000"})
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.datetime = add({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.passed = add({"bold": True, "font_color": "#006100", "bg_color": "#C6EFCE"})
        self.failed = add({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
        self.not_run = add({"font_color": "#595959", "bg_color": "#EDEDED"})
        self.entry = add({"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"})
        self.link = add({"font_color": "#0563C1", "underline": 1})


def _kind(dtype: pl.DataType) -> str:
    """How a polars column is written: text, int, score, amount, date, datetime, bool or list."""
    if dtype == pl.String:
        return "text"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "score"
    if isinstance(dtype, pl.Decimal):
        return "amount"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Boolean:
        return "bool"
    if isinstance(dtype, pl.List):
        return "list"
    return "other"


class _Sheet:
    """One worksheet written top to bottom, a row at a time."""

    def __init__(self, book: xlsxwriter.Workbook, name: str, formats: _Formats) -> None:
        self.ws = book.add_worksheet(name)
        self.f = formats
        self.row = 0
        self.widths: dict[int, float] = {}

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def title(self, text: str) -> None:
        self.text(self.row, 0, text, self.f.title)
        self.row += 1

    def heading(self, text: str) -> None:
        self.text(self.row, 0, text, self.f.heading)
        self.row += 1

    def note(self, text: str) -> None:
        self.text(self.row, 0, text, self.f.note)
        self.row += 1

    def pairs(self, items: list[tuple[str, object]]) -> None:
        """Label / value rows."""
        for label, value in items:
            self.text(self.row, 0, label, self.f.label)
            self.value(self.row, 1, value, _value_kind(value))
            self.row += 1

    def text(self, row: int, col: int, value: str, fmt=None) -> None:
        value = str(value)
        if len(value) > MAX_CELL_TEXT:
            value = value[: MAX_CELL_TEXT - 20] + " ... (truncated)"
        if looks_like_formula(value):
            fmt = self.f.inert
        self.ws.write_string(row, col, value, fmt)

    def value(self, row: int, col: int, value, kind: str) -> None:
        f = self.f
        if value is None or value == "":
            return
        if kind == "text":
            self.text(row, col, value)
        elif kind == "int":
            self.ws.write_number(row, col, value, f.int)
        elif kind in ("score", "number") and not math.isfinite(value):
            self.text(row, col, str(value))  # Excel has no NaN or infinity
        elif kind == "score":
            self.ws.write_number(row, col, value, f.score)
        elif kind == "amount":
            self.ws.write_number(row, col, float(value), f.amount)  # float(): pairs() passes Decimals
        elif kind in ("date", "datetime") and value.year < 1900:
            self.text(row, col, value.isoformat())  # Excel cannot show dates before 1900
        elif kind == "date":
            self.ws.write_datetime(row, col, value, f.date)
        elif kind == "datetime":
            self.ws.write_datetime(row, col, value, f.datetime)
        elif kind == "bool":
            self.ws.write_boolean(row, col, bool(value))
        elif kind == "list":
            self.text(row, col, "; ".join(str(v) for v in value))
        elif kind == "number":
            self.ws.write_number(row, col, value)
        else:
            self.text(row, col, value if isinstance(value, str) else json.dumps(value, default=str))

    def header(self, headers: list[str], names: list[str] | None = None) -> int:
        """Write a header row; widen its columns to fit; return its row index."""
        for col, heading in enumerate(headers):
            self.text(self.row, col, heading, self.f.header)
            name = names[col] if names else heading
            self.widen(col, WIDTHS.get(name, min(max(len(heading) + 2, 10), 30)))
        self.row += 1
        return self.row - 1

    def frame(self, frame: pl.DataFrame, *, extra_headers: tuple[str, ...] = (),
              extra_cells: list[list[tuple[object, str]]] | None = None, filter_and_freeze: bool = False,
              freeze_cols: int = 0, ready: pl.DataFrame | None = None) -> tuple[int, int]:
        """Write a frame as a table with a header row, plus extra columns given cell by cell
        (`extra_cells[i]` holds (value, kind) pairs for row i); return (header row, last row).
        `ready` is `_excel_ready(frame)` when the caller made it already.

        Each column is made ready for Excel in one vectorised step (text made inert and cut to Excel's
        limit, amounts as doubles, dates as Excel serial numbers), so the row loop only hands values over.
        """
        names = frame.columns
        header_row = self.header([_label(n) for n in names] + list(extra_headers),
                                 names + list(extra_headers))
        kinds = [_kind(frame.schema[n]) for n in names]
        if ready is None:
            ready = _excel_ready(frame, kinds)
        columns = [self._column(i, kind, frame.get_column(n), ready) for i, (n, kind) in enumerate(zip(names, kinds))]
        for i in range(frame.height):
            row = self.row
            for col, (write, values, formats) in enumerate(columns):
                value = values[i]
                if value is not None:
                    write(row, col, value, formats[i])
            for offset, (value, kind) in enumerate(extra_cells[i] if extra_cells else ()):
                self.value(row, len(names) + offset, value, kind)
            self.row += 1
        last = max(self.row - 1, header_row)
        if filter_and_freeze:
            self.ws.freeze_panes(header_row + 1, freeze_cols)
            self.ws.autofilter(header_row, 0, last, len(names) + len(extra_headers) - 1)
        return header_row, last

    def _column(self, i: int, kind: str, original: pl.Series, ready: pl.DataFrame) -> tuple[Callable, list, list]:
        """(write, values, formats) for column `i`: `write(row, col, values[j], formats[j])` writes cell j,
        and a None value is left blank. A column holding what Excel cannot store as a number or date (NaN,
        dates before 1900) is written cell by cell through `value`, whose format argument is the kind."""
        f, ws, n = self.f, self.ws, ready.height
        values, flags = ready.get_column(f"v{i}"), ready.get_column(f"x{i}") if f"x{i}" in ready.columns else None
        if kind in ("text", "list"):
            formats = [f.inert if flag else None for flag in flags.to_list()] if flags.any() else [None] * n
            return ws.write_string, values.to_list(), formats
        if kind in ("int", "amount", "score", "date", "datetime") and not (flags is not None and flags.any()):
            fmt = {"int": f.int, "amount": f.amount, "score": f.score, "date": f.date, "datetime": f.datetime}[kind]
            return ws.write_number, values.to_list(), [fmt] * n
        if kind == "bool":
            return ws.write_boolean, values.to_list(), [None] * n
        return self.value, original.to_list(), [kind] * n

    def widen(self, col: int, width: float) -> None:
        """Make column `col` at least `width` characters wide."""
        if width > self.widths.get(col, 0):
            self.widths[col] = width
            self.ws.set_column(col, col, width)


def _excel_ready(frame: pl.DataFrame, kinds: list[str]) -> pl.DataFrame:
    """Every column of `frame` as the sheet stores it, in one polars pass: `v<i>` the value, `x<i>` a flag.

    Text (lists joined with "; ") is cut to Excel's cell limit, empty text becomes a blank, and `x` marks
    text a spreadsheet would read as a formula. Amounts become doubles, dates Excel serial numbers (`x`:
    before 1900, which Excel cannot show), scores stay doubles (`x`: NaN or infinite).
    """
    exprs = []
    for i, (name, kind) in enumerate(zip(frame.columns, kinds)):
        col = pl.col(name)
        if kind == "list":
            col, kind = col.cast(pl.List(pl.String)).list.join("; "), "text"
        if kind == "text":
            text = col.cast(pl.String)
            cut = text.str.slice(0, MAX_CELL_TEXT - 20) + " ... (truncated)"
            exprs += [pl.when(text.str.len_chars() > MAX_CELL_TEXT).then(cut).when(text == "").then(None)
                      .otherwise(text).alias(f"v{i}"),
                      text.str.slice(0, 1).is_in(FORMULA_PREFIXES).fill_null(False).alias(f"x{i}")]
        elif kind == "amount":
            exprs.append(col.cast(pl.Float64).alias(f"v{i}"))
        elif kind == "score":
            exprs += [col.alias(f"v{i}"), (~col.is_finite()).fill_null(False).alias(f"x{i}")]
        elif kind in ("date", "datetime"):
            exprs += [_excel_serial(col, kind).alias(f"v{i}"), (col.dt.year() < 1900).fill_null(False).alias(f"x{i}")]
        else:
            exprs.append(col.alias(f"v{i}"))
    return frame.select(exprs)


def _excel_serial(col: pl.Expr, kind: str) -> pl.Expr:
    """Dates and datetimes as Excel serial day numbers, as xlsxwriter computes them (1900 date system)."""
    if kind == "date":
        days = (col - pl.lit(date(1899, 12, 31))).dt.total_days().cast(pl.Float64)
    else:
        delta = col.dt.replace_time_zone(None) - pl.lit(datetime(1899, 12, 31))
        days = delta.dt.total_microseconds() / 86_400_000_000
    # Excel counts 1900-02-29, which never was: serial numbers after day 59 are one higher.
    return pl.when(days > 59).then(days + 1).otherwise(days)


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _value_kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "score"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if hasattr(value, "as_tuple"):  # Decimal
        return "amount"
    if isinstance(value, (list, tuple)):
        return "list"
    return "text" if isinstance(value, str) else "other"  # dicts and the rest: JSON text


def _cap_note(shown: int, total: int, what: str, complete_list: str) -> str | None:
    """The sentence a capped table carries: how much it shows, of how many, and where the rest is."""
    if shown >= total:
        return None
    return f"Capped: showing the first {shown:,} of {total:,} {what}; {complete_list}."


# --- sheets ------------------------------------------------------------------------------------------

def _summary_sheet(sheet: _Sheet, result, rules: list[summary.RuleRow], sheet_names: dict[str, str]) -> None:
    con, f = result.con, sheet.f
    for col, width in enumerate((30, 44, 14, 14, 14, 14, 14, 50)):
        sheet.widen(col, width)
    sheet.title("Journal-entry testing workpaper")
    files = result.ingest.to_dict().get("files", [])
    sheet.note(f"jecheck {result.version}; scan started {result.started_at}; {result.duration_s:,.1f} s; "
               f"input: {', '.join(str(_file_name(x)) for x in files) or 'n/a'}")
    sheet.skip()

    pop = summary.population(con)
    ingest = result.ingest
    sheet.heading("Population")
    sheet.pairs([
        ("Rows read", ingest.rows_read), ("Rows loaded", ingest.rows_loaded), ("Rows rejected", ingest.rows_rejected),
        ("Journals", pop["journals"]), ("Lines", pop["lines"]),
        ("First effective date", pop["first_date"]), ("Last effective date", pop["last_date"]),
        ("Periods", pop["periods"]), ("Total debits", pop["total_debit"]), ("Total credits", pop["total_credit"]),
        ("Entities", pop["entities"]), ("Accounts used", pop["accounts"]), ("Sources", pop["sources"]),
        ("Preparers", pop["preparers"]), ("Journals flagged (low and above)", summary.flagged_journal_count(con)),
    ])
    sheet.skip()

    sheet.heading("Completeness")
    sheet.header(["Check", "Result", "Detail"])
    for check in result.completeness.checks:
        result_fmt = {True: f.passed, False: f.failed, None: f.not_run}[check.passed]
        sheet.text(sheet.row, 0, check.name.replace("_", " "))
        sheet.text(sheet.row, 1, {True: "PASS", False: "FAIL", None: "NOT RUN"}[check.passed], result_fmt)
        sheet.text(sheet.row, 2, check.summary)
        sheet.row += 1
    sheet.skip()

    sheet.heading("Findings by severity (unsuppressed)")
    sheet.header(["Severity", "What the reviewer must do", "Findings", "Journals", "Suppressed"])
    for row in summary.severity_counts(con):
        for col, (value, kind) in enumerate(zip(
                (row["severity"], row["meaning"], row["findings"], row["journals"], row["suppressed"]),
                ("text", "text", "int", "int", "int"))):
            sheet.value(sheet.row, col, value, kind)
        sheet.row += 1
    sheet.skip()
    sheet.heading("Findings by category (unsuppressed)")
    sheet.header(["Category", "", "Findings", "Journals", "Suppressed"])
    for row in summary.category_counts(con):
        for col, (value, kind) in enumerate(zip(
                (row["category"], None, row["findings"], row["journals"], row["suppressed"]),
                ("text", "text", "int", "int", "int"))):
            sheet.value(sheet.row, col, value, kind)
        sheet.row += 1
    sheet.skip()

    ran = sum(r.status == "ran" for r in rules)
    sheet.heading(f"Rules: {ran} ran, {len(rules) - ran} not run")
    sheet.header(["Rule", "Title", "Category", "Severity", "Status", "Hits", "Suppressed", "Reason not run / sheet"])
    for r in rules:
        sheet.text(sheet.row, 0, r.id)
        sheet.text(sheet.row, 1, r.title)
        sheet.text(sheet.row, 2, r.category)
        sheet.text(sheet.row, 3, r.severity)
        sheet.text(sheet.row, 4, r.status, f.not_run if r.status != "ran" else None)
        if r.status == "ran":
            sheet.value(sheet.row, 5, r.hits, "int")
            sheet.value(sheet.row, 6, r.suppressed_hits, "int")
        if r.id in sheet_names:
            sheet.ws.write_url(sheet.row, 7, f"internal:'{sheet_names[r.id]}'!A1", f.link,
                               string=f"see sheet {sheet_names[r.id]}")
        elif r.status != "ran":
            sheet.text(sheet.row, 7, r.skipped_reason or "")
        sheet.row += 1
    sheet.skip()

    if summary.has_review(con):
        top = summary.review_list(con, SUMMARY_REVIEW_ROWS)
        sheet.heading(f"Top of the review list (first {top.height}; more on the Review sheet, every journal in "
                      "entries.parquet)")
        sheet.frame(top.select("rank", "journal_id", "risk_score", "anomaly_score", "effective_date",
                               "entered_by", "rule_ids", "reasons"))
    else:
        sheet.heading("Review list")
        sheet.note("The model did not run (--no-model): journals are not ranked; see the rule sheets.")


def _review_sheet(sheet: _Sheet, result, review_cap: int) -> None:
    con, f = result.con, sheet.f
    sheet.title("Review list: journals ranked by risk")
    if not summary.has_review(con):
        sheet.note("The model did not run (--no-model), so journals are not ranked; the rule sheets list every hit.")
        return
    top = int(result.options.top)
    total = summary.review_list_size(con, top)
    frame = summary.review_list(con, review_cap, top=top)
    sheet.note(f"The {top:,} highest-ranked journals plus every journal with a rule hit: {total:,} journals. "
               "Record a conclusion for each journal you test in the yellow columns.")
    cap = _cap_note(frame.height, total, "journals", "entries.parquet ranks every journal, with its rules and "
                    "reasons, and findings.json lists every finding")
    if cap:
        sheet.note(cap)
    sheet.skip()
    frame = frame.select("rank", "journal_id", "risk_score", "anomaly_score", "percentile", "effective_date",
                         "period_key", "entered_at", "entered_by", "approved_by", "source", "line_count",
                         "total_debit", "header_description", "rule_ids", "reasons")
    inputs = ("Conclusion", "Reviewed by", "Date reviewed", "Support / work-paper reference")
    header_row, last = sheet.frame(frame, extra_headers=inputs, filter_and_freeze=True, freeze_cols=2)
    first_input = frame.width
    sheet.ws.set_column(first_input + 2, first_input + 2, 14, f.date)
    sheet.widen(first_input + 3, 34)
    if frame.height:
        # One conditional format shades the input cells; writing a blank per cell would double the write time.
        sheet.ws.conditional_format(header_row + 1, first_input, last, first_input + len(inputs) - 1,
                                    {"type": "no_errors", "format": f.entry})
        sheet.ws.data_validation(header_row + 1, first_input, last, first_input, {
            "validate": "list", "source": CONCLUSIONS, "ignore_blank": True,
            "input_title": "Conclusion", "input_message": "Pick one; explain exceptions in the reference column.",
        })
        sheet.ws.data_validation(header_row + 1, first_input + 2, last, first_input + 2, {
            "validate": "date", "criteria": ">", "value": date(1990, 1, 1), "ignore_blank": True,
        })


def _rule_sheet(sheet: _Sheet, rule: summary.RuleRow, total: int, frame: pl.DataFrame, ready: pl.DataFrame
                ) -> None:
    """One rule's sheet: what the rule tests, then its findings (`frame`; `ready` as `_excel_ready` gives it)."""
    sheet.title(f"{rule.id}  {rule.title}")
    sheet.note(f"Severity {rule.severity} ({summary.SEVERITY_MEANING.get(rule.severity, '')}); category "
               f"{rule.category}; {rule.hits:,} findings in {rule.journals:,} journals"
               + (f"; {rule.suppressed_hits:,} suppressed" if rule.suppressed_hits else ""))
    if rule.rationale:
        sheet.note("Why it matters: " + " ".join(rule.rationale.split()))
    if rule.references:
        sheet.note("References: " + ", ".join(rule.references))
    if rule.params:
        sheet.note("Parameters: " + ", ".join(f"{k} = {_plain(v)}" for k, v in rule.params.items()))
    cap = _cap_note(frame.height, total, "findings", f"findings.json lists all {total:,} (rule_id {rule.id})")
    if cap:
        sheet.note(cap)
    sheet.skip()
    evidence = [json.loads(e) if e else {} for e in frame.get_column("evidence").to_list()]
    base = frame.drop("rule_id", "evidence")
    keys = list(dict.fromkeys(k for item in evidence for k in item if k not in base.columns))
    cells = [[_evidence_value(item.get(k)) for k in keys] for item in evidence]
    sheet.frame(base, extra_headers=tuple(f"Evidence: {k}" for k in keys), extra_cells=cells,
                filter_and_freeze=True, freeze_cols=1, ready=ready)


def _evidence_value(value) -> tuple[object, str]:
    """Evidence arrives as JSON: numbers stay numbers, ISO dates become dates, the rest is text."""
    if value is None:
        return None, "text"
    if isinstance(value, bool):
        return value, "bool"
    if isinstance(value, (int, float)):
        return value, "number"
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return date.fromisoformat(value), "date"
        if _ISO_DATETIME.match(value):
            return datetime.fromisoformat(value), "datetime"
        return value, "text"
    return json.dumps(value, ensure_ascii=False), "text"


def _completeness_sheet(sheet: _Sheet, result, listing_cap: int) -> None:
    f = sheet.f
    sheet.title("Completeness of the population")
    ingest = result.ingest
    sheet.note(f"Rows read {ingest.rows_read:,} = loaded {ingest.rows_loaded:,} + rejected {ingest.rows_rejected:,}"
               + ("; rejected rows are in rejects.csv" if ingest.rows_rejected else ""))
    sheet.skip()
    sheet.header(["Check", "Result", "Detail"])
    sheet.widen(2, 90)
    for check in result.completeness.checks:
        sheet.text(sheet.row, 0, check.name.replace("_", " "))
        sheet.text(sheet.row, 1, {True: "PASS", False: "FAIL", None: "NOT RUN"}[check.passed],
                   {True: f.passed, False: f.failed, None: f.not_run}[check.passed])
        sheet.text(sheet.row, 2, check.summary)
        sheet.row += 1
    for table, heading, total, frame in summary.completeness_details(result.con, listing_cap):
        if not total:
            continue
        sheet.skip()
        sheet.heading(f"{heading}: {total:,}")
        cap = _cap_note(frame.height, total, "rows", "the rest are not listed in this workbook")
        if cap:
            sheet.note(cap)
        sheet.frame(frame)


def _profile_sheet(sheet: _Sheet, con, listing_cap: int) -> None:
    sheet.title("Profile of the population")
    sheet.note("Flagged journals have at least one unsuppressed finding of low severity or above.")
    for heading, frame in (("By preparer (entered by)", summary.profile_by_user(con).head(listing_cap)),
                           ("By source", summary.profile_by_source(con).head(listing_cap)),
                           ("By period", summary.profile_by_period(con).head(listing_cap))):
        sheet.skip()
        sheet.heading(heading)
        sheet.frame(frame)
    accounts = summary.profile_by_account(con, listing_cap)
    total = summary.account_count(con)
    sheet.skip()
    sheet.heading(f"By account: {total:,}")
    cap = _cap_note(accounts.height, total, "accounts", "the rest are not listed in this workbook")
    if cap:
        sheet.note(cap)
    sheet.frame(accounts, filter_and_freeze=True)


def _provenance_sheet(sheet: _Sheet, result, rules: list[summary.RuleRow], listing_cap: int) -> None:
    sheet.widen(0, 32)
    sheet.widen(1, 60)
    sheet.title("Parameters and provenance")
    sheet.note("Everything needed to re-perform this scan and get the same result.")
    sheet.skip()
    ingest = result.ingest.to_dict()
    options = result.options
    sheet.heading("Run")
    sheet.pairs([
        ("jecheck version", result.version), ("Started at", result.started_at),
        ("Duration (s)", float(result.duration_s)), ("Seed", options.seed), ("Layout", ingest.get("layout")),
        ("Rows read", ingest.get("rows_read")), ("Rows loaded", ingest.get("rows_loaded")),
        ("Rows rejected", ingest.get("rows_rejected")),
    ])
    _dict_table(sheet, "Input files", ingest.get("files") or [])
    packs = [p.to_dict() if hasattr(p, "to_dict") else p for p in getattr(result.ruleset, "packs", None) or []]
    _dict_table(sheet, "Rule packs", packs)

    sheet.skip()
    sheet.heading("Parameters")
    sheet.header(["Parameter", "Value"])
    for name, value in options.parameters().items():
        sheet.text(sheet.row, 0, name)
        sheet.value(sheet.row, 1, *_scalar(value))
        sheet.row += 1

    sheet.skip()
    sheet.heading("Rule parameters (as run)")
    sheet.header(["Rule", "Parameter", "Value"])
    for rule in rules:
        for name, value in rule.params.items():
            sheet.text(sheet.row, 0, rule.id)
            sheet.text(sheet.row, 1, name)
            sheet.value(sheet.row, 2, *_scalar(value))
            sheet.row += 1

    model = result.model.to_dict() if result.model is not None and hasattr(result.model, "to_dict") else None
    if model:
        sheet.skip()
        sheet.heading("Model")
        sheet.pairs([(k.replace("_", " "), _scalar(v)[0]) for k, v in model.items()])

    if result.timings:
        sheet.skip()
        sheet.heading("Stage timings (s)")
        sheet.pairs([(k, float(v)) for k, v in result.timings.items()])

    if ingest.get("warnings"):
        sheet.skip()
        sheet.heading("Ingest warnings")
        for warning in ingest["warnings"]:
            sheet.text(sheet.row, 0, warning)
            sheet.row += 1

    con = result.con
    total = summary.suppressed_count(con)
    sheet.skip()
    sheet.heading(f"Suppressions applied: {total:,} findings")
    if total:
        frame = summary.suppressed_findings(con, listing_cap)
        cap = _cap_note(frame.height, total, "suppressed findings",
                        "findings.json lists every finding, suppressed ones with their justification")
        if cap:
            sheet.note(cap)
        sheet.frame(frame)
    if result.stale_suppressions:
        sheet.skip()
        sheet.heading("Suppressions that matched nothing (stale)")
        for item in result.stale_suppressions:
            sheet.text(sheet.row, 0, _plain(item))
            sheet.row += 1


def _dict_table(sheet: _Sheet, heading: str, items: list[dict]) -> None:
    """A heading and a table whose columns are the union of the dicts' keys."""
    sheet.skip()
    sheet.heading(heading)
    if not items:
        sheet.note("none")
        return
    keys = list(dict.fromkeys(k for item in items for k in item))
    sheet.header([_label(k) for k in keys], keys)
    for item in items:
        for col, key in enumerate(keys):
            sheet.value(sheet.row, col, item.get(key), _value_kind(item.get(key)))
        sheet.row += 1


def _scalar(value) -> tuple[object, str]:
    """Numbers and booleans as themselves, everything else as plain text."""
    if isinstance(value, (bool, int, float)):
        return value, _value_kind(value)
    return _plain(value), "text"


def _plain(value) -> str:
    """A parameter value as a reader would write it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    if is_dataclass(value):  # e.g. a stale suppression: its fields, named
        return "; ".join(f"{k}: {_plain(v)}" for k, v in asdict(value).items() if v not in (None, ""))
    return str(value)


def _file_name(item) -> str:
    if isinstance(item, dict):
        return Path(str(item.get("path") or item.get("name") or "?")).name
    return str(item)
