"""The canonical views every rule and the model read: journals, periods, accounts, users, calendar.

Built once after ingest from `lines` and the optional `ctx_*` context tables. `journals` is
materialized (one row per entry) because nearly every rule and the model read it; the others
are small. Journal-level attributes use deterministic aggregates (min/max), never any_value,
so that re-ordering the input never changes a result.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb

from .db import create_table_as, table_exists
from .errors import UsageError
from .schema import COLUMNS_BY_NAME, CONTEXT_TABLES, LINE_COLUMNS, create_table_sql

# Keyword patterns (lower-case regular expressions) for inferring account subtype and type from
# names when no chart of accounts is given. Order matters: the first match wins.
SUBTYPE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("retained_earnings", r"retained earnings|gewinnvortrag|report à nouveau|resultados acumulados"),
    ("opening_balance", r"opening balance|eröffnungsbilanz"),
    ("prior_period_adjustment", r"prior[- ]period|prior[- ]year adj"),
    ("suspense", r"suspense|unallocated|unidentified|sundry"),
    ("clearing", r"clearing|verrechnung|transit"),
    ("intercompany", r"intercompany|inter-company|\bic\b|due (to|from) (affiliate|related|subsidiar|parent)"),
    ("deferred_revenue", r"deferred revenue|unearned|contract liabilit|customer deposit"),
    ("cash", r"\bcash\b|\bbank\b|petty|kasse|banque|caja"),
    ("receivable", r"receivable|debtor|\ba/r\b|forderung"),
    ("payable", r"payable|creditor|\ba/p\b|verbindlichkeit"),
    ("inventory", r"inventor|stock on hand|\bwip\b|work in (process|progress)|raw material|finished goods|lifo"),
    ("reserve", r"reserve|allowance|provision|rückstellung|impairment"),
    ("accrual", r"accru"),
    ("revenue", r"revenue|sales|umsatz|erlös|chiffre d'affaires|ventas"),
)

TYPE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("equity", r"equity|retained earnings|share capital|common stock|capital stock|dividend|opening balance"),
    ("revenue", r"revenue|sales|umsatz|erlös|income from|interest income|other income"),
    ("liability", r"payable|accrued|accrual|deferred revenue|unearned|loan|debt|liabilit|provision|reserve for"),
    ("asset", r"cash|bank|receivable|inventor|prepaid|equipment|building|land|machinery|vehicle|goodwill|"
              r"intangible|investment|deposit|asset"),
    ("expense", r"expense|cost|salar|wage|payroll|depreciation|amortization|rent|utilities|freight|"
                r"insurance|tax|fees|supplies|repairs|travel|bonus|pension|write[- ]?off|loss"),
)


@dataclass(frozen=True)
class ViewOptions:
    fiscal_year_start_month: int = 1  # 1 = fiscal year is the calendar year
    country: str | None = "US"  # public holidays (the `holidays` package); None = no holiday table rows
    subdivision: str | None = None


def _case(expr: str, patterns: tuple[tuple[str, str], ...]) -> str:
    whens = " ".join(
        f"WHEN regexp_matches({expr}, '{pattern.replace(chr(39), chr(39) * 2)}') THEN '{label}'"
        for label, pattern in patterns
    )
    return f"CASE {whens} ELSE NULL END"


def ensure_context_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every ctx_* table that ingest did not, empty, so views and rules can always read them."""
    existing = _existing_context_tables(con)
    for name, columns in CONTEXT_TABLES.items():
        if name not in existing:
            con.execute(create_table_sql(f"ctx_{name}", columns))


def context_present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the context tables that hold at least one row (coa, users, calendar, sources, tb, ...)."""
    existing = sorted(_existing_context_tables(con))
    if not existing:
        return set()
    counts = con.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "ctx_{name}")' for name in existing)).fetchone()
    return {name for name, count in zip(existing, counts) if count}


def _existing_context_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Context names whose ctx_* table or view exists (one catalog query instead of one per table)."""
    return {
        name for (name,) in con.execute(
            "SELECT substr(table_name, 5) FROM information_schema.tables WHERE table_name IN "
            f"({', '.join('?' for _ in CONTEXT_TABLES)})", [f"ctx_{name}" for name in CONTEXT_TABLES],
        ).fetchall()
    }


def parse_baseline(text: str) -> tuple[str, str]:
    """'2024-07..2025-05' -> ('2024-07', '2025-05'); a single period 'P' -> ('P', 'P')."""
    first, sep, last = text.partition("..")
    first, last = first.strip(), (last.strip() if sep else first.strip())
    if not first or not last:
        raise UsageError(f"--baseline {text!r} is not a period range; write FIRST..LAST, e.g. 2024-07..2025-05")
    return first, last


def column_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Non-NULL values per canonical column of `lines` (0 = the ledger does not carry it).

    Counted once by `create_views` (the scan, the rules and the model all ask); counted afresh on a
    connection whose views were not built.
    """
    source = "line_column_counts" if table_exists(con, "line_column_counts") else f"({_COUNT_COLUMNS_SQL})"
    row = con.execute(f"SELECT * FROM {source}").fetchall()[0]
    return dict(zip(_LINE_NAMES, (int(v) for v in row)))


_LINE_NAMES = [c.name for c in LINE_COLUMNS]
_COUNT_COLUMNS_SQL = "SELECT " + ", ".join(f'count("{n}") AS "{n}"' for n in _LINE_NAMES) + " FROM lines"


def create_views(con: duckdb.DuckDBPyConnection, options: ViewOptions | None = None) -> None:
    """Build periods, journals, accounts, users and calendar from `lines` and the context tables."""
    options = options or ViewOptions()
    if options.country:
        _import_holidays_in_background()
    ensure_context_tables(con)
    con.execute(f"CREATE OR REPLACE TABLE line_column_counts AS {_COUNT_COLUMNS_SQL}")
    _create_periods(con, options)
    # Each journal's distinct accounts, found once: journals count accounts and accounts count journals from them.
    con.execute("CREATE OR REPLACE TEMP TABLE journal_account_pairs AS "
                "SELECT DISTINCT journal_id, account FROM lines WHERE account IS NOT NULL")
    _create_journals(con)
    _create_accounts(con)
    con.execute("DROP TABLE journal_account_pairs")
    _create_users(con)
    con.execute("CREATE OR REPLACE VIEW calendar AS SELECT * FROM ctx_calendar")
    _create_holidays(con, options)
    from . import completeness  # completeness views read journals and the context tables built above

    completeness.create_views(con)
    for column in JOURNAL_CHECK_COLUMNS:
        con.execute(f"ALTER TABLE journals DROP COLUMN {column}")


def _create_periods(con: duckdb.DuckDBPyConnection, options: ViewOptions) -> None:
    """One row per accounting period: from the close calendar when given, else calendar months.

    Columns: period_key, fiscal_year, period_number (1 = first period of the fiscal year),
    fiscal_quarter, period_start, period_end, closed_at (NULL without a calendar),
    is_adjustment, is_quarter_end, is_year_end.
    """
    start = int(options.fiscal_year_start_month)
    if not 1 <= start <= 12:
        raise ValueError("fiscal_year_start_month must be 1..12")
    has_calendar = con.execute("SELECT count(*) FROM ctx_calendar").fetchone()[0] > 0
    if has_calendar:
        base = """
            SELECT period AS period_key,
                   coalesce(fiscal_year, year(period_end)) AS fiscal_year,
                   period_start, period_end, closed_at,
                   coalesce(is_adjustment, regexp_matches(period, '(^|[^0-9])(1[3-6])$')) AS is_adjustment,
                   CAST(NULL AS BIGINT) AS month_number, CAST(NULL AS BIGINT) AS months_in_year
            FROM ctx_calendar
        """
    else:
        fiscal_year = "year(d)" if start == 1 else f"year(d) + CASE WHEN month(d) >= {start} THEN 1 ELSE 0 END"
        base = f"""
            WITH bounds AS (
                SELECT date_trunc('month', min(effective_date)) AS lo, date_trunc('month', max(effective_date)) AS hi
                FROM lines
            ), months AS (
                SELECT CAST(m AS DATE) AS d
                FROM bounds, generate_series(bounds.lo, bounds.hi, INTERVAL 1 MONTH) AS g(m)
                WHERE bounds.lo IS NOT NULL
            )
            SELECT strftime(d, '%Y-%m') AS period_key, {fiscal_year} AS fiscal_year,
                   d AS period_start, CAST(last_day(d) AS DATE) AS period_end,
                   CAST(NULL AS TIMESTAMP) AS closed_at, false AS is_adjustment,
                   CAST((month(d) - {start} + 12) % 12 + 1 AS BIGINT) AS month_number,
                   CAST(12 AS BIGINT) AS months_in_year
            FROM months
        """
    con.execute(f"""
        CREATE OR REPLACE TABLE periods AS
        WITH base AS ({base}),
        numbered AS (
            SELECT *, CASE WHEN is_adjustment THEN NULL ELSE coalesce(month_number,
                   row_number() OVER (PARTITION BY fiscal_year, is_adjustment ORDER BY period_start, period_key))
                   END AS period_number
            FROM base
        ),
        counted AS (
            SELECT *, coalesce(months_in_year, max(period_number) OVER (PARTITION BY fiscal_year)) AS periods_in_year
            FROM numbered
        )
        SELECT period_key, fiscal_year, period_number,
               CAST(CASE WHEN period_number IS NULL THEN NULL
                         ELSE least(4, (period_number - 1) // greatest(1, periods_in_year // 4) + 1) END AS INTEGER)
                   AS fiscal_quarter,
               period_start, period_end, closed_at, is_adjustment,
               coalesce(period_number % greatest(1, periods_in_year // 4) = 0, false) AS is_quarter_end,
               coalesce(period_number = periods_in_year, false) AS is_year_end
        FROM counted
        ORDER BY period_start, period_key
    """)


# Columns journals carries only until the completeness checks have read them (create_views drops them):
# which journals need their lines re-examined, found in the same pass over lines that builds journals.
JOURNAL_CHECK_COLUMNS = ("lines_differ_in_currency_or_status", "line_numbers_may_repeat")


# journals' attributes from its lines: (journals column, aggregate, lines column). min() is the documented
# choice when a journal's lines disagree.
JOURNAL_ATTRIBUTES: tuple[tuple[str, str, str], ...] = (
    ("entity", "min", "entity"),
    ("fiscal_year", "min", "fiscal_year"),
    ("period", "min", "period"),
    ("effective_date", "min", "effective_date"),
    ("last_effective_date", "max", "effective_date"),
    ("document_date", "min", "document_date"),
    ("entered_at", "min", "entered_at"),
    ("entered_by", "min", "entered_by"),
    ("approved_by", "min", "approved_by"),
    ("approved_at", "min", "approved_at"),
    ("modified_by", "min", "modified_by"),
    ("modified_at", "max", "modified_at"),
    ("header_description", "min", "header_description"),
    ("first_line_description", "min", "line_description"),
    ("source", "min", "source"),
    ("is_manual", "bool_or", "is_manual"),
    ("currency", "min", "currency"),
    ("reversal_indicator", "min", "reversal_indicator"),
    ("reversal_journal_id", "min", "reversal_journal_id"),
    ("posting_status", "min", "posting_status"),
)


# A text attribute with at most this many distinct values is aggregated as an ENUM of its values in
# ascending order: min/max then compare small integers instead of strings, which halves a large aggregate
# (10M lines: ~8 CPU s saved for ~1.2 s building the types). Below ENUM_MIN_LINES building the types costs
# more than it saves (1M lines: 0.5 s for 0.1 s).
ENUM_MAX_VALUES = 65_535
ENUM_MIN_LINES = 2_000_000


def _create_enum_types(con: duckdb.DuckDBPyConnection, counts: dict[str, int]) -> dict[str, str]:
    """lines column -> ENUM type (created here, in ascending value order) for each low-cardinality text attribute."""
    text = sorted({column for _, _, column in JOURNAL_ATTRIBUTES
                   if COLUMNS_BY_NAME[column].sql_type == "VARCHAR" and counts[column]})
    if not text or con.execute("SELECT count(*) FROM lines").fetchone()[0] < ENUM_MIN_LINES:
        return {}
    estimates = con.execute("SELECT " + ", ".join(f"approx_count_distinct({c})" for c in text) + " FROM lines").fetchone()
    types = {}
    for column, estimate in zip(text, estimates):
        if estimate <= ENUM_MAX_VALUES:
            types[column] = f"journal_{column}_values"
            con.execute(f"CREATE OR REPLACE TYPE {types[column]} AS ENUM "
                        f"(SELECT DISTINCT {column} FROM lines WHERE {column} IS NOT NULL ORDER BY 1)")
    return types


def _journal_aggregates(counts: dict[str, int], enum_types: dict[str, str]) -> str:
    """The attribute and check aggregates of `_create_journals`' GROUP BY.

    A column the ledger does not carry (all NULL) aggregates to NULL and flags no journal, so its
    aggregate is replaced by that constant: each string aggregate over millions of lines costs seconds.
    A column in `enum_types` is aggregated as that ENUM (same order, so the same min and max).
    """
    def value(column: str) -> str:
        return f"CAST({column} AS {enum_types[column]})" if column in enum_types else column

    def aggregate(function: str, column: str) -> str:
        result = f"{function}({value(column)})"
        return f"CAST({result} AS VARCHAR)" if column in enum_types else result

    attributes = [
        f"{aggregate(function, column)} AS {name}" if counts[column]
        else f"CAST(NULL AS {COLUMNS_BY_NAME[column].sql_type}) AS {name}"
        for name, function, column in JOURNAL_ATTRIBUTES
    ]
    disagreements = [
        f"count({column}) NOT IN (0, count(*)) OR min({value(column)}) IS DISTINCT FROM max({value(column)})"
        for column in ("currency", "posting_status") if counts[column]
    ]
    repeats = ("coalesce(bit_count(bit_or(CAST(1 AS UBIGINT) << (line_no & 63))), 0) <> count(line_no)"
               if counts["line_no"] else "false")
    return ",\n".join([
        *attributes,
        "count(*) AS line_count",
        "coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS total_debit",
        "coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS total_credit",
        f"{' OR '.join(disagreements) or 'false'} AS lines_differ_in_currency_or_status",
        f"{repeats} AS line_numbers_may_repeat",
    ])


def _create_journals(con: duckdb.DuckDBPyConnection) -> None:
    """One row per journal. `period_key` is the (non-adjustment) period holding its effective date.

    Also the JOURNAL_CHECK_COLUMNS: whether the lines disagree on currency or posting status, and
    whether a line number may repeat. The latter sets one bit per line number (modulo 64): fewer bits
    than numbered lines means a repeat or a collision, so only those journals need an exact count.
    """
    counts = column_counts(con)
    enum_types = _create_enum_types(con, counts)
    try:
        _create_journals_table(con, _journal_aggregates(counts, enum_types))
    finally:
        for enum_type in enum_types.values():
            con.execute(f"DROP TYPE IF EXISTS {enum_type}")


def _create_journals_table(con: duckdb.DuckDBPyConnection, aggregates: str) -> None:
    create_table_as(con, "journals", f"""
        WITH per_journal AS (
            SELECT journal_id, {aggregates}
            FROM lines
            GROUP BY journal_id
        ),
        account_counts AS (
            SELECT journal_id, count(*) AS account_count FROM journal_account_pairs GROUP BY journal_id
        ),
        j AS (
            SELECT p.* EXCLUDE (total_debit, total_credit, lines_differ_in_currency_or_status, line_numbers_may_repeat),
                   coalesce(a.account_count, 0) AS account_count, p.total_debit, p.total_credit,
                   p.lines_differ_in_currency_or_status, p.line_numbers_may_repeat
            FROM per_journal p LEFT JOIN account_counts a ON a.journal_id IS NOT DISTINCT FROM p.journal_id
        ),
        p AS (SELECT * FROM periods WHERE NOT is_adjustment),
        -- The period lookup runs once per distinct effective date (a few hundred), not once per journal. The
        -- dates come from lines (a superset of the journals' earliest dates): read from j, j would be
        -- materialized for its two readers (10M lines: ~1 CPU s).
        dates AS (SELECT DISTINCT effective_date FROM lines WHERE effective_date IS NOT NULL),
        matched AS (
            -- ASOF takes the latest period starting on or before the date; it holds the date unless past its end
            SELECT d.effective_date, p.period_key, p.fiscal_year AS period_fiscal_year, p.period_start, p.period_end
            FROM dates d ASOF JOIN p ON d.effective_date >= p.period_start
            WHERE d.effective_date <= p.period_end
        )
        SELECT j.* EXCLUDE (lines_differ_in_currency_or_status, line_numbers_may_repeat),
               m.period_key, m.period_fiscal_year, m.period_start, m.period_end,
               j.lines_differ_in_currency_or_status, j.line_numbers_may_repeat
        FROM j LEFT JOIN matched m ON m.effective_date = j.effective_date
    """)


def _create_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """Every account in the chart or the ledger, with usage counts and where its type came from.

    type_source: 'chart' (from --coa), 'ledger' (the extract's own account type column),
    'name' (inferred from the account name), 'number_range' (1 asset .. 5-9 expense) or NULL.
    """
    name_expr = "lower(coalesce(c.name, u.account_name, ''))"
    con.execute(f"""
        CREATE OR REPLACE TABLE accounts AS
        WITH usage AS (
            SELECT account,
                   min(account_name) AS account_name,
                   min(account_type) AS account_type,
                   count(*) AS line_count,
                   min(effective_date) AS first_used,
                   max(effective_date) AS last_used
            FROM lines WHERE account IS NOT NULL GROUP BY account
        ),
        journal_counts AS (
            SELECT account, count(journal_id) AS journal_count FROM journal_account_pairs GROUP BY account
        ),
        c AS (SELECT account, min(name) AS name, min(type) AS type, min(subtype) AS subtype,
                     min(fs_caption) AS fs_caption, min(parent_account) AS parent_account
              FROM ctx_coa GROUP BY account),
        joined AS (
            SELECT coalesce(c.account, u.account) AS account,
                   coalesce(c.name, u.account_name) AS name,
                   c.type AS chart_type, lower(u.account_type) AS ledger_type,
                   {_case(name_expr, TYPE_PATTERNS)} AS name_type,
                   CASE WHEN regexp_matches(coalesce(c.account, u.account), '^[0-9]')
                        THEN CASE left(coalesce(c.account, u.account), 1)
                             WHEN '1' THEN 'asset' WHEN '2' THEN 'liability' WHEN '3' THEN 'equity'
                             WHEN '4' THEN 'revenue' ELSE 'expense' END END AS range_type,
                   coalesce(c.subtype, {_case(name_expr, SUBTYPE_PATTERNS)}) AS subtype,
                   c.subtype IS NOT NULL AS subtype_from_chart,
                   c.fs_caption, c.parent_account,
                   c.account IS NOT NULL AS in_chart,
                   u.account IS NOT NULL AS in_ledger,
                   coalesce(u.line_count, 0) AS line_count,
                   coalesce(jc.journal_count, 0) AS journal_count,
                   u.first_used, u.last_used
            FROM c FULL OUTER JOIN usage u ON c.account = u.account
            LEFT JOIN journal_counts jc ON jc.account = u.account
        )
        SELECT account, name,
               coalesce(chart_type, ledger_type, name_type, range_type) AS type,
               CASE WHEN chart_type IS NOT NULL THEN 'chart' WHEN ledger_type IS NOT NULL THEN 'ledger'
                    WHEN name_type IS NOT NULL THEN 'name' WHEN range_type IS NOT NULL THEN 'number_range'
               END AS type_source,
               subtype, subtype_from_chart, fs_caption, parent_account, in_chart, in_ledger,
               line_count, journal_count, first_used, last_used
        FROM joined
    """)


def _create_users(con: duckdb.DuckDBPyConnection) -> None:
    """Every user in the listing or the ledger, with how many journals each prepared and approved."""
    con.execute("""
        CREATE OR REPLACE TABLE users AS
        WITH seen AS (
            SELECT user_id, CAST(sum(prepared) AS BIGINT) AS journals_prepared,
                   CAST(sum(approved) AS BIGINT) AS journals_approved
            FROM (
                SELECT entered_by AS user_id, 1 AS prepared, 0 AS approved FROM journals WHERE entered_by IS NOT NULL
                UNION ALL
                SELECT approved_by, 0, 1 FROM journals WHERE approved_by IS NOT NULL
                UNION ALL
                SELECT modified_by, 0, 0 FROM journals WHERE modified_by IS NOT NULL
            ) GROUP BY user_id
        ),
        listing AS (
            SELECT user_id, min(name) AS name, min(title) AS title, min(department) AS department,
                   min(role) AS role, bool_and(active) AS active, max(active_modified_at) AS active_modified_at,
                   bool_or(can_approve) AS can_approve, max(approval_limit) AS approval_limit
            FROM ctx_users GROUP BY user_id
        )
        SELECT coalesce(l.user_id, s.user_id) AS user_id, l.name, l.title, l.department, l.role,
               l.active, l.active_modified_at, l.can_approve, l.approval_limit,
               l.user_id IS NOT NULL AS in_listing,
               coalesce(s.journals_prepared, 0) AS journals_prepared,
               coalesce(s.journals_approved, 0) AS journals_approved
        FROM listing l FULL OUTER JOIN seen s ON l.user_id = s.user_id
    """)


def _import_holidays_in_background() -> None:
    """Import the holidays package's calendars (~0.2 s: it loads every country) while DuckDB builds the views.

    DuckDB releases the GIL while it works; `_create_holidays` then finds the modules ready (Python's import
    lock makes it wait if the thread is not done).
    """
    def warm() -> None:
        try:
            import holidays.countries  # noqa: F401
        except Exception:  # _create_holidays imports again and reports any error itself
            pass

    threading.Thread(target=warm, name="jecheck-import-holidays", daemon=True).start()


def _create_holidays(con: duckdb.DuckDBPyConnection, options: ViewOptions) -> None:
    """Public holidays for the years the ledger's effective and entry dates fall in: holidays(holiday_date, name)."""
    con.execute("CREATE OR REPLACE TABLE holidays (holiday_date DATE, name VARCHAR)")
    if not options.country:
        return
    import holidays as holidays_pkg  # imported here: only scans that build views pay for it

    years = [
        int(y) for (y,) in con.execute(
            "SELECT DISTINCT y FROM (SELECT year(effective_date) AS y FROM journals "
            "UNION SELECT year(entered_at) FROM journals) WHERE y BETWEEN 1901 AND 2199"
        ).fetchall()
    ]
    if not years:
        return
    try:
        calendar = holidays_pkg.country_holidays(options.country, subdiv=options.subdivision, years=years)
    except NotImplementedError as exc:
        from .errors import UsageError

        raise UsageError(
            f"unknown holiday country or subdivision {options.country!r}/{options.subdivision!r}; "
            "give an ISO 3166 code such as US, GB, DE (and a subdivision the holidays package knows)"
        ) from exc
    rows = sorted((day, name) for day, name in calendar.items())
    if rows:
        con.executemany("INSERT INTO holidays VALUES (?, ?)", rows)
