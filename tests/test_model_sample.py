"""On a `jecheck sample` ledger, the anomalies no rule can see reach the top 1 % of the review list.

The generator's model-only journals are month-end accruals whose every value, pair, user, time
and approval is ordinary: only two debit accounts appearing together is new. The whole scan runs
(rules included), through `jecheck evaluate`, so rule hits elsewhere compete for the top ranks.
"""

from __future__ import annotations

import json

import polars as pl
from click.testing import CliRunner

from jecheck.cli import main

CONTEXT = {"--coa": "coa", "--users": "users", "--calendar": "calendar", "--source-listing": "sources"}


def test_model_only_anomalies_reach_the_top_percent_of_the_review_list(tmp_path):
    stem = tmp_path / "ledger"
    # 100,000 lines: enough ordinary activity that an ordinary-looking combination is rare in it.
    made = CliRunner().invoke(main, ["sample", "--lines", "100000", "--seed", "5", "--out", f"{stem}.parquet"])
    assert made.exit_code == 0, made.output
    labels = pl.read_csv(f"{stem}.labels.csv", infer_schema_length=0)
    model_only = labels.filter(pl.col("category") == "model_only").select("journal_id", "label").unique()
    assert len(model_only) >= 6
    model_only.write_csv(tmp_path / "model_only.csv")
    context = [arg for flag, kind in CONTEXT.items() for arg in (flag, f"{stem}.{kind}.csv")]
    result = CliRunner().invoke(main, ["evaluate", f"{stem}.parquet", *context,
                                       "--labels", str(tmp_path / "model_only.csv"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    top_percent = report["cutoffs"][0]
    assert top_percent["name"] == "top 1%" and top_percent["recall"] == 1.0, report
