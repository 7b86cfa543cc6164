"""The floor a scan is measured against: DuckDB reads the ledger once and totals every journal.

    python benchmarks/floor.py LEDGER.parquet [--threads N] [--memory-limit 4GB]

Prints one JSON object: query seconds, journals and lines. A scan reads its input at least once and
groups it by journal at least once, so it cannot be much faster than this.
"""

from __future__ import annotations

import argparse
import json
import time

import duckdb

FLOOR_SQL = """
CREATE TABLE journal_totals AS
SELECT journal_id, count(*) AS lines, sum(amount) AS total,
       min(effective_date) AS first_date, max(effective_date) AS last_date
FROM read_parquet($path)
GROUP BY journal_id
"""


def measure_floor(path: str, threads: int | None = None, memory_limit: str | None = None) -> dict:
    """Time the floor query on `path`; return {"query_s", "journals", "lines"}."""
    config: dict[str, str | int] = {}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(config=config)
    start = time.perf_counter()
    con.execute(FLOOR_SQL, {"path": path})
    journals, lines = con.execute("SELECT count(*), sum(lines) FROM journal_totals").fetchone()
    return {"query_s": round(time.perf_counter() - start, 3), "journals": int(journals), "lines": int(lines)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--memory-limit")
    args = parser.parse_args()
    print(json.dumps(measure_floor(args.ledger, args.threads, args.memory_limit)))


if __name__ == "__main__":
    main()
