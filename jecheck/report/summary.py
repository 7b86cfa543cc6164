"""The figures both reports show, computed by DuckDB, so the workpaper and the page tell one story.

A "flagged" journal has at least one unsuppressed finding of low severity or above (info findings are
context for the population: listed, never counted as flags, as in the review ranking). Every function returns a small Python
structure or a bounded polars frame; nothing here loops over ledger rows.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from .. import db
from ..db import table_exists

if TYPE_CHECKING:
    import pyarrow as pa

SEVERITY_ORDER = ("high", "medium", "low", "info")

# What a reviewer must do at each severity (rules/README.md).
SEVERITY_MEANING = {
    "high": "obtain support and conclude on every hit",
    "medium": "review every hit",
    "low": "scan the list and follow up on the unusual",
    "info": "context for the population; no follow-up expected",
}

# Nigrini's first-digit MAD conformity bands (upper bounds).
BENFORD_BANDS = ((0.006, "close conformity"), (0.012, "acceptable conformity"), (0.015, "marginal conformity"))
BENFORD_MIN_AMOUNTS = 300
BENFORD_MIN_MAGNITUDES = 3  # distinct powers of ten the amounts must span

_FLAGGED = ("SELECT DISTINCT journal_id FROM findings "
            "WHERE NOT suppressed AND severity <> 'info' AND journal_id IS NOT NULL")


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pl.DataFrame:
    """Run `sql` with bound parameters and return the result as a polars frame.

    On a cursor: DuckDB refuses a relation on a connection whose last execute() result is unfinished.
    """
    with db.cursor(con) as cursor:
        return cursor.sql(sql, params=params).pl()


@contextmanager
def arrow_batches(con: duckdb.DuckDBPyConnection, sql: str, rows: int) -> Iterator[pa.RecordBatchReader]:
    """Stream `sql`'s result in record batches of `rows` from a cursor of its own (memory holds one batch)."""
    with db.cursor(con) as cursor:
        yield cursor.sql(sql).to_arrow_reader(rows)


def has_review(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the model ran and ranked the journals."""
    return table_exists(con, "review")


def population(con: duckdb.DuckDBPyConnection) -> dict:
    """Lines, journals, dates, periods and totals of the loaded population.

    Kept in table report_population (one row, computed once per connection like `journal_groups`):
    the workpaper and the page both show it, and it takes a pass over every line.
    """
    con.execute("""
        CREATE TABLE IF NOT EXISTS report_population AS
        SELECT (SELECT count(*) FROM journals), count(*), min(effective_date), max(effective_date),
               (SELECT count(DISTINCT period_key) FROM journals),
               coalesce(sum(amount) FILTER (WHERE amount > 0), 0), coalesce(-sum(amount) FILTER (WHERE amount < 0), 0),
               count(DISTINCT entity), count(DISTINCT account), count(DISTINCT source),
               (SELECT count(*) FROM users WHERE journals_prepared > 0)
        FROM lines
    """)
    row = con.execute("SELECT * FROM report_population").fetchall()[0]
    keys = ("journals", "lines", "first_date", "last_date", "periods", "total_debit", "total_credit",
            "entities", "accounts", "sources", "preparers")
    return dict(zip(keys, row))


def flagged_journal_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"SELECT count(*) FROM ({_FLAGGED})").fetchall()[0][0]


def severity_counts(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Findings, flagged journals and suppressed findings per severity, every severity listed."""
    counts = {
        sev: (findings, journals, suppressed)
        for sev, findings, journals, suppressed in con.execute("""
            SELECT severity, count(*) FILTER (WHERE NOT suppressed),
                   count(DISTINCT journal_id) FILTER (WHERE NOT suppressed), count(*) FILTER (WHERE suppressed)
            FROM findings GROUP BY severity
        """).fetchall()
    }
    ordered = [*SEVERITY_ORDER, *sorted(set(counts) - set(SEVERITY_ORDER), key=str)]
    return [
        {"severity": sev, "findings": counts.get(sev, (0, 0, 0))[0], "journals": counts.get(sev, (0, 0, 0))[1],
         "suppressed": counts.get(sev, (0, 0, 0))[2], "meaning": SEVERITY_MEANING.get(sev, "")}
        for sev in ordered
    ]


def category_counts(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Findings, flagged journals and suppressed findings per rule category, most findings first."""
    rows = con.execute("""
        SELECT category, count(*) FILTER (WHERE NOT suppressed) AS findings,
               count(DISTINCT journal_id) FILTER (WHERE NOT suppressed) AS journals,
               count(*) FILTER (WHERE suppressed) AS suppressed
        FROM findings GROUP BY category ORDER BY findings DESC, category
    """).fetchall()
    return [dict(zip(("category", "findings", "journals", "suppressed"), r)) for r in rows]


@dataclass(frozen=True)
class RuleRow:
    """One rule as the reports list it: the scan's outcome plus the rule file's metadata."""

    id: str
    title: str
    category: str
    severity: str
    status: str
    skipped_reason: str | None
    hits: int
    suppressed_hits: int
    journals: int
    params: dict
    duration_s: float | None
    rationale: str
    references: tuple[str, ...]
    pack: str


def rule_rows(result) -> list[RuleRow]:
    """Every rule of the scan in ID order; `journals` counts journals with an unsuppressed hit."""
    journals = dict(result.con.execute(
        "SELECT rule_id, count(DISTINCT journal_id) FROM findings WHERE NOT suppressed GROUP BY rule_id"
    ).fetchall())
    ruleset = getattr(result, "ruleset", None)
    rows = []
    for outcome in sorted(result.rules, key=lambda o: o.id):
        rule = ruleset.get(outcome.id) if ruleset is not None and hasattr(ruleset, "get") else None
        pack = getattr(rule, "pack", None)
        rows.append(RuleRow(
            id=outcome.id, title=outcome.title, category=outcome.category, severity=outcome.severity,
            status=outcome.status, skipped_reason=outcome.skipped_reason, hits=outcome.hits,
            suppressed_hits=getattr(outcome, "suppressed_hits", 0) or 0, journals=journals.get(outcome.id, 0),
            params=dict(getattr(outcome, "params", None) or {}), duration_s=getattr(outcome, "duration_s", None),
            rationale=(getattr(rule, "rationale", "") or "").strip(),
            references=tuple(getattr(rule, "references", ()) or ()),
            pack=f"{pack.name} {pack.version}" if pack is not None else "",
        ))
    return rows


def finding_counts_by_rule(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Every finding (suppressed or not) per rule: what a rule's section lists."""
    return dict(con.execute("SELECT rule_id, count(*) FROM findings GROUP BY rule_id").fetchall())


# Frames both reports list (the review list, each rule's first findings), kept per connection so that a
# request the frames already answer is not fetched again: each fetch finds its journals with a scan of
# `journals`, a second or more at 10M lines. Reports are written after the scan has finished changing its
# tables (as for journal_groups).
_fetched: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def review_list(con: duckdb.DuckDBPyConnection, limit: int, *, top: int | None = None) -> pl.DataFrame:
    """Ranked journals with the facts a reviewer reads first.

    Without `top`: the first `limit` ranks. With `top`: the first `top` ranks plus every journal with a
    rule hit, up to `limit` rows.
    """
    fetched = _fetched.setdefault(con, {}).setdefault("review", {})
    if (limit, top) in fetched:
        return fetched[(limit, top)]
    if top is None:  # the first `limit` ranks: any frame that starts with ranks 1..limit holds them
        for frame in fetched.values():
            head = frame.head(limit)
            if head.height == limit and head.get_column("rank").to_list() == list(range(1, limit + 1)):
                return head
    where = "" if top is None else "WHERE rank <= $top OR len(rule_ids) > 0"
    params = {"limit": limit} | ({} if top is None else {"top": top})
    # The rows are picked first and their journals found by an IN filter at the scan: cheaper than a
    # join probing every journal.
    frame = query_frame(con, f"""
        WITH r AS (SELECT * FROM review {where} ORDER BY rank LIMIT $limit),
        j AS (SELECT * FROM journals WHERE journal_id IN (SELECT journal_id FROM r))
        SELECT r.rank, r.journal_id, r.risk_score, r.anomaly_score, r.percentile,
               j.effective_date, j.period_key, j.entered_at, j.entered_by, j.approved_by, j.source,
               j.line_count, j.total_debit, j.header_description,
               array_to_string(r.rule_ids, ', ') AS rule_ids, array_to_string(r.reasons, '; ') AS reasons,
               r.reasons[1] AS first_reason, len(r.reasons) AS reason_count
        FROM r LEFT JOIN j USING (journal_id)
        ORDER BY r.rank
    """, params)
    fetched[(limit, top)] = frame
    return frame


def review_list_size(con: duckdb.DuckDBPyConnection, top: int) -> int:
    """Rows `review_list(..., top=top)` would return without a limit."""
    return con.execute(
        "SELECT count(*) FROM review WHERE rank <= $top OR len(rule_ids) > 0", {"top": top}
    ).fetchall()[0][0]


def findings_by_rule(con: duckdb.DuckDBPyConnection, limits: dict[str, int]) -> pl.DataFrame:
    """The first `limits[rule_id]` findings of each rule (unsuppressed first, then by journal and line),
    with the journal's date, people, source and text, ordered by rule: one query however many rules.

    A later call whose rows the last fetch holds (each rule's limit within that fetch's, or the rule had
    fewer findings than it) takes them from it instead of querying again."""
    fetched = _fetched.setdefault(con, {})
    picked, fetched_limits = fetched.get("findings", (None, {}))
    if picked is None or not _holds(picked, fetched_limits, limits):
        picked = query_frame(con, """
            WITH caps AS (SELECT unnest($rules) AS rule_id, unnest($caps) AS cap),
            picked AS (
                SELECT f.*, row_number() OVER (PARTITION BY f.rule_id
                                               ORDER BY f.suppressed, f.journal_id, f.line_no, f.message) AS n
                FROM findings f JOIN caps c ON c.rule_id = f.rule_id
                QUALIFY n <= c.cap
            ),
            j AS (SELECT * FROM journals WHERE journal_id IN (SELECT journal_id FROM picked))
            SELECT f.rule_id, f.journal_id, f.line_no, f.message, j.effective_date, j.period_key, j.entered_by,
                   j.approved_by, j.source, j.total_debit, j.header_description, f.suppressed,
                   f.suppression_justification, f.suppression_reviewer, f.evidence, f.n
            FROM picked f LEFT JOIN j USING (journal_id)
            ORDER BY f.rule_id, f.n
        """, {"rules": list(limits), "caps": [int(v) for v in limits.values()]})
        fetched["findings"] = (picked, dict(limits))
    cap = pl.col("rule_id").replace_strict(limits, default=0, return_dtype=pl.Int64)
    return picked.filter(pl.col("n") <= cap).drop("n")


def _holds(picked: pl.DataFrame, fetched_limits: dict[str, int], limits: dict[str, int]) -> bool:
    """True when `picked` (fetched with `fetched_limits`) holds each rule's first `limits[rule]` findings."""
    counts = dict(picked.group_by("rule_id").len().iter_rows())
    return all(rule in fetched_limits and (counts.get(rule, 0) >= cap or counts.get(rule, 0) < fetched_limits[rule])
               for rule, cap in limits.items())


def suppressed_findings(con: duckdb.DuckDBPyConnection, limit: int) -> pl.DataFrame:
    """Suppressed findings with the written justification and reviewer."""
    return query_frame(con, """
        SELECT rule_id, journal_id, line_no, suppression_justification AS justification,
               suppression_reviewer AS reviewer, message
        FROM findings WHERE suppressed ORDER BY rule_id, journal_id, line_no, message LIMIT $limit
    """, {"limit": limit})


def suppressed_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM findings WHERE suppressed").fetchall()[0][0]


# --- the Profile sheet -------------------------------------------------------------------------------


# Journals counted by preparer, source, period and effective date in one pass over `journals`, with the
# flagged ones by their worst severity: the profile tables and the charts all read this small table.
_GROUPS_TABLE = "report_journal_groups"  # not TEMP: cursors (query_frame) must see it


def journal_groups(con: duckdb.DuckDBPyConnection) -> str:
    """Create (once per connection) and name the table of journal counts by grain: `grain` is user,
    source, period or day, keyed by entered_by, source, period_key or effective_date respectively.

    Reports are written after the scan has finished changing its tables, so the first report's figures
    hold for the rest.
    """
    con.execute(f"""
        CREATE TABLE IF NOT EXISTS {_GROUPS_TABLE} AS
        WITH worst AS (
            SELECT journal_id, max(list_position(['low', 'medium', 'high'], severity)) AS level
            FROM findings WHERE NOT suppressed AND severity <> 'info' AND journal_id IS NOT NULL
            GROUP BY journal_id
        ),
        -- One plain GROUP BY over the journals to the finest grain (a few hundred thousand rows at most),
        -- then the four groupings over that: grouping sets straight over millions of journals cost more.
        fine AS (
            SELECT j.entered_by, j.source, j.period_key, j.effective_date,
                   count(*) AS journals, sum(j.line_count) AS lines, sum(j.total_debit) AS total_debit,
                   count(w.journal_id) AS flagged_journals, count(*) FILTER (WHERE j.is_manual) AS manual_journals,
                   count(*) FILTER (WHERE j.effective_date > j.period_end - 3) AS last_3_days,
                   min(j.period_start) AS period_start,
                   count(*) FILTER (WHERE w.level = 3) AS high, count(*) FILTER (WHERE w.level = 2) AS medium,
                   count(*) FILTER (WHERE w.level = 1) AS low
            FROM journals j LEFT JOIN worst w USING (journal_id)
            GROUP BY ALL
        )
        SELECT CASE WHEN GROUPING(entered_by) = 0 THEN 'user' WHEN GROUPING(source) = 0 THEN 'source'
                    WHEN GROUPING(period_key) = 0 THEN 'period' ELSE 'day' END AS grain,
               entered_by, source, period_key, effective_date,
               sum(journals) AS journals, sum(lines) AS lines, sum(total_debit) AS total_debit,
               sum(flagged_journals) AS flagged_journals, sum(manual_journals) AS manual_journals,
               count(DISTINCT entered_by) AS preparers,
               min(effective_date) AS first_date, max(effective_date) AS last_date,
               sum(last_3_days) AS last_3_days, min(period_start) AS period_start,
               sum(high) AS high, sum(medium) AS medium, sum(low) AS low
        FROM fine
        GROUP BY GROUPING SETS ((entered_by), (source), (period_key), (effective_date))
    """)
    return _GROUPS_TABLE


def profile_by_user(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per preparer: journals, lines, debits, flagged journals, journals they approved, first and last date."""
    return query_frame(con, f"""
        SELECT g.entered_by AS user_id, u.name, u.title, g.journals, g.lines, g.total_debit, g.flagged_journals,
               g.manual_journals, coalesce(u.journals_approved, 0) AS journals_approved, g.first_date, g.last_date
        FROM {journal_groups(con)} g LEFT JOIN users u ON u.user_id = g.entered_by
        WHERE g.grain = 'user'
        ORDER BY g.journals DESC, g.entered_by
    """)


def profile_by_source(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return query_frame(con, f"""
        SELECT source, journals, lines, total_debit, flagged_journals, manual_journals, preparers, first_date,
               last_date
        FROM {journal_groups(con)} WHERE grain = 'source'
        ORDER BY journals DESC, source
    """)


def profile_by_period(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per period: journals, lines, debits, flagged journals, and journals dated in its last three days."""
    return query_frame(con, f"""
        SELECT g.period_key AS period, p.period_start, p.period_end, p.closed_at, g.journals, g.lines,
               g.total_debit, g.flagged_journals, g.manual_journals, g.last_3_days
        FROM {journal_groups(con)} g LEFT JOIN periods p USING (period_key)
        WHERE g.grain = 'period'
        ORDER BY p.period_start NULLS LAST, g.period_key
    """)


def profile_by_account(con: duckdb.DuckDBPyConnection, limit: int) -> pl.DataFrame:
    """Per account used in the ledger: type, lines, journals, debits, credits, net and flagged journals."""
    # Journals per account come from `accounts` (counted once by the views): a distinct count over every
    # line costs several times the sums. Flagged journals are counted on the few lines of flagged journals.
    return query_frame(con, f"""
        WITH flagged AS ({_FLAGGED}),
        per AS (
            SELECT account, count(*) AS lines,
                   coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS total_debit,
                   coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS total_credit,
                   coalesce(sum(amount), 0) AS net
            FROM lines GROUP BY account
        ),
        hit AS (
            SELECT account, count(DISTINCT journal_id) AS flagged_journals
            FROM lines WHERE journal_id IN (SELECT journal_id FROM flagged) GROUP BY account
        )
        SELECT per.account, a.name, a.type, a.type_source, per.lines, a.journal_count AS journals, per.total_debit,
               per.total_credit, per.net, coalesce(hit.flagged_journals, 0) AS flagged_journals
        FROM per LEFT JOIN accounts a USING (account) LEFT JOIN hit USING (account)
        ORDER BY per.account
        LIMIT $limit
    """, {"limit": limit})


def account_count(con: duckdb.DuckDBPyConnection) -> int:
    """Distinct accounts in the ledger (from the population figures, already counted)."""
    return population(con)["accounts"]


# --- chart data --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodEndWindow:
    """Journals per effective date around one period end; offsets are days from the period end."""

    period: str
    period_end: object
    offsets: tuple[int, ...]
    journals: tuple[int, ...]
    flagged: tuple[int, ...]


def entries_around_period_ends(con: duckdb.DuckDBPyConnection, days: int = 7, periods: int = 12
                               ) -> tuple[list[PeriodEndWindow], int]:
    """The latest `periods` period ends that have entries: journals per day from -days to +days.

    Returns the windows (oldest first) and how many period ends the ledger has in all.
    """
    rows = con.execute(f"""
        WITH groups AS (SELECT * FROM {journal_groups(con)}),
        days AS (SELECT * FROM groups WHERE grain = 'day'),
        ends AS (
            SELECT period_key, period_end FROM periods
            WHERE NOT is_adjustment AND period_end IS NOT NULL
              AND period_key IN (SELECT period_key FROM groups WHERE grain = 'period')
        ),
        latest AS (SELECT * FROM ends ORDER BY period_end DESC LIMIT $periods),
        offsets AS (SELECT range AS d FROM range(-$days, $days + 1))
        SELECT e.period_key, e.period_end, o.d, coalesce(g.journals, 0), coalesce(g.flagged_journals, 0),
               (SELECT count(*) FROM ends)
        FROM latest e CROSS JOIN offsets o
        LEFT JOIN days g ON g.effective_date = e.period_end + CAST(o.d AS INTEGER)
        ORDER BY e.period_end, o.d
    """, {"days": days, "periods": periods}).fetchall()
    windows: dict[str, list] = {}
    for period, end, offset, journals, flagged, _ in rows:
        windows.setdefault(period, [end, [], [], []])
        windows[period][1].append(offset)
        windows[period][2].append(journals)
        windows[period][3].append(flagged)
    total = rows[0][5] if rows else 0
    return [PeriodEndWindow(p, v[0], tuple(v[1]), tuple(v[2]), tuple(v[3])) for p, v in windows.items()], total


@dataclass(frozen=True)
class Benford:
    """First-digit test of the line amounts (Nigrini's MAD with his conformity bands)."""

    amounts: int
    magnitudes: int
    observed: tuple[float, ...]  # share of amounts with first digit 1..9
    expected: tuple[float, ...]
    mad: float | None
    conformity: str

    @property
    def testable(self) -> bool:
        return self.amounts >= BENFORD_MIN_AMOUNTS and self.magnitudes >= BENFORD_MIN_MAGNITUDES


def benford_first_digit(con: duckdb.DuckDBPyConnection) -> Benford:
    """Observed vs expected first digits of every non-zero line amount (amounts below 1 by first non-zero digit)."""
    # One pass. The digit comes from the double unless amount / 10^magnitude is within rounding of a whole
    # number (0.3, 3000, 999.9999...): only those few take the exact, slower path through the decimal's text.
    rows = con.execute("""
        WITH x AS (SELECT amount, abs(CAST(amount AS DOUBLE)) AS size FROM lines WHERE amount <> 0),
        m AS (SELECT amount, floor(log10(size)) AS magnitude, size / pow(10, floor(log10(size))) AS lead FROM x)
        SELECT CASE WHEN abs(lead - round(lead)) > 1e-6 THEN CAST(floor(lead) AS INTEGER)
                    ELSE CAST(regexp_extract(CAST(abs(amount) AS VARCHAR), '[1-9]') AS INTEGER) END AS digit,
               count(*), list(DISTINCT magnitude)
        FROM m GROUP BY digit
    """).fetchall()
    counts = {digit: n for digit, n, _ in rows}
    magnitudes = len({m for *_, seen in rows for m in seen})
    total = sum(counts.values())
    expected = tuple(math.log10(1 + 1 / d) for d in range(1, 10))
    observed = tuple(counts.get(d, 0) / total if total else 0.0 for d in range(1, 10))
    mad = sum(abs(o - e) for o, e in zip(observed, expected)) / 9 if total else None
    if total >= BENFORD_MIN_AMOUNTS and magnitudes >= BENFORD_MIN_MAGNITUDES:
        conformity = next((label for bound, label in BENFORD_BANDS if mad <= bound), "nonconformity")
    else:
        conformity = (f"not tested: needs {BENFORD_MIN_AMOUNTS:,} amounts spanning {BENFORD_MIN_MAGNITUDES} "
                      f"powers of ten (has {total:,} spanning {magnitudes})")
    return Benford(total, magnitudes, observed, expected, mad, conformity)


@dataclass(frozen=True)
class ScoreHistogram:
    """Anomaly scores of every scored journal in equal-width bins, split at the review cut (rank <= top)."""

    low: float
    high: float
    in_review: tuple[int, ...]
    others: tuple[int, ...]
    cut: float | None  # lowest anomaly score among the top `top` journals by anomaly score
    top: int
    review_scores: tuple[float, ...]  # anomaly scores of the journals ranked 1..top


def anomaly_histogram(con: duckdb.DuckDBPyConnection, top: int, bins: int = 30) -> ScoreHistogram | None:
    """The distribution of anomaly scores; None when nothing was scored."""
    low, high, cut = con.execute("""
        SELECT min(anomaly_score), max(anomaly_score),
               (SELECT min(anomaly_score) FROM (SELECT anomaly_score FROM review
                WHERE isfinite(anomaly_score) ORDER BY anomaly_score DESC LIMIT $top))
        FROM review WHERE isfinite(anomaly_score)
    """, {"top": top}).fetchall()[0]
    if low is None:
        return None
    width = (high - low) / bins or 1.0
    counts = con.execute("""
        SELECT least(CAST(floor((anomaly_score - $low) / $width) AS INTEGER), $bins - 1) AS bin,
               count(*) FILTER (WHERE rank <= $top), count(*) FILTER (WHERE rank > $top)
        FROM review WHERE isfinite(anomaly_score) GROUP BY bin
    """, {"low": low, "width": width, "bins": bins, "top": top}).fetchall()
    in_review, others = [0] * bins, [0] * bins
    for b, inside, outside in counts:
        in_review[b], others[b] = inside, outside
    review_scores = tuple(float(v) for (v,) in con.execute(
        "SELECT anomaly_score FROM review WHERE rank <= $top AND isfinite(anomaly_score) ORDER BY rank",
        {"top": top}).fetchall())
    return ScoreHistogram(float(low), float(high), tuple(in_review), tuple(others),
                          None if cut is None else float(cut), top, review_scores)


def hits_by_user(con: duckdb.DuckDBPyConnection, limit: int = 15) -> tuple[list[dict], int]:
    """Preparers with the most flagged journals (and their journal totals); and how many users have any."""
    rows = con.execute(f"""
        SELECT entered_by, journals, flagged_journals FROM {journal_groups(con)}
        WHERE grain = 'user' AND flagged_journals > 0
        ORDER BY flagged_journals DESC, journals DESC, entered_by
    """).fetchall()
    return [dict(zip(("user", "journals", "flagged"), r)) for r in rows[:limit]], len(rows)


def hits_by_period(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per period: flagged journals by their highest severity (high, medium, low), and all journals."""
    rows = con.execute(f"""
        SELECT period_key, journals, high, medium, low FROM {journal_groups(con)} WHERE grain = 'period'
        ORDER BY period_start NULLS LAST, period_key
    """).fetchall()
    return [{"period": p, "journals": n, "high": h, "medium": m, "low": lo} for p, n, h, m, lo in rows]


def completeness_details(con: duckdb.DuckDBPyConnection, limit: int) -> list[tuple[str, str, int, pl.DataFrame]]:
    """The completeness problem tables: (table, heading, total rows, first `limit` rows)."""
    tables = (
        ("completeness_unbalanced", "Journals that do not balance"),
        ("completeness_duplicate_keys", "Journal/line-number keys that occur more than once"),
        ("completeness_tb", "Trial-balance roll-forward differences"),
        ("completeness_control_totals", "Extract vs system control totals"),
    )
    details = []
    for table, heading in tables:
        if not table_exists(con, table):
            continue
        total = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
        frame = query_frame(con, f'SELECT * FROM "{table}" ORDER BY ALL LIMIT $limit', {"limit": limit})
        details.append((table, heading, total, frame))
    return details
