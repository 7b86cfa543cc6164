"""findings.json: the stable, machine-readable contract of a scan (see DESIGN.md, Outputs)."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from .files import atomic_path
from .summary import arrow_batches


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def rule_entry(outcome) -> dict:
    return {
        "id": outcome.id, "title": outcome.title, "category": outcome.category, "severity": outcome.severity,
        "status": outcome.status, "skipped_reason": outcome.skipped_reason, "hits": outcome.hits,
        "suppressed_hits": getattr(outcome, "suppressed_hits", 0), "params": getattr(outcome, "params", {}),
        "duration_s": getattr(outcome, "duration_s", None),
    }


def run_section(result) -> dict:
    ingest = result.ingest.to_dict()
    files = ingest.get("files", [])
    ruleset = result.ruleset
    packs = [p.to_dict() if hasattr(p, "to_dict") else p for p in (getattr(ruleset, "packs", None) or [])]
    return {
        "input_sha256": files[0]["sha256"] if len(files) == 1 else [f["sha256"] for f in files],
        "inputs": files,
        "layout": ingest.get("layout"),
        "rows": {"read": ingest["rows_read"], "loaded": ingest["rows_loaded"], "rejected": ingest["rows_rejected"]},
        "parameters": result.options.parameters(),
        "rule_packs": packs,
        "seed": result.options.seed,
        "started_at": result.started_at,
        "duration_s": result.duration_s,
        "timings_s": result.timings,
        "ingest": ingest,
        "completeness": result.completeness.to_dict(),
        "model": result.model.to_dict() if result.model is not None and hasattr(result.model, "to_dict") else None,
        "stale_suppressions": result.stale_suppressions,
    }


FINDINGS_BATCH_ROWS = 50_000


def write_findings_array(con, out: TextIO) -> None:
    """Write the findings as a JSON array to `out`, each built by DuckDB and streamed in batches (there
    can be hundreds of thousands; memory holds one batch)."""
    with arrow_batches(con, """
            SELECT to_json(struct_pack(
                       rule_id := rule_id, severity := severity, category := category, journal_id := journal_id,
                       line_no := line_no, message := message, evidence := json(evidence), suppressed := suppressed,
                       suppression := CASE WHEN suppressed THEN struct_pack(
                           justification := suppression_justification, reviewer := suppression_reviewer) END))
            FROM findings ORDER BY rule_id, journal_id, line_no, message
        """, FINDINGS_BATCH_ROWS) as reader:
        separator = "["
        for batch in reader:
            if batch.num_rows:
                out.write(separator + ",".join(batch.column(0).to_pylist()))
                separator = ","
        out.write("[]" if separator == "[" else "]")


def review_rows(con, top: int | None) -> list[dict]:
    from ..db import table_exists

    if not table_exists(con, "review"):
        return []
    limit = "" if top is None else f"LIMIT {int(top)}"
    rows = con.execute(f"""
        SELECT rank, journal_id, risk_score, anomaly_score, percentile, rule_ids, reasons
        FROM review ORDER BY rank {limit}
    """).fetchall()
    keys = ("rank", "journal_id", "risk_score", "anomaly_score", "percentile", "rule_ids", "reasons")
    return [dict(zip(keys, row)) for row in rows]


def write_findings_json(result, path: Path) -> Path:
    head = {
        "jecheck_version": result.version,
        "run": run_section(result),
        "rules": [rule_entry(o) for o in result.rules],
    }
    review = review_rows(result.con, result.options.top)
    # Stream the DuckDB-built findings array in rather than round-tripping it through Python objects.
    text = json.dumps(head, default=_default, indent=1, ensure_ascii=False)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as out:
        out.write(text[: text.rstrip().rfind("}")].rstrip() + ',\n "findings": ')
        write_findings_array(result.con, out)
        out.write(',\n "review": ' + json.dumps(review, default=_default, ensure_ascii=False) + "\n}\n")
    return path
