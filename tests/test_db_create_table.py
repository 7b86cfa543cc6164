"""db.create_table_as: the table a CREATE TABLE AS gives, with journal ids stored uncompressed."""

from __future__ import annotations

import duckdb

from jecheck import db

QUERY = """
    WITH ids AS (SELECT 'J' || lpad(CAST(range AS VARCHAR), 7, '0') AS journal_id, range AS n FROM range($rows))
    SELECT journal_id, CAST(n AS DECIMAL(38,4)) AS amount, [journal_id] AS ids,
           CASE WHEN n % 3 = 0 THEN NULL ELSE 'same text' END AS note
    FROM ids
"""


def _compression(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, set[str]]:
    rows = con.execute(f"SELECT column_name, compression FROM pragma_storage_info('{table}') "
                       "WHERE segment_type NOT IN ('VALIDITY')").fetchall()
    found: dict[str, set[str]] = {}
    for column, compression in rows:
        found.setdefault(column, set()).add(compression)
    return found


def test_journal_ids_are_stored_uncompressed_and_the_rest_as_duckdb_chooses(tmp_path):
    con = duckdb.connect(str(tmp_path / "scan.duckdb"))
    db.create_table_as(con, "made", QUERY, {"rows": 300_000})
    con.execute(f"CREATE TABLE plain AS {QUERY}", {"rows": 300_000})
    con.execute("CHECKPOINT")
    assert con.execute("SELECT count(*) FROM (FROM made EXCEPT ALL FROM plain)").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM made").fetchone()[0] == 300_000
    assert [r[:2] for r in con.execute("DESCRIBE made").fetchall()] == \
        [r[:2] for r in con.execute("DESCRIBE plain").fetchall()]
    made, plain = _compression(con, "made"), _compression(con, "plain")
    assert made["journal_id"] == {"Uncompressed"}
    assert plain["journal_id"] != {"Uncompressed"}  # what the declaration saves: DuckDB would compress the ids
    assert made["note"] == plain["note"] != {"Uncompressed"}


def test_a_table_without_journal_ids_and_a_name_needing_quotes(tmp_path):
    con = duckdb.connect(str(tmp_path / "scan.duckdb"))
    db.create_table_as(con, 'odd "name"', "SELECT range AS n, 'x' AS label FROM range(5)")
    db.create_table_as(con, 'odd "name"', "SELECT range AS n FROM range(3)")  # replaces it
    assert con.execute('SELECT sum(n), count(*) FROM "odd ""name"""').fetchone() == (3, 3)
