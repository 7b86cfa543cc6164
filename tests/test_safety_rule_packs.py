"""Rule packs are code from elsewhere: their SQL can read the loaded ledger and nothing else.

Two layers, each tested on its own: the loader refuses anything but one SELECT over the canonical
views (file:line, exit 3, before the ledger is read); and after the load, DuckDB itself refuses
file, network, extension and settings access, so a rule that slips past the loader fails alone
(status `error`) while the rest of the scan completes.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from jecheck import db
from jecheck.cli import main
from jecheck.errors import RuleError
from jecheck.ingest import LoadOptions
from jecheck.report import write_outputs
from jecheck.rules_engine import load_pack, run_rules
from jecheck.rules_engine import validate as rule_validation
from jecheck.rules_engine.sqlcheck import SqlFacts, SqlProblem, check_sql
from jecheck.scan import open_ledger

from safety_helpers import ATTACK_SQL_LINE, builtin_rules, scan, small_ledger, write_attack_pack

PASSWD = "/etc/passwd"

# attack -> (rule SQL, what the loader's refusal says)
LOADER_REFUSES = {
    "read_csv": (f"SELECT * FROM read_csv('{PASSWD}')", "may not call table function"),
    "read_csv in a subquery": (
        f"SELECT journal_id FROM journals WHERE journal_id IN (SELECT column0 FROM read_csv('{PASSWD}'))",
        "may not call table function"),
    "replacement scan": (f"SELECT * FROM '{PASSWD}'", "reads the file"),
    "replacement scan, FROM first": (f"SELECT (FROM '{PASSWD}' LIMIT 1) AS journal_id", "reads the file"),
    "read_text": (f"SELECT content AS journal_id FROM read_text('{PASSWD}')", "may not call table function"),
    "glob": ("SELECT file AS journal_id FROM glob('/etc/*')", "may not call table function"),
    "remote parquet": ("SELECT * FROM read_parquet('https://example.com/x.parquet')", "may not call table function"),
    "getenv": ("SELECT getenv('HOME') AS journal_id FROM journals", "may not call getenv()"),
    "current_setting": ("SELECT current_setting('temp_directory') AS journal_id", "may not call current_setting()"),
    "COPY TO": ("COPY (SELECT * FROM lines) TO '/tmp/jecheck-stolen.csv'", "must be a SELECT query, not COPY"),
    "ATTACH": ("ATTACH '/tmp/jecheck-other.duckdb' AS other", "must be a SELECT query, not ATTACH"),
    "INSTALL": ("INSTALL httpfs", "must be a SELECT query, not LOAD"),
    "LOAD": ("LOAD httpfs", "must be a SELECT query, not LOAD"),
    "SET": ("SET enable_external_access = true", "must be a SELECT query, not SET"),
    "PRAGMA": ("PRAGMA database_list", "must be a SELECT query, not PRAGMA"),
    "CALL": ("CALL pragma_version()", "must be a SELECT query, not CALL"),
    "second statement": ("SELECT journal_id FROM journals; DROP TABLE lines", "exactly one query, found 2"),
    "escape the wrapping query": (
        "SELECT journal_id FROM journals) AS x; DROP TABLE lines; SELECT * FROM (SELECT 1 AS journal_id",
        "does not parse"),
    "system catalog": ("SELECT table_name AS journal_id FROM information_schema.tables", "with a schema"),
}


@pytest.mark.parametrize("sql, refusal", LOADER_REFUSES.values(), ids=LOADER_REFUSES.keys())
def test_loader_refuses_the_rule_naming_file_line_and_problem(tmp_path, sql, refusal):
    pack = write_attack_pack(tmp_path / "pack", {"EVIL-001": sql})
    with pytest.raises(RuleError) as caught:
        load_pack(pack)
    message = str(caught.value)
    assert message.startswith(f"{pack / 'EVIL-001.attack.yaml'}:{ATTACK_SQL_LINE}: SQL ")
    assert refusal in message
    assert "\n" not in message


def test_scan_with_a_refused_pack_stops_before_reading_the_ledger(tmp_path):
    pack = write_attack_pack(tmp_path / "pack", {"EVIL-001": f"SELECT * FROM read_csv('{PASSWD}')"})
    ledger = small_ledger(tmp_path / "gl.parquet")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(ledger), "--rules", str(pack), "--out", str(out), "--quiet"])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"jecheck: error: {pack / 'EVIL-001.attack.yaml'}:{ATTACK_SQL_LINE}: SQL ")
    assert "Traceback" not in result.output + result.stderr
    assert not out.exists()


# Rules that slip past the loader (built here without it) -> what the run-time refusal says.
RUN_TIME_REFUSES = {
    "read_csv": (f"SELECT * FROM read_csv('{PASSWD}')", "may not do (Permission Error"),
    "read_text": (f"SELECT content AS journal_id FROM read_text('{PASSWD}')", "may not do (Permission Error"),
    "glob": ("SELECT file AS journal_id FROM glob('/etc/*')", "may not do (Permission Error"),
    "remote parquet": ("SELECT * FROM read_parquet('https://example.com/x.parquet')",
                       "may not do (Permission Error"),
    "getenv": ("SELECT getenv('HOME') AS journal_id", "getenv does not exist"),
    "COPY TO": ("COPY (SELECT * FROM lines) TO '{tmp}/stolen.csv'", "not run: SQL must be a SELECT query, not COPY"),
    "EXPORT": ("EXPORT DATABASE '{tmp}/exported'", "not run: SQL must be a SELECT query, not EXPORT"),
    "ATTACH": ("ATTACH '{tmp}/other.duckdb' AS other", "not run: SQL must be a SELECT query, not ATTACH"),
    "INSTALL": ("INSTALL httpfs", "not run: SQL must be a SELECT query, not LOAD"),
    "LOAD": ("LOAD httpfs", "not run: SQL must be a SELECT query, not LOAD"),
    "SET": ("SET enable_external_access = true", "not run: SQL must be a SELECT query, not SET"),
    "PRAGMA": ("PRAGMA database_list", "not run: SQL must be a SELECT query, not PRAGMA"),
    "CALL": ("CALL pragma_version()", "not run: SQL must be a SELECT query, not CALL"),
    "second statement": ("SELECT journal_id FROM journals; DROP TABLE lines",
                         "not run: SQL must be exactly one query, found 2 statements (SELECT, DROP)"),
    "escape the wrapping query": (
        "SELECT journal_id FROM journals) AS x; DROP TABLE lines; SELECT * FROM (SELECT 1 AS journal_id",
        "not run: SQL does not parse"),
    "comment out the wrapper": ("SELECT journal_id FROM journals /*", "not run: SQL does not parse"),
}


@pytest.fixture()
def locked_scan_database(tmp_path):
    """A ledger loaded and locked down exactly as a scan does before running rules (JE-00003 unbalanced)."""
    (tmp_path / "exists.csv").write_text("journal_id\nJE-99999\n")
    con, _ = open_ledger(LoadOptions(paths=(str(small_ledger(tmp_path / "gl.parquet", unbalanced=("JE-00003",))),)))
    db.lock_down(con)
    yield con
    con.close()


def test_runner_refuses_each_escaping_rule_alone_and_runs_the_rest(tmp_path, locked_scan_database):
    con = locked_scan_database
    unbalanced = builtin_rules().get("INT-001")
    attacks = [dataclasses.replace(unbalanced, id=f"EVIL-{n:03d}", sql=sql.format(tmp=tmp_path), params={})
               for n, (sql, _) in enumerate(RUN_TIME_REFUSES.values(), start=1)]
    lines_before = con.execute("SELECT count(*) FROM lines").fetchone()[0]
    databases_before = con.execute("SELECT count(*) FROM duckdb_databases()").fetchone()[0]

    outcomes = {o.id: o for o in run_rules(con, [unbalanced, *attacks])}

    assert (outcomes["INT-001"].status, outcomes["INT-001"].hits) == ("ran", 1)
    for attack, (name, (_, refusal)) in zip(attacks, RUN_TIME_REFUSES.items()):
        outcome = outcomes[attack.id]
        assert outcome.status == "error", name
        assert refusal in outcome.skipped_reason, name
        assert "\n" not in outcome.skipped_reason, name
    assert con.execute("SELECT rule_id, journal_id FROM findings").fetchall() == [("INT-001", "JE-00003")]
    assert con.execute("SELECT count(*) FROM lines").fetchone()[0] == lines_before
    assert con.execute("SELECT count(*) FROM duckdb_databases()").fetchone()[0] == databases_before
    assert con.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exists.csv", "gl.parquet"]


# Statements run straight against the locked connection (no parser check): DuckDB's own refusal.
DUCKDB_REFUSES = {
    "read_csv of an existing file": ("SELECT * FROM read_csv('{tmp}/exists.csv')", duckdb.PermissionException),
    "replacement scan of an existing file": ("SELECT * FROM '{tmp}/exists.csv'", duckdb.PermissionException),
    "read_text": (f"SELECT * FROM read_text('{PASSWD}')", duckdb.PermissionException),
    "glob": ("SELECT * FROM glob('{tmp}/*')", duckdb.PermissionException),
    "COPY TO": ("COPY (SELECT * FROM lines) TO '{tmp}/stolen.csv'", duckdb.PermissionException),
    "ATTACH": ("ATTACH '{tmp}/other.duckdb' AS other", duckdb.PermissionException),
    "INSTALL": ("INSTALL httpfs", duckdb.PermissionException),
    "LOAD": ("LOAD httpfs", duckdb.PermissionException),
    "persistent secret": ("CREATE PERSISTENT SECRET s (TYPE http)", duckdb.PermissionException),
    "re-enable external access": ("SET enable_external_access = true", duckdb.InvalidInputException),
    "reset external access": ("RESET enable_external_access", duckdb.InvalidInputException),
    "unlock the configuration": ("SET lock_configuration = false", duckdb.InvalidInputException),
    "open a directory": ("SET allowed_directories = ['/']", duckdb.InvalidInputException),
    "move the spill folder": ("SET temp_directory = '{tmp}'", duckdb.InvalidInputException),
    "PRAGMA that changes a setting": ("PRAGMA enable_profiling", duckdb.InvalidInputException),
}


@pytest.mark.parametrize("sql, refusal", DUCKDB_REFUSES.values(), ids=DUCKDB_REFUSES.keys())
def test_locked_connection_refuses_outside_access(tmp_path, locked_scan_database, sql, refusal):
    with pytest.raises(refusal, match="disabled (by|through) configuration|configuration has been locked"):
        locked_scan_database.execute(sql.format(tmp=tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exists.csv", "gl.parquet"]


def test_scan_completes_when_rules_slip_past_the_loader(tmp_path, monkeypatch):
    # The loader's SQL check lets through what it would refuse: the run-time layers must hold on their own.
    def lenient_check(sql, check_portability=True):
        try:
            return check_sql(sql, check_portability=check_portability)
        except SqlProblem:
            return SqlFacts(frozenset(), None)

    monkeypatch.setattr(rule_validation, "check_sql", lenient_check)
    pack = write_attack_pack(tmp_path / "pack", {
        "EVIL-001": f"SELECT * FROM read_csv('{PASSWD}')",
        "EVIL-002": f"COPY (SELECT * FROM lines) TO '{tmp_path}/stolen.csv'",
        "EVIL-003": "SELECT journal_id FROM journals; DROP TABLE lines",
    })
    ledger = small_ledger(tmp_path / "gl.parquet", unbalanced=("JE-00002",))
    result = scan(ledger, rules_dirs=(str(pack),), select=("EVIL", "INT-001"), model=False)
    written = write_outputs(result, tmp_path / "out")

    document = json.loads((tmp_path / "out" / "findings.json").read_text())
    statuses = {r["id"]: r["status"] for r in document["rules"] if r["status"] != "skipped"}
    assert statuses == {"EVIL-001": "error", "EVIL-002": "error", "EVIL-003": "error", "INT-001": "ran"}
    assert [(f["rule_id"], f["journal_id"]) for f in document["findings"]] == [("INT-001", "JE-00002")]
    assert {p.name for p in written} >= {"findings.json", "report.xlsx", "report.html"}
    assert not (tmp_path / "stolen.csv").exists()
    assert result.exit_code() == 0
