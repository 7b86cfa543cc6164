"""Ctrl-C: `jecheck scan` in a subprocess gets SIGINT mid-run and ends with exit 130, one sentence, and
no output that looks complete but is not.

The child is the real CLI with one stage stalled (a `ready` file marks the moment), so the signal
lands exactly where the test wants it instead of wherever a timer happens to fall.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jecheck import report
from jecheck.report import write_outputs

from safety_helpers import scan, small_ledger, write_attack_pack

INTERRUPTED = "jecheck: interrupted; no output was left half-written.\n"
QUICK_SCAN = ("--select", "INT-001", "--no-model")  # the reports are still written, sooner

STALL_IN_WORKPAPER = """
    # The workpaper is fully written to its temporary name but not yet renamed when Ctrl-C comes.
    import jecheck.report.xlsx as workpaper
    real_atomic_path = workpaper.atomic_path

    @contextmanager
    def stalled_atomic_path(path):
        with real_atomic_path(path) as tmp:
            yield tmp
            READY.write_text(str(tmp))
            time.sleep(120)

    workpaper.atomic_path = stalled_atomic_path
"""

ANNOUNCE_SLOW_RULE = """
    # Ctrl-C comes once the slow rule's query is running.
    import jecheck.rules_engine.runner as runner
    real_execute_rule = runner.execute_rule

    def announce_slow_rule(con, rule, params, severity):
        if rule.id == "SLOW-001":
            READY.write_text(rule.id)
        return real_execute_rule(con, rule, params, severity)

    runner.execute_rule = announce_slow_rule
"""
# Days of work in one DuckDB task: without jecheck's own Ctrl-C watcher DuckDB would not notice the signal.
SLOW_RULE = "SELECT j.journal_id FROM journals j, generate_series(1, 100000000000) AS g(n) WHERE n % 1000003 = 1000004"


def interrupt_scan(tmp_path: Path, stall: str, *args: str) -> tuple[subprocess.CompletedProcess, Path, float]:
    """Run `jecheck scan` with `stall` patched in and send SIGINT once it is reached.

    Returns the finished process, the --out folder and the seconds from SIGINT to exit.
    """
    ready = tmp_path / "ready"
    driver = tmp_path / "driver.py"
    driver.write_text(textwrap.dedent("""
        import sys, time
        from contextlib import contextmanager
        from pathlib import Path
        READY = Path(sys.argv[1])
    """) + textwrap.dedent(stall) + textwrap.dedent("""
        from jecheck.cli import main
        main(sys.argv[2:], prog_name="jecheck")
    """))
    ledger = small_ledger(tmp_path / "gl.parquet")
    out = tmp_path / "out"
    child = subprocess.Popen([sys.executable, str(driver), str(ready), "scan", str(ledger), "--out", str(out),
                              "--quiet", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not ready.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), child.communicate(timeout=30)
    signalled = time.monotonic()
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    latency = time.monotonic() - signalled
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr), out, latency


def assert_every_file_is_whole(out: Path) -> None:
    """Nothing half-written: no temporary names left, and each file present reads to its end."""
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") or p.name.endswith(".partial")]
    for path in out.iterdir():
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".parquet":
            pq.read_table(path)


def test_ctrl_c_while_writing_the_reports_leaves_no_partial_file(tmp_path):
    result, out, _ = interrupt_scan(tmp_path, STALL_IN_WORKPAPER, *QUICK_SCAN)
    assert (result.returncode, result.stderr) == (130, INTERRUPTED)
    assert not (out / "report.xlsx").exists()
    assert not (out / "report.html").exists()
    assert_every_file_is_whole(out)


def test_ctrl_c_stops_a_slow_rule_at_once_and_is_not_a_rule_error(tmp_path):
    pack = write_attack_pack(tmp_path / "pack", {"SLOW-001": SLOW_RULE})
    result, out, latency = interrupt_scan(tmp_path, ANNOUNCE_SLOW_RULE, "--rules", str(pack),
                                          "--select", "SLOW-001", "--no-model")
    assert (result.returncode, result.stderr) == (130, INTERRUPTED)
    assert latency < 10
    assert not out.exists()


def contents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_ctrl_c_during_a_rerun_leaves_the_earlier_run_whole_and_untouched(tmp_path):
    # The folder holds one complete run at every moment: the earlier one until the new set is whole.
    out = tmp_path / "out"
    write_outputs(scan(small_ledger(tmp_path / "earlier.parquet", unbalanced=("JE-00002",)),
                       select=("INT-001",), model=False), out)
    (out / "notes.txt").write_text("mine")
    earlier = contents(out)
    result, _, _ = interrupt_scan(tmp_path, STALL_IN_WORKPAPER, *QUICK_SCAN)
    assert (result.returncode, result.stderr) == (130, INTERRUPTED)
    assert contents(out) == earlier


def test_an_interrupted_rerun_leaves_no_mix_of_earlier_and_new_files(tmp_path, monkeypatch):
    # In-process, interrupted after findings.json of the new run is written: none of it is in the folder.
    out = tmp_path / "out"
    write_outputs(scan(small_ledger(tmp_path / "earlier.parquet"), select=("INT-001",), model=False), out)
    earlier = contents(out)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "write_workpaper", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(scan(small_ledger(tmp_path / "later.parquet", unbalanced=("JE-00001",)),
                           select=("INT-001",), model=False), out)
    assert contents(out) == earlier
