"""`jecheck` as its own process ends at once after its work, yet keeps what an exit promises: the exit code,
every byte of stdout, and no spill folder left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from safety_helpers import small_ledger


def run_jecheck(tmp_path, *args: str) -> subprocess.CompletedProcess:
    spill_parent = tmp_path / "tmp"
    spill_parent.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "jecheck", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TMPDIR": str(spill_parent)})


def test_scan_exit_code_and_piped_json_survive_the_quick_exit(tmp_path):
    ledger = small_ledger(tmp_path / "gl.parquet", unbalanced=("JE-00003",))
    result = run_jecheck(tmp_path, "scan", str(ledger), "--out", str(tmp_path / "out"), "--select", "INT-001",
                         "--no-model", "--json", "--fail-on", "high")
    assert result.returncode == 1, result.stderr  # an unbalanced journal is a high finding
    summary = json.loads(result.stdout)  # a pipe is block-buffered: all of it was flushed before the exit
    assert summary
    assert (tmp_path / "out" / "findings.json").is_file()
    assert list((tmp_path / "tmp").iterdir()) == []  # the scan's spill folder was removed


def test_a_clean_scan_exits_0_and_a_usage_error_exits_2(tmp_path):
    ledger = small_ledger(tmp_path / "gl.parquet")
    clean = run_jecheck(tmp_path, "scan", str(ledger), "--out", str(tmp_path / "out"), "--select", "INT-001",
                        "--no-model", "--quiet", "--fail-on", "high")
    assert (clean.returncode, clean.stdout) == (0, "")
    missing = run_jecheck(tmp_path, "scan", str(tmp_path / "absent.parquet"))
    assert missing.returncode == 2
    assert "absent.parquet" in missing.stderr
