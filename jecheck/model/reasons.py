"""Reasons in plain words: each picked feature rendered as a sentence naming the entry's values.

Rendering is set-based: each journal's reason features (those that most shortened its isolation
paths, in `model_results`) are joined, feature by feature, to the journal's evidence columns
(`model_evidence`) and to the reference population's medians and counts. Counts say "other entries"
when the model fits on the whole ledger and "baseline entries" in baseline mode. Ledger values
are arguments of format(), never part of a format string or of the SQL text.
"""

from __future__ import annotations

import duckdb

from .features import ALL_FEATURES, numeric

VALUE_CHARS = 60  # ledger text quoted in a reason is cut to this length

# Evidence columns holding an account number, shown with the account's name when known.
ACCOUNT_EVIDENCE = {
    "account_rarity": ("account_rarity__account",),
    "amount_vs_account": ("amount_vs_account__account",),
    "account_pair_rarity": ("account_pair_rarity__first", "account_pair_rarity__second"),
    "preparer_account_rarity": ("preparer_account_rarity__account",),
    "segment_account_rarity": ("segment_account_rarity__account",),
}


def _count(n: str) -> str:
    """'no other entry', '1 other entry', '1,234 other entries' (or 'baseline ...')."""
    return (f"CASE WHEN {n} <= 0 THEN 'no ' || r.peer || ' entry' WHEN {n} = 1 THEN '1 ' || r.peer || ' entry' "
            f"ELSE format('{{:,}} ', {n}) || r.peer || ' entries' END")


def _money(x: str) -> str:
    return f"format('{{:,.2f}}', {x})"


def _times(x: str, reference: str) -> str:
    """'41x', '2.5x' or '1/300 of' (x relative to reference)."""
    ratio = f"(CAST({x} AS DOUBLE) / nullif(CAST({reference} AS DOUBLE), 0))"
    return (f"CASE WHEN {ratio} IS NULL OR {ratio} = 0 THEN 'unlike' "
            f"WHEN {ratio} >= 10 THEN format('{{:,.0f}}x', {ratio}) "
            f"WHEN {ratio} >= 1 THEN format('{{:.1f}}x', {ratio}) "
            f"ELSE format('1/{{:,.0f}} of', 1 / {ratio}) END")


def _value(x: str) -> str:
    return f"coalesce(left(CAST({x} AS VARCHAR), {VALUE_CHARS}), '(none)')"


def _days(x: str) -> str:
    return f"format('{{:,}} day' || CASE WHEN abs({x}) = 1 THEN '' ELSE 's' END, CAST(abs({x}) AS BIGINT))"


def _duration(x: str) -> str:
    return (f"CASE WHEN abs({x}) >= 1 THEN format('{{:,.1f}} days', abs({x})) "
            f"ELSE format('{{:.1f}} hours', abs({x}) * 24) END")


def _account(column: str) -> str:
    alias = f"a_{column}"
    return f"coalesce({alias}.label, {_value('f.' + column)})"


def templates() -> dict[str, str]:
    """SQL expression per feature over f (model_features), r (model_reference) and account labels."""
    t = {
        "amount_size": f"""CASE WHEN f.amount_size__total = 0 THEN 'an entry of zero amount'
            ELSE format('total debits {{}}, {{}} the median entry ({{}})', {_money('f.amount_size__total')},
                        {_times('f.amount_size__total', 'r.median_total')}, {_money('r.median_total')}) END""",
        "amount_vs_account": f"""format('{{}} on account {{}}, {{}} that account''s median ({{}})',
            {_money('f.amount_vs_account__amount')}, {_account('amount_vs_account__account')},
            {_times('f.amount_vs_account__amount', 'f.amount_vs_account__median')},
            {_money('f.amount_vs_account__median')})""",
        "lines_and_accounts": """format('{:,} lines on {:,} accounts (median entry: {:,} lines on {:,} accounts)',
            f.lines_and_accounts__lines, f.lines_and_accounts__accounts, r.median_lines, r.median_accounts)""",
        "account_rarity": f"""format('account {{}} appears in {{}}',
            {_account('account_rarity__account')}, {_count('f.account_rarity__others')})""",
        "account_pair_rarity": f"""format('{{}} to account {{}} with {{}} to account {{}} appears in {{}}',
            CASE WHEN f.account_pair_rarity__first_debit THEN 'debit' ELSE 'credit' END,
            {_account('account_pair_rarity__first')},
            CASE WHEN f.account_pair_rarity__second_debit THEN 'debit' ELSE 'credit' END,
            {_account('account_pair_rarity__second')}, {_count('f.account_pair_rarity__others')})""",
        "preparer_rarity": f"""CASE WHEN f.preparer_rarity__value IS NULL
            THEN format('no preparer recorded, like {{}}', {_count('f.preparer_rarity__others')})
            ELSE format('prepared by {{}}, who prepared {{}}', {_value('f.preparer_rarity__value')},
                        {_count('f.preparer_rarity__others')}) END""",
        "preparer_account_rarity": f"""CASE
            WHEN f.preparer_account_rarity__user IS NULL
                THEN format('account {{}} without a recorded preparer appears in {{}}',
                            {_account('preparer_account_rarity__account')},
                            {_count('f.preparer_account_rarity__others')})
            WHEN f.preparer_account_rarity__others <= 0
                THEN format('{{}} entry by user {{}} to account {{}}', CASE WHEN r.baseline THEN 'first' ELSE 'only' END,
                            {_value('f.preparer_account_rarity__user')},
                            {_account('preparer_account_rarity__account')})
            ELSE format('user {{}} posted to account {{}} in only {{}}', {_value('f.preparer_account_rarity__user')},
                        {_account('preparer_account_rarity__account')},
                        {_count('f.preparer_account_rarity__others')}) END""",
        "source_rarity": f"""format('source {{}} appears in {{}}', {_value('f.source_rarity__value')},
            {_count('f.source_rarity__others')})""",
        "entry_time_rarity": f"""CASE WHEN f.entry_time_rarity__entered_at IS NULL
            THEN format('dated a {{}} (like {{}})', f.entry_time_rarity__weekday,
                        {_count('f.entry_time_rarity__weekday_others')})
            ELSE format('entered on a {{}} at {{}}: {{}} in that weekday and hour ({{}} on a {{}}, {{}} at {{:02d}}:00-{{:02d}}:59)',
                        f.entry_time_rarity__weekday, strftime(f.entry_time_rarity__entered_at, '%H:%M'),
                        {_count('f.entry_time_rarity__others')}, {_count('f.entry_time_rarity__weekday_others')},
                        f.entry_time_rarity__weekday, {_count('f.entry_time_rarity__hour_others')},
                        f.entry_time_rarity__hour, f.entry_time_rarity__hour) END""",
        "days_to_period_end": f"""CASE
            WHEN f.f_days_to_period_end < 0 THEN format('entered {{}} after period {{}} ended on {{}}',
                {_days('f.f_days_to_period_end')}, f.days_to_period_end__period, f.days_to_period_end__period_end)
            WHEN f.f_days_to_period_end = 0 THEN format('{{}} on the last day of period {{}}',
                CASE WHEN f.days_to_period_end__entered THEN 'entered' ELSE 'dated' END, f.days_to_period_end__period)
            ELSE format('{{}} {{}} before period {{}} ended (median entry: {{}})',
                CASE WHEN f.days_to_period_end__entered THEN 'entered' ELSE 'dated' END,
                {_days('f.f_days_to_period_end')}, f.days_to_period_end__period, {_days('r.median_days_to_end')}) END""",
        "entry_lag_days": f"""CASE
            WHEN f.f_entry_lag_days < 0 THEN format('entered {{}} before its effective date {{}}',
                {_days('f.f_entry_lag_days')}, f.entry_lag_days__effective_date)
            WHEN f.f_entry_lag_days = 0 THEN format('entered on its effective date {{}} (median entry: {{}} later)',
                f.entry_lag_days__effective_date, {_days('r.median_entry_lag')})
            ELSE format('entered {{}} after its effective date {{}} (median entry: {{}})',
                {_days('f.f_entry_lag_days')}, f.entry_lag_days__effective_date, {_days('r.median_entry_lag')}) END""",
        "approval_lag_days": f"""CASE
            WHEN f.f_approval_lag_days < 0 THEN format('approved {{}} before it was entered',
                {_duration('f.f_approval_lag_days')})
            ELSE format('approved {{}} after entry (median entry: {{}})', {_duration('f.f_approval_lag_days')},
                        {_duration('r.median_approval_lag')}) END""",
        "roundness": f"""CASE WHEN f.f_roundness >= r.median_roundness
            THEN format('round total {{}} (as round as {{}})', {_money('f.amount_size__total')},
                        {_count('f.roundness__as_round')})
            ELSE format('total {{}} is less round than most entries', {_money('f.amount_size__total')}) END""",
        "description_length": f"""CASE WHEN f.f_description_length = 0
            THEN format('no description (median entry: {{:,}} characters)', r.median_description)
            ELSE format('description "{{}}" has {{:,}} characters (median entry: {{:,}})',
                        {_value('f.description_length__text')}, CAST(f.f_description_length AS BIGINT),
                        r.median_description) END""",
        "keyword_rarity": f"""format('description mentions {{}}; "{{}}" appears in {{}}',
            f.keyword_rarity__keywords, f.keyword_rarity__keyword, {_count('f.keyword_rarity__others')})""",
        "segment_rarity": f"""format('{{}} value {{}} appears in {{}}', f.segment_rarity__segment,
            {_value('f.segment_rarity__value')}, {_count('f.segment_rarity__others')})""",
        "segment_account_rarity": f"""format('{{}} value {{}} with account {{}} appears in {{}}',
            f.segment_account_rarity__segment, {_value('f.segment_account_rarity__value')},
            {_account('segment_account_rarity__account')}, {_count('f.segment_account_rarity__others')})""",
        "manual": f"""CASE WHEN f.f_manual = 1
            THEN format('manual entry (like {{}})', {_count('r.manual_entries - CAST(f.in_fit AS INTEGER)')})
            ELSE format('system-generated entry (like {{}})',
                        {_count('r.system_entries - CAST(f.in_fit AS INTEGER)')}) END""",
    }
    return t


# Whole-number features: a median `_medians` took over the FLOAT column is the same number as over the DOUBLE
# here while below 2**24 (every whole number up to that is a FLOAT), so that quantile is not taken twice.
_WHOLE_NUMBERS = frozenset(f.name for f in ALL_FEATURES if f.whole_number)


def create_reference(con: duckdb.DuckDBPyConnection, *, baseline: bool, medians: dict[str, float] | None = None) -> None:
    """One row of population figures the sentences compare with (over the journals the model fits on).

    `medians`: feature medians over the same journals already known (see _WHOLE_NUMBERS)."""
    params: dict[str, object] = {"baseline": baseline, "peer": "baseline" if baseline else "other"}

    def median(feature: str) -> str:
        known = (medians or {}).get(feature)
        if feature in _WHOLE_NUMBERS and known is not None and abs(known) < 2 ** 24:  # NaN (no value) is not
            params[feature] = float(known)
            return f"CAST(${feature} AS DOUBLE)"
        return f"quantile_disc({numeric(feature)}, 0.5)"

    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE model_reference AS
        SELECT CAST($baseline AS BOOLEAN) AS baseline, CAST($peer AS VARCHAR) AS peer,
               quantile_disc(j.total, 0.5) AS median_total,
               quantile_disc(j.line_count, 0.5) AS median_lines,
               quantile_disc(j.account_count, 0.5) AS median_accounts,
               {median("days_to_period_end")} AS median_days_to_end,
               {median("entry_lag_days")} AS median_entry_lag,
               {median("approval_lag_days")} AS median_approval_lag,
               CAST({median("description_length")} AS BIGINT) AS median_description,
               {median("roundness")} AS median_roundness,
               count(*) FILTER (WHERE j.is_manual) AS manual_entries,
               count(*) FILTER (WHERE NOT j.is_manual) AS system_entries
        FROM model_journals j WHERE j.in_fit
        """,
        params,
    )


def render(con: duckdb.DuckDBPyConnection, features: list[str], reasons_per_entry: int) -> None:
    """Create `model_reasons`: `model_results` with reason_1.. in words (NULL where no reason).

    Each feature's sentences are made only for the journals that have it as a reason, from `model_evidence`.
    """
    all_templates = templates()
    con.execute("""
        CREATE OR REPLACE TEMP TABLE model_account_labels AS
        SELECT account, left(account, 40) || coalesce(' (' || left(name, 40) || ')', '') AS label FROM accounts
    """)
    con.execute("CREATE OR REPLACE TEMP TABLE model_picks AS " + " UNION ALL ".join(
        f"SELECT jkey, {k} AS k, feature_{k} AS feature FROM model_results WHERE feature_{k} IS NOT NULL"
        for k in range(1, reasons_per_entry + 1)))
    sentences = []
    for i, name in enumerate(features):
        joins = " ".join(f"LEFT JOIN model_account_labels a_{column} ON a_{column}.account = f.{column}"
                         for column in ACCOUNT_EVIDENCE.get(name, ()))
        sentences.append(f"""
            SELECT p.jkey, p.k, {all_templates[name]} AS reason
            FROM model_picks p JOIN model_evidence f ON f.jkey = p.jkey CROSS JOIN model_reference r {joins}
            WHERE p.feature = {i}""")
    pivot = ", ".join(f"max(reason) FILTER (WHERE k = {k}) AS reason_{k}" for k in range(1, reasons_per_entry + 1))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_reasons AS
        SELECT s.*, {", ".join(f"t.reason_{k}" for k in range(1, reasons_per_entry + 1))}
        FROM model_results s
        LEFT JOIN (SELECT jkey, {pivot} FROM ({" UNION ALL ".join(sentences)}) GROUP BY jkey) t ON t.jkey = s.jkey
    """)
