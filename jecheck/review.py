"""The review list: every scored journal ranked by one risk score from its rule hits and its anomaly score.

    risk = 1 - (1 - R) * (1 - M)

R, the rules' part: 1 - product over the distinct rules that hit the journal of (1 - w[severity]),
with w = high 0.6, medium 0.35, low 0.15, info 0 (info findings are context: listed, never ranked).
One high hit gives 0.6, two give 0.84, a high and a medium 0.74: several hits count more than one,
and R never reaches 1. Suppressed findings are left out (they stay listed with the findings).

M, the model's part: 0.6 * min(1, log10(1 / q) / 3), where q is the share of scored journals at
least as unusual as this one (1/N for the most unusual). Each factor of ten in rarity adds a third:
the top 10 % get 0.2 (above a low hit), the top 1 % 0.4 (above a medium hit), the top 0.1 % the
full 0.6 (a high hit). A journal the model could not score has M = 0.

Ranks run 1..N with no ties: by risk, then anomaly score, then journal id.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb

from .db import OPEN_JOURNAL_FINDINGS, create_table_as, table_exists
from .errors import UsageError

SEVERITIES = ("info", "low", "medium", "high")
RULE_REASONS = 3  # rule messages shown per journal, most severe first, before the model's reasons


@dataclass(frozen=True)
class RiskWeights:
    """Weights of the risk score (see the module doc). Each is in [0, 1)."""

    high: float = 0.6
    medium: float = 0.35
    low: float = 0.15
    info: float = 0.0
    model: float = 0.6
    model_full_at: float = 0.001  # the share of most unusual journals whose model part is the full weight

    def check(self) -> None:
        for name in ("high", "medium", "low", "info", "model"):
            value = getattr(self, name)
            if not 0 <= value < 1:
                raise UsageError(f"risk weight {name}={value} must be at least 0 and below 1")
        if not 0 < self.model_full_at < 1:
            raise UsageError(f"risk weight model_full_at={self.model_full_at} must be between 0 and 1")


def rank(con: duckdb.DuckDBPyConnection, *, weights: RiskWeights | None = None) -> None:
    """Create table `review(journal_id, rank, risk_score, anomaly_score, percentile, rule_ids, reasons)`.

    Ranks every journal in `scores` (or every journal in `journals` when the model did not run),
    reading unsuppressed hits from `findings` when that table exists. `reasons` lists the rules'
    messages ("RULE-ID: message", most severe first, at most three) and then the model's reasons.
    """
    w = weights or RiskWeights()
    w.check()
    if table_exists(con, "scores"):
        # as_unusual: how many scored journals score at least as high (counted by the model's sort)
        population = "SELECT journal_id, anomaly_score, percentile, as_unusual FROM scores"
        explained = "SELECT journal_id, reasons FROM scores WHERE len(reasons) > 0"
    else:
        population = ("SELECT journal_id, CAST(NULL AS DOUBLE) AS anomaly_score, CAST(NULL AS DOUBLE) AS percentile, "
                      "CAST(NULL AS BIGINT) AS as_unusual FROM journals")
        explained = "SELECT NULL::VARCHAR AS journal_id, NULL::VARCHAR[] AS reasons WHERE false"
    params: dict[str, object] = {"model": w.model, "full_digits": math.log10(1 / w.model_full_at)}
    if table_exists(con, "findings"):
        params["severities"] = list(SEVERITIES)
        hits = f"""
            SELECT journal_id, rule_id, max(list_position($severities, severity)) AS level, min(message) AS message
            FROM {OPEN_JOURNAL_FINDINGS}
            GROUP BY journal_id, rule_id
        """
    else:
        hits = "SELECT NULL::VARCHAR AS journal_id, NULL::VARCHAR AS rule_id, NULL::INTEGER AS level, " \
               "NULL::VARCHAR AS message WHERE false"
    # (1 - w) per severity raised to the number of rules hit at that severity: exact, order-free.
    params.update({f"keep_{s}": 1.0 - getattr(w, s) for s in SEVERITIES})
    create_table_as(con, "review", f"""
        WITH population AS NOT MATERIALIZED ({population}),  -- read twice: inlined, not copied
        hits AS ({hits}),
        rules AS (
            SELECT journal_id,
                   pow($keep_info, count(*) FILTER (WHERE level = 1))
                   * pow($keep_low, count(*) FILTER (WHERE level = 2))
                   * pow($keep_medium, count(*) FILTER (WHERE level = 3))
                   * pow($keep_high, count(*) FILTER (WHERE level >= 4)) AS rules_keep,
                   -- most severe first, then by rule id (a sorted list costs less than ordered aggregates)
                   list_sort(list({{'level': -level, 'rule_id': rule_id, 'message': message}})) AS sorted_hits
            FROM hits GROUP BY journal_id
        ),
        tail AS (  -- q: the share of scored journals at least as unusual (the model counted them: no sort here)
            SELECT p.journal_id, p.anomaly_score, p.percentile, r.rules_keep,
                   p.as_unusual / (SELECT count(anomaly_score) FROM population) AS q
            FROM population p LEFT JOIN rules r ON r.journal_id = p.journal_id
        ),
        risk AS (
            SELECT *, 1 - coalesce(rules_keep, 1.0)
                        * (1 - $model * CASE WHEN anomaly_score IS NULL THEN 0.0  -- least() would ignore a NULL
                                             ELSE least(1.0, log10(1.0 / q) / $full_digits) END) AS risk_score
            FROM tail
        ),
        ranked AS (  -- the windows sort narrow rows; the lists join the few journals that have them afterwards
            SELECT journal_id,
                   row_number() OVER (ORDER BY risk_score DESC, anomaly_score DESC NULLS LAST, journal_id) AS rank,
                   risk_score, anomaly_score, percentile
            FROM risk
        ),
        explained AS ({explained}),
        details AS (  -- the few journals with rule hits or the model's reasons
            SELECT coalesce(r.journal_id, e.journal_id) AS journal_id,
                   coalesce([h.rule_id FOR h IN r.sorted_hits], CAST([] AS VARCHAR[])) AS rule_ids,
                   list_concat(
                       coalesce([h.rule_id || ': ' || coalesce(h.message, '') FOR h IN r.sorted_hits][1:{RULE_REASONS}],
                                CAST([] AS VARCHAR[])),
                       coalesce(e.reasons, CAST([] AS VARCHAR[]))) AS reasons
            FROM rules r FULL JOIN explained e ON e.journal_id = r.journal_id
        )
        SELECT k.journal_id, k.rank, k.risk_score, k.anomaly_score, k.percentile,
               coalesce(d.rule_ids, CAST([] AS VARCHAR[])) AS rule_ids,
               coalesce(d.reasons, CAST([] AS VARCHAR[])) AS reasons
        FROM ranked k LEFT JOIN details d ON d.journal_id = k.journal_id
    """, params)
