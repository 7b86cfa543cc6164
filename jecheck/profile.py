"""The population profile: what was loaded, its ranges and totals, its gaps, and whether it is complete."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb

from .completeness import CompletenessReport
from .schema import LINE_COLUMNS


def build_profile(con: duckdb.DuckDBPyConnection, ingest: Any, completeness: CompletenessReport) -> dict:
    """A JSON-ready description of the population. `ingest` is the IngestReport (or anything with to_dict())."""
    ingest_dict = ingest.to_dict() if hasattr(ingest, "to_dict") else dict(ingest or {})
    journals, lines, debit, credit = con.execute(
        "SELECT (SELECT count(*) FROM journals), count(*), "
        "coalesce(sum(amount) FILTER (WHERE amount > 0), 0), coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) "
        "FROM lines"
    ).fetchone()
    counts = con.execute("""
        SELECT count(DISTINCT entity), count(DISTINCT account), count(DISTINCT source),
               (SELECT count(*) FROM users WHERE journals_prepared + journals_approved > 0),
               count(DISTINCT coalesce(CAST(fiscal_year AS VARCHAR), '') || '/' || coalesce(period, '')),
               (SELECT count(DISTINCT period_key) FROM journals), count(DISTINCT currency)
        FROM lines
    """).fetchone()
    date_columns = [c.name for c in LINE_COLUMNS if c.kind in ("date", "timestamp")]
    date_ranges = {}
    for name in date_columns:
        lo, hi, n = con.execute(f'SELECT min("{name}"), max("{name}"), count("{name}") FROM lines').fetchone()
        date_ranges[name] = {"min": _iso(lo), "max": _iso(hi), "values": n, "nulls": lines - n}
    non_null = con.execute(
        "SELECT " + ", ".join(f'count("{c.name}")' for c in LINE_COLUMNS) + " FROM lines"
    ).fetchone()
    nulls = {c.name: lines - n for c, n in zip(LINE_COLUMNS, non_null)}
    return {
        "rows": {
            "read": ingest_dict.get("rows_read", lines),
            "loaded": ingest_dict.get("rows_loaded", lines),
            "rejected": ingest_dict.get("rows_rejected", 0),
            # heading, total and blank rows of report-style exports (QuickBooks): not lines, not rejects
            "skipped_not_lines": ingest_dict.get("rows_skipped", {}),
        },
        "journals": journals,
        "lines": lines,
        "totals": {"debit": _dec(debit), "credit": _dec(credit), "net": _dec(debit - credit)},
        "counts": {
            "entities": counts[0], "accounts": counts[1], "sources": counts[2], "users": counts[3],
            "ledger_periods": counts[4], "calendar_periods": counts[5], "currencies": counts[6],
        },
        "date_ranges": date_ranges,
        "nulls": nulls,
        "columns_absent": [name for name, n in zip((c.name for c in LINE_COLUMNS), non_null) if n == 0],
        "placeholder_dates": ingest_dict.get("placeholder_dates", {}),
        "out_of_range_dates": ingest_dict.get("out_of_range_dates", {}),
        "headers_without_lines": ingest_dict.get("headers_without_lines", 0),
        "lines_without_headers": ingest_dict.get("lines_without_headers", 0),
        "reject_reasons": ingest_dict.get("reject_reasons", {}),
        "warnings": ingest_dict.get("warnings", []),
        "layout": ingest_dict.get("layout"),
        "files": ingest_dict.get("files", []),
        "completeness": completeness.to_dict(),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _dec(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def render_profile(profile: dict, console) -> None:
    """Print the profile as a readable terminal summary (rich console; plain text when piped)."""
    from rich.table import Table

    rows = profile["rows"]
    console.print(
        f"[bold]Population[/bold]  layout: {profile.get('layout') or 'n/a'}\n"
        f"  rows read {rows['read']:,} = loaded {rows['loaded']:,} + rejected {rows['rejected']:,}"
        + (f" ({sum(rows['skipped_not_lines'].values()):,} heading/total rows that are not lines were skipped)"
           if rows.get("skipped_not_lines") else "") + "\n"
        f"  {profile['journals']:,} journals, {profile['lines']:,} lines; "
        f"debits {float(profile['totals']['debit']):,.2f}, credits {float(profile['totals']['credit']):,.2f}"
    )
    counts = profile["counts"]
    console.print(
        "  " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
    )
    table = Table(title="Dates", show_lines=False)
    for col in ("column", "from", "to", "values", "empty"):
        table.add_column(col, justify="right" if col in ("values", "empty") else "left")
    for name, r in profile["date_ranges"].items():
        if r["values"]:
            table.add_row(name, r["min"] or "", r["max"] or "", f"{r['values']:,}", f"{r['nulls']:,}")
    console.print(table)
    for label, key in (("Placeholder dates (treated as missing)", "placeholder_dates"),
                       ("Dates far outside the ledger's range (kept)", "out_of_range_dates"),
                       ("Rejected rows by reason", "reject_reasons")):
        values = {k: v for k, v in (profile.get(key) or {}).items() if v}
        if values:
            console.print(f"[bold]{label}[/bold]: " + ", ".join(f"{k} {v:,}" for k, v in values.items()))
    if profile.get("headers_without_lines") or profile.get("lines_without_headers"):
        console.print(f"Headers without lines: {profile['headers_without_lines']:,}; "
                      f"lines without a header: {profile['lines_without_headers']:,}")
    absent = profile.get("columns_absent") or []
    if absent:
        console.print("[bold]Columns the ledger does not carry[/bold]: " + ", ".join(absent))
    partly = {k: v for k, v in profile["nulls"].items() if v and k not in absent}
    if partly:
        console.print("[bold]Empty cells[/bold]: " + ", ".join(f"{k} {v:,}" for k, v in partly.items()))
    for warning in profile.get("warnings") or []:
        console.print(f"[yellow]warning[/yellow]: {warning}")
    checks = Table(title="Completeness")
    checks.add_column("check")
    checks.add_column("result")
    checks.add_column("detail")
    for check in profile["completeness"]["checks"]:
        result = {True: "[green]pass[/green]", False: "[red]FAIL[/red]", None: "not run"}[check["passed"]]
        checks.add_row(check["name"].replace("_", " "), result, check["summary"])
    console.print(checks)
