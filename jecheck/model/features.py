"""Per-journal features for the anomaly model, computed set-based in DuckDB.

Every feature is one number per journal. Categorical values (accounts, account pairs, users,
sources, segments, weekday-hour slots, keywords) are encoded by rarity, never one-hot:
``log10(max(1, C / (k + 1)))``, the decades by which a value is rarer than a common one, where k
is how many *other* reference journals share the value (a journal never counts itself, so a value
seen once in the whole ledger scores like a value never seen in a baseline) and C, the count that
makes a value common, is 1 % of the reference journals (at least 5). Every common value scores 0:
how common it is carries no information, and a feature that is flat for ordinary entries lets the
forest's splits find the rare ones sooner. A NULL value is a value of its own: an entry without a
preparer is unusual exactly when most entries have one (segments excepted: a line without a
segment value is simply not counted). A journal with several values (its accounts, its pairs)
takes its rarest one.

Related signals share one feature where they belong together (weekday and hour of entry; lines and
distinct accounts): an isolation forest picks split features at random, so every extra feature
dilutes the chance that the one which sets an entry apart is tried early on its path.

The reference population is the one the model fits on (`in_fit`): the whole ledger, or the
baseline periods. The features are numbers only (FLOAT, what the forest reads); what made each
value (the account, user, amount or date, and how many journals share it) is kept compactly (a
value's rank in small `model_values_*` tables) and spelled out as evidence columns
(``<feature>__<what>``) only for the journals whose reasons are put in words.

Journals get an integer key (`jkey`) for the joins; nothing is ordered by it, so results never
depend on it. Ties (two equally rare accounts) are broken by the values themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from ..db import quote_literal

SEGMENTS = tuple(f"segment{i}" for i in range(1, 6))
# A value shared by this many reference journals is common: its rarity is 0.
COMMON_SHARE = 0.01
COMMON_MIN_JOURNALS = 5
# Accounts of a journal kept when pairing them: bounds the pairs of very wide journals.
PAIR_ACCOUNT_LIMIT = 20

# Words that, in a journal description, ask for a second look. (label, lower-case regular expression)
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("reversal", r"\brevers(e|al|ed|ing)\b"),
    ("correction", r"\bcorrect(ion|ed|ing)\b"),
    ("adjustment", r"\badjust(ment|ed|ing)?\b"),
    ("reclass", r"\breclass"),
    ("write-off", r"\bwrit(e|ten)[- ]?offs?\b"),
    ("plug", r"\bplug\b"),
    ("error", r"\berror\b"),
    ("override", r"\boverrid(e|den|ing)\b"),
    ("per management", r"\bper (cfo|ceo|coo|md|controller|management|boss)\b"),
    ("as instructed", r"\bas (instructed|requested|discussed|agreed)\b"),
    ("top-side", r"\btop[- ]?side\b"),
    ("suspense", r"\bsuspense\b"),
    ("miscellaneous", r"\bmisc(ellaneous)?\b|\bsundry\b"),
    ("urgent", r"\burgent\b|\basap\b"),
    ("confidential", r"\bconfidential\b|\bdo not\b"),
    ("manual", r"\bmanual\b"),
    ("fix", r"\bfix(ed)?\b"),
    ("bonus", r"\bbonus\b"),
)


@dataclass(frozen=True)
class Feature:
    """One model input. `requires`: groups of canonical columns; each group needs one column with values.
    `whole_number`: its values are whole numbers (the reasons reuse the model's median of such a feature)."""

    name: str
    description: str
    requires: tuple[tuple[str, ...], ...] = ()
    whole_number: bool = False


_DESCRIPTIONS = ("header_description", "line_description")

ALL_FEATURES: tuple[Feature, ...] = (
    Feature("amount_size", "size of the entry: log10 of its total debits"),
    Feature("amount_vs_account", "largest amount posted to an account relative to that account's median"),
    Feature("lines_and_accounts", "number of lines and of distinct accounts (log10 of each, added)"),
    Feature("account_rarity", "rarity of the entry's least-used account"),
    Feature("account_pair_rarity", "rarity of the entry's least-used pair of accounts (with their debit/credit side)"),
    Feature("preparer_rarity", "rarity of the preparer", (("entered_by",),)),
    Feature("preparer_account_rarity", "rarity of the preparer posting to each account", (("entered_by",),)),
    Feature("source_rarity", "rarity of the source (journal type)", (("source",),)),
    Feature("entry_time_rarity", "rarity of the weekday and hour it was entered (its effective date's weekday "
                                 "without entry times)"),
    Feature("days_to_period_end", "days from entry (or effective date) to its period's end; negative = after",
            whole_number=True),
    Feature("entry_lag_days", "days from effective date to entry; negative = entered before", (("entered_at",),),
            whole_number=True),
    Feature("approval_lag_days", "days from entry to approval", (("entered_at",), ("approved_at",))),
    Feature("roundness", "trailing zeros of the total debits in cents", whole_number=True),
    Feature("description_length", "length of the description", (_DESCRIPTIONS,), whole_number=True),
    Feature("keyword_rarity", "rarity of the warning words in its descriptions (plug, per CFO, reversal...)",
            (_DESCRIPTIONS,)),
    Feature("manual", "manual (1) or system-generated (0) entry", (("is_manual",),), whole_number=True),
    Feature("segment_rarity", "rarity of the entry's least-used segment value (cost centre, vendor...)",
            (SEGMENTS,)),
    Feature("segment_account_rarity", "rarity of the entry's least-used pairing of a segment value and an account",
            (SEGMENTS,)),
)


def available(feature: Feature, column_counts: dict[str, int]) -> str | None:
    """None when the ledger carries what the feature needs, else why it is dropped."""
    for group in feature.requires:
        if not any(column_counts.get(c, 0) for c in group):
            return "the ledger has no " + " or ".join(group)
    return None


def _rarity(others: str, common: str) -> str:
    """Decades by which a value `others` reference journals share is rarer than a common one (see above).

    The count is added to 1.0 as a DOUBLE (exact for any count), not as a 128-bit DECIMAL: the division
    is in DOUBLE either way, so the value is the same, at a fraction of the cost."""
    return f"log10(greatest(1.0, {common} / (CAST({others} AS DOUBLE) + 1.0)))"


def _common(con: duckdb.DuckDBPyConnection) -> str:
    """The count that makes a value common, as a typed literal: constants, not subqueries, in per-row SQL."""
    value, kind = con.execute("SELECT CAST(common AS VARCHAR), typeof(common) FROM model_reference_size").fetchall()[0]
    return f"CAST('{value}' AS {kind})"


def _trailing_zeros(cents: str, most: int = 12) -> str:
    """Trailing zeros of `cents` (at most `most`; NULL for zero; 0 when unknown). Tested from the last
    digit up: most amounts stop at the first test or the second."""
    whens = " ".join(f"WHEN {cents} % {10 ** (k + 1)} <> 0 THEN {k}" for k in range(most))
    return f"CASE WHEN {cents} IS NULL THEN 0 WHEN {cents} = 0 THEN NULL {whens} ELSE {most} END"


def _cents(amount: str) -> str:
    """`amount` (DECIMAL(38,4)) in whole cents as BIGINT, NULL beyond BIGINT. Amounts below 10^12 are
    rounded as DECIMAL(18,4), in 64-bit arithmetic instead of 128-bit; the result is the same."""
    fast = f"TRY_CAST(round(CAST({amount} AS DECIMAL(18,4)) * 100) AS BIGINT)"
    return (f"CASE WHEN {amount} > -1000000000000 AND {amount} < 1000000000000 THEN {fast} "
            f"ELSE TRY_CAST(round({amount} * 100) AS BIGINT) END")


_DESCRIPTION = "trim(coalesce(j.header_description, j.first_line_description, ''))"
# Columns of `journals` the model reads, and values derived from them once per journal.
JOURNAL_COLUMNS = ("journal_id", "entered_by", "source", "entered_at", "effective_date", "approved_at", "period_key",
                   "period_end", "total_debit", "total_credit", "line_count", "account_count", "is_manual")
_JOURNAL_DERIVED = {
    "total": "greatest(j.total_debit, j.total_credit)",
    "zeros": _trailing_zeros(_cents("greatest(j.total_debit, j.total_credit)")),
    "weekday": "dayname(coalesce(j.entered_at, j.effective_date))",  # the weekday-hour slot of entry
    "hour": "hour(j.entered_at)",
    # length(trim(coalesce(...))) per column: trim on a column reads a compressed column's dictionary once,
    # on the coalesced text once per journal (10M lines: 0.69 -> 0.05 CPU s)
    "description_chars": "coalesce(length(trim(j.header_description)), length(trim(j.first_line_description)), 0)",
}


def journal_columns(alias: str = "j") -> str:
    """The select list `model_journals` takes from `journals` (aliased `alias`)."""
    derived = {name: expr.replace("j.", f"{alias}.") for name, expr in _JOURNAL_DERIVED.items()}
    return ", ".join([f"{alias}.{c}" for c in JOURNAL_COLUMNS] + [f"{e} AS {n}" for n, e in derived.items()])


# Features that are a number of the journal itself (over model_journals j).
_NUMERIC = {
    "amount_size": "log10(1 + CAST(j.total AS DOUBLE))",
    "lines_and_accounts": "log10(1 + j.line_count) + log10(1 + j.account_count)",
    "manual": "CAST(j.is_manual AS DOUBLE)",
    "days_to_period_end": "CAST(date_diff('day', coalesce(CAST(j.entered_at AS DATE), j.effective_date), j.period_end) "
                          "AS DOUBLE)",
    "entry_lag_days": "CAST(date_diff('day', j.effective_date, CAST(j.entered_at AS DATE)) AS DOUBLE)",
    "approval_lag_days": "epoch(j.approved_at - j.entered_at) / 86400.0",
    "roundness": "CAST(j.zeros AS DOUBLE)",
    "description_length": "CAST(j.description_chars AS DOUBLE)",
}

def numeric(feature: str) -> str:
    """The SQL of a journal-level numeric feature over model_journals `j` (DOUBLE)."""
    return _NUMERIC[feature]


# Journal-level values counted over the reference journals: table suffix -> key columns of model_journals.
_JOURNAL_VALUES = {
    "preparer": ("entered_by",),
    "source": ("source",),
    "slot": ("weekday", "hour"),
    "weekday": ("weekday",),
    "hour": ("hour",),
}


def _matches(alias: str, keys: dict[str, str], source: str, never_null: tuple[str, ...] = ()) -> str:
    """Join condition of a values table (`alias`) to its source rows; a NULL matches a NULL. Keys in
    `never_null` are compared with = (the same match when neither side is NULL, and a cheaper hash join)."""
    return " AND ".join(f'{alias}."{k}" {"=" if k in never_null else "IS NOT DISTINCT FROM"} {source}.{expr}'
                        for k, expr in keys.items())


def _base(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """More than the largest rank in `model_values_<name>`: codes are others * base + rank."""
    return con.execute(f"SELECT count(*) + 1 FROM model_values_{name}").fetchall()[0][0]


def _create_values(con: duckdb.DuckDBPyConnection, name: str, keys: dict[str, str], source: str,
                   extra: str = "") -> None:
    """`model_values_<name>`: each distinct value of `keys` in `source` rows (jkey, in_fit, ...), how many
    reference rows have it (n) and its rank in value order (rk, for ties and as a compact code)."""
    exprs = ", ".join(keys.values())
    aliased = ", ".join(f'{expr} AS "{k}"' for k, expr in keys.items())
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_values_{name} AS
        SELECT {aliased}, count(*) FILTER (WHERE in_fit) AS n, row_number() OVER (ORDER BY {exprs}) AS rk {extra}
        FROM {source} GROUP BY {exprs}
    """)


# Net amount of an account in a journal (a) relative to the account's median (values v_account).
_AMOUNT_RATIO = "CAST(abs(a.net) AS DOUBLE) / CAST(v_account.median_amount AS DOUBLE)"
_HAS_AMOUNT_RATIO = "a.net <> 0 AND a.account IS NOT NULL AND v_account.median_amount > 0"


def _code(con: duckdb.DuckDBPyConnection, name: str, source: str) -> str:
    """Per row of `source` joined to values `v_<name>`: (others sharing the value) * base + rank.

    The smallest code of a journal is its rarest value, ties broken by value order; code // base is how
    many other reference journals share it and code % base finds the value again.
    """
    return f"(v_{name}.n - CAST({source}.in_fit AS INTEGER)) * {_base(con, name)} + v_{name}.rk"


# Line-level rarities: feature -> (source table, its keys)
_ACCOUNT_KEYS = {"account": "account"}
_PREPARER_ACCOUNT_KEYS = {"user": "entered_by", "account": "account"}
_PAIR_KEYS = {"first_debit": "first_debit", "first": "first_account", "second_debit": "second_debit",
              "second": "second_account"}
_SEGMENT_KEYS = {"segment": "segment", "value": "value"}
_SEGMENT_ACCOUNT_KEYS = {"segment": "segment", "value": "value", "account": "account"}
_SEGMENT_SET = ("segment", "value")  # model_segments keeps only set values (10M lines: part_segments 2.6 -> 2.2 CPU s)


# Every pair of the journal's accounts with their sides (net per account): a debit with a credit, or
# two debits or two credits together. Journals with more than PAIR_ACCOUNT_LIMIT accounts keep their
# largest ones, so pairs stay bounded. Only journals that may be that wide (maybe_wide) are counted.
_PAIRS = f"""
    CREATE OR REPLACE TEMP TABLE model_pairs AS
    WITH sized AS (
        SELECT jkey, count(*) AS accounts FROM model_journal_accounts WHERE net <> 0 AND maybe_wide GROUP BY jkey
    ), kept AS (
        SELECT jkey, in_fit, account, net > 0 AS debit FROM model_journal_accounts WHERE net <> 0 AND NOT maybe_wide
        UNION ALL
        SELECT a.jkey, a.in_fit, a.account, a.net > 0 AS debit
        FROM model_journal_accounts a JOIN sized s ON s.jkey = a.jkey
        WHERE a.net <> 0 AND s.accounts <= {PAIR_ACCOUNT_LIMIT}
        UNION ALL
        SELECT jkey, in_fit, account, debit FROM (
            SELECT a.jkey, a.in_fit, a.account, a.net > 0 AS debit,
                   row_number() OVER (PARTITION BY a.jkey ORDER BY abs(a.net) DESC, a.account) AS r
            FROM model_journal_accounts a JOIN sized s ON s.jkey = a.jkey
            WHERE a.net <> 0 AND s.accounts > {PAIR_ACCOUNT_LIMIT}
        ) WHERE r <= {PAIR_ACCOUNT_LIMIT}
    )
    SELECT x.jkey, x.in_fit, x.debit AS first_debit, x.account AS first_account,
           y.debit AS second_debit, y.account AS second_account
    FROM kept x JOIN kept y ON y.jkey = x.jkey
    WHERE x.debit > y.debit OR (x.debit = y.debit AND x.account < y.account)  -- each pair once, debit first
"""


def _keywords(has_line_descriptions: bool, common: str) -> str:
    """Journals with warning words: regular expressions run once per distinct text, then joined back."""
    any_keyword = quote_literal("|".join(f"(?:{pattern})" for _, pattern in KEYWORDS))
    labels = ", ".join(f"CASE WHEN regexp_matches(t, {quote_literal(p)}) THEN {quote_literal(k)} END"
                       for k, p in KEYWORDS)
    line_texts = """
            UNION
            SELECT j.jkey, j.in_fit, l.line_description
            FROM lines l JOIN hit_texts h ON h.txt = l.line_description
            JOIN model_journals j ON j.journal_id = l.journal_id
    """ if has_line_descriptions else ""
    distinct_texts = "SELECT header_description AS txt FROM journals" + (
        " UNION SELECT line_description FROM lines" if has_line_descriptions else "")
    return f"""
        WITH hit_texts AS (
            SELECT txt, keyword FROM (
                SELECT txt, unnest([{labels}]) AS keyword
                FROM (SELECT txt, lower(txt) AS t FROM ({distinct_texts}) WHERE txt IS NOT NULL)
                WHERE regexp_matches(t, {any_keyword})
            ) WHERE keyword IS NOT NULL
        ), hit_journals AS (
            SELECT j.jkey, j.in_fit, jj.header_description AS txt
            FROM journals jj JOIN hit_texts h ON h.txt = jj.header_description
            JOIN model_journals j ON j.journal_id = jj.journal_id
            {line_texts}
        ), hits AS (
            SELECT DISTINCT j.jkey, j.in_fit, h.keyword FROM hit_journals j JOIN hit_texts h ON h.txt = j.txt
        ), counts AS (
            SELECT keyword, count(*) FILTER (WHERE in_fit) AS n FROM hits GROUP BY keyword
        ), per_journal AS (
            SELECT h.jkey,
                   min(struct_pack(others := c.n - CAST(h.in_fit AS INTEGER), keyword := h.keyword)) AS rarest,
                   string_agg(h.keyword, ', ' ORDER BY h.keyword) AS keywords
            FROM hits h JOIN counts c ON c.keyword = h.keyword
            GROUP BY h.jkey
        )
        SELECT p.jkey, p.keywords AS keyword_rarity__keywords, p.rarest.keyword AS keyword_rarity__keyword,
               p.rarest.others AS keyword_rarity__others, {_rarity("p.rarest.others", common)} AS f_keyword_rarity
        FROM per_journal p
    """


def build_features(con: duckdb.DuckDBPyConnection, column_counts: dict[str, int]) -> list[str]:
    """Create `model_features` from `model_journals` (journal_columns() plus jkey, in_fit, in_scope).

    `model_features` holds jkey, journal_id, in_fit, in_scope and every f_<feature> as FLOAT; the
    counts and codes the reasons quote stay in small `model_values_*` tables and the per-journal
    `model_part_*` tables until `create_evidence`. Features whose columns the ledger lacks come out
    NULL. Returns the line-level parts made (needed by `create_evidence`).
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_reference_size AS
        SELECT n, greatest({COMMON_MIN_JOURNALS}, n * {COMMON_SHARE}) AS common
        FROM (SELECT count(*) FILTER (WHERE in_fit) AS n FROM model_journals)
    """)
    common = _common(con)
    for name, keys in _JOURNAL_VALUES.items():
        _create_values(con, name, {k: k for k in keys}, "model_journals")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE model_values_roundness AS  -- reference journals at least as round as each level
        WITH round_counts AS (
            SELECT zeros, count(*) AS n FROM model_journals WHERE in_fit AND zeros IS NOT NULL GROUP BY zeros
        )
        SELECT levels.zeros, sum(coalesce(round_counts.n, 0)) OVER (ORDER BY levels.zeros DESC) AS n
        FROM (SELECT CAST(range AS INTEGER) AS zeros FROM range(0, 13)) levels LEFT JOIN round_counts USING (zeros)
    """)
    segments = [s for s in SEGMENTS if column_counts.get(s, 0)]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_journal_accounts AS  -- net amount per journal and account
        -- maybe_wide: the journal may have more than PAIR_ACCOUNT_LIMIT accounts (lines without one add one)
        SELECT j.jkey, j.in_fit, j.entered_by, j.account_count >= {PAIR_ACCOUNT_LIMIT} AS maybe_wide, l.account,
               sum(l.amount) AS net
        FROM lines l JOIN model_journals j ON j.journal_id = l.journal_id
        GROUP BY ALL
    """)
    _create_values(con, "account", _ACCOUNT_KEYS, "model_journal_accounts",
                   extra=", median(abs(net)) FILTER (WHERE in_fit AND net <> 0) AS median_amount")
    _create_values(con, "preparer_account", _PREPARER_ACCOUNT_KEYS, "model_journal_accounts")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_part_accounts AS
        SELECT a.jkey, min({_code(con, "account", "a")}) AS account_code,
               min({_code(con, "preparer_account", "a")}) AS preparer_account_code,
               -- the largest net amount relative to its account's median; which account: create_evidence (for
               -- few journals: a struct max over every journal's accounts costs more than a second pass over lines)
               max({_AMOUNT_RATIO}) FILTER (WHERE {_HAS_AMOUNT_RATIO}) AS amount_ratio
        FROM model_journal_accounts a
        JOIN model_values_account v_account ON {_matches("v_account", _ACCOUNT_KEYS, "a")}
        JOIN model_values_preparer_account v_preparer_account
            ON {_matches("v_preparer_account", _PREPARER_ACCOUNT_KEYS, "a")}
        GROUP BY a.jkey
    """)
    con.execute(_PAIRS)
    con.execute("DROP TABLE model_journal_accounts")
    _create_values(con, "account_pair", _PAIR_KEYS, "model_pairs")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_part_pairs AS
        SELECT p.jkey, min({_code(con, "account_pair", "p")}) AS account_pair_code
        FROM model_pairs p JOIN model_values_account_pair v_account_pair ON {_matches("v_account_pair", _PAIR_KEYS, "p")}
        GROUP BY p.jkey
    """)
    con.execute("DROP TABLE model_pairs")
    parts = ["accounts", "pairs"]
    if segments:
        values = " UNION ALL ".join(f"SELECT journal_id, account, '{s}' AS segment, {s} AS value FROM lines "
                                    f"WHERE {s} IS NOT NULL" for s in segments)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE model_segments AS  -- each journal's segment values, per account
            SELECT DISTINCT j.jkey, j.in_fit, v.account, v.segment, v.value
            FROM ({values}) v JOIN model_journals j ON j.journal_id = v.journal_id
        """)
        # A segment value counts journals: one carrying it on several accounts is one journal sharing it.
        _create_values(con, "segment", _SEGMENT_KEYS, "(SELECT DISTINCT jkey, in_fit, segment, value FROM model_segments)")
        _create_values(con, "segment_account", _SEGMENT_ACCOUNT_KEYS, "model_segments")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE model_part_segments AS
            SELECT s.jkey, min({_code(con, "segment", "s")}) AS segment_code,
                   min({_code(con, "segment_account", "s")}) AS segment_account_code
            FROM model_segments s
            JOIN model_values_segment v_segment ON {_matches("v_segment", _SEGMENT_KEYS, "s", _SEGMENT_SET)}
            JOIN model_values_segment_account v_segment_account
                ON {_matches("v_segment_account", _SEGMENT_ACCOUNT_KEYS, "s", _SEGMENT_SET)}
            GROUP BY s.jkey
        """)
        con.execute("DROP TABLE model_segments")
        parts.append("segments")
    if any(column_counts.get(c, 0) for c in _DESCRIPTIONS):
        con.execute("CREATE OR REPLACE TEMP TABLE model_part_keywords AS "
                    + _keywords(bool(column_counts.get("line_description", 0)), common))
        parts.append("keywords")
    columns = [f"CAST({expr} AS FLOAT) AS f_{name}" for name, expr in _NUMERIC.items()]
    journal_rarities = {"preparer_rarity": "preparer", "source_rarity": "source", "entry_time_rarity": "slot"}
    columns += [f"CAST({_rarity(f'v_{name}.n - CAST(j.in_fit AS INTEGER)', common)} AS FLOAT) AS f_{feature}"
                for feature, name in journal_rarities.items()]
    columns += [f"CAST(CASE WHEN p_{part}.{code} IS NOT NULL THEN {_rarity(f'p_{part}.{code} // {_base(con, values)}', common)} END "
                f"AS FLOAT) AS f_{feature}"  # greatest() would turn a NULL into a rarity of 0
                for feature, (part, code, values, _) in _CODED.items() if part in parts]
    columns.append("CAST(log10(p_accounts.amount_ratio) AS FLOAT) AS f_amount_vs_account")
    if "keywords" in parts:  # no warning word: as unsurprising as a word every entry uses
        columns.append("CAST(coalesce(p_keywords.f_keyword_rarity, 0.0) AS FLOAT) AS f_keyword_rarity")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_features AS
        SELECT j.jkey, j.journal_id, j.in_fit, j.in_scope, {", ".join(columns)}
        FROM model_journals j {_journal_value_joins(journal_rarities.values())}
        {" ".join(f"LEFT JOIN model_part_{part} p_{part} ON p_{part}.jkey = j.jkey" for part in parts)}
    """)
    return parts


# Rarity features stored as codes in a part table: feature -> (part, code column, values table,
# {evidence name: values column} that its sentence quotes).
_CODED = {
    "account_rarity": ("accounts", "account_code", "account", {"account": "account"}),
    "preparer_account_rarity": ("accounts", "preparer_account_code", "preparer_account",
                                {"user": "user", "account": "account"}),
    "account_pair_rarity": ("pairs", "account_pair_code", "account_pair", {k: k for k in _PAIR_KEYS}),
    "segment_rarity": ("segments", "segment_code", "segment", {"segment": "segment", "value": "value"}),
    "segment_account_rarity": ("segments", "segment_account_code", "segment_account",
                               {k: k for k in _SEGMENT_ACCOUNT_KEYS}),
}


def _journal_value_joins(names: Iterable[str] = tuple(_JOURNAL_VALUES)) -> str:
    """Joins of model_journals `j` to the journal-level values tables `names`."""
    return " ".join(f"LEFT JOIN model_values_{name} v_{name} ON {_matches(f'v_{name}', {k: k for k in keys}, 'j')}"
                    for name, keys in _JOURNAL_VALUES.items() if name in names)


def create_evidence(con: duckdb.DuckDBPyConnection, parts: list[str]) -> None:
    """`model_evidence`: for the journals in `model_explain` (jkey), every feature's value and the
    evidence columns (``<feature>__<what>``) its sentence quotes: the account, user, amount or date
    that made the value, and how many reference journals share it."""
    def others(values: str) -> str:
        return f"v_{values}.n - CAST(j.in_fit AS INTEGER)"

    def decoded(part: str, code: str, values: str) -> tuple[str, str]:
        """Join of a values table to a journal's code, and the others count it encodes."""
        base = _base(con, values)
        return (f"LEFT JOIN model_values_{values} x_{values} ON x_{values}.rk = p_{part}.{code} % {base}",
                f"p_{part}.{code} // {base}")

    columns = [f"{expr} AS f_{name}" for name, expr in _NUMERIC.items()]
    columns += [
        "j.total AS amount_size__total",
        "j.line_count AS lines_and_accounts__lines", "j.account_count AS lines_and_accounts__accounts",
        "j.period_key AS days_to_period_end__period", "j.period_end AS days_to_period_end__period_end",
        "j.entered_at IS NOT NULL AS days_to_period_end__entered", "j.effective_date AS entry_lag_days__effective_date",
        "v_roundness.n - CAST(j.in_fit AND j.zeros IS NOT NULL AS INTEGER) AS roundness__as_round",
        f"{_DESCRIPTION.replace('j.', 'jj.')} AS description_length__text",
        f"j.entered_by AS preparer_rarity__value, {others('preparer')} AS preparer_rarity__others",
        f"j.source AS source_rarity__value, {others('source')} AS source_rarity__others",
        "j.entered_at AS entry_time_rarity__entered_at, j.weekday AS entry_time_rarity__weekday",
        f"j.hour AS entry_time_rarity__hour, {others('slot')} AS entry_time_rarity__others",
        f"{others('weekday')} AS entry_time_rarity__weekday_others, {others('hour')} AS entry_time_rarity__hour_others",
    ]
    joins = [_journal_value_joins(), "LEFT JOIN model_values_roundness v_roundness ON v_roundness.zeros = j.zeros"]
    # Each large table is first cut down to the explained journals (a semi-join probing a small hash table).
    explained = "jkey IN (SELECT jkey FROM model_explain)"
    joins += [f"LEFT JOIN (SELECT * FROM model_part_{part} WHERE {explained}) p_{part} ON p_{part}.jkey = j.jkey"
              for part in parts]
    for feature, (part, code, values, quoted) in _CODED.items():
        if part in parts:
            join, count = decoded(part, code, values)
            joins.append(join)
            columns.append(f"{count} AS {feature}__others")
            columns += [f'x_{values}."{column}" AS {feature}__{name}' for name, column in quoted.items()]
    # The account of amount_vs_account: net amounts per account again, for the explained journals only.
    joins.append(f"""LEFT JOIN (
        SELECT a.jkey, max(struct_pack(ratio := {_AMOUNT_RATIO}, rk := v_account.rk, amount := abs(a.net)))
                   FILTER (WHERE {_HAS_AMOUNT_RATIO}) AS amount_top  -- ties: account order
        FROM (SELECT j.jkey, l.account, sum(l.amount) AS net
              FROM lines l JOIN (SELECT jkey, journal_id FROM model_journals WHERE {explained}) j
                  ON j.journal_id = l.journal_id
              GROUP BY ALL) a
        JOIN model_values_account v_account ON {_matches("v_account", _ACCOUNT_KEYS, "a")}
        GROUP BY a.jkey
    ) p_top ON p_top.jkey = j.jkey
    LEFT JOIN model_values_account x_top ON x_top.rk = p_top.amount_top.rk""")
    columns += ["x_top.account AS amount_vs_account__account", "p_top.amount_top.amount AS amount_vs_account__amount",
                "x_top.median_amount AS amount_vs_account__median"]
    if "keywords" in parts:
        columns += [f"p_keywords.keyword_rarity__{c}" for c in ("keywords", "keyword", "others")]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_evidence AS
        SELECT j.jkey, j.in_fit, f.* EXCLUDE (jkey, journal_id, in_fit, in_scope, {", ".join(f"f_{n}" for n in _NUMERIC)}),
               {", ".join(columns)}
        FROM (SELECT * FROM model_journals WHERE {explained}) j
        JOIN (SELECT * FROM model_features WHERE {explained}) f ON f.jkey = j.jkey
        JOIN (SELECT journal_id, header_description, first_line_description FROM journals
              WHERE journal_id IN (SELECT journal_id FROM model_journals WHERE {explained})) jj
            ON jj.journal_id = j.journal_id
        {" ".join(joins)}
    """)
