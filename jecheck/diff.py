"""Compare two scans for the pre-close loop: which findings and review entries are new, gone or changed.

A controller re-runs `jecheck scan` daily before the lock and runs `jecheck diff OLD_DIR NEW_DIR`.
Both folders hold a scan's findings.json; DuckDB reads and joins them.

Findings are matched by rule and journal (for a rule without a journal, such as an account-level
rule, by rule and the `account` in its evidence). Only open findings count: a finding that is
suppressed in the new scan is "gone" (with the suppression's justification), and one whose
suppression was lifted is "new". "Changed" means the same rule and journal, still open, with a
different severity or different lines; a message alone is no change, since many restate population
figures ("1 of 15,017 journals") that move whenever the ledger grows. Review entries are matched by
journal: new to the list, gone from it, or changed when their rule IDs differ.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from . import db
from .errors import DataError, UsageError

SEVERITIES = ("info", "low", "medium", "high")

_COLUMNS = {
    "findings": "STRUCT(rule_id VARCHAR, severity VARCHAR, journal_id VARCHAR, line_no INTEGER, message VARCHAR, "
                "evidence JSON, suppressed BOOLEAN, suppression JSON)[]",
    "review": "STRUCT(rank INTEGER, journal_id VARCHAR, risk_score DOUBLE, anomaly_score DOUBLE, "
              "rule_ids VARCHAR[], reasons VARCHAR[])[]",
    "rules": "STRUCT(id VARCHAR, status VARCHAR)[]",
    "run": "JSON",
}


@dataclass(frozen=True)
class FindingChange:
    """One rule-and-journal pair whose open findings differ between the scans."""

    change: str  # new | gone | changed
    rule_id: str
    journal_id: str
    severity: str
    lines: str
    message: str  # the new scan's message (the old one's for a finding that is gone)
    detail: str


@dataclass(frozen=True)
class ReviewChange:
    """One journal that entered, left or changed on the review list."""

    change: str  # new | gone | changed
    journal_id: str
    old_rank: int | None
    new_rank: int | None
    risk_score: float | None
    old_rule_ids: tuple[str, ...]
    new_rule_ids: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass
class ScanDiff:
    old_dir: str
    new_dir: str
    findings: list[FindingChange]
    review: list[ReviewChange]
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """{"findings": {"new": n, "gone": n, "changed": n}, "review": {...}}."""
        return {
            kind: {change: sum(item.change == change for item in items) for change in ("new", "gone", "changed")}
            for kind, items in (("findings", self.findings), ("review", self.review))
        }

    def new_at_or_above(self, severity: str) -> int:
        """New open findings at or above `severity` ("never" counts nothing)."""
        if severity == "never":
            return 0
        level = SEVERITIES.index(severity)
        return sum(f.change == "new" and f.severity in SEVERITIES and SEVERITIES.index(f.severity) >= level
                   for f in self.findings)

    def to_dict(self) -> dict:
        return {"old": self.old_dir, "new": self.new_dir, "counts": self.counts(), "notes": self.notes,
                "findings": [asdict(f) for f in self.findings], "review": [asdict(r) for r in self.review]}


def diff_scans(old_dir: str | Path, new_dir: str | Path) -> ScanDiff:
    """Compare the findings.json of two scan output folders."""
    con = db.connect()
    try:
        for name, folder in (("old", old_dir), ("new", new_dir)):
            _load(con, name, Path(folder))
        findings = [FindingChange(*row) for row in con.execute(_FINDINGS_SQL).fetchall()]
        review = [ReviewChange(change, journal, old_rank, new_rank, risk, tuple(old_ids or ()), tuple(new_ids or ()),
                               tuple(reasons or ()))
                  for change, journal, old_rank, new_rank, risk, old_ids, new_ids, reasons
                  in con.execute(_REVIEW_SQL).fetchall()]
        notes = _notes(con)
    finally:
        con.close()
    return ScanDiff(str(old_dir), str(new_dir), findings, review, notes)


def _load(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> None:
    path = folder / "findings.json"
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder; give the --out folder of a jecheck scan")
    if not path.is_file():
        raise UsageError(f"{folder} has no findings.json; give the --out folder of a jecheck scan")
    try:
        con.execute(f"""
            CREATE TABLE {name}_scan AS
            SELECT findings, review, rules, run
            FROM read_json($path, columns = $columns, maximum_object_size = $size, format = 'auto')
        """, {"path": str(path), "columns": _COLUMNS, "size": path.stat().st_size + 1024})
    except duckdb.Error as exc:
        raise DataError(f"{path} is not a jecheck findings.json ({str(exc).splitlines()[0]}); "
                        "re-run the scan to rewrite it") from exc
    con.execute(f"""
        CREATE TABLE {name}_findings AS
        SELECT f.rule_id, coalesce(f.journal_id, json_extract_string(f.evidence, '$.account'), '') AS journal_id,
               f.severity, f.line_no, f.message, coalesce(f.suppressed, false) AS suppressed,
               json_extract_string(f.suppression, '$.justification') AS justification
        FROM (SELECT unnest(findings) AS f FROM {name}_scan)
    """)
    con.execute(f"""
        CREATE TABLE {name}_groups AS
        SELECT rule_id, journal_id,
               bool_or(NOT suppressed) AS open,
               arg_max(severity, list_position(['info', 'low', 'medium', 'high'], severity))
                   FILTER (WHERE NOT suppressed) AS severity,
               coalesce(array_to_string(list(DISTINCT line_no ORDER BY line_no)
                   FILTER (WHERE NOT suppressed AND line_no IS NOT NULL), ', '), '') AS lines,
               min(message) FILTER (WHERE NOT suppressed) AS message,
               min(justification) FILTER (WHERE suppressed) AS justification
        FROM {name}_findings GROUP BY rule_id, journal_id
    """)
    con.execute(f"CREATE TABLE {name}_review AS SELECT unnest(review, recursive := true) FROM {name}_scan")


_FINDINGS_SQL = """
    WITH paired AS (
        SELECT coalesce(n.rule_id, o.rule_id) AS rule_id, coalesce(n.journal_id, o.journal_id) AS journal_id,
               coalesce(o.open, false) AS was_open, coalesce(n.open, false) AS is_open,
               o.severity AS old_severity, n.severity AS new_severity, o.lines AS old_lines, n.lines AS new_lines,
               o.message AS old_message, n.message AS new_message, o.journal_id IS NOT NULL AS in_old,
               n.journal_id IS NOT NULL AS in_new, n.justification AS new_justification
        FROM old_groups o FULL OUTER JOIN new_groups n ON o.rule_id = n.rule_id AND o.journal_id = n.journal_id
    ),
    classified AS (
        SELECT *, CASE WHEN is_open AND NOT was_open THEN 'new'
                       WHEN was_open AND NOT is_open THEN 'gone'
                       WHEN is_open AND (old_severity IS DISTINCT FROM new_severity OR old_lines <> new_lines)
                       THEN 'changed' END AS change
        FROM paired
    )
    SELECT change, rule_id, journal_id, coalesce(new_severity, old_severity),
           CASE WHEN change = 'gone' THEN old_lines ELSE new_lines END,
           coalesce(CASE WHEN change = 'gone' THEN old_message ELSE new_message END, ''),
           CASE change
               WHEN 'new' THEN CASE WHEN in_old THEN 'was suppressed' ELSE 'first flagged' END
               WHEN 'gone' THEN CASE WHEN in_new THEN 'suppressed: ' || coalesce(new_justification, '')
                                     ELSE 'no longer flagged' END
               ELSE concat_ws('; ',
                   CASE WHEN old_severity IS DISTINCT FROM new_severity
                        THEN 'severity ' || old_severity || ' -> ' || new_severity END,
                   CASE WHEN old_lines <> new_lines
                        THEN 'lines ' || CASE WHEN old_lines = '' THEN '-' ELSE old_lines END || ' -> '
                             || CASE WHEN new_lines = '' THEN '-' ELSE new_lines END END)
           END
    FROM classified WHERE change IS NOT NULL
    ORDER BY list_position(['new', 'changed', 'gone'], change),
             list_position(['info', 'low', 'medium', 'high'], coalesce(new_severity, old_severity)) DESC NULLS LAST,
             rule_id, journal_id
"""

_REVIEW_SQL = """
    WITH paired AS (
        SELECT coalesce(n.journal_id, o.journal_id) AS journal_id, o.rank AS old_rank, n.rank AS new_rank,
               coalesce(n.risk_score, o.risk_score) AS risk_score,
               list_sort(coalesce(o.rule_ids, [])) AS old_ids, list_sort(coalesce(n.rule_ids, [])) AS new_ids,
               coalesce(n.reasons, o.reasons) AS reasons,
               CASE WHEN o.journal_id IS NULL THEN 'new' WHEN n.journal_id IS NULL THEN 'gone'
                    WHEN list_sort(coalesce(o.rule_ids, [])) <> list_sort(coalesce(n.rule_ids, [])) THEN 'changed'
               END AS change
        FROM old_review o FULL OUTER JOIN new_review n ON o.journal_id = n.journal_id
    )
    SELECT change, journal_id, old_rank, new_rank, risk_score, old_ids, new_ids, reasons
    FROM paired WHERE change IS NOT NULL
    ORDER BY list_position(['new', 'changed', 'gone'], change), coalesce(new_rank, old_rank), journal_id
"""


def _notes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Differences between the runs that explain findings appearing or vanishing wholesale."""
    notes = []
    status_changes = con.execute("""
        WITH o AS (SELECT unnest(rules, recursive := true) FROM old_scan),
             n AS (SELECT unnest(rules, recursive := true) FROM new_scan)
        SELECT coalesce(n.id, o.id), coalesce(o.status, 'absent'), coalesce(n.status, 'absent')
        FROM o FULL OUTER JOIN n ON o.id = n.id
        WHERE o.status IS DISTINCT FROM n.status ORDER BY 1
    """).fetchall()
    notes += [f"rule {rule}: {old} in the old scan, {new} in the new one" for rule, old, new in status_changes]
    for key, label in (("rule_packs", "rule packs"), ("parameters", "parameters")):
        old, new = con.execute(
            f"SELECT (SELECT run -> '$.{key}' FROM old_scan), (SELECT run -> '$.{key}' FROM new_scan)"
        ).fetchall()[0]
        if old != new:
            notes.append(f"the {label} differ between the scans, so some changes may come from the set-up")
    return notes
