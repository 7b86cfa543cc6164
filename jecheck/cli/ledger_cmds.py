"""`jecheck scan` and `jecheck profile`: option parsing and printing only; the library does the work."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from ..db import explain_engine_errors
from . import main
from .options import OUT_FOLDER, ledger_options, load_options_from


def _console(quiet: bool = False):
    from rich.console import Console

    return Console(stderr=False, quiet=quiet, highlight=False, soft_wrap=not sys.stdout.isatty())


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """--select A,B --select C -> (A, B, C)."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@main.command("scan")
@click.argument("ledger", nargs=-1, required=True, type=click.Path(dir_okay=False))
@ledger_options
@click.option("--out", "out_dir", default="jecheck-out", show_default=True, type=OUT_FOLDER,
              help="Folder for findings.json, entries.parquet and the reports.")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="An extra rule pack folder (repeatable).")
@click.option("--config", type=click.Path(exists=True, dir_okay=False), help="jecheck.toml/.yaml: rule params, severity, enable/disable.")
@click.option("--select", multiple=True, help="Only these rule IDs or categories (comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rule IDs or categories (comma-separated).")
@click.option("--suppress", type=click.Path(exists=True, dir_okay=False), help="Known findings with written justifications.")
@click.option("--fail-on", default="never", show_default=True,
              type=click.Choice(["info", "low", "medium", "high", "never"]),
              help="Exit 1 when an unsuppressed finding is at or above this severity.")
@click.option("--country", default="US", show_default=True, help="Public holidays of this country (ISO code).")
@click.option("--subdivision", default=None, help="State/province for holidays (e.g. CA).")
@click.option("--fiscal-year-start", "fiscal_year_start_month", default=1, show_default=True,
              type=click.IntRange(1, 12), help="First month of the fiscal year (without a close calendar).")
@click.option("--period", default=None, help="Review one period (e.g. 2025-06): findings and scores for it only.")
@click.option("--baseline", default=None, help="Fit the model on these periods, e.g. 2024-07..2025-05.")
@click.option("--seed", default=42, show_default=True, type=int, help="Model seed (recorded in the report).")
@click.option("--top", default=100, show_default=True, type=click.IntRange(1), help="Review entries to show and report.")
@click.option("--threads", default=None, type=click.IntRange(1), help="Threads for DuckDB and the model (default: all cores).")
@click.option("--memory-limit", default=None, help="DuckDB memory limit, e.g. 4GB (spills to disk beyond it); default 80% of RAM, or 3GB for a ledger over ~1 GiB.")
@click.option("--no-model", is_flag=True, help="Run the rules only (no anomaly scores).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of tables.")
@click.option("--profile-timings", is_flag=True,
              help="Also print where the time went (each stage, the slowest rules, peak memory) to stderr "
                   "and write it to timings.json in --out.")
def scan_command(ledger, out_dir, rules_dirs, config, select, ignore, suppress, fail_on, country, subdivision,
                 fiscal_year_start_month, period, baseline, seed, top, threads, memory_limit, no_model,
                 quiet, as_json, profile_timings, **ledger_kwargs):
    """Load LEDGER (or a SAP BKPF + BSEG pair), check completeness, run the rules and the model, write reports."""
    from .. import report
    from ..report.progress import scan_progress
    from ..scan import ScanOptions, run_scan
    from ..views import parse_baseline

    options = ScanOptions(
        load=load_options_from(ledger, ledger_kwargs), out_dir=out_dir, rules_dirs=tuple(rules_dirs),
        config=config, select=_split(select), ignore=_split(ignore), suppress=suppress, fail_on=fail_on,
        country=country or None, subdivision=subdivision, fiscal_year_start_month=fiscal_year_start_month,
        period=period, baseline=parse_baseline(baseline) if baseline else None, seed=seed, top=top, threads=threads,
        memory_limit=memory_limit, model=not no_model,
    )
    with explain_engine_errors(), scan_progress(quiet=quiet, as_json=as_json) as progress:
        # The report writers (polars, xlsxwriter: ~0.4 s) import while DuckDB loads the ledger.
        result = run_scan(options, progress=progress, warm_up=(report.import_writers,))
        started = time.perf_counter()
        written = report.write_outputs(result, out_dir, progress=progress)
        outputs_s = round(time.perf_counter() - started, 3)
        if profile_timings:
            from ..report.timings import write_timings_json

            written.append(write_timings_json(result, outputs_s, Path(out_dir) / "timings.json"))
    if as_json:
        from ..report.terminal import scan_summary_dict

        click.echo(json.dumps(scan_summary_dict(result, written), indent=1, default=str))
    elif not quiet:
        from ..report.terminal import print_scan_summary

        print_scan_summary(result, _console(), top=min(top, 20), written=written)
    if profile_timings:
        from rich.console import Console

        from ..report.timings import print_timings

        print_timings(result, Console(stderr=True, highlight=False), outputs_s=outputs_s)
    sys.exit(result.exit_code())


@main.command("profile")
@click.argument("ledger", nargs=-1, required=True, type=click.Path(dir_okay=False))
@ledger_options
@click.option("--fiscal-year-start", "fiscal_year_start_month", default=1, show_default=True,
              type=click.IntRange(1, 12), help="First month of the fiscal year (without a close calendar).")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
def profile_command(ledger, fiscal_year_start_month, as_json, **ledger_kwargs):
    """Describe the population: rows read/loaded/rejected, ranges, totals, gaps and completeness."""
    from ..profile import build_profile, render_profile
    from ..scan import check_completeness, open_ledger
    from ..views import ViewOptions

    load_options = load_options_from(ledger, ledger_kwargs)
    with explain_engine_errors():
        con, ingest = open_ledger(load_options, view_options=ViewOptions(
            fiscal_year_start_month=fiscal_year_start_month, country=None))
        profile = build_profile(con, ingest, check_completeness(con, load_options))
    if as_json:
        click.echo(json.dumps(profile, indent=1, default=str))
    else:
        render_profile(profile, _console())
