"""The closing summary a scan prints: population, completeness, rules, and the top of the review list."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def print_scan_summary(result, console: Console, top: int) -> None:
    ingest = result.ingest
    journals = result.con.execute("SELECT count(*) FROM journals").fetchall()[0][0]
    console.print(
        f"[bold]Population[/bold]: rows read {ingest.rows_read:,} = loaded {ingest.rows_loaded:,} "
        f"+ rejected {ingest.rows_rejected:,}; {journals:,} journals"
    )
    for warning in ingest.warnings:
        console.print(f"[yellow]warning[/yellow]: {escape(warning)}")
    for check in result.completeness.checks:
        mark = {True: "[green]pass[/green]", False: "[red]FAIL[/red]", None: "[dim]not run[/dim]"}[check.passed]
        console.print(f"  completeness {check.name.replace('_', ' ')}: {mark} - {escape(check.summary)}")

    table = Table(title="Rules", title_justify="left")
    for col, justify in (("rule", "left"), ("title", "left"), ("severity", "left"), ("hits", "right"),
                         ("status", "left")):
        table.add_column(col, justify=justify)
    for o in sorted(result.rules, key=lambda o: (o.status != "ran", -o.hits if o.status == "ran" else 0, o.id)):
        status = "ran" if o.status == "ran" else f"{o.status}: {o.skipped_reason or ''}"
        hits = f"{o.hits:,}" + (f" (+{o.suppressed_hits} suppressed)" if getattr(o, "suppressed_hits", 0) else "")
        table.add_row(o.id, escape(o.title), f"[{SEVERITY_STYLE.get(o.severity, '')}]{o.severity}[/]",
                      hits if o.status == "ran" else "-", escape(status))
    console.print(table)

    from .findings_json import review_rows

    rows = review_rows(result.con, top)
    if rows:
        review = Table(title=f"Review list (top {len(rows)})", title_justify="left")
        for col in ("rank", "journal", "risk", "anomaly", "rules", "why"):
            review.add_column(col, justify="right" if col in ("rank", "risk", "anomaly") else "left")
        for r in rows:
            review.add_row(str(r["rank"]), escape(str(r["journal_id"])), f"{r['risk_score']:.3f}",
                           f"{r['anomaly_score']:.3f}", ", ".join(r["rule_ids"] or []),
                           escape("; ".join(r["reasons"] or [])))
        console.print(review)
    ran = sum(o.status == "ran" for o in result.rules)
    hits = sum(o.hits for o in result.rules if o.status == "ran")
    console.print(f"{ran} rules ran, {len(result.rules) - ran} skipped; {hits:,} findings; "
                  f"{result.duration_s:.1f} s")
