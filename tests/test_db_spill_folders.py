"""A scan killed outright leaves its spill folder (maybe a compressed copy of the ledger); the next run removes it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from jecheck import db

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process ids are asked after with os.kill on POSIX only")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_next_connection_removes_folders_of_dead_scans_and_keeps_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    dead = tmp_path / f"{db.SPILL_PREFIX}{_dead_pid()}-abc123"
    (dead / "sub").mkdir(parents=True)
    (dead / "scan.duckdb").write_bytes(b"ledger rows")
    live = tmp_path / f"{db.SPILL_PREFIX}{os.getppid()}-def456"  # our parent: certainly running
    live.mkdir()
    (live / "scan.duckdb").write_bytes(b"another scan's rows")
    unrelated = tmp_path / f"{db.SPILL_PREFIX}notapid"
    unrelated.mkdir()
    a_file = tmp_path / f"{db.SPILL_PREFIX}{_dead_pid()}-file"
    a_file.write_text("not a folder")

    con = db.connect()
    own = [p for p in tmp_path.iterdir() if p.name.startswith(f"{db.SPILL_PREFIX}{os.getpid()}-")]

    assert not dead.exists()
    assert (live / "scan.duckdb").read_bytes() == b"another scan's rows"
    assert unrelated.exists() and a_file.exists()
    assert len(own) == 1 and own[0].is_dir()  # this connection's own folder, named after this process
    con.close()


def test_a_killed_scan_leaves_a_folder_that_the_next_scan_clears(tmp_path, monkeypatch):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    # A process that opens a connection and is then killed without any chance to clean up.
    victim = subprocess.Popen(
        [sys.executable, "-c", "import os, jecheck.db as db; con = db.connect(); os.kill(os.getpid(), 9)"], env=env)
    victim.wait()
    left = [p for p in tmp_path.iterdir() if p.name.startswith(f"{db.SPILL_PREFIX}{victim.pid}-")]
    assert len(left) == 1

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    db.connect().close()
    assert not left[0].exists()
