"""Completeness, before any test: is the population whole and internally consistent?

Four checks, each a table that lists only the problems (empty = pass). The INT rules select from
these tables, and `profile` and the reports summarize them, so the logic lives here once.

- completeness_unbalanced: journals whose lines do not net to zero, per journal and currency.
  SAP documents that are parked, noted, sample or recurring (BSTAT V, W, Z, S, M, D, L) need not
  balance and are left out.
- completeness_duplicate_keys: journal id + line number pairs that occur more than once.
- completeness_tb: trial-balance roll-forward (beginning + activity = ending) per account, entity,
  fiscal year and period; accounts with activity but no trial-balance row are listed too.
- completeness_control_totals: the extract against the system's own debit/credit totals per journal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

import duckdb

from .views import column_counts

# SAP BSTAT values whose documents are not postings and need not balance.
NON_POSTING_STATUSES = ("V", "W", "Z", "S", "M", "D", "L")

# Debit/credit indicator spellings seen in system logs: ADS D/C, SAP S/H (Soll/Haben).
DEBIT_CODES = ("D", "S", "DR", "DEBIT")
CREDIT_CODES = ("C", "H", "CR", "CREDIT")


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _period_number(label: str) -> str:
    """SQL: the trailing number of a period label ('12', 'M12', '012', '2024-12' -> 12), NULL without one."""
    return f"TRY_CAST(regexp_extract({label}, '([0-9]+)$', 1) AS INTEGER)"


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Materialize the four completeness tables from lines, journals, periods and the context tables."""
    # A journal whose lines agree on currency and posting status is one group: its journals row holds the
    # figures. Only the journals that views flagged (JOURNAL_CHECK_COLUMNS) are re-examined line by line.
    def posting(table: str) -> str:
        return f"coalesce(upper({table}.posting_status), '') NOT IN ({_sql_list(NON_POSTING_STATUSES)})"

    con.execute(f"""
        CREATE OR REPLACE TABLE completeness_unbalanced AS
        SELECT journal_id, currency, line_count, total_debit, total_credit, total_debit - total_credit AS difference
        FROM journals j
        WHERE NOT lines_differ_in_currency_or_status AND {posting("j")} AND total_debit <> total_credit
        UNION ALL
        SELECT l.journal_id, l.currency, count(*) AS line_count,
               coalesce(sum(l.amount) FILTER (WHERE l.amount > 0), 0) AS total_debit,
               coalesce(-sum(l.amount) FILTER (WHERE l.amount < 0), 0) AS total_credit,
               coalesce(sum(l.amount), 0) AS difference
        FROM lines l
        SEMI JOIN journals j ON j.journal_id IS NOT DISTINCT FROM l.journal_id AND j.lines_differ_in_currency_or_status
        WHERE {posting("l")}
        GROUP BY l.journal_id, l.currency
        HAVING coalesce(sum(l.amount), 0) <> 0
    """)
    con.execute("""
        CREATE OR REPLACE TABLE completeness_duplicate_keys AS
        WITH repeated AS (
            -- Counting first and listing source rows only for the (few) repeated keys: building a
            -- list for every one of a million keys costs ten times the count.
            SELECT l.journal_id, l.line_no FROM lines l
            SEMI JOIN journals j ON j.journal_id = l.journal_id AND j.line_numbers_may_repeat
            WHERE l.line_no IS NOT NULL
            GROUP BY l.journal_id, l.line_no
            HAVING count(*) > 1
        )
        SELECT l.journal_id, l.line_no, count(*) AS occurrences,
               string_agg(CAST(l.source_row AS VARCHAR), ', ' ORDER BY l.source_row) AS source_rows
        FROM lines l
        SEMI JOIN repeated r ON r.journal_id = l.journal_id AND r.line_no = l.line_no
        GROUP BY l.journal_id, l.line_no
    """)
    # Period labels differ between systems ('12', 'M12', '012', '2024-12'): both sides are compared by
    # their trailing number, falling back to the derived period of the effective date.
    # Without a trial balance (or control totals) the check's table is created empty: no pass over lines.
    have_tb = con.execute("SELECT count(*) FROM ctx_tb").fetchone()[0] > 0
    have_control = con.execute("SELECT count(*) FROM ctx_control_totals").fetchone()[0] > 0
    con.execute(f"""
        CREATE OR REPLACE TABLE completeness_tb AS
        WITH tb AS (
            SELECT account, entity, fiscal_year, period, beginning, ending,
                   {_period_number('period')} AS period_no
            FROM ctx_tb
        ),
        line_activity AS (
            SELECT * FROM ({_line_activity_sql(con) if have_tb else _LINE_ACTIVITY_SQL}) WHERE {str(have_tb).lower()}
        ),
        activity AS (
            -- period labels are parsed once per group, not once per line
            SELECT a.account, a.entity, a.fiscal_year,
                   coalesce({_period_number('a.line_period')}, p.period_number)
                       AS period_no,
                   sum(a.activity) AS activity
            FROM line_activity a
            LEFT JOIN periods p ON p.period_key = a.period_key
            GROUP BY ALL
        ),
        rolled AS (
            SELECT tb.account, tb.entity, tb.fiscal_year, tb.period, tb.beginning,
                   coalesce(sum(a.activity), 0) AS activity, tb.ending
            FROM tb LEFT JOIN activity a
              ON a.account = tb.account
             AND (tb.entity IS NULL OR a.entity = tb.entity)
             AND (tb.fiscal_year IS NULL OR a.fiscal_year = tb.fiscal_year)
             AND (tb.period_no IS NULL OR a.period_no = tb.period_no)
            GROUP BY tb.account, tb.entity, tb.fiscal_year, tb.period, tb.beginning, tb.ending
        ),
        untracked AS (
            SELECT a.account, a.entity, a.fiscal_year, CAST(a.period_no AS VARCHAR) AS period,
                   CAST(NULL AS DECIMAL(38,4)) AS beginning, sum(a.activity) AS activity,
                   CAST(NULL AS DECIMAL(38,4)) AS ending
            FROM activity a
            WHERE NOT EXISTS (SELECT 1 FROM tb WHERE tb.account = a.account)
            GROUP BY ALL
            HAVING sum(a.activity) <> 0
        )
        SELECT account, entity, fiscal_year, period, beginning, activity, ending,
               beginning + activity - ending AS difference, 'differs' AS status
        FROM rolled WHERE beginning + activity - ending <> 0
        UNION ALL
        SELECT account, entity, fiscal_year, period, beginning, activity, ending,
               activity AS difference, 'missing_in_tb' AS status
        FROM untracked
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE completeness_control_totals AS
        WITH system AS (
            -- The log's totals per journal and debit/credit indicator (one neither debit nor credit is
            -- its own side), then joined to the extract's journals: one row per journal on either side.
            SELECT journal_id, true AS in_system,
                   sum(total) FILTER (WHERE dc = 'D') AS system_debit,
                   sum(total) FILTER (WHERE dc = 'C') AS system_credit,
                   sum(total) FILTER (WHERE dc IS NULL) AS system_other,
                   -- which sides the log has rows on, as bits (debit 1, credit 2, other 4): one aggregate
                   -- instead of three counts (10M lines: ~0.4 CPU s)
                   bit_or(CASE dc WHEN 'D' THEN 1 WHEN 'C' THEN 2 ELSE 4 END) AS logged
            FROM (
                SELECT journal_id, total,
                       CASE WHEN upper(dc_indicator) IN ({_sql_list(DEBIT_CODES)}) THEN 'D'
                            WHEN upper(dc_indicator) IN ({_sql_list(CREDIT_CODES)}) THEN 'C' END AS dc
                FROM ctx_control_totals
            ) indicated
            GROUP BY journal_id
        ),
        per_journal AS (
            SELECT coalesce(j.journal_id, s.journal_id) AS journal_id,
                   j.in_extract IS NOT NULL AS in_extract, s.in_system IS NOT NULL AS in_system,
                   j.extract_debit, j.extract_credit, s.system_debit, s.system_credit, s.system_other,
                   (s.logged & 1) <> 0 AS logged_debit, (s.logged & 2) <> 0 AS logged_credit,
                   (s.logged & 4) <> 0 AS logged_other
            FROM (SELECT journal_id, true AS in_extract, nullif(total_debit, 0) AS extract_debit,
                         nullif(total_credit, 0) AS extract_credit FROM journals) j
            FULL OUTER JOIN system s ON s.journal_id IS NOT DISTINCT FROM j.journal_id
            WHERE {str(have_control).lower()}
        ),
        compared AS (
            SELECT journal_id, 'D' AS dc_indicator, extract_debit AS extract_total, system_debit AS system_total,
                   in_extract, in_system
            FROM per_journal WHERE extract_debit IS NOT NULL OR logged_debit
            UNION ALL
            SELECT journal_id, 'C', extract_credit, system_credit, in_extract, in_system
            FROM per_journal WHERE extract_credit IS NOT NULL OR logged_credit
            UNION ALL
            SELECT journal_id, NULL, NULL, system_other, in_extract, in_system
            FROM per_journal WHERE logged_other
        ),
        judged AS (
            -- A journal is missing on a side only when that side has none of it; a zero total in the
            -- log for a side the extract lacks (or the reverse) is a match, not a difference.
            SELECT journal_id, dc_indicator, extract_total, system_total,
                   coalesce(extract_total, 0) - coalesce(system_total, 0) AS difference,
                   CASE WHEN NOT in_extract THEN 'missing_in_extract'
                        WHEN NOT in_system THEN 'missing_in_system'
                        WHEN coalesce(extract_total, 0) <> coalesce(system_total, 0) THEN 'differs' END AS status
            FROM compared
        )
        SELECT * FROM judged WHERE status IS NOT NULL
    """)


# Activity per account, entity, fiscal year and period label: a line's own entity and fiscal year, else
# its journal's, and the journal's period (the fallback for a label without a trailing number).
_LINE_ACTIVITY_SQL = """
    SELECT l.account, coalesce(l.entity, j.entity) AS entity,
           coalesce(l.fiscal_year, j.period_fiscal_year) AS fiscal_year,
           l.period AS line_period, j.period_key, sum(l.amount) AS activity
    FROM lines l
    JOIN journals j ON j.journal_id = l.journal_id
    GROUP BY ALL
"""


def _line_activity_sql(con: duckdb.DuckDBPyConnection) -> str:
    """The trial-balance activity query: without the join to journals when no line needs a fallback.

    That is when every line has a journal id, entity, fiscal year and a period label ending in a number
    (the usual extract); each label is parsed once per distinct label.
    """
    lines = con.execute("SELECT count(*) FROM lines").fetchone()[0]
    counts = column_counts(con)
    if any(counts[name] != lines for name in ("journal_id", "entity", "fiscal_year", "period")) or not con.execute(
        f"SELECT coalesce(bool_and({_period_number('period')} IS NOT NULL), true) "
        "FROM (SELECT DISTINCT period FROM lines)"
    ).fetchone()[0]:
        return _LINE_ACTIVITY_SQL
    # fiscal_year as BIGINT, the type coalesce() with the journal's period_fiscal_year gives
    return """
        SELECT account, entity, CAST(fiscal_year AS BIGINT) AS fiscal_year, period AS line_period,
               CAST(NULL AS VARCHAR) AS period_key, sum(amount) AS activity
        FROM lines
        GROUP BY ALL
    """


@dataclass
class CheckResult:
    name: str
    ran: bool
    passed: bool | None  # None when the check could not run (no trial balance / control totals given)
    summary: str
    details: dict = field(default_factory=dict)


@dataclass
class CompletenessReport:
    checks: list[CheckResult]

    @property
    def passed(self) -> bool:
        return all(c.passed is not False for c in self.checks)

    def to_dict(self) -> dict:
        return {"passed": self.passed, "checks": [_jsonable(asdict(c)) for c in self.checks]}


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def repeated_line_keys_warning(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rows sharing a journal id and line number are all kept, but said: an extract can double its rows."""
    count, example = con.execute(
        "SELECT count(*), min(journal_id || ' line ' || line_no) FROM completeness_duplicate_keys").fetchone()
    if not count:
        return []
    return [f"{count:,} journal id and line number pairs appear on more than one row (e.g. {example}); all are kept: "
            "check that the extract has no doubled rows"]


def summarize(con: duckdb.DuckDBPyConnection, *, have_tb: bool, have_control_totals: bool) -> CompletenessReport:
    """Turn the completeness tables into pass/fail results with the figures a reviewer quotes."""
    journals = con.execute("SELECT count(*) FROM journals").fetchone()[0]
    n_unbalanced, unbalanced_total = con.execute(
        "SELECT count(DISTINCT journal_id), coalesce(sum(abs(difference)), 0) FROM completeness_unbalanced"
    ).fetchone()
    n_dup = con.execute("SELECT count(*) FROM completeness_duplicate_keys").fetchone()[0]
    checks = [
        CheckResult(
            "balanced_journals", True, n_unbalanced == 0,
            f"{n_unbalanced:,} of {journals:,} journals do not balance"
            + (f" (absolute differences total {unbalanced_total:,.2f})" if n_unbalanced else ""),
            {"journals": journals, "unbalanced_journals": n_unbalanced, "absolute_difference": unbalanced_total},
        ),
        CheckResult(
            "unique_line_keys", True, n_dup == 0,
            f"{n_dup:,} journal/line-number keys occur more than once",
            {"duplicate_keys": n_dup},
        ),
    ]
    if have_tb:
        rows, n_diff, n_missing = con.execute(
            "SELECT (SELECT count(*) FROM ctx_tb), count(*) FILTER (WHERE status = 'differs'), "
            "count(*) FILTER (WHERE status = 'missing_in_tb') FROM completeness_tb"
        ).fetchone()
        checks.append(CheckResult(
            "trial_balance_rollforward", True, n_diff == 0 and n_missing == 0,
            f"{rows:,} trial-balance rows: {n_diff:,} do not roll forward (beginning + activity <> ending); "
            f"{n_missing:,} account/period groups have activity but no trial-balance row",
            {"tb_rows": rows, "differences": n_diff, "missing_in_tb": n_missing},
        ))
    else:
        checks.append(CheckResult("trial_balance_rollforward", False, None,
                                  "not run: no trial balance given (--tb)"))
    if have_control_totals:
        system_journals, missing_extract, missing_system, differs = con.execute(
            "SELECT (SELECT count(DISTINCT journal_id) FROM ctx_control_totals), "
            "count(DISTINCT journal_id) FILTER (WHERE status = 'missing_in_extract'), "
            "count(DISTINCT journal_id) FILTER (WHERE status = 'missing_in_system'), "
            "count(DISTINCT journal_id) FILTER (WHERE status = 'differs') FROM completeness_control_totals"
        ).fetchone()
        checks.append(CheckResult(
            "control_totals", True, missing_extract == 0 and missing_system == 0 and differs == 0,
            f"{system_journals:,} journals in the system log, {journals:,} in the extract: "
            f"{missing_extract:,} missing from the extract, {missing_system:,} missing from the log, "
            f"{differs:,} with different totals",
            {"system_journals": system_journals, "extract_journals": journals,
             "missing_in_extract": missing_extract, "missing_in_system": missing_system, "differs": differs},
        ))
    else:
        checks.append(CheckResult("control_totals", False, None,
                                  "not run: no system control totals given (--control-totals)"))
    return CompletenessReport(checks)
