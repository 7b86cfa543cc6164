"""`jecheck diff OLD_DIR NEW_DIR`: what changed between two scans (the controller's pre-close loop)."""

from __future__ import annotations

import json
import sys

import click

from . import main


@main.command("diff")
@click.argument("old_dir", type=click.Path(file_okay=False))
@click.argument("new_dir", type=click.Path(file_okay=False))
@click.option("--fail-on", default="never", show_default=True,
              type=click.Choice(["info", "low", "medium", "high", "never"]),
              help="Exit 1 when a new finding at or above this severity appears.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(0),
              help="Rows to print per table (0 = all); --json always lists all.")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@click.option("--quiet", is_flag=True, help="Print nothing; use the exit code.")
def diff_command(old_dir, new_dir, fail_on, limit, as_json, quiet):
    """List findings and review entries that are new, gone or changed between two scan folders."""
    from ..diff import diff_scans

    result = diff_scans(old_dir, new_dir)
    failing = result.new_at_or_above(fail_on)
    if as_json:
        click.echo(json.dumps(result.to_dict() | {"new_at_or_above_fail_on": failing}, indent=1, ensure_ascii=False))
    elif not quiet:
        _print(result, limit, fail_on, failing)
    sys.exit(1 if failing else 0)


def _print(result, limit: int, fail_on: str, failing: int) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..report.terminal import SEVERITY_STYLE

    console = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
    counts = result.counts()
    f, r = counts["findings"], counts["review"]
    console.print(f"[bold]Findings[/bold]: {f['new']:,} new, {f['changed']:,} changed, {f['gone']:,} gone.  "
                  f"[bold]Review list[/bold]: {r['new']:,} new, {r['changed']:,} changed, {r['gone']:,} gone.")
    for note in result.notes:
        console.print(f"[yellow]note[/yellow]: {escape(note)}")
    for change in ("new", "changed", "gone"):
        rows = [x for x in result.findings if x.change == change]
        if not rows:
            continue
        table = Table(title=f"Findings {change} ({len(rows):,})", title_justify="left")
        for col in ("rule", "journal", "severity", "lines", "message", "detail"):
            table.add_column(col)
        for x in rows[: limit or None]:
            table.add_row(escape(x.rule_id), escape(x.journal_id),
                          f"[{SEVERITY_STYLE.get(x.severity, '')}]{escape(x.severity or '')}[/]",
                          escape(x.lines), escape(x.message), escape(x.detail))
        console.print(table)
        if limit and len(rows) > limit:
            console.print(f"... and {len(rows) - limit:,} more (--limit 0 or --json for all)")
    review = result.review[: limit or None]
    if review:
        table = Table(title="Review list", title_justify="left")
        for col in ("change", "journal", "rank", "rules", "why"):
            table.add_column(col)
        for x in review:
            rank = f"{x.old_rank or '-'} -> {x.new_rank or '-'}"
            rules = {"new": ", ".join(x.new_rule_ids), "gone": ", ".join(x.old_rule_ids),
                     "changed": f"{', '.join(x.old_rule_ids) or '-'} -> {', '.join(x.new_rule_ids) or '-'}"}[x.change]
            table.add_row(x.change, escape(x.journal_id), rank, escape(rules), escape("; ".join(x.reasons)))
        console.print(table)
    if fail_on != "never":
        console.print(f"{failing:,} new findings at or above {fail_on}.")
