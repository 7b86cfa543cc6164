"""report.html: one self-contained page telling the workpaper's story to someone who would rather look.

No network: styles, charts (inline SVG) and the few lines of table-sorting script are in the file, and
a Content-Security-Policy with hashes of exactly that style and script lets the browser load nothing
else, so the page opens the same from a USB stick years later. Every value from the ledger is escaped;
the script reads the table's text and never turns data into markup or code.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from html import escape
from pathlib import Path

from . import charts, summary
from .files import atomic_path

FINDINGS_PER_RULE = 50  # the page shows a sample per rule; the workpaper and findings.json hold all
REVIEW_ROWS_MAX = 500
# Columns of a rule's findings table; evidence fields of the same name are not repeated beside them.
FINDING_COLUMNS = frozenset({"journal_id", "line_no", "message", "effective_date", "entered_by", "total_debit"})
USER_BARS = 15

STYLE = """
:root{--ink:#1d2733;--muted:#5b6673;--line:#d8dee6;--bg:#f5f7fa;--card:#fff;--accent:#1f4e79;
--high:#c0392b;--medium:#e67e22;--low:#d4ac0d;--info:#95a5a6;--ok:#1e8449;--bar:#5b8db8}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:var(--bg)}
header{background:var(--accent);color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.85}
nav{background:#fff;border-bottom:1px solid var(--line);padding:8px 32px;position:sticky;top:0;z-index:2}
nav a{color:var(--accent);margin-right:18px;text-decoration:none;font-weight:600}
main{max-width:1280px;margin:0 auto;padding:8px 32px 48px}
section{margin-top:28px}
h2{font-size:18px;border-bottom:2px solid var(--accent);padding-bottom:4px}
h3{font-size:15px;margin:0 0 6px}section > h3{margin-top:16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 14px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:20px;font-weight:650}
.card.sev-high{border-top:4px solid var(--high)}.card.sev-medium{border-top:4px solid var(--medium)}
.card.sev-low{border-top:4px solid var(--low)}.card.sev-info{border-top:4px solid var(--info)}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}td.n,td.nw{overflow-wrap:normal;white-space:nowrap}
th{background:#e9eef5;position:sticky;top:38px;cursor:pointer;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.wrap{max-width:360px;overflow-wrap:anywhere}td.why{min-width:300px}
h3.sub{margin:18px 0 8px}
tr:hover td{background:#f3f7fc}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff}
.badge.sev-high{background:var(--high)}.badge.sev-medium{background:var(--medium)}
.badge.sev-low{background:var(--low);color:#222}.badge.sev-info{background:var(--info)}
.pass{color:var(--ok);font-weight:700}.fail{color:var(--high);font-weight:700}.notrun{color:var(--muted)}
.note{color:var(--muted);font-size:12.5px}
.rule{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:14px;margin-top:14px}
.rule p{margin:4px 0}main p{overflow-wrap:anywhere}
.ev{margin-right:10px}.ev .evk{color:var(--muted);font-weight:600}
ul.reasons{margin:0;padding-left:16px}
.figs{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}
figure p{margin:6px 0 0}
.windows{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:8px}
#chart-period-ends{grid-column:1/-1}
svg.chart{width:100%;height:auto;display:block}
svg .bar{fill:var(--bar)}svg .bar.after{fill:#9dbbd6}svg .bar.muted{fill:#b8c2cc}svg .bar.flagged{fill:var(--high)}
svg .sev-high{fill:var(--high)}svg .sev-medium{fill:var(--medium)}svg .sev-low{fill:var(--low)}svg .sev-info{fill:var(--info)}
svg .band{fill:#f6d7a7;opacity:.7}svg .expected{fill:none;stroke:#222;stroke-width:1.5}svg .expected-dot{fill:#222}
svg .grid{stroke:#e3e8ee;stroke-width:1}svg .rug{stroke:var(--high);stroke-width:1.2}svg .cut{stroke:#222;stroke-width:1.5;stroke-dasharray:4 3}
svg text{font-family:inherit}svg .tick{font-size:10px;fill:var(--muted)}svg .lbl{font-size:11px;fill:var(--ink)}
svg .ttl{font-size:11px;font-weight:600;fill:var(--ink)}svg .note{font-size:11px;fill:var(--ink)}
.legend{font-size:12px;color:var(--muted);margin-top:4px}.legend .key{margin-right:14px}
svg.swatch{width:10px;height:10px;display:inline-block;margin-right:4px;vertical-align:-1px}
svg.swatch .bar{fill:var(--bar)}svg.swatch .flagged{fill:var(--high)}svg.swatch .band{fill:#f6d7a7}
svg.swatch .muted{fill:#b8c2cc}svg.swatch .after{fill:#9dbbd6}
input.filter{padding:6px 10px;border:1px solid var(--line);border-radius:4px;width:320px;margin:6px 0}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 18px;margin:0}
dl.kv dt{font-weight:600}dl.kv dd{margin:0;overflow-wrap:anywhere}
code{font-size:12px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:20px}
@media print{nav{display:none}th{position:static}.rule,figure{break-inside:avoid}}
"""

# Sorting and filtering only: reads cell text and data-sort attributes, never builds markup or code.
SCRIPT = """
(function () {
  function key(row, i) {
    var cell = row.cells[i];
    if (!cell) { return ""; }
    var raw = cell.getAttribute("data-sort");
    if (raw !== null && raw !== "" && !isNaN(Number(raw))) { return Number(raw); }
    return (raw !== null ? raw : cell.textContent).toLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, i) {
      th.tabIndex = 0;
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = key(a, i), y = key(b, i);
          var order = x < y ? -1 : (x > y ? 1 : 0);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    input.addEventListener("input", function () {
      var query = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = query !== "" && row.textContent.toLowerCase().indexOf(query) < 0;
      });
    });
  });
  document.body.setAttribute("data-ready", "1");
})();
"""


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src {_sha256_source(STYLE)}; script-src {_sha256_source(SCRIPT)}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def _e(value) -> str:
    """Escape anything for HTML text and attribute values."""
    return escape("" if value is None else str(value), quote=True)


def _int(value) -> str:
    return "" if value is None else f"{int(value):,}"


def _amount(value) -> str:
    return "" if value is None else f"{Decimal(str(value)):,.2f}"


def _score(value) -> str:
    return "" if value is None else f"{float(value):.3f}"


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if isinstance(value, date) else str(value)


def _cell(text: str, cls: str = "", sort=None) -> str:
    """A td whose content is already escaped markup; `sort` is a raw sort key (escaped here)."""
    attrs = (f' class="{cls}"' if cls else "") + (f' data-sort="{_e(sort)}"' if sort is not None else "")
    return f"<td{attrs}>{text}</td>"


def _badge(severity: str) -> str:
    return f'<span class="badge sev-{_e(severity)}">{_e(severity)}</span>'


def _table(table_id: str, headers: list[tuple[str, str]], rows: list[str], *, sortable: bool = True) -> str:
    heads = "".join(f'<th class="{cls}" scope="col">{_e(label)}</th>' if cls else f'<th scope="col">{_e(label)}</th>'
                    for label, cls in headers)
    cls = ' class="sortable"' if sortable else ""
    return (f'<table id="{_e(table_id)}"{cls}><thead><tr>{heads}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def write_html_report(result, path: Path) -> Path:
    """Write report.html for `result` (a ScanResult) to `path`."""
    text = render_html(result)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def render_html(result) -> str:
    """The whole page as one string."""
    rules = summary.rule_rows(result)
    files = [Path(str(f.get("path") or f.get("name") or "?")).name if isinstance(f, dict) else str(f)
             for f in result.ingest.to_dict().get("files", [])]
    names = (files[0] if files else "ledger") + (f" and {len(files) - 1} more files" if len(files) > 1 else "")
    body = "".join((
        _summary_section(result, rules),
        _completeness_section(result),
        _charts_section(result),
        _review_section(result),
        _findings_section(result, rules),
        _rules_section(rules),
        _provenance_section(result, rules),
    ))
    nav = "".join(f'<a href="#{anchor}">{label}</a>' for anchor, label in (
        ("summary", "Summary"), ("completeness", "Completeness"), ("charts", "Charts"), ("review", "Review list"),
        ("findings", "Findings by rule"), ("rules", "Rules"), ("provenance", "Provenance")))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>jecheck report: {_e(names)}</title><style>{STYLE}</style></head>"
        f'<body><header><h1>Journal-entry testing report</h1><p>{_e(names)} &middot; scanned {_e(result.started_at)}'
        f" &middot; jecheck {_e(result.version)}</p></header><nav>{nav}</nav><main>{body}</main>"
        "<footer>Generated by jecheck. The workpaper (report.xlsx) and findings.json hold every finding; "
        f"this page shows samples.</footer><script>{SCRIPT}</script></body></html>\n"
    )


def _card(label: str, value: str, cls: str = "") -> str:
    return f'<div class="card {cls}"><div class="k">{_e(label)}</div><div class="v">{value}</div></div>'


def _summary_section(result, rules: list[summary.RuleRow]) -> str:
    con = result.con
    pop = summary.population(con)
    ingest = result.ingest
    flagged = summary.flagged_journal_count(con)
    complete = result.completeness.passed
    cards = [
        _card("Journals", _int(pop["journals"])), _card("Lines", _int(pop["lines"])),
        _card("Effective dates", f"{_e(_day(pop['first_date']))} &ndash; {_e(_day(pop['last_date']))}"),
        _card("Total debits", _e(_amount(pop["total_debit"]))),
        _card("Rows read / rejected", f"{_int(ingest.rows_read)} / {_int(ingest.rows_rejected)}"),
        _card("Completeness", '<span class="pass">PASS</span>' if complete else '<span class="fail">FAIL</span>'),
        _card("Journals flagged (low and above)", _int(flagged)),
    ]
    severity = [
        _card(f"{row['severity']} findings", f'<span data-severity="{_e(row["severity"])}">{_int(row["findings"])}</span>'
              f'<div class="note">{_int(row["journals"])} journals; {_int(row["suppressed"])} suppressed</div>',
              f"sev-{_e(row['severity'])}")
        for row in summary.severity_counts(con)
    ]
    ran = sum(r.status == "ran" for r in rules)
    with_hits = sum(r.status == "ran" and r.hits > 0 for r in rules)
    return (
        '<section id="summary"><h2>Summary</h2>'
        f'<div class="cards">{"".join(cards)}</div><h3 class="sub">Findings by severity (unsuppressed)</h3>'
        f'<div class="cards">{"".join(severity)}</div>'
        f'<p class="note">{ran} rules ran ({with_hits} with findings), {len(rules) - ran} could not run; '
        f"{_int(pop['periods'])} periods, {_int(pop['accounts'])} accounts, {_int(pop['preparers'])} preparers. "
        "Severity says what a reviewer must do: high, obtain support and conclude on every hit; medium, review "
        "every hit; low, scan and follow up on the unusual; info, context only.</p></section>"
    )


def _completeness_section(result) -> str:
    rows = []
    for check in result.completeness.checks:
        mark = {True: '<span class="pass">PASS</span>', False: '<span class="fail">FAIL</span>',
                None: '<span class="notrun">not run</span>'}[check.passed]
        rows.append(f"<tr>{_cell(_e(check.name.replace('_', ' ')))}{_cell(mark)}{_cell(_e(check.summary))}</tr>")
    ingest = result.ingest
    return (
        '<section id="completeness"><h2>Completeness</h2>'
        f"<p>Rows read {_int(ingest.rows_read)} = loaded {_int(ingest.rows_loaded)} + rejected "
        f"{_int(ingest.rows_rejected)}{'; rejected rows are listed in rejects.csv' if ingest.rows_rejected else ''}."
        "</p>" + _table("completeness-table", [("Check", ""), ("Result", ""), ("Detail", "")], rows, sortable=False)
        + "</section>"
    )


def _charts_section(result) -> str:
    con = result.con
    figures = []
    windows, total_ends = summary.entries_around_period_ends(con)
    if windows:
        y_max = max(max(w.journals) for w in windows)
        panels = "".join(charts.period_end_window(w, y_max) for w in windows)
        shown = f"the latest {len(windows)} of {total_ends}" if total_ends > len(windows) else f"all {total_ends}"
        figures.append(
            '<figure id="chart-period-ends"><figcaption>Entries per day around each period end</figcaption>'
            f'<div class="windows">{panels}</div>'
            + charts.legend([("bar", "journals dated in the period"), ("after", "dated after the period end"),
                             ("flagged", "with findings")])
            + f'<p class="note">Journals by effective date, seven days either side of {shown} period ends '
            "(same scale in every panel); the dashed line is the period boundary.</p></figure>"
        )
    bf = summary.benford_first_digit(con)
    if bf.amounts:
        mad = "n/a" if bf.mad is None else f"{bf.mad:.4f}"
        figures.append(
            '<figure id="chart-benford"><figcaption>Benford first-digit test of line amounts</figcaption>'
            + charts.benford(bf)
            + charts.legend([("bar", "observed share"), ("band", "expected +/- 0.012")])
            + f'<p class="note">{_int(bf.amounts)} non-zero amounts. Mean absolute deviation (MAD) {_e(mad)}: '
            f"{_e(bf.conformity)}. Nigrini's bands: close below 0.006, acceptable to 0.012, marginal to 0.015.</p>"
            "</figure>"
        )
    if summary.has_review(con):
        hist = summary.anomaly_histogram(con, int(result.options.top))
        if hist is not None:
            figures.append(
                '<figure id="chart-anomaly"><figcaption>Anomaly scores and the review cut</figcaption>'
                + charts.score_histogram(hist)
                + charts.legend([("muted", "journals"), ("flagged", f"in the top {hist.top:,} of the review list")])
                + '<p class="note">Red: the journals on the review list, also marked as ticks under the axis. '
                "The review list ranks by risk (rule hits and anomaly score together); the dashed line marks "
                "where the top journals by anomaly score alone would begin.</p></figure>"
            )
    users, user_total = summary.hits_by_user(con, USER_BARS)
    if users:
        more = f" (the {len(users)} with the most of {user_total})" if user_total > len(users) else ""
        figures.append(
            f'<figure id="chart-users"><figcaption>Journals with findings by preparer{_e(more)}</figcaption>'
            + charts.user_bars(users) + "</figure>"
        )
    periods = summary.hits_by_period(con)
    if any(p["high"] + p["medium"] + p["low"] for p in periods):
        figures.append(
            '<figure id="chart-periods"><figcaption>Journals with findings by period</figcaption>'
            + charts.period_bars(periods)
            + charts.legend([(cls, sev) for sev, cls in charts.SEVERITY_CLASSES])
            + '<p class="note">Each journal counted once, at its highest unsuppressed severity; info findings '
            "are context and not counted.</p></figure>"
        )
    return f'<section id="charts"><h2>Charts</h2><div class="figs">{"".join(figures)}</div></section>'


def _reasons(text: str | None) -> str:
    items = [r for r in (text or "").split("; ") if r]
    return '<ul class="reasons">' + "".join(f"<li>{_e(r)}</li>" for r in items) + "</ul>" if items else ""


def _review_section(result) -> str:
    con = result.con
    if not summary.has_review(con):
        return ('<section id="review"><h2>Review list</h2><p>The model did not run (--no-model), so journals are '
                "not ranked; the rule sections below list the findings.</p></section>")
    limit = min(int(result.options.top), REVIEW_ROWS_MAX)
    frame = summary.review_list(con, limit)
    rows = []
    for r in frame.iter_rows(named=True):
        rules = " ".join(f"<code>{_e(x)}</code>" for x in (r["rule_ids"] or "").split(", ") if x)
        rows.append(
            "<tr>" + _cell(_int(r["rank"]), "n", r["rank"]) + _cell(_e(r["journal_id"]))
            + _cell(_score(r["risk_score"]), "n", r["risk_score"]) + _cell(_score(r["anomaly_score"]), "n", r["anomaly_score"])
            + _cell(_e(_day(r["effective_date"])), "nw") + _cell(_e(r["entered_by"]))
            + _cell(_e(_amount(r["total_debit"])), "n", r["total_debit"]) + _cell(_e(r["header_description"]), "wrap")
            + _cell(rules) + _cell(_reasons(r["reasons"]), "wrap why") + "</tr>"
        )
    headers = [("Rank", "n"), ("Journal", ""), ("Risk", "n"), ("Anomaly", "n"), ("Effective date", ""),
               ("Entered by", ""), ("Debits", "n"), ("Description", ""), ("Rules", ""), ("Why", "")]
    return (
        f'<section id="review" data-rows="{len(rows)}"><h2>Review list: the {len(rows)} highest-risk journals</h2>'
        "<p class=\"note\">Ranked by risk score (rule hits weighted by severity, with the anomaly score). "
        "Click a heading to sort; the workpaper's Review sheet has room for conclusions.</p>"
        '<input class="filter" type="search" placeholder="Filter the list" aria-label="Filter the review list" '
        'data-filter="review-table">'
        + _table("review-table", headers, rows) + "</section>"
    )


def _evidence(text: str | None, shown: frozenset[str]) -> str:
    """Evidence fields as "name value" pairs, leaving out those the table already shows."""
    try:
        values = json.loads(text) if text else {}
    except ValueError:
        return _e(text)
    if not isinstance(values, dict):
        return _e(text)
    return "".join(f'<span class="ev"><span class="evk">{_e(k)}</span> {_e(v if not isinstance(v, (dict, list)) else json.dumps(v))}'
                   "</span>" for k, v in values.items() if v is not None and k not in shown)


def _findings_section(result, rules: list[summary.RuleRow]) -> str:
    con = result.con
    listed = summary.finding_counts_by_rule(con)
    order = {s: i for i, s in enumerate(summary.SEVERITY_ORDER)}
    hit_rules = sorted((r for r in rules if listed.get(r.id)),
                       key=lambda r: (order.get(r.severity, 9), -r.hits, r.id))
    found = summary.findings_by_rule(con, {r.id: FINDINGS_PER_RULE for r in hit_rules})
    samples = {key[0]: frame for key, frame in found.partition_by("rule_id", as_dict=True, include_key=False).items()}
    parts = []
    for rule in hit_rules:
        total = listed[rule.id]
        frame = samples[rule.id]
        rows = []
        for f in frame.iter_rows(named=True):
            suppressed = (f'<span class="notrun">suppressed: {_e(f["suppression_justification"])}'
                          f'{" (" + _e(f["suppression_reviewer"]) + ")" if f["suppression_reviewer"] else ""}</span>'
                          if f["suppressed"] else "")
            rows.append(
                "<tr>" + _cell(_e(f["journal_id"])) + _cell(_int(f["line_no"]), "n", f["line_no"])
                + _cell(_e(f["message"]), "wrap") + _cell(_e(_day(f["effective_date"])), "nw")
                + _cell(_e(f["entered_by"])) + _cell(_e(_amount(f["total_debit"])), "n", f["total_debit"])
                + _cell(_evidence(f["evidence"], FINDING_COLUMNS), "wrap") + _cell(suppressed, "wrap") + "</tr>"
            )
        shown = (f"Showing {frame.height:,} of {total:,} findings; all are in report.xlsx (sheet {_e(rule.id)}) "
                 "and findings.json." if total > frame.height else f"All {total:,} findings shown.")
        params = ", ".join(f"{_e(k)} = {_e(v)}" for k, v in rule.params.items())
        parts.append(
            f'<section class="rule" id="rule-{_e(rule.id)}" data-rule="{_e(rule.id)}" data-hits="{rule.hits}" '
            f'data-findings="{total}"><h3>{_e(rule.id)} &middot; {_e(rule.title)} {_badge(rule.severity)}</h3>'
            f"<p><strong>{_int(rule.hits)}</strong> findings in {_int(rule.journals)} journals"
            + (f", {_int(rule.suppressed_hits)} suppressed" if rule.suppressed_hits else "") + "."
            + (f" Parameters: {params}." if params else "") + "</p>"
            + (f'<p class="note">{_e(" ".join(rule.rationale.split()))}</p>' if rule.rationale else "")
            + (f'<p class="note">References: {_e(", ".join(rule.references))}</p>' if rule.references else "")
            + _table(f"findings-{rule.id}", [("Journal", ""), ("Line", "n"), ("Message", ""), ("Effective date", ""),
                                             ("Entered by", ""), ("Debits", "n"), ("Evidence", ""), ("Status", "")], rows)
            + f'<p class="note">{shown}</p></section>'
        )
    if not parts:
        parts.append("<p>No rule found anything.</p>")
    return f'<section id="findings"><h2>Findings by rule</h2>{"".join(parts)}</section>'


def _rules_section(rules: list[summary.RuleRow]) -> str:
    rows = []
    for r in rules:
        status = (f"ran: {_int(r.hits)} findings" if r.status == "ran"
                  else f'<span class="notrun">{_e(r.status)}: {_e(r.skipped_reason or "")}</span>')
        rows.append(f'<tr data-status="{_e(r.status)}">{_cell(f"<code>{_e(r.id)}</code>")}{_cell(_e(r.title))}'
                    f"{_cell(_e(r.category))}{_cell(_badge(r.severity), '', r.severity)}{_cell(status)}</tr>")
    ran = sum(r.status == "ran" for r in rules)
    return (
        f'<section id="rules"><h2>Rules: {ran} ran, {len(rules) - ran} could not run</h2>'
        + _table("rules-table", [("Rule", ""), ("Title", ""), ("Category", ""), ("Severity", ""), ("Result", "")], rows)
        + "</section>"
    )


def _kv(items: list[tuple[str, object]]) -> str:
    return '<dl class="kv">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(_plain(v))}</dd>" for k, v in items) + "</dl>"


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def _provenance_section(result, rules: list[summary.RuleRow]) -> str:
    ingest = result.ingest.to_dict()
    options = result.options
    files = ingest.get("files") or []
    file_rows = [f"<tr>{_cell(_e(f.get('path') or f.get('name')))}{_cell(_int(f.get('size')), 'n', f.get('size'))}"
                 f"{_cell('<code>' + _e(f.get('sha256')) + '</code>')}</tr>" for f in files if isinstance(f, dict)]
    packs = [p.to_dict() if hasattr(p, "to_dict") else p for p in getattr(result.ruleset, "packs", None) or []]
    pack_rows = [f"<tr>{_cell(_e(p.get('name')))}{_cell(_e(p.get('version')))}"
                 f"{_cell('<code>' + _e(p.get('sha256')) + '</code>')}</tr>" for p in packs if isinstance(p, dict)]
    model = result.model.to_dict() if result.model is not None and hasattr(result.model, "to_dict") else None
    suppressed = summary.suppressed_count(result.con)
    return (
        '<section id="provenance"><h2>Parameters and provenance</h2>'
        + _kv([("jecheck version", result.version), ("Started at", result.started_at),
               ("Duration", f"{float(result.duration_s):,.1f} s"), ("Seed", options.seed),
               ("Layout", ingest.get("layout")), ("Suppressed findings", f"{suppressed:,}"),
               ("Stale suppressions", len(result.stale_suppressions or []))])
        + "<h3>Input files</h3>" + _table("inputs-table", [("File", ""), ("Bytes", "n"), ("SHA-256", "")], file_rows,
                                           sortable=False)
        + "<h3>Rule packs</h3>" + _table("packs-table", [("Pack", ""), ("Version", ""), ("SHA-256", "")], pack_rows,
                                          sortable=False)
        + "<h3>Parameters</h3>" + _kv(list(options.parameters().items()))
        + ("<h3>Model</h3>" + _kv(list(model.items())) if model else "")
        + '<p class="note">Rule parameters, suppressions with their justifications and stage timings are on the '
        "workpaper's Parameters &amp; provenance sheet.</p></section>"
    )
