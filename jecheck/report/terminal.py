"""The closing summary a scan prints (population, completeness, findings, the top of the review list) and
its JSON twin for scripts (`--json`)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import summary

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
WHY_CHARS = 90  # the review table shows each journal's first reason up to this length


def print_scan_summary(result, console: Console, top: int, written: list[Path] | None = None) -> None:
    """Print the closing summary of `result` (a ScanResult); `top` review entries at most."""
    con, ingest = result.con, result.ingest
    journals = con.execute("SELECT count(*) FROM journals").fetchall()[0][0]
    console.print(
        f"[bold]Population[/bold]: rows {escape(ingest.summary())}; {journals:,} journals"
    )
    for warning in ingest.warnings:
        console.print(f"[yellow]warning[/yellow]: {escape(warning)}")
    for check in result.completeness.checks:
        mark = {True: "[green]pass[/green]", False: "[red]FAIL[/red]", None: "[dim]not run[/dim]"}[check.passed]
        console.print(f"  completeness {check.name.replace('_', ' ')}: {mark} - {escape(check.summary)}")

    rules = summary.rule_rows(result)
    order = {s: i for i, s in enumerate(summary.SEVERITY_ORDER)}
    hit = sorted((r for r in rules if r.status == "ran" and (r.hits or r.suppressed_hits)),
                 key=lambda r: (order.get(r.severity, 9), -r.hits, r.id))
    if hit:
        table = Table(title="Findings by rule", title_justify="left")
        for col, justify in (("rule", "left"), ("title", "left"), ("severity", "left"), ("findings", "right"),
                             ("journals", "right"), ("suppressed", "right")):
            table.add_column(col, justify=justify)
        for r in hit:
            table.add_row(r.id, escape(r.title), f"[{SEVERITY_STYLE.get(r.severity, '')}]{r.severity}[/]",
                          f"{r.hits:,}", f"{r.journals:,}", f"{r.suppressed_hits:,}" if r.suppressed_hits else "")
        console.print(table)
    clean = [r.id for r in rules if r.status == "ran" and not (r.hits or r.suppressed_hits)]
    if clean:
        console.print(f"{len(clean)} rules ran and found nothing.")
    not_run: dict[str, list[str]] = defaultdict(list)
    for r in rules:
        if r.status != "ran":
            not_run[f"{r.status}: {r.skipped_reason or 'no reason given'}"].append(r.id)
    for reason, ids in sorted(not_run.items()):
        console.print(f"[dim]not run[/dim] {escape(', '.join(ids))} - {escape(reason)}")

    if summary.has_review(con):
        frame = summary.review_list(con, top)
        review = Table(title=f"Review list (top {frame.height})", title_justify="left")
        for col in ("rank", "journal", "risk", "anomaly", "rules", "why"):
            review.add_column(col, justify="right" if col in ("rank", "risk", "anomaly") else "left")
        for r in frame.iter_rows(named=True):
            review.add_row(str(r["rank"]), escape(str(r["journal_id"])), f"{r['risk_score']:.3f}",
                           f"{r['anomaly_score']:.3f}" if r["anomaly_score"] is not None else "",
                           escape(r["rule_ids"] or ""), escape(_why(r["first_reason"], r["reason_count"])))
        console.print(review)
    counts = {row["severity"]: row["findings"] for row in summary.severity_counts(con)}
    ran = sum(r.status == "ran" for r in rules)
    console.print(
        f"{ran} rules ran, {len(rules) - ran} not run; findings: "
        + ", ".join(f"{counts.get(s, 0):,} {s}" for s in summary.SEVERITY_ORDER)
        + f"; {summary.flagged_journal_count(con):,} journals flagged; {result.duration_s:.1f} s"
    )
    if written:
        console.print("Wrote " + ", ".join(escape(str(p)) for p in written))


def _why(first: str | None, count: int | None) -> str:
    """The first reason, shortened, and how many more the reports give."""
    if not first:
        return ""
    text = first if len(first) <= WHY_CHARS else first[: WHY_CHARS - 3] + "..."
    return text + (f" (+{count - 1} more)" if count and count > 1 else "")


def scan_summary_dict(result, written: list[Path]) -> dict:
    """What `jecheck scan --json` prints: counts a script can act on, and where the reports are."""
    con = result.con
    return {
        "rows": {"read": result.ingest.rows_read, "loaded": result.ingest.rows_loaded,
                 "rejected": result.ingest.rows_rejected},
        "journals": con.execute("SELECT count(*) FROM journals").fetchall()[0][0],
        "completeness_passed": result.completeness.passed,
        "findings": {row["severity"]: row["findings"] for row in summary.severity_counts(con)},
        "suppressed": summary.suppressed_count(con),
        "flagged_journals": summary.flagged_journal_count(con),
        "rules": [{"id": r.id, "status": r.status, "hits": r.hits, "suppressed_hits": r.suppressed_hits,
                   "skipped_reason": r.skipped_reason} for r in summary.rule_rows(result)],
        "outputs": [str(p) for p in written],
        "exit_code": result.exit_code(),
    }
