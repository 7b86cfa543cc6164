"""Inline test cases: each case builds a fresh ledger, views and lock-down exactly as a scan does,
runs its rule through the engine, and checks which journals were and were not flagged."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

import duckdb

from .. import db, views
from ..db import quote_ident
from ..errors import JecheckError, RuleError, first_line
from ..schema import CONTEXT_TABLES, LINE_COLUMNS, Column, create_table_sql
from .loader import PACK_FILE
from .model import Pack, Rule, TestCase
from .runner import FINDINGS_DDL, RuleRunError, execute_rule, requirement_gap
from .yamlfile import display_path


@dataclass
class CaseResult:
    rule_id: str
    case: str
    location: str  # file:line of the case
    passed: bool = False
    problems: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    skipped_reason: str | None = None
    duration_s: float = 0.0

    __test__ = False  # not a pytest class


def _cell(value: Any, column: Column) -> Any:
    """A YAML value as DuckDB should receive it: text columns as text, amounts as exact decimals."""
    if value is None:
        return None
    if column.kind == "text":
        return str(value).lower() if isinstance(value, bool) else str(value)
    if column.kind == "amount" and isinstance(value, float):
        return Decimal(repr(value))
    return value


def load_case_tables(con: duckdb.DuckDBPyConnection, case: TestCase) -> None:
    """Create `lines` and the ctx_* tables a case gives rows for, and insert its rows."""
    tables = {"lines": LINE_COLUMNS, **{f"ctx_{name}": cols for name, cols in CONTEXT_TABLES.items()}}
    con.execute(create_table_sql("lines", LINE_COLUMNS))
    for given_name, rows in case.given.items():
        table = given_name if given_name == "lines" else f"ctx_{given_name}"
        schema = tables[table]
        if table != "lines":
            con.execute(create_table_sql(table, schema))
        if not rows:
            continue
        used = [c for c in schema if any(c.name in row for row in rows)]
        if not used:
            continue
        columns = ", ".join(quote_ident(c.name) for c in used)
        marks = ", ".join("?" for _ in used)
        try:
            con.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                            [[_cell(row.get(c.name), c) for c in used] for row in rows])
        except duckdb.Error as exc:
            raise RuleError(f"given.{given_name}: a value does not fit its column ({first_line(exc)})") from exc


@contextmanager
def _case_database(case: TestCase) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[str], list[str]]]:
    """A fresh in-memory database holding the case's ledger, views and findings table, locked down as a
    scan's is; with the columns and context files the case fills. Closed on leaving."""
    con = db.connect(threads=1)  # tiny tables: one thread avoids scheduling overhead
    try:
        load_case_tables(con, case)
        views.create_views(con, views.ViewOptions(**case.options))
        db.lock_down(con)
        columns = [name for name, count in views.column_counts(con).items() if count]
        context = views.context_present(con)
        con.execute(FINDINGS_DDL)
        yield con, columns, context
    finally:
        con.close()


def _run_on_case(result: CaseResult, case: TestCase,
                 check: Callable[[duckdb.DuckDBPyConnection, list[str], list[str]], None]) -> CaseResult:
    """Run `check(con, columns, context)` on the case's database; it records its problems in `result`. An
    error building or running counts as one. Returns `result`, its verdict and duration set."""
    start = time.perf_counter()
    try:
        with _case_database(case) as (con, columns, context):
            check(con, columns, context)
    except (JecheckError, RuleRunError, duckdb.Error) as exc:
        result.problems.append(f"could not run: {first_line(exc)}")
    result.passed = not result.problems
    result.duration_s = round(time.perf_counter() - start, 4)
    return result


def run_case(rule: Rule, case: TestCase) -> CaseResult:
    """Run one inline case in its own in-memory database and compare flagged ids with the expectation."""
    result = CaseResult(rule.id, case.name, f"{display_path(rule.path)}:{case.line}")

    def check(con: duckdb.DuckDBPyConnection, columns: list[str], context: list[str]) -> None:
        result.skipped_reason = requirement_gap(rule, columns, context)
        if result.skipped_reason:
            if case.flags:
                result.problems.append(f"the rule was skipped ({result.skipped_reason}), so it flagged nothing; "
                                       "give the required columns and context in this case")
        else:
            execute_rule(con, rule, {**rule.defaults, **case.params}, rule.severity)
            _check_findings(con, rule, case, result)

    return _run_on_case(result, case, check)


def run_pack_case(pack: Pack, rules: Iterable[Rule], case: TestCase) -> CaseResult:
    """Run every rule of `pack` (among `rules`) at its defaults on one of the pack's cases: each id in
    `flags` must be flagged by some rule, no rule may flag an id in `passes`."""
    result = CaseResult(f"pack {pack.name}", case.name, f"{display_path(pack.path / PACK_FILE)}:{case.line}")

    def check(con: duckdb.DuckDBPyConnection, columns: list[str], context: list[str]) -> None:
        for rule in rules:
            if rule.pack.path == pack.path and requirement_gap(rule, columns, context) is None:
                execute_rule(con, rule, dict(rule.defaults), rule.severity)
        rows = con.execute("SELECT journal_id, rule_id, message FROM findings WHERE journal_id IS NOT NULL "
                           "ORDER BY journal_id, rule_id, message").fetchall()
        result.flagged = sorted({journal for journal, _, _ in rows})
        for expected in case.flags:
            if expected not in result.flagged:
                result.problems.append(f"expected {expected} to be flagged by some rule of the pack; none did")
        for innocent in case.passes:
            hits = [f"{rule_id} ({message})" for journal, rule_id, message in rows if journal == innocent]
            if hits:
                result.problems.append(f"{innocent} must not be flagged by any rule, but was: {'; '.join(hits)}")

    return _run_on_case(result, case, check)


def _check_findings(con: duckdb.DuckDBPyConnection, rule: Rule, case: TestCase, result: CaseResult) -> None:
    key_sql = "json_extract_string(evidence, '$.account')" if rule.grain == "account" else "journal_id"
    rows = con.execute(f"SELECT {key_sql}, message FROM findings ORDER BY 1, message").fetchall()
    keys = [key for key, _ in rows]
    result.flagged = sorted({k for k in keys if k is not None})
    messages = {key: message for key, message in rows}
    if None in keys:
        result.problems.append(f"returned a finding with no {rule.key_column}")
    if any(not message for _, message in rows):
        result.problems.append("returned a finding with an empty message")
    if rule.grain == "journal":
        repeated = sorted(k for k, n in Counter(k for k in keys if k is not None).items() if n > 1)
        if repeated:
            result.problems.append(f"returned {', '.join(repeated)} more than once; a journal-grain rule "
                                   "returns one row per journal")
    for expected in case.flags:
        if expected not in result.flagged:
            result.problems.append(f"expected {expected} to be flagged; it was not")
    for innocent in case.passes:
        if innocent in result.flagged:
            result.problems.append(f"{innocent} must not be flagged, but was: {messages[innocent]}")


def run_inline_tests(rules: Iterable[Rule]) -> list[CaseResult]:
    """Run every inline case of every rule given (a RuleSet or a list of rules), in order."""
    return [run_case(rule, case) for rule in rules for case in rule.tests]


def run_pack_tests(packs: Iterable[Pack], rules: Iterable[Rule]) -> list[CaseResult]:
    """Run each pack's own cases (pack.yaml `tests:`) with that pack's rules among `rules`."""
    rules = list(rules)
    return [run_pack_case(pack, rules, case) for pack in packs for case in pack.tests]


