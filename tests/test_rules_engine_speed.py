"""Loading and running rule packs fast without loosening any check.

A scan trusts the recorded verdicts in checked_sql.json only for SQL whose exact text was checked
(anything else is walked in full), reads the test cases only of rule files not recorded as validated
in full (the others' cases are read when asked for, and are the same), and running rules side by side on cursors gives exactly the
findings and hit counts of running them one at a time, stays interruptible, and fails rules alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import signal
import threading
import time

import pytest

from jecheck import db
from jecheck.errors import RuleError
from jecheck.ingest import LoadOptions
from jecheck.rules_engine import checked_sql, load_pack, load_rules, run_rules
from jecheck.rules_engine import runner
from jecheck.rules_engine import validate as rule_validation
from jecheck.rules_engine.loader import builtin_rules_dir, load_each, rule_files
from jecheck.rules_engine.record_checked_sql import validated_rule_texts
from jecheck.rules_engine.yamlfile import load_yaml
from jecheck.sample.context import paths_for
from jecheck.sample.generator import generate_sample
from jecheck.scan import check_completeness, open_ledger

from safety_helpers import small_ledger, write_attack_pack

REGENERATE = "python -m jecheck.rules_engine.record_checked_sql"


def built_in_sql() -> list[str]:
    return [load_yaml(path).data["sql"] for path in rule_files(builtin_rules_dir())]


def test_checked_sql_records_exactly_the_built_in_rules_verdicts():
    recorded = json.loads(checked_sql.CHECKED_SQL_FILE.read_text(encoding="utf-8"))
    assert recorded == checked_sql.checked_sql_document(built_in_sql(), validated_rule_texts()), (
        f"checked_sql.json is stale (built-in rules, the checker, the validator or a parser changed); run {REGENERATE}")


def test_a_scan_reads_recorded_rule_files_without_their_cases_and_gets_the_same_rules(monkeypatch):
    read_cases = rule_validation._RuleReader.tests

    def not_now(*args):
        raise AssertionError(f"a scan read the test cases of a recorded rule file; run {REGENERATE}")

    monkeypatch.setattr(rule_validation._RuleReader, "tests", not_now)
    lazily = load_rules()
    monkeypatch.setattr(rule_validation._RuleReader, "tests", read_cases)
    in_full = {rule.id: rule for rule in load_each([builtin_rules_dir()])[0]}
    assert len(lazily) == len(in_full)
    for rule in lazily:  # every field, the cases (read now) included
        for field in dataclasses.fields(rule):
            assert getattr(rule, field.name) == getattr(in_full[rule.id], field.name), (rule.id, field.name)


def test_an_edited_test_case_in_a_built_in_rule_is_validated_again(tmp_path):
    pack = shutil.copytree(builtin_rules_dir(), tmp_path / "rules")
    edited = rule_files(pack)[0]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("    flags: [", "    flagz: [", 1), encoding="utf-8")
    with pytest.raises(RuleError, match=f"^{edited}:[0-9]+: unknown test-case key 'flagz'"):
        load_pack(pack, builtin=True)


def test_lazily_read_cases_come_from_the_text_that_was_checked_not_a_later_read(tmp_path):
    pack = shutil.copytree(builtin_rules_dir(), tmp_path / "rules")
    rule_file = rule_files(pack)[0]
    rule_id = load_yaml(rule_file).data["id"]
    in_full = {rule.id: rule for rule in load_each([builtin_rules_dir()])[0]}[rule_id]
    lazily = {rule.id: rule for rule in load_pack(pack, builtin=True)[1]}[rule_id]
    edited = rule_file.read_text(encoding="utf-8").replace("    flags: [", "    flagz: [", 1)
    rule_file.write_text(edited, encoding="utf-8")  # the file changes after the pack was loaded
    assert tuple(lazily.tests) == tuple(in_full.tests)


def test_without_tests_blanks_only_the_test_cases_and_keeps_line_numbers():
    text = ("id: X-001\ntests:\n- name: a\n  given: {}\n\n  # note\n  flags: [J1]\n"
            "message: \"m\"\nsql: |\n  SELECT 1\n")
    head = rule_validation.without_tests(text)
    assert head.splitlines()[7:] == ["message: \"m\"", "sql: |", "  SELECT 1"]
    assert head.count("\n") == text.count("\n") and "flags" not in head
    assert rule_validation.without_tests("id: X-001\n") is None


def test_a_scan_loads_the_built_in_pack_without_walking_its_sql(monkeypatch):
    def walked(sql, check_portability=True):
        raise AssertionError(f"walked recorded SQL; run {REGENERATE}")

    monkeypatch.setattr(rule_validation, "check_sql", walked)
    assert len(load_rules()) == len(rule_files(builtin_rules_dir()))


def test_an_edited_built_in_rule_is_walked_again(tmp_path):
    pack = shutil.copytree(builtin_rules_dir(), tmp_path / "rules")
    edited = rule_files(pack)[0]
    text = edited.read_text(encoding="utf-8")
    sql_line = text.splitlines().index("sql: |") + 1
    edited.write_text(text.replace("sql: |\n", "sql: |\n  SELECT * FROM read_csv('/etc/passwd') UNION ALL\n", 1),
                      encoding="utf-8")
    with pytest.raises(RuleError, match=f"^{edited}:{sql_line}: SQL may not call table function"):
        load_pack(pack, builtin=True)


def test_recorded_verdicts_count_only_for_the_same_text_and_contract(tmp_path, monkeypatch):
    sql = built_in_sql()[0]
    assert checked_sql.known_facts(sql) is not None
    assert checked_sql.known_facts(sql + " ") is None

    other_contract = json.loads(checked_sql.CHECKED_SQL_FILE.read_text(encoding="utf-8"))
    other_contract["contract"] = "0" * 64
    (tmp_path / "checked_sql.json").write_text(json.dumps(other_contract))
    monkeypatch.setattr(checked_sql, "CHECKED_SQL_FILE", tmp_path / "checked_sql.json")
    checked_sql._checked_sql.cache_clear()
    try:
        assert checked_sql.known_facts(sql) is None
    finally:
        monkeypatch.undo()
        checked_sql._checked_sql.cache_clear()


@pytest.fixture(scope="module")
def generated_ledger(tmp_path_factory):
    """A generated ledger with every rule's anomaly planted, loaded and locked down as a scan does."""
    ledger = tmp_path_factory.mktemp("generated") / "gl.parquet"
    generate_sample(ledger, 20_000, seed=3, start=dt.date(2024, 1, 1), months=6)
    files = paths_for(ledger)
    options = LoadOptions(paths=(str(ledger),), coa=str(files["coa"]), users=str(files["users"]),
                          calendar=str(files["calendar"]), source_listing=str(files["sources"]),
                          tb=str(files["tb"]), control_totals=str(files["control_totals"]))
    con, _ = open_ledger(options)
    check_completeness(con, options)
    db.lock_down(con)
    yield con
    con.close()


def findings_and_outcomes(con, workers: int) -> tuple[list[tuple], dict[str, tuple]]:
    outcomes = run_rules(con, load_rules(), workers=workers)
    findings = con.execute("SELECT * FROM findings").fetchall()  # in stored order: it must be stable too
    return findings, {o.id: (o.status, o.hits, o.skipped_reason, o.duration_s > 0) for o in outcomes}


def test_rules_side_by_side_find_exactly_what_they_find_one_at_a_time(generated_ledger):
    sequential = findings_and_outcomes(generated_ledger, workers=1)
    assert findings_and_outcomes(generated_ledger, workers=2) == sequential
    findings, outcomes = sequential
    assert set(outcomes.values()) == {("ran", hits, None, True) for _, hits, _, _ in outcomes.values()}
    assert len({row[0] for row in findings}) > 30  # most rules found their planted anomaly


SLOW = "SELECT j.journal_id FROM journals j, generate_series(1, 100000000000) AS g(n) WHERE n % 1000003 = 1000004"


def test_ctrl_c_interrupts_every_rule_running_side_by_side(tmp_path, monkeypatch):
    pack = write_attack_pack(tmp_path / "pack", {"SLOW-001": SLOW, "SLOW-002": SLOW})
    con, _ = open_ledger(LoadOptions(paths=(str(small_ledger(tmp_path / "gl.parquet")),)))
    db.lock_down(con)
    started: list[str] = []
    both_running = threading.Event()
    real_execute_rule = runner.execute_rule

    def announce(cursor, rule, params, severity):
        started.append(rule.id)
        if len(started) == 2:
            both_running.set()
        return real_execute_rule(cursor, rule, params, severity)

    def press_ctrl_c_once_both_run():
        if both_running.wait(30):
            time.sleep(0.5)
            os.kill(os.getpid(), signal.SIGINT)  # to the process, as a terminal sends it: any thread may get it

    monkeypatch.setattr(runner, "execute_rule", announce)
    ctrl_c = threading.Thread(target=press_ctrl_c_once_both_run)
    ctrl_c.start()
    begun = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_rules(con, load_rules([pack], include_builtin=False), workers=2)
    ctrl_c.join()
    assert sorted(started) == ["SLOW-001", "SLOW-002"]
    assert time.monotonic() - begun < 15  # the slow queries run for days unless interrupted
    assert con.execute("SELECT count(*) FROM journals").fetchall() == [(6,)]  # the connection is still usable
    con.close()


@pytest.mark.parametrize("threads, rule_threads", [(1, {"MainThread"}), (2, {"jecheck-rule_0", "jecheck-rule_1"})])
def test_rules_run_one_at_a_time_when_duckdb_may_use_one_thread(tmp_path, monkeypatch, threads, rule_threads):
    con = db.connect(threads=threads)
    con.execute("CREATE TABLE journals AS SELECT 'JE-' || range AS journal_id FROM range(3)")
    (tmp_path / "secret.csv").write_text("journal_id\nJE-9\n")
    db.lock_down(con)
    pack = write_attack_pack(tmp_path / "pack", {f"ANY-00{n}": "SELECT journal_id FROM journals" for n in range(1, 8)})
    rules = list(load_rules([pack], include_builtin=False))
    # Past the loader (built without it): the locked database refuses it on a cursor too.
    rules.append(dataclasses.replace(rules[0], id="ANY-008", sql=f"SELECT * FROM read_csv('{tmp_path / 'secret.csv'}')"))
    seen: set[str] = set()
    real_execute_rule = runner.execute_rule

    def note_thread(cursor, rule, params, severity):
        seen.add(threading.current_thread().name)
        time.sleep(0.05)  # long enough for the second thread to take a rule
        return real_execute_rule(cursor, rule, params, severity)

    monkeypatch.setattr(runner, "execute_rule", note_thread)
    outcomes = run_rules(con, rules, available_columns=[], available_context=[], workers=2)
    assert [(o.status, o.hits) for o in outcomes] == [("ran", 3)] * 7 + [("error", 0)]
    assert "may not do (Permission Error" in outcomes[-1].skipped_reason
    assert seen == rule_threads
