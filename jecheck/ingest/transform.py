"""Turn a raw relation into a typed table (`lines` or a `ctx_*` table); rows that fail go to `rejects`.

One SQL statement writes the table from a chain of projections:
  cleaned (trimmed cells) -> cells (one per target; joined columns concatenated) -> parsed values
  -> checked (impossible dates dropped) -> final (amount rules, entered date + time, placeholders,
  and each row's reasons). The table is written once with helper columns; rows with a reason are
  then copied to `rejects` and deleted, and the helper columns dropped (one write, not two).
Before that, one aggregate query over the text cells decides what the data itself must decide:
day-month order per date column and whether amounts use a decimal comma.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from .. import db
from ..db import quote_ident, quote_literal
from ..schema import AMOUNT_TYPE, PLACEHOLDER_DATES, Column
from . import parsing
from .layouts import BOOLEAN_EXTRAS, FALSE_CODES, TRUE_CODES, Layout, norm, target_kind

COA_TYPES = (  # chart-of-accounts type words -> the five canonical types
    ("asset", r"^(current |fixed |non-current |other )?assets?\b"),
    ("liability", r"^(current |long-term |non-current |other )?liabilit"),
    ("equity", r"^(equity|capital|net assets|shareholders|stockholders|owners)"),
    ("revenue", r"^(revenues?|income|sales|turnover)\b"),
    ("expense", r"^(expenses?|costs?|cost of)\b"),
)
DATE_KINDS = ("date", "timestamp")
AMOUNT_SAMPLE_ROWS = 200_000
KIND_SEPARATOR = "\x1f"  # joins a row's reject kinds; never in a kind
REJECT_SEPARATOR = "\x1e"  # ends a row's kinds in its one reject helper, before its reason; never in a kind


@dataclass
class StageSpec:
    """What to stage: a raw relation, the chosen mapping and the reading conventions."""

    relation: str
    columns: list[str]
    types: list[str]
    has_bad: bool
    layout: Layout
    sources: dict[str, tuple[str, ...]]
    context: str | None  # None = the ledger
    required_nonempty: tuple[str, ...]
    date_format: str | None = None  # the user's --date-format / mapping date_format
    decimal_comma: bool | None = None
    dc_codes: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    manual_codes: tuple[str, ...] = ()


@dataclass
class StageResult:
    table: str
    outputs: list[str] = field(default_factory=list)  # table columns the source filled (others are NULL)
    rows: int = 0
    rejected: int = 0
    reject_kinds: dict[str, int] = field(default_factory=dict)
    placeholders: dict[str, int] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)
    decimal_comma: bool = False
    warnings: list[str] = field(default_factory=list)


def load_table(con: duckdb.DuckDBPyConnection, spec: StageSpec, table: str, columns: tuple[Column, ...],
               source_file: str, stored: str | None = None, keep: tuple[str, ...] = ()) -> StageResult:
    """Create `table` with exactly `columns` from the raw relation; rows that fail go to `rejects`.

    With `stored`, only the columns the source fills (and `keep`) are written, to the table `stored`, and
    `table` is a view of every column over it, the others as constants: writing columns of NULLs into a
    compressed database file costs CPU all the same (10M lines, 10 such columns: ~2.8 s).
    """
    result = StageResult(table=table)
    view_columns: list[str] = []  # with `stored`: the view's columns, in order
    result_columns: list[str] = []
    kinds = {t: target_kind(t, spec.context) for t in spec.sources}
    cell_type = {t: _cell(t, spec)[1] for t in spec.sources}
    ctes = _ctes(spec, list(spec.sources))

    orders, patterns, result.decimal_comma = _profile(con, spec, kinds, cell_type, result)

    parsed, problems = {}, {}
    for target in spec.sources:
        x = quote_ident("x_" + target)
        p = _parse(target, kinds[target], x, cell_type[target], spec, orders, patterns, result.decimal_comma)
        parsed[target] = p.value
        problems[target] = (p.problem, p.blank) if p.problem else None
    parsed_sql = "SELECT *" + "".join(f", {expr} AS {quote_ident('p_' + t)}" for t, expr in parsed.items()) + " FROM cells"
    checked = [f"{parsing.drop_impossible(_p(t)) if kinds[t] in DATE_KINDS else _p(t)} AS {quote_ident('v_' + t)}"
               for t in spec.sources]
    checked_sql = "SELECT *" + "".join(", " + c for c in checked) + " FROM parsed"

    finals, reasons = _finals(spec, kinds, problems, cell_type, {c.name for c in columns})
    placeholder_flags = [t for t in spec.sources if kinds[t] in DATE_KINDS]
    flags = "".join(f", {_is_placeholder(f'CAST({_v(t)} AS DATE)')} AS {quote_ident('ph_' + t)}" for t in placeholder_flags)
    # Reasons are joined only on rows where some condition holds: most rows have none.
    any_reason = " OR ".join(f"({condition})" for condition, _, _ in reasons)
    reason_sql = (f"CASE WHEN {any_reason} THEN nullif(concat_ws('; ', {', '.join(r for _, r, _ in reasons)}), '') END"
                  if reasons else "NULL")
    kind_sql = (f"CASE WHEN {any_reason} THEN nullif(concat_ws('{KIND_SEPARATOR}', "
                f"{', '.join(k for _, _, k in reasons)}), '') END" if reasons else "NULL")
    if spec.has_bad:
        reason_sql = f"coalesce(__bad, {reason_sql})"
        kind_sql = f"coalesce(__bad_kind, {kind_sql})"
    final_columns = "".join(f", {expr} AS {quote_ident(name)}" for name, expr in finals.items())
    outputs = []
    for column in columns:  # exactly the table's columns, in order, with their types
        if column.name in finals:
            value = quote_ident(column.name)
            if column.name in placeholder_flags:  # placeholder dates become NULL; the flag keeps the count
                value = f"CASE WHEN {quote_ident('ph_' + column.name)} THEN NULL ELSE {value} END"
            outputs.append(column.name)
        elif column.name == "source_row":
            value = "__row"
        elif column.name == "source_file":
            value = quote_literal(source_file)
        else:
            value = "NULL"
        typed = f"CAST({value} AS {column.sql_type}) AS {quote_ident(column.name)}"
        if stored and column.name not in finals and column.name != "source_row" and column.name not in keep:
            view_columns.append(typed)  # a constant: the view gives it
            continue
        view_columns.append(quote_ident(column.name))
        result_columns.append(typed)
    # The row number: `source_row` when the table has one (lines), else a helper column.
    row = "source_row" if any(c.name == "source_row" for c in columns) else "__row"
    # A row's reject kinds and reason share one helper column (kinds first: they never hold the separator,
    # a reason may): a column of NULLs costs as much to write as one of text (10M lines: ~0.5 s each).
    helpers = ([] if row == "source_row" else ["__row"]) + ["__reject"]
    helper_values = [quote_ident(h) for h in helpers[:-1]] + [
        f"CASE WHEN __reason IS NOT NULL THEN concat(coalesce(__kinds, ''), '{REJECT_SEPARATOR}', __reason) END AS __reject"]
    if placeholder_flags:
        # One bitmask, not a flag per date: each helper column written into a compressed database
        # file costs CPU however empty it is (10M lines: ~0.2 s per flag, as much as the whole mask).
        mask = " + ".join(f"CASE WHEN {quote_ident('ph_' + t)} THEN {1 << i} ELSE 0 END"
                          for i, t in enumerate(placeholder_flags))
        helpers.append("__placeholders")
        helper_values.append(f"CAST({mask} AS BIGINT) AS __placeholders")
    target = stored or table  # the table written
    # The table is written once, helpers included; rejected rows and helper columns are removed after.
    db.create_table_as(con, target, f"{ctes}, parsed AS ({parsed_sql}), checked AS ({checked_sql}), "
                       f"final AS (SELECT __row{final_columns}{flags}, {reason_sql} AS __reason, {kind_sql} AS __kinds "
                       f"FROM checked) SELECT {', '.join(result_columns)}, {', '.join(helper_values)} FROM final")
    result.outputs = outputs
    counts = con.execute(
        f"SELECT count(*), count(__reject)"
        + "".join(f", count(*) FILTER (WHERE __placeholders & {1 << i} <> 0)" for i, _ in enumerate(placeholder_flags))
        + f" FROM {quote_ident(target)}").fetchone()
    result.rows, result.rejected = counts[0], counts[1]
    result.placeholders = {t: n for t, n in zip(placeholder_flags, counts[2:]) if n}
    if result.rejected:
        result.reject_kinds = dict(con.execute(
            f"SELECT k, count(*) FROM (SELECT unnest(string_split(kinds, '{KIND_SEPARATOR}')) AS k FROM "
            f"(SELECT nullif(split_part(__reject, '{REJECT_SEPARATOR}', 1), '') AS kinds FROM {quote_ident(target)} "
            f"WHERE __reject IS NOT NULL) WHERE kinds IS NOT NULL) GROUP BY k ORDER BY count(*) DESC, k").fetchall())
        pairs = ", ".join(f"{quote_literal(name)}, r.c{i}" for i, name in enumerate(spec.columns))
        con.execute(f"INSERT INTO rejects SELECT {quote_literal(source_file)}, t.{row}, "
                    f"substr(t.__reject, strpos(t.__reject, '{REJECT_SEPARATOR}') + 1), "
                    f"CAST(json_object({pairs}) AS VARCHAR) FROM {quote_ident(target)} t "
                    f"JOIN {quote_ident(spec.relation)} r ON r.__row = t.{row} WHERE t.__reject IS NOT NULL "
                    f"ORDER BY t.{row}")
        con.execute(f"DELETE FROM {quote_ident(target)} WHERE __reject IS NOT NULL")
    for helper in helpers:
        con.execute(f"ALTER TABLE {quote_ident(target)} DROP COLUMN {quote_ident(helper)}")
    if stored:
        con.execute(f"CREATE OR REPLACE VIEW {quote_ident(table)} AS SELECT {', '.join(view_columns)} "
                    f"FROM {quote_ident(stored)}")
    return result


def _is_placeholder(day: str) -> str:
    """True when `day` is a placeholder date (NULL when it is NULL). Written as ORs: DuckDB runs an IN
    list of dates as a join, which costs a hash probe per row."""
    return "(" + " OR ".join(f"{day} = DATE {quote_literal(d)}" for d in PLACEHOLDER_DATES) + ")"


def _p(target: str) -> str:
    return quote_ident("p_" + target)


def _v(target: str) -> str:
    return quote_ident("v_" + target)


def _x(target: str) -> str:
    return quote_ident("x_" + target)


def _ctes(spec: StageSpec, targets: list[str]) -> str:
    """WITH cleaned (trimmed raw columns) AS (...), cells (one per target) AS (...), for these targets only."""
    index = {name: i for i, name in enumerate(spec.columns)}
    used = sorted({index[c] for t in targets for c in spec.sources[t]})
    bad_columns = ", __bad, __bad_kind" if spec.has_bad else ""
    cleaned = "".join(f", {parsing.clean(f'c{i}', spec.types[i])} AS c{i}" for i in used)
    cells = "".join(f", {_cell(t, spec)[0]} AS {_x(t)}" for t in targets)
    return (f"WITH cleaned AS (SELECT __row{bad_columns}{cleaned} FROM {quote_ident(spec.relation)}), "
            f"cells AS (SELECT __row{bad_columns}{cells} FROM cleaned)")


def _cell(target: str, spec: StageSpec) -> tuple[str, str]:
    """The cell a target reads and its type: one column, or several joined as text."""
    index = {name: i for i, name in enumerate(spec.columns)}
    unpadded = {norm(name) for name in spec.layout.unpadded}

    def part(column: str) -> tuple[str, str]:
        i = index[column]
        if norm(column) not in unpadded:
            return f"c{i}", spec.types[i]
        text = parsing.as_text(f"c{i}", spec.types[i])
        return f"CASE WHEN regexp_full_match({text}, '0+[1-9][0-9]*') THEN ltrim({text}, '0') ELSE {text} END", "VARCHAR"

    cols = spec.sources[target]
    if len(cols) == 1:
        return part(cols[0])
    parts = [parsing.as_text(*part(c)) for c in cols]
    separator = quote_literal(spec.layout.join_with.get(target, "-"))
    if target in spec.layout.partial_joins:
        return f"nullif(concat_ws({separator}, {', '.join(parts)}), '')", "VARCHAR"
    any_empty = " OR ".join(f"{p} IS NULL" for p in parts)
    return f"CASE WHEN {any_empty} THEN NULL ELSE {f' || {separator} || '.join(parts)} END", "VARCHAR"


def _profile(con, spec: StageSpec, kinds: dict[str, str], cell_type: dict[str, str],
             result: StageResult) -> tuple[dict[str, str], dict[str, set[str]], bool]:
    """Ask the data for each text date column's day-month order and for the decimal mark."""
    user_order = parsing.order_from_format(spec.date_format) if spec.date_format else None
    date_targets = [t for t in spec.sources if kinds[t] in DATE_KINDS
                    and parsing.base_type(cell_type[t]) not in ("DATE", "TIMESTAMP", "TIMESTAMPTZ")]
    amount_targets = [t for t in spec.sources if kinds[t] == "amount" and cell_type[t] == "VARCHAR"]
    values: dict[str, object] = {}
    if date_targets:  # over distinct values (a ledger has few distinct dates); one statement for every column
        evidence = parsing.day_month_evidence_sql("v", "n")
        # Each distinct cell is keyed once (the key's regex per row cost more than the grouping).
        keys = " UNION ALL ".join(
            f"SELECT {i} AS target, {parsing.evidence_key('v')} AS v, CAST(sum(n) AS BIGINT) AS n FROM ("
            f"SELECT {parsing.as_text(_x(t), cell_type[t])} AS v, count(*) AS n FROM cells WHERE {_x(t)} IS NOT NULL "
            "GROUP BY 1) GROUP BY 2" for i, t in enumerate(date_targets))
        targets = ", ".join(f"({i})" for i in range(len(date_targets)))
        # Joined onto every target, so that a column with no dates still gets its row of zero counts.
        rows = con.execute(f"{_ctes(spec, date_targets)} SELECT t.target, {', '.join(evidence.values())} "
                           f"FROM (VALUES {targets}) t(target) LEFT JOIN ({keys}) k ON k.target = t.target "
                           "GROUP BY t.target").fetchall()
        for target, *row in rows:
            values.update({f"{date_targets[target]}|{name}": value for name, value in zip(evidence, row)})
    if spec.decimal_comma is None and amount_targets:  # every row of a decimal-comma file shows it: a sample will do
        aggregates = []
        for t in amount_targets:
            comma, point = parsing.comma_evidence_sql(_x(t))
            aggregates += [(f"{t}|comma", f"count(*) FILTER (WHERE {comma})"),
                           (f"{t}|point", f"count(*) FILTER (WHERE {point})"),
                           (f"{t}|three", f"min({_x(t)}) FILTER (WHERE regexp_matches({_x(t)}, '[.,]\\d{{3}}\\D*$'))")]
        row = con.execute(f"{_ctes(spec, amount_targets)} SELECT {', '.join(sql for _, sql in aggregates)} "
                          f"FROM (SELECT * FROM cells LIMIT {AMOUNT_SAMPLE_ROWS})").fetchone()
        values.update(zip((name for name, _ in aggregates), row))

    orders: dict[str, str] = {}
    patterns: dict[str, set[str]] = {}
    convention = spec.layout.date_order
    reason = f"{spec.layout.title} exports usually write {'day' if convention == 'DMY' else 'month'} first"
    for t in date_targets:
        counts = {key.split("|", 1)[1]: value for key, value in values.items() if key.startswith(t + "|")}
        decision = parsing.decide_day_month(_label(spec, t), counts, convention, reason, user_order,
                                            counts.get("example"))
        orders[t] = decision.order
        seen = {name for name in parsing.DATE_PATTERNS if counts.get(f"pattern:{name}")}
        patterns[t] = seen  # every row was profiled: a pattern no cell holds needs no branch
        if decision.warning:
            result.warnings.append(decision.warning)
        if len(decision.formats) > 1:
            result.warnings.append(f"{_label(spec, t)}: dates come in {len(decision.formats)} forms "
                                   f"({', '.join(decision.formats)}); each was read by its own form")
        shown = decision.formats or ["no readable dates"]
        result.date_formats[t] = ", ".join(shown) + (" (ambiguous day-month order: see warnings)"
                                                     if decision.warning and "ambiguous" in decision.warning else "")
    for t in spec.sources:
        if kinds[t] in DATE_KINDS and t not in date_targets:
            result.date_formats[t] = f"typed {parsing.base_type(cell_type[t])} column"

    if spec.decimal_comma is not None:
        return orders, patterns, spec.decimal_comma
    comma = sum(int(values.get(f"{t}|comma") or 0) for t in amount_targets)
    point = sum(int(values.get(f"{t}|point") or 0) for t in amount_targets)
    decimal_comma = comma > point
    example = next((values[f"{t}|three"] for t in amount_targets if values.get(f"{t}|three")), None)
    if not comma and not point and example:
        result.warnings.append(f"amounts like {example} could use either mark for decimals; read "
                               f"{'.' if ',' in str(example) else ','} as a thousands separator "
                               "(pass --decimal-comma or --no-decimal-comma to decide)")
    return orders, patterns, decimal_comma


def _label(spec: StageSpec, target: str) -> str:
    return " + ".join(spec.sources[target])


def _parse(target: str, kind: str, x: str, sql_type: str, spec: StageSpec, orders: dict[str, str],
           patterns: dict[str, set[str]], decimal_comma: bool) -> parsing.Parsed:
    if kind == "amount":
        return parsing.amount(x, sql_type, decimal_comma)
    if kind == "integer":
        return parsing.integer(x, sql_type)
    if kind in DATE_KINDS:
        user = spec.date_format if parsing.is_strftime(spec.date_format) else None
        return parsing.timestamp(x, sql_type, orders.get(target, spec.layout.date_order), patterns.get(target), user)
    if kind == "time":
        return parsing.time_of_day(x, sql_type)
    if kind == "flag":
        return parsing.flag(x, sql_type)
    if kind == "boolean":
        if target == "is_manual" and spec.manual_codes:
            return parsing.one_of(x, sql_type, spec.manual_codes)
        extra_true, extra_false = BOOLEAN_EXTRAS.get(target, ((), ()))
        return parsing.boolean(x, sql_type, TRUE_CODES + extra_true, FALSE_CODES + extra_false)
    return parsing.text(x, sql_type, spec.layout.value_maps.get(target))


def _shown(x: str, sql_type: str) -> str:
    """A cell quoted for a reason, cut to 60 characters."""
    text = parsing.as_text(x, sql_type)
    return f"'''' || left({text}, 60) || CASE WHEN length({text}) > 60 THEN '...' ELSE '' END || ''''"


def _finals(spec: StageSpec, kinds: dict[str, str], problems: dict[str, tuple[str, str | None] | None],
            cell_type: dict[str, str],
            outputs: set[str]) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Output column -> SQL over the checked values, and (condition, reason, kind) SQL triples."""
    sources = spec.sources
    finals: dict[str, str] = {}
    reasons: list[tuple[str, str, str]] = []  # (condition, reason SQL, kind SQL): non-NULL when the condition holds
    for target in sources:
        if target in outputs:
            finals[target] = _v(target)
        if problems.get(target):
            problem, blank = problems[target]
            condition = f"{_v(target)} IS NULL AND {_x(target)} IS NOT NULL" + (f" AND NOT ({blank})" if blank else "")
            reasons.append((condition, f"CASE WHEN {condition} THEN '{target}: cannot read ' || "
                            f"{_shown(_x(target), cell_type[target])} || ' {problem}' END",
                            f"CASE WHEN {condition} THEN {quote_literal(f'{target}: cannot read a value {problem}')} END"))
    for target in spec.required_nonempty:
        if target in sources:
            condition = f"{_x(target)} IS NULL"
            reasons.append((condition, f"CASE WHEN {condition} THEN '{target}: empty' END",
                            f"CASE WHEN {condition} THEN '{target}: empty' END"))
    if spec.context is None:
        _ledger_finals(spec, finals, reasons)
    else:
        _context_finals(spec, finals)
    if "entered_time" in sources and "entered_at" in sources:
        finals["entered_at"] = (f"CASE WHEN {_v('entered_time')} IS NULL THEN {_v('entered_at')} "
                                f"ELSE CAST(CAST({_v('entered_at')} AS DATE) + {_v('entered_time')} AS TIMESTAMP) END")
    for target, expr in list(finals.items()):
        if target in outputs and kinds.get(target) == "date":
            finals[target] = f"CAST({expr} AS DATE)"
    return finals, reasons


def _ledger_finals(spec: StageSpec, finals: dict[str, str], reasons: list[tuple[str, str, str]]) -> None:
    sources = spec.sources
    debit_codes, credit_codes = (tuple(c.upper() for c in codes) for codes in spec.dc_codes)
    indicator = f"upper({_v('dc_indicator')})" if "dc_indicator" in sources else None
    for signed, debit, credit in (("amount", "debit", "credit"), ("txn_amount", "txn_debit", "txn_credit")):
        if debit in sources and credit in sources:
            finals[signed] = (f"CASE WHEN {_v(debit)} IS NULL AND {_v(credit)} IS NULL THEN NULL "
                              f"ELSE CAST(coalesce({_v(debit)}, 0) - coalesce({_v(credit)}, 0) AS {AMOUNT_TYPE}) END")
        elif signed in sources and indicator:
            finals[signed] = (f"CASE WHEN {indicator} IN {parsing.in_list(debit_codes)} THEN abs({_v(signed)}) "
                              f"WHEN {indicator} IN {parsing.in_list(credit_codes)} THEN -abs({_v(signed)}) "
                              f"WHEN {_v(signed)} = 0 THEN {_v(signed)} END")
    if indicator and "amount" in sources:
        codes = f"debit {', '.join(debit_codes)}; credit {', '.join(credit_codes)}"
        unsigned = f"{_v('amount')} IS NOT NULL AND {_v('amount')} <> 0"
        condition = (f"{unsigned} AND ({indicator} IS NULL OR {indicator} NOT IN "
                     f"{parsing.in_list(debit_codes + credit_codes)})")
        reasons.append((
            condition,
            f"CASE WHEN {unsigned} AND {indicator} IS NULL THEN 'dc_indicator: empty, so the sign of the amount is "
            f"unknown' WHEN {unsigned} AND {indicator} NOT IN {parsing.in_list(debit_codes + credit_codes)} THEN "
            f"'dc_indicator: ' || {_shown(_v('dc_indicator'), 'VARCHAR')} || {quote_literal(' is neither ' + codes)} END",
            f"CASE WHEN {condition} THEN 'dc_indicator: not a debit or credit code' END"))
    if "reversal_indicator" not in sources and ({"reversing_flag", "reversed_flag"} & set(sources)):
        whens = "".join(f" WHEN {_v(flag)} THEN '{code}'" for flag, code in
                        (("reversing_flag", "1"), ("reversed_flag", "2")) if flag in sources)
        finals["reversal_indicator"] = f"CASE{whens} END"


def _context_finals(spec: StageSpec, finals: dict[str, str]) -> None:
    if spec.context == "coa" and "type" in finals:
        lowered = f"lower({_v('type')})"
        whens = " ".join(f"WHEN regexp_matches({lowered}, {quote_literal(pattern)}) THEN '{name}'"
                         for name, pattern in COA_TYPES)
        finals["type"] = f"CASE {whens} ELSE {lowered} END"
    if spec.context == "coa" and "subtype" in finals:
        finals["subtype"] = f"regexp_replace(lower({_v('subtype')}), '[^a-z0-9]+', '_', 'g')"
    if spec.context == "control_totals" and "dc_indicator" in finals:
        finals["dc_indicator"] = f"upper({_v('dc_indicator')})"
