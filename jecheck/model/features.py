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
baseline periods. Each feature also keeps evidence columns (``<feature>__<what>``) that the
reasons quote: the account, user, amount or date that made the value.

Journals get an integer key (`jkey`) for the joins; nothing is ordered by it, so results never
depend on it. Ties (two equally rare accounts) are broken by the values themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

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
    """One model input. `requires`: groups of canonical columns; each group needs one column with values."""

    name: str
    description: str
    requires: tuple[tuple[str, ...], ...] = ()


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
    Feature("days_to_period_end", "days from entry (or effective date) to its period's end; negative = after"),
    Feature("entry_lag_days", "days from effective date to entry; negative = entered before", (("entered_at",),)),
    Feature("approval_lag_days", "days from entry to approval", (("entered_at",), ("approved_at",))),
    Feature("roundness", "trailing zeros of the total debits in cents"),
    Feature("description_length", "length of the description", (_DESCRIPTIONS,)),
    Feature("keyword_rarity", "rarity of the warning words in its descriptions (plug, per CFO, reversal...)",
            (_DESCRIPTIONS,)),
    Feature("manual", "manual (1) or system-generated (0) entry", (("is_manual",),)),
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


def _rarity(others: str) -> str:
    return f"log10(greatest(1.0, (SELECT common FROM model_reference_size) / ({others} + 1.0)))"


def _rarest(name: str, keys: dict[str, str], source: str) -> str:
    """Per journal, the rarest value of `keys` among its rows in `source` (jkey, in_fit, one row per value).

    Each distinct value gets a count over the reference journals and a rank in value order; the
    journal keeps the value minimising (count of other journals, rank), coded as one integer.
    """
    key_exprs = ", ".join(f"{expr} AS {key}" for key, expr in keys.items())
    key_names = ", ".join(keys)
    join_on = " AND ".join(f"c.{k} IS NOT DISTINCT FROM v.{k}" for k in keys)
    evidence = ", ".join(f"c.{k} AS {name}__{k}" for k in keys)
    return f"""
        WITH v AS (SELECT jkey, in_fit, {key_exprs} FROM {source}),
        c AS (SELECT {key_names}, count(*) FILTER (WHERE in_fit) AS n,
                     row_number() OVER (ORDER BY {key_names}) AS rk
              FROM v GROUP BY {key_names}),
        base AS (SELECT count(*) + 1 AS b FROM c),
        best AS (SELECT v.jkey, min((c.n - CAST(v.in_fit AS INTEGER)) * base.b + c.rk) AS code
                 FROM v JOIN c ON {join_on} CROSS JOIN base GROUP BY v.jkey)
        SELECT best.jkey, best.code // base.b AS {name}__others, {evidence},
               {_rarity("best.code // base.b")} AS f_{name}
        FROM best CROSS JOIN base JOIN c ON c.rk = best.code % base.b
    """


def _journal_category(name: str, value: str) -> str:
    """Rarity of a journal-level value (NULL counts as a value)."""
    return f"""
        WITH v AS (SELECT jkey, in_fit, {value} AS value FROM model_journals),
        c AS (SELECT value, count(*) FILTER (WHERE in_fit) AS n FROM v GROUP BY value)
        SELECT v.jkey, v.value AS {name}__value, c.n - CAST(v.in_fit AS INTEGER) AS {name}__others,
               {_rarity("(c.n - CAST(v.in_fit AS INTEGER))")} AS f_{name}
        FROM v JOIN c ON c.value IS NOT DISTINCT FROM v.value
    """


# The weekday-hour slot of entry (weekday of the effective date, no hour, without entry times); the
# weekday's and the hour's own counts are kept so the sentence can say which part is unusual.
_ENTRY_TIME = f"""
    WITH v AS (
        SELECT jkey, in_fit, entered_at, dayname(coalesce(entered_at, effective_date)) AS weekday,
               hour(entered_at) AS hour
        FROM model_journals
    ), slots AS (SELECT weekday, hour, count(*) FILTER (WHERE in_fit) AS n FROM v GROUP BY ALL),
    weekdays AS (SELECT weekday, count(*) FILTER (WHERE in_fit) AS n FROM v GROUP BY ALL),
    hours AS (SELECT hour, count(*) FILTER (WHERE in_fit) AS n FROM v GROUP BY ALL)
    SELECT v.jkey, v.entered_at AS entry_time_rarity__entered_at, v.weekday AS entry_time_rarity__weekday,
           v.hour AS entry_time_rarity__hour,
           s.n - CAST(v.in_fit AS INTEGER) AS entry_time_rarity__others,
           w.n - CAST(v.in_fit AS INTEGER) AS entry_time_rarity__weekday_others,
           h.n - CAST(v.in_fit AS INTEGER) AS entry_time_rarity__hour_others,
           {_rarity("(s.n - CAST(v.in_fit AS INTEGER))")} AS f_entry_time_rarity
    FROM v
    JOIN slots s ON s.weekday IS NOT DISTINCT FROM v.weekday AND s.hour IS NOT DISTINCT FROM v.hour
    JOIN weekdays w ON w.weekday IS NOT DISTINCT FROM v.weekday
    JOIN hours h ON h.hour IS NOT DISTINCT FROM v.hour
"""


def _trailing_zeros(cents: str, most: int = 12) -> str:
    whens = " ".join(f"WHEN {cents} % {10 ** k} = 0 THEN {k}" for k in range(most, 0, -1))
    return f"CASE WHEN {cents} = 0 THEN NULL {whens} ELSE 0 END"


_JOURNAL_NUMERIC = f"""
    WITH j AS (
        SELECT *, greatest(total_debit, total_credit) AS total,
               {_trailing_zeros("TRY_CAST(round(greatest(total_debit, total_credit) * 100) AS BIGINT)")} AS zeros
        FROM model_journals
    ), round_counts AS (
        SELECT zeros, count(*) AS n FROM j WHERE in_fit AND zeros IS NOT NULL GROUP BY zeros
    ), at_least AS (  -- reference journals at least as round as each level
        SELECT levels.zeros, sum(coalesce(round_counts.n, 0)) OVER (ORDER BY levels.zeros DESC) AS n
        FROM (SELECT CAST(range AS INTEGER) AS zeros FROM range(0, 13)) levels LEFT JOIN round_counts USING (zeros)
    )
    SELECT jkey, in_fit,
           total AS amount_size__total, log10(1 + CAST(total AS DOUBLE)) AS f_amount_size,
           line_count AS lines_and_accounts__lines, account_count AS lines_and_accounts__accounts,
           log10(1 + line_count) + log10(1 + account_count) AS f_lines_and_accounts,
           CAST(is_manual AS DOUBLE) AS f_manual,
           period_key AS days_to_period_end__period, period_end AS days_to_period_end__period_end,
           entered_at IS NOT NULL AS days_to_period_end__entered,
           CAST(date_diff('day', coalesce(CAST(entered_at AS DATE), effective_date), period_end) AS DOUBLE)
               AS f_days_to_period_end,
           effective_date AS entry_lag_days__effective_date,
           CAST(date_diff('day', effective_date, CAST(entered_at AS DATE)) AS DOUBLE) AS f_entry_lag_days,
           epoch(approved_at - entered_at) / 86400.0 AS f_approval_lag_days,
           CAST(j.zeros AS DOUBLE) AS f_roundness,
           a.n - CAST(in_fit AND j.zeros IS NOT NULL AS INTEGER) AS roundness__as_round,
           trim(coalesce(header_description, first_line_description, '')) AS description_length__text,
           CAST(length(trim(coalesce(header_description, first_line_description, ''))) AS DOUBLE)
               AS f_description_length
    FROM j LEFT JOIN at_least a ON a.zeros = j.zeros
"""

# Net amount per account within a journal, against that account's median net amount.
_AMOUNT_VS_ACCOUNT = """
    WITH med AS (
        SELECT account, median(abs(net)) AS median_amount
        FROM model_journal_accounts WHERE in_fit AND net <> 0 GROUP BY account
    )
    SELECT jkey, top.account AS amount_vs_account__account, top.amount AS amount_vs_account__amount,
           top.median AS amount_vs_account__median, log10(top.ratio) AS f_amount_vs_account
    FROM (
        SELECT a.jkey,
               max(struct_pack(ratio := CAST(abs(a.net) AS DOUBLE) / CAST(m.median_amount AS DOUBLE),
                               account := a.account, amount := abs(a.net), median := m.median_amount)) AS top
        FROM model_journal_accounts a JOIN med m ON m.account = a.account
        WHERE a.net <> 0 AND m.median_amount > 0
        GROUP BY a.jkey
    )
"""

# Every pair of the journal's accounts with their sides (net per account): a debit with a credit, or
# two debits or two credits together. Journals with more than PAIR_ACCOUNT_LIMIT accounts keep their
# largest ones, so pairs stay bounded.
_PAIRS = f"""
    CREATE OR REPLACE TEMP TABLE model_pairs AS
    WITH sized AS (
        SELECT jkey, count(*) AS accounts FROM model_journal_accounts WHERE net <> 0 GROUP BY jkey
    ), kept AS (
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


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _keywords(has_line_descriptions: bool) -> str:
    """Journals' warning words: regular expressions run once per distinct text, then joined back."""
    any_keyword = _sql_literal("|".join(f"(?:{pattern})" for _, pattern in KEYWORDS))
    labels = ", ".join(f"CASE WHEN regexp_matches(t, {_sql_literal(p)}) THEN {_sql_literal(k)} END"
                       for k, p in KEYWORDS)
    line_texts = """
            UNION
            SELECT j.jkey, j.in_fit, l.line_description
            FROM lines l JOIN hit_texts h ON h.txt = l.line_description
            JOIN model_journals j ON j.journal_id = l.journal_id
    """ if has_line_descriptions else ""
    distinct_texts = "SELECT header_description AS txt FROM model_journals" + (
        " UNION SELECT line_description FROM lines" if has_line_descriptions else "")
    return f"""
        WITH hit_texts AS (
            SELECT txt, keyword FROM (
                SELECT txt, unnest([{labels}]) AS keyword
                FROM (SELECT txt, lower(txt) AS t FROM ({distinct_texts}) WHERE txt IS NOT NULL)
                WHERE regexp_matches(t, {any_keyword})
            ) WHERE keyword IS NOT NULL
        ), hit_journals AS (
            SELECT j.jkey, j.in_fit, j.header_description AS txt
            FROM model_journals j JOIN hit_texts h ON h.txt = j.header_description
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
        SELECT j.jkey, p.keywords AS keyword_rarity__keywords, p.rarest.keyword AS keyword_rarity__keyword,
               p.rarest.others AS keyword_rarity__others,
               -- no warning word: as unsurprising as a word every entry uses
               CASE WHEN p.jkey IS NULL THEN 0.0 ELSE {_rarity("p.rarest.others")} END AS f_keyword_rarity
        FROM model_journals j LEFT JOIN per_journal p ON p.jkey = j.jkey
    """


def build_features(con: duckdb.DuckDBPyConnection, column_counts: dict[str, int]) -> dict[str, str]:
    """Create the feature tables from `model_journals` (journals plus jkey, in_fit, in_scope).

    Each part of the work is a table `model_part_<name>` (jkey, f_<feature>... and the evidence
    columns its sentences quote); `model_features` joins their numbers: jkey, journal_id, in_fit,
    in_scope and every f_<feature>. Features whose columns the ledger lacks come out NULL; parts
    needing a column no line holds (segments, descriptions) are left out. Returns the part table
    of each feature.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_reference_size AS
        SELECT n, greatest({COMMON_MIN_JOURNALS}, n * {COMMON_SHARE}) AS common
        FROM (SELECT count(*) FILTER (WHERE in_fit) AS n FROM model_journals)
    """)
    segments = [s for s in SEGMENTS if column_counts.get(s, 0)]
    # One pass over the lines: net amount per journal, account and segment values.
    keys = "j.jkey, j.in_fit, j.entered_by, l.account" + "".join(f", l.{s}" for s in segments)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_line_keys AS
        SELECT {keys}, sum(l.amount) AS net
        FROM lines l JOIN model_journals j ON j.journal_id = l.journal_id
        GROUP BY ALL
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE model_journal_accounts AS
        SELECT jkey, in_fit, entered_by, account, sum(net) AS net FROM model_line_keys GROUP BY ALL
    """ if segments else "CREATE OR REPLACE TEMP TABLE model_journal_accounts AS SELECT * FROM model_line_keys")
    con.execute(_PAIRS)
    parts = {
        "journal": _JOURNAL_NUMERIC,
        "amount_vs_account": _AMOUNT_VS_ACCOUNT,
        "preparer_rarity": _journal_category("preparer_rarity", "entered_by"),
        "source_rarity": _journal_category("source_rarity", "source"),
        "entry_time_rarity": _ENTRY_TIME,
        "account_rarity": _rarest("account_rarity", {"account": "account"}, "model_journal_accounts"),
        "account_pair_rarity": _rarest("account_pair_rarity", {
            "first_debit": "first_debit", "first": "first_account",
            "second_debit": "second_debit", "second": "second_account"}, "model_pairs"),
        "preparer_account_rarity": _rarest("preparer_account_rarity", {"user": "entered_by", "account": "account"},
                                           "model_journal_accounts"),
    }
    if any(column_counts.get(c, 0) for c in _DESCRIPTIONS):
        parts["keyword_rarity"] = _keywords(bool(column_counts.get("line_description", 0)))
    if segments:
        con.execute("CREATE OR REPLACE TEMP TABLE model_segments AS " + " UNION ALL ".join(
            f"SELECT DISTINCT jkey, in_fit, account, '{s}' AS segment, {s} AS value FROM model_line_keys "
            f"WHERE {s} IS NOT NULL" for s in segments))
        parts["segment_rarity"] = _rarest("segment_rarity", {"segment": "segment", "value": "value"},
                                          "model_segments")
        parts["segment_account_rarity"] = _rarest(
            "segment_account_rarity", {"segment": "segment", "value": "value", "account": "account"}, "model_segments")
    part_of: dict[str, str] = {}
    for name, sql in parts.items():
        table = f"model_part_{name}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {sql}")
        columns = [c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()]
        part_of.update({c[2:]: table for c in columns if c.startswith("f_")})
    # Only the numbers are joined: the evidence stays in the parts until a sentence needs it.
    joins = "\n".join(
        f"LEFT JOIN (SELECT jkey, {', '.join('f_' + f for f, t in part_of.items() if t == table)} FROM {table}) "
        f"USING (jkey)" for table in dict.fromkeys(part_of.values())
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_features AS
        SELECT * FROM (SELECT jkey, journal_id, in_fit, in_scope FROM model_journals) j
        {joins}
    """)
    for table in ("model_line_keys", "model_journal_accounts", "model_pairs", "model_segments"):
        con.execute(f"DROP TABLE IF EXISTS {table}")  # line-level work, the largest: free it now
    return part_of
