"""check_sql's verdicts on the SQL jecheck ships, recorded so a scan need not walk that SQL again.

Walking SQL with sqlglot is most of the cost of loading a pack. `checked_sql.json` holds, for each
built-in rule's SQL (by SHA-256), what `check_sql` returned for it; a test proves the file matches
the rules, and `python -m jecheck.rules_engine.record_checked_sql` rewrites it after rule SQL changes.
Any SQL not found there (an edited built-in rule, another pack's rule) is walked in full, and every
rule is still checked again by DuckDB's parser just before it runs, inside the locked-down database.

It also lists the built-in rule files (by SHA-256 of their text) that passed validation in full,
inline test cases included: a scan reads those files without their test cases (parsing the cases'
YAML is most of the rest of the cost), and the cases are read when something asks for them.
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


def validated_rule_file(text: str) -> bool:
    """True when a rule file with exactly this text passed validation in full, test cases included."""
    return _sql_key(text) in _validated_rule_files()


def checked_sql_document(sqls: Iterable[str], validated_rule_files: Iterable[str] = ()) -> dict:
    """checked_sql.json's content for these SQL texts, each checked in full (SqlProblem if one fails), and
    for the texts of rule files the caller validated in full."""
    checked = {}
    for sql in sqls:
        facts = check_sql(sql)
        checked[_sql_key(sql)] = {"parameters": sorted(facts.parameters),
                                  "output_columns": None if facts.output_columns is None else list(facts.output_columns)}
    return {"contract": _contract(), "sql": dict(sorted(checked.items())),
            "rule_files_contract": _rule_files_contract(),
            "rule_files": sorted({_sql_key(text) for text in validated_rule_files})}


def _document() -> dict:
    try:
        return json.loads(CHECKED_SQL_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@cache
def _checked_sql() -> dict[str, dict]:
    document = _document()
    # Results proven under other rules for the SQL (or other parsers) prove nothing now.
    return document.get("sql", {}) if document and document.get("contract") == _contract() else {}


@cache
def _validated_rule_files() -> frozenset[str]:
    document = _document()
    if not document or document.get("rule_files_contract") != _rule_files_contract():
        return frozenset()
    return frozenset(document.get("rule_files", ()))


def _sql_key(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


def _contract() -> str:
    """What check_sql's verdict depends on besides the SQL text: its code, its lists, the parsers."""
    checker = Path(sqlcheck.__file__).read_bytes()
    terms = [*sorted(ALLOWED_TABLES), *sorted(FORBIDDEN_FUNCTIONS), duckdb.__version__, version("sqlglot")]
    return hashlib.sha256(checker + "\n".join(terms).encode()).hexdigest()


@cache
def _rule_files_contract() -> str:
    """What a rule file's validation depends on besides its text: the validating code and the schema."""
    from .. import schema
    from . import model, validate, yamlfile

    code = b"".join(Path(module.__file__).read_bytes() for module in (validate, model, yamlfile, schema))
    return hashlib.sha256(code + _contract().encode()).hexdigest()
