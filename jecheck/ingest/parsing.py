"""SQL expressions that turn raw cells into typed values, set-based, with a reason when a cell fails.

Every function returns SQL text over a *cleaned* cell: VARCHAR cells are trimmed of spaces and
non-breaking spaces, and '' or the literal NULL become NULL (so empty cells are never errors).
Typed Parquet columns take plain CASTs. Amounts never pass through DOUBLE when they arrive as
text: they are normalised as strings and cast to DECIMAL(38,4).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..db import quote_literal
from ..schema import AMOUNT_TYPE

# Whitespace (RE2's \s, spelled out: it compiles faster), non-breaking spaces, byte-order mark.
_SPACE = r"[\t\n\f\r \x{a0}\x{2007}\x{202f}\x{feff}]"
ZERO_DATE_SENTINEL = "0001-01-01"  # what all-zero dates (00000000, 0000-00-00) parse to: a placeholder

NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "UHUGEINT")
FLOAT_TYPES = ("FLOAT", "DOUBLE", "REAL")

# Value patterns of date cells, in the order they are tried. Day-first/month-first forms are decided
# per column (see decide_day_month); the rest are unambiguous.
DATE_PATTERNS: dict[str, str] = {
    "zero": r"0+([-./]0+[-./]0+)?([ T]0+:0+(:0+)?)?",
    "YYYYMMDD": r"\d{8}",
    "YYYYMMDDHHMMSS": r"\d{14}",
    "YYYY-MM-DD": r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T].*)?",
    "dd/mm/yyyy": r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}( .*)?",
    "dd/mm/yy": r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2}( .*)?",
    "DD-MON-YYYY": r"\d{1,2}[- ][A-Za-z]{3,9}[- ,]+\d{4}( .*)?",
    "DD-MON-YY": r"\d{1,2}[- ][A-Za-z]{3,9}[- ,]+\d{2}( .*)?",
    "MON DD, YYYY": r"[A-Za-z]{3,9}\.? \d{1,2},? \d{4}( .*)?",
    "Excel serial": r"\d{5}(\.\d+)?",  # 5 digits: 1927-05-18 to 2173; a lone 2024 is not a date
}
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p")


def sql_list(values: list[str] | tuple[str, ...]) -> str:
    """A DuckDB list literal of strings."""
    return "[" + ", ".join(quote_literal(v) for v in values) + "]"


def in_list(values: tuple[str, ...] | list[str]) -> str:
    """The parenthesised right side of an IN test, of strings."""
    return "(" + ", ".join(quote_literal(v) for v in values) + ")"


def clean(column: str, sql_type: str) -> str:
    """The cleaned cell: trimmed text with blanks as NULL; typed columns as they are."""
    if sql_type != "VARCHAR":
        return column
    # A cheap test (first or last character outside 33..159: spaces, controls, non-breaking spaces,
    # and harmlessly any other non-ASCII letter) picks the few cells that need the costly regex.
    # In UTF-8 a text's first character is in 33..159 exactly when '!' <= text < U+00A0 byte-wise:
    # a plain string comparison, cheaper than decoding it with ascii() (~0.3 s per 10M cells).
    # The last character is the first of reverse(), which costs more than all the rest: it is called
    # once, its code point tested by one distance (a BETWEEN or two comparisons would call it twice).
    # The regex empties a cell of only spaces and the word NULL in the same pass as it trims, so that
    # the expression holds it once: planning it is a fixed cost per column of every file.
    outside = (f"{column} < '!' OR {column} >= '\u00a0' OR abs(unicode(reverse({column})) - 96) > 63")
    return (f"CASE WHEN {outside} OR {column} = 'NULL' "
            f"THEN nullif(regexp_replace({column}, '^{_SPACE}*(NULL)?{_SPACE}*$|^{_SPACE}+|{_SPACE}+$', '', 'g'), '') "
            f"ELSE nullif({column}, '') END")


def base_type(sql_type: str) -> str:
    """DECIMAL(18,2) -> DECIMAL, TIMESTAMP WITH TIME ZONE -> TIMESTAMPTZ..."""
    upper = sql_type.upper()
    if upper.startswith("DECIMAL") or upper.startswith("NUMERIC"):
        return "DECIMAL"
    if upper.startswith("TIMESTAMP") and ("TIME ZONE" in upper or upper == "TIMESTAMPTZ"):
        return "TIMESTAMPTZ"
    if upper.startswith("TIMESTAMP"):
        return "TIMESTAMP"
    return upper


def as_text(cell: str, sql_type: str) -> str:
    """A cleaned cell as VARCHAR (numbers without a spurious .0)."""
    kind = base_type(sql_type)
    if kind == "VARCHAR":
        return cell
    if kind in FLOAT_TYPES:
        return (f"CASE WHEN {cell} = trunc({cell}) AND abs({cell}) < 1e15 THEN CAST(CAST({cell} AS BIGINT) AS VARCHAR) "
                f"ELSE CAST({cell} AS VARCHAR) END")
    return f"CAST({cell} AS VARCHAR)"


@dataclass(frozen=True)
class Parsed:
    """A value expression and, when it can fail, the condition under which a non-empty cell failed."""

    value: str
    problem: str | None  # e.g. "as a number": the reason reads "<target>: cannot read '<cell>' as a number"
    blank: str | None = None  # cells that hold something yet count as empty (an amount of '.' or '-')


# --- amounts ------------------------------------------------------------------------------------

def amount(cell: str, sql_type: str, decimal_comma: bool) -> Parsed:
    """Signed DECIMAL(38,4) from 1,234.50 / (1,234.50) / 1234.50- / 1.234,50 / -12 / $1 234,00; '.' and '-' are empty."""
    kind = base_type(sql_type)
    if kind != "VARCHAR":
        return Parsed(f"TRY_CAST({cell} AS {AMOUNT_TYPE})", "as an amount (too large or not a number)")
    text = f"regexp_replace({cell}, '[\\t\\n\\f\\r \u00a0\u202f$€£¥'']', '', 'g')"  # RE2's \s spelled out: it compiles faster
    negative = f"regexp_full_match({text}, '\\(.*\\)|-.*|.*-')"
    core = f"regexp_replace({text}, '^[-+(]+|[-)]+$', '', 'g')"
    if decimal_comma:
        valid = r"(\d{1,3}(\.\d{3})+|\d*)(,\d+)?"
        number = f"replace(replace({core}, '.', ''), ',', '.')"
    else:
        valid = r"(\d{1,3}(,\d{3})+|\d*)(\.\d+)?"
        number = f"replace({core}, ',', '')"
    plain = r"-?\d+(\.\d+)?" if not decimal_comma else r"-?\d+"
    value = (f"CASE WHEN {cell} IS NULL OR {cell} IN ('.', '-') THEN NULL "
             f"WHEN regexp_full_match({cell}, '{plain}') THEN TRY_CAST({cell} AS {AMOUNT_TYPE}) "
             f"WHEN regexp_full_match({core}, '{valid}') AND regexp_matches({core}, '\\d') "
             f"THEN TRY_CAST({number} AS {AMOUNT_TYPE}) * CASE WHEN {negative} THEN -1 ELSE 1 END END")
    return Parsed(value, "as a number", blank=f"{cell} IN ('.', '-')")


def comma_evidence_sql(cell: str) -> tuple[str, str]:
    """(decimal-comma evidence, decimal-point evidence) conditions on a text amount cell."""
    comma = f"regexp_matches({cell}, ',\\d{{1,2}}\\)?-?$|\\.\\d{{3}},\\d')"
    point = f"regexp_matches({cell}, '\\.\\d{{1,2}}\\)?-?$|,\\d{{3}}\\.\\d')"
    return comma, point


# --- integers, booleans, text -------------------------------------------------------------------

def integer(cell: str, sql_type: str) -> Parsed:
    kind = base_type(sql_type)
    if kind in NUMERIC_TYPES or kind == "DECIMAL":
        return Parsed(f"TRY_CAST({cell} AS INTEGER)", "as a whole number (too large)")
    if kind in FLOAT_TYPES:
        return Parsed(f"CASE WHEN {cell} = trunc({cell}) THEN TRY_CAST({cell} AS INTEGER) END", "as a whole number")
    text = as_text(cell, sql_type)
    value = (f"CASE WHEN regexp_full_match({text}, '[+-]?\\d+(\\.0*)?') "
             f"THEN TRY_CAST(regexp_replace({text}, '\\.0*$', '') AS INTEGER) END")
    return Parsed(value, "as a whole number")


def boolean(cell: str, sql_type: str, true_codes: tuple[str, ...], false_codes: tuple[str, ...]) -> Parsed:
    kind = base_type(sql_type)
    if kind == "BOOLEAN":
        return Parsed(cell, None)
    if kind in NUMERIC_TYPES or kind in FLOAT_TYPES or kind == "DECIMAL":
        return Parsed(f"({cell} <> 0)", None)
    text = f"upper({as_text(cell, sql_type)})"
    value = f"CASE WHEN {text} IN {in_list(true_codes)} THEN true WHEN {text} IN {in_list(false_codes)} THEN false END"
    return Parsed(value, "as yes or no")


def one_of(cell: str, sql_type: str, codes: tuple[str, ...]) -> Parsed:
    """True when the cell is one of `codes` (case-insensitive), false for any other value, NULL when empty."""
    text = f"upper({as_text(cell, sql_type)})"
    return Parsed(f"CASE WHEN {text} IS NULL THEN NULL ELSE {text} IN {in_list(tuple(c.upper() for c in codes))} END",
                  None)


def flag(cell: str, sql_type: str) -> Parsed:
    """Set unless empty or an explicit no (SAP 'X' flags, or an id pointing at a related document)."""
    text = f"upper({as_text(cell, sql_type)})"
    return Parsed(f"CASE WHEN {text} IS NULL THEN NULL ELSE {text} NOT IN ('N', 'NO', '0', 'FALSE', 'F') END", None)


def text(cell: str, sql_type: str, value_map: dict[str, str] | None = None) -> Parsed:
    value = as_text(cell, sql_type)
    if value_map:
        whens = " ".join(f"WHEN {quote_literal(k)} THEN {quote_literal(v)}" for k, v in value_map.items())
        value = f"CASE {value} {whens} ELSE {value} END"
    return Parsed(value, None)


# --- dates and times ----------------------------------------------------------------------------

def order_from_format(date_format: str) -> str | None:
    """DMY/MDY/YMD from a shorthand or a strftime pattern (which of %d, %m, %Y comes first)."""
    shorthand = date_format.strip().upper()
    if shorthand in ("DMY", "MDY", "YMD"):
        return shorthand
    positions = {key: date_format.find(code) for key, code in (("D", "%d"), ("M", "%m"), ("Y", "%Y"))}
    if positions["D"] < 0 or positions["M"] < 0:
        return None
    return "DMY" if positions["D"] < positions["M"] else ("YMD" if 0 <= positions["Y"] < positions["M"] else "MDY")


def is_strftime(date_format: str | None) -> bool:
    return bool(date_format) and "%" in date_format


def _day_month_formats(order: str, year: str) -> list[str]:
    """strptime formats for d/m/y cells; YMD only changes two-digit forms (24/01/31 = 2024-01-31)."""
    if order == "YMD":
        order = "MDY" if year == "%Y" else order
    date_part = {"DMY": f"%d/%m/{year}", "MDY": f"%m/%d/{year}", "YMD": "%y/%m/%d"}[order]
    return [date_part + suffix for suffix in _TIME_SUFFIXES]


def timestamp(cell: str, sql_type: str, order: str, patterns: set[str] | None = None,
              user_format: str | None = None) -> Parsed:
    """TIMESTAMP from ISO, YYYYMMDD, dd/mm or mm/dd (per `order`), DD-MON-YYYY, Excel serials...

    `patterns` limits the CASE to the patterns a column was seen to hold (faster; none: the plain cast
    every cell would fall through to); None = all.
    """
    kind = base_type(sql_type)
    if kind == "TIMESTAMP":
        return Parsed(cell, None)
    if kind == "TIMESTAMPTZ":
        return Parsed(f"timezone('UTC', {cell})", None)
    if kind == "DATE":
        return Parsed(f"CAST({cell} AS TIMESTAMP)", None)
    t = as_text(cell, sql_type)
    branches = {
        "zero": f"TIMESTAMP '{ZERO_DATE_SENTINEL}'",
        "YYYYMMDD": f"try_strptime({t}, '%Y%m%d')",
        "YYYYMMDDHHMMSS": f"try_strptime({t}, '%Y%m%d%H%M%S')",
        "YYYY-MM-DD": f"TRY_CAST(regexp_replace({t}, '^(\\d{{4}})[/.](\\d{{1,2}})[/.](\\d{{1,2}})', '\\1-\\2-\\3') "
                      "AS TIMESTAMP)",
        "dd/mm/yyyy": f"try_strptime({_slashed(t)}, {sql_list(_day_month_formats(order, '%Y'))})",
        "dd/mm/yy": f"try_strptime({_slashed(t)}, {sql_list(_day_month_formats(order, '%y'))})",
        "DD-MON-YYYY": _month_name_date(t, ("%d-%b-%Y", "%d-%B-%Y")),
        "DD-MON-YY": _month_name_date(t, ("%d-%b-%y", "%d-%B-%y")),
        "MON DD, YYYY": f"try_strptime(regexp_replace({t}, '[.,]', '', 'g'), "
                        f"{sql_list([d + s for d in ('%b %d %Y', '%B %d %Y') for s in _TIME_SUFFIXES])})",
        "Excel serial": f"TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST({t} AS DOUBLE) * 86400000000) "
                        "AS BIGINT))",
    }
    whens = " ".join(f"WHEN regexp_full_match({t}, '{DATE_PATTERNS[name]}') THEN {sql}"
                     for name, sql in branches.items() if patterns is None or name in patterns)
    parsed = f"CASE {whens} ELSE TRY_CAST({t} AS TIMESTAMP) END" if whens else f"TRY_CAST({t} AS TIMESTAMP)"
    if is_strftime(user_format):
        parsed = f"coalesce(try_strptime({t}, {quote_literal(user_format)}), {parsed})"
    return Parsed(parsed, "as a date")


def _month_name_date(t: str, date_formats: tuple[str, ...]) -> str:
    """31-JAN-2024, 31 Jan 2024, 31-JAN-24 10:00:00 (separators made '-' up to the time)."""
    normalised = f"regexp_replace({t}, '^(\\d{{1,2}})[- ]([A-Za-z]+)[- ,]+(\\d+)', '\\1-\\2-\\3')"
    return f"try_strptime({normalised}, {sql_list([d + s for d in date_formats for s in _TIME_SUFFIXES])})"


def drop_impossible(value: str) -> str:
    """Year 0 and BC dates (strptime accepts '0000-01-01') are not dates a ledger can hold."""
    return f"CASE WHEN {value} >= TIMESTAMP '{ZERO_DATE_SENTINEL}' THEN {value} END"


def _slashed(t: str) -> str:
    return f"regexp_replace({t}, '^(\\d{{1,2}})[-.](\\d{{1,2}})[-.]', '\\1/\\2/')"


def time_of_day(cell: str, sql_type: str) -> Parsed:
    """TIME from HHMMSS integers that lost their leading zero (91500 = 09:15:00), HH:MM[:SS] [AM/PM],
    Sage HHMMSSff, Excel day fractions or a full timestamp."""
    kind = base_type(sql_type)
    if kind == "TIME":
        return Parsed(cell, None)
    if kind in ("TIMESTAMP", "TIMESTAMPTZ"):
        return Parsed(f"CAST({cell} AS TIME)", None)
    t = as_text(cell, sql_type)
    value = (
        f"CASE WHEN regexp_full_match({t}, '\\d{{1,6}}') THEN CAST(try_strptime(lpad({t}, 6, '0'), '%H%M%S') AS TIME) "
        f"WHEN regexp_full_match({t}, '\\d{{7,8}}') THEN CAST(try_strptime(left(lpad({t}, 8, '0'), 6), '%H%M%S') AS TIME) "
        f"WHEN regexp_full_match({t}, '0?\\.\\d+') THEN CAST(TIMESTAMP '2000-01-01' + "
        f"to_microseconds(CAST(round(CAST({t} AS DOUBLE) * 86400000000) AS BIGINT)) AS TIME) "
        f"WHEN regexp_full_match({t}, '\\d{{1,2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?') THEN TRY_CAST({t} AS TIME) "
        f"WHEN regexp_full_match({t}, '\\d{{1,2}}:\\d{{2}}(:\\d{{2}})? ?[AaPp][Mm]') THEN CAST(try_strptime(upper({t}), "
        f"['%I:%M:%S %p', '%I:%M %p', '%I:%M:%S%p', '%I:%M%p']) AS TIME) "
        f"ELSE CAST(TRY_CAST({t} AS TIMESTAMP) AS TIME) END"
    )
    return Parsed(value, "as a time of day")


# --- profiling: what the data says about day-month order and decimal commas ---------------------

def evidence_key(cell: str) -> str:
    """What a text date is profiled as: itself, or one stand-in for every ISO date(-time) with a year
    from 1000 (each gives exactly the stand-in's evidence: the YYYY-MM-DD pattern and nothing else), so
    a column of distinct timestamps profiles as a handful of values, not one per row."""
    iso = r"[1-9]\d{3}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?"
    return f"CASE WHEN regexp_full_match({cell}, '{iso}') THEN '2000-01-01' ELSE {cell} END"


def day_month_evidence_sql(cell: str, weight: str) -> dict[str, str]:
    """Aggregates (name -> SQL) over distinct text dates (`weight` = rows holding each) that tell
    DD/MM from MM/DD, and how many rows hold each known pattern."""
    slashed = f"regexp_full_match({cell}, '\\d{{1,2}}[-/.]\\d{{1,2}}[-/.]\\d{{2,4}}( .*)?')"
    first = f"TRY_CAST(regexp_extract({cell}, '^(\\d{{1,2}})', 1) AS INTEGER)"
    second = f"TRY_CAST(regexp_extract({cell}, '^\\d{{1,2}}[-/.](\\d{{1,2}})', 1) AS INTEGER)"

    def rows(condition: str) -> str:
        return f"coalesce(sum({weight}) FILTER (WHERE {condition}), 0)"

    return {
        "slashed": rows(slashed),
        "first_over_12": rows(f"{slashed} AND {first} > 12"),
        "second_over_12": rows(f"{slashed} AND {second} > 12"),
        "dotted": rows(f"{slashed} AND regexp_matches({cell}, '^\\d{{1,2}}\\.')"),
        "example": f"min({cell}) FILTER (WHERE {slashed})",
        **{f"pattern:{name}": rows(f"regexp_full_match({cell}, '{regex}')") for name, regex in DATE_PATTERNS.items()},
    }


@dataclass
class DayMonthDecision:
    order: str
    warning: str | None
    formats: list[str]


def decide_day_month(column: str, counts: dict[str, int], convention: str, convention_reason: str,
                     user_order: str | None, example: str | None) -> DayMonthDecision:
    """Day-month order for a text date column: from --date-format, else from the data, else the
    layout's convention with a warning (never silently)."""
    seen = [name for name in DATE_PATTERNS if counts.get(f"pattern:{name}", 0) and name != "zero"]
    slashed, first, second = counts["slashed"], counts["first_over_12"], counts["second_over_12"]
    warning = None
    if user_order:
        order = user_order
    elif not slashed:
        order = convention
    elif first and not second:
        order = "DMY"
    elif second and not first:
        order = "MDY"
    elif first and second:
        order = "DMY" if first >= second else "MDY"
        warning = (f"{column}: {first} dates read as DD/MM and {second} as MM/DD disagree; read all as "
                   f"{_order_words(order)}, so the others are rejected (pass --date-format to choose)")
    else:
        order = "DMY" if counts["dotted"] * 2 > slashed else convention
        why = "dates with dots are day-first" if order == "DMY" and counts["dotted"] * 2 > slashed else convention_reason
        other = "MDY" if order == "DMY" else "DMY"
        warning = (f"{column}: dates like {example} are ambiguous; read as {_order_words(order)} because {why}; "
                   f"pass --date-format {other} to change")
    formats = [_pattern_words(name, order) for name in seen]
    return DayMonthDecision(order, warning, formats)


def _order_words(order: str) -> str:
    return {"DMY": "DD/MM/YYYY", "MDY": "MM/DD/YYYY", "YMD": "YY/MM/DD"}[order]


def _pattern_words(name: str, order: str) -> str:
    if name == "dd/mm/yyyy":
        return _order_words(order)
    if name == "dd/mm/yy":
        return _order_words(order).replace("YYYY", "YY")
    return name
