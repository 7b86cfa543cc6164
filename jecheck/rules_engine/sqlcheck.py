"""Static checks on a rule's SQL: one read-only query over allowed tables, portable to Spark SQL."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ..errors import first_line
from .model import ALLOWED_TABLES

# Scalar functions that read the process's environment or change connection state, not the ledger.
FORBIDDEN_FUNCTIONS = frozenset({"getenv", "current_setting", "setseed", "nextval", "currval"})


@dataclass(frozen=True)
class SqlFacts:
    parameters: frozenset[str]  # $names the query uses
    output_columns: tuple[str, ...] | None  # None when a `*` hides them


class SqlProblem(Exception):
    """One sentence saying what is wrong with the SQL and what to do instead."""


def check_sql(sql: str, *, check_portability: bool = True) -> SqlFacts:
    """Parse `sql` as DuckDB, enforce the rule-SQL contract, and return what the validator needs.

    `check_portability` also generates the Spark SQL to prove it translates; `jecheck rules lint`
    and `rules test` do, a scan skips it (it is most of the cost of loading a pack).
    """
    import sqlglot  # imported here: a scan of the built-in pack never needs it (see checked_sql.py)
    from sqlglot import exp

    # DuckDB's parser has the last word (it runs the text); sqlglot's messages are more specific.
    try:
        duckdb_statements, duckdb_error = duckdb.extract_statements(sql), None
    except duckdb.Error as exc:
        duckdb_statements, duckdb_error = [], exc
    problem = None if duckdb_error else _select_problem(duckdb_statements)
    if problem:
        raise SqlProblem(problem)
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError as exc:
        raise SqlProblem(f"SQL does not parse: {first_line(exc)}") from exc
    if len(statements) != 1:
        raise SqlProblem(f"SQL must be exactly one query, found {len(statements)} statements")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise SqlProblem(f"SQL must be a SELECT query, not {tree.key.upper()}")

    # One walk over the tree collects everything checked below.
    nodes: dict[type, list] = {kind: [] for kind in (exp.CTE, exp.Table, exp.Join, exp.Qualify,
                                                      exp.Comprehension, exp.Placeholder, exp.Anonymous)}
    for node in tree.walk():
        bucket = nodes.get(type(node))
        if bucket is not None:
            bucket.append(node)
    cte_names = {cte.alias_or_name.lower() for cte in nodes[exp.CTE]}
    for table in nodes[exp.Table]:
        if not isinstance(table.this, exp.Identifier):
            if isinstance(table.this, exp.GenerateSeries):
                continue
            raise SqlProblem(f"SQL may not call table function {table.this.sql('duckdb')[:40]!r}; "
                             "read the canonical views only")
        if table.args.get("db") or table.args.get("catalog"):
            raise SqlProblem(f"SQL names table {table.sql('duckdb')!r} with a schema; use the bare view name")
        name = table.name.lower()
        if any(mark in name for mark in "/\\.:"):
            raise SqlProblem(f"SQL reads the file {table.name!r}; rules may read the canonical views only")
        if name not in ALLOWED_TABLES and name not in cte_names:
            raise SqlProblem(f"SQL reads table {table.name!r}, which rules may not read; "
                             f"allowed: {', '.join(sorted(ALLOWED_TABLES))}")
    for call in nodes[exp.Anonymous]:
        if call.name.lower() in FORBIDDEN_FUNCTIONS:
            raise SqlProblem(f"SQL may not call {call.name}(): rules read the ledger, not the environment "
                             "or the connection's state")
    for join in nodes[exp.Join]:
        if (join.args.get("method") or "").upper() == "ASOF":
            raise SqlProblem("SQL uses an ASOF join, which Spark lacks; use a window function or a range join")
    if nodes[exp.Qualify]:
        raise SqlProblem("SQL uses QUALIFY, which Spark lacks; filter a window function in an outer query")
    if nodes[exp.Comprehension]:
        raise SqlProblem("SQL uses a list comprehension, which Spark lacks; use standard SQL")

    parameters = set()
    for placeholder in nodes[exp.Placeholder]:
        name = placeholder.args.get("this")
        if not name:
            raise SqlProblem("SQL uses a positional ? parameter; name it, e.g. $threshold")
        parameters.add(str(name))

    if check_portability:
        try:
            tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
        except sqlglot.errors.SqlglotError as exc:
            raise SqlProblem(f"SQL does not translate to Spark SQL: {first_line(exc)}") from exc

    if duckdb_error:
        raise SqlProblem(f"SQL does not parse in DuckDB: {first_line(duckdb_error)}")

    selects = tree.selects
    if any(isinstance(s, exp.Star) or (isinstance(s, exp.Column) and isinstance(s.this, exp.Star))
           for s in selects):
        output = None
    else:
        output = tuple(s.alias_or_name for s in selects)
    return SqlFacts(frozenset(parameters), output)


def single_select_problem(sql: str) -> str | None:
    """Why DuckDB would not run `sql` as exactly one SELECT query, or None when it would.

    The scan checks this again just before running a rule, so a rule that bypassed the loader can
    still never run a second statement, DDL or a settings change.
    """
    try:
        return _select_problem(duckdb.extract_statements(sql))
    except duckdb.Error as exc:
        return f"SQL does not parse: {first_line(exc)}"


def _select_problem(statements: list) -> str | None:
    if len(statements) != 1:
        kinds = ", ".join(s.type.name for s in statements)
        return f"SQL must be exactly one query, found {len(statements)} statements ({kinds or 'none'})"
    if statements[0].type != duckdb.StatementType.SELECT:
        return f"SQL must be a SELECT query, not {statements[0].type.name}"
    return None


