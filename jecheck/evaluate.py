"""How well the review list finds labelled journals: precision and recall at cut-offs, average precision.

For tuning and for the sample ledgers' labels. `evaluate(review, labels)` compares a review list
(journal_id, rank) with labels (journal_id, label: 1 = anomalous, 0 or absent = normal).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from .errors import DataError

TRUE_LABELS = {"1", "1.0", "true", "yes", "y", "t"}
FALSE_LABELS = {"0", "0.0", "false", "no", "n", "f", ""}


@dataclass
class Cutoff:
    """The top `k` journals of the review list: how many labelled ones they hold."""

    name: str
    k: int
    hits: int
    precision: float
    recall: float


@dataclass
class EvalReport:
    """Metrics of a review list against labels. `missed`: labelled journals ranked below `top_n`."""

    journals: int  # journals in the review list
    positives: int  # journals labelled 1 that are in the review list
    cutoffs: list[Cutoff]
    average_precision: float
    top_n: int
    missed: list[tuple[str, int]] = field(default_factory=list)  # (journal_id, rank), best rank first
    not_in_review: list[str] = field(default_factory=list)  # labelled 1 but not in the review list

    def to_dict(self) -> dict:
        """JSON-ready form."""
        out = asdict(self)
        out["missed"] = [{"journal_id": j, "rank": r} for j, r in self.missed]
        return out

    def lines(self, limit: int = 25) -> list[str]:
        """The report as plain text lines, for the terminal; at most `limit` missed journals are listed."""
        out = [f"{self.positives:,} labelled journals among {self.journals:,} ranked journals."]
        for c in self.cutoffs:
            out.append(f"{c.name:>10} ({c.k:,} journals): precision {c.precision:.3f}, recall {c.recall:.3f} "
                       f"({c.hits:,} found)")
        out.append(f"average precision {self.average_precision:.3f}")
        if self.missed:
            out.append(f"{len(self.missed):,} labelled journals ranked below the top {self.top_n:,}:")
            out += [f"  {journal_id}  rank {rank:,}" for journal_id, rank in self.missed[:limit]]
            if len(self.missed) > limit:
                out.append(f"  ... and {len(self.missed) - limit:,} more (--json lists all)")
        if self.not_in_review:
            shown = ", ".join(self.not_in_review[:10]) + (" ..." if len(self.not_in_review) > 10 else "")
            out.append(f"{len(self.not_in_review):,} labelled journals are not in the review list "
                       f"(not in the ledger or outside the period): {shown}")
        return out


def read_labels(path: str | Path) -> pl.DataFrame:
    """Read a labels CSV (journal_id, label; extra columns ignored) into journal_id (str), label (0/1).

    A journal listed several times is labelled 1 when any of its rows says 1.
    """
    try:
        frame = pl.read_csv(path, infer_schema_length=0)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DataError(f"cannot read labels file {path}: {exc}; give a CSV file with columns journal_id,label") \
            from exc
    missing = [c for c in ("journal_id", "label") if c not in frame.columns]
    if missing:
        raise DataError(f"labels file {path} has no column {' or '.join(missing)}; "
                        f"its header must name journal_id and label (it has {', '.join(frame.columns) or 'none'})")
    text = frame["label"].fill_null("").str.strip_chars().str.to_lowercase()
    invalid = ~text.is_in(TRUE_LABELS | FALSE_LABELS)
    unknown = text.filter(invalid)
    if len(unknown):
        row = int(invalid.arg_max()) + 2  # header is row 1
        raise DataError(f"labels file {path} row {row}: label {unknown[0]!r} is not 1 or 0; "
                        "write 1 for an anomalous journal and 0 (or nothing) for a normal one")
    return (
        frame.select(pl.col("journal_id").str.strip_chars(), text.is_in(TRUE_LABELS).cast(pl.Int8).alias("label"))
        .filter(pl.col("journal_id").is_not_null() & (pl.col("journal_id") != ""))
        .group_by("journal_id").agg(pl.col("label").max())
    )


def evaluate(review: pl.DataFrame, labels: pl.DataFrame, top_n: int = 50) -> EvalReport:
    """Precision and recall at the top 1 %, 5 % and `top_n` journals, average precision, missed journals.

    `review`: journal_id, rank (1 = reviewed first; every journal ranked once).
    `labels`: journal_id, label (1 = anomalous); journals without a label count as normal.
    """
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    # Position of each journal in the list (1-based), whatever the rank numbers look like.
    ranked = (review.select(pl.col("journal_id").cast(pl.String), pl.col("rank").cast(pl.Int64)).sort("rank")
              .with_row_index("position", offset=1))
    positive_ids = labels.filter(pl.col("label") == 1).select(pl.col("journal_id").cast(pl.String)).unique()
    found = ranked.join(positive_ids, on="journal_id", how="semi")
    not_in_review = sorted(set(positive_ids["journal_id"]) - set(found["journal_id"]))
    n, positives = len(ranked), len(found)
    if positives == 0:
        raise DataError(
            "no journal labelled 1 is in the review list; check that the labels' journal_id values match the "
            "ledger's" + (f" (for example {not_in_review[0]!r} is not in it)" if not_in_review else "")
        )
    positions = sorted(found["position"].to_list())
    cutoffs = []
    for name, k in (("top 1%", math.ceil(0.01 * n)), ("top 5%", math.ceil(0.05 * n)), (f"top {top_n}", top_n)):
        k = min(k, n)
        hits = sum(1 for p in positions if p <= k)
        cutoffs.append(Cutoff(name, k, hits, hits / k, hits / positives))
    average_precision = sum(i / p for i, p in enumerate(positions, start=1)) / positives
    missed = [(r["journal_id"], r["rank"]) for r in found.filter(pl.col("position") > top_n)
              .sort("position").iter_rows(named=True)]
    return EvalReport(journals=n, positives=positives, cutoffs=cutoffs, average_precision=average_precision,
                      top_n=top_n, missed=missed, not_in_review=not_in_review)
