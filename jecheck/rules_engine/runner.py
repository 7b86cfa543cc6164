"""Run rules against a loaded ledger: every finding is built by DuckDB into the `findings` table."""

from __future__ import annotations

import queue
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping

import duckdb

from .. import db, views
from ..db import quote_ident, quote_literal
from ..errors import UsageError, first_line
from ..schema import LINE_COLUMN_NAMES
from .config import RunConfig
from .model import CONTEXT_OPTIONS, SEVERITIES, Rule, RuleSet
from .sqlcheck import single_select_problem
from .validate import PLACEHOLDER

FINDINGS_DDL = """
    CREATE OR REPLACE TABLE findings (
        rule_id VARCHAR, category VARCHAR, severity VARCHAR, journal_id VARCHAR, line_no INTEGER,
        message VARCHAR, evidence VARCHAR, suppressed BOOLEAN,
        suppression_justification VARCHAR, suppression_reviewer VARCHAR
    )
"""
NULL_TEXT = "(none)"  # how a NULL evidence value reads inside a message


@dataclass
class RuleOutcome:
    """What happened to one rule in a run. `hits` counts unsuppressed findings.

    status: 'ran', 'skipped' (skipped_reason says why: missing column or context, not selected,
    disabled) or 'error' (the SQL failed at run time; skipped_reason holds the one-sentence reason).
    """

    id: str
    title: str
    category: str
    severity: str
    status: str
    skipped_reason: str | None = None
    hits: int = 0
    suppressed_hits: int = 0
    duration_s: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)
    pack: str = ""
    pack_version: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


class RuleRunError(Exception):
    """A rule's SQL failed or returned the wrong shape; the message is one sentence."""


def requirement_gap(rule: Rule, available_columns: Iterable[str], available_context: Iterable[str]) -> str | None:
    """Why the ledger cannot support `rule` (a skip reason), or None when everything it needs is there."""
    have_columns, have_context = set(available_columns), set(available_context)
    missing_columns = [c for c in rule.requires_columns if c not in have_columns]
    missing_context = [c for c in rule.requires_context if c not in have_context]
    reasons = []
    if missing_columns:
        noun = "column" if len(missing_columns) == 1 else "columns"
        reasons.append(f"needs {noun} {', '.join(missing_columns)} (not in this ledger)")
    for name in missing_context:
        reasons.append(f"needs context {name} ({CONTEXT_OPTIONS[name]})")
    return "; ".join(reasons) or None


def bind_values(rule: Rule, params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter values as DuckDB binds them: numbers as float, lists as VARCHAR[]."""
    return {name: float(params[name]) if spec.type == "number" else params[name]
            for name, spec in rule.params.items()}


def _display_expr(column: str, sql_type: str) -> str:
    """SQL text rendering one result column inside a message (amounts without trailing zeros)."""
    col = quote_ident(column)
    if sql_type.startswith("DECIMAL"):
        text = f"CASE WHEN {col} = round({col}, 2) THEN CAST(round({col}, 2) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END"
    elif sql_type in ("DOUBLE", "FLOAT", "REAL"):
        text = f"CAST(round({col}, 4) AS VARCHAR)"
    else:
        text = f"CAST({col} AS VARCHAR)"
    return f"coalesce({text}, {quote_literal(NULL_TEXT)})"


def _message_expr(template: str, types: dict[str, str]) -> str:
    """The message template as SQL string building: literal text quoted, placeholders formatted."""
    parts, position = [], 0
    for match in PLACEHOLDER.finditer(template):
        if match.start() > position:
            parts.append(quote_literal(template[position:match.start()]))
        parts.append(_display_expr(match.group(1), types[match.group(1)]))
        position = match.end()
    if position < len(template):
        parts.append(quote_literal(template[position:]))
    built = f"concat({', '.join(parts)})" if parts else "''"
    if "message" in types:
        return f"coalesce(CAST({quote_ident('message')} AS VARCHAR), {built})"
    return built


def execute_rule(con: duckdb.DuckDBPyConnection, rule: Rule, params: Mapping[str, Any], severity: str) -> int:
    """Run one rule and append its findings; returns how many. RuleRunError on failure (nothing appended).

    The rule's query feeds one INSERT into `findings` (its column types, which shape the message,
    come from DESCRIBE, which binds without running). The SQL is checked with DuckDB's parser alone
    and inside each statement that embeds it, and the parsed statement is what runs, so only one
    query ever runs, even for a rule that never went through the loader's validation.
    """
    problem = single_select_problem(rule.sql)
    if problem:
        raise RuleRunError(f"the rule was not run: {problem}")
    values = bind_values(rule, params) or None
    source = f"(\n{rule.sql}\n) AS rule_result"
    describe = _one_statement(con, f"DESCRIBE SELECT * FROM {source}", duckdb.StatementType.SELECT)
    try:
        types = {name: sql_type for name, sql_type, *_ in con.execute(describe, values).fetchall()}
    except duckdb.Error as exc:
        raise _run_failure(exc) from exc
    needed = [rule.key_column] + (["line_no"] if rule.grain == "line" else [])
    needed += [p for p in PLACEHOLDER.findall(rule.message) if p not in needed]
    missing = [c for c in needed if c not in types]
    if missing:
        raise RuleRunError(f"the SQL returned no column {', '.join(missing)} (it returned {', '.join(types)})")
    not_evidence = {"message"} | ({"journal_id"} if rule.grain != "account" else set())
    if rule.grain == "line":
        not_evidence.add("line_no")
    evidence = [c for c in types if c not in not_evidence]
    evidence_sql = "json_object(" + ", ".join(f"{quote_literal(c)}, {quote_ident(c)}" for c in evidence) + ")"
    journal_sql = "CAST(NULL AS VARCHAR)" if rule.grain == "account" else "CAST(journal_id AS VARCHAR)"
    line_sql = "CAST(line_no AS INTEGER)" if rule.grain == "line" else "CAST(NULL AS INTEGER)"
    insert = _one_statement(con, f"""INSERT INTO findings
        SELECT {quote_literal(rule.id)}, {quote_literal(rule.category)}, {quote_literal(severity)},
               {journal_sql}, {line_sql}, {_message_expr(rule.message, types)}, CAST({evidence_sql} AS VARCHAR),
               false, NULL, NULL
        FROM {source}""", duckdb.StatementType.INSERT)
    try:
        return con.execute(insert, values).fetchall()[0][0]
    except duckdb.Error as exc:
        raise _run_failure(exc) from exc


def _one_statement(con: duckdb.DuckDBPyConnection, sql: str, kind: duckdb.StatementType) -> duckdb.Statement:
    """`sql` parsed, when it is exactly one statement of `kind`; else the rule is not run."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error:
        statements = []
    if len(statements) != 1 or statements[0].type != kind:
        raise RuleRunError("the rule was not run: SQL must be one self-contained query")
    return statements[0]


def _run_failure(exc: duckdb.Error) -> Exception:
    """The error to raise for a DuckDB failure while running a rule: Ctrl-C stays an interrupt."""
    if isinstance(exc, duckdb.InterruptException):
        return KeyboardInterrupt()
    first = first_line(exc)
    if isinstance(exc, duckdb.PermissionException):
        return RuleRunError(f"the SQL tried to reach a file, database, extension or the network, "
                            f"which rule SQL may not do ({first})")
    return RuleRunError(f"the SQL failed: {first}")


def run_rules(
    con: duckdb.DuckDBPyConnection,
    ruleset: RuleSet | Iterable[Rule],
    config: RunConfig | None = None,
    *,
    available_columns: Iterable[str] | Mapping[str, int] | None = None,
    available_context: Iterable[str] | None = None,
    workers: int = 1,
) -> list[RuleOutcome]:
    """Run every rule the config lets run; (re)create `findings`; apply suppressions.

    Skipped rules (missing columns or context, not selected, disabled) and rules whose SQL fails
    are reported in the outcomes and never stop the run. `available_columns` (names, or counts per
    column) and `available_context` default to what the connection holds. Stale suppressions
    (matching no finding of a rule that ran) are left in `config.stale_suppressions`.

    `workers` > 1 runs that many rules at a time, each on its own cursor (never more than DuckDB's
    thread limit); each outcome's `duration_s` is then its wall time shared with the rules beside
    it. One at a time is the default for library callers; the scan asks for two (on an idle 2-core
    machine that took the 1M-line rules stage from 4.7 to 3.6 s).
    """
    rules = list(ruleset)
    config = config or RunConfig()
    config.validate(ruleset if isinstance(ruleset, RuleSet) else RuleSet(list(rules), []))
    if available_columns is None:
        available_columns = views.column_counts(con)
    if isinstance(available_columns, Mapping):
        available_columns = [name for name, count in available_columns.items() if count]
    columns = set(available_columns) & set(LINE_COLUMN_NAMES)
    context = set(views.context_present(con) if available_context is None else available_context)

    con.execute(FINDINGS_DDL)
    outcomes, runnable = [], []
    for rule in rules:
        params = config.params(rule)
        outcome = RuleOutcome(rule.id, rule.title, rule.category, config.severity(rule), "skipped",
                              params=params, pack=rule.pack.name, pack_version=rule.pack.version)
        outcome.skipped_reason = config.not_run_reason(rule) or requirement_gap(rule, columns, context)
        if outcome.skipped_reason is None:
            runnable.append((rule, outcome))
        outcomes.append(outcome)
    if workers > 1:
        workers = min(workers, con.execute("SELECT current_setting('threads')").fetchall()[0][0])
    _run_concurrently(con, runnable, workers)
    # One order of findings, whichever order the rules (and their threads) produced them in.
    con.execute("CREATE OR REPLACE TABLE findings AS SELECT * FROM findings "
                "ORDER BY rule_id, journal_id NULLS FIRST, line_no NULLS FIRST, message, evidence")
    _apply_suppressions(con, config, outcomes)
    return outcomes


def _run_one(con: duckdb.DuckDBPyConnection, rule: Rule, outcome: RuleOutcome) -> None:
    start = time.perf_counter()
    try:
        outcome.hits = execute_rule(con, rule, outcome.params, outcome.severity)
        outcome.status = "ran"
    except RuleRunError as exc:
        outcome.status, outcome.skipped_reason = "error", str(exc)
    outcome.duration_s = round(time.perf_counter() - start, 4)


def _run_concurrently(con: duckdb.DuckDBPyConnection, jobs: list[tuple[Rule, RuleOutcome]], workers: int) -> None:
    """Run the rules `workers` at a time, each on a cursor of `con`; Ctrl-C interrupts them all."""
    if workers <= 1 or len(jobs) <= 1:
        for rule, outcome in jobs:
            _run_one(con, rule, outcome)
        return
    threads = min(workers, len(jobs))
    idle: queue.SimpleQueue = queue.SimpleQueue()

    def run(rule: Rule, outcome: RuleOutcome) -> None:
        cursor = idle.get()
        try:
            _run_one(cursor, rule, outcome)
        finally:
            idle.put(cursor)

    # The pool is shut down (its threads done) before the stack closes the cursors.
    with ExitStack() as stack, ThreadPoolExecutor(threads, thread_name_prefix="jecheck-rule") as pool:
        cursors = [stack.enter_context(db.cursor(con)) for _ in range(threads)]
        for cursor in cursors:
            idle.put(cursor)
        futures = [pool.submit(run, rule, outcome) for rule, outcome in jobs]
        try:
            pending = set(futures)
            while pending:  # waking now and then lets Ctrl-C reach this (main) thread
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_EXCEPTION)
                for future in done:
                    future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            for cursor in cursors:
                cursor.interrupt()
            raise


def _apply_suppressions(con: duckdb.DuckDBPyConnection, config: RunConfig, outcomes: list[RuleOutcome]) -> None:
    config.stale_suppressions = []
    if not config.suppressions:
        return
    con.execute("""CREATE OR REPLACE TEMP TABLE _jecheck_suppressions (
        entry INTEGER, rule_id VARCHAR, journal_id VARCHAR, account VARCHAR, justification VARCHAR, reviewer VARCHAR)""")
    con.executemany(
        "INSERT INTO _jecheck_suppressions VALUES (?, ?, ?, ?, ?, ?)",
        [[i, s.rule_id, s.journal_id, s.account, s.justification, s.reviewer]
         for i, s in enumerate(config.suppressions)],
    )
    matches = """f.rule_id = s.rule_id AND CASE WHEN s.journal_id IS NOT NULL THEN f.journal_id = s.journal_id
                 ELSE json_extract_string(f.evidence, '$.account') = s.account END"""
    # The first entry wins when several name the same finding, so the justification is deterministic.
    con.execute(f"""
        UPDATE findings f SET suppressed = true, suppression_justification = s.justification,
                              suppression_reviewer = s.reviewer
        FROM (SELECT f.rowid AS finding, min_by(s.justification, s.entry) AS justification,
                     min_by(s.reviewer, s.entry) AS reviewer
              FROM findings f JOIN _jecheck_suppressions s ON {matches} GROUP BY f.rowid) s
        WHERE f.rowid = s.finding
    """)
    matched = {entry for (entry,) in con.execute(
        f"SELECT s.entry FROM _jecheck_suppressions s WHERE EXISTS (SELECT 1 FROM findings f WHERE {matches})"
    ).fetchall()}
    con.execute("DROP TABLE _jecheck_suppressions")
    ran = {o.id for o in outcomes if o.status == "ran"}
    config.stale_suppressions = [s for i, s in enumerate(config.suppressions) if i not in matched and s.rule_id in ran]
    counts = dict(con.execute(
        "SELECT rule_id, count(*) FROM findings WHERE suppressed GROUP BY rule_id").fetchall())
    for outcome in outcomes:
        outcome.suppressed_hits = counts.get(outcome.id, 0)
        outcome.hits -= outcome.suppressed_hits


def exit_code_for(items: Iterable[RuleOutcome | Mapping[str, Any]], fail_on: str | None) -> int:
    """1 when any unsuppressed finding has severity at or above `fail_on`, else 0 ('never'/None: always 0).

    `items` are RuleOutcomes (their unsuppressed hits count) or findings as mappings with
    `severity` and `suppressed`.
    """
    if fail_on in (None, "never"):
        return 0
    if fail_on not in SEVERITIES:
        raise UsageError(f"--fail-on must be one of {', '.join(SEVERITIES)} or never, not {fail_on!r}")
    threshold = SEVERITIES.index(fail_on)
    for item in items:
        if isinstance(item, RuleOutcome):
            counts = item.status == "ran" and item.hits > 0
            severity = item.severity
        else:
            counts = not item.get("suppressed")
            severity = item["severity"]
        if counts and SEVERITIES.index(severity) >= threshold:
            return 1
    return 0
