"""`jecheck evaluate LEDGER --labels FILE`: scan a ledger and measure how well the review list finds labelled journals."""

from __future__ import annotations

import json

import click

from . import main
from .options import ledger_options, load_options_from


@main.command("evaluate")
@click.argument("ledger", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--labels", "labels_path", required=True, type=click.Path(exists=True, dir_okay=False),
              metavar="FILE", help="CSV with journal_id,label (1 = anomalous, 0 or absent = normal); "
                                   "extra columns are ignored.")
@ledger_options
@click.option("--period", metavar="PERIOD", help="Score and rank only this period (e.g. 2025-06).")
@click.option("--baseline", metavar="FIRST..LAST",
              help="Fit the model on these periods (e.g. 2024-07..2025-05); needs --period.")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              metavar="DIR", help="Extra rule pack folder (repeatable).")
@click.option("--config", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="Rule configuration (parameters, select/ignore).")
@click.option("--seed", default=42, show_default=True, type=int, help="Seed of the isolation forest.")
@click.option("--top-n", "top_n", default=50, show_default=True, type=click.IntRange(1),
              help="The N of 'precision and recall at the top N'; labelled journals ranked below it are listed.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
def evaluate_command(ledger, labels_path, period, baseline, rules_dirs, config, seed, top_n, as_json, **kwargs):
    """Scan LEDGER and print precision and recall of the review list against a labels file."""
    from ..evaluate import evaluate, read_labels
    from ..scan import ScanOptions, run_scan
    from ..views import parse_baseline

    labels = read_labels(labels_path)  # a bad labels file fails before the (possibly long) scan
    result = run_scan(ScanOptions(
        load=load_options_from(ledger, kwargs), rules_dirs=tuple(rules_dirs), config=config, period=period,
        baseline=parse_baseline(baseline) if baseline else None, seed=seed,
    ))
    review = result.con.sql("SELECT journal_id, rank FROM review").pl()
    report = evaluate(review, labels, top_n=top_n)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=1, ensure_ascii=False))
    else:
        for line in report.lines():
            click.echo(line)
