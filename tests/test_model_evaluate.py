"""`jecheck evaluate`: precision, recall and average precision of the review list against labels."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner

from jecheck.cli import main
from jecheck.errors import DataError
from jecheck.evaluate import evaluate, read_labels

N = 200
POSITIVE_RANKS = {"J001": 1, "J002": 2, "J005": 5, "J060": 60, "J150": 150}


@pytest.fixture
def review() -> pl.DataFrame:
    return pl.DataFrame({"journal_id": [f"J{r:03d}" for r in range(1, N + 1)], "rank": list(range(1, N + 1))})


@pytest.fixture
def labels() -> pl.DataFrame:
    ids = [*POSITIVE_RANKS, "J003", "NOT_IN_LEDGER"]
    return pl.DataFrame({"journal_id": ids, "label": [1, 1, 1, 1, 1, 0, 1]})


def test_metrics_at_each_cutoff(review, labels):
    report = evaluate(review, labels, top_n=50)
    assert report.journals == N and report.positives == 5
    got = {c.name: (c.k, c.hits, c.precision, c.recall) for c in report.cutoffs}
    assert got == {
        "top 1%": (2, 2, 1.0, 0.4),
        "top 5%": (10, 3, 0.3, 0.6),
        "top 50": (50, 3, 0.06, 0.6),
    }
    # Mean of the precision at each labelled journal's rank: 1/1, 2/2, 3/5, 4/60, 5/150.
    assert report.average_precision == pytest.approx((1 + 1 + 3 / 5 + 4 / 60 + 5 / 150) / 5)
    assert report.missed == [("J060", 60), ("J150", 150)]
    assert report.not_in_review == ["NOT_IN_LEDGER"]
    text = "\n".join(report.lines())
    assert "average precision 0.540" in text and "J150  rank 150" in text and "NOT_IN_LEDGER" in text


def test_top_n_beyond_the_list_is_the_whole_list(review, labels):
    cutoff = evaluate(review, labels, top_n=500).cutoffs[-1]
    assert (cutoff.k, cutoff.hits, cutoff.recall) == (N, 5, 1.0)


def test_labels_matching_no_journal_are_an_error(review):
    with pytest.raises(DataError, match="no journal labelled 1 is in the review list.*'X1'"):
        evaluate(review, pl.DataFrame({"journal_id": ["X1"], "label": [1]}))


def test_read_labels(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("journal_id,label,category\nA,1,CUT\nB,0,\nC,,\nD,yes,x\nB,1,again\n E ,true,\n")
    labels = read_labels(path).sort("journal_id")
    assert labels.to_dicts() == [
        {"journal_id": "A", "label": 1}, {"journal_id": "B", "label": 1}, {"journal_id": "C", "label": 0},
        {"journal_id": "D", "label": 1}, {"journal_id": "E", "label": 1},
    ]


@pytest.mark.parametrize("content, message", [
    ("journal,label\nA,1\n", "labels.csv has no column journal_id; its header must name journal_id and label"),
    ("journal_id,label\nA,1\nB,maybe\n", "labels.csv row 3: label 'maybe' is not 1 or 0"),
])
def test_bad_labels_file_says_what_to_fix(tmp_path, content, message):
    path = tmp_path / "labels.csv"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        read_labels(path)


def test_cli_bad_labels_file_is_one_sentence_and_exit_3(tmp_path):
    ledger, bad = tmp_path / "ledger.csv", tmp_path / "labels.csv"
    ledger.write_text("journal_id,account,amount,effective_date\nJ1,1000,5,2024-01-31\nJ1,2000,-5,2024-01-31\n")
    bad.write_text("id,flag\nA,1\n")
    result = CliRunner().invoke(main, ["evaluate", str(ledger), "--labels", str(bad)])
    assert result.exit_code == 3
    assert result.output.strip().startswith("jecheck: error: labels file") and "Traceback" not in result.output
