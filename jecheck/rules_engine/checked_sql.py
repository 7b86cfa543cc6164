"""check_sql's verdicts on the SQL jecheck ships, recorded so a scan need not walk that SQL again.

Walking SQL with sqlglot is most of the cost of loading a pack. `checked_sql.json` holds, for each
built-in rule's SQL (by SHA-256), what `check_sql` returned for it; a test proves the file matches
the rules, and `python -m jecheck.rules_engine.record_checked_sql` rewrites it after rule SQL changes.
Any SQL not found there (an edited built-in rule, another pack's rule) is walked in full, and every
rule is still checked again by DuckDB's parser just before it runs, inside the locked-down database.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Iterable

import duckdb

from .model import ALLOWED_TABLES
from . import sqlcheck
from .sqlcheck import FORBIDDEN_FUNCTIONS, SqlFacts, check_sql

CHECKED_SQL_FILE = Path(__file__).with_name("checked_sql.json")


def known_facts(sql: str) -> SqlFacts | None:
    """What `check_sql(sql)` returns, when `sql` is SQL jecheck ships and checked; else None (walk it)."""
    entry = _checked_sql().get(_sql_key(sql))
    if entry is None:
        return None
    columns = entry["output_columns"]
    return SqlFacts(frozenset(entry["parameters"]), None if columns is None else tuple(columns))


def checked_sql_document(sqls: Iterable[str]) -> dict:
    """checked_sql.json's content for these SQL texts: each checked in full (SqlProblem if one fails)."""
    checked = {}
    for sql in sqls:
        facts = check_sql(sql)
        checked[_sql_key(sql)] = {"parameters": sorted(facts.parameters),
                                  "output_columns": None if facts.output_columns is None else list(facts.output_columns)}
    return {"contract": _contract(), "sql": dict(sorted(checked.items()))}


@cache
def _checked_sql() -> dict[str, dict]:
    try:
        document = json.loads(CHECKED_SQL_FILE.read_text(encoding="utf-8"))
        contract = _contract()
    except (OSError, ValueError):
        return {}
    # Results proven under other rules for the SQL (or other parsers) prove nothing now.
    return document.get("sql", {}) if document.get("contract") == contract else {}


def _sql_key(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


def _contract() -> str:
    """What check_sql's verdict depends on besides the SQL text: its code, its lists, the parsers."""
    checker = Path(sqlcheck.__file__).read_bytes()
    terms = [*sorted(ALLOWED_TABLES), *sorted(FORBIDDEN_FUNCTIONS), duckdb.__version__, version("sqlglot")]
    return hashlib.sha256(checker + "\n".join(terms).encode()).hexdigest()
