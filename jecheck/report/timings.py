"""The `--profile-timings` table: where a scan's time went, stage by stage and rule by rule."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .files import atomic_path

STAGE_ORDER = ("rule_packs", "load", "views", "completeness", "rules", "model", "review", "outputs")


def peak_rss_bytes() -> int:
    """This process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def timings_rows(result, outputs_s: float | None) -> tuple[list[tuple[str, float]], list[tuple[str, float, int]]]:
    """(stage, seconds) in pipeline order, and (rule id, seconds, findings) slowest first."""
    timings = dict(result.timings)
    if outputs_s is not None:
        timings["outputs"] = outputs_s
    stages = [(name, timings[name]) for name in STAGE_ORDER if name in timings]
    stages += [(name, s) for name, s in timings.items() if name not in STAGE_ORDER]
    rules = sorted(((r.id, r.duration_s, r.hits) for r in result.rules if r.status == "ran"),
                   key=lambda row: (-row[1], row[0]))
    return stages, rules


def write_timings_json(result, outputs_s: float, path: Path) -> Path:
    """timings.json for benchmarks: stages (outputs included), rules, total and peak memory of this scan."""
    stages, rules = timings_rows(result, outputs_s)
    document = {
        "stages_s": dict(stages), "total_s": round(result.duration_s + outputs_s, 3),
        "rules_s": {rule_id: seconds for rule_id, seconds, _ in rules}, "peak_rss_bytes": peak_rss_bytes(),
    }
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def print_timings(result, console: Console, outputs_s: float | None = None, rule_rows: int = 20) -> None:
    """Print the stage table and the `rule_rows` slowest rules (with the total of all of them)."""
    stages, rules = timings_rows(result, outputs_s)
    total = sum(s for _, s in stages)
    table = Table(title="Time by stage", title_justify="left")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("share", justify="right")
    for name, seconds in stages:
        table.add_row(name, f"{seconds:.2f}", f"{seconds / total:.0%}" if total else "")
    table.add_row("[bold]total[/bold]", f"[bold]{total:.2f}[/bold]", "")
    console.print(table)

    table = Table(title=f"Slowest rules ({min(rule_rows, len(rules))} of {len(rules)})", title_justify="left")
    table.add_column("rule")
    table.add_column("seconds", justify="right")
    table.add_column("findings", justify="right")
    for rule_id, seconds, hits in rules[:rule_rows]:
        table.add_row(escape(rule_id), f"{seconds:.3f}", f"{hits:,}")
    table.add_row("[bold]all rules[/bold]", f"[bold]{sum(r[1] for r in rules):.2f}[/bold]", "")
    console.print(table)
    console.print(f"peak memory (this process): {peak_rss_bytes() / 2**30:.2f} GiB")
