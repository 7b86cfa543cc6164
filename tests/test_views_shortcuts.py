"""The views' shortcuts (distinct pairs counted once, checks that re-examine only flagged journals) give
exactly what the plain definitions give, on ledgers built to hit every edge: mixed currencies and posting
statuses within a journal, line numbers that collide modulo 64, negative or missing line numbers,
missing accounts."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jecheck import completeness, db, schema, views

# The plain definitions, as they read before the shortcuts.
PLAIN_UNBALANCED = """
    SELECT journal_id, currency, count(*) AS line_count,
           coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS total_debit,
           coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS total_credit,
           coalesce(sum(amount), 0) AS difference
    FROM lines
    WHERE coalesce(upper(posting_status), '') NOT IN ('V', 'W', 'Z', 'S', 'M', 'D', 'L')
    GROUP BY journal_id, currency
    HAVING coalesce(sum(amount), 0) <> 0
"""
PLAIN_DUPLICATE_KEYS = """
    SELECT journal_id, line_no, count(*) AS occurrences,
           string_agg(CAST(source_row AS VARCHAR), ', ' ORDER BY source_row) AS source_rows
    FROM lines WHERE line_no IS NOT NULL AND journal_id IS NOT NULL
    GROUP BY journal_id, line_no HAVING count(*) > 1
"""
PLAIN_ACCOUNT_COUNTS = "SELECT journal_id, count(DISTINCT account) FROM lines GROUP BY journal_id"
PLAIN_JOURNAL_COUNTS = "SELECT account, count(DISTINCT journal_id) FROM lines WHERE account IS NOT NULL GROUP BY account"

line_numbers = st.one_of(st.none(), st.integers(-3, 3), st.sampled_from([1, 2, 64, 65, 66, 128, 129, 1000]))
ledger_lines = st.lists(
    st.tuples(
        st.sampled_from(["J1", "J2", "J3", "J4"]),
        line_numbers,
        st.one_of(st.none(), st.sampled_from(["1000", "2000", "4000"])),
        st.integers(-3, 3),
        st.sampled_from(["USD", "USD", "USD", "EUR", None]),
        st.sampled_from([None, None, None, "V", "v", "posted"]),
    ),
    min_size=1, max_size=14,
)


def build(lines: list[tuple]):
    con = db.connect(threads=1)
    con.execute(schema.create_table_sql("lines", schema.LINE_COLUMNS))
    con.executemany(
        "INSERT INTO lines (journal_id, line_no, account, amount, currency, posting_status, effective_date, source_row)"
        " VALUES (?, ?, ?, ?, ?, ?, DATE '2024-03-31', ?)",
        [(j, n, a, Decimal(amount), cur, status, i + 1) for i, (j, n, a, amount, cur, status) in enumerate(lines)],
    )
    views.create_views(con, views.ViewOptions(country=None))
    return con


def rows(con, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger_lines)
def test_shortcuts_equal_the_plain_definitions(lines):
    con = build(lines)
    assert rows(con, "SELECT * FROM completeness_unbalanced") == rows(con, PLAIN_UNBALANCED)
    assert rows(con, "SELECT * FROM completeness_duplicate_keys") == rows(con, PLAIN_DUPLICATE_KEYS)
    assert rows(con, "SELECT journal_id, account_count FROM journals") == rows(con, PLAIN_ACCOUNT_COUNTS)
    assert rows(con, "SELECT account, journal_count FROM accounts WHERE in_ledger") == rows(con, PLAIN_JOURNAL_COUNTS)


def test_line_numbers_a_multiple_of_64_apart_are_not_duplicates_but_repeats_are():
    con = build([("J1", 1, "1000", 1, "USD", None), ("J1", 65, "2000", -1, "USD", None),
                 ("J2", 7, "1000", 1, "USD", None), ("J2", 7, "2000", -1, "USD", None)])
    assert con.execute("SELECT journal_id, line_no, source_rows FROM completeness_duplicate_keys").fetchall() == [
        ("J2", 7, "3, 4")]


def test_a_journal_balanced_overall_but_not_per_currency_is_listed_per_currency():
    con = build([("J1", 1, "1000", 2, "USD", None), ("J1", 2, "2000", -2, "EUR", None)])
    assert rows(con, "SELECT currency, difference FROM completeness_unbalanced") == [
        ("EUR", Decimal("-2.0000")), ("USD", Decimal("2.0000"))]


JOURNAL_COLUMNS = [
    "journal_id", "entity", "fiscal_year", "period", "effective_date", "last_effective_date", "document_date",
    "entered_at", "entered_by", "approved_by", "approved_at", "modified_by", "modified_at", "header_description",
    "first_line_description", "source", "is_manual", "currency", "reversal_indicator", "reversal_journal_id",
    "posting_status", "line_count", "account_count", "total_debit", "total_credit", "period_key",
    "period_fiscal_year", "period_start", "period_end",
]


def test_journals_keep_their_columns_and_no_working_table_is_left():
    con = build([("J1", 1, "1000", 1, "USD", None)])
    assert [name for (name, *_) in con.execute("DESCRIBE journals").fetchall()] == JOURNAL_COLUMNS
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'journal_account_pairs'").fetchone() == (0,)


tb_lines = st.lists(
    st.tuples(
        st.sampled_from(["1000", "2000"]),
        st.integers(-3, 3),
        st.sampled_from(["E1", "E1", "E2", None]),
        st.sampled_from([2024, 2024, 2025, None]),
        st.sampled_from(["1", "M2", "2024-03", "3", "ADJ", None]),
        st.sampled_from(["2024-01-15", "2024-02-10", "2024-03-05"]),
    ),
    min_size=1, max_size=12,
)
TRIAL_BALANCE = [(account, "E1", 2024, period, 0, 1) for account in ("1000", "2000") for period in ("1", "2", "3")]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tb_lines)
@example([("1000", 1, "E1", 2024, "1", "2024-01-15"), ("2000", -1, "E1", 2024, "M2", "2024-02-10"),
          ("1000", 2, "E2", 2025, "2024-03", "2024-03-05")])  # every line states where it belongs
def test_trial_balance_activity_without_the_journal_join_equals_the_joined_activity(ledger):
    def build_tb(plain: bool):
        con = db.connect(threads=1)
        con.execute(schema.create_table_sql("lines", schema.LINE_COLUMNS))
        con.execute(schema.create_table_sql("ctx_tb", schema.CONTEXT_TABLES["tb"]))
        con.executemany(
            "INSERT INTO lines (journal_id, account, amount, entity, fiscal_year, period, effective_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(f"J{i // 2}", a, Decimal(amount), entity, year, period, day)
             for i, (a, amount, entity, year, period, day) in enumerate(ledger)],
        )
        con.executemany("INSERT INTO ctx_tb (account, entity, fiscal_year, period, beginning, ending) "
                        "VALUES (?, ?, ?, ?, ?, ?)", TRIAL_BALANCE)
        original = completeness._line_activity_sql
        if plain:
            completeness._line_activity_sql = lambda con: completeness._LINE_ACTIVITY_SQL
        try:
            views.create_views(con, views.ViewOptions(country=None))
        finally:
            completeness._line_activity_sql = original
        return rows(con, "SELECT * FROM completeness_tb"), con.execute("DESCRIBE completeness_tb").fetchall()

    assert build_tb(plain=False) == build_tb(plain=True)


# Each journal attribute by its plain definition, the aggregate over every line. journals replaces the
# aggregate of a column the ledger does not carry by NULL, and aggregates low-cardinality text as an ENUM:
# both must give the same values and types.
PLAIN_ATTRIBUTES = "SELECT journal_id, " + ", ".join(
    f"{aggregate}({column})" for _, aggregate, column in views.JOURNAL_ATTRIBUTES) + " FROM lines GROUP BY journal_id"
attribute_lines = st.lists(
    st.tuples(
        st.sampled_from(["J1", "J2", "J3"]),
        st.sampled_from(["E1", "e1", "E10", "É", "", None]),  # case, prefix, accent, empty: byte order decides
        st.sampled_from(["ann", "bob", None]),
        st.sampled_from([None, "2024-03-31 10:00:00", "2024-04-01 09:30:00"]),
        st.sampled_from([True, False, None]),
    ),
    min_size=1, max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(attribute_lines, st.booleans(), st.sampled_from([views.ENUM_MAX_VALUES, 0]))
@example([("J1", None, None, None, None)], False, views.ENUM_MAX_VALUES)  # none of the optional columns
def test_journal_attributes_equal_their_plain_aggregates_whichever_columns_the_ledger_carries(
        lines, status, enum_max_values):
    con = db.connect(threads=1)
    con.execute(schema.create_table_sql("lines", schema.LINE_COLUMNS))
    con.executemany(
        "INSERT INTO lines (journal_id, account, amount, effective_date, entity, entered_by, modified_at, is_manual,"
        " posting_status, line_no) VALUES (?, '1000', 0, DATE '2024-03-31', ?, ?, ?, ?, ?, NULL)",
        [(j, entity, user, modified, manual, "posted" if status else None) for j, entity, user, modified, manual in lines],
    )
    # ENUMs from the first line on, or (0 values allowed) every column as text
    original = views.ENUM_MAX_VALUES, views.ENUM_MIN_LINES
    views.ENUM_MAX_VALUES, views.ENUM_MIN_LINES = enum_max_values, 0
    try:
        views.create_views(con, views.ViewOptions(country=None))
    finally:
        views.ENUM_MAX_VALUES, views.ENUM_MIN_LINES = original
    assert con.execute("SELECT count(*) FROM duckdb_types() WHERE logical_type = 'ENUM' "
                       "AND NOT internal").fetchone() == (0,)
    names = ", ".join(name for name, _, _ in views.JOURNAL_ATTRIBUTES)
    assert rows(con, f"SELECT journal_id, {names} FROM journals") == rows(con, PLAIN_ATTRIBUTES)
    journal_types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                     "WHERE table_name = 'journals'").fetchall())
    for name, _, column in views.JOURNAL_ATTRIBUTES:
        assert journal_types[name] == schema.COLUMNS_BY_NAME[column].sql_type
